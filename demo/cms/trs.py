"""TRS WCM style: ``…/col/index.html``, ``index_1.html`` …; the pager is only a
``createPageHTML(N, cur, "index", "html")`` script call; rows ``<li><a href="./201203/t20120305_4521.html"
title="…">short…</a><span>2012-03-05</span></li>``; articles carry SiteName/ColumnName/ArticleTitle/PubDate
meta tags on sites whose variant says so.
"""

from __future__ import annotations

import posixpath
from functools import partial

from demo import attachments, text
from demo.cms import common as c
from demo.model import Article, Column, Network, Site

PAGER_JS = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  function pageUrl(i){ return (i == 0) ? (_sPageName + "." + _sPageExt) : (_sPageName + "_" + i + "." + _sPageExt); }
  if(nCurrIndex == 0){ document.write("<span>首页</span> <span>上一页</span> "); }
  else { document.write("<a href=\\"" + pageUrl(0) + "\\">首页</a> <a href=\\"" + pageUrl(nCurrIndex - 1) + "\\">上一页</a> "); }
  if(nCurrIndex == _nPageCount - 1){ document.write("<span>下一页</span> <span>尾页</span>"); }
  else { document.write("<a href=\\"" + pageUrl(nCurrIndex + 1) + "\\">下一页</a> <a href=\\"" + pageUrl(_nPageCount - 1) + "\\">尾页</a>"); }
  document.write(" 共" + _nPageCount + "页");
}
</script>"""


def assign_paths(site: Site) -> None:
    gk = site.variant.get("gk", "zwgk")
    site.home_path = site.prefix
    site.entry_path = f"{site.prefix}{gk}/"
    for col in site.columns():
        parts, x = [], col
        while x is not None:
            parts.insert(0, x.slug)
            x = x.parent
        col.url_path = site.entry_path + "/".join(parts) + "/"
        col.path = col.url_path + "index.html"
        col.per_page = 20 if site.tier == "county" else 15
    for art in site.articles:
        if art.external:
            continue
        d = art.date or art.sort_date
        art.path = f"{art.home.url_path}{d:%Y%m}/t{d:%Y%m%d}_{art.aid}.html"
        for n, att in enumerate(art.attachments, start=1):
            att.path = f"{art.home.url_path}{d:%Y%m}/P0{d:%Y%m%d}{art.aid:06d}{n}.{att.fmt}"


def _nav(site: Site) -> list[tuple[str, str]]:
    label = "政务公开" if site.tier == "county" else "信息公开"
    return [
        ("首页", site.prefix),
        (label, site.entry_path),
        ("办事服务", f"{site.prefix}bsfw/"),
        ("互动交流", f"{site.prefix}hdjl/"),
        ("走进石泉" if site.tier == "county" else "单位概况", f"{site.prefix}zjwm/"),
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
        m["ColumnType"] = col.parent.name if col.parent else col.name
    if art is not None:
        m["ArticleTitle"] = art.title
        if art.date:
            m["PubDate"] = f"{art.date:%Y-%m-%d} {art.time}"
        m["ContentSource"] = art.source
    return m


def _frame(net: Network, site: Site, title: str, main: str, metas=None) -> c.Response:
    body = f'{c.header(net, site, _nav(site))}\n<div class="main">{main}</div>\n{c.footer(site)}'
    return c.ok(c.html_page(title, body, metas=metas))


def _left(site: Site, current: Column | None) -> str:
    return (
        f'<div class="left"><h3>{"政务公开" if site.tier == "county" else "信息公开"}目录</h3>'
        f"{c.tree_html(site, lambda x: x.url_path, current, 'gk-tree')}</div>"
    )


def _row(net: Network, col: Column, e, cls: str) -> str:
    art = e.article
    href = net.article_url(art) if art.external else "./" + posixpath.relpath(art.path, col.url_path)
    if href.startswith("./../"):
        href = href[2:]
    d = c.row_date(e, col)
    top = '<span class="zd">[置顶]</span>' if e.pinned else ""
    li = f' class="{cls}"' if cls else ""
    date_html = f"<span>{d}</span>" if d else ""
    return (
        f'<li{li}>{top}<a href="{c.esc(href)}" title="{c.esc(e.shown_title)}" target="_blank">'
        f"{c.esc(text.short(e.shown_title, 28))}</a>{date_html}</li>"
    )


def _list(net: Network, site: Site, col: Column, page: int, _q: dict) -> c.Response:
    trail = [("首页", site.prefix), ("政务公开" if site.tier == "county" else "信息公开", site.entry_path)]
    trail += c.column_trail(col, lambda x: x.url_path)
    if col.is_parent:
        subs = "".join(f'<li><a href="./{x.slug}/">{c.esc(x.name)}</a></li>' for x in col.children)
        right = f'<div class="right">{c.crumbs(trail)}<div class="sub-cols"><h2>{c.esc(col.name)}</h2><ul>{subs}</ul></div></div>'
        return _frame(net, site, f"{col.name}_{site.name}", _left(site, col) + right, _metas(site, col))
    pages = c.pages_of(col)
    if page >= len(pages):
        return c.not_found()
    cls = site.variant.get("li_class", "")
    rows = "".join(_row(net, col, e, cls) for e in pages[page])
    if not col.entries:
        rows = '<li class="nodata">暂无信息</li>'
    inline = site.tier == "county"
    pager = (
        PAGER_JS if inline else '<script type="text/javascript" src="/js/createPage.js"></script>'
    ) + f'<script type="text/javascript">createPageHTML({len(pages)}, {page}, "index", "html");</script>'
    right = (
        f'<div class="right">{c.crumbs(trail)}<div class="list"><ul>{rows}</ul></div>'
        f'<div class="page">{pager}</div></div>'
    )
    return _frame(net, site, f"{col.name}_{site.name}", _left(site, col) + right, _metas(site, col))


def _detail(net: Network, site: Site, art: Article, _q: dict) -> c.Response:
    def render() -> c.Response:
        col = art.home
        trail = [
            ("首页", site.prefix),
            ("政务公开" if site.tier == "county" else "信息公开", site.entry_path),
        ]
        trail += c.column_trail(col, lambda x: x.url_path)
        when = f"发布时间：{art.date:%Y-%m-%d} {art.time}　　" if art.date else ""
        table = c.metadata_table(art, "cn0") if art.doc else ""
        main = (
            f'{c.crumbs(trail)}{table}<div class="detail"><h1 class="title">{c.esc(art.title)}</h1>'
            f'<div class="info">{when}来源：{c.esc(art.source)}　　浏览次数：{art.views}　　'
            f'字号：[<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> '
            f'<a href="javascript:doZoom(12)">小</a>]</div>'
            f'<div class="TRS_Editor">{c.body_html(art)}</div>{c.attachments_html(net, art)}</div>'
        )
        return _frame(net, site, art.title, main, _metas(site, art.home, art))

    return c.detail_or_error(art, render)


def _home(net: Network, site: Site, _q: dict) -> c.Response:
    blocks = c.home_blocks(net, site, lambda a: a.path, lambda x: x.url_path)
    links = (
        '<div class="links"><h3>友情链接</h3><a href="http://www.gov.cn/">中国政府网</a> '
        '<a href="http://www.shaanxi.gov.cn/">陕西省人民政府</a> <a href="http://www.ankang.gov.cn/">安康市人民政府</a></div>'
    )
    return _frame(net, site, site.name, f'<div class="banner"></div>{blocks}{links}', _metas(site))


def _entry(net: Network, site: Site, _q: dict) -> c.Response:
    label = "政务公开" if site.tier == "county" else "信息公开"
    side = ""
    if site.variant.get("guide"):
        side = (
            f'<div class="gk-side"><a href="{site.entry_path}gkzn.html">政府信息公开指南</a> '
            f'<a href="{site.entry_path}ysqgk.html">依申请公开</a></div>'
        )
    main = (
        f"{c.crumbs([('首页', site.prefix), (label, None)])}{side}"
        f'<div class="gk-main"><h2>{label}目录</h2>{c.tree_html(site, lambda x: x.url_path, None, "gk-tree")}</div>'
    )
    return _frame(net, site, f"{label}_{site.name}", main, _metas(site))


def _static(net: Network, site: Site, title: str, html: str, _q: dict) -> c.Response:
    return _frame(net, site, f"{title}_{site.name}", html)


def _file(att, _q: dict) -> c.Response:
    return 200, c.CONTENT_TYPES[att.fmt], attachments.render(att)


GUIDE = (
    "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。"
    "凡需要获取本机关主动公开的政府信息，可以登录本网站政务公开栏目查阅。"
)


def routes(net: Network, site: Site) -> dict[str, c.Handler]:
    r: dict[str, c.Handler] = {}
    for p in (site.prefix, site.prefix + "index.html"):
        r[p] = partial(_home, net, site)
    for p in (site.entry_path, site.entry_path + "index.html"):
        r[p] = partial(_entry, net, site)
    for col in site.columns():
        r[col.url_path] = r[col.path] = partial(_list, net, site, col, 0)
        if not col.is_parent:
            for k in range(1, len(c.pages_of(col))):
                r[f"{col.url_path}index_{k}.html"] = partial(_list, net, site, col, k)
    for art in site.articles:
        if not art.external:
            r[art.path] = partial(_detail, net, site, art)
            for att in art.attachments:
                r[att.path] = partial(_file, att)
    statics = [
        ("bsfw/", "办事服务", c.service_page(site)),
        ("hdjl/", "互动交流", c.interaction_page(site)),
        (
            "zjwm/",
            "概况",
            f'<div class="about"><h2>{c.esc(site.name)}</h2><p>{c.esc(site.name)}'
            f"是主管本行业工作的{('县政府工作部门' if site.tier == 'department' else '政府机关')}。</p></div>",
        ),
    ]
    if site.variant.get("guide"):
        statics += [
            (
                site.entry_path.removeprefix(site.prefix) + "gkzn.html",
                "政府信息公开指南",
                f'<div class="detail"><h1>{site.name}政府信息公开指南</h1><p>{GUIDE}</p></div>',
            ),
            (
                site.entry_path.removeprefix(site.prefix) + "ysqgk.html",
                "依申请公开",
                c.interaction_page(site, "/ysqgk/submit"),
            ),
        ]
    for path, title, html in statics:
        r[site.prefix + path] = partial(_static, net, site, title, html)
        if path.endswith("/"):
            r[site.prefix + path + "index.html"] = r[site.prefix + path]
    r["/js/createPage.js"] = lambda _q: (
        200,
        "application/javascript",
        PAGER_JS.split(">", 1)[1].rsplit("<", 1)[0].encode(),
    )
    return r
