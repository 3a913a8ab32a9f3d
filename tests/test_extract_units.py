"""crawler.extract on synthetic snippets: one test group per profile and per trap in PORTALS.md."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.extract import (
    column_candidates,
    decode_html,
    find_disclosure_entry,
    homepage_latest,
    page_links,
    parse_date,
    parse_dates,
    parse_detail,
    parse_list,
    profiles,
    row_date,
)
from crawler.extract.dates import resolve_partial

D = dt.date
SIDE_MENU = """<div class="left-menu"><ul>
  <li><a href="/xxgk/zcwj/">政策文件</a></li><li><a href="/xxgk/tzgg/">通知公告</a></li>
  <li><a href="/xxgk/gzdt/">工作动态</a></li><li><a href="/xxgk/czxx/">财政信息</a></li></ul></div>"""


def page(body: str, head: str = "") -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def li_rows(n: int, start: int = 1, fmt: str = "<span>2012-03-{d:02d}</span>", trs: bool = True) -> str:
    return "".join(
        (
            f'<li><a href="./201203/t201203{i % 28 + 1:02d}_{i}.html"'
            if trs
            else f'<li><a href="./2012-03-{i % 28 + 1:02d}/{i}.html"'
        )
        + f' title="关于第{i}项工作的通知全文">关于第{i}项工作的…</a>'
        + fmt.format(d=i % 28 + 1)
        + "</li>"
        for i in range(start, start + n)
    )


# ---------------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    "text,want",
    [
        ("2012-03-05", D(2012, 3, 5)),
        ("[2012-03-05]", D(2012, 3, 5)),
        ("2012/03/05", D(2012, 3, 5)),
        ("2012.03.05", D(2012, 3, 5)),
        ("2012年3月5日", D(2012, 3, 5)),
        ("发布时间：2012-03-05 10:20:11", D(2012, 3, 5)),
        ("发布日期：2012年03月05日", D(2012, 3, 5)),
        ("2012-3-5", D(2012, 3, 5)),
        ("2012-02-30", None),
        ("12:30", None),
    ],
)
def test_parse_date_formats(text, want):
    assert parse_date(text) == want


def test_row_date_partial_only_when_alone():
    assert row_date("03-05") == (None, (3, 5))
    assert row_date("[03-05]") == (None, (3, 5))
    assert row_date("（3月5日）") == (None, (3, 5))
    assert row_date("1-10月投资结构") == (None, None)
    assert row_date("[2012-03-05 10:20]") == (D(2012, 3, 5), None)
    assert parse_dates("2012-03-05 至 2012年4月1日") == [D(2012, 3, 5), D(2012, 4, 1)]
    assert resolve_partial((12, 30), D(2013, 1, 5)) == D(2012, 12, 30)
    assert resolve_partial((1, 5), D(2013, 1, 5)) == D(2013, 1, 5)


# ---------------------------------------------------------------------------------- encoding
def test_decode_gbk_as_gb18030_keeps_rare_characters():
    html = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>朱镕基 陶喆</body></html>"
    body = html.encode("gb18030")
    assert "朱镕基 陶喆" in decode_html(body)
    assert "朱镕基 陶喆" in decode_html(body, "GBK")
    assert "朱镕基 陶喆" in decode_html(body, "iso-8859-1")  # weak header loses to <meta>
    assert "朱镕基" in decode_html(html.replace("gb2312", "utf-8").encode("gb18030"))  # sniffed


def test_decode_bom_header_and_broken_bytes():
    assert decode_html(b"\xef\xbb\xbf<p>\xe4\xb8\xad</p>") == "<p>中</p>"
    assert decode_html("<p>中文</p>".encode(), "utf-8") == "<p>中文</p>"
    # declared GB but really UTF-8
    assert "中文" in decode_html("<meta charset=gb2312><p>中文</p>".encode())
    out = decode_html(b"<p>\xff\xfe\xfd abc \x81</p>", "utf-8")
    assert "abc" in out
    assert decode_html(b"") == ""


# ---------------------------------------------------------------------------------- TRS
TRS_LIST = page(f"""{SIDE_MENU}
<div class="list"><ul>{li_rows(20)}</ul></div>
<div class="page"><script>createPageHTML(7, {{cur}}, "index", "html");</script></div>""")


def test_trs_createpagehtml_without_page_links():
    url = "http://county.gov.cn/xxgk/tzgg/"
    lp = parse_list(url, TRS_LIST.replace("{cur}", "0"))
    assert lp.profile == "trs"
    assert len(lp.entries) == 20 and lp.entries[0].title == "关于第1项工作的通知全文"
    assert lp.entries[0].date == D(2012, 3, 2)
    assert lp.total_pages == 7 and lp.pages[0] == url
    assert (
        lp.pages[1:3] == [url + "index_1.html", url + "index_2.html"] and lp.pages[-1] == url + "index_6.html"
    )
    assert lp.next_url == url + "index_1.html"
    last = parse_list(url + "index_6.html", TRS_LIST.replace("{cur}", "6"))
    assert last.next_url is None and last.pages[6] == url + "index_6.html" and last.current_page == 7


def test_trs_newer_call_and_countpage_variant():
    url = "http://county.gov.cn/col/gzdt/index_2.shtml"
    html = page(
        f"<ul>{li_rows(5)}</ul><script>createPageHTML('page_div', 8, 2, 'index', 'shtml', 107);</script>"
    )
    lp = parse_list(url, html)
    assert (lp.total_pages, lp.total_records) == (8, 107)
    assert lp.pages[0] == "http://county.gov.cn/col/gzdt/index.shtml" and lp.pages[2] == url
    assert lp.next_url == "http://county.gov.cn/col/gzdt/index_3.shtml"
    old = page(
        f"<table>{''.join(f'<tr><td><a href=./t2012030{i}_{i}.html>标题第{i}号通知</a></td><td>2012-03-0{i}</td></tr>' for i in range(1, 6))}</table>"
        '<script>var currentPage = 0;var countPage = 3//共多少页\ndocument.write("<a href=\\"index_" + nextPage + ".html\\">下一页</a>");</script>'
    )
    lp = parse_list("http://x.gov.cn/a/", old)
    assert lp.profile == "trs" and lp.pages == [
        "http://x.gov.cn/a/",
        "http://x.gov.cn/a/index_1.html",
        "http://x.gov.cn/a/index_2.html",
    ]
    assert [e.date for e in lp.entries] == [D(2012, 3, i) for i in range(1, 6)]


# ---------------------------------------------------------------------------------- Hanweb
def hanweb_records(ids) -> str:
    return "".join(
        f'<record><![CDATA[\n<li><a href="/art/2012/3/{i % 28 + 1}/art_1234_{i}.html" title="第{i}号公告全文标题">第{i}号公告</a>'
        f"<span>2012-03-{i % 28 + 1:02d}</span></li>\n]]></record>"
        for i in ids
    )


HANWEB_COL = page(f"""{SIDE_MENU}<div id="4004536"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=3&path=/&columnid=1234&unitid=4004536"></a>]]></nextgroup>
<recordset>{hanweb_records(range(1, 46))}</recordset></datastore></script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>$(document).ready(function(){{ $('#4004536').jpage({{ proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3,
 perPage: 15, totalRecord: 100, ajaxParam: {{ col: 1, appid: 1, webid: 3, path: '/', columnid: 1234, sourceContentType: 1,
 unitid: 4004536, webname: '某县人民政府', permissiontype: 0 }} }}); }});</script></div>""")


def test_hanweb_column_page_records_and_dataproxy_urls():
    url = "http://county.gov.cn/col/col1234/index.html"
    lp = parse_list(url, HANWEB_COL)
    assert lp.profile == "hanweb"
    assert len(lp.entries) == 45 and lp.entries[0].url == "http://county.gov.cn/art/2012/3/2/art_1234_1.html"
    assert lp.entries[0].title == "第1号公告全文标题" and lp.entries[0].date == D(2012, 3, 2)
    assert lp.total_records == 100 and lp.total_pages == 3 and len(lp.pages) == 3 and lp.pages[0] == url
    q = [parse_qs(urlsplit(u).query) for u in lp.pages[1:]]
    assert urlsplit(lp.pages[1]).path == "/module/web/jpage/dataproxy.jsp"
    assert [(x["startrecord"][0], x["endrecord"][0]) for x in q] == [("46", "90"), ("91", "100")]
    for x in q:
        assert x["columnid"] == ["1234"] and x["unitid"] == ["4004536"] and x["webid"] == ["3"]
        assert x["path"] == ["/"] and x["perpage"] == ["15"]
    assert lp.next_url == lp.pages[1]


def test_hanweb_dataproxy_answer_with_repeated_record():
    url = (
        "http://county.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
        "&columnid=1234&unitid=4004536&webid=3&path=%2F"
    )
    xml = (
        "<?xml version='1.0' encoding='utf-8'?><datastore><totalrecord>100</totalrecord><recordset>"
        + hanweb_records([45])
        + hanweb_records(range(46, 91))
        + hanweb_records([60])
        + "</recordset></datastore>"
    )
    lp = parse_list(url, decode_html(xml.encode("utf-8")))
    assert lp.profile == "hanweb" and lp.total_records == 100
    assert len(lp.entries) == 46  # record 45 repeats from the previous group; 60 twice -> once
    q = parse_qs(urlsplit(lp.next_url).query)
    assert (q["startrecord"], q["endrecord"], q["columnid"]) == (["91"], ["100"], ["1234"])
    last = parse_list(
        url.replace("46", "91").replace("90", "100"),
        xml.replace(hanweb_records(range(46, 91)), hanweb_records(range(91, 101))),
    )
    assert last.next_url is None


# ---------------------------------------------------------------------------------- ASP (GBK, tables)
def asp_page(cur: int, last: int = 8) -> bytes:
    rows = "".join(
        f"<tr><td>·</td><td><a href='show.asp?id={900 - cur * 20 - i}' target=_blank>县政府关于朱镕基同志第{i}号事项的通知</a></td>"
        f"<td>[2012-0{1 + i % 9}-1{i % 10}]</td></tr>"
        for i in range(20)
    )
    prev = "上一页" if cur == 1 else f"<a href='list.asp?classid=12&page={cur - 1}'>上一页</a>"
    nxt = "下一页" if cur == last else f"<a href='list.asp?classid=12&page={cur + 1}'>下一页</a>"
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>通知公告_某县</title></head>
<body><table><tr><td><a href='index.asp'>网站首页</a></td><td><a href='list.asp?classid=11'>政务动态</a></td></tr></table>
<table width=100%>{rows}</table>
<table><tr><td>共{last * 20 - 5}条记录 页次：{cur}/{last}页 <a href='list.asp?classid=12'>首页</a> {prev} {nxt}
<a href='list.asp?classid=12&page={last}'>尾页</a></td></tr></table></body></html>"""
    return html.encode("gbk")


def test_asp_gbk_table_list_with_prev_next():
    url = "http://old.county.gov.cn/list.asp?classid=12"
    lp = parse_list(url, decode_html(asp_page(1)))
    assert lp.profile == "asp"
    assert len(lp.entries) == 20 and "朱镕基" in lp.entries[0].title
    assert lp.entries[0].url == "http://old.county.gov.cn/show.asp?id=880" and lp.entries[0].date == D(
        2012, 1, 10
    )
    assert (lp.total_pages, lp.total_records) == (8, 155)
    assert lp.pages[0] == url and lp.pages[1] == url + "&page=2" and lp.pages[7] == url + "&page=8"
    assert lp.next_url == url + "&page=2"
    p3 = parse_list(url + "&page=3", decode_html(asp_page(3)))
    assert p3.current_page == 3 and p3.next_url == url + "&page=4" and p3.pages[0] == url
    p8 = parse_list(url + "&page=8", decode_html(asp_page(8)))
    assert p8.next_url is None and p8.current_page == 8


def test_generic_numbered_pager_empire_style():
    url = "http://county.gov.cn/xxgk/gsgg/index_3.html"
    pager = (
        "<div class=page><a href='index.html'>首页</a><a href='index_2.html'>上一页</a><a href='index.html'>1</a>"
        "<a href='index_2.html'>2</a><b>3</b><a href='index_4.html'>4</a><a href='index_4.html'>下一页</a>"
        "<a href='index_9.html'>尾页</a></div>"
    )
    lp = parse_list(url, page(f"<ul>{li_rows(10, trs=False)}</ul>{pager}"))
    assert lp.profile == "generic" and lp.total_pages == 9 and lp.current_page == 3
    assert lp.pages[0] == "http://county.gov.cn/xxgk/gsgg/index.html" and lp.pages[2] == url
    assert lp.next_url == "http://county.gov.cn/xxgk/gsgg/index_4.html"


def test_hanweb_proxy_path_from_page_and_department_under_path():
    html = HANWEB_COL.replace(
        "proxyUrl: '/module/web/jpage/dataproxy.jsp'", "proxyUrl: 'module/web/jpage/dataproxy.jsp'"
    )
    html = html.replace('href="/module/web/jpage/dataproxy.jsp', 'href="module/web/jpage/dataproxy.jsp')
    lp = parse_list("http://county.gov.cn/bumen/fgj/col/col1234/index.html", html)
    assert lp.pages[1].startswith(
        "http://county.gov.cn/bumen/fgj/col/col1234/module/web/jpage/dataproxy.jsp?"
    )


def test_short_last_page_beats_dated_sidebar():
    side = "<div class='hot'><h3>最新信息</h3><ul>" + li_rows(8, start=50, trs=False) + "</ul></div>"
    main = (
        "<div class='main'><ul class='list'>"
        "<li><a href='/art/a1.html'>县政府关于做好防汛工作的通知</a><span>2011-06-01</span></li>"
        "<li><a href='/art/a2.html'>县政府关于开展植树造林的通知</a><span>2011-03-12</span></li></ul>"
        "<div class='pages'><a href='index_4.html'>上一页</a> <a href='index.html'>首页</a> 共5页</div></div>"
    )
    lp = parse_list("http://c.gov.cn/xxgk/tzgg/index_5.html", page(side + main))
    assert [e.url for e in lp.entries] == ["http://c.gov.cn/art/a1.html", "http://c.gov.cn/art/a2.html"]
    trs_last = page(
        side
        + "<div class='main'><ul><li><a href='./201101/t20110101_1.html'>县政府关于做好元旦值班工作的通知</a>"
        "<span>2011-01-01</span></li></ul><div class='page'><script>createPageHTML(3, 2, 'index', 'html');</script></div></div>"
    )
    lp = parse_list("http://c.gov.cn/xxgk/tzgg/index_2.html", trs_last)
    assert [e.title for e in lp.entries] == ["县政府关于做好元旦值班工作的通知"] and lp.next_url is None


# ---------------------------------------------------------------------------------- rows
def test_mm_dd_rows_pinned_rows_and_external_links():
    rows = (
        "<li class='top'><a href='/a/1.html'>[置顶]关于开展安全生产大检查的通知</a><span>01-05</span></li>"
        "<li><a href='/a/2.html'>县长主持召开常务会议研究部署</a><img src='/img/zd.gif'><span>[03-05]</span></li>"
        "<li><a href='/a/3.html'>全县经济运行情况分析会召开</a><span>03-04</span></li>"
        "<li><a href='http://www.news.cn/2012/0303/99.html'>转载：省政府工作报告全文发布</a><span>03-03</span></li>"
        "<li><a href='/a/5.html'>2012年3月2日停电公告</a><span>03-01</span></li>"
    )
    lp = parse_list(
        "http://county.gov.cn/gzdt/",
        page(f"{SIDE_MENU}<div class='news'><ul>{rows}</ul></div><div>10:45 2099-01-01</div>"),
    )
    assert [e.partial for e in lp.entries] == [(1, 5), (3, 5), (3, 4), (3, 3), (3, 1)]
    assert all(e.date is None for e in lp.entries)
    assert [e.pinned for e in lp.entries] == [True, True, False, False, False]
    assert lp.entries[0].title == "关于开展安全生产大检查的通知"
    assert lp.entries[3].url == "http://www.news.cn/2012/0303/99.html"  # leaves the site: still an entry


def test_rows_without_dates_and_duplicates():
    rows = "".join(
        f"<li><a href='/art/{i}.html'>某某县人民政府关于第{i}批项目的批复</a></li>" for i in range(6)
    )
    rows += "<li><a href='/art/2.html'>某某县人民政府关于第2批项目的批复</a></li>"
    lp = parse_list("http://c.gov.cn/zfwj/", page(f"{SIDE_MENU}<ul class='list'>{rows}</ul>"))
    assert [e.url.rsplit("/", 1)[1] for e in lp.entries] == [f"{i}.html" for i in range(6)]
    assert all(e.date is None and e.partial is None for e in lp.entries)


def test_row_date_is_the_rows_own_not_the_title_or_alt():
    rows = (
        "<li><a href='/a/1.html'>2011年12月1日停电通知</a><img alt='2009-01-01' src='x.png'><span>2012-03-05</span></li>"
        "<li><a href='/a/2.html'><em>关于春节放假的通知</em><i>2012-01-20</i></a></li>"
        "<li><a href='/a/3.html'>关于清明节放假的通知</a> 发布时间：2012-03-30 浏览次数：12</li>"
    )
    lp = parse_list("http://c.gov.cn/tzgg/", page(f"<ul>{rows}</ul>"))
    assert [e.date for e in lp.entries] == [D(2012, 3, 5), D(2012, 1, 20), D(2012, 3, 30)]
    assert lp.entries[1].title == "关于春节放假的通知"


@pytest.mark.parametrize("marker", ["暂无信息", "暂无数据", "没有记录"])
def test_empty_column(marker):
    html = page(
        f"<div class='nav'><a href='/'>首页</a><a href='/xxgk/'>信息公开</a></div>{SIDE_MENU}<div class='list'><p>{marker}</p></div>"
    )
    lp = parse_list("http://c.gov.cn/xxgk/rsxx/", html)
    assert lp.entries == [] and lp.empty and lp.pages == [] and lp.next_url is None


def test_empty_column_with_a_dated_sidebar_and_a_list_with_an_unrelated_message():
    side = "<div class='side'><h3>最新信息</h3><ul>" + li_rows(6, trs=False) + "</ul></div>"
    empty = page(
        f"{side}<div class='main'><div class='position'>当前位置：首页 &gt; 人事信息</div><div class='list'><p>暂无信息</p></div></div>"
    )
    lp = parse_list("http://c.gov.cn/xxgk/rsxx/", empty)
    assert lp.entries == [] and lp.empty
    full = page(
        f"<div class='box'><h3>相关下载</h3><p>暂无数据</p></div><div class='list'><ul>{li_rows(4, trs=False)}</ul>"
        "<div class='page'><a href='index_2.html'>下一页</a></div></div>"
    )
    lp = parse_list("http://c.gov.cn/xxgk/tzgg/", full)
    assert len(lp.entries) == 4 and not lp.empty


def test_overrides():
    html = page(
        "<div class='x'><p class='r'><a href='/d/1.htm'>甲</a><em>2012.03.05</em><span>2011-01-01</span></p>"
        "<p class='r'><a href='/d/2.htm'>乙</a><em>2012.03.06</em></p></div>"
        "<div class='pg'><a href='/l/p2.htm'>后页</a></div>"
    )
    lp = parse_list("http://c.gov.cn/l/", html, {"row": "div.x p.r", "date": "em", "next": "div.pg a"})
    assert [(e.title, e.date) for e in lp.entries] == [("甲", D(2012, 3, 5)), ("乙", D(2012, 3, 6))]
    assert lp.next_url == "http://c.gov.cn/l/p2.htm"
    lp = parse_list("http://c.gov.cn/l/", html, {"row": "//p[@class='r']", "link": "a"})
    assert len(lp.entries) == 2


def test_column_name_sources():
    assert (
        parse_list(
            "http://c.gov.cn/a/", page("<ul></ul>", "<meta name='ColumnName' content='通知公告'>")
        ).column_name
        == "通知公告"
    )
    crumb = "<div class='position'>当前位置：<a href='/'>首页</a> &gt; <a href='/xxgk/'>信息公开</a> &gt; <a href='./'>财政信息</a></div>"
    assert parse_list("http://c.gov.cn/a/", page(crumb)).column_name == "财政信息"
    assert (
        parse_list("http://c.gov.cn/a/", page("", "<title>人事信息_某县人民政府</title>")).column_name
        == "人事信息"
    )


# ---------------------------------------------------------------------------------- detail
def test_detail_metadata_table_and_labels():
    html = page(
        """<table class="xxgk_table">
      <tr><td>索 引 号：</td><td>11610924-2012-00012</td><td>发布机构：</td><td>县财政局</td></tr>
      <tr><td>文　　号：</td><td>石政发〔2012〕12号</td><td>成文日期：</td><td>2012年02月28日</td></tr>
      <tr><td>发布日期：</td><td>2012年03月05日</td><td>有 效 性：</td><td>有效</td></tr></table>
      <h1>关于印发某某办法的通知</h1><p>根据石政办〔2011〕3号文件，2011年1月1日起施行。</p>
      <p>附件：<a href="/u/files/2012/a.pdf">实施细则.pdf</a> <a href="../b.DOCX">表格</a> <a href="c.xlsx">c</a>
      <a href="/down.jsp?fileid=77">下载附件</a> <a href="d.xls?x=1">d</a> <a href="/news/1.html">新闻</a></p>""",
        "<meta name='Maketime' content='2020-01-01 00:00'><title>关于印发某某办法的通知_县政府</title>",
    )
    d = parse_detail("http://c.gov.cn/zfwj/201203/t20120305_1.html", html)
    assert (d.index_no, d.doc_no, d.publisher) == ("11610924-2012-00012", "石政发〔2012〕12号", "县财政局")
    assert (d.publish_date, d.written_date) == (D(2012, 3, 5), D(2012, 2, 28))
    assert d.title == "关于印发某某办法的通知"
    assert [a.url for a in d.attachments] == [
        "http://c.gov.cn/u/files/2012/a.pdf",
        "http://c.gov.cn/zfwj/b.DOCX",
        "http://c.gov.cn/zfwj/201203/c.xlsx",
        "http://c.gov.cn/down.jsp?fileid=77",
        "http://c.gov.cn/zfwj/201203/d.xls?x=1",
    ]
    assert d.attachments[0].name == "实施细则.pdf" and not d.soft_404


def test_detail_precedence_and_placeholders():
    html = page(
        "<div class='info'><span alt='时间：2001-01-01'>发布时间：2012-03-05 10:20:11</span> 来源：县政府办 "
        "<span>页面生成时间：2020-02-02</span></div><div>文号：无 成文日期：</div><p>正文 2011年5月6日</p>",
        "<meta name='PubDate' content='2012-03-06 08:00'><meta name='others' content='页面生成时间 2023-10-23'>",
    )
    # the visible label wins over PubDate-like meta (meta is the fallback); alt attributes and
    # generation times are never read
    d = parse_detail("http://c.gov.cn/a.html", html)
    assert (
        d.publish_date == D(2012, 3, 5)
        and d.publish_datetime == "2012-03-05 10:20:11"
        and d.publish_date_from == "label"
    )
    assert d.doc_no is None and d.written_date is None and d.source == "县政府办"
    d2 = parse_detail("http://c.gov.cn/a.html", html.replace("发布时间：2012-03-05 10:20:11", "发布时间："))
    assert d2.publish_datetime == "2012-03-06 08:00" and d2.publish_date_from == "meta"
    gen_only = page("<div>页面生成时间：2020-02-02</div><p>正文</p>")
    assert parse_detail("http://c.gov.cn/a.html", gen_only).publish_date is None


@pytest.mark.parametrize(
    "body,soft",
    [
        ("<h1>404</h1><p>您访问的页面不存在或已被删除</p><a href='/'>返回首页</a>", True),
        ("<p>页面不存在</p>", True),
        (
            "<h1>关于做好2012年404国道养护工作的通知</h1><p>"
            + "全县各乡镇要做好道路养护工作。" * 120
            + "</p>",
            False,
        ),
    ],
)
def test_soft_404(body, soft):
    assert parse_detail("http://c.gov.cn/x.html", page(body)).soft_404 is soft


# ---------------------------------------------------------------------------------- links / discovery
def test_page_links():
    html = page(
        "<base href='http://c.gov.cn/sub/'><div class='header'><a href='/'>首页</a></div>"
        "<a href='a.html#top'>甲</a><a href='javascript:void(0)'>乙</a><a href='mailto:x@y.cn'>丙</a>"
        "<a href=' b.html '><img alt='丁'></a><footer><a href='http://other.cn/'>友情</a></footer>"
        "<script>var s='<a href=\"/script.html\">x</a>';</script>"
    )
    links = page_links("http://c.gov.cn/index.html", html)
    assert [(lk.url, lk.text, lk.nav) for lk in links] == [
        ("http://c.gov.cn/", "首页", True),
        ("http://c.gov.cn/sub/a.html", "甲", False),
        ("http://c.gov.cn/sub/b.html", "丁", False),
        ("http://other.cn/", "友情", True),
    ]


def test_find_disclosure_entry_prefers_specific_text():
    html = page(
        "<div class='nav'><a href='/zwgk/'>政务公开</a><a href='/'>首页</a></div>"
        "<a href='/xxgk/zn.html'>政府信息公开指南</a><a href='/xxgk/'>政府信息公开</a>"
    )
    assert find_disclosure_entry("http://c.gov.cn/", html) == "http://c.gov.cn/xxgk/"
    assert (
        find_disclosure_entry("http://c.gov.cn/", page("<a href='/zwgk/'>政务公开</a>"))
        == "http://c.gov.cn/zwgk/"
    )
    assert find_disclosure_entry("http://c.gov.cn/", page("<a href='/a/'>新闻</a>")) is None


def test_column_candidates():
    html = page(f"""{SIDE_MENU}<ul class='news'>
      <li><a href='/xxgk/tzgg/201203/t20120305_1.html'>关于开展大检查的通知</a><span>2012-03-05</span></li>
      <li><a href='/xxgk/rsxx/'>人事信息</a><span>03-05</span></li></ul>
      <table><tr><td><a href='/xxgk/zxdt/'>最新动态</a></td><td>[2012-03-01]</td></tr></table>
      <a href='/files/guide.pdf'>公开指南</a><a href='/'>首页</a><a href='/xxgk/'>更多</a>
      <div class='footer'><a href='/xxgk/lxwm/'>联系方式</a></div>""")
    got = [c.text for c in column_candidates("http://c.gov.cn/xxgk/", html, {"http://c.gov.cn/xxgk/czxx/"})]
    assert got == ["政策文件", "通知公告", "工作动态"]


def test_article_and_listing_url_shapes():
    from crawler.extract.links import is_attachment_url, looks_like_article_url, looks_like_listing_url

    for url in (
        "http://c.gov.cn/a/201203/t20120305_45.html",
        "http://c.gov.cn/art/2012/3/5/art_12_345.html",
        "http://c.gov.cn/Article_Show.asp?ArticleID=7",
        "http://c.gov.cn/NewsShow.asp?id=7",
        "http://c.gov.cn/xxgk/content.jsp?id=50153",
        "http://c.gov.cn/2018-07-23/10172.html",
    ):
        assert looks_like_article_url(url), url
    for url in (
        "http://c.gov.cn/Article_Class.asp?ClassID=13",
        "http://c.gov.cn/NewsList.asp?ClassID=12",
        "http://c.gov.cn/xxgk/list.jsp?catid=101",
        "http://c.gov.cn/col/col1234/index.html",
        "http://c.gov.cn/xxgk/tzgg/",
    ):
        assert not looks_like_article_url(url), url
    assert looks_like_listing_url("http://c.gov.cn/col/col1234/index.html") and looks_like_listing_url(
        "http://c.gov.cn/a/"
    )
    assert is_attachment_url("http://c.gov.cn/module/download/downfile.jsp?classid=0&filename=1.pdf")
    assert not is_attachment_url("http://app.gov.cn/download/index.html")


def test_column_candidates_in_asp_class_table():
    rows = "".join(
        f"<tr><td class='class_name'><a href='Article_Class.asp?ClassID={i}'>栏目{i}号</a></td><td class='sub'></td></tr>"
        for i in range(13, 18)
    )
    html = page(
        f"<div class='nav'><a href='/index.asp'>网站首页</a></div><table class='zwgk_class'>{rows}</table>"
    )
    got = column_candidates("http://c.gov.cn/zwgk.asp", html, set())
    assert [c.url for c in got if "ClassID" in c.url] == [
        f"http://c.gov.cn/Article_Class.asp?ClassID={i}" for i in range(13, 18)
    ]


def test_homepage_latest():
    html = page(
        "<div class='news'><ul><li><a href='/a/1.html'>县长调研春耕生产工作</a><span>12-30</span></li>"
        "<li><a href='/a/2.html'>全县召开经济工作会议</a><span>01-03</span></li>"
        "<li><a href='/a/3.html'>县委召开常委扩大会议</a><span>01-09</span></li></ul></div>"
        "<div class='gg'><ul><li><a href='/b/1.html'>关于节日值班安排的公告</a><span>2012-12-31</span></li>"
        "<li><a href='/b/2.html'>关于征兵工作的通告公告</a><span>2013-02-01</span></li></ul></div>"
        "<div class='clock'>2013年1月8日 星期二</div>"
    )
    # the reference (the site's newest item date) gives MM-DD its year: 01-09 lies after it and
    # resolves to 2012-01-09; 2013-02-01 is in the future and ignored
    assert homepage_latest("http://c.gov.cn/", html, today=D(2013, 1, 5), reference=D(2013, 1, 4)) == D(
        2013, 1, 3
    )
    # without a reference the page's own full dates are the reference (12-30 -> 2012-12-30)
    assert homepage_latest("http://c.gov.cn/", html, today=D(2013, 1, 5)) == D(2012, 12, 31)
    # MM-DD only and no reference: no year is invented
    mmdd_only = page(
        "<ul><li><a href='/a/1.html'>县长调研春耕生产工作</a><span>12-30</span></li>"
        "<li><a href='/a/2.html'>全县召开经济工作会议</a><span>01-03</span></li></ul>"
    )
    assert homepage_latest("http://c.gov.cn/", mmdd_only, today=D(2013, 1, 5)) is None
    # a reference years before the crawl (today is the real date): MM-DD never takes the crawl year
    assert homepage_latest("http://c.gov.cn/", mmdd_only, reference=D(2013, 1, 4)) == D(2013, 1, 3)


# ---------------------------------------------------------------------------------- registry
def test_profile_registry():
    names = {p.name for p in profiles.registered()}
    assert {"trs", "hanweb", "asp", "generic"} <= names

    @profiles.register
    class Probe(profiles.Profile):
        name = "probe-test"

        def detect(self, doc):
            return 99.0 if "PROBE" in doc.html else 0.0

    try:
        assert (
            parse_list("http://c.gov.cn/", page(f"<ul>{li_rows(3)}</ul><!-- PROBE -->")).profile
            == "probe-test"
        )
        assert parse_list("http://c.gov.cn/", page(f"<ul>{li_rows(3, trs=False)}</ul>")).profile == "generic"
    finally:
        profiles._REGISTRY.pop("probe-test")


def _attachments_resolving_every_link(doc):
    """The reference: every link resolved, then judged (what ``_attachments`` did before it
    skipped links whose href cannot make an attachment URL)."""
    from crawler.extract.detail import Attachment
    from crawler.extract.links import is_attachment_url, link_of

    out, seen = [], set()
    for a in doc.root.iter("a", "area"):
        url = doc.resolve(a.get("href"))
        if not url or url in seen or not is_attachment_url(url):
            continue
        seen.add(url)
        link = link_of(doc, a, url)
        out.append(Attachment(url=url, name=link.text or link.title or url.rsplit("/", 1)[-1]))
    return out


_ATTACHMENT_LINKS = """<html><head>{base}</head><body>
<a href=" 附件1.PDF ">附件1</a> <a href="files\\\\notice.docx#p2">通知</a> <a href="?fileid=7">下载</a>
<a href="?page=2">下一页</a> <a href="../xxgk/">公开</a> <a href="//download.example.gov.cn/a">镜像</a>
<a href="t1.html#x.pdf">正文</a> <a href="getfile.jsp?id=3;x">文件</a> <a href="a.xls;jsessionid=1">表</a>
<area href="map.zip"> <a href="javascript:void(0)">脚本</a> <a>无链接</a> <a href="">空</a>
</body></html>"""


@pytest.mark.parametrize(
    "url, base",
    [
        ("http://www.x.gov.cn/xxgk/tzgg/t20200101_1.html", ""),
        ("http://www.x.gov.cn/download/show.asp?id=1", ""),  # the base itself looks like one
        ("http://www.x.gov.cn/xxgk/show.pdf", ""),
        ("http://www.x.gov.cn/xxgk/a.html", '<base href="http://www.x.gov.cn/attach/">'),
    ],
)
def test_attachments_skip_no_link_that_resolving_would_keep(url, base):
    from crawler.extract.detail import _attachments
    from crawler.extract.dom import Doc

    doc = Doc(url, _ATTACHMENT_LINKS.format(base=base))
    want = _attachments_resolving_every_link(Doc(url, _ATTACHMENT_LINKS.format(base=base)))
    assert _attachments(doc) == want
    assert len(want) >= 5


def test_attachments_of_every_real_page_equal_resolving_every_link(shared_dir):
    """The real pages carry no attachment links of their own (their menus, columns and pagers are
    what the fast path skips): the constructed links are planted in each, so every real page's
    URL and markup is the base they resolve against."""
    import json

    from crawler.extract import decode_html
    from crawler.extract.detail import _attachments
    from crawler.extract.dom import Doc

    real = shared_dir / "real-pages"
    planted = _ATTACHMENT_LINKS.format(base="").split("<body>", 1)[1].rsplit("</body>", 1)[0]
    pages = 0
    for entry in json.loads((real / "manifest.json").read_text()):
        url = entry["original_url"] or "http://www.example.gov.cn/xxgk/index.html"
        for name in [entry["file"], *(entry.get("detail_files") or [])]:
            html = decode_html((real / name).read_bytes())
            assert _attachments(Doc(url, html)) == _attachments_resolving_every_link(Doc(url, html)), name
            html = html.replace("</body>", planted + "</body>", 1) if "</body>" in html else html + planted
            got = _attachments(Doc(url, html))
            assert got == _attachments_resolving_every_link(Doc(url, html)), name
            assert len(got) >= 5, name
            pages += 1
    assert pages >= 39


@pytest.mark.parametrize("attr", ["v-for", "ms-repeat-el", "NG-REPEAT", "x-for"])
def test_a_client_side_template_row_is_dropped_whatever_the_case_of_its_attribute(attr):
    import lxml.html

    from crawler.extract.dom import drop_noise

    html = f'<html><body><ul><li {attr}="x in rows">{{{{x.title}}}}</li><li>真实条目</li></ul></body></html>'
    root = lxml.html.document_fromstring(html)
    drop_noise(root, html)
    assert [li.text_content() for li in root.iter("li")] == ["真实条目"]
    kept = lxml.html.document_fromstring(html.replace(attr, "data-row"))
    drop_noise(kept, html.replace(attr, "data-row"))
    assert len(list(kept.iter("li"))) == 2
