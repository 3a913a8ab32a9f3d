"""An UNSEEN county portal network, built independently of ``demo/`` to catch overfitting.

云台县: a county portal (TRS-like, hosts two departments and one town under its path, 集约化),
two departments on their own hosts (Hanweb jpage; an old GBK ASP site), two towns on their own
hosts (a JSP ``?pageNo=`` site with ``<dl>`` lists; a second Hanweb flavour with table records).
Everything is generated from a fixed seed; :meth:`OtherNetwork.truth` gives the counts JSON the
product must report (contract in ARCHITECTURE.md), computed from the generator's own model, not
by parsing the pages.

Hosts (one port for all):
  127.0.0.41  county 云台县人民政府 (TRS li rows)  + /bmzz/jtj/ (TRS tr rows, var-style pager)
              + /bmzz/sfj/ (EmpireCMS index_2 numbering) + /xzjd/tyz/ (TRS div rows, .htm pages)
  127.0.0.44  教育局 (Hanweb jpage, dataproxy.jsp, records repeat across groups)
  127.0.0.45  林业局 (ASP, gb2312 meta only, gb18030 bytes, 镕 喆 in titles)
  127.0.0.46  青石镇 (JSP list.jsp?catid=N&pageNo=K, <dl><dt><dd> rows)
  127.0.0.47  柳林镇 (Hanweb, <table> records, perPage 20, groupSize 1)
  127.0.0.50  市政府 (NOT configured: target of 转载 links; must never be requested)
"""

from __future__ import annotations

import datetime as dt
import html
import io
import posixpath
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import yaml

from tests.loopback import Loopback, QuietHandler

SEED = 7_140_412
ALL_FROM, ALL_TO = "2010-01-01", "2014-12-31"
COUNTY_IP, JYJ_IP, LYJ_IP, QSZ_IP, LLZ_IP, CITY_IP = (
    "127.0.0.41",
    "127.0.0.44",
    "127.0.0.45",
    "127.0.0.46",
    "127.0.0.47",
    "127.0.0.50",
)
ALL_IPS = (COUNTY_IP, JYJ_IP, LYJ_IP, QSZ_IP, LLZ_IP, CITY_IP)

RULES = Path(__file__).resolve().parents[2] / "config" / "rules.yaml"

TOPICS = [
    "安全生产",
    "森林防火",
    "防汛抗旱",
    "农村公路养护",
    "义务教育均衡",
    "扶贫开发",
    "环境卫生整治",
    "民生工程",
    "法治宣传",
    "春季植树造林",
    "食品安全",
    "信访维稳",
    "招商引资",
    "美丽乡村建设",
    "新农合",
    "退耕还林",
    "道路交通安全",
    "消防安全",
    "人口普查",
    "党风廉政建设",
    "秋冬季农业生产",
    "农村危房改造",
    "林权制度改革",
    "校园安全",
    "重大项目建设",
]
PEOPLE = ["张建国", "李红梅", "王志强", "刘海涛", "陈晓东", "杨秀英", "赵卫东", "黄立新", "周文斌", "吴春燕"]
GBK_PEOPLE = ["王镕", "李喆", "陈镕基", "周喆", "刘镕"]  # characters outside GB2312

TITLES = {
    "news": [
        "{org}召开{t}工作会议",
        "{org}扎实推进{t}工作",
        "{p}带队检查{t}工作",
        "{org}部署{t}工作",
        "{t}工作取得阶段性成效",
        "{org}开展{t}专项行动",
        "市督查组来我{unit}检查{t}工作",
    ],
    "notice": ["关于做好{t}工作的通知", "关于开展{t}专项检查的公告", "{t}项目公示", "关于{t}有关事项的通知"],
    "doc": [
        "关于印发{org}{t}实施方案的通知",
        "关于加强{t}工作的意见",
        "{org}{t}管理办法",
        "关于进一步做好{t}工作的决定",
    ],
    "personnel": [
        "关于{p}等同志职务任免的通知",
        "{org}公开招聘工作人员公告",
        "关于{p}同志试用期满考核情况的公示",
    ],
    "plan": ["{org}{y}年{t}工作计划", "{org}{y}年上半年工作总结", "{org}“十二五”{t}专项规划"],
    "finance": ["{org}{y}年部门预算公开说明", "{org}{y}年财政决算报告", "{org}{y}年“三公”经费预算情况"],
    "permit": [
        "{org}行政许可事项办理结果公示（第{n}期）",
        "关于{t}行政许可的决定",
        "行政处罚决定书（{org}罚字〔{y}〕{n}号）",
    ],
    "stat": ["{y}年{n}月主要经济指标", "{y}年第{q}季度{t}统计分析"],
    "about": ["{org}主要职责", "{org}内设机构", "{org}领导分工", "{org}联系方式"],
    "buy": ["{org}{t}设备采购项目中标公告", "{org}{t}项目竞争性谈判公告"],
}


def fmt_date(d: dt.date, style: str) -> str:
    return {
        "iso": f"{d:%Y-%m-%d}",
        "brk": f"[{d:%Y-%m-%d}]",
        "slash": f"{d:%Y/%m/%d}",
        "dot": f"{d:%Y.%m.%d}",
        "cn": f"{d.year}年{d.month:02d}月{d.day:02d}日",
        "cn_np": f"{d.year}年{d.month}月{d.day}日",
        "np": f"{d.year}-{d.month}-{d.day}",
        "brkdot": f"[{d:%Y.%m.%d}]",
        "mmdd": f"{d:%m-%d}",
        "mmdd_brk": f"[{d:%m-%d}]",
    }[style]


def esc(s: str) -> str:
    return html.escape(s, quote=True)


@dataclass(eq=False)
class Item:
    url: str  # path?query on the site's host, or an absolute URL for external items
    title: str
    date: dt.date  # what the list row shows (when it shows a full date) and normally the detail's date
    row: str = "full"  # full | mmdd | none  (what the list row shows)
    kind: str = "page"  # page | dead | soft404 | external | file
    detail: str = "meta_label"  # meta_label | label | label_time | meta | table
    detail_date: dt.date | None = None  # the detail page's own date when it differs from the row date
    pinned: bool = False
    attachments: list = field(default_factory=list)
    body_extra: str = ""

    def publish(self) -> dt.date | None:
        """The contract's publish date: the row's full date, else the detail page's date."""
        if self.row == "full":
            return self.date
        if self.kind in ("dead", "soft404", "external", "file"):
            return None
        return self.detail_date or self.date

    def page_date(self) -> dt.date:
        return self.detail_date or self.date


@dataclass(eq=False)
class Column:
    name: str
    path: str  # first list page as linked in menus (path?query on the site's host)
    items: list = field(default_factory=list)
    children: list = field(default_factory=list)
    style: dict = field(default_factory=dict)
    cid: int = 0  # Hanweb column id / ASP class id / JSP catid

    @property
    def is_parent(self) -> bool:
        return bool(self.children)


@dataclass(eq=False)
class Site:
    id: str
    name: str
    tier: str
    ip: str
    base: str  # URL path prefix of the site on its host
    family: str
    entry_name: str
    entry_path: str
    home_path: str
    columns: list = field(default_factory=list)  # top-level tree
    unit: str = "县"

    def leaves(self):
        for c in self.columns:
            if c.is_parent:
                yield from c.children
            else:
                yield c

    def all_columns(self):
        for c in self.columns:
            yield c
            yield from c.children


def normalise_column_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path
    for tail in ("index.html", "index.htm", "default.html", "default.htm", "default.aspx", "default.asp"):
        if path.endswith("/" + tail):
            path = path[: -len(tail)]
            break
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in ("page", "pageno", "pagenum", "pageindex", "p")
    ]
    q = "&".join(f"{k}={v}" for k, v in query)
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{q}" if q else "")


def load_categories() -> list[tuple[str, list[str]]]:
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [(c["key"], c["patterns"]) for c in rules["counting"]["categories"]]


def category_of(name: str, cats) -> str:
    import re

    for key, pats in cats:
        if any(re.search(p, name) for p in pats):
            return key
    return cats[-1][0]


# ---------------------------------------------------------------------------------------------
# generation


class Gen:
    def __init__(self, seed: int = SEED):
        self.r = random.Random(seed)
        self.next_id = 3100

    def nid(self) -> int:
        self.next_id += self.r.randint(1, 9)
        return self.next_id

    def date(self, y0=2010, y1=2014) -> dt.date:
        a, b = dt.date(y0, 1, 1), dt.date(y1, 12, 31)
        return a + dt.timedelta(days=self.r.randint(0, (b - a).days))

    def title(self, kind: str, org: str, unit: str, d: dt.date) -> str:
        t = self.r.choice(TITLES[kind])
        return t.format(
            org=org,
            t=self.r.choice(TOPICS),
            p=self.r.choice(PEOPLE),
            y=d.year,
            unit=unit,
            n=self.r.randint(1, 12),
            q=self.r.randint(1, 4),
        )


def _dates_sorted(items):
    return sorted(items, key=lambda it: (not it.pinned, -it.date.toordinal(), it.url))


class OtherNetwork:
    def __init__(self, seed: int = SEED):
        self.seed = seed
        self.port = 0
        self.sites: list[Site] = []
        self.pages: dict = {}
        self.requests: Counter = Counter()  # ip -> count
        self.paths: list = []
        self.lock = threading.Lock()
        self._servers: Loopback | None = None
        self._attachments = None

    # -- public API ------------------------------------------------------------------------

    def start(self) -> OtherNetwork:
        net = self

        class Handler(_Handler):
            network = net

        self._servers = Loopback(ALL_IPS, Handler, reuse_address=False, request_queue_size=64).bind()
        self.port = self._servers.port
        self._build()
        self._servers.serve()
        return self

    def stop(self) -> None:
        if self._servers is not None:
            self._servers.stop()
        self._servers = None

    def origin(self, ip: str) -> str:
        return f"http://{ip}:{self.port}"

    def site_url(self, s: Site) -> str:
        return self.origin(s.ip) + s.base

    def write_config(self, path, crawl: dict | None = None) -> Path:
        conf_crawl = {
            "delay_seconds": 0,
            "autothrottle": False,
            "concurrency_per_site": 4,
            "concurrency_per_host": 4,
        }
        conf_crawl.update(crawl or {})
        sites = []
        for s in self.sites:
            url = self.site_url(s)
            sites.append({"id": s.id, "name": s.name, "tier": s.tier, "url": url, "scope": [url]})
        path = Path(path)
        path.write_text(
            yaml.safe_dump({"sites": sites, "crawl": conf_crawl}, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        return path

    def truth(self) -> dict:
        return {
            "counts_2012": self.counts("2012-01-01", "2012-12-31"),
            "counts_all": self.counts(ALL_FROM, ALL_TO),
        }

    def counts(self, d_from: str, d_to: str) -> dict:
        cats = load_categories()
        lo, hi = dt.date.fromisoformat(d_from), dt.date.fromisoformat(d_to)
        out_sites, tiers = [], {"county": 0, "department": 0, "town": 0}
        for s in self.sites:
            cols, site_urls = [], set()
            for c in s.leaves():
                urls = {}
                for it in c.items:
                    urls.setdefault(self.item_url(s, it), it.publish())
                in_period = {u for u, d in urls.items() if d is not None and lo <= d <= hi}
                site_urls |= in_period
                dates = [d for d in urls.values() if d is not None and d <= hi]
                cols.append(
                    {
                        "url": normalise_column_url(self.origin(s.ip) + c.path),
                        "name": c.name,
                        "category": category_of(c.name, cats),
                        "items": len(in_period),
                        "items_total": len(urls),
                        "last_published": max(dates).isoformat() if dates else None,
                    }
                )
            out_sites.append(
                {"id": s.id, "name": s.name, "tier": s.tier, "items": len(site_urls), "columns": cols}
            )
            tiers[s.tier] += len(site_urls)
        return {"from": d_from, "to": d_to, "total": sum(tiers.values()), "tiers": tiers, "sites": out_sites}

    def item_url(self, s: Site, it: Item) -> str:
        return it.url if it.url.startswith("http") else self.origin(s.ip) + it.url

    def external_requests(self) -> int:
        return self.requests[CITY_IP]

    # -- network plumbing -------------------------------------------------------------------

    def lookup(self, ip: str, target: str):
        parts = urlsplit(target)
        path = parts.path or "/"
        q = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
        for p in (
            path,
            path + "index.html" if path.endswith("/") else None,
            path + "index.htm" if path.endswith("/") else None,
        ):
            if p and (ip, p, q) in self.pages:
                return self.pages[(ip, p, q)]
        return None

    def put(self, ip: str, target: str, body, ctype="text/html; charset=utf-8", status=200):
        parts = urlsplit(target)
        q = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.pages[(ip, parts.path, q)] = (status, ctype, body)

    # -- the model --------------------------------------------------------------------------

    def _build(self) -> None:
        g = Gen(self.seed)
        self.sites = [
            self._county(g),
            self._jtj(g),
            self._sfj(g),
            self._jyj(g),
            self._lyj(g),
            self._qsz(g),
            self._llz(g),
            self._tyz(g),
        ]
        self.pages.clear()
        self._render_all()

    # helpers to make items
    def _mk(self, g: Gen, n: int, kind: str, org: str, unit: str, url_fn, y0=2010, y1=2014, **kw) -> list:
        items = []
        for _ in range(n):
            d = g.date(y0, y1)
            iid = g.nid()
            items.append(Item(url=url_fn(d, iid), title=g.title(kind, org, unit, d), date=d, **kw))
        return items

    @staticmethod
    def _trs_url(coldir: str, ext="html"):
        return lambda d, i: f"{coldir}{d:%Y%m}/t{d:%Y%m%d}_{i}.{ext}"

    def _county(self, g: Gen) -> Site:
        s = Site(
            "yuntai",
            "云台县人民政府",
            "county",
            COUNTY_IP,
            "/",
            "trs_li",
            "政府信息公开",
            "/xxgk/",
            "/index.html",
        )
        org = "县政府"
        X = "/xxgk/"

        def col(name, slug, parent=""):
            return Column(name, f"{X}{parent}{slug}/index.html")

        jgzn = col("机构职能", "jgzn")
        jgzn.items = self._mk(
            g,
            5,
            "about",
            "县人民政府",
            "县",
            self._trs_url(f"{X}jgzn/"),
            2010,
            2012,
            row="none",
            detail="label",
        )
        zcwj = col("政策文件", "zcwj")
        xzfwj = col("县政府文件", "xzfwj", "zcwj/")
        xzfwj.items = self._mk(
            g, 26, "doc", "云台县", "县", self._trs_url(f"{X}zcwj/xzfwj/"), row="none", detail="table"
        )
        xzfbwj = col("县政府办文件", "xzfbwj", "zcwj/")
        xzfbwj.items = self._mk(
            g, 22, "doc", "县政府办", "县", self._trs_url(f"{X}zcwj/xzfbwj/"), row="none", detail="table"
        )
        # titles naming next year's holidays, published in December (dateless list: the detail decides)
        for it in xzfbwj.items[:3]:
            it.date = dt.date(it.date.year if it.date.year < 2014 else 2013, 12, g.r.randint(15, 28))
            it.url = f"{X}zcwj/xzfbwj/{it.date:%Y%m}/t{it.date:%Y%m%d}_{g.nid()}.html"
            it.title = f"云台县人民政府办公室关于{it.date.year + 1}年元旦春节放假安排的通知"
        zcjd = col("政策解读", "zcjd", "zcwj/")
        zcjd.items = self._mk(g, 12, "doc", "县政府", "县", self._trs_url(f"{X}zcwj/zcjd/"))
        zcwj.children = [xzfwj, xzfbwj, zcjd]
        ghjh = col("规划计划", "ghjh")
        ghjh.items = self._mk(g, 10, "plan", org, "县", self._trs_url(f"{X}ghjh/"), 2010, 2011)
        rsxx = col("人事信息", "rsxx")
        rsxx.items = self._mk(g, 18, "personnel", org, "县", self._trs_url(f"{X}rsxx/"))
        rsxx.items.append(
            Item(
                f"{X}rsxx/201003/t20100322_{g.nid()}.html",
                "云台县2010年公开招聘事业单位工作人员简章（置顶）",
                dt.date(2010, 3, 22),
                pinned=True,
            )
        )
        # rows whose detail page shows another date (edited later): the row's date wins
        for it, (rd, pd) in zip(
            rsxx.items[:2],
            [(dt.date(2012, 12, 28), dt.date(2013, 1, 4)), (dt.date(2011, 12, 30), dt.date(2012, 1, 6))],
            strict=True,
        ):
            it.date, it.detail_date = rd, pd
            it.url = f"{X}rsxx/{pd:%Y%m}/t{pd:%Y%m%d}_{g.nid()}.html"
        zdly = col("重点领域信息公开", "zdly")
        czyjs = col("财政预决算", "czyjs", "zdly/")
        czyjs.items = self._mk(g, 14, "finance", "县财政局", "县", self._trs_url(f"{X}zdly/czyjs/"))
        bzxzf = col("保障性住房", "bzxzf", "zdly/")
        bzxzf.items = self._mk(g, 8, "notice", "县住建局", "县", self._trs_url(f"{X}zdly/bzxzf/"))
        hjbh = col("环境保护", "hjbh", "zdly/")  # empty: 暂无信息
        zdly.children = [czyjs, bzxzf, hjbh]
        tzgg = col("通知公告", "tzgg")
        tzgg.items = self._mk(g, 24, "notice", org, "县", self._trs_url(f"{X}tzgg/"))
        tzgg.items.append(
            Item(
                f"{X}tzgg/201105/t20110509_{g.nid()}.html",
                "关于启用云台县人民政府新门户网站的公告",
                dt.date(2011, 5, 9),
                pinned=True,
            )
        )
        tzgg.items += [
            Item(
                f"http://{CITY_IP}:{{port}}/art/{d.year}/{d.month}/{d.day}/art_88_{g.nid()}.html",
                f"（转载）市政府关于{g.r.choice(TOPICS)}工作的通知",
                d,
                kind="external",
            )
            for d in (dt.date(2012, 4, 17), dt.date(2013, 9, 2))
        ]
        gzdt = col("工作动态", "gzdt")
        gzdt.items = self._mk(g, 40, "news", org, "县", self._trs_url(f"{X}gzdt/"), row="mmdd")
        # URL month differs from the publish date for a few (migrated documents)
        for it in gzdt.items[5:8]:
            it.url = f"{X}gzdt/201406/t20140611_{g.nid()}.html"
        # cross-listed: some 工作动态 articles also appear in 通知公告 (full dates there)
        for it in gzdt.items[10:13]:
            tzgg.items.append(it)
        zfcg = col("政府采购", "zfcg")
        zfcg.items = self._mk(g, 10, "buy", "县政府采购中心", "县", self._trs_url(f"{X}zfcg/"))
        for d in (dt.date(2012, 5, 3), dt.date(2013, 7, 19)):
            zfcg.items.append(
                Item(
                    f"{X}zfcg/{d:%Y%m}/P0{d:%Y%m%d}{g.nid()}.pdf",
                    "云台县政府采购项目招标文件（PDF）",
                    d,
                    kind="file",
                )
            )
        tjsj = col("统计数据", "tjsj")
        tjsj.items = self._mk(g, 7, "stat", org, "县", self._trs_url(f"{X}tjsj/"), 2013, 2014)
        jyta = col("建议提案办理", "jyta")
        jyta.items = self._mk(g, 8, "notice", org, "县", self._trs_url(f"{X}jyta/"))
        for it in jyta.items:
            it.title = f"对县人大{it.date.year}年第{g.r.randint(1, 60)}号建议的答复"
        s.columns = [jgzn, zcwj, ghjh, rsxx, zdly, tzgg, gzdt, zfcg, tjsj, jyta]
        for c in s.all_columns():
            c.style = {"date": "iso", "pos": "after"}
        zcjd.style["date"] = "cn"
        ghjh.style["date"] = "slash"
        # attachments on county documents
        for it in xzfwj.items[:6] + czyjs.items[:4]:
            it.attachments = [
                f"{it.url.rsplit('/', 1)[0]}/P0{it.date:%Y%m%d}{k}.{ext}"
                for k, ext in enumerate(g.r.sample(["pdf", "docx", "xlsx", "xls"], 2))
            ]
        # a non-disclosure news centre (homepage block): NOT counted
        self._county_news = self._mk(g, 20, "news", org, "县", self._trs_url("/xwzx/jryw/"))
        return s

    def _jtj(self, g: Gen) -> Site:
        B = "/bmzz/jtj/"
        s = Site(
            "jtj",
            "云台县交通运输局",
            "department",
            COUNTY_IP,
            B,
            "trs_tr",
            "信息公开",
            f"{B}xxgk/",
            f"{B}index.html",
        )
        org = "县交通运输局"

        def col(name, slug):
            return Column(name, f"{B}xxgk/{slug}/")

        jgzn = col("机构职能", "jgzn")
        jgzn.items = self._mk(
            g, 3, "about", org, "局", self._trs_url(f"{B}xxgk/jgzn/"), 2010, 2011, row="none", detail="label"
        )
        zcfg = col("政策法规", "zcfg")
        zcfg.items = self._mk(g, 16, "doc", org, "局", self._trs_url(f"{B}xxgk/zcfg/"))
        gzdt = col("工作动态", "gzdt")
        gzdt.items = self._mk(g, 33, "news", org, "局", self._trs_url(f"{B}xxgk/gzdt/"))
        gzdt.items[3].kind = "dead"
        gzdt.items[9].kind = "soft404"
        xzxk = col("行政许可", "xzxk")
        xzxk.items = self._mk(g, 17, "permit", org, "局", self._trs_url(f"{B}xxgk/xzxk/"))
        tzgg = col("通知公告", "tzgg")  # empty
        s.columns = [jgzn, zcfg, gzdt, xzxk, tzgg]
        for c in s.columns:
            c.style = {"date": "slash", "pos": "before"}
        xzxk.style["date"] = "dot"
        return s

    def _sfj(self, g: Gen) -> Site:
        B = "/bmzz/sfj/"
        s = Site(
            "sfj",
            "云台县司法局",
            "department",
            COUNTY_IP,
            B,
            "empire",
            "政务公开",
            f"{B}zwgk/",
            f"{B}index.html",
        )
        org = "县司法局"

        def url_fn(coldir):
            return lambda d, i: f"{coldir}{d:%Y-%m-%d}/{i}.html"

        def col(name, slug):
            return Column(name, f"{B}zwgk/{slug}/index.html")

        ldxx = col("领导信息", "ldxx")
        ldxx.items = self._mk(g, 4, "about", org, "局", url_fn(f"{B}zwgk/ldxx/"), 2010, 2013)
        gzxx = col("工作信息", "gzxx")
        gzdt = Column("工作动态", f"{B}zwgk/gzxx/gzdt/index.html")
        gzdt.items = self._mk(g, 30, "news", org, "局", url_fn(f"{B}zwgk/gzxx/gzdt/"))
        # a title that itself holds a full date; the row's own date is another one
        gzdt.items[4].title = "县司法局传达2011年12月30日全县政法工作会议精神"
        gzdt.items[4].date = dt.date(2012, 1, 5)
        tzgg = Column("通知公告", f"{B}zwgk/gzxx/tzgg/index.html")
        tzgg.items = self._mk(g, 19, "notice", org, "局", url_fn(f"{B}zwgk/gzxx/tzgg/"))
        tzgg.items.append(
            Item(
                f"{B}zwgk/gzxx/tzgg/2010-06-01/{g.nid()}.html",
                "云台县法律援助中心办事指南（置顶）",
                dt.date(2010, 6, 1),
                pinned=True,
            )
        )
        gzxx.children = [gzdt, tzgg]
        gfxwj = col("规范性文件", "gfxwj")
        gfxwj.items = self._mk(g, 11, "doc", org, "局", url_fn(f"{B}zwgk/gfxwj/"), row="none", detail="meta")
        rsrm = col("人事任免", "rsrm")
        rsrm.items = self._mk(g, 6, "personnel", org, "局", url_fn(f"{B}zwgk/rsrm/"))
        s.columns = [ldxx, gzxx, gfxwj, rsrm]
        for c in s.all_columns():
            c.style = {"date": "iso"}
        return s

    def _jyj(self, g: Gen) -> Site:
        s = Site(
            "jyj",
            "云台县教育局",
            "department",
            JYJ_IP,
            "/",
            "hanweb_li",
            "信息公开目录",
            "/col/col2001/index.html",
            "/index.html",
        )
        org = "县教育局"

        def col(name, cid):
            return Column(name, f"/col/col{cid}/index.html", cid=cid)

        def url_fn(cid):
            return lambda d, i: f"/art/{d.year}/{d.month}/{d.day}/art_{cid}_{i}.html"

        c1 = col("机构概况", 2002)
        c1.items = self._mk(g, 4, "about", org, "局", url_fn(2002), 2010, 2012)
        c2 = col("政策文件", 2003)
        c2.items = self._mk(g, 34, "doc", org, "局", url_fn(2003))
        c3 = col("工作动态", 2004)
        c3.items = self._mk(g, 71, "news", org, "局", url_fn(2004))
        c3.items.append(
            Item(
                f"http://{CITY_IP}:{{port}}/art/2012/10/8/art_91_{g.nid()}.html",
                "（转载）市教育局关于规范中小学办学行为的通知",
                dt.date(2012, 10, 8),
                kind="external",
            )
        )
        for it in c3.items[20:22]:  # cross-listed into 政策文件
            c2.items.append(it)
        c4 = col("招生考试", 2005)
        c4.items = self._mk(g, 14, "notice", org, "局", url_fn(2005))
        c5 = col("教育收费", 2006)  # empty
        c6 = col("财务信息", 2007)
        c7 = col("部门预决算", 2008)
        c7.items = self._mk(g, 9, "finance", org, "局", url_fn(2008))
        c8 = col("三公经费", 2009)
        c8.items = self._mk(g, 5, "finance", org, "局", url_fn(2009), 2011, 2014)
        c6.children = [c7, c8]
        s.columns = [c1, c2, c3, c4, c5, c6]
        for c in s.all_columns():
            c.style = {"date": "iso", "pos": "after"}
        c2.style = {"date": "brk", "pos": "before"}
        for it in c2.items[:3]:
            it.attachments = [
                f"/module/download/downfile.jsp?classid=0&filename={it.date:%Y%m%d}{k}.{ext}"
                for k, ext in enumerate(["pdf", "docx"])
            ]
        return s

    def _lyj(self, g: Gen) -> Site:
        s = Site(
            "lyj", "云台县林业局", "department", LYJ_IP, "/", "asp", "政务公开", "/zwgk.asp", "/index.asp"
        )
        org = "县林业局"

        def col(name, cid):
            return Column(name, f"/list.asp?id={cid}", cid=cid)

        def url_fn(d, i):
            return f"/show.asp?id={i}"

        c1 = col("单位简介", 1)
        c1.items = self._mk(g, 2, "about", org, "局", url_fn, 2010, 2010)
        c2 = col("政策法规", 2)
        c2.items = self._mk(g, 19, "doc", org, "局", url_fn)
        c3 = col("林业动态", 3)
        c3.items = self._mk(g, 38, "news", org, "局", url_fn)
        c4 = col("公示公告", 4)
        c4.items = self._mk(g, 15, "notice", org, "局", url_fn, row="mmdd", detail="label_time")
        c6 = col("行政执法", 6)
        c7 = col("行政许可", 7)
        c7.items = self._mk(g, 9, "permit", org, "局", url_fn)
        c8 = col("行政处罚", 8)  # empty: 没有记录
        c6.children = [c7, c8]
        s.columns = [c1, c2, c3, c4, c6]
        for c in s.all_columns():
            c.style = {"date": "iso"}
        c2.style = {"date": "np"}
        for k, it in enumerate(c3.items[::5]):
            p = GBK_PEOPLE[k % len(GBK_PEOPLE)]
            it.title = f"{p}局长带队检查{g.r.choice(TOPICS)}工作"
        for it in c2.items[::6]:
            it.title = it.title + f"（{GBK_PEOPLE[1]}起草）"
        for it in c2.items:
            it.detail = "label_time"
        for it in c3.items + c4.items + c7.items + c1.items:
            it.detail = "label_time"
        return s

    def _qsz(self, g: Gen) -> Site:
        s = Site(
            "qsz",
            "青石镇人民政府",
            "town",
            QSZ_IP,
            "/",
            "jsp",
            "信息公开目录",
            "/xxgk/index.jsp",
            "/index.jsp",
        )
        org = "青石镇"

        def col(name, cid):
            return Column(name, f"/xxgk/list.jsp?catid={cid}", cid=cid)

        def url_fn(d, i):
            return f"/xxgk/content.jsp?id={i}"

        c1 = col("机构职能", 11)
        c1.items = self._mk(g, 3, "about", org, "镇", url_fn, 2010, 2012)
        c2 = col("工作动态", 12)
        c2.items = self._mk(g, 44, "news", org, "镇", url_fn)
        c3 = col("通知公告", 13)
        c3.items = self._mk(g, 19, "notice", org, "镇", url_fn)
        for it in c2.items[6:9]:
            c3.items.append(it)
        c3.items.append(
            Item(
                f"http://{CITY_IP}:{{port}}/art/2012/6/20/art_95_{g.nid()}.html",
                "（转载）关于做好2012年防汛工作的紧急通知",
                dt.date(2012, 6, 20),
                kind="external",
            )
        )
        c4 = col("财政信息", 14)
        c4.items = self._mk(g, 12, "finance", org, "镇", url_fn, row="none", detail="table")
        c5 = col("规划计划", 15)
        c5.items = self._mk(g, 8, "plan", org, "镇", url_fn, 2010, 2011)
        s.columns = [c1, c2, c3, c4, c5]
        s.unit = "镇"
        for c in s.columns:
            c.style = {"date": "cn"}
        c5.style = {"date": "cn_np"}
        return s

    def _llz(self, g: Gen) -> Site:
        s = Site(
            "llz",
            "柳林镇人民政府",
            "town",
            LLZ_IP,
            "/",
            "hanweb_tr",
            "政务公开",
            "/col/col3001/index.html",
            "/index.html",
        )
        org = "柳林镇"

        def col(name, cid):
            return Column(name, f"/col/col{cid}/index.html", cid=cid)

        def url_fn(cid):
            return lambda d, i: f"/art/{d.year}/{d.month}/{d.day}/art_{cid}_{i}.html"

        c2 = col("镇情概况", 3002)
        c2.items = self._mk(g, 2, "about", org, "镇", url_fn(3002), 2010, 2011)
        c3 = col("工作动态", 3003)
        c3.items = self._mk(g, 52, "news", org, "镇", url_fn(3003))
        c4 = col("通知公告", 3004)
        c4.items = self._mk(g, 24, "notice", org, "镇", url_fn(3004), row="none", detail="label_time")
        c4.items[7].kind = "soft404"  # dateless row whose page is gone: listed, never dated
        c5 = col("民生保障", 3005)
        c6 = col("低保救助", 3006)
        c6.items = self._mk(g, 15, "notice", org, "镇", url_fn(3006))
        c7 = col("新农合", 3007)  # empty
        c5.children = [c6, c7]
        s.columns = [c2, c3, c4, c5]
        s.unit = "镇"
        for c in s.all_columns():
            c.style = {"date": "iso", "pos": "before"}
        return s

    def _tyz(self, g: Gen) -> Site:
        B = "/xzjd/tyz/"
        s = Site(
            "tyz",
            "桃源镇人民政府",
            "town",
            COUNTY_IP,
            B,
            "trs_div",
            "政府信息公开",
            f"{B}zfxxgk/",
            f"{B}index.htm",
        )
        org = "桃源镇"

        def col(name, slug):
            return Column(name, f"{B}zfxxgk/{slug}/")

        c1 = col("机构职能", "jgzn")
        c1.items = self._mk(g, 3, "about", org, "镇", self._trs_url(f"{B}zfxxgk/jgzn/", "htm"), 2010, 2012)
        c2 = col("工作动态", "gzdt")
        c2.items = self._mk(g, 38, "news", org, "镇", self._trs_url(f"{B}zfxxgk/gzdt/", "htm"))
        c3 = col("通知公告", "tzgg")
        c3.items = self._mk(g, 19, "notice", org, "镇", self._trs_url(f"{B}zfxxgk/tzgg/", "htm"))
        c4 = col("项目建设", "xmjs")
        c4.items = self._mk(
            g,
            11,
            "notice",
            org,
            "镇",
            self._trs_url(f"{B}zfxxgk/xmjs/", "htm"),
            row="mmdd",
            detail="label_time",
        )
        c5 = col("人事信息", "rsxx")  # empty
        s.columns = [c1, c2, c3, c4, c5]
        s.unit = "镇"
        c1.style = {"date": "cn", "pos": "after"}
        c2.style = {"date": "brkdot", "pos": "before"}
        c3.style = {"date": "cn_np", "pos": "after"}
        c4.style = {"date": "mmdd_brk", "pos": "after"}
        c5.style = {"date": "iso", "pos": "after"}
        return s

    # ---------------------------------------------------------------------------------------
    # rendering

    def _render_all(self) -> None:
        port = self.port
        for s in self.sites:
            for c in s.all_columns():
                for it in c.items:
                    if "{port}" in it.url:
                        it.url = it.url.replace("{port}", str(port))
                c.items = _dates_sorted(c.items)
        self._attachments = _attachment_bytes()
        for s in self.sites:
            getattr(self, f"_render_{s.family.split('_')[0]}")(s)
            self._render_details(s)
        self._render_county_extras()
        self._render_city()
        self.put(COUNTY_IP, "/robots.txt", "User-agent: *\nDisallow: /admin/\n", "text/plain")

    # -- shared bits

    def _nav(self, s: Site, home: str, entry: str, extra: str = "") -> str:
        return (
            f'<div class="nav"><ul><li><a href="{home}">首页</a></li><li><a href="{entry}">{s.entry_name}</a></li>'
            f'<li><a href="{s.base}bsfw/">办事服务</a></li><li><a href="{s.base}hdjl/">互动交流</a></li>{extra}</ul></div>'
        )

    def _chrome(
        self, s: Site, title: str, body: str, meta: str = "", charset="utf-8", nav: str | None = None
    ) -> str:
        nav = nav if nav is not None else self._nav(s, s.home_path, s.entry_path)
        return (
            f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>{esc(title)}</title>\n{meta}'
            f'<meta name="SiteName" content="{s.name}">\n<link rel="stylesheet" href="{s.base}css/style.css">\n'
            f'</head><body><div class="top"><div class="logo">{s.name}</div>'
            f'<div class="today"><script>document.write(new Date().toLocaleDateString())</script> '
            f"2024年06月11日 星期二</div></div>\n{nav}\n{body}\n"
            f'<div class="footer">主办：{s.name} 网站标识码：5110230{ALL_IPS.index(s.ip)}0 '
            f'<a href="http://{CITY_IP}:{self.port}/">市政府门户</a> 备案号：蜀ICP备05012345号</div></body></html>'
        )

    def _menu_html(self, s: Site, href, active=None, tag="ul") -> str:
        out = [f'<div class="leftmenu"><h3>{s.entry_name}</h3><ul class="tree">']
        for c in s.columns:
            cls = ' class="on"' if c is active else ""
            if c.is_parent:
                subs = "".join(
                    f'<li{" class=on" if ch is active else ""}><a href="{href(ch)}">{ch.name}</a></li>'
                    for ch in c.children
                )
                out.append(f'<li{cls}><a href="{href(c)}">{c.name}</a><ul class="sub">{subs}</ul></li>')
            else:
                out.append(f'<li{cls}><a href="{href(c)}">{c.name}</a></li>')
        out.append("</ul></div>")
        return "".join(out)

    def _home(self, s: Site, news_col: Column, news_href, col_href, charset="utf-8", extra_blocks="") -> str:
        rows = "".join(
            f'<li><a href="{news_href(it)}" title="{esc(it.title)}">{esc(it.title[:16])}</a>'
            f"<span>{it.page_date():%m-%d}</span></li>"
            for it in [i for i in news_col.items if not i.pinned and i.kind == "page"][:7]
        )
        body = (
            f'<div class="banner"><img src="{s.base}images/banner.jpg" alt=""></div>'
            f'<div class="block"><div class="hd"><h3>{news_col.name}</h3><a class="more" href="{col_href}">更多&gt;&gt;</a></div>'
            f'<ul class="news">{rows}</ul></div>{extra_blocks}'
            f'<div class="block"><h3>便民服务</h3><ul><li><a href="{s.base}bsfw/">办事指南</a></li>'
            f'<li><a href="{s.base}hdjl/">领导信箱</a></li></ul></div>'
        )
        return self._chrome(s, s.name, body, charset=charset)

    def _static_pages(self, s: Site, bsfw: str, hdjl: str, charset="utf-8"):
        bs = self._chrome(
            s,
            f"办事服务-{s.name}",
            '<div class="main"><h2>办事服务</h2><p>请选择您要办理的事项：</p><ul>'
            f'<li><a href="{s.base}bsfw/guide_1.html">户籍办理</a></li>'
            f'<li><a href="{s.base}bsfw/guide_2.html">社保医保</a></li>'
            f'<li><a href="{s.base}bsfw/guide_3.html">婚姻登记</a></li></ul></div>',
            charset=charset,
        )
        hd = self._chrome(
            s,
            f"互动交流-{s.name}",
            '<div class="main"><h2>互动交流</h2><form method="post" action="#"><p>姓名：<input name="xm"></p>'
            '<p>内容：<textarea name="nr"></textarea></p><input type="submit" value="提交"></form>'
            f'<p><a href="{s.base}hdjl/zxft.html">在线访谈</a> <a href="{s.base}hdjl/myzj.html">民意征集</a></p>'
            "</div>",
            charset=charset,
        )
        return bs, hd

    def _put_static(self, s: Site) -> None:
        """办事服务 / 互动交流 and the pages they link to: not list pages, not columns."""
        bs, hd = self._static_pages(s, "", "")
        self.put(s.ip, s.base + "bsfw/index.html", bs)
        self.put(s.ip, s.base + "hdjl/index.html", hd)
        for k, name in enumerate(["户籍办理", "社保医保", "婚姻登记"], start=1):
            self.put(
                s.ip,
                f"{s.base}bsfw/guide_{k}.html",
                self._chrome(
                    s,
                    f"{name}-{s.name}",
                    f'<div class="main"><h1>{name}办事指南</h1><p>办理材料：身份证、户口簿。</p></div>',
                ),
            )
        for slug, name in (("zxft", "在线访谈"), ("myzj", "民意征集")):
            self.put(
                s.ip,
                f"{s.base}hdjl/{slug}.html",
                self._chrome(
                    s, f"{name}-{s.name}", f'<div class="main"><h1>{name}</h1><p>本栏目正在建设中。</p></div>'
                ),
            )

    # -- TRS-like (county li, jtj tr, tyz div) -----------------------------------------------

    def _render_trs(self, s: Site) -> None:
        ip = s.ip
        kind = s.family.split("_")[1]  # li | tr | div
        ext = "htm" if kind == "div" else "html"
        size = {"li": 15, "tr": 12, "div": 10}[kind]

        def href_abs(c):
            return c.path if kind != "div" else c.path  # county links with index.html, others by folder

        def menu(active):
            return self._menu_html(s, href_abs, active)

        for c in s.all_columns():
            crumb = f'<div class="crumb">当前位置：<a href="{s.home_path}">首页</a> &gt; <a href="{s.entry_path}">{s.entry_name}</a> &gt; {c.name}</div>'
            meta = (
                f'<meta name="ColumnName" content="{c.name}">\n<meta name="ColumnType" content="{c.name}">\n'
            )
            coldir = c.path.rsplit("/", 1)[0] + "/"
            if c.is_parent:
                subs = "".join(f'<li><a href="{ch.path}">{ch.name}</a></li>' for ch in c.children)
                body = f'{crumb}<div class="left">{menu(c)}</div><div class="right"><h2>{c.name}</h2><ul class="subcol">{subs}</ul></div>'
                self.put(ip, coldir + f"index.{ext}", self._chrome(s, f"{c.name}-{s.name}", body, meta))
                continue
            pages = [c.items[i : i + size] for i in range(0, len(c.items), size)] or [[]]
            for n, chunk in enumerate(pages):
                rows = []
                for it in chunk:
                    href = self._rel(coldir, it.url)
                    dtext = self._row_date(it, c.style["date"])
                    title = esc(it.title)
                    short = esc(it.title if len(it.title) <= 24 else it.title[:22] + "…")
                    top = '<span class="zd">[置顶]</span>' if it.pinned else ""
                    if kind == "li":
                        d = f"<span>{dtext}</span>" if dtext else ""
                        rows.append(
                            f'<li>{top}<a href="{href}" title="{title}" target="_blank">{short}</a>{d}</li>'
                        )
                    elif kind == "tr":
                        rows.append(
                            f'<tr><td class="date">{dtext}</td><td><img src="/images/dot.gif">'
                            f'<a href="{href}" title="{title}" target="_blank">{short}</a>{top}</td></tr>'
                        )
                    else:
                        d = f'<span class="rq">{dtext}</span>' if dtext else ""
                        a = f'<a href="{href}" target="_blank">{title}</a>'
                        rows.append(
                            f'<div class="list-item">{top}{d}{a}</div>'
                            if c.style["pos"] == "before"
                            else f'<div class="list-item">{top}{a}{d}</div>'
                        )
                if not chunk:
                    lst = '<div class="nodata">暂无信息</div>'
                elif kind == "li":
                    lst = f'<ul class="list">{"".join(rows)}</ul>'
                elif kind == "tr":
                    lst = f'<table class="gl_list" width="100%"><tr><th>发布日期</th><th>标题</th></tr>{"".join(rows)}</table>'
                else:
                    lst = f'<div class="listbox">{"".join(rows)}</div>'
                count = len(pages)
                if kind == "tr":
                    pager = (
                        f'<div class="page"><script type="text/javascript">\nvar countPage = {count}//共多少页\n'
                        f"var currentPage = {n}//当前页\nvar prevPage = currentPage - 1\nvar nextPage = currentPage + 1\n"
                        f'createPageHTML(countPage, currentPage, "index", "html");\n</script></div>'
                    )
                else:
                    pager = (
                        f'<div class="pagebar"><script language="JavaScript">'
                        f'createPageHTML({count}, {n}, "index", "{ext}");</script></div>'
                    )
                body = (
                    f'{crumb}<div class="left">{menu(c)}</div><div class="right"><h2 class="colname">{c.name}</h2>'
                    f"{lst}{pager}</div>"
                )
                name = f"index.{ext}" if n == 0 else f"index_{n}.{ext}"
                self.put(ip, coldir + name, self._chrome(s, f"{c.name}-{s.name}", body, meta))
        # entry page: tree + guide text (not a list)
        extra = ""
        if s.id == "yuntai":
            extra = (
                '<div class="bmgk"><h3>部门信息公开</h3><ul>'
                '<li><a href="/bmzz/jtj/xxgk/">县交通运输局</a></li><li><a href="/bmzz/sfj/zwgk/">县司法局</a></li>'
                f'<li><a href="http://{JYJ_IP}:{self.port}/col/col2001/index.html">县教育局</a></li>'
                f'<li><a href="http://{LYJ_IP}:{self.port}/zwgk.asp">县林业局</a></li></ul>'
                '<h3>依申请公开</h3><ul><li><a href="/xxgk/ysqgk/">依申请公开</a></li></ul></div>'
            )
            self.put(
                ip,
                "/xxgk/ysqgk/index.html",
                self._chrome(
                    s,
                    f"依申请公开-{s.name}",
                    '<div class="main"><h2>依申请公开</h2><p>公民、法人或者其他组织可以向本机关申请获取政府信息。'
                    '</p><form method="post" action="/xxgk/ysqgk/submit"><p>申请人：<input name="sqr"></p>'
                    '<p>所需信息内容描述：<textarea name="nr"></textarea></p><input type="submit" value="提交申请"></form></div>',
                ),
            )
        entry_body = (
            f'<div class="left">{menu(None)}{extra}</div><div class="right"><h2>{s.entry_name}</h2>'
            f"<p>根据《中华人民共和国政府信息公开条例》，{s.name}编制了本机关政府信息公开目录。</p></div>"
        )
        self.put(ip, s.entry_path + f"index.{ext}", self._chrome(s, f"{s.entry_name}-{s.name}", entry_body))
        news = next(c for c in s.leaves() if c.name == "工作动态")
        blocks = ""
        if s.id == "yuntai":
            blocks = (
                '<div class="block"><h3>部门网站</h3><ul><li><a href="/bmzz/jtj/">交通运输局</a></li>'
                '<li><a href="/bmzz/sfj/">司法局</a></li>'
                f'<li><a href="http://{JYJ_IP}:{self.port}/">教育局</a></li><li><a href="http://{LYJ_IP}:{self.port}/">林业局</a></li></ul>'
                f'<h3>乡镇网站</h3><ul><li><a href="/xzjd/tyz/">桃源镇</a></li><li><a href="http://{QSZ_IP}:{self.port}/">青石镇</a></li>'
                f'<li><a href="http://{LLZ_IP}:{self.port}/">柳林镇</a></li></ul></div>'
                '<div class="block"><div class="hd"><h3>今日云台</h3><a href="/xwzx/jryw/index.html">更多</a></div><ul>'
                + "".join(
                    f'<li><a href="{it.url}">{esc(it.title)}</a><span>{it.date:%m-%d}</span></li>'
                    for it in _dates_sorted(self._county_news)[:6]
                )
                + "</ul></div>"
            )
        self.put(ip, s.home_path, self._home(s, news, lambda it: it.url, news.path, extra_blocks=blocks))
        self._put_static(s)

    @staticmethod
    def _rel(coldir: str, url: str) -> str:
        if url.startswith("http"):
            return url
        if url.startswith(coldir):
            return "./" + url[len(coldir) :]
        return posixpath.relpath(url, coldir) if url.count("/") > 2 else url

    @staticmethod
    def _row_date(it: Item, style: str) -> str:
        if it.row == "none":
            return ""
        if it.row == "mmdd":
            return fmt_date(it.date, style if style.startswith("mmdd") else "mmdd")
        if style.startswith("mmdd"):
            style = "iso"
        return fmt_date(it.date, style)

    # -- EmpireCMS (sfj) ---------------------------------------------------------------------

    def _render_empire(self, s: Site) -> None:
        ip, size = s.ip, 12

        def menu(active):
            out = ['<div class="sideMenu"><h3>政务公开</h3>']
            for c in s.columns:
                out.append(f'<h4><a href="{c.path}">{c.name}</a></h4>')
                if c.is_parent:
                    out.append(
                        "<ul>"
                        + "".join(f'<li><a href="{ch.path}">{ch.name}</a></li>' for ch in c.children)
                        + "</ul>"
                    )
            return "".join(out) + "</div>"

        for c in s.all_columns():
            coldir = c.path.rsplit("/", 1)[0] + "/"
            crumb = f'<div class="weizhi">您现在的位置：<a href="{s.home_path}">首页</a>&nbsp;&gt;&nbsp;<a href="{s.entry_path}">政务公开</a>&nbsp;&gt;&nbsp;{c.name}</div>'
            if c.is_parent:
                subs = "".join(
                    f'<dl class="subclass"><dt><a href="{ch.path}">{ch.name}</a></dt></dl>'
                    for ch in c.children
                )
                self.put(
                    ip,
                    coldir + "index.html",
                    self._chrome(
                        s,
                        f"{c.name}_{s.name}",
                        f'{crumb}<div class="l">{menu(c)}</div><div class="r"><h2>{c.name}</h2>{subs}</div>',
                    ),
                )
                continue
            pinned = [it for it in c.items if it.pinned]
            rest = [it for it in c.items if not it.pinned]
            pages = [rest[i : i + size] for i in range(0, len(rest), size)] or [[]]
            total = len(pages)
            for n, chunk in enumerate(pages, start=1):
                rows = []
                for it in pinned + chunk:  # pinned rows repeat on every page
                    mark = '<font color="red">[置顶]</font>' if it.pinned else ""
                    d = self._row_date(it, c.style["date"])
                    span = f'<span class="time">{d}</span>' if d else ""
                    rows.append(
                        f'<li>{span}{mark}<a href="{it.url}" title="{esc(it.title)}" target="_blank">{esc(it.title)}</a></li>'
                    )

                def pname(k):
                    return "index.html" if k == 1 else f"index_{k}.html"

                links = []
                if n > 1:
                    links += [
                        f'<a href="{coldir}index.html">首页</a>',
                        f'<a href="{coldir}{pname(n - 1)}">上一页</a>',
                    ]
                for k in range(1, total + 1):
                    links.append(f"<b>{k}</b>" if k == n else f'<a href="{coldir}{pname(k)}">{k}</a>')
                if n < total:
                    links += [
                        f'<a href="{coldir}{pname(n + 1)}">下一页</a>',
                        f'<a href="{coldir}{pname(total)}">尾页</a>',
                    ]
                pager = f'<div class="epages"><a title="Total record">&nbsp;<b>{len(rest)}</b> </a>&nbsp;&nbsp;{"&nbsp;".join(links)}</div>'
                lst = (
                    f'<ul class="news_list">{"".join(rows)}{pager}</ul>'
                    if rows
                    else '<ul class="news_list"><li class="empty">没有记录</li></ul>'
                )
                body = f'{crumb}<div class="l">{menu(c)}</div><div class="r"><h2>{c.name}</h2>{lst}<div id="page_div"></div></div>'
                self.put(ip, coldir + pname(n), self._chrome(s, f"{c.name}_{s.name}", body))
        entry = f'<div class="l">{menu(None)}</div><div class="r"><h2>政务公开</h2><p>本栏目公开{s.name}主动公开的政府信息。</p></div>'
        self.put(ip, s.entry_path + "index.html", self._chrome(s, f"政务公开_{s.name}", entry))
        news = next(c for c in s.leaves() if c.name == "工作动态")
        self.put(ip, s.home_path, self._home(s, news, lambda it: it.url, news.path))
        self._put_static(s)

    # -- Hanweb (jyj li records, llz table records) ------------------------------------------

    def _render_hanweb(self, s: Site) -> None:
        ip = s.ip
        flavour = s.family.split("_")[1]
        per, group = (15, 3) if flavour == "li" else (20, 1)
        unitid, webid = (8811, 3) if flavour == "li" else (9102, 7)
        self._hanweb = getattr(self, "_hanweb", {})

        def record(c, it):
            d = self._row_date(it, c.style["date"])
            t = esc(it.title)
            if flavour == "li":
                if c.style["pos"] == "before":
                    return f'<li><span class="bt-data-time">{d}</span><a href="{it.url}" title="{t}" target="_blank">{t}</a></li>'
                return f'<li><a href="{it.url}" title="{t}" target="_blank">{t}</a><span class="bt-data-time">{d}</span></li>'
            dcell = f'<td width="90" class="bt_time">{d}</td>' if d else ""
            return (
                f'<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>{dcell}'
                f'<td class="bt_link"><a href="{it.url}" target="_blank" title="{t}">{t}</a></td></tr></table>'
            )

        def menu(active):
            out = [f'<div class="left-nav"><div class="tit">{s.entry_name}</div>']
            for c in s.columns:
                out.append(f'<div class="nav1"><a href="{c.path}">{c.name}</a></div>')
                for ch in c.children:
                    out.append(f'<div class="nav2">&nbsp;&nbsp;<a href="{ch.path}">{ch.name}</a></div>')
            return "".join(out) + "</div>"

        for c in s.all_columns():
            crumb = f'<div class="bt-position">当前位置：<a href="/">首页</a> &gt; <a href="{s.entry_path}">{s.entry_name}</a> &gt; <a href="{c.path}">{c.name}</a></div>'
            meta = f'<meta name="ColumnName" content="{c.name}">\n'
            if c.is_parent:
                subs = "".join(
                    f'<div class="sub-col"><a href="{ch.path}">{ch.name}</a></div>' for ch in c.children
                )
                self.put(
                    ip,
                    c.path,
                    self._chrome(
                        s,
                        f"{s.name} {c.name}",
                        f'{crumb}{menu(c)}<div class="main"><h2>{c.name}</h2>{subs}</div>',
                        meta,
                    ),
                )
                continue
            recs = [record(c, it) for it in c.items]
            self._hanweb[(ip, str(c.cid))] = (recs, per, group, flavour)
            first = recs[: per * group]
            ds = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in first)
            nextgroup = (
                f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid={webid}&path=/'
                f'&columnid={c.cid}&unitid={unitid}&webname={quote(s.name)}&permissiontype=0"></a>]]></nextgroup>'
            )
            if flavour == "li":
                param = (
                    f"{{col:1,appid:1,webid:{webid},path:'/',columnid:{c.cid},sourceContentType:1,"
                    f"unitid:{unitid},webname:'{s.name}',permissiontype:0}}"
                )
                script = (
                    f"<script>\n$(document).ready(function(){{ $('#{unitid}').jpage({{ dataStore: dataStore, "
                    f"totalRecord: {len(recs)}, perPage: {per}, proxyUrl: '/module/web/jpage/dataproxy.jsp', "
                    f"groupSize: {group}, objId: '{unitid}', ajaxParam: {param} }}); }});\n</script>"
                )
            else:
                param = (
                    f'{{"webid":"{webid}","columnid":"{c.cid}","unitid":"{unitid}","path":"/",'
                    f'"webname":"{s.name}","permissiontype":"0","col":"1"}}'
                )
                script = (
                    f'<script type="text/javascript">\nvar totalRecord = {len(recs)};\nvar jpageParams = {param};\n'
                    f"jpageInit('{unitid}', totalRecord, {per}, {group}, '/module/web/jpage/dataproxy.jsp', jpageParams);\n</script>"
                )
            data = (
                f'<div id="{unitid}"><script type="text/xml"><datastore>\n{nextgroup}\n<recordset>\n{ds}</recordset>\n'
                f"</datastore></script></div>"
            )
            if not recs:
                data = '<div class="default_pgContainer"><p>暂无数据</p></div>'
                script = ""
            body = (
                f'{crumb}{menu(c)}<div class="main"><h2 class="bt-title">{c.name}</h2>{data}'
                f'<script language="javascript" src="/module/web/jpage/jpage.js"></script>{script}</div>'
            )
            self.put(ip, c.path, self._chrome(s, f"{s.name} {c.name}", body, meta))
        entry = (
            f'{menu(None)}<div class="main"><h2>{s.entry_name}</h2><p>{s.name}{s.entry_name}。</p>'
            f'<p><a href="{s.entry_path}">{s.entry_name}</a></p></div>'
        )
        self.put(ip, s.entry_path, self._chrome(s, f"{s.name} {s.entry_name}", entry))
        news = next(c for c in s.leaves() if c.name == "工作动态")
        home = self._home(s, news, lambda it: it.url, news.path)
        self.put(ip, "/", home)
        self.put(ip, "/index.html", home)
        self._put_static(s)

    def dataproxy(self, ip: str, params: dict) -> bytes:
        recs, per, group, flavour = self._hanweb.get((ip, params.get("columnid", "")), ([], 15, 3, "li"))
        try:
            a = int(params.get("startrecord", "1"))
            b = int(params.get("endrecord", str(a + per * group - 1)))
        except ValueError:
            a, b = 1, 0
        lo = max(a - 1, 1) if flavour == "li" else a  # this CMS repeats the last record of the previous group
        chosen = recs[lo - 1 : b]
        body = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in chosen)
        pages = (len(recs) + per - 1) // per
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><datastore>\n<nextgroup><![CDATA[]]></nextgroup>\n'
            f"<recordset>\n{body}</recordset>\n<totalrecord>{len(recs)}</totalrecord>\n<totalpage>{pages}</totalpage>\n"
            "</datastore>"
        ).encode()

    # -- ASP, GBK (lyj) ----------------------------------------------------------------------

    def _render_asp(self, s: Site) -> None:
        ip, size = s.ip, 15
        nav = (
            '<table class="nav"><tr><td><a href="index.asp">首页</a></td><td><a href="zwgk.asp">政务公开</a></td>'
            '<td><a href="bsfw.asp">办事服务</a></td><td><a href="hdjl.asp">互动交流</a></td></tr></table>'
        )

        def page(title, body):
            html_ = (
                f'<html><head>\n<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
                f"<title>{esc(title)}</title></head><body>{nav}{body}"
                f"<table><tr><td>版权所有：{s.name} 技术支持：某某网络</td></tr></table></body></html>"
            )
            return html_.encode("gb18030")

        def put(target, body_bytes):
            self.put(ip, target, body_bytes, "text/html")

        def menu():
            rows = []
            for c in s.columns:
                rows.append(f'<tr><td class="m1"><a href="{c.path.lstrip("/")}">{c.name}</a></td></tr>')
                for ch in c.children:
                    rows.append(
                        f'<tr><td class="m2">&nbsp;·<a href="{ch.path.lstrip("/")}">{ch.name}</a></td></tr>'
                    )
            return f'<table class="menu" width="200">{"".join(rows)}</table>'

        for c in s.all_columns():
            if c.is_parent:
                subs = "".join(
                    f'<tr><td><a href="list.asp?id={ch.cid}">{ch.name}</a></td></tr>' for ch in c.children
                )
                put(
                    c.path,
                    page(
                        f"{c.name}-{s.name}",
                        f'<table><tr><td valign="top">{menu()}</td><td valign="top">'
                        f'<b>{c.name}</b><table class="sub">{subs}</table></td></tr></table>',
                    ),
                )
                continue
            pages = [c.items[i : i + size] for i in range(0, len(c.items), size)] or [[]]
            total = len(pages)
            for n, chunk in enumerate(pages, start=1):
                rows = "".join(
                    f'<tr><td width="20">·</td><td><a href="{it.url.lstrip("/")}" target="_blank">{esc(it.title)}</a></td>'
                    f'<td width="90" align="right">{self._row_date(it, c.style["date"])}</td></tr>'
                    for it in chunk
                )
                if not chunk:
                    rows = '<tr><td colspan="3" align="center">没有记录</td></tr>'

                def lk(k, text, c=c):
                    return f'<a href="list.asp?id={c.cid}&page={k}">{text}</a>'

                pager = (
                    f"共{len(c.items)}条 共{total}页 当前第{n}页 "
                    + (lk(1, "首页") + " " + lk(n - 1, "上一页") if n > 1 else "首页 上一页")
                    + " "
                    + (lk(n + 1, "下一页") + " " + lk(total, "尾页") if n < total else "下一页 尾页")
                )
                body = (
                    f'<table width="960"><tr><td valign="top">{menu()}</td><td valign="top">'
                    f'<table><tr><td class="title">当前位置：首页 &gt;&gt; 政务公开 &gt;&gt; {c.name}</td></tr></table>'
                    f'<table class="list" width="100%">{rows}</table>'
                    f'<table width="100%"><tr><td align="center">{pager}</td></tr></table></td></tr></table>'
                )
                put(f"{c.path}&page={n}", page(f"{c.name}-{s.name}", body))
                if n == 1:
                    put(c.path, page(f"{c.name}-{s.name}", body))
        put(
            "/zwgk.asp",
            page(
                f"政务公开-{s.name}",
                f'<table><tr><td valign="top">{menu()}</td><td valign="top">'
                f"<p>欢迎访问{s.name}政务公开专栏。</p></td></tr></table>",
            ),
        )
        news = next(c for c in s.leaves() if c.name == "林业动态")
        rows = "".join(
            f'<tr><td>·<a href="{it.url.lstrip("/")}">{esc(it.title)}</a></td><td>{it.date:%m-%d}</td></tr>'
            for it in news.items[:8]
        )
        home = page(
            s.name,
            f'<table><tr><td><b>林业动态</b> <a href="list.asp?id={news.cid}">更多</a></td></tr>{rows}</table>',
        )
        put("/", home)
        put("/index.asp", home)
        put(
            "/bsfw.asp",
            page(
                f"办事服务-{s.name}",
                '<p>办事服务</p><p><a href="bsfw_show.asp?id=1">林木采伐许可办理指南</a></p>',
            ),
        )
        put(
            "/bsfw_show.asp?id=1",
            page(
                f"林木采伐许可办理指南-{s.name}",
                "<p><b>林木采伐许可办理指南</b></p>"
                "<p>申请材料：林木采伐申请书、林权证复印件。办理时限：20个工作日。</p>",
            ),
        )
        put(
            "/hdjl.asp",
            page(
                f"互动交流-{s.name}",
                '<form method="post" action="hdjl_save.asp"><p>留言：<textarea name="c"></textarea></p></form>',
            ),
        )

    # -- JSP (qsz) ---------------------------------------------------------------------------

    def _render_jsp(self, s: Site) -> None:
        ip, size = s.ip, 15
        nav = (
            '<div class="nav"><a href="/index.jsp">首页</a> | <a href="/xxgk/index.jsp">信息公开目录</a> | '
            '<a href="/bsfw/index.jsp">办事服务</a> | <a href="/hdjl/index.jsp">互动交流</a></div>'
        )

        def menu():
            return (
                '<div class="xxgk-menu"><dl class="menu">'
                + "".join(f'<dd><a href="list.jsp?catid={c.cid}">{c.name}</a></dd>' for c in s.columns)
                + "</dl></div>"
            )

        for c in s.columns:
            pages = [c.items[i : i + size] for i in range(0, len(c.items), size)] or [[]]
            total = len(pages)
            for n, chunk in enumerate(pages, start=1):
                parts = []
                for it in chunk:
                    href = it.url if it.url.startswith("http") else it.url.rsplit("/", 1)[1]
                    parts.append(
                        f'<dt><a href="{href}" title="{esc(it.title)}" target="_blank">{esc(it.title)}</a></dt>'
                    )
                    d = self._row_date(it, c.style["date"])
                    if d:
                        parts.append(f"<dd>{d}</dd>")
                lst = (
                    f'<dl class="infolist">{"".join(parts)}</dl>'
                    if chunk
                    else '<div class="empty">暂无记录</div>'
                )

                def lk(k, text, c=c):
                    return f'<a href="?catid={c.cid}&pageNo={k}">{text}</a>'

                pager = (
                    f'<div class="pager">共{len(c.items)}条记录 每页{size}条 第{n}/{total}页 '
                    + (lk(1, "首页") + " " + lk(n - 1, "上一页") if n > 1 else "")
                    + (" " + lk(n + 1, "下一页") + " " + lk(total, "末页") if n < total else "")
                    + f' 转到<input id="pageNo" size="2" value="{n}"><button onclick="goPage()">GO</button></div>'
                )
                body = (
                    f'<div class="wrap">{menu()}<div class="content"><div class="pos">您的位置：首页 &gt; 信息公开目录 &gt; {c.name}</div>'
                    f"<h2>{c.name}</h2>{lst}{pager}</div></div>"
                )
                doc = self._chrome(s, f"{c.name}-{s.name}", body, nav=nav)
                self.put(ip, f"{c.path}&pageNo={n}", doc)
                if n == 1:
                    self.put(ip, c.path, doc)
        self.put(
            ip,
            "/xxgk/index.jsp",
            self._chrome(
                s,
                f"信息公开目录-{s.name}",
                f'<div class="wrap">{menu()}<div class="content"><p>{s.name}政府信息公开目录</p></div></div>',
                nav=nav,
            ),
        )
        news = s.columns[1]
        rows = "".join(
            f'<li><a href="/xxgk/content.jsp?id={it.url.rsplit("=", 1)[1]}">{esc(it.title[:18])}</a><em>{it.date:%m-%d}</em></li>'
            for it in news.items[:6]
        )
        home = self._chrome(
            s,
            s.name,
            f'<div class="block"><h3>工作动态</h3><a href="/xxgk/list.jsp?catid={news.cid}">more</a><ul>{rows}</ul></div>',
            nav=nav,
        )
        self.put(ip, "/", home)
        self.put(ip, "/index.jsp", home)
        self.put(ip, "/bsfw/index.jsp", self._chrome(s, "办事服务", "<p>办事服务指南</p>", nav=nav))
        self.put(
            ip,
            "/hdjl/index.jsp",
            self._chrome(s, "互动交流", '<form><textarea name="q"></textarea></form>', nav=nav),
        )

    # -- detail pages ------------------------------------------------------------------------

    def _render_details(self, s: Site) -> None:
        seen = set()
        gbk = s.family == "asp"
        for c in s.leaves():
            for it in c.items:
                if it.url.startswith("http") or it.url in seen:
                    continue
                seen.add(it.url)
                ctype = "text/html" if gbk else "text/html; charset=utf-8"
                if it.kind == "dead":
                    self.put(s.ip, it.url, "<html><body><h1>404 Not Found</h1></body></html>", status=404)
                    continue
                if it.kind == "soft404":
                    self.put(
                        s.ip,
                        it.url,
                        '<html><head><meta charset="utf-8"><title>提示</title></head><body>'
                        '<div class="err">对不起，您访问的页面不存在或已被删除！</div><a href="/">返回首页</a></body></html>',
                    )
                    continue
                if it.kind == "file":
                    self.put(s.ip, it.url, self._attachments["pdf"][1], self._attachments["pdf"][0])
                    continue
                doc = self._detail_html(s, c, it)
                self.put(s.ip, it.url, doc.encode("gb18030") if gbk else doc, ctype)
                for a in it.attachments:
                    ext = a.rsplit(".", 1)[1]
                    ct, data = self._attachments[ext]
                    self.put(s.ip, a, data, ct)

    def _detail_html(self, s: Site, c: Column, it: Item) -> str:
        d = it.page_date()
        hm = f"{9 + it.date.day % 8:02d}:{(it.date.month * 7) % 60:02d}"
        meta = f'<meta name="ArticleTitle" content="{esc(it.title)}">\n'
        if it.detail in ("meta_label", "meta"):
            meta += f'<meta name="PubDate" content="{d:%Y-%m-%d} {hm}">\n<meta name="ContentSource" content="{s.name}">\n'
        info = ""
        if it.detail == "meta_label":
            info = f'<div class="info">发布时间：{d:%Y-%m-%d} {hm}:{d.day + 10:02d}&nbsp;&nbsp;来源：{s.name}&nbsp;&nbsp;浏览次数：<span id="hits"></span></div>'
        elif it.detail == "label":
            info = f'<div class="info"><span>发布日期：{d.year}年{d.month:02d}月{d.day:02d}日</span><span>信息来源：{s.name}</span></div>'
        elif it.detail == "label_time":
            info = f'<div class="info">作者：办公室&nbsp;&nbsp;发布时间：{d:%Y-%m-%d} {hm}&nbsp;&nbsp;点击数：{it.date.day * 13}</div>'
        elif it.detail == "meta":
            info = f'<div class="info">来源：{s.name}&nbsp;&nbsp;浏览次数：<script>document.write(1)</script></div>'
        elif it.detail == "table":
            written = d - dt.timedelta(days=3 + d.day % 9)
            info = (
                '<table class="xxgk_table" border="1"><tr><td>索&ensp;引&ensp;号：</td>'
                f"<td>01126{ALL_IPS.index(s.ip)}/{d.year}-{d.timetuple().tm_yday:05d}</td><td>发布机构：</td><td>{s.name}</td></tr>"
                f"<tr><td>成文日期：</td><td>{written:%Y-%m-%d}</td><td>文&emsp;&emsp;号：</td><td>云政发〔{d.year}〕{d.day + 3}号</td></tr>"
                f"<tr><td>发布日期：</td><td>{d:%Y-%m-%d}</td><td>有&ensp;效&ensp;性：</td><td>有效</td></tr></table>"
            )
        other = d - dt.timedelta(days=40)
        att = "".join(
            f'<p>附件：<a href="{a}">{a.rsplit("/", 1)[1].rsplit("=", 1)[-1]}</a></p>' for a in it.attachments
        )
        body = (
            f'<div class="article"><h1>{esc(it.title)}</h1>{info}<div class="content">'
            f"<p>为认真贯彻落实上级关于{TOPICS[it.date.day % len(TOPICS)]}工作的部署要求（{other.year}年{other.month}月{other.day}日），"
            f"现将有关事项通知如下。报名时间为{d.year + 1}年3月1日至3月10日。</p><p>{s.name}</p>{att}</div></div>"
        )
        if s.family == "asp":
            return (
                f'<html><head>\n<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
                f"<title>{esc(it.title)}</title>\n{meta}</head><body>"
                f'<table><tr><td><a href="index.asp">首页</a> &gt;&gt; {c.name}</td></tr></table>{body}</body></html>'
            )
        return self._chrome(s, f"{it.title}-{s.name}", body, meta)

    def _render_county_extras(self) -> None:
        s = self.sites[0]
        news = _dates_sorted(self._county_news)
        rows = "".join(
            f'<li><a href="./{it.url[len("/xwzx/jryw/") :]}">{esc(it.title)}</a><span>{it.date:%Y-%m-%d}</span></li>'
            for it in news
        )
        self.put(
            COUNTY_IP,
            "/xwzx/jryw/index.html",
            self._chrome(
                s,
                f"今日云台-{s.name}",
                f'<h2>今日云台</h2><ul class="list">{rows}</ul>'
                '<script>createPageHTML(1, 0, "index", "html");</script>',
            ),
        )
        for it in news:
            self.put(
                COUNTY_IP,
                it.url,
                self._chrome(
                    s,
                    it.title,
                    f"<h1>{esc(it.title)}</h1><p>发布时间：{it.date:%Y-%m-%d}</p>",
                    f'<meta name="PubDate" content="{it.date:%Y-%m-%d} 09:00">',
                ),
            )

    def _render_city(self) -> None:
        for s in self.sites:
            for c in s.leaves():
                for it in c.items:
                    if it.kind == "external":
                        self.put(
                            CITY_IP,
                            urlsplit(it.url).path,
                            f"<html><body><h1>{esc(it.title)}</h1></body></html>",
                        )
        self.put(CITY_IP, "/", "<html><body>市人民政府</body></html>")


def _attachment_bytes() -> dict:
    out = {}
    try:
        from reportlab.pdfgen import canvas

        buf = io.BytesIO()
        cv = canvas.Canvas(buf)
        cv.drawString(72, 720, "Yuntai county procurement document 2012")
        cv.save()
        out["pdf"] = ("application/pdf", buf.getvalue())
    except Exception:  # pragma: no cover
        out["pdf"] = ("application/pdf", b"%PDF-1.4\n%%EOF\n")
    try:
        import docx

        d = docx.Document()
        d.add_paragraph("云台县人民政府文件附件")
        buf = io.BytesIO()
        d.save(buf)
        out["docx"] = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            buf.getvalue(),
        )
    except Exception:  # pragma: no cover
        out["docx"] = ("application/octet-stream", b"PK")
    try:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active["A1"] = "预算科目"
        buf = io.BytesIO()
        wb.save(buf)
        out["xlsx"] = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.getvalue())
    except Exception:  # pragma: no cover
        out["xlsx"] = ("application/octet-stream", b"PK")
    try:
        import xlwt

        wb = xlwt.Workbook()
        wb.add_sheet("s").write(0, 0, "决算")
        buf = io.BytesIO()
        wb.save(buf)
        out["xls"] = ("application/vnd.ms-excel", buf.getvalue())
    except Exception:  # pragma: no cover
        out["xls"] = ("application/vnd.ms-excel", b"\xd0\xcf\x11\xe0")
    return out


class _Handler(QuietHandler):
    network: OtherNetwork = None  # set by subclass
    protocol_version = "HTTP/1.1"

    def _serve(self, body_params: dict | None = None):
        net = self.network
        ip = self.server.server_address[0]
        with net.lock:
            net.requests[ip] += 1
            net.paths.append((ip, self.command, self.path))
        parts = urlsplit(self.path)
        if parts.path == "/module/web/jpage/dataproxy.jsp" and ip in (JYJ_IP, LLZ_IP):
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            params.update(body_params or {})
            return self._send(200, "text/xml; charset=UTF-8", net.dataproxy(ip, params))
        hit = net.lookup(ip, self.path)
        if hit is None:
            return self._send(
                404,
                "text/html; charset=utf-8",
                b"<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
            )
        status, ctype, body = hit
        headers = {"Server": "Microsoft-IIS/6.0"} if ip == LYJ_IP else {}
        return self._send(status, ctype, body, headers)

    def _send(self, status, ctype, body, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        self._serve()

    def do_HEAD(self):
        self._serve()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n).decode("utf-8", "replace") if n else ""
        self._serve(dict(parse_qsl(raw, keep_blank_values=True)))


if __name__ == "__main__":  # pragma: no cover - manual exploration: python -m tests.othernet.network
    import json
    import time

    net = OtherNetwork().start()
    for s in net.sites:
        print(s.id, net.site_url(s))
    t = net.truth()
    print(json.dumps({k: (v["total"], v["tiers"]) for k, v in t.items()}, ensure_ascii=False))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        net.stop()
