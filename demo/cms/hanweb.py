"""Hanweb (大汉) jpage style: ``/col/col{ID}/index.html`` embeds the first records as XML in a
script (``<datastore><nextgroup>…<recordset><record><![CDATA[<li>…</li>]]></record>…``) with
totalRecord and a parameter object; later records come from
``/module/web/jpage/dataproxy.jsp?startrecord=a&endrecord=b&perpage=15&columnid=…`` (GET or POST)
answering the same XML plus ``<totalrecord>``. Articles: ``/art/YYYY/M/D/art_{col}_{id}.html``.
On sites whose variant sets ``repeat``, a group after the first starts one record early
(the record repeats across the group boundary), as some Hanweb installations do.
"""

from __future__ import annotations

from functools import partial

from demo import attachments, text
from demo.cms import common as c
from demo.model import Article, Column, Network, Site

PER_PAGE = 15
GROUP = 3  # pages per group: the column page embeds PER_PAGE * GROUP records


def assign_paths(site: Site) -> None:
    base = 4000 + site.host * 100
    site.home_path = "/"
    site.entry_path = f"/col/col{base}/index.html"
    for col in site.columns():
        col.url_path = f"/col/col{col.cid}/"
        col.path = col.url_path + "index.html"
        col.per_page = PER_PAGE
    for art in site.articles:
        if art.external:
            continue
        d = art.date or art.sort_date
        art.path = f"/art/{d.year}/{d.month}/{d.day}/art_{art.home.cid}_{art.aid}.html"
        for n, att in enumerate(art.attachments, start=1):
            att.path = f"/module/download/downfile.jsp?classid=0&filename={d:%y%m%d}{art.aid}{n}.{att.fmt}"


def _ids(site: Site) -> tuple[int, int]:
    return site.host, 30000 + site.host * 17  # webid, unitid


def _nav(site: Site) -> list[tuple[str, str]]:
    base = 4000 + site.host * 100
    return [
        ("首页", "/index.html"),
        ("政府信息公开", site.entry_path),
        ("办事服务", f"/col/col{base + 91}/index.html"),
        ("互动交流", f"/col/col{base + 92}/index.html"),
    ]


def _metas(site: Site, col: Column | None = None, art: Article | None = None) -> dict[str, str]:
    if not site.variant.get("meta"):
        return {}
    m = {
        "SiteName": site.name,
        "SiteDomain": f"127.0.0.{site.host}",
        "SiteIDCode": f"61092500{site.host:02d}",
    }
    if col is not None:
        m["ColumnName"] = col.name
        m["ColumnType"] = "信息公开"
    if art is not None:
        m["ArticleTitle"] = art.title
        if art.date:
            m["PubDate"] = f"{art.date:%Y-%m-%d} {art.time}"
        m["ContentSource"] = art.source
    return m


def _frame(net: Network, site: Site, title: str, main: str, metas=None) -> c.Response:
    body = (
        f'{c.header(net, site, _nav(site), "bt-head")}\n<div class="bt-main">{main}</div>\n{c.footer(site)}'
    )
    return c.ok(c.html_page(title, body, metas=metas, css="/images/bt.css"))


def _record(net: Network, col: Column, e) -> str:
    art = e.article
    d = c.row_date(e, col)
    top = '<img src="/images/top.gif" alt="置顶" border="0">' if e.pinned else ""
    a = (
        f'<a href="{c.esc(net.article_url(art) if art.external else art.path)}" title="{c.esc(e.shown_title)}" '
        f'target="_blank">{c.esc(text.short(e.shown_title, 26))}</a>'
    )
    if col.site.variant.get("wrap") == "tr":
        return f'<tr><td class="bt-title">{top}{a}</td><td class="bt-date">{d}</td></tr>'
    span = f'<span class="bt-data-time">{d}</span>' if d else ""
    return f"<li>{top}{a}{span}</li>"


def _records(net: Network, col: Column, first: int, last: int) -> str:
    """Records first..last (1-based, inclusive) as <record> elements."""
    out = []
    for e in col.entries[first - 1 : last]:
        out.append(f"<record><![CDATA[\n{_record(net, col, e)}\n]]></record>")
    return "\n".join(out)


def _nextgroup(site: Site, col: Column) -> str:
    webid, unitid = _ids(site)
    return (
        f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid={webid}&path=/'
        f'&columnid={col.cid}&unitid={unitid}&webname={site.name}&permissiontype=0"></a>]]></nextgroup>'
    )


def _left(site: Site, current: Column | None) -> str:
    return f'<div class="bt-left"><h3>信息公开目录</h3>{c.tree_html(site, lambda x: x.path, current, "xxgk-tree")}</div>'


def _column(net: Network, site: Site, col: Column, _q: dict) -> c.Response:
    trail = [("首页", "/index.html"), ("政府信息公开", site.entry_path)] + c.column_trail(
        col, lambda x: x.path
    )
    if col.is_parent:
        subs = "".join(
            f'<li><a href="{x.path}" target="_self">{c.esc(x.name)}</a></li>' for x in col.children
        )
        main = f'{_left(site, col)}<div class="bt-right">{c.crumbs(trail)}<div class="lmlb"><ul>{subs}</ul></div></div>'
        return _frame(net, site, f"{site.name} {col.name}", main, _metas(site, col))
    webid, unitid = _ids(site)
    total = len(col.entries)
    recs = _records(net, col, 1, PER_PAGE * GROUP)
    nodata = '<div class="bt-nodata">暂无数据</div>' if total == 0 else ""
    script = (
        f'<div id="{unitid}"><script type="text/xml">\n<datastore>\n{_nextgroup(site, col)}\n'
        f"<recordset>\n{recs}\n</recordset>\n</datastore>\n</script></div>{nodata}\n"
        f'<script language="javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>\n'
        f"<script>\n$(document).ready(function() {{\n  $('#{unitid}').jpage({{\n"
        f"    dataStore: dataStore, ajaxType: 'post', totalRecord: {total}, perPage: {PER_PAGE}, "
        f"groupSize: {GROUP}, barPosition: 'bottom', showMode: 'full',\n"
        f"    proxyUrl: '/module/web/jpage/dataproxy.jsp',\n"
        f"    ajaxParam: {{col: 1, appid: 1, webid: {webid}, path: '/', columnid: {col.cid}, "
        f"sourceContentType: 1, unitid: '{unitid}', webname: '{site.name}', permissiontype: 0}}\n"
        f"  }});\n}});\n</script>"
    )
    main = f'{_left(site, col)}<div class="bt-right">{c.crumbs(trail)}<div class="default_pgContainer">{script}</div></div>'
    return _frame(net, site, f"{site.name} {col.name}", main, _metas(site, col))


def _dataproxy(net: Network, site: Site, q: dict) -> c.Response:
    try:
        start, end = int(q.get("startrecord", "1")), int(q.get("endrecord", str(PER_PAGE * GROUP)))
        cid = int(q.get("columnid", "0"))
    except ValueError:
        return 400, c.HTML, b"bad request"
    col = next((x for x in site.list_columns() if x.cid == cid), None)
    if col is None:
        body = "<datastore><recordset></recordset><totalrecord>0</totalrecord></datastore>"
    else:
        if site.variant.get("repeat") and start > 1:
            start -= 1
        body = (
            f"<datastore>\n{_nextgroup(site, col)}\n<recordset>\n{_records(net, col, max(start, 1), end)}\n"
            f"</recordset>\n<totalrecord>{len(col.entries)}</totalrecord>\n</datastore>"
        )
    return 200, "text/xml; charset=utf-8", ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def _detail(net: Network, site: Site, art: Article, _q: dict) -> c.Response:
    def render() -> c.Response:
        trail = [("首页", "/index.html"), ("政府信息公开", site.entry_path)] + c.column_trail(
            art.home, lambda x: x.path
        )
        table = c.metadata_table(art, "iso") if art.doc else ""
        when = f"<span>发布日期：{art.date:%Y-%m-%d}</span>" if art.date else ""
        main = (
            f'{c.crumbs(trail)}{table}<div class="main-txt"><h1>{c.esc(art.title)}</h1>'
            f'<div class="bt-info">{when}<span>信息来源：{c.esc(art.source)}</span>'
            f'<span>浏览次数：{art.views}</span></div><div id="zoom">{c.body_html(art)}</div>'
            f"{c.attachments_html(net, art)}</div>"
        )
        return _frame(net, site, art.title, main, _metas(site, art.home, art))

    return c.detail_or_error(art, render)


def _home(net: Network, site: Site, _q: dict) -> c.Response:
    blocks = c.home_blocks(net, site, lambda a: a.path, lambda x: x.path)
    return _frame(net, site, site.name, f'<div class="bt-banner"></div>{blocks}', _metas(site))


def _entry(net: Network, site: Site, _q: dict) -> c.Response:
    main = (
        f'{c.crumbs([("首页", "/index.html"), ("政府信息公开", None)])}<div class="xxgk-nav">'
        f"<h2>政府信息公开目录</h2>{c.tree_html(site, lambda x: x.path, None, 'xxgk-tree')}</div>"
    )
    return _frame(net, site, f"{site.name} 政府信息公开", main, _metas(site))


def _static(net: Network, site: Site, title: str, html: str, _q: dict) -> c.Response:
    return _frame(net, site, f"{site.name} {title}", html)


def routes(net: Network, site: Site) -> dict[str, c.Handler]:
    r: dict[str, c.Handler] = {"/": partial(_home, net, site), "/index.html": partial(_home, net, site)}
    r[site.entry_path] = r[site.entry_path.removesuffix("index.html")] = partial(_entry, net, site)
    for col in site.columns():
        r[col.path] = r[col.url_path] = partial(_column, net, site, col)
    r["/module/web/jpage/dataproxy.jsp"] = partial(_dataproxy, net, site)
    files = {}
    for art in site.articles:
        if not art.external:
            r[art.path] = partial(_detail, net, site, art)
            for att in art.attachments:
                files[att.path.split("filename=", 1)[1]] = att
    r["/module/download/downfile.jsp"] = lambda q: (
        (200, c.CONTENT_TYPES[files[q["filename"]].fmt], attachments.render(files[q["filename"]]))
        if q.get("filename") in files
        else c.not_found()
    )
    base = 4000 + site.host * 100
    for n, title, html in (
        (91, "办事服务", c.service_page(site)),
        (92, "互动交流", c.interaction_page(site)),
    ):
        r[f"/col/col{base + n}/index.html"] = r[f"/col/col{base + n}/"] = partial(
            _static, net, site, title, html
        )
    return r
