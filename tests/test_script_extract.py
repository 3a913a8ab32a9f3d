"""Reading script-drawn columns without a browser: records by shape in JSON answers and inline
scripts, paging from the answer's own fields, API calls found in inline scripts, and the evidence
that sends a page to Chromium (crawler/extract/profiles/scripted.py, crawler/render.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from crawler.extract import parse_list
from crawler.extract.dom import Doc
from crawler.extract.profiles import _jsdata as J
from crawler.extract.profiles import scripted as S
from crawler.render import needs_render

CHINA = dt.timezone(dt.timedelta(hours=8))


def _epoch(y, m, d, hh=9, mm=0, ms=False):
    t = int(dt.datetime(y, m, d, hh, mm, tzinfo=CHINA).timestamp())
    return t * 1000 if ms else t


def _no_rows(url: str, html: str):
    page = parse_list(url, html)
    assert not page.entries and not page.empty
    return page


def test_json_api_page_param_epoch_seconds_in_china_time():
    rows = [
        {"id": i, "title": f"关于印发第{i}号文件的通知", "url": f"/gkmlpt/content/1/{i}.html",
         "date": _epoch(2020, 3, 10 + i, hh=0, mm=30), "created_at": _epoch(2019, 1, 1), "thumb": "/a.png"}
        for i in range(10)
    ]  # fmt: skip
    body = json.dumps({"total": 23, "page": 1, "pageSize": 10, "articles": rows}, ensure_ascii=False)
    page = parse_list("http://gov.test/gkmlpt/api/all/5?page=1&sid=2", body)
    assert page.profile == S.NAME
    assert [e.url for e in page.entries] == [f"http://gov.test/gkmlpt/content/1/{i}.html" for i in range(10)]
    # 00:30 in China is the previous day in UTC: the China date is the publish date
    assert [e.date for e in page.entries] == [dt.date(2020, 3, 10 + i) for i in range(10)]
    assert page.entries[0].title == "关于印发第0号文件的通知"
    assert page.next_url == "http://gov.test/gkmlpt/api/all/5?page=2&sid=2"
    last = json.dumps({"total": 23, "page": 3, "pageSize": 10, "articles": rows[:3]}, ensure_ascii=False)
    assert parse_list("http://gov.test/gkmlpt/api/all/5?page=3&sid=2", last).next_url is None


def test_json_api_offset_paging_epoch_ms_nested_and_html_titles():
    rows = [
        {"DOCID": i, "DOCTITLE": "<font color=red>预算公开</font>" if i == 0 else f"财政预算执行情况{i}",
         "DOCPUBURL": f"http://gov.test/czxx/{i}.html", "DOCRELTIME": _epoch(2021, 5, i + 1, ms=True),
         "DOCCREATETIME": _epoch(2021, 1, 1, ms=True), "CHNLNAME": "财政信息"}
        for i in range(15)
    ]  # fmt: skip
    body = json.dumps({"code": 200, "data": {"totalCount": 34, "rows": rows}}, ensure_ascii=False)
    page = parse_list("http://gov.test/api/list.do?channelId=3&start=15&limit=15", body)
    assert len(page.entries) == 15 and page.entries[0].title == "预算公开"
    assert page.entries[3].date == dt.date(2021, 5, 4)  # DOCRELTIME (publish), not DOCCREATETIME
    assert page.next_url == "http://gov.test/api/list.do?channelId=3&start=30&limit=15"
    assert parse_list("http://gov.test/api/list.do?channelId=3&start=30&limit=15", body).next_url is None


def test_zero_based_pages_and_jsonp():
    rows = [
        {"name": f"政策解读第{i}篇", "link": f"/jd/{i}.html", "pubDate": f"2022-01-{i + 1:02d}"}
        for i in range(5)
    ]
    body = (
        "jQuery1234_5678("
        + json.dumps({"content": rows, "totalPages": 2, "number": 0}, ensure_ascii=False)
        + ");"
    )
    page = parse_list("http://gov.test/api/jd?page=0&size=5&cb=jQuery1234_5678", body)
    assert len(page.entries) == 5 and page.entries[4].date == dt.date(2022, 1, 5)
    assert page.next_url == "http://gov.test/api/jd?page=1&size=5&cb=jQuery1234_5678"
    body2 = json.dumps({"content": rows, "totalPages": 2, "number": 1}, ensure_ascii=False)
    assert parse_list("http://gov.test/api/jd?page=1&size=5", body2).next_url is None


def test_a_list_without_dates_is_not_records():
    menu = json.dumps(
        {"menu": [{"title": f"栏目{i}", "url": f"/col/{i}/"} for i in range(8)]}, ensure_ascii=False
    )
    assert parse_list("http://gov.test/api/menu.json", menu).profile != S.NAME


def test_js_literals():
    src = "[{title: '县政府\\'通知', link: \"./a.html\", n: 0x10, d: undefined, /* c */ ok: true,}, // x\n]"
    assert J.js_value(src) == [{"title": "县政府'通知", "link": "./a.html", "n": 16, "d": None, "ok": True}]
    with pytest.raises(ValueError):
        J.js_value("[{title: foo()}]")


def test_inline_records_with_a_script_drawn_pager():
    url = "http://gov.test/xxgk/tzgg/index.html"
    html = (
        "<html><body><ul id='list'></ul><div id='pager'></div><script>\n"
        "var list = [{title: '关于做好防汛工作的通知', link: './202006/t20200601_1.html', date: '2020-06-01', isTop: 1},\n"
        " {title: '关于开展安全检查的通知', link: './202005/t20200520_2.html', date: '2020-05-20', isTop: 0},];\n"
        "laypage.render({elem: 'pager', count: 45, limit: 15, curr: 1, jump: function(obj, first){\n"
        " if (!first) { location.href = obj.curr == 1 ? 'index.html' : 'index_' + obj.curr + '.html'; } }});\n"
        "</script></body></html>"
    )
    got = S.read(url, html, _no_rows(url, html))
    assert [e.url for e in got.entries] == [
        "http://gov.test/xxgk/tzgg/202006/t20200601_1.html",
        "http://gov.test/xxgk/tzgg/202005/t20200520_2.html",
    ]
    assert [e.pinned for e in got.entries] == [True, False]
    assert got.pages == [
        url,
        "http://gov.test/xxgk/tzgg/index_2.html",
        "http://gov.test/xxgk/tzgg/index_3.html",
    ]
    assert got.next_url == "http://gov.test/xxgk/tzgg/index_2.html"


def test_json_parse_payload_inline():
    url = "http://gov.test/xxgk/ghjh/"
    data = json.dumps(
        [{"title": "十四五规划纲要", "url": "/ghjh/1.html", "time": "2021年3月5日"}], ensure_ascii=False
    )
    html = f"<html><body><div id='app'></div><script>window.__INITIAL_STATE__ = JSON.parse('{data}');</script></body></html>"
    got = S.read(url, html, _no_rows(url, html))
    assert [(e.url, e.date) for e in got.entries] == [("http://gov.test/ghjh/1.html", dt.date(2021, 3, 5))]


def test_api_calls_found_in_inline_scripts():
    url = "http://gov.test/xxgk/a/index.html"
    html = (
        "<html><body><ul id='list'></ul><script>var pageNo = 1, start = 0;\n"
        "function load(p){ $.ajax({url: '/api/column/12/list.do', type: 'GET', data: {page: p, size: 15, colId: 12}}); }\n"
        "fetch('/gkmlpt/api/all/5?page=' + pageNo + '&sid=3');\n"
        "$.getJSON('http://elsewhere.test/api/list.json', {start: start});\n"
        "var x = new XMLHttpRequest(); x.open('GET', '/go-out'); x.open('GET', '/js/count.js');\n"
        "</script></body></html>"
    )
    urls = S.api_urls(Doc(url, html))
    assert urls == [
        "http://gov.test/api/column/12/list.do?page=1&size=15&colId=12",
        "http://gov.test/gkmlpt/api/all/5?page=1&sid=3",
        "http://elsewhere.test/api/list.json?start=0",
    ]  # a redirect endpoint and a script file are not data endpoints
    got = S.read(url, html, _no_rows(url, html), accept=lambda u: u.startswith("http://gov.test/"))
    assert got.entries == [] and got.next_url == urls[0] and got.profile == S.NAME
    outside_only = html.replace("/api/column/12/list.do", "http://elsewhere.test/a.do").replace(
        "fetch(", "nofetch("
    )
    assert S.read(url, outside_only, _no_rows(url, outside_only), accept=lambda u: "gov.test" in u) is None


@pytest.mark.parametrize(
    ("html", "want"),
    [
        ("<ul class='list'></ul><p>no script</p>", False),
        ("<div>2020<script>document.write(new Date().toLocaleDateString());</script></div><ul></ul>", False),
        ('<div id="pg"><script>createPageHTML(5, 0, "index", "html");</script></div>', False),
        (
            "<ul id='rs'></ul><script>var s=atob('W10=');var h='';"
            "document.getElementById('rs').innerHTML=h+'<'+'li>'</script>",
            True,
        ),
        ("<ul class='news-list'></ul><script src='/site/js/column-list.js'></script>", True),
        ("<ul class='news-list'></ul><script src='/js/jquery.min.js'></script>", False),
    ],
)
def test_render_evidence(html, want):
    assert needs_render(f"<html><body>{html}</body></html>") is want


def test_counters_and_sessions_are_not_list_sources():
    html = (
        "<html><body><ul class='list'></ul><script>"
        "$.ajax({url: '/api/visitCount.do', data: {id: 3}}); $.get('/interface/getUserInfo.do');"
        "$.getJSON('/api/catalog/list', {colId: 5}); fetch('/gkmlpt/api/all/5?page=1&sid=2');"
        "</script></body></html>"
    )
    assert S.api_urls(Doc("http://gov.test/a/", html)) == [
        "http://gov.test/gkmlpt/api/all/5?page=1&sid=2",  # paged first
        "http://gov.test/api/catalog/list?colId=5",
    ]


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (_epoch(2020, 5, 1, hh=0, mm=30), dt.date(2020, 5, 1)),  # seconds, China time
        (str(_epoch(2020, 5, 1, hh=0, mm=30, ms=True)), dt.date(2020, 5, 1)),  # ms as text
        ("2020-04-30T16:30:00Z", dt.date(2020, 5, 1)),  # UTC evening = China's next morning
        ("2020-05-01T10:00:00.000+0800", dt.date(2020, 5, 1)),
        ("20200501", dt.date(2020, 5, 1)),
        ("2020年5月1日 10:20", dt.date(2020, 5, 1)),
        ("20201399", None),
        (12, None),
    ],
)
def test_record_dates(value, want):
    assert J.value_date(value)[0] == want


def test_page_urls_a_script_builds():
    T = S.page_template
    assert T("for(var i=1;i<=n;i++){h+='<a href=\"index_'+i+'.html\">'+i+'</a>';}") == ("index_", ".html", 0)
    assert T("h+='<a href=list.jsp?page='+(i-1)+'&cid=3>'") == ("list.jsp?page=", "&cid=3", -1)
    assert T("location.href = c == 1 ? 'index.html' : 'index_' + obj.curr + '.html';") == (
        "index_",
        ".html",
        0,
    )
    assert T("h+='<a href=\"./content_'+d.id+'.html\">'") is None  # a record's link, not a pager
    assert T("h+='<a href=\"javascript:go('+i+')\">'") is None


def test_render_evidence_empty_table_body_beside_a_site_script():
    html = "<html><body><table><tbody id='tb'></tbody></table><script src='/front/list-page.js'></script></body></html>"
    assert needs_render(html)


def test_relative_record_links_resolve_against_the_calling_page():
    page_url = "http://gov.test/xxgk/tzgg/index.html"
    html = "<html><body><ul id='l'></ul><script>$.getJSON('/api/doc/list.json', {page: 1, size: 2, chnl: 7});</script></body></html>"
    got = S.read(page_url, html, _no_rows(page_url, html))
    assert got.next_url == "http://gov.test/api/doc/list.json?page=1&size=2&chnl=7"
    rows = [
        {"title": f"通知{i}", "url": f"./202001/t2020010{i}_{i}.html", "pubDate": f"2020-01-0{i}"}
        for i in (1, 2)
    ]
    body = json.dumps({"total": 4, "list": rows}, ensure_ascii=False)
    for api in (got.next_url, "http://gov.test/api/doc/list.json?page=2&size=2&chnl=7"):
        entries = parse_list(api, body).entries
        assert [e.url for e in entries] == [
            f"http://gov.test/xxgk/tzgg/202001/t2020010{i}_{i}.html" for i in (1, 2)
        ]


def test_a_pinned_list_beside_the_main_one_is_part_of_it():
    rows = [{"title": f"通知公告{i}", "url": f"/a/{i}.html", "date": f"2021-01-0{i}"} for i in range(1, 6)]
    top = [{"title": "关于本栏目的说明", "url": "/a/top.html", "date": "2019-01-01"}]
    hot = [{"title": "热点新闻", "url": "/b/hot.html", "date": "2021-02-01"}]
    body = json.dumps(
        {"data": {"topList": top, "list": rows, "hotList": hot, "total": 10}}, ensure_ascii=False
    )
    page = parse_list("http://gov.test/api/list.json?page=1", body)
    assert [(e.url, e.pinned) for e in page.entries] == [("http://gov.test/a/top.html", True)] + [
        (f"http://gov.test/a/{i}.html", False) for i in range(1, 6)
    ]  # the 'hot' list is another block, not this column's
    assert page.next_url == "http://gov.test/api/list.json?page=2"  # 5 per page of 10: one more page
