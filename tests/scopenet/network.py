"""A loopback network whose pages try every way out of the configured scopes.

Two configured sites, both with scopes written WITHOUT a trailing slash:

* 河口县 on ``127.0.0.200:P``, scope ``http://127.0.0.200:P/county``. The same server also
  answers the sibling paths ``/countyx/…`` and ``/other/…`` (outside the scope) and logs them.
* 河口县临河镇 on ``127.0.0.202:P``, scope ``http://127.0.0.202:P`` (host only, no slash: a
  string-prefix test admits ``http://127.0.0.202:P@127.0.0.201:P/…``).

"Outside" servers log every request they get and answer tempting pages (rows, a pager):
``127.0.0.201:P`` (another host) and ``127.0.0.200:P2`` (the county's host, another port).

Ways out, on the county's pages: HTTP 301/302/303/307/308 and chains (in → in → out) for items,
a list page 2, an attachment and tree nodes; a retried page (503 first) that then redirects out;
``Refresh:`` header; meta refresh in ``<head>``, in ``<noscript>`` and written by
``document.write``; ``location.href``/``window.open``; ``<base href>`` outside; frames, iframes,
canonical/alternate links, forms, image maps; protocol-relative, odd-case, userinfo, dot-segment,
percent-encoded and backslash URLs; sibling paths; robots.txt ``Sitemap:`` lines.

``redirect_sources`` lists the in-scope URLs a patrol must report as ``offsite_redirect``.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from tests.loopback import Loopback, QuietHandler

IP_IN = "127.0.0.200"
IP_OUT = "127.0.0.201"
IP_TOWN = "127.0.0.202"

TITLES = [
    "关于做好春节期间安全生产工作的通知",
    "县人民政府关于印发河口县防汛抗旱应急预案的通知",
    "关于开展农村公路养护专项检查的通知",
    "河口县召开秸秆禁烧工作推进会",
    "关于公布县级行政许可事项清单的通知",
    "县政府常务会议研究部署冬季征兵工作",
    "关于做好义务教育均衡发展督导评估的通知",
    "河口县开展森林防火宣传月活动",
    "关于进一步加强食品药品安全监管的意见",
    "县政府召开招商引资工作调度会",
    "关于做好城乡环境综合整治工作的通知",
    "河口县举办新型职业农民培训班",
    "关于印发河口县扶贫开发工作要点的通知",
    "县领导检查春耕生产备耕情况",
    "关于开展安全生产大检查的通知",
    "河口县召开新型农村合作医疗工作会议",
    "关于公布2024年度县级财政预算的公告",
    "县政府与驻县企业座谈交流",
    "关于做好防汛物资储备工作的通知",
    "河口县开展消防安全进社区活动",
    "关于调整县城公交线路的公告",
    "河口县召开全县经济工作会议",
    "关于做好冬季供暖保障工作的通知",
    "县政府督查室通报重点工作进展",
    "关于开展全国第五次经济普查的通知",
]


@dataclass
class Page:
    status: int
    body: bytes
    headers: dict[str, str]


def esc(s: str) -> str:
    return html.escape(s, quote=True)


def _page(title: str, body: str, head: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        f"<title>{esc(title)}</title>\n{head}</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


class ScopeNetwork:
    def __init__(self) -> None:
        self.port = 0
        self.port2 = 0
        self.servers: Loopback | None = None
        self.requests: list[tuple[str, int, str, str]] = []  # (ip, port, method, raw path)
        self.hits: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self.pages: dict[tuple[str, str], Page] = {}
        self.redirect_sources: set[str] = set()
        self.expected_columns: dict[str, int] = {}

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> ScopeNetwork:
        # IP_IN, IP_OUT and IP_TOWN on one port; IP_IN once more on another port (outside)
        self.servers = Loopback([IP_IN, IP_OUT, IP_TOWN], _Handler, network=self, extra=[IP_IN]).bind()
        self.port, self.port2 = self.servers.port, self.servers.ports_extra[0]
        self._build()
        self.servers.serve()
        return self

    def stop(self) -> None:
        if self.servers is not None:
            self.servers.stop()
        self.servers = None

    # ------------------------------------------------------------------ addresses
    @property
    def county(self) -> str:
        return f"http://{IP_IN}:{self.port}/county/"

    @property
    def town(self) -> str:
        return f"http://{IP_TOWN}:{self.port}/"

    @property
    def out(self) -> str:
        return f"http://{IP_OUT}:{self.port}/"

    @property
    def out2(self) -> str:
        return f"http://{IP_IN}:{self.port2}/"

    def scopes(self) -> dict[str, list[str]]:
        return {"county": [self.county.rstrip("/")], "town": [self.town.rstrip("/")]}

    def write_config(self, path: str | Path) -> None:
        sc = self.scopes()
        conf = {
            "sites": [
                {
                    "id": "county",
                    "name": "河口县人民政府",
                    "tier": "county",
                    "url": self.county,
                    "scope": sc["county"],
                },
                {
                    "id": "town",
                    "name": "河口县临河镇人民政府",
                    "tier": "town",
                    "url": self.town,
                    "scope": sc["town"],
                },
            ],
            "crawl": {
                "delay_seconds": 0,
                "autothrottle": False,
                "concurrency_per_site": 4,
                "concurrency_per_host": 4,
                "retries": 2,
                "obey_robots": True,
            },
        }
        Path(path).write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # ------------------------------------------------------------------ request log
    def outside_requests(self) -> list[tuple[str, int, str, str]]:
        """Every request that reached an outside server or a path outside both scopes."""
        bad = []
        for ip, port, method, raw in self.requests:
            if (ip, port) in ((IP_IN, self.port), (IP_TOWN, self.port)):
                path = urlsplit(raw).path
                if path == "/robots.txt" or ip == IP_TOWN:
                    continue
                norm = posixpath.normpath(unquote(unquote(path)).replace("\\", "/"))
                if norm == "/county" or norm.startswith("/county/"):
                    continue
            bad.append((ip, port, method, raw))
        return bad

    # ------------------------------------------------------------------ pages
    def _put(self, host: str, path: str, body: str = "", status: int = 200, **headers: str) -> None:
        hdrs = {"Content-Type": "text/html; charset=utf-8", **headers}
        self.pages[(host, path)] = Page(status, body.encode("utf-8"), hdrs)

    def _redirect(self, host: str, path: str, status: int, target: str, source: bool = True) -> None:
        self._put(host, path, "<html><body>moved</body></html>", status, Location=target)
        if source:
            self.redirect_sources.add(f"http://{host}{path}")

    def _build(self) -> None:
        h = f"{IP_IN}:{self.port}"
        t = f"{IP_TOWN}:{self.port}"
        out, out2 = self.out, self.out2
        sneaky = (
            f"http://{IP_TOWN}:{self.port}@{IP_OUT}:{self.port}/"  # userinfo: the town's scope as a prefix
        )

        robots = (
            f"User-agent: *\nAllow: /\nSitemap: {out}sitemap.xml\nSitemap: //{IP_OUT}:{self.port}/s2.xml\n"
        )
        for host in (h, t):
            self._put(host, "/robots.txt", robots, **{"Content-Type": "text/plain"})

        nav = (
            '<div class="nav"><ul><li><a href="/county/">首页</a></li>'
            '<li><a href="/county/zwgk/">政务公开</a></li>'
            '<li><a href="/countyx/">县志办</a></li>'
            f'<li><a href="//{IP_OUT}:{self.port}/news/">新闻中心</a></li>'
            f'<li><a href="HTTP://{IP_OUT.upper()}:{self.port}/Bsfw/">办事服务</a></li>'
            f'<li><a href="{sneaky}zwgk/">临河镇</a></li>'
            f'<li><a href="{out2}county/hdjl/">互动交流</a></li></ul></div>'
        )
        home_head = (
            f'<link rel="canonical" href="{out}county/">\n'
            f'<link rel="alternate" media="only screen and (max-width: 640px)" href="{out}m/">\n'
            f'<link rel="alternate" type="application/rss+xml" href="{out}rss.xml">\n'
            f'<base target="_blank">\n'
        )
        home_rows = "".join(
            f'<li><a href="/county/zwgk/tzgg/202401/t202401{i + 1:02d}_{i + 1}.html">{esc(TITLES[i])}</a>'
            f'<span class="date">2024-01-{i + 1:02d}</span></li>'
            for i in range(5)
        )
        home = (
            f'<div class="header"><h1>河口县人民政府</h1><form action="{out}search" method="get">'
            '<input name="q"><input type="submit" value="搜索"></form></div>'
            f"{nav}"
            f'<div class="news"><h3>通知公告</h3><ul>{home_rows}</ul></div>'
            f'<iframe src="{out}weather.html" width="200" height="40"></iframe>'
            f'<img src="/county/images/map.png" usemap="#m"><map name="m">'
            f'<area shape="rect" coords="0,0,10,10" href="{out}map/"></map>'
            f'<a href="#" onclick="window.open(\'{out}popup/\')">网上调查</a>'
            f"<script>function go(){{location.href='{out}js/';}}</script>"
            '<div class="footer"><p>主办：河口县人民政府办公室</p></div>'
        )
        self._put(h, "/county/", _page("河口县人民政府", home, home_head))
        self._put(h, "/county/index.html", _page("河口县人民政府", home, home_head))

        # --- 政务公开: the column tree, with tree nodes that lead out
        tree = [
            ("通知公告", "/county/zwgk/tzgg/"),
            ("工作动态", "/county/zwgk/gzdt/"),
            ("人事信息", "/county/zwgk/rsxx/"),
            ("财政信息", "/county/zwgk/czxx/"),
            ("规划计划", "/county/zwgk/ghjh/"),
            ("政策解读", "/county/zwgk/zcjd/"),
            ("机构概况", "/county/zwgk/jggk/"),
            ("县志年鉴", "/countyx/zwgk/xzjd/"),
            ("市级公开", f"{out}zwgk/sjgk/"),
            ("镇级公开", f"{sneaky}zwgk/"),
            ("历史信息", "/county/zwgk/../../other/lsxx/"),
        ]
        left = "".join(f'<li><a href="{esc(u)}">{esc(n)}</a></li>' for n, u in tree)
        left_html = f'<div class="left"><h3>政务公开目录</h3><div class="gk-tree"><ul>{left}</ul></div></div>'
        entry = f"{nav}{left_html}<div class='right'><h2>政务公开</h2><p>请选择左侧栏目。</p></div>"
        self._put(h, "/county/zwgk/", _page("政务公开_河口县人民政府", entry))
        self._put(h, "/county/zwgk/index.html", _page("政务公开_河口县人民政府", entry))

        # tree nodes out: a 301, a meta refresh and a Refresh: header
        self._redirect(h, "/county/zwgk/rsxx/", 301, f"{out}county/zwgk/rsxx/")
        self._put(
            h,
            "/county/zwgk/czxx/",
            _page(
                "财政信息", "<p>页面已迁移</p>", f'<meta http-equiv="refresh" content="0;url={out}czxx/">\n'
            ),
        )
        self.redirect_sources.add(f"http://{h}/county/zwgk/czxx/")
        self._put(
            h, "/county/zwgk/ghjh/", _page("规划计划", "<p>页面已迁移</p>"), Refresh=f"0; url={out}ghjh/"
        )
        self.redirect_sources.add(f"http://{h}/county/zwgk/ghjh/")

        # --- 通知公告: two list pages; its items try every way out
        col = "/county/zwgk/tzgg/"
        items = [(i + 1, TITLES[i], dt.date(2024, 1, i + 1)) for i in range(25)]
        self._list(h, col, items[:20], left_html, nav, next_page="index_1.html")
        self._list(h, col + "index_1.html", items[20:], left_html, nav, column=col)
        self.expected_columns[f"http://{h}{col}"] = 25
        for n, title, day in items:
            path = f"{col}{day:%Y%m}/t{day:%Y%m%d}_{n}.html"
            self._detail(h, path, n, title, day, nav)

        # --- 工作动态: page 2 redirects to a tempting outside copy with its own pager
        col = "/county/zwgk/gzdt/"
        items = [(100 + i, TITLES[(i + 7) % len(TITLES)], dt.date(2023, 12, i + 1)) for i in range(20)]
        self._list(h, col, items, left_html, nav, next_page="index_1.html")
        self._redirect(h, col + "index_1.html", 302, f"{out}county/zwgk/gzdt/index_1.html")
        self.expected_columns[f"http://{h}{col}"] = 20
        for n, title, day in items:
            self._detail(h, f"{col}{day:%Y%m}/t{day:%Y%m%d}_{n}.html", 0, title, day, nav)

        # --- 政策解读: its list page says <base href> outside (every relative link leaves)
        col = "/county/zwgk/zcjd/"
        items = [(200 + i, TITLES[(i + 3) % len(TITLES)], dt.date(2023, 11, i + 1)) for i in range(6)]
        self._list(
            h, col, items, left_html, nav, next_page="index_1.html", head=f'<base href="{out}zcjd/">\n'
        )

        # --- 机构概况: its pager's next page is on the same host but outside every scope
        col = "/county/zwgk/jggk/"
        items = [(400 + i, TITLES[(i + 5) % len(TITLES)], dt.date(2023, 10, i + 1)) for i in range(5)]
        self._list(h, col, items, left_html, nav, next_page="/countyx/zwgk/jggk/index_1.html")
        self.expected_columns[f"http://{h}{col}"] = 5
        for n, title, day in items:
            self._detail(h, f"{col}{day:%Y%m}/t{day:%Y%m%d}_{n}.html", 0, title, day, nav)

        # --- the town: a small site; its scope is a host without a trailing slash
        tnav = (
            '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/xxgk/">信息公开</a></li>'
            f'<li><a href="{sneaky}bsfw/">办事服务</a></li></ul></div>'
        )
        self._put(t, "/", _page("河口县临河镇人民政府", f"<h1>河口县临河镇人民政府</h1>{tnav}"))
        tleft = (
            '<div class="left"><h3>信息公开目录</h3><div class="gk-tree"><ul>'
            '<li><a href="/xxgk/tzgg/">通知公告</a></li>'
            f'<li><a href="{sneaky}xxgk/gzdt/">工作动态</a></li></ul></div></div>'
        )
        self._put(t, "/xxgk/", _page("信息公开", f"{tnav}{tleft}<div class='right'><h2>信息公开</h2></div>"))
        items = [(300 + i, TITLES[(i + 11) % len(TITLES)], dt.date(2024, 2, i + 1)) for i in range(6)]
        self._list(t, "/xxgk/tzgg/", items, tleft, tnav)
        self.expected_columns[f"http://{t}/xxgk/tzgg/"] = 6
        for n, title, day in items:
            path = f"/xxgk/tzgg/{day:%Y%m}/t{day:%Y%m%d}_{n}.html"
            if n == 300:
                self._redirect(t, path, 301, f"{sneaky}xxgk/tzgg/moved.html")
            else:
                self._detail(t, path, 0, title, day, tnav)

    def _list(
        self,
        host: str,
        path: str,
        items: list[tuple[int, str, dt.date]],
        left: str,
        nav: str,
        next_page: str | None = None,
        column: str | None = None,
        head: str = "",
    ) -> None:
        folder = column or path
        rows = "".join(
            f'<li><a href="./{day:%Y%m}/t{day:%Y%m%d}_{n}.html" title="{esc(title)}" target="_blank">'
            f"{esc(title)}</a><span>{day:%Y-%m-%d}</span></li>"
            for n, title, day in items
        )
        pager = ""
        if next_page:
            pager = f'<div class="page"><span>首页</span> <a href="{next_page}">下一页</a> 共2页</div>'
        elif column:
            pager = (
                '<div class="page"><a href="index.html">首页</a> <a href="index.html">上一页</a> 共2页</div>'
            )
        body = f"{nav}{left}<div class='right'><div class='list'><ul>{rows}</ul></div>{pager}</div>"
        page = _page("栏目列表", body, head)
        self._put(host, path, page)
        if path == folder:
            self._put(host, path + "index.html", page)

    def _detail(self, host: str, path: str, n: int, title: str, day: dt.date, nav: str) -> None:
        """A detail page; ``n`` picks the way out it tries (0: none)."""
        out, folder = self.out, path.rsplit("/", 1)[0] + "/"
        me = f"http://{host}{path}"
        sneaky = f"http://{IP_TOWN}:{self.port}@{IP_OUT}:{self.port}/"
        head, extra, headers = "", "", {}
        att = [f"{folder}P0{day:%Y%m%d}{n:03d}1.pdf"]
        if n == 1:
            return self._redirect(host, path, 301, f"{out}art/1.html")
        if n == 2:  # chain: in → in → out; the last in-scope page is the one that leads out
            moved = f"{folder}moved_{n}.html"
            self._redirect(host, path, 302, moved, source=False)
            return self._redirect(host, moved, 307, f"{out}art/2.html")
        if n == 3:
            return self._redirect(host, path, 303, f"//{IP_OUT}:{self.port}/art/3.html")
        if n == 4:
            return self._redirect(host, path, 308, f"HTTP://{IP_OUT}:{self.port}/ART/4.html")
        if n == 5:
            head = f'<meta http-equiv="refresh" content="0; url={out}art/5.html">\n'
            self.redirect_sources.add(me)
        if n == 6:
            extra = f'<noscript><meta http-equiv="refresh" content="0;url={out}art/6.html"></noscript>'
        if n == 7:
            extra = f'<script>document.write(\'<meta http-equiv="refresh" content="0;url={out}art/7.html">\');</script>'
            self.redirect_sources.add(me)
        if n == 8:
            headers["Refresh"] = f"0;URL='{out}art/8.html'"
            self.redirect_sources.add(me)
        if n == 9:
            extra = (
                f"<script>if(top!=self){{location.href='{out}art/9.html';}}"
                f"function share(){{window.open('{out}share?u=9');}}</script>"
            )
        if n == 10:  # every relative link of this page resolves outside
            head = f'<base href="{out}base/">\n'
            att = ["P0base.pdf"]
        if n == 11:
            extra = (
                f'<iframe src="{out}frame/11.html"></iframe><frameset><frame src="{out}frame/11b.html"></frameset>'
                f'<p><img src="//{IP_OUT}:{self.port}/img/11.png"></p>'
            )
        if n == 12:  # an attachment that redirects out
            self._redirect(host, att[0], 302, f"{out}files/12.pdf")
        if n == 13:
            att = [
                f"{sneaky}files/13.pdf",
                f"HTTP://{IP_OUT}:{self.port}/FILES/13.PDF",
                f"//{IP_OUT}:{self.port}/f.doc",
            ]
        if n == 14:
            att = [
                "/countyx/files/14.pdf",
                "/county/../countyx/files/14b.pdf",
                "/county/%2e%2e/countyx/files/14c.pdf",
                "/county\\..\\countyx\\files\\14d.pdf",
                f"http://{IP_IN}:{self.port2}/county/files/14e.pdf",
            ]
        if n == 15:
            extra = (
                f'<form action="{out}form/15" method="post"><input name="a"></form>'
                f'<img src="/county/images/m.png" usemap="#m"><map name="m"><area href="{out}area/15"></map>'
            )
            head = f'<link rel="canonical" href="{out}art/15.html">\n<link rel="alternate" href="{out}m/15.html">\n'
        if n == 16:  # a page that fails once, then (retried) redirects out
            self.pages[(host, path)] = Page(
                503, b"busy", {"Content-Type": "text/html", "X-Then": f"{out}art/16.html"}
            )
            self.redirect_sources.add(me)
            return None
        links = "".join(
            f'<p><a href="{esc(a)}">附件{k + 1}：{esc(title)}.pdf</a></p>' for k, a in enumerate(att)
        )
        body = (
            f'{nav}<div class="detail"><h1 class="title">{esc(title)}</h1>'
            f'<div class="info">发布时间：{day:%Y-%m-%d} 10:00　来源：河口县人民政府办公室</div>'
            f'<div class="TRS_Editor"><p>　　{esc(title)}，现将有关事项通知如下。</p>{extra}</div>'
            f'<div class="attachments"><p>附件：</p>{links}</div></div>'
        )
        self.pages[(host, path)] = Page(
            200,
            _page(title, body, head).encode("utf-8"),
            {"Content-Type": "text/html; charset=utf-8", **headers},
        )
        for a in att:
            if a.startswith("/county/") and (host, a) not in self.pages and ".." not in a and "%" not in a:
                self.pages[(host, a)] = Page(200, b"%PDF-1.4\n%%EOF\n", {"Content-Type": "application/pdf"})
        return None

    # ------------------------------------------------------------------ HTTP
    def respond(self, ip: str, port: int, method: str, raw: str) -> Page:
        with self._lock:
            self.requests.append((ip, port, method, raw))
            self.hits[f"{ip}:{port}{raw}"] += 1
            hits = self.hits[f"{ip}:{port}{raw}"]
        inside = (ip == IP_IN and port == self.port) or ip == IP_TOWN
        if not inside:  # an outside server: a tempting list page with rows and a pager
            rows = "".join(
                f'<li><a href="/out/{k}.html">外部信息{k}</a><span>2024-01-{k:02d}</span></li>'
                for k in range(1, 21)
            )
            body = f"<div class='list'><ul>{rows}</ul></div><div class='page'><a href='index_2.html'>下一页</a></div>"
            return Page(
                200, _page("外部网站", body).encode("utf-8"), {"Content-Type": "text/html; charset=utf-8"}
            )
        host = f"{ip}:{port}"
        page = self.pages.get((host, urlsplit(raw).path))
        if page is None:
            return Page(404, b"<html><body>404 Not Found</body></html>", {"Content-Type": "text/html"})
        if page.status == 503 and hits > 1:
            return Page(302, b"moved", {"Location": page.headers["X-Then"]})
        return page


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        ip, port = self.server.server_address[:2]
        page = self.server.network.respond(ip, port, self.command, self.path)  # type: ignore[attr-defined]
        self.send_response(page.status)
        for k, v in page.headers.items():
            if k != "X-Then":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(page.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(page.body)

    do_GET = do_POST = do_HEAD = _serve
