"""Old ASP style (动易/新云-like), served as GB2312 with the charset only in ``<meta>`` (bytes are
GB18030, so characters outside GB2312 such as 镕 and 喆 occur): ``list.asp?classid=12&page=2`` with
首页/上一页/下一页/尾页 and a window of page-number links, items in ``<table>`` rows; articles at
``ShowArticle.asp?ArticleID=123`` (names vary per site).
"""

from __future__ import annotations

from functools import partial

from demo import attachments, text
from demo.cms import common as c
from demo.model import Article, Column, Network, Site

CHARSET = "gb2312"
PER_PAGE = 20


def _v(site: Site) -> tuple[str, str, str, str]:
    v = site.variant
    return v["list"], v["cls"], v["show"], v["aid"]


def assign_paths(site: Site) -> None:
    lst, cls, show, aid = _v(site)
    site.home_path = "/"
    site.entry_path = "/zwgk.asp"
    for col in site.columns():
        col.path = col.url_path = f"/{lst}?{cls}={col.cid}"
        col.per_page = PER_PAGE
    for art in site.articles:
        if art.external:
            continue
        art.path = f"/{show}?{aid}={art.aid}"
        d = art.date or art.sort_date
        for n, att in enumerate(art.attachments, start=1):
            att.path = f"/UploadFiles/{d:%Y%m}/{d:%Y%m%d}{art.time.replace(':', '')}{art.aid}{n}.{att.fmt}"


def _nav(site: Site) -> list[tuple[str, str]]:
    return [
        ("网站首页", "/index.asp"),
        ("政务公开", "/zwgk.asp"),
        ("办事指南", "/bsfw.asp"),
        ("在线留言", "/gbook.asp"),
        ("单位简介", "/about.asp"),
    ]


def _frame(net: Network, site: Site, title: str, main: str) -> c.Response:
    body = (
        f'<table width="980" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td>'
        f"{c.header(net, site, _nav(site), 'top_bg')}</td></tr><tr><td>{main}</td></tr>"
        f"<tr><td>{c.footer(site)}</td></tr></table>"
    )
    return c.ok(c.html_page(title, body, charset=CHARSET, css="/Skin/DefaultSkin.css"), CHARSET)


def _left(site: Site, current: Column | None) -> str:
    return (
        f'<td width="200" valign="top" class="left_bg"><div class="left_title">政务公开</div>'
        f"{c.tree_html(site, lambda x: x.path.lstrip('/'), current, 'class_tree')}</td>"
    )


def _row(net: Network, col: Column, e) -> str:
    art = e.article
    href = net.article_url(art) if art.external else art.path.lstrip("/")
    top = '<font color="#FF0000">[置顶]</font>' if e.pinned else ""
    return (
        f'<tr><td width="16" align="center"><img src="images/arrow.gif" width="5" height="5"></td>'
        f'<td class="listA">{top}<a href="{c.esc(href)}" title="{c.esc(e.shown_title)}" target="_blank">'
        f"{c.esc(text.short(e.shown_title, 30))}</a></td>"
        f'<td width="100" align="right" class="list_date">{c.row_date(e, col)}</td></tr>'
        f'<tr><td colspan="3" height="1" background="images/line.gif"></td></tr>'
    )


def _pager(col: Column, page: int, npages: int) -> str:
    base = col.path.lstrip("/") + "&page="
    first = f'<a href="{base}1">首页</a>' if page > 1 else "首页"
    prev = f'<a href="{base}{page - 1}">上一页</a>' if page > 1 else "上一页"
    nxt = f'<a href="{base}{page + 1}">下一页</a>' if page < npages else "下一页"
    last = f'<a href="{base}{npages}">尾页</a>' if page < npages else "尾页"
    lo = max(1, page - 4)
    nums = " ".join(
        f"<font color=red>[{i}]</font>" if i == page else f'<a href="{base}{i}">[{i}]</a>'
        for i in range(lo, min(npages, lo + 9) + 1)
    )
    return (
        f'<div class="showpage">共 <b>{len(col.entries)}</b> 条记录&nbsp;&nbsp;{first}&nbsp;{prev}&nbsp;{nxt}&nbsp;'
        f"{last}&nbsp;&nbsp;页次：<strong><font color=red>{page}</font>/{npages}</strong>页&nbsp;"
        f"<b>{PER_PAGE}</b>条/页&nbsp;{nums}</div>"
    )


def _list(net: Network, site: Site, col: Column, q: dict) -> c.Response:
    trail = [("网站首页", "/index.asp"), ("政务公开", "/zwgk.asp")] + c.column_trail(
        col, lambda x: x.path.lstrip("/")
    )
    if col.is_parent:
        subs = "".join(
            f'<tr><td>·<a href="{x.path.lstrip("/")}">{c.esc(x.name)}</a></td></tr>' for x in col.children
        )
        main = (
            f'<table width="100%"><tr>{_left(site, col)}<td valign="top">{c.crumbs(trail)}'
            f'<table class="sub_class" width="100%">{subs}</table></td></tr></table>'
        )
        return _frame(net, site, f"{site.name}--{col.name}", main)
    try:
        page = int(q.get("page", "1") or 1)
    except ValueError:
        page = 1
    pages = c.pages_of(col)
    page = min(max(page, 1), len(pages))  # old ASP clamps the page number
    rows = "".join(_row(net, col, e) for e in pages[page - 1])
    if not col.entries:
        rows = '<tr><td colspan="3" align="center">该栏目下没有记录！</td></tr>'
    main = (
        f'<table width="100%"><tr>{_left(site, col)}<td valign="top">{c.crumbs(trail)}'
        f'<table width="100%" border="0" cellspacing="0" cellpadding="0" class="list_table">{rows}</table>'
        f"{_pager(col, page, len(pages)) if col.entries else ''}</td></tr></table>"
    )
    return _frame(net, site, f"{site.name}--{col.name}", main)


def _detail(net: Network, site: Site, art: Article, _q: dict) -> c.Response:
    def render() -> c.Response:
        trail = [("网站首页", "/index.asp"), ("政务公开", "/zwgk.asp")] + c.column_trail(
            art.home, lambda x: x.path.lstrip("/")
        )
        when = (
            f"发布时间：{art.date.year}-{art.date.month}-{art.date.day} {art.time}:00&nbsp;&nbsp;"
            if art.date
            else ""
        )
        table = c.metadata_table(art, "cn") if art.doc else ""
        main = (
            f'{c.crumbs(trail)}<table width="100%" class="article"><tr><td align="center" class="title">'
            f'<font size="4"><b>{c.esc(art.title)}</b></font></td></tr>'
            f'<tr><td align="center" class="info">作者：{c.esc(art.source)}&nbsp;&nbsp;{when}点击数：{art.views}</td></tr>'
            f'<tr><td>{table}</td></tr><tr><td class="content">{c.body_html(art)}'
            f"{c.attachments_html(net, art)}</td></tr></table>"
        )
        return _frame(net, site, f"{site.name}--{art.title}", main)

    return c.detail_or_error(art, render, CHARSET)


def _home(net: Network, site: Site, _q: dict) -> c.Response:
    blocks = c.home_blocks(net, site, lambda a: a.path.lstrip("/"), lambda x: x.path.lstrip("/"))
    return _frame(net, site, site.name, f'<div class="flash"></div>{blocks}')


def _entry(net: Network, site: Site, _q: dict) -> c.Response:
    rows = []
    for col in site.roots:
        subs = " ".join(f'<a href="{x.path.lstrip("/")}">{c.esc(x.name)}</a>' for x in col.children)
        rows.append(
            f'<tr><td class="class_name"><a href="{col.path.lstrip("/")}">{c.esc(col.name)}</a></td>'
            f'<td class="sub">{subs}</td></tr>'
        )
    main = (
        f"{c.crumbs([('网站首页', '/index.asp'), ('政务公开', None)])}"
        f'<table width="100%" class="zwgk_class"><tr><th colspan="2">政务公开栏目</th></tr>{"".join(rows)}</table>'
    )
    return _frame(net, site, f"{site.name}--政务公开", main)


def _static(net: Network, site: Site, title: str, html: str, _q: dict) -> c.Response:
    return _frame(net, site, f"{site.name}--{title}", html)


def routes(net: Network, site: Site) -> dict[str, c.Handler]:
    lst, cls, show, aid = _v(site)
    cols = {str(col.cid): col for col in site.columns()}
    arts = {str(a.aid): a for a in site.articles if not a.external}

    def list_page(q: dict) -> c.Response:
        col = cols.get(q.get(cls.lower(), ""))
        return _list(net, site, col, q) if col else c.soft_404(1, CHARSET)

    def show_page(q: dict) -> c.Response:
        art = arts.get(q.get(aid.lower(), ""))
        return _detail(net, site, art, q) if art else c.soft_404(1, CHARSET)

    r: dict[str, c.Handler] = {
        "/": partial(_home, net, site),
        "/index.asp": partial(_home, net, site),
        "/zwgk.asp": partial(_entry, net, site),
        f"/{lst}": list_page,
        f"/{show}": show_page,
    }
    for art in arts.values():
        for att in art.attachments:
            r[att.path] = partial(lambda a, _q: (200, c.CONTENT_TYPES[a.fmt], attachments.render(a)), att)
    about = f'<div class="about"><h2>{c.esc(site.name)}</h2><p>单位地址：石泉县城关镇。办公电话：0915-63{site.host:02d}456。</p></div>'
    for path, title, html in (
        ("/bsfw.asp", "办事指南", c.service_page(site)),
        ("/gbook.asp", "在线留言", c.interaction_page(site, "/gbook.asp?action=save")),
        ("/about.asp", "单位简介", about),
    ):
        r[path] = partial(_static, net, site, title, html)
    return r
