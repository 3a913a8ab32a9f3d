"""crawler.extract, issue 7 (rows and dates from evidence, not size) on synthetic snippets.

Each test builds the trap the real pages showed, with markup of its own (no real site's names,
paths or classes): a short dated list beside a long undated box, dates in any place of the row,
one list split over blocks, script-driven rows, pagers stated only by scripts or text beside
them, detail dates and 公文 metadata that carry no label.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

import pytest

from crawler.extract import is_script_item_url, parse_detail, parse_list, script_item_url

D = dt.date
COL = "http://www.a-county.gov.cn/xxgk/tzgg/"


def page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def _urls(lp):
    return [e.url for e in lp.entries]


# ---------------------------------------------------------------------------------- which block
def test_short_dated_list_beats_long_undated_box():
    box = "".join(
        f"<li><a href='/zt/story/2020{i:02d}/t2020{i:02d}01_{i}.html'>身边的第{i}个暖心故事专题报道</a></li>"
        for i in range(1, 13)
    )
    rows = "".join(
        f"<li><span class='badge'>2020-12-0{i}</span><a href='./202012/t2020120{i}_{i}.html'>关于第{i}项工作的通知</a></li>"
        for i in range(1, 4)
    )
    html = page(f"<div class='box'><ul>{rows}</ul></div><div class='aside'><h3>专题</h3><ul>{box}</ul></div>")
    lp = parse_list(COL, html)
    assert [(e.title, e.date) for e in lp.entries] == [
        (f"关于第{i}项工作的通知", D(2020, 12, i)) for i in range(1, 4)
    ]


@pytest.mark.parametrize(
    "row",
    [
        "<li><span> 2019-05-22 </span><a href='{u}'>{t}</a></li>",  # padded, before the link
        "<li><span>[2019-05-22 16:35]</span><a href='{u}'>{t}</a></li>",  # bracketed with a time
        "<li><a href='{u}'>{t}</a><em>【时间：2019年05月22日 16:35】</em></li>",  # Chinese form, after
        "<li><a href='{u}'><h3>{t}(2019-05-22)</h3><p>{t}</p></a></li>",  # only inside the title text
        "<li><a href='{u}'><h2>{t}</h2><p><i>主题分类：综合</i><i>日间：2019-05-22 </i></p></a></li>",  # typo label
    ],
)
def test_row_date_in_any_place(row):
    html = page(
        "<ul class='l'>"
        + "".join(row.format(u=f"./a/{i}.html", t=f"关于第{i}项工作的通知") for i in range(5))
        + "</ul>"
    )
    lp = parse_list(COL, html)
    assert [(e.title, e.date) for e in lp.entries] == [
        (f"关于第{i}项工作的通知", D(2019, 5, 22)) for i in range(5)
    ]


def test_titles_cleaned_as_shown():
    html = page(
        "<ul class='l'>"
        "<li><a href='./a/1.html'>·关于第一项工作的通知</a><span>[2021-03-26]</span></li>"
        "<li><a href='./a/2.html' title='关于第二项工作的通知全文标题'>关于第二项工作的...</a><span>[2021-03-25]</span></li>"
        "<li><a href='./a/3.html'>&#91;图&#93;关于第三项工作&#65288;试行&#65289;</a><span>[2021-03-24]</span></li>"
        "</ul>"
    )
    assert [e.title for e in parse_list(COL, html).entries] == [
        "关于第一项工作的通知",
        "关于第二项工作的通知全文标题",
        "[图]关于第三项工作（试行）",
    ]


def test_one_list_split_over_blocks_and_a_pinned_table():
    def tr(i, day):
        return f"<tr><td><a href='./2020{day:02d}/t2020{day:02d}01_{i}.html'>关于第{i}项工作的通知公告</a></td><td>2020-{day:02d}-01</td></tr>"

    html = page(
        "<div class='list'><table class='top'>"
        "<tr><td><img src='/i/top.gif'><a href='./202001/t20200101_99.html'>关于全年重点工作的通知</a></td><td>2020-01-01</td></tr>"
        "</table><table class='rows'>" + "".join(tr(i, 12 - i) for i in range(1, 6)) + "</table></div>"
        "<div class='page'><a href='index_1.html'>下一页</a></div>"
    )
    lp = parse_list(COL, html)
    assert [e.url.rsplit("_", 1)[1] for e in lp.entries] == [
        "99.html",
        "1.html",
        "2.html",
        "3.html",
        "4.html",
        "5.html",
    ]
    assert [e.pinned for e in lp.entries] == [True] + [False] * 5
    # a box with its own heading beside a one-row last page is not part of the list
    side = (
        "<div class='side'><h3>最新信息</h3><ul>"
        + "".join(
            f"<li><a href='./2012{i:02d}/t2012{i:02d}01_{i}.html'>关于第{i}项其他工作的通知</a><span>2012-{i:02d}-01</span></li>"
            for i in range(1, 9)
        )
        + "</ul></div>"
    )
    last = page(
        side + "<div class='main'><ul><li><a href='./201101/t20110101_1.html'>关于做好元旦值班工作的通知</a>"
        "<span>2011-01-01</span></li></ul><div class='page'><a href='index_1.html'>上一页</a> 共3页</div></div>"
    )
    assert [e.title for e in parse_list(COL + "index_2.html", last).entries] == ["关于做好元旦值班工作的通知"]


def test_four_ul_blocks_are_one_list_and_a_mobile_copy_counts_once():
    blocks = "".join(
        "<ul>"
        + "".join(
            f"<li><span>[2019-05-{i:02d} 10:00]</span><a href='../p/{i}.html'>第{i}号项目申报公告</a></li>"
            for i in range(k, k + 3)
        )
        + "</ul>"
        for k in (1, 4, 7, 10)
    )
    lp = parse_list(COL + "003-1.html", page(f"<div class='lst'>{blocks}</div>"))
    assert len(lp.entries) == 12
    desk = "".join(
        f"<li><a href='./a/{i}.html'>关于第{i}项工作的通知</a><span>2020-12-{i:02d}</span></li>"
        for i in range(1, 6)
    )
    html = page(
        f"<div class='pc'><ul class='x'>{desk}</ul></div><div class='pc'><ul class='x'>{desk}</ul></div>"
    )
    assert _urls(parse_list(COL, html)) == [f"{COL}a/{i}.html" for i in range(1, 6)]


# ---------------------------------------------------------------------------------- script rows
def test_script_driven_rows_are_items_with_a_synthetic_url():
    block = (
        "<ul class='l'>"
        "<li><span>2020-04-30</span><a href='javascript:;'>关于固体废物管理的通知</a></li>"
        "<li><span>2019-12-20</span><a href='./a/2.html'>关于土壤污染防治的通知</a></li>"
        "<li><span>2019-11-14</span><a href='javascript:void(0)'>部门决算公开说明</a></li>"
        "<li><span>2019-11-14</span><a href='javascript:void(0)'>部门决算公开说明</a></li>"
        "<li><span>2019-10-01</span><a href='#' onclick=\"window.open('/x/9.html')\">关于国庆值班的通知</a></li>"
        "<li><a href='javascript:;'>没有日期的脚本链接行</a></li>"
        "</ul>"
    )
    html = page(block)
    lp = parse_list(COL + "index_2.html", html, column_url=COL)
    want = [
        script_item_url(COL, "关于固体废物管理的通知", D(2020, 4, 30)),
        f"{COL}a/2.html",
        script_item_url(COL, "部门决算公开说明", D(2019, 11, 14)),
        script_item_url(COL, "部门决算公开说明", D(2019, 11, 14), 2),  # another record
        script_item_url(COL, "关于国庆值班的通知", D(2019, 10, 1)),
    ]
    assert _urls(lp) == want  # the undated script row is no item
    assert len(set(want)) == 5 and all(u.startswith(COL + "#item-") for u in want if u != f"{COL}a/2.html")
    assert [e.fetchable for e in lp.entries] == [False, True, False, False, False]
    assert [is_script_item_url(u) for u in want] == [True, False, True, True, True]
    # a mobile copy of the block (another block, same rows) adds nothing
    mobile = page(f"<div class='pc'>{block}</div><div class='m'>{block}</div>")
    assert _urls(parse_list(COL + "index_2.html", mobile, column_url=COL)) == want
    # the identity does not depend on the page the row is on, nor on the page's own URL
    assert _urls(parse_list(COL, html))[0] == want[0]
    assert script_item_url(COL, "t", D(2020, 1, 1)) != script_item_url(COL, "t", D(2020, 1, 2))


# ---------------------------------------------------------------------------------- pagers
ROWS = (
    "<ul class='l'>"
    + "".join(
        f"<li><a href='./a/{i}.html'>关于第{i}项工作的通知</a><span>2020-12-{i:02d}</span></li>"
        for i in range(1, 6)
    )
    + "</ul>"
)


def test_pager_object_script():
    html = page(
        ROWS
        + "<div id='fy'><script>Pager({size:4, current:0, prefix:'index', suffix:'html'});</script></div>"
    )
    lp = parse_list(COL, html)
    assert (lp.total_pages, lp.next_url) == (4, COL + "index_1.html")
    assert lp.pages == [COL, COL + "index_1.html", COL + "index_2.html", COL + "index_3.html"]


def test_onclick_pager_on_hash_links():
    html = page(
        ROWS + "<div>共52条记录 1/3页 <a disabled>首页</a> <a disabled>上一页</a>"
        "<a href='#' onclick=\"location.href=encodeURI('index_2.jhtml');\">下一页</a> "
        "<a href='#' onclick=\"location.href=encodeURI('index_3.jhtml');\">尾页</a></div>"
    )
    lp = parse_list(COL + "index.jhtml", html)
    assert (lp.total_pages, lp.total_records, lp.next_url) == (3, 52, COL + "index_2.jhtml")
    assert lp.pages == [COL + "index.jhtml", COL + "index_2.jhtml", COL + "index_3.jhtml"]


def test_postback_pager_states_its_page_count():
    link = "<a href=\"javascript:__doPostBack('ctl$pager','{n}')\">{t}</a>"
    html = page(
        ROWS
        + "<div><a disabled>第一页</a><span>1</span>"
        + "".join(link.format(n=n, t=n) for n in (2, 3, 4))
        + link.format(n=2, t="下一页")
        + link.format(n=25, t="最后一页")
        + "</div>"
    )
    lp = parse_list(COL + "Default.aspx", html)
    assert (lp.total_pages, lp.next_url, lp.pages, lp.post) == (25, None, [], False)
    # over an ASP.NET form: every page is that form posted with the pager's event
    form = page(
        "<form method='post' action='./Default.aspx'><input type='hidden' name='__VIEWSTATE' value='/wE+Pa=='>"
        "<input type='hidden' name='__EVENTTARGET' value=''><input type='submit' name='go' value='搜索'>"
        + html[html.index("<body>") + 6 : html.index("</body>")]
        + "</form>"
    )
    lp = parse_list(COL + "Default.aspx", form)
    assert (lp.total_pages, lp.next_url, lp.post, len(lp.pages)) == (25, None, True, 25)
    assert lp.pages[0] == COL + "Default.aspx"
    base, _, query = lp.pages[24].partition("?")
    assert base == COL + "Default.aspx"
    assert parse_qs(query) == {
        "__EVENTTARGET": ["ctl$pager"],
        "__EVENTARGUMENT": ["25"],
        "__VIEWSTATE": ["/wE+Pa=="],
    }


def test_page_count_stated_beside_the_pager_links():
    html = page(
        ROWS + "<div class='paging'><div>当前第1页&nbsp;&nbsp;共26页</div><div class='nums'><span>1</span>"
        "<a href='1751_2.html'>2</a><a href='javascript:;'>3</a><a href='javascript:;'>...</a>"
        "<a href='1751_2.html'>下一页</a></div></div>"
    )
    lp = parse_list(COL + "1751.html", html)
    assert (lp.total_pages, lp.next_url) == (26, COL + "1751_2.html")
    assert lp.pages[-1] == COL + "1751_26.html"


def test_every_page_numbered_gives_the_count_but_a_window_does_not():
    nums = " ".join(f"<a href='003-{n}.html'>{n}</a>" for n in range(2, 8))
    html = page(ROWS + f"<div><span>1</span> {nums} <a href='003-2.html'>下一页</a></div>")
    assert parse_list(COL + "003-1.html", html).total_pages == 7
    window = page(ROWS + f"<div><span>1</span> {nums} ... <a href='003-2.html'>下一页</a></div>")
    assert parse_list(COL + "003-1.html", window).total_pages is None


# ---------------------------------------------------------------------------------- detail pages
def test_detail_byline_date_near_the_title():
    html = page(
        "<h1>福利彩票公益金资助项目完成情况</h1><div class='info'>2020-12-05 公益彩票网</div>"
        "<div class='text'><p>项目于2020年10月1日开工，2020年11月30日完工。</p></div>",
        "<title>福利彩票公益金资助项目完成情况</title>",
    )
    d = parse_detail(COL + "a.html", html)
    assert (d.publish_date, d.publish_date_from) == (D(2020, 12, 5), "byline")
    # a sentence is not a byline
    html2 = html.replace("2020-12-05 公益彩票网", "2020-12-05，项目开工。")
    assert parse_detail(COL + "a.html", html2).publish_date is None


def test_detail_label_before_meta_and_time_from_another_source():
    html = page(
        "<h1>关于做好防汛工作的通知</h1><ul><li>成文日期：2025-04-03</li><li>发布日期：2025-04-03</li></ul>"
        "<div>来源：县水利局 时间：2025-04-03 16:35</div><p>正文。</p>",
        "<title>关于做好防汛工作的通知</title><meta name='PubDate' content='2025-04-08 09:00'>",
    )
    d = parse_detail(COL + "a.html", html)
    assert (d.publish_date, d.publish_datetime, d.publish_date_from) == (
        D(2025, 4, 3),
        "2025-04-03 16:35",
        "label",
    )


def test_detail_official_document_without_a_metadata_table():
    body = (
        "<h1>{t}</h1><div>发布日期：2018-07-06 17:40:20 来源：政府办</div><div class='text'>"
        "<p align='center'>某政办〔<span>2018</span>〕<span>47</span>号</p><p>各乡镇人民政府：</p>"
        "<p>现将方案印发给你们，自2018年7月1日起施行，请认真贯彻执行。</p><p align='right'>{sig}</p>"
        "<p>方案全文：本次活动从2018年6月1日开始。</p></div>"
    )
    t = "某县人民政府办公室关于印发集中行动实施方案的通知"
    d = parse_detail(COL + "a.html", page(body.format(t=t, sig="2018年6月20日"), f"<title>{t}</title>"))
    assert (d.doc_no, d.written_date, d.publish_date) == ("某政办〔2018〕47号", D(2018, 6, 20), D(2018, 7, 6))
    # Chinese numerals in the signature
    d = parse_detail(
        COL + "a.html", page(body.format(t=t, sig="二〇一八年六月二十日"), f"<title>{t}</title>")
    )
    assert d.written_date == D(2018, 6, 20)
    # a notice that is no 公文 by its title: its closing date is not a 成文日期 (and no 文号 line)
    t2 = "某县2018年公开招聘工作人员公告"
    d = parse_detail(
        COL + "a.html",
        page(
            body.format(t=t2, sig="2018年6月20日").replace(
                "某政办〔<span>2018</span>〕<span>47</span>号", ""
            ),
            f"<title>{t2}</title>",
        ),
    )
    assert (d.doc_no, d.written_date) == (None, None)
    # a labelled 成文日期/文号 (even empty: 无) is the page's word
    labelled = body.replace(
        "<div class='text'>", "<div>文号：无 成文日期：2018-06-19</div><div class='text'>"
    )
    d = parse_detail(COL + "a.html", page(labelled.format(t=t, sig="2018年6月20日"), f"<title>{t}</title>"))
    assert (d.doc_no, d.written_date) == (None, D(2018, 6, 19))


def test_detail_doc_no_in_the_title_and_metadata_cells():
    t = "农药标签管理办法（2017年农业部令第7号）"
    d = parse_detail(
        COL + "a.html",
        page(
            f"<h1>{t}</h1><span>发布时间：2017-06-23</span><p align='right'>2017 年 6 月 21 日</p>",
            f"<title>{t}</title>",
        ),
    )
    assert (d.doc_no, d.written_date) == ("2017年农业部令第7号", D(2017, 6, 21))
    # an empty 文号 cell followed by the 索引号 cell; a mobile block with another label set
    cells = (
        "<table><tr><td>文号</td><td></td><td>索引号</td><td>005452487/2020-00001</td><td>关键词</td><td></td></tr></table>"
        "<div><label>发文字号</label><span></span></div><div><label>成文日期</label> <span>2020-03-17</span></div>"
        "<div>【时间：2020年03月18日 10:00】 【来源：县教育局】</div>"
    )
    d = parse_detail(COL + "a.html", page("<h1>县教育局2019年法治政府建设工作情况报告</h1>" + cells))
    assert (d.doc_no, d.index_no, d.written_date) == (None, "005452487/2020-00001", D(2020, 3, 17))
    assert (d.publish_date, d.source) == (D(2020, 3, 18), "县教育局")


def test_detail_title_when_the_page_title_is_the_site_name():
    html = page(
        "<div class='logo'><img alt='青年之家网' src='/i/logo.png'></div><h3><span>关于开展学习教育活动的实施方案的通知</span></h3>"
        "<h4>来源： 发布时间： 2021-03-26</h4><h2>相关链接</h2>",
        "<title>青年之家网</title>",
    )
    d = parse_detail(COL + "a.html", html)
    assert (d.title, d.publish_date) == ("关于开展学习教育活动的实施方案的通知", D(2021, 3, 26))


def test_detail_label_far_from_the_title_loses_to_meta():
    side = (
        "<ul class='side'>"
        + "".join(f"<li>第{i}篇其他文章 发布时间：2019-01-{i:02d}</li>" for i in range(1, 32))
        + "</ul>"
    )
    html = page(
        side
        + "<h1>关于做好防汛工作的通知</h1><div class='text'><p>各乡镇：</p><p>现将有关事项通知如下。</p></div>",
        "<title>关于做好防汛工作的通知</title><meta name='PubDate' content='2020-05-05 09:00'>",
    )
    d = parse_detail(COL + "a.html", html)
    assert (d.publish_date, d.publish_date_from) == (D(2020, 5, 5), "meta")
    # without meta, a label anywhere is still better than nothing
    d = parse_detail(COL + "a.html", html.replace("PubDate", "x"))
    assert (d.publish_date, d.publish_date_from) == (D(2019, 1, 1), "label")
