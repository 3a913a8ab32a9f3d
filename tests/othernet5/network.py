"""A fifth unseen county network (青川县), built for incremental patrols.

Five sites on loopback 127.0.0.160-164 (one port), plus 127.0.0.165 as a foreign host that
转载 links point to (it must never be asked for anything):

=========  =====================  ======  =====================  ==========  ===========
ip         site                   tier    CMS                    page size   validators
=========  =====================  ======  =====================  ==========  ===========
.160       county 青川县人民政府   county  TRS ``createPageHTML``  20          ETag + LM
.161       jyj 青川县教育局        dept    ASP ``list.asp`` (GBK)  15          ETag only
.162       ncj 青川县农业农村局     dept    TRS ``createPageHTML``  15          LM only
.163       qsz 青山镇人民政府       town    ASP ``list.asp`` (GBK)  15          none at all
.164       smz 石门镇人民政府       town    TRS ``createPageHTML``  12          ETag + LM
=========  =====================  ======  =====================  ==========  ===========

TRS lists page only by a script call ``createPageHTML(N, cur, "index", "html")`` (no ``<a>``
to page 2); ASP lists have 首页/上一页/下一页/尾页 links. Pinned (置顶) rows with old dates
sit on top of page 1; 石门镇 通知公告's page 1 is pinned rows only. Every response of a site
with validators carries them and answers ``If-None-Match`` / ``If-Modified-Since`` with 304.

``mutate(step)`` applies the deterministic changes 1..5 (see :data:`STEPS`); ``truth()``
recomputes the counts contract for the network as it stands. ``reset()`` returns to step 0.
Every request is recorded in ``requests`` as ``(ip, method, path, status)``.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.loopback import Loopback, QuietHandler

ROOT = Path(__file__).resolve().parents[2]
IP_COUNTY, IP_JYJ, IP_NCJ, IP_QSZ, IP_SMZ, IP_FOREIGN = (f"127.0.0.{n}" for n in range(160, 166))
PERIOD = ("2000-01-01", "2013-12-31")
LM_BASE = datetime(2013, 1, 1, 8, 0, 0, tzinfo=UTC)

STEPS = {
    1: "3 new items on top of county 工作动态 (21 pages; items pushed onto later pages)",
    2: "changed title of an item on page 1 of 教育局 教育动态 (ASP, ETag only)",
    3: "new column 项目建设 in 农业农村局's tree (TRS, Last-Modified only)",
    4: "new item in 石门镇 通知公告, whose page 1 is all pinned rows (the item lands on page 2)",
    5: "the 2nd regular item of county 政策文件 page 1 deleted (items shift back; detail 404)",
}

NAV = [("首页", "/"), ("政务服务", "/zwfw/index.html"), ("互动交流", "/hdjl/index.html")]


@dataclass
class Item:
    id: int
    path: str  # absolute path on its host, or a full URL for a 转载 link
    title: str
    day: date
    pinned: bool = False
    docno: str = ""
    attachment: str = ""  # path of a PDF attachment, or ""

    @property
    def external(self) -> bool:
        return self.path.startswith("http")


@dataclass
class Col:
    key: str  # TRS folder or ASP id
    name: str
    items: list[Item] = field(default_factory=list)  # pinned first (in display order), then newest first


@dataclass
class SiteDef:
    id: str
    name: str
    tier: str
    ip: str
    style: str  # trs | asp
    validators: str  # both | etag | lm | none
    page_size: int
    encoding: str
    cols: list[Col] = field(default_factory=list)


TOPICS = [
    "召开{y}年工作推进会",
    "开展安全生产大检查",
    "部署防汛抗旱工作",
    "组织干部集中学习",
    "推进重点项目建设",
    "开展春季植树活动",
    "召开党风廉政建设会议",
    "落实惠民政策资金",
    "举办专题培训班",
    "开展环境卫生整治",
    "督查民生工程进度",
    "召开脱贫攻坚调度会",
    "公布{y}年度考核结果",
    "开展法治宣传进社区",
    "检查冬季森林防火",
    "推进美丽乡村建设",
]
DOC_TOPICS = [
    "关于印发{y}年工作要点的通知",
    "关于做好安全生产工作的通知",
    "关于加强财政资金管理的意见",
    "关于公布行政权力清单的通知",
    "关于调整领导小组成员的通知",
    "关于开展专项整治行动的实施方案",
]


def _days(rng: random.Random, n: int, lo: date, hi: date) -> list[date]:
    span = (hi - lo).days
    return sorted((lo + timedelta(days=rng.randrange(span + 1)) for _ in range(n)), reverse=True)


class OtherNetwork5:
    def __init__(self) -> None:
        self.port = 0
        self.requests: list[tuple[str, str, str, int]] = []
        self._servers: Loopback | None = None
        self._lock = threading.Lock()
        self._lm: dict[tuple[str, str], tuple[str, datetime]] = {}
        self.reset()

    # ------------------------------------------------------------------ content
    def reset(self) -> None:
        """Back to step 0 (the content is regenerated identically)."""
        self.step = 0
        self._next_id = 4000
        self.sites = self._build()
        self._lm.clear()
        self._index()

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _trs_item(self, site: SiteDef, col: Col, d: date, title: str, **kw) -> Item:
        i = self._new_id()
        base = "/zwgk" if site.id == "county" else "/xxgk"
        return Item(i, f"{base}/{col.key}/{d:%Y%m}/t{d:%Y%m%d}_{i}.html", title, d, **kw)

    def _asp_item(self, d: date, title: str, **kw) -> Item:
        i = self._new_id()
        return Item(i, f"/show.asp?id={i}", title, d, **kw)

    def _fill(self, site: SiteDef, col: Col, rng, n: int, org: str, docs=False, pinned=0) -> None:
        lo, hi = date(2008, 1, 2), date(2012, 12, 20)
        made: list[Item] = []
        for k, d in enumerate(_days(rng, n, lo, hi)):
            tpl = rng.choice(DOC_TOPICS if docs else TOPICS).format(y=d.year)
            title = f"{org}{tpl}" + (f"（{d:%m月%d日}）" if k % 3 == 0 else "")
            kw = {}
            if docs:
                kw["docno"] = f"青政发〔{d.year}〕{n - k}号"
                if k % 25 == 0:
                    kw["attachment"] = "att"
            it = (
                self._trs_item(site, col, d, title, **kw)
                if site.style == "trs"
                else self._asp_item(d, title, **kw)
            )
            if it.attachment:
                it.attachment = (
                    f"{it.path.rsplit('/', 1)[0]}/P0{d:%Y%m%d}{it.id}.pdf"
                    if site.style == "trs"
                    else f"/uploadfile/{d:%Y%m}/{it.id}.pdf"
                )
            made.append(it)
        pins = []
        for p in range(pinned):
            d = date(2008 + p % 2, 3 + p % 9, 1 + p)
            title = f"{org}关于{['政务公开', '信息公开指南', '依申请公开', '举报电话', '办事指南'][p % 5]}的说明（置顶{p + 1}）"
            pins.append(
                self._trs_item(site, col, d, title, pinned=True)
                if site.style == "trs"
                else self._asp_item(d, title, pinned=True)
            )
        col.items = pins + made

    def _build(self) -> list[SiteDef]:
        rng = random.Random(20130105)
        county = SiteDef("county", "青川县人民政府", "county", IP_COUNTY, "trs", "both", 20, "utf-8")
        jyj = SiteDef("jyj", "青川县教育局", "department", IP_JYJ, "asp", "etag", 15, "gb18030")
        ncj = SiteDef("ncj", "青川县农业农村局", "department", IP_NCJ, "trs", "lm", 15, "utf-8")
        qsz = SiteDef("qsz", "青山镇人民政府", "town", IP_QSZ, "asp", "none", 15, "gb18030")
        smz = SiteDef("smz", "石门镇人民政府", "town", IP_SMZ, "trs", "both", 12, "utf-8")

        def col(site, key, name, n, org, **kw):
            c = Col(key, name)
            self._fill(site, c, rng, n, org, **kw)
            site.cols.append(c)
            return c

        col(county, "gzdt", "工作动态", 420, "青川县")
        zcwj = col(county, "zcwj", "政策文件", 160, "青川县人民政府", docs=True, pinned=3)
        tzgg = col(county, "tzgg", "通知公告", 118, "县政府办")
        col(county, "rsxx", "人事信息", 40, "县人社局")
        col(county, "czyjs", "财政预决算", 0, "县财政局")
        col(county, "jgzn", "机构职能", 3, "县政府")
        # cross-listed: five 政策文件 documents also listed in 通知公告 (same URL), and two 转载 links
        cross = [it for it in zcwj.items if not it.pinned][5:10]
        ext = [
            Item(
                self._new_id(),
                f"http://{IP_FOREIGN}/art/2012/6/{d}/art_12_{d}.html",
                f"市政府转发：防汛通知{d}",
                date(2012, 6, d),
            )
            for d in (3, 17)
        ]
        tzgg.items = sorted(tzgg.items + cross + ext, key=lambda it: (it.day, it.id), reverse=True)

        col(jyj, "11", "教育动态", 150, "县教育局")
        col(jyj, "12", "通知公告", 60, "县教育局", pinned=2)
        col(jyj, "13", "规划计划", 20, "县教育局")
        # a character outside GB2312 in one title (GB18030 on the wire)
        jyj.cols[0].items[7].title = "朱镕基希望小学" + jyj.cols[0].items[7].title

        col(ncj, "nydt", "农业动态", 120, "县农业农村局")
        col(ncj, "zcfg", "政策法规", 45, "县农业农村局", docs=True)

        col(qsz, "21", "镇务动态", 130, "青山镇")
        col(qsz, "22", "公示公告", 50, "青山镇", pinned=1)

        col(smz, "gzdt", "工作动态", 100, "石门镇")
        col(smz, "tzgg", "通知公告", 40, "石门镇", pinned=12)
        col(smz, "czxx", "财政信息", 30, "石门镇财政所")
        return [county, jyj, ncj, qsz, smz]

    def _index(self) -> None:
        self._by_ip = {s.ip: s for s in self.sites}
        self._details: dict[tuple[str, str], tuple[SiteDef, Col, Item]] = {}
        self._atts: dict[tuple[str, str], Item] = {}
        for s in self.sites:
            for c in s.cols:
                for it in c.items:
                    if it.external:
                        continue
                    self._details.setdefault((s.ip, it.path), (s, c, it))
                    if it.attachment:
                        self._atts[(s.ip, it.attachment)] = it

    def site(self, sid: str) -> SiteDef:
        return next(s for s in self.sites if s.id == sid)

    def col(self, sid: str, key: str) -> Col:
        return next(c for c in self.site(sid).cols if c.key == key)

    def mutate(self, step: int) -> dict:
        """Apply step 1..5 (in any order, each once); returns what changed (absolute URLs)."""
        with self._lock:
            info = self._mutate(step)
            self.step = step
            self._index()
        return info

    def _mutate(self, step: int) -> dict:
        if step == 1:
            s = self.site("county")
            c = self.col("county", "gzdt")
            new = [
                self._trs_item(s, c, date(2012, 12, 28), f"青川县召开{t}")
                for t in ("岁末安全生产会议", "年终工作总结会", "迎新春慰问座谈会")
            ]
            c.items = new[::-1] + c.items
            return {"new": [self.url(s, it.path) for it in new]}
        if step == 2:
            s = self.site("jyj")
            it = self.col("jyj", "11").items[3]  # the 4th row of page 1 (the column has no pinned rows)
            it.title = it.title + "（更正）"
            return {"changed": {self.url(s, it.path): it.title}}
        if step == 3:
            s = self.site("ncj")
            c = Col("xmjs", "项目建设")
            self._fill(s, c, random.Random(3), 25, "县农业农村局")
            s.cols.insert(1, c)
            return {"column": self.col_url(s, c), "new": [self.url(s, it.path) for it in c.items]}
        if step == 4:
            s = self.site("smz")
            c = self.col("smz", "tzgg")
            it = self._trs_item(s, c, date(2012, 12, 27), "石门镇关于元旦期间值班安排的通知")
            npins = sum(1 for x in c.items if x.pinned)
            c.items.insert(npins, it)
            return {"new": [self.url(s, it.path)]}
        if step == 5:
            s = self.site("county")
            c = self.col("county", "zcwj")
            regular = [i for i, x in enumerate(c.items) if not x.pinned]
            it = c.items.pop(regular[1])
            return {"removed": self.url(s, it.path)}
        raise ValueError(step)

    # ------------------------------------------------------------------ URLs
    def base(self, ip: str) -> str:
        return f"http://{ip}:{self.port}"

    def url(self, s: SiteDef, path: str) -> str:
        return path if path.startswith("http") else self.base(s.ip) + path

    def col_path(self, s: SiteDef, c: Col, page: int = 0) -> str:
        if s.style == "asp":
            return f"/list.asp?id={c.key}" + (f"&page={page + 1}" if page else "")
        base = "/zwgk" if s.id == "county" else "/xxgk"
        return f"{base}/{c.key}/" + ("index.html" if page == 0 else f"index_{page}.html")

    def col_url(self, s: SiteDef, c: Col) -> str:
        """The contract's column URL: first list page, ``index.html`` and page number dropped."""
        p = self.col_path(s, c)
        return self.base(s.ip) + (p[: -len("index.html")] if p.endswith("index.html") else p)

    def entry_path(self, s: SiteDef) -> str:
        return {"trs": "/zwgk/index.html" if s.id == "county" else "/xxgk/index.html", "asp": "/xxgk.asp"}[
            s.style
        ]

    # ------------------------------------------------------------------ truth
    def truth(self) -> dict:
        with open(ROOT / "config" / "rules.yaml", encoding="utf-8") as fh:
            cats = yaml.safe_load(fh)["counting"]["categories"]

        def category(name: str) -> str:
            for c in cats:
                if any(re.search(p, name) for p in c["patterns"]):
                    return c["key"]
            return cats[-1]["key"]

        lo, hi = (date.fromisoformat(d) for d in PERIOD)
        tiers = {"county": 0, "department": 0, "town": 0}
        sites = []
        for s in self.sites:
            cols, site_urls = [], set()
            for c in s.cols:
                urls = {self.url(s, it.path): it.day for it in c.items}
                inp = {u for u, d in urls.items() if lo <= d <= hi}
                site_urls |= inp
                last = max((d for d in urls.values() if d <= hi), default=None)
                cols.append(
                    {
                        "url": self.col_url(s, c),
                        "name": c.name,
                        "category": category(c.name),
                        "items": len(inp),
                        "items_total": len(urls),
                        "last_published": last.isoformat() if last else None,
                    }
                )
            tiers[s.tier] += len(site_urls)
            sites.append(
                {"id": s.id, "name": s.name, "tier": s.tier, "items": len(site_urls), "columns": cols}
            )
        counts = {
            "from": PERIOD[0],
            "to": PERIOD[1],
            "total": sum(tiers.values()),
            "tiers": tiers,
            "sites": sites,
        }
        return {"counts_all": counts}

    def titles(self) -> dict[str, str]:
        return {self.url(s, it.path): it.title for s in self.sites for c in s.cols for it in c.items}

    # ------------------------------------------------------------------ config
    def write_config(self, path: Path, crawl: dict | None = None) -> None:
        conf = {
            "sites": [
                {"id": s.id, "name": s.name, "tier": s.tier, "url": self.base(s.ip) + "/"} for s in self.sites
            ],
            "crawl": {
                "concurrency_per_site": 4,
                "delay_seconds": 0,
                "autothrottle": False,
                "obey_robots": True,
                **(crawl or {}),
            },
        }
        Path(path).write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # ------------------------------------------------------------------ pages
    def _nav(self, s: SiteDef) -> str:
        links = "".join(f'<li><a href="{h}">{t}</a></li>' for t, h in NAV)
        links += f'<li><a href="{self.entry_path(s)}">政府信息公开</a></li>'
        return f'<div class="header"><h1 class="logo">{s.name}</h1><ul class="nav">{links}</ul></div>'

    def _page(self, s: SiteDef, title: str, body: str, meta: str = "") -> str:
        charset = "gb2312" if s.encoding != "utf-8" else "utf-8"
        return (
            f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f'<title>{title}</title><meta name="SiteName" content="{s.name}">{meta}</head><body>'
            f'{self._nav(s)}<div class="main">{body}</div>'
            f'<div class="footer">主办：{s.name} 版权所有 备案号：蜀ICP备05000{ord(s.ip[-1])}号</div></body></html>'
        )

    def _home(self, s: SiteDef) -> str:
        c = s.cols[0]
        latest = [it for it in c.items if not it.pinned][:6]
        lis = "".join(
            f'<li><a href="{it.path}" target="_blank">{it.title}</a><span>{it.day:%m-%d}</span></li>'
            for it in latest
        )
        body = (
            f'<div class="banner"><a href="{self.entry_path(s)}"><img src="/images/xxgk.png" alt="信息公开"></a></div>'
            f'<div class="box"><h3>最新动态</h3><ul>{lis}</ul></div>'
            '<div class="box"><h3>便民服务</h3><a href="/hdjl/index.html">领导信箱</a></div>'
        )
        return self._page(s, s.name, body)

    def _entry(self, s: SiteDef) -> str:
        if s.style == "trs":
            lis = "".join(f'<li><a href="./{c.key}/">{c.name}</a></li>' for c in s.cols)
            body = f'<div class="left"><h2>信息公开目录</h2><ul class="tree">{lis}</ul></div>'
        else:
            tds = "".join(
                f'<tr><td class="menu"><a href="list.asp?id={c.key}">{c.name}</a></td></tr>' for c in s.cols
            )
            body = f'<table class="xxgk" width="200"><tr><th>信息公开目录</th></tr>{tds}</table>'
        guide = '<div class="right"><h3>信息公开指南</h3><p>本机关主动公开政府信息。</p></div>'
        return self._page(s, f"政府信息公开-{s.name}", body + guide)

    def _simple(self, s: SiteDef, title: str) -> str:
        return self._page(s, title, f"<h2>{title}</h2><p>请拨打服务电话 0839-1234567。</p>")

    def _list(self, s: SiteDef, c: Col, page: int) -> str | None:
        ps = s.page_size
        n = len(c.items)
        pages = max(1, -(-n // ps))
        if page >= pages:
            return None
        rows = c.items[page * ps : (page + 1) * ps]
        crumb = f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{self.entry_path(s)}">信息公开</a> &gt; {c.name}</div>'
        meta = f'<meta name="ColumnName" content="{c.name}"><meta name="ColumnType" content="信息公开">'
        if s.style == "trs":
            prefix = self.col_path(s, c).rsplit("/", 1)[0] + "/"
            lis = []
            for it in rows:
                href = (
                    it.path
                    if it.external
                    else "./" + it.path[len(prefix) :]
                    if it.path.startswith(prefix)
                    else it.path
                )
                short = it.title if len(it.title) <= 24 else it.title[:23] + "…"
                top = '<span class="zd">[置顶]</span>' if it.pinned else ""
                lis.append(
                    f'<li>{top}<a href="{href}" title="{it.title}" target="_blank">{short}</a>'
                    f'<span class="date">{it.day:%Y-%m-%d}</span></li>'
                )
            listing = f'<ul class="list">{"".join(lis)}</ul>' if rows else '<div class="empty">暂无信息</div>'
            pager = (
                f'<div class="page"><script>createPageHTML({pages}, {page}, "index", "html");</script></div>'
            )
            body = f'{crumb}<div class="column"><h2>{c.name}</h2>{listing}{pager}</div>'
        else:
            trs = []
            for it in rows:
                top = (
                    '<img src="/images/top.gif" alt="置顶"> <font color="red">置顶</font> '
                    if it.pinned
                    else ""
                )
                dt = (
                    f"{it.day.year}年{it.day.month}月{it.day.day}日"
                    if s.id == "qsz"
                    else f"{it.day:%Y-%m-%d}"
                )
                trs.append(
                    f'<tr><td width="20">·</td><td>{top}<a href="{it.path}" target="_blank">{it.title}</a></td>'
                    f'<td width="120" align="right">{dt}</td></tr>'
                )
            if not rows:
                trs.append('<tr><td colspan="3">没有记录</td></tr>')
            k = page + 1
            lk = f"list.asp?id={c.key}&page="
            links = [f'<a href="{lk}1">首页</a>' if k > 1 else "首页"]
            links.append(f'<a href="{lk}{k - 1}">上一页</a>' if k > 1 else "上一页")
            links.append(f'<a href="{lk}{k + 1}">下一页</a>' if k < pages else "下一页")
            links.append(f'<a href="{lk}{pages}">尾页</a>' if k < pages else "尾页")
            pager = f'<div class="pager">共{n}条记录 第{k}/{pages}页 {" ".join(links)}</div>'
            body = f'{crumb}<table class="list" width="100%">{"".join(trs)}</table>{pager}'
        return self._page(s, f"{c.name}-{s.name}", body, meta)

    def _detail(self, s: SiteDef, c: Col, it: Item) -> str:
        meta = (
            f'<meta name="ArticleTitle" content="{it.title}"><meta name="PubDate" content="{it.day:%Y-%m-%d} 09:30">'
            f'<meta name="ColumnName" content="{c.name}">'
        )
        table = ""
        if it.docno:
            made = it.day - timedelta(days=3)
            table = (
                '<table class="xxgk_info">'
                f"<tr><td>索引号：</td><td>QC{it.day.year}-{it.id:05d}</td><td>发布机构：</td><td>{s.name}</td></tr>"
                f"<tr><td>成文日期：</td><td>{made.year}年{made.month:02d}月{made.day:02d}日</td>"
                f"<td>文号：</td><td>{it.docno}</td></tr></table>"
            )
        att = f'<p>附件：<a href="{it.attachment}">{it.title}.pdf</a></p>' if it.attachment else ""
        body = (
            f'<div class="article"><h1>{it.title}</h1>{table}'
            f'<div class="info">发布日期：{it.day:%Y-%m-%d} 来源：{s.name}</div>'
            f'<div class="content"><p>{it.title}。为进一步做好相关工作，现将有关事项公布如下。</p>'
            f"<p>一、高度重视，加强领导。二、明确责任，抓好落实。</p></div>{att}</div>"
        )
        return self._page(s, f"{it.title}-{s.name}", body, meta)

    @staticmethod
    def _pdf(text: str) -> bytes:
        body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objs = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        out, offs = b"%PDF-1.4\n", []
        for i, o in enumerate(objs, 1):
            offs.append(len(out))
            out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offs)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
        return out

    def render(self, ip: str, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a GET of ``path`` on ``ip``."""
        s = self._by_ip.get(ip)
        if s is None:
            return 404, "text/html", b"<h1>404 Not Found</h1>"
        html: str | None = None
        parts = urlsplit(path)
        p = parts.path
        if p == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /admin/\n"
        if p in ("/", "/index.html", "/index.htm", "/default.asp"):
            html = self._home(s)
        elif path == self.entry_path(s):
            html = self._entry(s)
        elif p in ("/zwfw/index.html", "/hdjl/index.html"):
            html = self._simple(s, "政务服务" if "zwfw" in p else "领导信箱")
        elif (ip, path) in self._atts:
            return 200, "application/pdf", self._pdf(f"attachment {self._atts[(ip, path)].id}")
        elif (ip, path) in self._details:
            html = self._detail(*self._details[(ip, path)])
        elif s.style == "asp" and p == "/list.asp":
            q = parse_qs(parts.query)
            c = next((c for c in s.cols if c.key == q.get("id", [""])[0]), None)
            try:
                page = int(q.get("page", ["1"])[0]) - 1
            except ValueError:
                page = 0
            if c is not None:
                html = self._list(s, c, max(page, 0))
        elif s.style == "trs":
            m = re.fullmatch(r"/(?:zwgk|xxgk)/([a-z]+)/(?:index(?:_(\d+))?\.html)?", p)
            c = next((c for c in s.cols if m and c.key == m.group(1)), None)
            if c is not None and p.startswith(self.col_path(s, c).rsplit("/", 1)[0]):
                html = self._list(s, c, int(m.group(2) or 0))
        if html is None:
            return 404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>"
        ctype = "text/html" if s.encoding != "utf-8" else "text/html; charset=utf-8"
        return 200, ctype, html.encode(s.encoding)

    # ------------------------------------------------------------------ server
    def _handler(self):
        net = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def do_HEAD(self):
                self._serve(head=True)

            def do_GET(self):
                self._serve()

            def _serve(self, head: bool = False):
                ip = self.server.server_address[0]
                with net._lock:
                    status, ctype, body = net.render(ip, self.path)
                    s = net._by_ip.get(ip)
                    headers = {"Content-Type": ctype}
                    not_modified = False
                    if status == 200 and s is not None and s.validators != "none":
                        digest = hashlib.sha1(body).hexdigest()[:20]
                        etag = f'"{digest}"'
                        key = (ip, self.path)
                        old = net._lm.get(key)
                        if old is None or old[0] != digest:
                            lm = LM_BASE + timedelta(days=net.step, seconds=int(digest[:4], 16) % 3600)
                            net._lm[key] = (digest, lm)
                        lm = net._lm[key][1]
                        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
                        if s.validators in ("both", "etag"):
                            headers["ETag"] = etag
                        if s.validators in ("both", "lm"):
                            headers["Last-Modified"] = format_datetime(lm, usegmt=True)
                        if inm and s.validators in ("both", "etag"):
                            not_modified = etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
                        elif ims and s.validators in ("both", "lm"):
                            try:
                                not_modified = lm <= parsedate_to_datetime(ims)
                            except (TypeError, ValueError):
                                not_modified = False
                    if not_modified:
                        status = 304
                    net.requests.append((ip, self.command, self.path, status))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if status == 304:
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)

        return Handler

    def start(self) -> OtherNetwork5:
        ips = [IP_COUNTY, IP_JYJ, IP_NCJ, IP_QSZ, IP_SMZ, IP_FOREIGN]
        # a killed patrol resets its connections: no traceback for those
        self._servers = Loopback(ips, self._handler(), quiet_errors=True).serve()
        self.port = self._servers.port
        return self

    def stop(self) -> None:
        if self._servers is not None:
            self._servers.stop()
        self._servers = None

    def __enter__(self) -> OtherNetwork5:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


if __name__ == "__main__":  # pragma: no cover - manual look at the network
    import json
    import time

    net = OtherNetwork5().start()
    print("county:", net.base(IP_COUNTY) + "/")
    print(
        json.dumps({k: v for k, v in net.truth()["counts_all"].items() if k != "sites"}, ensure_ascii=False)
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        net.stop()
