"""Page pieces shared by the demo's CMS styles: dates, rows, headers, metadata tables, errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from demo import text
from demo.model import Article, Column, Entry, Network, Site, homepage_blocks

Response = tuple[int, str, bytes]  # status, content type, body
Handler = Callable[[dict], Response]
HTML = "text/html; charset=utf-8"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jpg": "image/jpeg",
}


def fmt_date(d: date, fmt: str) -> str:
    if fmt == "iso":
        return f"{d.year}-{d.month:02d}-{d.day:02d}"
    if fmt == "bracket":
        return f"[{d.year}-{d.month:02d}-{d.day:02d}]"
    if fmt == "slash":
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    if fmt == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if fmt == "cn0":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if fmt == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if fmt == "dash":
        return f"{d.year}-{d.month}-{d.day}"
    if fmt == "mmdd":
        return f"{d.month:02d}-{d.day:02d}"
    raise ValueError(fmt)


def row_date(entry: Entry, col: Column) -> str:
    """What the list row shows: the full date, MM-DD only, or nothing."""
    art = entry.article
    if art.date is None:
        return ""
    mode = "full" if (art.external or art.status != "ok") else col.rowdate
    if mode == "none":
        return ""
    if mode == "mmdd":
        return fmt_date(art.date, "mmdd")
    return fmt_date(art.date, col.site.variant.get("date_fmt", "iso"))


def pages_of(col: Column) -> list[list[Entry]]:
    n = col.per_page
    return [col.entries[i : i + n] for i in range(0, len(col.entries), n)] or [[]]


def esc(s: str) -> str:
    return escape(s, quote=True)


def html_page(
    title: str,
    body: str,
    *,
    metas: dict[str, str] | None = None,
    charset: str = "utf-8",
    css: str = "/css/style.css",
) -> str:
    meta = "".join(f'<meta name="{k}" content="{esc(v)}">\n' for k, v in (metas or {}).items())
    return (
        f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        f'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html>\n<head>\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n{meta}'
        f'<title>{esc(title)}</title>\n<link href="{css}" rel="stylesheet" type="text/css">\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def ok(html: str, charset: str = "utf-8") -> Response:
    """A 200 page; GBK pages are encoded as GB18030 and name their charset only in <meta>."""
    if charset == "utf-8":
        return 200, HTML, html.encode("utf-8")
    return 200, "text/html", html.encode("gb18030")


def not_found() -> Response:
    body = (
        "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
        "<p>The requested URL was not found on this server.</p></body></html>"
    )
    return 404, HTML, body.encode()


SOFT_404 = [
    (
        "页面不存在",
        '<div class="error"><h2>您访问的页面不存在或已被删除！</h2><p><a href="/">返回首页</a></p></div>',
    ),
    (
        "提示信息",
        '<center><br><br><font color="red">对不起，该信息不存在或已被删除！</font><br>'
        '<a href="javascript:history.back()">返回上一页</a></center>',
    ),
    (
        "404",
        '<div style="text-align:center;padding:60px"><p>抱歉，页面不存在</p><p>5秒后自动返回首页</p></div>',
    ),
]


def soft_404(n: int, charset: str = "utf-8") -> Response:
    title, body = SOFT_404[n % len(SOFT_404)]
    page = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{title}</title></head><body>{body}</body></html>"
    )
    return ok(page, charset)


def detail_or_error(art: Article, render: Callable[[], Response], charset: str = "utf-8") -> Response:
    if art.status == "404":
        return not_found()
    if art.status == "soft404":
        return soft_404(art.aid, charset)
    return render()


def header(net: Network, site: Site, nav: list[tuple[str, str]], cls: str = "header") -> str:
    return _memo(site, ("header", cls, net.generation), lambda: _header(net, site, nav, cls))


def _memo(site: Site, key: tuple, make: Callable[[], str]) -> str:
    """Per-site cache of page pieces that only change with the network's generation."""
    cache = site.__dict__.setdefault("_memo", {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _header(net: Network, site: Site, nav: list[tuple[str, str]], cls: str) -> str:
    links = "".join(f'<li><a href="{esc(u)}">{esc(n)}</a></li>' for n, u in nav)
    back = ""
    if site.prefix != "/":
        back = f'<a href="/" class="back">返回{esc(net.sites[0].name)}</a>'
    return (
        f'<div class="{cls}"><div class="top">{back}<span class="clock">'
        f"<script>document.write(new Date().toLocaleDateString());</script></span></div>"
        f'<div class="logo"><h1>{esc(site.name)}</h1></div>'
        f'<div class="search"><form action="/search/" method="get"><input name="q" type="text">'
        f'<input type="submit" value="搜索"></form></div></div>\n<div class="nav"><ul>{links}</ul></div>'
    )


def footer(site: Site) -> str:
    return _memo(site, ("footer",), lambda: _footer(site))


def _footer(site: Site) -> str:
    return (
        f'<div class="footer"><p>主办：{esc(site.name)}　承办：石泉县信息中心</p>'
        f"<p>地址：陕西省石泉县　联系电话：0915-63{site.host:02d}123　陕ICP备0500{site.host:02d}12号</p></div>"
    )


def metadata_table(art: Article, fmt: str = "cn0") -> str:
    """The 公开目录 metadata block (索引号, 发布机构, 成文日期, 文号, 发布日期)."""
    rows = [("索引号", art.index_no), ("发布机构", art.publisher or art.site.name)]
    if art.written:
        rows.append(("成文日期", fmt_date(art.written, fmt)))
    if art.doc:
        rows.append(("文号", art.doc_no))
    if art.date:
        rows.append(("发布日期", fmt_date(art.date, fmt)))
    rows.append(("名称", art.title))
    cells = [f"<th>{k}：</th><td>{esc(v)}</td>" for k, v in rows]
    trs = "".join(f"<tr>{''.join(cells[i : i + 2])}</tr>" for i in range(0, len(cells), 2))
    return f'<table class="xxgk_table" width="100%" border="1" cellspacing="0">{trs}</table>'


def attachments_html(net: Network, art: Article) -> str:
    linked = [a for a in art.attachments if not a.inline]
    if not linked:
        return ""
    links = "".join(f'<p><a href="{esc(a.path)}" target="_blank">{esc(a.name)}</a></p>' for a in linked)
    return f'<div class="attachments"><p>附件：</p>{links}</div>'


def body_html(art: Article) -> str:
    pictures = "".join(
        f'<p style="text-align:center"><img src="{esc(a.path)}" alt="{esc(a.title)}" width="620"></p>'
        for a in art.attachments
        if a.inline
    )
    return "".join(f"<p>　　{esc(p)}</p>" for p in art.body) + pictures


def home_blocks(
    net: Network, site: Site, href: Callable[[Article], str], col_href: Callable[[Column], str]
) -> str:
    fmt = site.variant.get("home_fmt", "iso")
    out = []
    for label, col, rows in homepage_blocks(site):
        lis = "".join(
            f'<li><a href="{esc(href(e.article))}" title="{esc(e.shown_title)}" target="_blank">'
            f'{esc(text.short(e.shown_title, 24))}</a><span class="date">{fmt_date(e.article.date, fmt)}'
            f"</span></li>"
            for e in rows
        )
        out.append(
            f'<div class="news-box"><div class="hd"><h3>{esc(label)}</h3>'
            f'<a class="more" href="{esc(col_href(col))}">更多&gt;&gt;</a></div><ul>{lis}</ul></div>'
        )
    return "\n".join(out)


def service_page(site: Site) -> str:
    items = ["户籍办理", "社会保障", "婚姻登记", "医疗卫生", "教育培训", "交通出行", "住房保障", "企业开办"]
    links = "".join(
        f'<li><a href="http://www.sxzwfw.gov.cn/icity/public/{i}">{n}</a></li>'
        for i, n in enumerate(items, start=1)
    )
    return (
        f'<div class="bsfw"><h2>办事服务</h2><p>{esc(site.name)}办事服务事项已统一进驻陕西政务服务网，'
        f'请点击下列分类办理。</p><ul class="grid">{links}</ul></div>'
    )


def interaction_page(site: Site, action: str = "/hdjl/submit") -> str:
    return (
        f'<div class="hdjl"><h2>互动交流</h2><p>欢迎您通过{esc(site.name)}信箱反映问题、提出建议。</p>'
        f'<form method="post" action="{action}"><p>姓名：<input name="name"></p>'
        f'<p>联系电话：<input name="tel"></p><p>标题：<input name="title"></p>'
        f'<p>内容：<textarea name="content"></textarea></p><input type="submit" value="提交"></form>'
        f"<p>留言须知：请文明用语，对涉及个人隐私的内容不予公开。</p></div>"
    )


def robots(disallow: list[str]) -> Response:
    lines = ["User-agent: *", *[f"Disallow: {p}" for p in disallow], ""]
    return 200, "text/plain", "\n".join(lines).encode()


def tree_html(
    site: Site, href: Callable[[Column], str], current: Column | None = None, cls: str = "tree"
) -> str:
    """The column tree as nested lists (parents link to their own page, which lists sub-columns)."""
    key = ("tree", cls, current.cid if current else None, len(site.columns()))
    return _memo(site, key, lambda: _tree_html(site, href, current, cls))


def _tree_html(site: Site, href: Callable[[Column], str], current: Column | None, cls: str) -> str:

    def node(col: Column) -> str:
        mark = ' class="on"' if col is current else ""
        sub = f"<ul>{''.join(node(c) for c in col.children)}</ul>" if col.children else ""
        return f'<li{mark}><a href="{esc(href(col))}">{esc(col.name)}</a>{sub}</li>'

    return f'<div class="{cls}"><ul>{"".join(node(c) for c in site.roots)}</ul></div>'


def crumbs(parts: list[tuple[str, str | None]]) -> str:
    out = [f'<a href="{esc(u)}">{esc(n)}</a>' if u else f"<span>{esc(n)}</span>" for n, u in parts]
    return '<div class="position">当前位置：' + " &gt; ".join(out) + "</div>"


def column_trail(col: Column, href: Callable[[Column], str]) -> list[tuple[str, str | None]]:
    trail = []
    c = col
    while c is not None:
        trail.insert(0, (c.name, href(c)))
        c = c.parent
    return trail
