"""互动回应: 政务咨询 columns, message lists and pages, and the 3-month / 5-working-day rules."""

from __future__ import annotations

import datetime as dt

import pytest

from inspection.checks import (
    MessageRow,
    answered,
    is_consult_column,
    judge_message,
    parse_message_list,
    parse_message_page,
)

D = dt.date
AS_OF = D(2026, 11, 30)


@pytest.mark.parametrize(
    "name",
    [
        "县长信箱",
        "书记信箱",
        "领导信箱",
        "局长信箱",
        "在线咨询",
        "政务咨询",
        "网络问政",
        "咨询投诉",
        "网上留言",
        "12345热线",
    ],
)
def test_consult_columns(name):
    assert is_consult_column(name, "http://x.test/hdjl/a/")


@pytest.mark.parametrize(
    "name",
    [
        "在线访谈",
        "意见征集",
        "民意征集",
        "网上调查",
        "信访投诉",
        "纪检监察",
        "违纪举报",
        "政民互动",
        "通知公告",
        "",
    ],
)
def test_not_consult_columns(name):
    assert not is_consult_column(name, "http://x.test/hdjl/a/")


def test_unnamed_column_by_its_address():
    assert is_consult_column("", "http://x.test/hdjl/xzxx/")
    assert not is_consult_column("", "http://x.test/hdjl/zxft/")


def test_table_list_with_header_and_pager():
    html = (
        "<html><body><table><tr><th>序号</th><th>信件标题</th><th>来信时间</th><th>回复时间</th><th>办理状态</th></tr>"
        "<tr><td>1</td><td><a href='show.asp?id=1'>村道修路</a></td><td>2026-08-01</td><td></td><td>尚未回复</td></tr>"
        "<tr><td>2</td><td><a href='show.asp?id=2' title='关于低保的问题'>关于低保…</a></td><td>2026/09/01</td>"
        "<td>2026年9月9日</td><td>已回复</td></tr></table>"
        "<div class='page'>共3页 <a href='list.asp?page=2'>下一页</a></div></body></html>"
    )
    got = parse_message_list("http://x.test/hd/list.asp", html)
    assert got.rows == [
        MessageRow("http://x.test/hd/show.asp?id=1", "村道修路", D(2026, 8, 1), None, "尚未回复"),
        MessageRow(
            "http://x.test/hd/show.asp?id=2", "关于低保的问题", D(2026, 9, 1), D(2026, 9, 9), "已回复"
        ),
    ]
    assert got.next_url == "http://x.test/hd/list.asp?page=2"


def test_grid_list_header_in_another_ul():
    html = (
        "<ul class='th'><li><span>标题</span><span>留言时间</span><span>状态</span></li></ul>"
        "<ul class='tb'><li><span><a href='/m/1.html'>问题一</a></span><span>2026-01-02</span><span>已办结</span></li>"
        "<li><span><a href='/m/2.html'>问题二</a></span><span>2026-01-05</span><span>处理中</span></li></ul>"
    )
    rows = parse_message_list("http://x.test/x/", f"<html><body>{html}</body></html>").rows
    assert [(r.url, r.asked, r.state) for r in rows] == [
        ("http://x.test/m/1.html", D(2026, 1, 2), "已办结"),
        ("http://x.test/m/2.html", D(2026, 1, 5), "处理中"),
    ]


def test_list_without_header_reads_dates_in_order():
    html = (
        "<html><body><ul><li><a href='/m/1.html'>问题一</a><span>[2026-01-02]</span><em>办理中</em></li>"
        "<li><a href='/m/2.html'>问题二 2025-12-30</a> 2026-01-03 回复：2026-01-05 已回复</li></ul></body></html>"
    )
    rows = parse_message_list("http://x.test/x/", html).rows
    assert [(r.title, r.asked, r.replied, r.state) for r in rows] == [
        ("问题一", D(2026, 1, 2), None, "办理中"),
        ("问题二 2025-12-30", D(2026, 1, 3), D(2026, 1, 5), "已回复"),
    ]


def test_message_page_in_a_table():
    html = (
        "<html><body><table><tr><td>信件标题：</td><td>修路</td></tr><tr><td>来信时间：</td><td>2026年8月1日 10:20</td></tr>"
        "<tr><td>来信内容：</td><td>我村道路坑洼，何时维修？</td></tr><tr><td>回复单位：</td><td>县交通局</td></tr>"
        "<tr><td>回复时间：</td><td>2026-08-10</td></tr><tr><td>回复内容：</td><td>已列入计划。</td></tr></table></body></html>"
    )
    got = parse_message_page("http://x.test/m/1", html)
    assert (got.asked, got.replied, got.question_text, got.reply_text) == (
        D(2026, 8, 1),
        D(2026, 8, 10),
        "我村道路坑洼，何时维修？",
        "已列入计划。",
    )


def test_message_page_in_paragraphs_unanswered():
    html = (
        "<html><body><h1>咨询入学政策</h1><p>留言时间：2026-07-01 09:00:00</p><p>留言内容：孩子明年入学需要什么材料？</p>"
        "<p>办理状态：办理中</p><p>回复时间：</p><p>回复内容：</p><div class='footer'>发布时间：2026-07-02</div></body></html>"
    )
    got = parse_message_page("http://x.test/m/2", html)
    assert (got.asked, got.replied, got.state) == (D(2026, 7, 1), None, "办理中")
    assert got.question_text == "孩子明年入学需要什么材料？" and got.reply_text == ""


def test_states():
    assert answered("已回复") and answered("已办结") and answered("状态：已答复")
    assert answered("尚未回复") is False and answered("未回复") is False and answered("办理中") is False
    assert answered("已受理") is False and answered(None) is None and answered("征集中") is None


def test_unanswered_more_than_three_months_is_a_veto():
    v = judge_message(D(2026, 8, 20), None, "尚未回复", AS_OF)
    assert (v.kind, v.days) == ("unanswered_message", 102)
    assert judge_message(D(2026, 8, 29), None, None, AS_OF).kind == "unanswered_message"


def test_unanswered_near_misses():
    assert judge_message(D(2026, 9, 2), None, "办理中", AS_OF) is None  # 2 months 28 days
    assert judge_message(D(2026, 8, 30), None, "办理中", AS_OF) is None  # exactly 3 months
    assert judge_message(D(2025, 10, 15), None, "未回复", AS_OF) is None  # asked more than a year ago
    assert judge_message(D(2026, 12, 5), None, None, AS_OF) is None  # after as_of
    assert judge_message(D(2026, 7, 1), None, "已回复", AS_OF) is None  # replied, date not shown
    assert judge_message(None, None, "未回复", AS_OF) is None


def test_reply_working_days_on_the_official_calendar():
    # asked Wed 2026-09-30; 国庆 10-01..10-07 off, Sat 10-10 is a working day (调休)
    assert judge_message(D(2026, 9, 30), D(2026, 10, 13), None, AS_OF) is None  # 5th working day
    v = judge_message(D(2026, 9, 30), D(2026, 10, 14), "已回复", AS_OF)
    assert (v.kind, v.workdays, v.days, v.approximate) == ("slow_reply", 6, 14, False)
    v = judge_message(D(2026, 11, 2), D(2026, 11, 10), None, AS_OF)
    assert (v.kind, v.workdays) == ("slow_reply", 6)
    assert judge_message(D(2026, 11, 2), D(2026, 11, 9), None, AS_OF) is None


def test_years_beyond_the_calendar_are_approximate():
    v = judge_message(D(2027, 3, 1), D(2027, 3, 10), None, D(2027, 3, 31))
    assert v.kind == "slow_reply" and v.approximate


def test_a_reply_without_a_state_is_answered():
    html = "<html><body><p>来信时间：2026-07-01</p><p>来信内容：问题</p><p>回复内容：您反映的问题，见附件。</p></body></html>"
    got = parse_message_page("http://x.test/m/3", html)
    assert (got.asked, got.replied, got.state) == (D(2026, 7, 1), None, "已回复")
    assert judge_message(got.asked, got.replied, got.state, AS_OF) is None


def test_header_of_td_cells_without_dates():
    html = (
        "<html><body><table class='csstable'><tr class='tbg'><td>主题</td><td>联名人数</td><td>回复状态</td></tr>"
        "<tr><td><a href='detail.action?theID=7'>路灯不亮</a></td><td>1</td><td><font color='red'>未回复</font></td></tr>"
        "<tr><td><a href='detail.action?theID=8'>垃圾清运</a></td><td>3</td><td><font color='green'>已回复</font></td>"
        "</tr></table></body></html>"
    )
    rows = parse_message_list("http://x.test/web/list.action", html).rows
    assert [(r.title, r.asked, r.state) for r in rows] == [
        ("路灯不亮", None, "未回复"),
        ("垃圾清运", None, "已回复"),
    ]


def test_detail_with_labels_and_values_side_by_side():
    html = (
        "<html><body><table><tr><td>办件编号</td><td>X2026001</td><td>来信时间</td><td>2026-09-01 08:00</td></tr>"
        "<tr><td>信件标题</td><td colspan='3'>噪音扰民</td></tr><tr><td>信件内容</td><td colspan='3'>夜间施工</td></tr>"
        "<tr><td>答复时间</td><td>2026-09-03</td><td>处理状态</td><td>已办结</td></tr></table></body></html>"
    )
    got = parse_message_page("http://x.test/m/9", html)
    assert (got.asked, got.replied, got.state, got.question_text) == (
        D(2026, 9, 1),
        D(2026, 9, 3),
        "已办结",
        "夜间施工",
    )


def test_div_rows_without_header():
    html = (
        "<html><body><div class='list'><div class='item'><a href='/m/1.html'>噪音扰民</a>"
        "<span class='time'>2026-03-02</span><span class='zt'>已回复</span></div>"
        "<div class='item'><a href='/m/2.html'>路灯不亮</a><span class='time'>2026-03-05</span>"
        "<span class='zt'>待回复</span></div></div><div class='nav'><a href='/'>首页</a><a href='/a/'>关于</a></div>"
        "</body></html>"
    )
    rows = parse_message_list("http://x.test/x/", html).rows
    assert [(r.url, r.asked, r.state) for r in rows] == [
        ("http://x.test/m/1.html", D(2026, 3, 2), "已回复"),
        ("http://x.test/m/2.html", D(2026, 3, 5), "待回复"),
    ]


def test_finding_the_columns_on_the_inspectnet_pages():
    from inspection.checks import consult_links, interaction_links
    from tests.inspectnet.network import InspectNetwork

    net = InspectNetwork()
    net.port = 8
    net.build()
    base = net.base("hx")
    assert interaction_links(base + "/", net.page("hx", "/")) == [base + "/hdjl/"]
    assert consult_links(base + "/hdjl/", net.page("hx", "/hdjl/")) == [("县长信箱", base + "/hdjl/xzxx/")]
    assert consult_links(net.base("jyj") + "/hdjl/", net.page("jyj", "/hdjl/")) == [
        ("局长信箱", net.base("jyj") + "/hdjl/jzxx/")
    ]


def test_a_state_cell_without_a_state_word_says_nothing():
    html = (
        "<html><body><table><tr><th>标题</th><th>来信时间</th><th>状态</th></tr>"
        "<tr><td><a href='/m/1.html'>问题</a></td><td>2026-08-01</td><td>查看详情</td></tr></table></body></html>"
    )
    (row,) = parse_message_list("http://x.test/x/", html).rows
    assert row.state is None
