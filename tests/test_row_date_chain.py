"""The row-date chain (crawler/extract/rows.py ROW_DATE_CHAIN): each step on a small snippet, then the
order in which the steps are trusted."""

from __future__ import annotations

import datetime as dt

from crawler.extract import parse_list
from crawler.extract.dom import Doc
from crawler.extract.rows import (
    ROW_DATE_CHAIN,
    ROW_TEXT_STEPS,
    RowDate,
    RowEvidence,
    anchor_title,
    date_alone_inside_link,
    date_alone_outside_link,
    date_in_next_element,
    date_in_publish_column,
    date_in_row_text,
    date_in_title_brackets,
    date_of_row,
    run_row_date_chain,
)

D = dt.date
URL = "http://c.gov.cn/xxgk/tzgg/"


def evidence(body: str, row_xpath: str = "//li") -> RowEvidence:
    """The first row matching ``row_xpath`` in ``body``, with its first link as the title link."""
    doc = Doc(URL, f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>")
    row = doc.root.xpath(row_xpath)[0]
    anchor = next(row.iter("a"), None)
    return RowEvidence(row, anchor, anchor_title(anchor) if anchor is not None else "")


def test_the_chain_reads_top_to_bottom_in_this_order():
    assert ROW_DATE_CHAIN == (
        date_in_publish_column,
        date_alone_outside_link,
        date_alone_inside_link,
        date_in_row_text,
        date_in_next_element,
        date_in_title_brackets,
    )
    assert ROW_TEXT_STEPS == (date_alone_outside_link, date_alone_inside_link, date_in_row_text)
    for step in ROW_DATE_CHAIN:
        assert step.__doc__ and len(step.__doc__) > 40


# ------------------------------------------------------------------ each step
TABLE = (
    "<table><tr><th>标题</th><th>成文日期</th><th>发布日期</th></tr>"
    "<tr><td><a href='1.html'>关于开展安全检查的通知</a></td><td>2020-01-02</td><td>2020-03-04</td></tr></table>"
)


def test_date_in_publish_column():
    assert date_in_publish_column(evidence(TABLE, "//tr[td]")) == RowDate(D(2020, 3, 4), None)
    no_head = (
        TABLE.replace("<th>", "<td>")
        .replace("</th>", "</td>")
        .replace("成文日期", "甲")
        .replace("发布日期", "乙")
    )
    assert date_in_publish_column(evidence(no_head, "//tr[2]")) is None
    assert (
        date_in_publish_column(
            evidence("<ul><li><a href='1.html'>标题文字</a><span>2020-03-04</span></li></ul>")
        )
        is None
    )


def test_date_alone_outside_link():
    assert date_alone_outside_link(
        evidence("<ul><li><a href='1.html'>关于开展安全检查的通知</a><span>[2020-03-05]</span></li></ul>")
    ) == RowDate(D(2020, 3, 5), None)
    assert date_alone_outside_link(
        evidence(
            "<ul><li><a href='1.html'>关于开展安全检查的通知</a><span>发布时间：2020-03-05 10:20</span></li></ul>"
        )
    ) == RowDate(D(2020, 3, 5), None)
    assert date_alone_outside_link(
        evidence("<ul><li><a href='1.html'>关于开展安全检查的通知</a><span>03-05</span></li></ul>")
    ) == RowDate(None, (3, 5))
    # a date inside a longer text is not "alone"; a clock banner is never a row's date
    assert (
        date_alone_outside_link(evidence("<ul><li><a href='1.html'>通知</a> 来源 2020-03-05 某局</li></ul>"))
        is None
    )
    assert (
        date_alone_outside_link(
            evidence("<ul><li><a href='1.html'>通知</a><span>今天是2020-03-05</span></li></ul>")
        )
        is None
    )


def test_date_alone_inside_link():
    whole_row = "<ul><li><a href='1.html'><h3>关于开展安全检查的通知</h3><p>摘要文字</p><span>2020-03-05</span></a></li></ul>"
    ev = evidence(whole_row)
    assert date_alone_outside_link(ev) is None
    assert date_alone_inside_link(ev) == RowDate(D(2020, 3, 5), None)
    # the link's own text is the title, never its date
    assert date_alone_inside_link(evidence("<ul><li><a href='1.html'>2020-03-05</a></li></ul>")) is None


def test_date_in_row_text():
    ev = evidence(
        "<ul><li><a href='1.html'>关于开展安全检查的通知</a> 来源：某局 2020年3月5日 发布</li></ul>"
    )
    assert date_alone_outside_link(ev) is None
    assert date_in_row_text(ev) == RowDate(D(2020, 3, 5), None)
    # a partial date inside a longer text is never read (1-10月 would be one)
    assert date_in_row_text(evidence("<ul><li><a href='1.html'>通知</a> 某局 03-05 发布</li></ul>")) is None


def test_date_in_next_element():
    dl = "<dl><dt><a href='1.html'>关于开展安全检查的通知</a></dt><dd>2020-03-05</dd></dl>"
    assert date_in_next_element(evidence(dl, "//dt")) == RowDate(D(2020, 3, 5), None)
    linked = "<dl><dt><a href='1.html'>关于开展安全检查的通知</a></dt><dd><a href='2.html'>2020-03-05</a></dd></dl>"
    assert date_in_next_element(evidence(linked, "//dt")) is None


def test_date_in_title_brackets():
    ev = evidence("<ul><li><a href='1.html'>关于开展安全检查的通知(2020-12-29)</a></li></ul>")
    assert date_in_title_brackets(ev) == RowDate(D(2020, 12, 29), None, "关于开展安全检查的通知")
    ev = evidence("<ul><li><a href='1.html'>关于开展安全检查的通知【2020-13-45】</a></li></ul>")
    assert date_in_title_brackets(ev) == RowDate(None, None, "关于开展安全检查的通知")
    assert date_in_title_brackets(evidence("<ul><li><a href='1.html'>(2020-12-29)</a></li></ul>")) is None


# ------------------------------------------------------------------ the order
def test_the_publish_column_beats_the_other_dates_of_the_row():
    ev = evidence(TABLE, "//tr[td]")
    assert date_in_row_text(ev) == RowDate(D(2020, 1, 2), None)  # the 成文日期 comes first in the text
    assert run_row_date_chain(ROW_DATE_CHAIN, ev) == RowDate(D(2020, 3, 4), None, "关于开展安全检查的通知")


def test_outside_the_link_beats_inside_it():
    ev = evidence(
        "<ul><li><a href='1.html'><b>关于开展安全检查的通知</b><i>2020-01-01</i></a><span>2020-02-02</span></li></ul>"
    )
    assert date_alone_inside_link(ev) == RowDate(D(2020, 1, 1), None)
    assert run_row_date_chain(ROW_DATE_CHAIN, ev).date == D(2020, 2, 2)


def test_a_date_in_the_title_is_the_last_resort_and_only_then_cut():
    ev = evidence(
        "<ul><li><a href='1.html'>关于开展安全检查的通知(2020-01-01)</a><span>2020-02-02</span></li></ul>"
    )
    assert run_row_date_chain(ROW_DATE_CHAIN, ev) == RowDate(
        D(2020, 2, 2), None, "关于开展安全检查的通知(2020-01-01)"
    )
    # the runner takes the first answer: put the title step first and it wins
    assert run_row_date_chain((date_in_title_brackets, *ROW_DATE_CHAIN), ev) == RowDate(
        D(2020, 1, 1), None, "关于开展安全检查的通知"
    )
    alone = evidence("<ul><li><a href='1.html'>关于开展安全检查的通知(2020-01-01)</a></li></ul>")
    assert run_row_date_chain(ROW_DATE_CHAIN, alone) == RowDate(D(2020, 1, 1), None, "关于开展安全检查的通知")


def test_no_date_anywhere():
    ev = evidence("<ul><li><a href='1.html'>关于开展安全检查的通知</a><span>某局</span></li></ul>")
    assert run_row_date_chain(ROW_DATE_CHAIN, ev) == RowDate(None, None, "关于开展安全检查的通知")
    assert date_of_row(ev.row, ev.anchor) == (None, None)


def test_date_of_row_is_the_row_text_steps():
    ev = evidence("<ul><li><a href='1.html'><b>关于开展安全检查的通知</b><i>03-05</i></a></li></ul>")
    assert date_of_row(ev.row, ev.anchor) == (None, (3, 5))
    dl = evidence("<dl><dt><a href='1.html'>关于开展安全检查的通知</a></dt><dd>2020-03-05</dd></dl>", "//dt")
    assert date_of_row(dl.row, dl.anchor) == (None, None)  # the next element is not the row's own text


def test_parse_list_dates_rows_by_the_chain():
    rows = "".join(
        f"<li><a href='./2020{m:02d}/t2020{m:02d}01_{m}.html'>第{m}号关于开展安全检查的通知({2019}-0{m}-01)</a>"
        f"<span>2020-0{m}-01</span></li>"
        for m in range(1, 6)
    )
    lp = parse_list(URL, f"<html><body><ul class='list'>{rows}</ul></body></html>")
    assert [e.date for e in lp.entries] == [D(2020, m, 1) for m in range(1, 6)]
    assert lp.entries[0].title == "第1号关于开展安全检查的通知(2019-01-01)"
