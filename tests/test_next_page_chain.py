"""The next-page chain (crawler/extract/nextpage.py NEXT_PAGE_CHAIN): each step on a small snippet,
then the order in which the steps are asked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.extract import parse_list, profiles
from crawler.extract.dom import Doc
from crawler.extract.nextpage import (
    NEXT_PAGE_CHAIN,
    PagerContext,
    cms_pager,
    form_pager,
    pager_links,
    postback_pager,
    run_next_page_chain,
    script_variables,
)
from crawler.extract.pager import Pager

URL = "http://c.gov.cn/xxgk/tzgg/index.html"
ROWS = (
    "<ul class='list'>"
    + "".join(
        f"<li><a href='./202003/t202003{i:02d}_{i}.html'>关于开展第{i}次安全检查的通知</a><span>2020-03-{i:02d}</span></li>"
        for i in range(1, 11)
    )
    + "</ul>"
)
TRS_SCRIPT = "<script>createPageHTML(4, 0, 'index', 'html');</script>"
NUMBERED = (
    "<div class='page'><span>1</span><a href='list_2.html'>2</a><a href='list_3.html'>3</a>"
    "<a href='list_2.html'>下一页</a><a href='list_3.html'>尾页</a> 共3页</div>"
)
SCRIPT_COUNTS = "<script>var recordCount = 35; var prepage = 10;</script>"
FORM = (
    "<a href='javascript:goPage(2)'>2</a><a href='javascript:goPage(3)'>3</a>"
    "<form action='list.jsp' method='post'><input type='hidden' name='pageNo' value='1'>"
    "<input type='hidden' name='classid' value='7'></form>"
)
POSTBACK = (
    "<form action='list.aspx?cid=3' method='post'><input type='hidden' name='__VIEWSTATE' value='xyz'>"
    "<a href=\"javascript:__doPostBack('ctl00$pager','2')\">2</a></form>"
)


def ctx(body: str, profile: str | None = None, url: str = URL) -> PagerContext:
    doc = Doc(url, f"<html><head><meta charset='utf-8'></head><body>{ROWS}{body}</body></html>")
    return PagerContext(doc, profiles.get(profile) if profile else profiles.choose(doc))


def test_the_chain_reads_top_to_bottom_in_this_order():
    assert NEXT_PAGE_CHAIN == (cms_pager, pager_links, script_variables, form_pager, postback_pager)
    for step in NEXT_PAGE_CHAIN:
        assert step.__doc__ and len(step.__doc__) > 60


# ------------------------------------------------------------------ each step
def test_cms_pager_reads_the_profiles_own_pager():
    found = cms_pager(ctx(TRS_SCRIPT, "trs"), Pager())
    assert found.pages == [
        "http://c.gov.cn/xxgk/tzgg/index.html",
        "http://c.gov.cn/xxgk/tzgg/index_1.html",
        "http://c.gov.cn/xxgk/tzgg/index_2.html",
        "http://c.gov.cn/xxgk/tzgg/index_3.html",
    ]
    assert found.next_url.endswith("index_1.html") and found.total_pages == 4
    assert cms_pager(ctx(NUMBERED, "generic"), Pager()) is None  # no family pager
    assert cms_pager(ctx(NUMBERED, "trs"), Pager()) is None  # the family's script is absent


def test_pager_links_reads_the_pager_the_page_shows():
    found = pager_links(ctx(NUMBERED, "generic"), Pager())
    assert found.pages == [
        URL,
        "http://c.gov.cn/xxgk/tzgg/list_2.html",
        "http://c.gov.cn/xxgk/tzgg/list_3.html",
    ]
    assert found.next_url == "http://c.gov.cn/xxgk/tzgg/list_2.html" and found.total_pages == 3
    assert pager_links(ctx(NUMBERED, "hanweb"), Pager()) is None  # a profile whose own pager is all


def test_script_variables_give_counts_only_when_none_is_stated():
    found = script_variables(ctx(SCRIPT_COUNTS, "generic"), Pager())
    assert (found.total_records, found.total_pages, found.pages, found.next_url) == (35, 4, [], None)
    assert script_variables(ctx(SCRIPT_COUNTS, "generic"), Pager(total_pages=2)) is None
    assert script_variables(ctx("", "generic"), Pager()) is None


def test_form_pager_posts_the_page_field():
    found = form_pager(ctx(FORM, "generic"), Pager(total_records=30))
    assert found.post and found.total_records == 30
    assert found.pages == [
        URL,
        "http://c.gov.cn/xxgk/tzgg/list.jsp?pageNo=2&classid=7",
        "http://c.gov.cn/xxgk/tzgg/list.jsp?pageNo=3&classid=7",
    ]
    no_field = FORM.replace("pageNo", "keyword")
    assert form_pager(ctx(no_field, "generic"), Pager()) is None


def test_postback_pager_posts_the_event_and_reaches_the_stated_count():
    found = postback_pager(ctx(POSTBACK, "generic"), Pager(total_pages=3))
    assert found.post and len(found.pages) == 3 and found.pages[0] == URL
    q = parse_qs(urlsplit(found.pages[2]).query)
    assert q["__EVENTTARGET"] == ["ctl00$pager"] and q["__EVENTARGUMENT"] == ["3"] and q["cid"] == ["3"]
    assert q["__VIEWSTATE"] == ["xyz"]
    assert postback_pager(ctx(POSTBACK.replace("__VIEWSTATE", "state"), "generic"), Pager()) is None


# ------------------------------------------------------------------ the order
def test_a_family_pager_beats_the_links():
    found = run_next_page_chain(ctx(TRS_SCRIPT + NUMBERED, "trs"))
    assert found.total_pages == 4 and found.next_url.endswith("index_1.html")


def test_links_beat_a_form_and_stop_the_chain():
    found = run_next_page_chain(ctx(NUMBERED + FORM, "generic"))
    assert not found.post and found.next_url.endswith("list_2.html")


def test_counts_found_early_carry_on_to_a_later_step():
    """The script variables state 4 pages; the postback links show only page 2: four pages to post."""
    found = run_next_page_chain(ctx(SCRIPT_COUNTS + POSTBACK, "generic"))
    assert found.post and found.total_records == 35 and found.total_pages == 4 and len(found.pages) == 4


def test_the_runner_stops_at_the_first_way_on():
    def must_not_run(ctx, found):
        raise AssertionError("asked after a step named the next page")

    found = run_next_page_chain(ctx(NUMBERED, "generic"), (pager_links, must_not_run))
    assert found.next_url.endswith("list_2.html")
    # a step with nothing to say leaves what was found
    assert run_next_page_chain(ctx("", "generic"), (script_variables, form_pager)) == Pager()


@pytest.mark.parametrize(
    ("body", "post", "pages"),
    [(TRS_SCRIPT, False, 4), (NUMBERED, False, 3), (FORM, True, 3), (POSTBACK, True, 2), ("", False, 0)],
)
def test_parse_list_takes_its_pages_from_the_chain(body, post, pages):
    html = f"<html><head><meta charset='utf-8'></head><body>{ROWS}{body}</body></html>"
    lp = parse_list(URL, html)
    assert lp.post == post and len(lp.pages) == pages and len(lp.entries) == 10
