"""公开目录 (gkml-like JSP platform) style: the catalogue ``/xxgk/index.jsp`` with a category tree,
lists ``/xxgk/list.jsp?catid=123`` (pages ``&pageNo=2`` or ``&page=2`` per site) as metadata tables
(序号, 索引号, 名称, 文号, 发布日期), pager 首页/上一页/下一页/末页 with a jump box; articles
``/xxgk/content.jsp?id=…`` open with the metadata block (索引号, 发布机构, 成文日期, 文号, 发布日期).
"""

from __future__ import annotations

from functools import partial

from demo import attachments, text
from demo.cms import common as c
from demo.model import Article, Column, Network, Site
from demo.rules import column_category

PER_PAGE = 15


def assign_paths(site: Site) -> None:
    site.home_path = "/"
    site.entry_path = "/xxgk/index.jsp"
    for col in site.columns():
        col.path = col.url_path = f"/xxgk/list.jsp?catid={col.cid}"
        col.per_page = PER_PAGE
    for art in site.articles:
        if art.external:
            continue
        art.path = f"/xxgk/content.jsp?id={art.aid}"
        for n, att in enumerate(art.attachments, start=1):
            att.path = f"/xxgk/upload/{art.aid}_{n}.{att.fmt}"


def _nav(site: Site) -> list[tuple[str, str]]:
    return [
        ("首页", "/index.html"),
        ("信息公开", "/xxgk/index.jsp"),
        ("办事服务", "/bsfw/index.html"),
        ("互动交流", "/hdjl/index.html"),
    ]


def _frame(net: Network, site: Site, title: str, main: str) -> c.Response:
    body = f'{c.header(net, site, _nav(site), "gk-header")}\n<div class="container">{main}</div>\n{c.footer(site)}'
    return c.ok(c.html_page(title, body, css="/xxgk/css/gkml.css"))


def _left(site: Site, current: Column | None) -> str:
    return (
        f'<div class="gkml-left"><div class="tit">公开目录</div>'
        f"{c.tree_html(site, lambda x: x.path.removeprefix('/xxgk/'), current, 'gkml-tree')}</div>"
    )


def _row(net: Network, col: Column, n: int, e, with_no: bool) -> str:
    art = e.article
    href = net.article_url(art) if art.external else art.path.removeprefix("/xxgk/")
    top = "<b>[置顶]</b>" if e.pinned else ""
    no = f"<td>{c.esc(art.doc_no)}</td>" if with_no else ""
    return (
        f'<tr><td>{n}</td><td>{c.esc(art.index_no)}</td><td class="mc">{top}<a href="{c.esc(href)}" '
        f'title="{c.esc(e.shown_title)}" target="_blank">{c.esc(text.short(e.shown_title, 32))}</a></td>{no}'
        f"<td>{c.row_date(e, col)}</td></tr>"
    )


def _pager(site: Site, col: Column, page: int, npages: int) -> str:
    p = site.variant.get("page_param", "pageNo")
    base = f"{col.path.removeprefix('/xxgk/')}&{p}="

    def link(n: int, label: str, live: bool) -> str:
        return f'<a href="{base}{n}">{label}</a>' if live else f'<span class="disabled">{label}</span>'

    return (
        f'<div class="pagination">共{len(col.entries)}条 第{page}/{npages}页 {link(1, "首页", True)} '
        f"{link(page - 1, '上一页', page > 1)} {link(page + 1, '下一页', page < npages)} "
        f'{link(npages, "末页", True)} 跳转到<input type="text" id="jump" size="3">页'
        f'<input type="button" value="GO" onclick="location.href=\'{base}\'+document.getElementById(\'jump\').value">'
        f"</div>"
    )


def _list(net: Network, site: Site, col: Column, q: dict) -> c.Response:
    trail = [("首页", "/index.html"), ("信息公开", "/xxgk/index.jsp")] + c.column_trail(
        col, lambda x: x.path.removeprefix("/xxgk/")
    )
    if col.is_parent:
        subs = "".join(
            f'<li><a href="{x.path.removeprefix("/xxgk/")}">{c.esc(x.name)}</a></li>' for x in col.children
        )
        main = (
            f'{_left(site, col)}<div class="gkml-right">{c.crumbs(trail)}<ul class="subcat">{subs}</ul></div>'
        )
        return _frame(net, site, f"{col.name}-{site.name}", main)
    p = site.variant.get("page_param", "pageNo").lower()
    try:
        page = int(q.get(p, "1") or 1)
    except ValueError:
        page = 1
    pages = c.pages_of(col)
    if not 1 <= page <= len(pages):
        return c.ok(c.html_page("提示", '<div class="tip">信息不存在或已被删除</div>'))
    with_no = column_category(col.name) == "regulation"
    head = (
        "<tr><th>序号</th><th>索引号</th><th>名称</th>"
        + ("<th>文号</th>" if with_no else "")
        + "<th>发布日期</th></tr>"
    )
    offset = (page - 1) * PER_PAGE
    rows = "".join(_row(net, col, offset + i + 1, e, with_no) for i, e in enumerate(pages[page - 1]))
    if not col.entries:
        rows = f'<tr><td colspan="{5 if with_no else 4}" class="empty">暂无内容</td></tr>'
    main = (
        f'{_left(site, col)}<div class="gkml-right">{c.crumbs(trail)}<table class="gkml-list" width="100%">'
        f"<thead>{head}</thead><tbody>{rows}</tbody></table>"
        f"{_pager(site, col, page, len(pages)) if col.entries else ''}</div>"
    )
    return _frame(net, site, f"{col.name}-{site.name}", main)


def _detail(net: Network, site: Site, art: Article, _q: dict) -> c.Response:
    def render() -> c.Response:
        trail = [("首页", "/index.html"), ("信息公开", "/xxgk/index.jsp")] + c.column_trail(
            art.home, lambda x: x.path.removeprefix("/xxgk/")
        )
        fmt = "cn" if site.variant.get("date_fmt") == "cn" else "iso"
        main = (
            f'{c.crumbs(trail)}<div class="gkml-detail">{c.metadata_table(art, fmt)}'
            f'<h1 class="content-title">{c.esc(art.title)}</h1><div class="content">{c.body_html(art)}</div>'
            f"{c.attachments_html(net, art)}</div>"
        )
        return _frame(net, site, f"{art.title}-{site.name}", main)

    return c.detail_or_error(art, render)


def _home(net: Network, site: Site, _q: dict) -> c.Response:
    def href(a: Article) -> str:
        return a.path.lstrip("/")

    blocks = c.home_blocks(net, site, href, lambda x: x.path.lstrip("/"))
    return _frame(net, site, site.name, f'<div class="slide"></div>{blocks}')


def _entry(net: Network, site: Site, _q: dict) -> c.Response:
    main = (
        f'{_left(site, None)}<div class="gkml-right">{c.crumbs([("首页", "/index.html"), ("信息公开", None)])}'
        f'<div class="gkml-intro"><p>本目录按照政府信息公开条例要求编制，点击左侧分类查看。</p>'
        f'<p><a href="guide.jsp">信息公开指南</a>　<a href="apply.jsp">依申请公开</a></p></div></div>'
    )
    return _frame(net, site, f"信息公开-{site.name}", main)


def _static(net: Network, site: Site, title: str, html: str, _q: dict) -> c.Response:
    return _frame(net, site, f"{title}-{site.name}", html)


def routes(net: Network, site: Site) -> dict[str, c.Handler]:
    cols = {str(col.cid): col for col in site.columns()}
    arts = {str(a.aid): a for a in site.articles if not a.external}

    def list_page(q: dict) -> c.Response:
        col = cols.get(q.get("catid", ""))
        return _list(net, site, col, q) if col else c.soft_404(2)

    def content(q: dict) -> c.Response:
        art = arts.get(q.get("id", ""))
        return _detail(net, site, art, q) if art else c.soft_404(2)

    r: dict[str, c.Handler] = {
        "/": partial(_home, net, site),
        "/index.html": partial(_home, net, site),
        "/xxgk/": partial(_entry, net, site),
        "/xxgk/index.jsp": partial(_entry, net, site),
        "/xxgk/list.jsp": list_page,
        "/xxgk/content.jsp": content,
    }
    for art in arts.values():
        for att in art.attachments:
            r[att.path] = partial(lambda a, _q: (200, c.CONTENT_TYPES[a.fmt], attachments.render(a)), att)
    guide = f'<div class="guide"><h2>{c.esc(site.name)}政府信息公开指南</h2><p>本机关主动公开的政府信息，可在本网站信息公开目录查阅。</p></div>'
    for path, title, html in (
        ("/bsfw/index.html", "办事服务", c.service_page(site)),
        ("/hdjl/index.html", "互动交流", c.interaction_page(site)),
        ("/xxgk/guide.jsp", "信息公开指南", guide),
        ("/xxgk/apply.jsp", "依申请公开", c.interaction_page(site, "/xxgk/apply.do")),
    ):
        r[path] = partial(_static, net, site, title, html)
    return r
