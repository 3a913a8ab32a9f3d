"""A loopback network whose sites need discovery to fall back and pagination to know its total.

Four sites on 127.0.0.200-203 (one port) and an outside host 127.0.0.209 that nobody may ask
for anything (every request it receives is logged in ``outside_requests``):

=========  ======  ==========================================================================
site       ip      what it exercises
=========  ======  ==========================================================================
``stub``   .200    政务公开 -> /zwgk/, a stub page whose script writes a meta refresh to /gk/,
                   a stub whose ``location.replace`` leads to the real tree /xxgk/; a TRS column ``createPageHTML(5, …)`` whose index_3.html
                   is missing (404); an ASP column with 下一页/尾页 and 共6页 whose page 3
                   answers 500 and page 4 is a soft 404 (页面不存在); a one-page column
``notree`` .201    信息公开 -> an entry page without a column tree: the columns are the
                   homepage's menu and, only on the list pages, a menu written by
                   ``document.write`` (政策解读 is linked nowhere else)
``away``   .202    信息公开 leaves the scope (-> .209): no disclosure entry; its homepage menus
                   in scope are counted (the homepage itself, with dated news, is no column);
                   a 便民服务 stub leads out of scope by ``location.href``
``walls``  .203    公开目录 -> a tree: a TRS column whose index_1.html answers 403, a column
                   whose page is an anti-bot JS challenge, a column whose rows are drawn by a
                   script (a shell), a column whose pager says 共3页 but has no address for
                   page 2
``custom`` .204    read right only with the per-site overrides (``overrides()``): the entry is
                   an image link without text, the entry's column menu shows an update date
                   beside each column (so it looks like dated rows), and each list row's date
                   is split over two spans while the detail pages carry no date
``leap``   .205    政府信息公开 -> /xxgk/, a stub whose ``location.href`` leaves the scope: no
                   disclosure entry, offsite_redirect; the homepage menu's column is counted
=========  ======  ==========================================================================

``truth()`` gives the counts contract for every column (all rows dated in 2012); ``findings()``
the site findings the patrol must record as ``(site, kind, url, code)``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.loopback import Loopback, QuietHandler

IPS = {
    "stub": "127.0.0.200",
    "notree": "127.0.0.201",
    "away": "127.0.0.202",
    "walls": "127.0.0.203",
    "custom": "127.0.0.204",
    "leap": "127.0.0.205",
}
OUTSIDE = "127.0.0.209"
NAMES = {
    "stub": "白沙县人民政府",
    "notree": "白沙县水利局",
    "away": "白沙县红石镇人民政府",
    "walls": "白沙县财政局",
    "custom": "白沙县林业局",
    "leap": "白沙县青龙乡人民政府",
}
TIERS = {
    "stub": "county",
    "notree": "department",
    "away": "town",
    "walls": "department",
    "custom": "department",
    "leap": "town",
}
HTML = {"Content-Type": "text/html; charset=utf-8"}
NOT_FOUND = (404, HTML, "<html><body><h1>404 Not Found</h1></body></html>")
SOFT_404 = (
    "<html><head><title>页面不存在</title></head><body><div class='err'>"
    "<p>对不起，您访问的页面不存在或已被删除！</p><a href='/'>返回首页</a></div></body></html>"
)
CHALLENGE = (
    '<html><head><script>document.cookie="__jsl_clearance=1354611120.82|0|x8Tf%3D;max-age=3600;'
    'path=/";location.href=location.pathname+location.search</script></head><body></body></html>'
)
TOPICS = [
    "召开防汛工作会议",
    "开展安全生产检查",
    "公布专项资金分配结果",
    "部署秋冬季森林防火",
    "推进重点项目建设",
]


@dataclass
class Col:
    site: str
    name: str
    url: str  # the column URL (the contract's form)
    link: str = ""  # how the tree links it (its first list page)
    items: list[tuple[str, str, dt.date]] = field(default_factory=list)  # (url, title, date), page order
    counted: list[int] = field(default_factory=list)  # indexes of the items on pages that exist


class FallbackNetwork:
    def __init__(self) -> None:
        self.port = 0
        self.pages: dict[tuple[str, str], tuple[int, dict, str]] = {}
        self.outside_requests: list[str] = []
        self.cols: list[Col] = []
        self._seq = 5000
        self._servers: Loopback | None = None
        self.slow: dict[tuple[str, str], float] = {}  # (ip, path) -> seconds to wait before answering

    # ------------------------------------------------------------------ building
    def base(self, site: str) -> str:
        return f"http://{IPS[site]}:{self.port}"

    def _put(self, site: str, path: str, body: str, status: int = 200) -> None:
        self.pages[(IPS[site], path)] = (status, HTML, body)

    def _items(self, site: str, n: int, make_url) -> list[tuple[str, str, dt.date]]:
        out = []
        day = dt.date(2012, 12, 20)
        for k in range(n):
            self._seq += 1
            day -= dt.timedelta(days=1 + k % 3)
            title = f"{NAMES[site]}{TOPICS[self._seq % len(TOPICS)]}（第{self._seq}号）"
            out.append((make_url(self._seq, day), title, day))
        return out

    def _details(self, site: str, items) -> None:
        for url, title, day in items:
            path = url.split(f":{self.port}", 1)[1]
            self._put(
                site,
                path,
                f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                f"<div class='info'>发布日期：{day:%Y-%m-%d}</div><div class='content'><p>{title}。"
                "为做好相关工作，现将有关事项通知如下。</p></div></body></html>",
            )

    def _frame(self, site: str, title: str, body: str, menu: str = "") -> str:
        return (
            f"<html><head><title>{title} - {NAMES[site]}</title></head><body>"
            f"<div class='top'><a href='/'>首页</a></div>{menu}"
            f"<div class='position'>当前位置：<a href='/'>首页</a> &gt; {title}</div>{body}"
            f"<div class='footer'>主办：{NAMES[site]}</div></body></html>"
        )

    @staticmethod
    def _li(items) -> str:
        return "".join(
            f"<li><a href='{u}' title='{t}'>{t}</a><span class='date'>{d:%Y-%m-%d}</span></li>"
            for u, t, d in items
        )

    def _trs_column(self, site, name, folder, per, total, missing=(), refused=(), menu="") -> Col:
        """A TRS column under /{folder}/: index.html, index_1.html … (``createPageHTML``)."""
        base = self.base(site)
        col = Col(site, name, f"{base}/{folder}/", f"{base}/{folder}/index.html")
        col.items = self._items(site, total, lambda k, d: f"{base}/{folder}/{d:%Y%m}/t{d:%Y%m%d}_{k}.html")
        count = -(-total // per)
        for p in range(count):
            chunk = col.items[p * per : (p + 1) * per]
            path = f"/{folder}/index.html" if p == 0 else f"/{folder}/index_{p}.html"
            if p in missing:
                continue  # not served: 404
            if p in refused:
                self._put(site, path, "<html><body><h1>403 Forbidden</h1></body></html>", status=403)
                continue
            col.counted += range(p * per, p * per + len(chunk))
            pager = f'<div class="page"><script>createPageHTML({count}, {p}, "index", "html");</script></div>'
            self._put(
                site,
                path,
                self._frame(site, name, f"<div class='list'><ul>{self._li(chunk)}</ul></div>{pager}", menu),
            )
        self._details(site, col.items)
        return col

    def _asp_column(self, site, name, classid, per, records, failing=None, soft=()) -> Col:
        """An ASP column list.asp?classid=N&page=P with 共N页 and 下一页/尾页 links."""
        base = self.base(site)
        col = Col(site, name, f"{base}/list.asp?classid={classid}", f"{base}/list.asp?classid={classid}")
        col.items = self._items(site, records, lambda k, d: f"{base}/show.asp?id={k}")
        pages = -(-records // per)
        failing = failing or {}
        for p in range(1, pages + 1):
            chunk = col.items[(p - 1) * per : p * per]
            path = f"/list.asp?classid={classid}" + ("" if p == 1 else f"&page={p}")
            if p in failing:
                self._put(site, path, "<html><body>Internal Server Error</body></html>", status=failing[p])
                continue
            if p in soft:
                self._put(site, path, SOFT_404)
                continue
            col.counted += range((p - 1) * per, (p - 1) * per + len(chunk))
            link = f"list.asp?classid={classid}&page="
            pg = f"共{records}条 共{pages}页 当前第{p}页 <a href='{link}1'>首页</a> "
            if p > 1:
                pg += f"<a href='{link}{p - 1}'>上一页</a> "
            if p < pages:
                pg += f"<a href='{link}{p + 1}'>下一页</a> <a href='{link}{pages}'>尾页</a>"
            rows = "".join(
                f"<tr><td><a href='show.asp?id={u.rsplit('=', 1)[1]}'>{t}</a></td><td>{d:%Y-%m-%d}</td></tr>"
                for u, t, d in chunk
            )
            self._put(
                site,
                path,
                self._frame(site, name, f"<table class='list'>{rows}</table><div class='pages'>{pg}</div>"),
            )
        self._details(site, col.items)
        return col

    def _home(self, site: str, nav: str, news_items) -> None:
        news = self._li(news_items[:6])
        self._put(
            site,
            "/",
            f"<html><head><title>{NAMES[site]}</title></head><body><div class='nav'>{nav}</div>"
            f"<div class='news'><h3>最新动态</h3><ul>{news}</ul></div>"
            f"<div class='footer'>主办：{NAMES[site]}</div></body></html>",
        )

    def build(self) -> None:
        self.pages.clear()
        self.cols = []
        # ---- stub: 政务公开 is a redirect stub written by script
        s = "stub"
        self._put(
            s,
            "/zwgk/",
            '<html><head><script>document.write(\'<meta http-equiv="refresh" content="0;url=/gk/">\');'
            "</script></head><body></body></html>",
        )
        self._put(
            s,
            "/gk/",
            "<html><body><script>location.replace('/xxgk/index.html')</script>请稍候…</body></html>",
        )
        trs = self._trs_column(s, "通知公告", "xxgk/tzgg", 15, 75, missing={3})
        asp = self._asp_column(s, "政策文件", 2, 12, 65, failing={3: 500}, soft={4})
        one = self._trs_column(s, "工作动态", "xxgk/gzdt", 15, 9)
        tree = "".join(f"<li><a href='{c.link}'>{c.name}</a></li>" for c in (trs, asp, one))
        self._put(
            s, "/xxgk/index.html", self._frame(s, "政府信息公开", f"<div class='tree'><ul>{tree}</ul></div>")
        )
        self._home(
            s, "<a href='/'>首页</a><a href='/zwgk/'>政务公开</a><a href='/hdjl/'>互动交流</a>", one.items
        )
        self.cols += [trs, asp, one]

        # ---- notree: the entry has no tree; homepage menus + document.write menus on list pages
        s = "notree"
        b = self.base(s)
        menu = (
            "<div class='left'><script type='text/javascript'>"
            'document.write(\'<ul class="leftmenu"><li><a href="/tzgg/index.html">通知公告</a></li>\');'
            "document.write('<li><a href=\"/bmdt/index.html\">部门动态</a></li>'+"
            "'<li><a href=\"/zcjd/index.html\">政策解读</a></li></ul>');</script></div>"
        )
        cols = [
            self._trs_column(s, "通知公告", "tzgg", 10, 17, menu=menu),
            self._trs_column(s, "部门动态", "bmdt", 10, 8, menu=menu),
            self._trs_column(s, "政策解读", "zcjd", 10, 7, menu=menu),
        ]
        self._put(
            s,
            "/gk/index.html",
            self._frame(
                s, "信息公开", "<div class='main'><h2>信息公开</h2><p>本站信息公开内容正在整理中。</p></div>"
            ),
        )
        self._home(
            s,
            f"<a href='/'>首页</a><a href='{b}/gk/index.html'>信息公开</a>"
            "<a href='/tzgg/index.html'>通知公告</a><a href='/bmdt/index.html'>部门动态</a>",
            cols[0].items,
        )
        self.cols += cols

        # ---- away: the 信息公开 link leaves the scope
        s = "away"
        cols = [
            self._trs_column(s, "镇务动态", "zwdt", 12, 20),
            self._trs_column(s, "通知公告", "tzgg", 12, 6),
        ]
        self._put(
            s,
            "/bmfw/index.html",
            f"<html><body><script>location.href='http://{OUTSIDE}:{self.port}/bmfw/';</script>正在跳转…</body></html>",
        )
        self._home(
            s,
            f"<a href='/'>首页</a><a href='http://{OUTSIDE}:{self.port}/xxgk/'>信息公开</a>"
            "<a href='/zwdt/index.html'>镇务动态</a><a href='/tzgg/index.html'>通知公告</a>"
            "<a href='/bmfw/index.html'>便民服务</a>",
            cols[0].items,
        )
        self.cols += cols

        # ---- walls: refused, challenged, script-drawn and unfollowable pages
        s = "walls"
        b = self.base(s)
        tzgg = self._trs_column(s, "通知公告", "gkml/tzgg", 10, 26, refused={1})
        rsxx = Col(s, "人事信息", f"{b}/gkml/rsxx/")
        self._put(s, "/gkml/rsxx/index.html", CHALLENGE)
        czxx = Col(s, "财政信息", f"{b}/gkml/czxx/")
        self._put(
            s,
            "/gkml/czxx/index.html",
            self._frame(s, "财政信息", "<div id='list'></div><script src='/js/list.js'></script>"),
        )
        ghjh = Col(s, "规划计划", f"{b}/gkml/ghjh/")
        ghjh.items = self._items(s, 10, lambda k, d: f"{b}/gkml/ghjh/{d:%Y%m}/t{d:%Y%m%d}_{k}.html")
        ghjh.counted = list(range(10))
        pg = "<div class='pager'>共30条 共3页 <a href='javascript:void(0)' onclick='turn(1)'>下一页</a></div>"
        self._put(
            s,
            "/gkml/ghjh/index.html",
            self._frame(s, "规划计划", f"<ul class='list'>{self._li(ghjh.items)}</ul>{pg}"),
        )
        self._details(s, ghjh.items)
        tree = "".join(f"<li><a href='{c.url}index.html'>{c.name}</a></li>" for c in (tzgg, rsxx, czxx, ghjh))
        self._put(
            s, "/gkml/index.html", self._frame(s, "信息公开目录", f"<div class='tree'><ul>{tree}</ul></div>")
        )
        self._home(s, "<a href='/'>首页</a><a href='/gkml/index.html'>公开目录</a>", tzgg.items)
        self.cols += [tzgg, ghjh]  # the challenged and the script-drawn column count nothing

        # ---- leap: the entry is a stub that leaves the scope; the homepage menu stays
        s = "leap"
        col = self._trs_column(s, "乡务公开", "xwgk", 10, 13)
        self._put(
            s,
            "/xxgk/",
            f"<html><body><script>window.location.href='http://{OUTSIDE}:{self.port}/qlx/xxgk/';"
            "</script></body></html>",
        )
        self._home(
            s,
            "<a href='/'>首页</a><a href='/xxgk/'>政府信息公开</a><a href='/xwgk/index.html'>乡务公开</a>",
            col.items,
        )
        self.cols.append(col)

        # ---- custom: only the override keys make it readable
        s = "custom"
        b = self.base(s)
        menu = ""
        for folder, name, n in (("lyfz", "林业发展", 14), ("slfh", "森林防火", 9)):
            col = Col(s, name, f"{b}/gk/{folder}/", f"{b}/gk/{folder}/index.html")
            col.items = self._items(s, n, lambda k, d, f=folder: f"{b}/gk/{f}/{d:%Y%m}/{k}.html")
            col.counted = list(range(n))
            rows = "".join(
                f"<div class='news-item'><a class='title' href='{u}'>{t}</a>"
                f"<em class='time'><span>{d:%Y}-</span><span>{d:%m-%d}</span></em></div>"
                for u, t, d in col.items
            )
            self._put(s, f"/gk/{folder}/index.html", self._frame(s, name, f"<div class='items'>{rows}</div>"))
            for u, t, _d in col.items:
                self._put(
                    s, u.split(f":{self.port}", 1)[1], f"<html><body><h1>{t}</h1><p>{t}。</p></body></html>"
                )
            menu += f"<li><a href='{col.link}'>{name}</a> <i>更新于 {col.items[0][2]:%Y-%m-%d}</i></li>"
            self.cols.append(col)
        self._put(s, "/gk/index.html", self._frame(s, "公开", f"<ul class='gk-menu'>{menu}</ul>"))
        self._put(
            s,
            "/",
            f"<html><head><title>{NAMES[s]}</title></head><body><div class='banner'>"
            "<a href='/gk/index.html'><img src='/img/gk.png'></a></div></body></html>",
        )

    def overrides(self) -> dict[str, dict]:
        """The per-site overrides that make ``custom`` readable (the README's worked example)."""
        return {
            "custom": {
                "entry": f"{self.base('custom')}/gk/index.html",
                "columns": "ul.gk-menu",
                "row": "div.news-item",
                "link": "a.title",
                "date": "em.time",
            }
        }

    # ------------------------------------------------------------------ truth
    def truth(self) -> dict[str, dict[str, tuple[int, int, str | None]]]:
        """{site: {column URL: (items, items_total, last_published)}} for 2012 (every row is 2012)."""
        out: dict[str, dict] = {s: {} for s in IPS}
        for c in self.cols:
            seen = [c.items[i] for i in c.counted]
            newest = max((d for _, _, d in seen), default=None)
            out[c.site][c.url] = (len(seen), len(seen), newest.isoformat() if newest else None)
        return out

    def findings(self) -> set[tuple[str, str, str, str]]:
        """(site, kind, url, code) of every site finding the patrol must record (code '' for dead_link)."""
        st, nt, aw, wl, lp = (self.base(s) for s in ("stub", "notree", "away", "walls", "leap"))
        out = {
            ("stub", "dead_link", f"{st}/xxgk/tzgg/index_3.html", ""),
            ("stub", "dead_link", f"{st}/list.asp?classid=2&page=3", ""),
            ("stub", "dead_link", f"{st}/list.asp?classid=2&page=4", ""),
            ("notree", "unreadable", f"{nt}/gk/index.html", "entry_without_tree"),
            ("away", "no_disclosure_entry", f"{aw}/", "entry_out_of_scope"),
            ("away", "offsite_redirect", f"{aw}/bmfw/index.html", ""),
            ("walls", "unreadable", f"{wl}/gkml/tzgg/index_1.html", "refused"),
            ("walls", "unreadable", f"{wl}/gkml/rsxx/index.html", "challenge"),
            ("walls", "unreadable", f"{wl}/gkml/czxx/index.html", "rows_not_found"),
            ("walls", "unreadable", f"{wl}/gkml/ghjh/index.html", "pager_unfollowed"),
            ("leap", "no_disclosure_entry", f"{lp}/", "entry_out_of_scope"),
            ("leap", "offsite_redirect", f"{lp}/xxgk/", ""),
        }
        return out

    # ------------------------------------------------------------------ serving
    def start(self) -> FallbackNetwork:
        self._servers = Loopback([*IPS.values(), OUTSIDE], self._handler(), reuse_address=False).bind()
        self.port = self._servers.port
        self.build()
        self._servers.serve()
        return self

    def stop(self) -> None:
        if self._servers is not None:
            self._servers.stop()
        self._servers = None

    def _handler(self):
        net = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                ip = self.connection.getsockname()[0]
                if ip == OUTSIDE:
                    net.outside_requests.append(self.path)
                status, headers, body = net.pages.get((ip, self.path), NOT_FOUND)
                if (ip, self.path) in net.slow:
                    time.sleep(net.slow[(ip, self.path)])  # longer than the patrol waits: a timeout
                data = body.encode("utf-8")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def write_config(self, path: Path, crawl: dict | None = None, overrides: bool = True) -> Path:
        conf = {
            "sites": [
                {
                    "id": s,
                    "name": NAMES[s],
                    "tier": TIERS[s],
                    "url": f"{self.base(s)}/",
                    "scope": [f"{self.base(s)}/"],
                    **({"overrides": self.overrides()[s]} if overrides and s in self.overrides() else {}),
                }
                for s in IPS
            ],
            "crawl": {
                "delay_seconds": 0,
                "autothrottle": False,
                "concurrency_per_site": 4,
                "concurrency_per_host": 4,
                "retries": 0,
                **(crawl or {}),
            },
        }
        path.write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path
