"""A third unseen county portal network (青岚县), built independently of the demo.

Nine sites on loopback 127.0.0.100-120 (one port): the county portal is a 集约化 platform
that hosts three departments and one town under its own path; two departments and two
towns run on their own hosts (Hanweb with POST-only dataproxy.jsp, ASP/GBK, PHP-style
``?page=N`` with 下一页 only, ASPX ``default.aspx?pageno=N``).  Everything is generated
deterministically; ``truth()`` computes counts and timeliness findings from the generator's
own records (by RULES.md and config/rules.yaml), never from the served HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import random
import re
import threading
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import chinese_calendar
import yaml

from tests.loopback import Loopback, QuietHandler

D = dt.date
AS_OF = D(2013, 1, 7)
RULES = Path(__file__).resolve().parents[2] / "config" / "rules.yaml"

IP_COUNTY = "127.0.0.101"  # 集约化 platform: county + jtj, jyj, wsj (departments) + hxz (town)
IP_FGJ = "127.0.0.105"  # Hanweb department
IP_AJJ = "127.0.0.106"  # ASP / GBK department
IP_SMZ = "127.0.0.110"  # PHP-style town, ?page=N with 下一页 only
IP_LTZ = "127.0.0.111"  # ASPX town, default.aspx?pageno=N
IP_CITY = "127.0.0.119"  # 市政府 portal: target of 转载 links, not configured
IPS = [IP_COUNTY, IP_FGJ, IP_AJJ, IP_SMZ, IP_LTZ, IP_CITY]

SOFT_404 = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>提示信息</title></head><body>"
    "<div class='err' style='margin:80px auto;width:500px'><img src='/images/err.png' alt=''>"
    "<p>对不起，您访问的页面不存在或已被删除！</p><p><a href='/'>返回首页</a></p></div></body></html>"
)

FILL = [
    "安全生产",
    "春耕生产",
    "防汛抗旱",
    "招商引资",
    "农村公路养护",
    "义务教育均衡发展",
    "新型农村合作医疗",
    "秸秆禁烧",
    "森林防火",
    "扶贫开发",
    "城乡环境综合整治",
    "食品药品安全",
    "冬季征兵",
    "农民工工资清欠",
    "重大项目建设",
    "社会治安综合治理",
    "计划生育优质服务",
    "民生工程",
]
TPL = {
    "dyn": [
        "召开{}工作推进会",
        "开展{}专项检查活动",
        "全面部署{}工作",
        "{}工作取得阶段性成效",
        "县领导深入基层调研{}工作",
    ],
    "notice": ["关于做好{}工作的通知", "关于{}有关事项的公告", "关于开展{}督查的通知", "关于{}情况的公示"],
    "policy": [
        "关于印发{}实施方案的通知",
        "关于进一步加强{}管理的意见",
        "{}管理暂行办法",
        "关于推进{}工作的决定",
    ],
    "plan": ["{}“十二五”规划", "{}年度工作计划", "{}工作要点"],
    "person": ["关于{}岗位人员任免的通知", "{}公开招聘工作人员公告", "关于{}人员考录结果的公示"],
    "misc": ["{}情况说明", "{}信息", "{}相关材料", "{}办理情况"],
}


@dataclass
class Item:
    url: str  # absolute
    title: str
    pub: D | None  # the real publish date (row's full date, else detail's); None = undated
    written: D | None = None  # 成文日期 on the detail page
    dead: str | None = None  # "404" | "soft"
    external: bool = False
    kind: str = "html"  # html | pdf
    detail: str = "normal"  # how the detail page shows its date (style-specific)
    site: str = ""
    uid: int = 0
    urldate: D | None = None


@dataclass
class Entry:
    item: Item
    row: str = "full"  # full | mmdd | none | title
    pinned: bool = False


@dataclass
class Column:
    key: str
    name: str
    url: str  # normalised column URL (absolute)
    entries: list[Entry] = field(default_factory=list)
    per_page: int = 20
    parent: str | None = None


@dataclass
class Site:
    id: str
    name: str
    tier: str
    url: str
    style: str
    columns: list[Column] = field(default_factory=list)
    home: list[Item] = field(default_factory=list)

    def col(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def workdays_after(start: D, end: D) -> int:
    """Working days after ``start`` up to and including ``end`` (official calendar)."""
    n, d = 0, start + dt.timedelta(days=1)
    while d <= end:
        n += chinese_calendar.is_workday(d)
        d += dt.timedelta(days=1)
    return n


def back_workdays(pub: D, n: int) -> D:
    d, count = pub, 0
    while count < n:
        if chinese_calendar.is_workday(d):
            count += 1
        d -= dt.timedelta(days=1)
    assert workdays_after(d, pub) == n
    return d


def esc(s: str) -> str:
    return html.escape(s, quote=True)


def short(t: str, n: int = 18) -> str:
    return t if len(t) <= n else t[:n] + "…"


class OtherNetwork3:
    def __init__(self, platform_header: bool = True) -> None:
        # platform_header: sub-sites on the 集约化 platform carry the county's header and a link
        # back to the county's 政府信息公开 (as real platforms do); False only for diagnosis.
        self.platform_header = platform_header
        self.port = 0
        self.servers: Loopback | None = None
        self.requests: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> OtherNetwork3:
        self.servers = Loopback(IPS, _Handler, network=self).bind()
        self.port = self.servers.port
        self._build()
        self.servers.serve()
        return self

    def stop(self) -> None:
        if self.servers is not None:
            self.servers.stop()
        self.servers = None

    def base(self, ip: str) -> str:
        return f"http://{ip}:{self.port}"

    def write_config(self, path: str | Path) -> None:
        sites = []
        for s in self.sites:
            sites.append({"id": s.id, "name": s.name, "tier": s.tier, "url": s.url, "scope": [s.url]})
        conf = {
            "sites": sites,
            "crawl": {
                "delay_seconds": 0,
                "autothrottle": False,
                "concurrency_per_site": 4,
                "concurrency_per_host": 4,
            },
        }
        Path(path).write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # ------------------------------------------------------------------ generation
    def _build(self) -> None:
        self.rng = random.Random(20130107)
        self.uid = 1000
        self.pages: dict[tuple[str, str], tuple[int, str, bytes]] = {}
        self.proxy: dict[int, list[str]] = {}  # Hanweb columnid -> record html
        A, B, C = self.base(IP_COUNTY), self.base(IP_FGJ), self.base(IP_AJJ)
        Dm, E, X = self.base(IP_SMZ), self.base(IP_LTZ), self.base(IP_CITY)
        self.city = X
        county = Site("qlx", "青岚县人民政府", "county", f"{A}/", "trs")
        jtj = Site("qlx-jtj", "青岚县交通运输局", "department", f"{A}/zwgk/bmxxgk/jtj/", "trs")
        jyj = Site("qlx-jyj", "青岚县教育局", "department", f"{A}/zwgk/bmxxgk/jyj/", "empire")
        wsj = Site("qlx-wsj", "青岚县卫生局", "department", f"{A}/zwgk/bmxxgk/wsj/", "trs")
        fgj = Site("qlx-fgj", "青岚县发展和改革局", "department", f"{B}/", "hanweb")
        ajj = Site("qlx-ajj", "青岚县安全生产监督管理局", "department", f"{C}/", "asp")
        hxz = Site("qlx-hxz", "青岚县河西镇人民政府", "town", f"{A}/zwgk/xzxxgk/hxz/", "trstable")
        smz = Site("qlx-smz", "青岚县石门镇人民政府", "town", f"{Dm}/", "php")
        ltz = Site("qlx-ltz", "青岚县龙潭镇人民政府", "town", f"{E}/", "aspx")
        self.sites = [county, jtj, jyj, wsj, fgj, ajj, hxz, smz, ltz]

        # ---------------- county (TRS platform; several templates)
        P = f"{A}/zwgk/"
        self._col(county, "jgzn", "机构职能", P + "jgzn/", 4, D(2012, 3, 15), "plan", "trs")
        zcwj = self._col(
            county, "zcwj", "政策文件", P + "zcwj/", 52, D(2012, 11, 20), "policy", "trs", per_page=20
        )
        self._written(zcwj, late={5: 23, 17: 31, 30: 45}, late_pub={5: D(2012, 10, 19)})
        ghjh = self._col(county, "ghjh", "规划计划", P + "ghjh/", 6, D(2011, 10, 10), "plan", "trs")
        ghjh.entries[2].item.kind = "pdf"
        ghjh.entries[2].item.url = P + "ghjh/201106/P020110620388412.pdf"
        self._col(county, "rsxx", "人事信息", P + "rsxx/", 12, D(2012, 12, 12), "person", "trs")
        gzdt = self._col(
            county, "gzdt", "工作动态", P + "gzdt/", 60, D(2012, 12, 30), "dyn", "trs", per_page=15
        )
        ext = Item(
            f"{X}/art/2012/11/5/art_301_88121.html", "市政府召开全市冬季安全生产电视电话会议", D(2012, 11, 5)
        )
        ext.external = True
        gzdt.entries.insert(20, Entry(ext))
        tzgg = self._col(
            county, "tzgg", "通知公告", P + "tzgg/", 32, D(2012, 12, 20), "notice", "trs", per_page=20
        )
        pin = self._item(county, P + "tzgg/", "关于启用青岚县人民政府门户网站新域名的公告", D(2010, 6, 1))
        tzgg.entries.insert(0, Entry(pin, pinned=True))
        tzgg.entries[9].item.dead = "soft"
        for e in (zcwj.entries[1], zcwj.entries[4]):  # cross-listed policy documents
            tzgg.entries.insert(3, Entry(e.item))
        tzgg.entries.sort(key=lambda e: (not e.pinned, -(e.item.pub or D(1900, 1, 1)).toordinal()))
        county.columns.append(Column("czxx", "财政信息", P + "czxx/", parent=""))
        self._col(
            county, "czyjs", "财政预决算", P + "czxx/czyjs/", 8, D(2012, 8, 30), "misc", "trs", parent="czxx"
        )
        self._col(county, "sgjf", "三公经费", P + "czxx/sgjf/", 0, None, "misc", "trs", parent="czxx")
        xzxk = self._col(county, "xzxk", "行政许可", P + "xzxk/", 10, D(2012, 12, 5), "misc", "trs")
        for i, e in enumerate(xzxk.entries):
            if i % 2 == 1:
                e.row = "none"
                e.item.detail = "meta" if i % 4 == 1 else "alt"
        county.columns.append(Column("zdly", "重点领域信息公开", P + "zdly/", parent=""))
        self._col(
            county, "fpgz", "扶贫工作", P + "zdly/fpgz/", 9, D(2012, 11, 28), "dyn", "trs", parent="zdly"
        )
        hjbh = self._col(
            county, "hjbh", "环境保护", P + "zdly/hjbh/", 7, D(2012, 10, 9), "misc", "trs", parent="zdly"
        )
        und = self._item(county, P + "zdly/hjbh/", "青岚县集中式饮用水水源地环境状况报告", None)
        und.detail = "nodate"
        hjbh.entries.insert(3, Entry(und, row="none"))
        nb = self._col(county, "ndbg", "政府信息公开年报", P + "ndbg/", 3, D(2012, 3, 29), "misc", "trs")
        for e, y in zip(nb.entries, (2011, 2010, 2009), strict=True):
            e.item.title = f"青岚县人民政府{y}年政府信息公开工作年度报告"
        county.home = [e.item for e in gzdt.entries[:7] if not e.item.external] + [
            e.item for e in tzgg.entries[1:6]
        ]

        # ---------------- 交通运输局 (集约化 sub-site, TRS li)
        J = jtj.url
        self._col(jtj, "gzdt", "工作动态", J + "gzdt/", 20, D(2012, 11, 15), "dyn", "trs", per_page=15)
        self._col(jtj, "tzgg", "通知公告", J + "tzgg/", 10, D(2012, 10, 8), "notice", "trs")
        jz = self._col(jtj, "zcwj", "政策文件", J + "zcwj/", 8, D(2012, 5, 20), "policy", "trs")
        self._written(jz, late={2: 26})
        ld = self._col(jtj, "ldxx", "领导信息", J + "ldxx/", 0, None, "plan", "trs")
        for name in ("局长：王建国", "副局长：李明华", "副局长：赵喆"):
            it = self._item(jtj, J + "ldxx/", name, None)
            it.detail = "nodate"
            ld.entries.append(Entry(it, row="none"))
        self._col(jtj, "jgzn", "机构职能", J + "jgzn/", 2, D(2012, 2, 20), "plan", "trs")
        jtj.home = [e.item for e in jtj.col("gzdt").entries[:5]] + [
            e.item for e in jtj.col("tzgg").entries[:3]
        ]

        # ---------------- 教育局 (集约化 sub-site, EmpireCMS template)
        Y = jyj.url
        self._col(jyj, "jydt", "教育动态", Y + "jydt/", 45, D(2012, 12, 27), "dyn", "empire", per_page=15)
        jt = self._col(
            jyj, "tzgg", "通知公告", Y + "tzgg/", 15, D(2012, 11, 30), "notice", "empire", per_page=15
        )
        jt.entries.insert(0, jt.entries.pop(6))  # top-sorted without a 置顶 marker
        self._col(jyj, "zsks", "招生考试", Y + "zsks/", 10, D(2012, 7, 10), "misc", "empire", per_page=15)
        self._col(jyj, "rsxx", "人事信息", Y + "rsxx/", 0, None, "person", "empire")
        jyj.home = [e.item for e in jyj.col("jydt").entries[:8]]

        # ---------------- 卫生局 (集约化 sub-site, TRS li with 最新信息 sidebar)
        W = wsj.url
        self._col(wsj, "wsdt", "卫生动态", W + "wsdt/", 30, D(2012, 12, 28), "dyn", "trs", per_page=20)
        wg = self._col(wsj, "gsgg", "公示公告", W + "gsgg/", 15, D(2012, 9, 14), "notice", "trs", per_page=20)
        self._written(wg, late={4: 22})
        self._col(wsj, "ghjh", "规划计划", W + "ghjh/", 6, D(2012, 6, 1), "plan", "trs")
        self._col(wsj, "tjxx", "统计信息", W + "tjxx/", 8, D(2012, 10, 20), "misc", "trs")
        wsj.home = [e.item for e in wsj.col("wsdt").entries[:6]]

        # ---------------- 发改局 (Hanweb, dataproxy.jsp POST only)
        H = fgj.url
        fd = self._col(
            fgj, "2101", "发改动态", H + "col/col2101/", 40, D(2012, 12, 26), "dyn", "hanweb", per_page=15
        )
        fd.entries[7].item.dead = "404"
        fz = self._col(fgj, "2102", "政策文件", H + "col/col2102/", 12, D(2012, 12, 10), "policy", "hanweb")
        self._written(fz, late={1: 28})
        self._col(
            fgj, "2103", "通知公告", H + "col/col2103/", 18, D(2012, 3, 1), "notice", "hanweb", per_page=15
        )
        self._col(fgj, "2104", "规划计划", H + "col/col2104/", 8, D(2012, 9, 5), "plan", "hanweb")
        xm = self._col(fgj, "2105", "项目信息", H + "col/col2105/", 10, D(2012, 12, 18), "misc", "hanweb")
        for e in xm.entries:
            e.row = "none"
            e.item.detail = "meta"
        fgj.home = [e.item for e in fd.entries[:6]]

        # ---------------- 安监局 (ASP, GBK)
        ad = self._col(
            ajj,
            "1",
            "安全生产动态",
            C + "/list.asp?classid=1",
            35,
            D(2012, 12, 18),
            "dyn",
            "asp",
            per_page=15,
        )
        top = self._item(ajj, C + "/", "关于开展岁末年初安全生产大检查的紧急通知", D(2012, 12, 29))
        ad.entries.insert(0, Entry(top, pinned=True))
        ad.entries[5].item.dead = "404"
        an = self._col(
            ajj, "2", "通知公告", C + "/list.asp?classid=2", 15, D(2012, 12, 3), "notice", "asp", per_page=15
        )
        an.entries[6].item.dead = "soft"
        an.entries[2].item.title = "关于朱镕基同志题词碑保护范围内矿山停产整顿的通知"
        self._col(
            ajj, "3", "行政处罚", C + "/list.asp?classid=3", 10, D(2012, 11, 11), "misc", "asp", per_page=15
        )
        self._col(
            ajj, "4", "机构职能", C + "/list.asp?classid=4", 4, D(2011, 8, 18), "plan", "asp", per_page=15
        )
        ajj.home = [e.item for e in ad.entries[1:] if e.item.pub and e.item.pub <= D(2012, 11, 20)][:6]

        # ---------------- 河西镇 (集约化 sub-site, TRS table + var countPage)
        Hx = hxz.url
        self._col(hxz, "xzdt", "乡镇动态", Hx + "xzdt/", 40, D(2012, 12, 26), "dyn", "trstable", per_page=20)
        self._col(hxz, "tzgg", "通知公告", Hx + "tzgg/", 10, D(2012, 8, 8), "notice", "trstable")
        cw = self._col(hxz, "cwgk", "财务公开", Hx + "cwgk/", 8, D(2012, 10, 31), "misc", "trstable")
        for e in cw.entries:
            e.row = "none"
            e.item.detail = "ensp"
        self._col(hxz, "jhsy", "计划生育", Hx + "jhsy/", 6, D(2011, 11, 30), "misc", "trstable")
        hxz.home = [e.item for e in hxz.col("xzdt").entries[:6]]

        # ---------------- 石门镇 (PHP style, ?page=N, 下一页 only)
        sd = self._col(
            smz, "1", "镇村动态", Dm + "/list.php?cid=1", 45, D(2012, 12, 31), "dyn", "php", per_page=12
        )
        for e in sd.entries:
            e.row = "title"
        sn = self._col(
            smz, "2", "通知公告", Dm + "/list.php?cid=2", 20, D(2012, 12, 21), "notice", "php", per_page=12
        )
        for e in sn.entries:
            e.row = "mmdd"
            e.item.detail = "fpt"
        sb = self._col(
            smz, "3", "便民服务", Dm + "/list.php?cid=3", 5, D(2012, 9, 12), "misc", "php", per_page=12
        )
        nd = self._item(smz, Dm + "/", "石门镇便民服务中心办事指南", None)
        nd.detail = "nodate"
        sb.entries.insert(0, Entry(nd, row="none"))
        smz.home = [e.item for e in sd.entries[:6]] + [e.item for e in sn.entries[:4]]

        # ---------------- 龙潭镇 (ASPX, default.aspx?pageno=N)
        lg = self._col(
            ltz, "gzdt", "工作动态", E + "/xxgk/gzdt/", 25, D(2012, 10, 15), "dyn", "aspx", per_page=10
        )
        old = self._item(ltz, E + "/", "龙潭镇2012年为民办实事项目公示", D(2012, 6, 1))
        lg.entries.insert(0, Entry(old, pinned=True))
        self._col(
            ltz, "tzgg", "通知公告", E + "/xxgk/tzgg/", 10, D(2012, 4, 10), "notice", "aspx", per_page=10
        )
        self._col(ltz, "ghjh", "规划计划", E + "/xxgk/ghjh/", 0, None, "plan", "aspx")
        cz = self._col(
            ltz, "czgk", "财政公开", E + "/xxgk/czgk/", 6, D(2012, 7, 20), "misc", "aspx", per_page=10
        )
        cz.entries[1].item.dead = "404"
        cz.entries[3].item.dead = "soft"
        ltz.home = [e.item for e in lg.entries[1:6]]

        self._check()
        for s in self.sites:
            getattr(self, f"_render_{s.style}")(s)
        self._render_shared()

    def _item(self, site: Site, prefix: str, title: str, pub: D | None) -> Item:
        self.uid += 1
        it = Item("", title, pub, site=site.id, uid=self.uid)
        ud = pub or D(2011, 5, 1) + dt.timedelta(days=self.uid % 300)
        if pub and self.uid % 5 == 0:  # URL date (creation/migration) differs from the publish date
            ud = min(pub + dt.timedelta(days=3 + self.uid % 40), D(2012, 12, 31))
        it.urldate = ud
        it.url = self._item_url(site, prefix, ud, self.uid)
        return it

    def _item_url(self, site: Site, prefix: str, ud: D, uid: int) -> str:
        st = site.style
        if st in ("trs", "trstable"):
            return f"{prefix}{ud:%Y%m}/t{ud:%Y%m%d}_{uid}.html"
        if st == "empire":
            return f"{prefix}{ud:%Y-%m-%d}/{uid}.html"
        if st == "hanweb":
            col = re.search(r"col(\d+)", prefix)
            return (
                f"{site.url}art/{ud.year}/{ud.month}/{ud.day}/art_{col.group(1) if col else 2100}_{uid}.html"
            )
        if st == "asp":
            return f"{site.url}show.asp?id={uid}"
        if st == "php":
            return f"{site.url}show.php?id={uid}"
        return f"{site.url}Item/{uid}.aspx"

    def _col(self, site, key, name, url, n, latest, tpl, style, per_page=20, parent=None) -> Column:
        col = Column(key, name, url, per_page=per_page, parent=parent)
        site.columns.append(col)
        if n:
            start = D(2010, 1, 4)
            span = (latest - start).days
            dates = [latest] + sorted(
                (start + dt.timedelta(days=self.rng.randint(0, span - 1)) for _ in range(n - 1)), reverse=True
            )
            prefix = url if site.style not in ("asp", "php", "aspx") else site.url
            for d in dates:
                fill = self.rng.choice(FILL)
                title = self.rng.choice(TPL[tpl]).format(fill)
                if tpl in ("dyn",) and self.rng.random() < 0.5:
                    title = site.name.replace("青岚县", "").replace("人民政府", "") + title
                if tpl == "plan":
                    title = title.replace("年度", f"{d.year}年度")
                col.entries.append(Entry(self._item(site, prefix, title, d)))
        return col

    def _written(self, col: Column, late: dict[int, int], late_pub: dict[int, D] | None = None) -> None:
        for i, e in enumerate(col.entries):
            if i in (late_pub or {}):
                e.item.pub = late_pub[i]  # type: ignore[index]
            n = late.get(i, (e.item.uid * 7) % 11)
            e.item.written = back_workdays(e.item.pub, n)
        col.entries.sort(key=lambda e: -e.item.pub.toordinal())

    def _check(self) -> None:
        for s in self.sites:
            for c in s.columns:
                for e in c.entries:
                    it = e.item
                    assert it.pub is None or it.pub <= D(2012, 12, 31), it
                    if it.dead or it.external or it.kind == "pdf":
                        assert it.pub and e.row in ("full", "title"), it
                    if e.row in ("none", "mmdd"):
                        assert it.pub is None or it.detail in ("meta", "alt", "ensp", "fpt", "normal"), it
                    if it.pub is None:
                        assert it.detail == "nodate" and e.row == "none", it

    # ------------------------------------------------------------------ serving tables
    def _put(self, url: str, body: str | bytes, status: int = 200, ctype: str = "text/html; charset=utf-8"):
        parts = urlsplit(url)
        path = parts.path + ("?" + parts.query if parts.query else "")
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[(parts.hostname, path)] = (status, ctype, data)

    def _detail_pages(self, site: Site, render, ctype: str = "text/html; charset=utf-8") -> None:
        seen = set()
        for c in site.columns:
            for e in c.entries:
                it = e.item
                if it.external or it.url in seen:
                    continue
                seen.add(it.url)
                if it.dead == "404":
                    self._put(it.url, "<html><body><h1>404 Not Found</h1></body></html>", 404)
                elif it.dead == "soft":
                    self._put(it.url, SOFT_404)
                elif it.kind == "pdf":
                    self._put(it.url, _pdf(it.title), ctype="application/pdf")
                else:
                    self._put(it.url, render(site, c, it), ctype=ctype)
                    if it.uid % 6 == 0:
                        self._put(self._att(it, "docx"), _docx(it.title), ctype="application/octet-stream")
                    elif it.uid % 6 == 3:
                        self._put(self._att(it, "pdf"), _pdf(it.title), ctype="application/pdf")

    def _att(self, it: Item, ext: str) -> str:
        base = it.url.rsplit("/", 1)[0]
        if "?" in it.url:
            base = it.url.split("?")[0].rsplit("/", 1)[0]
        return f"{base}/P0{it.uid}_att.{ext}" if ext else base

    def _att_link(self, it: Item) -> str:
        if it.uid % 6 == 0:
            return f'<p class="fj">附件：<a href="{self._att(it, "docx")}">{esc(it.title)}.docx</a></p>'
        if it.uid % 6 == 3:
            return f'<p class="fj">附件：<a href="{self._att(it, "pdf")}">附件1.pdf</a></p>'
        return ""

    # ------------------------------------------------------------------ TRS platform (county, jtj, wsj)
    def _tree(self, site: Site) -> str:
        A = self.base(IP_COUNTY)
        if site.id != "qlx":
            links = "".join(
                f'<li><a href="{c.url}index.html">{esc(c.name)}</a></li>'
                for c in site.columns
                if c.parent is None
            )
            back = f'<p><a href="{A}/zwgk/">返回县政府信息公开</a></p>' if self.platform_header else ""
            return f'<div class="left_tree"><h2>{esc(site.name)}</h2><ul>{links}</ul>{back}</div>'

        parts = []
        for c in site.columns:
            if c.parent is None:
                parts.append(f'<li><a href="{c.url}">{esc(c.name)}</a></li>')
            elif c.parent == "":
                kids = "".join(
                    f'<li><a href="{k.url}index.html">{esc(k.name)}</a></li>'
                    for k in site.columns
                    if k.parent == c.key
                )
                parts.append(f'<li class="node"><a href="{c.url}">{esc(c.name)}</a><ul>{kids}</ul></li>')
        dept = "".join(
            f'<li><a href="{s.url}">{esc(s.name.replace("青岚县", ""))}</a>'
            + (
                "<ul>"
                + "".join(f'<li><a href="{c.url}">{esc(c.name)}</a></li>' for c in s.columns[:2])
                + "</ul>"
                if s.id == "qlx-jtj"
                else ""
            )
            + "</li>"
            for s in self.sites
            if s.tier == "department"
        )
        towns = "".join(
            f'<li><a href="{s.url}">{esc(s.name.replace("青岚县", "").replace("人民政府", ""))}</a></li>'
            for s in self.sites
            if s.tier == "town"
        )
        parts.append(f'<li class="node"><a href="{A}/zwgk/bmxxgk/">部门信息公开</a><ul>{dept}</ul></li>')
        parts.append(f'<li class="node"><a href="{A}/zwgk/xzxxgk/">乡镇信息公开</a><ul>{towns}</ul></li>')
        return f'<div class="left_tree"><h2>政府信息公开目录</h2><ul>{"".join(parts)}</ul></div>'

    def _trs_head(self, site: Site, title: str, col: str = "") -> str:
        meta = (
            f'<meta name="ColumnName" content="{esc(col)}"><meta name="ColumnType" content="{esc(col)}">'
            if col
            else ""
        )
        zwgk = "/zwgk/" if self.platform_header or site.id == "qlx" else site.url
        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<meta name="SiteName" content="{esc(site.name)}"><meta name="SiteDomain" content="{urlsplit(site.url).netloc}">'
            f'<meta name="SiteIDCode" content="6109220001">{meta}'
            f'<link rel="stylesheet" href="/images/style.css"></head><body>'
            f'<div class="head"><img src="/images/banner.jpg" alt="{esc(site.name)}">'
            f'<div class="nav"><a href="/">首页</a> <a href="{zwgk}">政府信息公开</a> '
            f'<a href="http://www.gov.cn/">中国政府网</a></div></div>'
        )

    def _sidebar(self, site: Site) -> str:
        items = sorted(
            {
                e.item.url: e.item for c in site.columns for e in c.entries if e.item.pub and not e.item.dead
            }.values(),
            key=lambda i: (-i.pub.toordinal(), i.uid),
        )[:6]
        rows = "".join(
            f'<li><a href="{i.url}" title="{esc(i.title)}">{esc(short(i.title, 14))}</a><span>{i.pub:%Y-%m-%d}</span></li>'
            for i in items
        )
        return f'<div class="right_side"><div class="tit"><h3>最新信息</h3></div><ul class="side_list">{rows}</ul></div>'

    def _href(self, col: Column, it: Item) -> str:
        if it.url.startswith(col.url):
            return "./" + it.url[len(col.url) :]
        return it.url

    def _render_trs(self, site: Site) -> None:
        for c in site.columns:
            if c.parent == "":
                kids = "".join(
                    f'<li><a href="{k.url}">{esc(k.name)}</a></li>' for k in site.columns if k.parent == c.key
                )
                body = f'<div class="main"><h3>{esc(c.name)}</h3><ul class="sub_cols">{kids}</ul></div>'
                self._put(c.url, self._trs_head(site, c.name) + self._tree(site) + body + "</body></html>")
                continue
            table = site.id == "qlx" and c.key in ("zcwj", "xzxk")
            hybrid = site.id == "qlx" and c.key == "gzdt"
            side = c.key in ("tzgg", "rsxx") or site.id == "qlx-wsj"
            pages = _chunks(c.entries, c.per_page)
            for n, chunk in enumerate(pages):
                if hybrid:
                    lst = self._hybrid(c, pages)
                elif table:
                    lst = self._trs_table(c, chunk, n, len(pages))
                else:
                    rows = []
                    for e in chunk:
                        it = e.item
                        zd = '<span class="zd">[置顶]</span>' if e.pinned else ""
                        date = f"<span>{it.pub:%Y-%m-%d}</span>" if e.row == "full" else ""
                        ext = ' target="_blank"' if it.external else ""
                        rows.append(
                            f'<li>{zd}<a href="{self._href(c, it)}" title="{esc(it.title)}"{ext}>'
                            f"{esc(short(it.title))}</a>{date}</li>"
                        )
                    if not rows:
                        rows = ['<li class="nodata">暂无信息</li>']
                    pager = (
                        f'<div class="page"><script language="JavaScript">createPageHTML({len(pages)}, {n}, "index", "html");</script></div>'
                        if len(pages) > 1
                        else ""
                    )
                    lst = f'<div class="list"><ul class="list_ul">{"".join(rows)}</ul>{pager}</div>'
                crumb = f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; {esc(c.name)}</div>'
                html_ = (
                    self._trs_head(site, f"{c.name}_{site.name}", c.name)
                    + self._tree(site)
                    + f'<div class="main">{crumb}<div class="lm_title">{esc(c.name)}</div>{lst}</div>'
                    + (self._sidebar(site) if side else "")
                    + '<div class="foot">主办：青岚县人民政府办公室 网站标识码：6109220001</div></body></html>'
                )
                self._put(c.url + ("index.html" if n == 0 else f"index_{n}.html"), html_)
                if n == 0:
                    self._put(c.url, html_)
                if hybrid:
                    break
            self._detail_pages_once(site, c)
        self._trs_home(site)

    def _detail_pages_once(self, site, c):
        if not getattr(self, "_done_" + site.id, False):
            setattr(self, "_done_" + site.id, True)
            self._detail_pages(site, self._trs_detail)

    def _trs_table(self, c: Column, chunk: list[Entry], n: int, count: int) -> str:
        rows = []
        for e in chunk:
            it = e.item
            d = f"{it.pub:%Y-%m-%d}" if e.row == "full" else "&nbsp;"
            rows.append(
                '<tr valign="top"><td width="25"><img src="/images/ico2.jpg"></td>'
                f'<td width="550"><a href="{self._href(c, it)}" title="{esc(it.title)}">{esc(short(it.title, 24))}</a></td>'
                f"<td>\n\t\t\t\t\t{d}\n\t\t\t\t</td></tr>"
            )
        if not rows:
            rows = ['<tr><td colspan="3">暂无信息</td></tr>']
        script = (
            f"<script>var currentPage = {n};//所在页从0开始\nvar prevPage = currentPage-1\nvar nextPage = currentPage+1\n"
            f'var countPage = {count}//共多少页\ndocument.write("共计"+"&nbsp;"+"{count}"+"&nbsp;页");\n'
            "for(var i=0;i<countPage;i++){if(i==currentPage)document.write(i+1);"
            'else if(i==0)document.write("<a href=\\"index.html\\">1</a>");'
            'else document.write("<a href=\\"index_"+i+".html\\">"+(i+1)+"</a>");}</script>'
        )
        return f'<table class="gl_list" width="682"><tbody>{"".join(rows)}</tbody></table><div class="fy">{script}</div>'

    def _hybrid(self, c: Column, pages: list[list[Entry]]) -> str:
        blocks = []
        flat = [e for p in pages for e in p]
        for b in range(0, len(flat), 5):
            lis = "".join(
                f'<li><a href="{self._href(c, e.item)}" target="_blank" title="{esc(e.item.title)}">{esc(e.item.title)}</a>'
                f'<em id="rel_{e.item.uid}"></em><span class="bf-pass">{e.item.pub:%Y-%m-%d}</span></li>'
                for e in flat[b : b + 5]
            )
            blocks.append(
                f'<div ms-visible="$showStatic({b + 1})"><ul>{lis}</ul><div class="border_b_dashed"></div></div>'
            )
        tmpl = (
            '<div ms-visible="!showStatic"><div ms-if="error" style="text-align:center;padding:30px">暂无数据</div>'
            '<ul><li ms-repeat="list" ms-if-loop="$index<5"><a ms-attr-title="el.doctitle_cp" ms-attr-href="el.chnldocurl" '
            'target="_blank" ms-text="el.doctitle|html|showkey"></a><span ms-text="el.docreltime | date2(\'yyyy-MM-dd\')" '
            'class="bf-pass"></span></li></ul><ul id="vlist" v-cloak><li v-for="item in list"><a :href="item.url" '
            ':title="item.title" v-text="item.title"></a><span v-text="item.pubDate"></span></li>'
            '<li v-if="list.length==0" style="display:none">暂无数据</li></ul></div>'
        )
        script = (
            f"<script>var pageSize = 15; var recordCount = {len(flat)}; var maxStaticIndex = {len(pages)};"
            " var showStatic = true; var searchUrl = '/fjdzapp/search';</script>"
        )
        return (
            f'<div class="list_base" ms-controller="list" role="viewlist"><div ms-visible="showStatic">{"".join(blocks)}</div>'
            f"{tmpl}<div ms-include-src=\"'/images/pgBar_pt.html'\"></div></div>{script}"
        )

    def _trs_detail(self, site: Site, c: Column, it: Item) -> str:
        meta = ""
        info = ""
        if it.detail == "meta":
            meta = f'<meta name="PubDate" content="{it.pub:%Y-%m-%d} 10:20">'
        elif it.detail == "alt":
            info = (
                f'<div class="info"><span alt="时间：2011-11-08 20:26"><i>时间：</i>{it.pub:%Y-%m-%d} 15:02</span> '
                '<span alt="来源：县政府办"><i>来源：</i>县行政服务中心</span></div>'
            )
        elif it.detail == "ensp":
            info = (
                f'<div class="index_box"><ul><li>索&ensp;引&ensp;号：<font>QLX-HXZ-{it.uid}</font></li>'
                f"<li>发&ensp;布&ensp;时&ensp;间：\n  <font>{it.pub:%Y-%m-%d}</font></li>"
                "<li>发布机构：<font>河西镇人民政府</font></li></ul></div>"
            )
        elif it.detail == "normal" and it.pub:
            meta = f'<meta name="PubDate" content="{it.pub:%Y-%m-%d} 09:{it.uid % 60:02d}">'
            info = (
                f'<div class="info">来源：{esc(site.name)} 时间：{it.pub:%Y-%m-%d} 09:{it.uid % 60:02d}</div>'
            )
        box = ""
        if it.written:
            box = (
                '<div class="index_box shadow_base"><ul class="trt-row">'
                f"<li>索&ensp;引&ensp;号：\n<font>QLX-{it.uid}-{it.pub.year}</font></li>"
                f"<li>主题分类：\n<font>无</font></li><li>发文机关：\n<font>{esc(site.name)}</font></li>"
                f"<li>成文日期：{it.written:%Y-%m-%d}</li>"
                f"<li>标&ensp;&ensp;&ensp;&ensp;题：\n<font>{esc(it.title)}</font></li>"
                f"<li>发文字号：\n<font>岚政发〔{it.written.year}〕{it.uid % 90}号</font></li>"
                f"<li>发布日期：{it.pub:%Y-%m-%d}</li><li>有&ensp;效&ensp;性：<em>有效</em></li></ul></div>"
            )
        body = (
            f"<p>　　{esc(it.title)}。根据县委、县政府2011年3月5日会议精神，现将有关事项说明如下。</p>"
            f"<p>　　联系电话：0915-6321000。</p>{self._att_link(it)}"
        )
        return (
            self._trs_head(site, it.title).replace("</title>", f"</title>{meta}")
            + f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="{c.url}">{esc(c.name)}</a></div>'
            + f'<div class="article">{box}<h2>{esc(it.title)}</h2>{info}<div class="TRS_Editor">{body}</div></div></body></html>'
        )

    def _trs_home(self, site: Site) -> None:
        county = site.id == "qlx"
        rows = []
        for it in site.home:
            d = f"{it.pub:%m-%d}" if county and len(rows) < 7 else f"{it.pub:%Y-%m-%d}"
            rows.append(
                f'<li><a href="{it.url}">{esc(short(it.title, 16))}</a><span class="date">{d}</span></li>'
            )
        if county:
            links = "".join(f'<a href="{s.url}">{esc(s.name)}</a> ' for s in self.sites if s.id != "qlx")
            body = (
                f'<div class="news"><div class="tit"><h3>青岚要闻</h3><a href="{site.col("gzdt").url}">更多&gt;&gt;</a></div>'
                f'<ul>{"".join(rows[:7])}</ul></div><div class="notice"><h3>通知公告</h3><ul>{"".join(rows[7:])}</ul></div>'
                f'<div class="xxgk"><a href="/zwgk/">政府信息公开</a></div><div class="links"><h3>部门乡镇网站</h3>{links}'
                '<a href="http://www.gov.cn/">中国政府网</a></div>'
            )
            html_ = self._trs_head(site, site.name) + body + "</body></html>"
            self._put(site.url, html_)
            self._put(site.url + "index.html", html_)
            # disclosure entry (tree only) and the parent nodes of other sites
            entry = (
                self._trs_head(site, "政府信息公开")
                + self._tree(site)
                + '<div class="main"><h3>政府信息公开目录</h3></div></body></html>'
            )
            self._put(site.url + "zwgk/", entry)
            self._put(site.url + "zwgk/index.html", entry)
            for path, tier, title in (
                ("zwgk/bmxxgk/", "department", "部门信息公开"),
                ("zwgk/xzxxgk/", "town", "乡镇信息公开"),
            ):
                grid = "".join(
                    f'<li><a href="{s.url}">{esc(s.name)}</a></li>' for s in self.sites if s.tier == tier
                )
                p = (
                    self._trs_head(site, title)
                    + self._tree(site)
                    + f'<div class="main"><h3>{title}</h3><ul class="units">{grid}</ul></div></body></html>'
                )
                self._put(site.url + path, p)
                self._put(site.url + path + "index.html", p)
            return
        body = (
            f'<div class="sub_head"><h1>{esc(site.name)}</h1></div>{self._tree(site)}'
            f'<div class="main"><div class="tit"><h3>最新信息</h3></div><ul class="new_list">{"".join(rows)}</ul></div>'
        )
        html_ = self._trs_head(site, site.name) + body + "</body></html>"
        self._put(site.url, html_)
        self._put(site.url + "index.html", html_)

    # ------------------------------------------------------------------ 河西镇: TRS table (real page 005)
    def _render_trstable(self, site: Site) -> None:
        for c in site.columns:
            pages = _chunks(c.entries, c.per_page)
            for n, chunk in enumerate(pages):
                lst = self._trs_table(c, chunk, n, len(pages))
                html_ = (
                    self._trs_head(site, f"{site.name}-{c.name}", c.name)
                    + self._tree(site)
                    + f'<div class="main"><div class="dqwz">您现在的位置：<a href="{site.url}">{esc(site.name)}</a> &gt; {esc(c.name)}</div>{lst}</div></body></html>'
                )
                self._put(c.url + ("index.html" if n == 0 else f"index_{n}.html"), html_)
                if n == 0:
                    self._put(c.url, html_)
        self._detail_pages(site, self._trs_detail)
        self._trs_home(site)

    # ------------------------------------------------------------------ 教育局: EmpireCMS template (real page 001)
    def _render_empire(self, site: Site) -> None:
        for c in site.columns:
            pages = _chunks(c.entries, c.per_page)
            total = len(c.entries)
            for n, chunk in enumerate(pages):
                rows = "".join(
                    f'\n<li>\n  <a href="{self._href(c, e.item)[2:]}" >{esc(e.item.title)}</a>\n  <span class="time">\n   {e.item.pub:%Y-%m-%d}\n  </span> </li>'
                    for e in chunk
                )
                if not chunk:
                    rows = "<li>暂无信息</li>"

                def link(k):
                    return "index.html" if k == 0 else f"index_{k + 1}.html"

                pager = ""
                if len(pages) > 1:
                    nums = "".join(
                        f"&nbsp;<b>{k + 1}</b>" if k == n else f'&nbsp;<a href="{link(k)}">{k + 1}</a>'
                        for k in range(len(pages))
                    )
                    nxt = (
                        f'&nbsp;<a href="{link(n + 1)}">下一页</a>&nbsp;<a href="{link(len(pages) - 1)}">尾页</a>'
                        if n < len(pages) - 1
                        else ""
                    )
                    prv = f'<a href="{link(0)}">首页</a>&nbsp;<a href="{link(n - 1)}">上一页</a>' if n else ""
                    pager = (
                        f'<div class="epages">Total record <b>{total}</b>&nbsp;&nbsp;{prv}{nums}{nxt}</div>'
                    )
                html_ = (
                    self._trs_head(site, f"{c.name}-{site.name}", c.name)
                    + '<div class="sideMenu" style="display:none">'
                    + "".join(f'<a href="{k.url}">{esc(k.name)}</a>' for k in site.columns)
                    + "</div>"
                    + self._tree(site)
                    + f'<div class="news_list"><h3>{esc(c.name)}</h3><ul>{rows}\n{pager}\n</ul></div><div id="page_div"></div></body></html>'
                )
                self._put(c.url + link(n), html_)
                if n == 0:
                    self._put(c.url, html_)
        self._detail_pages(site, self._empire_detail)
        self._trs_home(site)

    def _empire_detail(self, site: Site, c: Column, it: Item) -> str:
        return (
            self._trs_head(site, it.title)
            + f'<div class="content"><h1>{esc(it.title)}</h1><div class="info">发布日期：<b>{it.pub:%Y-%m-%d} 17:04:42</b> '
            f"来源：{esc(site.name)} 作者：办公室 浏览次数：<script src=/e/public/ViewClick/?classid=2&id={it.uid}></script></div>"
            f"<div class='text'><p>报名时间：2013年1月24日至1月30日。</p><p>{esc(it.title)}</p>{self._att_link(it)}</div></div></body></html>"
        )

    # ------------------------------------------------------------------ 发改局: Hanweb
    def _render_hanweb(self, site: Site) -> None:
        head = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{t}</title>'
            f'<meta name="SiteName" content="{esc(site.name)}"><meta name="ColumnName" content="{{c}}">'
            '<script src="/module/jslib/jquery/jquery.js"></script></head><body>'
            f'<div class="top"><a href="/">首页</a> <a href="/col/col2100/index.html">信息公开</a></div>'
        )
        left = "".join(
            f'<li><a href="/col/col{c.key}/index.html">{esc(c.name)}</a></li>' for c in site.columns
        )
        left = f'<div class="left"><ul>{left}</ul></div>'
        for c in site.columns:
            recs = [self._hanweb_record(e) for e in c.entries]
            self.proxy[int(c.key)] = recs
            first = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in recs[: c.per_page])
            data = (
                f'<div id="{c.key}"><script type="text/xml"><datastore>\n<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=21&path=/&columnid={c.key}&unitid=8801&webname=%E9%9D%92%E5%B2%9A&permissiontype=0"></a>]]></nextgroup>\n'
                f"<recordset>\n{first}</recordset>\n</datastore></script></div>"
                '<script language="javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>'
                f"<script>$(document).ready(function(){{ $('#{c.key}').jpage({{ dataStore: dataStore, totalRecord: {len(recs)}, "
                f"perPage: {c.per_page}, proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3, barPosition: 'bottom', "
                f"ajaxParam: {{col:1, appid:1, webid:21, path:'/', columnid:{c.key}, sourceContentType:1, unitid:8801, "
                "webname:'青岚县发展和改革局', permissiontype:0}, showMode: 'full' }); });</script>"
            )
            if not recs:
                data = "<p>暂无信息</p>"
            page = (
                head.format(t=esc(c.name), c=esc(c.name))
                + left
                + f'<div class="right"><div class="lm">{esc(c.name)}</div>{data}</div></body></html>'
            )
            self._put(c.url + "index.html", page)
            self._put(c.url, page)
        tree = (
            head.format(t="信息公开", c="信息公开")
            + left
            + '<div class="right"><div class="lm">政府信息公开</div></div></body></html>'
        )
        self._put(site.url + "col/col2100/index.html", tree)
        self._detail_pages(site, self._hanweb_detail)
        rows = "".join(
            f'<li><a href="{i.url}" title="{esc(i.title)}">{esc(short(i.title))}</a><span>{i.pub:%Y-%m-%d}</span></li>'
            for i in site.home
        )
        home = (
            head.format(t=site.name, c="首页")
            + f'<div class="news"><h3>发改要闻</h3><ul>{rows}</ul></div></body></html>'
        )
        self._put(site.url, home)
        self._put(site.url + "index.html", home)

    def _hanweb_record(self, e: Entry) -> str:
        it = e.item
        date = f"<span class='bt-data-time'>[{it.pub:%Y-%m-%d}]</span>" if e.row == "full" else ""
        return f"<li><a href='{urlsplit(it.url).path}' target='_blank' title='{esc(it.title)}'>{esc(short(it.title, 22))}</a>{date}</li>"

    def _hanweb_detail(self, site: Site, c: Column, it: Item) -> str:
        vis = "" if it.detail == "meta" else f"<span>发布日期：{it.pub:%Y-%m-%d}</span>"
        box = ""
        if it.written:
            box = (
                '<table class="xxgk_table"><tr><td>索引号：</td><td>11610922MB1234567/2012-00'
                + str(it.uid % 100)
                + "</td>"
                "<td>发布机构：</td><td>县发改局</td></tr>"
                f"<tr><td>成文日期：</td><td>{it.written.year}年{it.written.month:02d}月{it.written.day:02d}日</td>"
                f"<td>发布日期：</td><td>{it.pub.year}年{it.pub.month:02d}月{it.pub.day:02d}日</td></tr>"
                f"<tr><td>文号：</td><td>岚发改发〔{it.written.year}〕{it.uid % 70}号</td><td>主题分类：</td><td>综合政务</td></tr></table>"
            )
        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(it.title)}</title>'
            f'<meta name="SiteName" content="{esc(site.name)}"><meta name="ColumnName" content="{esc(c.name)}">'
            f'<meta name="ArticleTitle" content="{esc(it.title)}"><meta name="PubDate" content="{it.pub:%Y-%m-%d} 09:53">'
            '<meta name="ContentSource" content="县发改局"><meta name="Maketime" content="2013-01-05 02:10:11"></head><body>'
            f'{box}<p class="con-title"><!--<$[标题]>begin-->{esc(it.title)}<!--<$[标题]>end--></p>'
            f'<div class="small-title clearfix">{vis}<span>信息来源：<!--<$[信息来源]>begin-->县发改局<!--<$[信息来源]>end--></span></div>'
            f'<div class="zoom"><!--<$[信息内容]>begin--><meta name="ContentStart"><p>　　{esc(it.title)}，截至2013年1月底完成。</p>'
            f'<meta name="ContentEnd"><!--<$[信息内容]>end-->{self._att_link(it)}</div></body></html>'
        )

    # ------------------------------------------------------------------ 安监局: ASP / GBK
    def _gbk(self, s: str) -> bytes:
        return s.encode("gbk")

    def _render_asp(self, site: Site) -> None:
        head = (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"><title>{t}</title></head>'
            '<body><table width="980" align="center"><tr><td><a href="index.asp">网站首页</a> | <a href="zwgk.asp">政务公开</a></td></tr></table>'
        )
        for c in site.columns:
            pages = _chunks(c.entries, c.per_page)
            cls = c.key
            for n, chunk in enumerate(pages):
                rows = []
                for e in chunk:
                    it = e.item
                    zd = "<font color=red>[置顶]</font>" if e.pinned else ""
                    rows.append(
                        f'<tr><td width="80%" class="list_title">·{zd}<a href="show.asp?id={it.uid}" target="_blank" title="{esc(it.title)}">'
                        f'{esc(short(it.title, 20))}</a></td><td width="20%" class="list_date">[{it.pub:%Y-%m-%d}]</td></tr>'
                    )
                k = len(pages)
                first = f'<a href="list.asp?classid={cls}&page=1">首页</a>' if n else "首页"
                prev = f'<a href="list.asp?classid={cls}&page={n}">上一页</a>' if n else "上一页"
                nxt = f'<a href="list.asp?classid={cls}&page={n + 2}">下一页</a>' if n < k - 1 else "下一页"
                last = f'<a href="list.asp?classid={cls}&page={k}">尾页</a>' if n < k - 1 else "尾页"
                pager = f'<tr><td colspan="2" align="center">共{len(c.entries)}条记录 页次：{n + 1}/{k}页 每页{c.per_page}条 {first} {prev} {nxt} {last}</td></tr>'
                page = (
                    head.format(t=f"{c.name}-{site.name}")
                    + f'<table width="980" align="center"><tr><td class="lm_name">{esc(c.name)}</td></tr></table>'
                    f'<table width="980" align="center" class="list">{"".join(rows)}{pager}</table></body></html>'
                )
                q = f"/list.asp?classid={cls}" + (f"&page={n + 1}" if n else "")
                self._put(site.url.rstrip("/") + q, self._gbk(page), ctype="text/html")
                if n == 0:
                    self._put(site.url.rstrip("/") + q + "&page=1", self._gbk(page), ctype="text/html")

        def detail(site, c, it):
            return self._gbk(
                head.format(t=it.title)
                + f'<table width="980" align="center"><tr><td align="center"><h2>{esc(it.title)}</h2></td></tr>'
                f'<tr><td align="center">发布时间：{it.pub:%Y-%m-%d} 来源：县安监局 点击数：<script src="count.asp?id={it.uid}"></script></td></tr>'
                f"<tr><td><p>{esc(it.title)}。</p>{self._att_link(it)}</td></tr></table></body></html>"
            )

        self._detail_pages(site, detail, ctype="text/html")
        classes = "".join(
            f'<li><a href="list.asp?classid={c.key}">{esc(c.name)}</a></li>' for c in site.columns
        )
        self._put(
            site.url + "zwgk.asp",
            self._gbk(head.format(t="政务公开") + f"<ul>{classes}</ul></body></html>"),
            ctype="text/html",
        )
        rows = "".join(
            f'<tr><td>·<a href="show.asp?id={i.uid}">{esc(short(i.title))}</a></td><td>{i.pub:%Y-%m-%d}</td></tr>'
            for i in site.home
        )
        home = (
            head.format(t=site.name) + f"<table><tr><td><b>工作动态</b></td></tr>{rows}</table></body></html>"
        )
        self._put(site.url, self._gbk(home), ctype="text/html")
        self._put(site.url + "index.asp", self._gbk(home), ctype="text/html")

    # ------------------------------------------------------------------ 石门镇: PHP style
    def _render_php(self, site: Site) -> None:
        def head(t):
            return (
                f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(t)}</title></head><body>'
                '<div class="nav"><a href="/">首页</a> <a href="/zwgk.php">政务公开</a></div>'
            )

        for c in site.columns:
            pages = _chunks(c.entries, c.per_page)
            for n, chunk in enumerate(pages):
                rows = []
                for e in chunk:
                    it = e.item
                    if e.row == "title":
                        rows.append(
                            f'<li><a href="show.php?id={it.uid}" title="{esc(it.title)}&#10;发布时间：{it.pub:%Y-%m-%d}">{esc(short(it.title, 16))}</a></li>'
                        )
                    elif e.row == "mmdd":
                        rows.append(
                            f'<li><a href="show.php?id={it.uid}">{esc(it.title)}</a><span class="date">{it.pub:%m-%d}</span></li>'
                        )
                    elif e.row == "none":
                        rows.append(f'<li><a href="show.php?id={it.uid}">{esc(it.title)}</a></li>')
                    else:
                        rows.append(
                            f'<li><a href="show.php?id={it.uid}">{esc(it.title)}</a><span class="date">{it.pub:%Y-%m-%d}</span></li>'
                        )
                nav = []
                if n:
                    nav.append(f'<a href="list.php?cid={c.key}&page={n}">上一页</a>')
                if n < len(pages) - 1:
                    nav.append(f'<a href="list.php?cid={c.key}&page={n + 2}">下一页</a>')
                page = (
                    head(c.name)
                    + f'<h3>{esc(c.name)}</h3><ul class="newslist">{"".join(rows)}</ul><div class="pages">{" ".join(nav)}</div></body></html>'
                )
                self._put(f"{site.url}list.php?cid={c.key}" + (f"&page={n + 1}" if n else ""), page)
                if n == 0:
                    self._put(f"{site.url}list.php?cid={c.key}&page=1", page)

        def detail(site, c, it):
            if it.detail == "fpt":
                meta, vis = f'<meta name="firstpublishedtime" content="{it.pub:%Y-%m-%d}-09:30:00">', ""
            elif it.detail == "nodate":
                meta, vis = "", ""
            else:
                meta, vis = "", f'<div class="info">发布时间：{it.pub:%Y-%m-%d} 10:00 浏览：128次</div>'
            return (
                head(it.title).replace("</title>", f"</title>{meta}")
                + f"<h1>{esc(it.title)}</h1>{vis}<div class='con'><p>{esc(it.title)}</p>{self._att_link(it)}</div></body></html>"
            )

        self._detail_pages(site, detail)
        cols = "".join(f'<li><a href="list.php?cid={c.key}">{esc(c.name)}</a></li>' for c in site.columns)
        self._put(site.url + "zwgk.php", head("政务公开") + f'<ul class="lm">{cols}</ul></body></html>')
        rows = "".join(
            f'<li><a href="show.php?id={i.uid}">{esc(short(i.title))}</a><span>{i.pub:%Y-%m-%d}</span></li>'
            for i in site.home
        )
        self._put(
            site.url,
            head(site.name) + f'<div class="zxdt"><h3>最新动态</h3><ul>{rows}</ul></div></body></html>',
        )

    # ------------------------------------------------------------------ 龙潭镇: ASPX
    def _render_aspx(self, site: Site) -> None:
        def head(t):
            return (
                f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(t)}</title></head><body><form id="form1">'
                '<input type="hidden" name="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRk"><div class="nav"><a href="/default.aspx">首页</a> '
                '<a href="/xxgk/default.aspx">信息公开</a></div>'
            )

        for c in site.columns:
            pages = _chunks(c.entries, c.per_page)
            for n, chunk in enumerate(pages):
                rows = (
                    "".join(
                        f'<p class="row">{"<b>[置顶]</b>" if e.pinned else ""}<a href="/Item/{e.item.uid}.aspx" target="_blank">{esc(e.item.title)}</a>'
                        f"<i>{e.item.pub:%Y/%m/%d}</i></p>"
                        for e in chunk
                    )
                    or '<p class="nodata">暂无信息</p>'
                )
                k = len(pages)

                def u(i):
                    return "default.aspx" if i == 0 else f"default.aspx?pageno={i + 1}"

                pager = ""
                if k > 1:
                    pager = (
                        f'<div class="pager">共{k}页 当前第{n + 1}页 <a href="{u(0)}">首页</a> '
                        + (f'<a href="{u(n - 1)}">上一页</a> ' if n else "")
                        + (f'<a href="{u(n + 1)}">下一页</a> ' if n < k - 1 else "")
                        + f'<a href="{u(k - 1)}">尾页</a></div>'
                    )
                page = (
                    head(c.name)
                    + f'<div class="lm">{esc(c.name)}</div><div class="list">{rows}</div>{pager}</form></body></html>'
                )
                self._put(c.url + u(n), page)
                if n == 0:
                    self._put(c.url, page)

        def detail(site, c, it):
            return (
                head(it.title)
                + f"<h1>{esc(it.title)}</h1><div>发布日期：{it.pub:%Y年%m月%d日}</div><div>{esc(it.title)}</div>{self._att_link(it)}</form></body></html>"
            )

        self._detail_pages(site, detail)
        cols = "".join(
            f'<li><a href="/xxgk/{c.key}/default.aspx">{esc(c.name)}</a></li>' for c in site.columns
        )
        self._put(site.url + "xxgk/default.aspx", head("信息公开") + f"<ul>{cols}</ul></form></body></html>")
        rows = "".join(
            f'<li><a href="/Item/{i.uid}.aspx">{esc(short(i.title))}</a><span>{i.pub:%Y-%m-%d}</span></li>'
            for i in site.home
        )
        home = (
            head(site.name) + f'<div class="news"><h3>镇务动态</h3><ul>{rows}</ul></div></form></body></html>'
        )
        self._put(site.url, home)
        self._put(site.url + "default.aspx", home)

    def _render_shared(self) -> None:
        self._put(
            f"{self.city}/art/2012/11/5/art_301_88121.html",
            "<html><body><h1>市政府</h1>发布日期：2012-11-05</body></html>",
        )

    # ------------------------------------------------------------------ HTTP
    def respond(self, ip: str, method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        with self._lock:
            self.requests.append((ip, method, path))
        parts = urlsplit(path)
        if ip == IP_FGJ and parts.path == "/module/web/jpage/dataproxy.jsp":
            if method != "POST":
                return (
                    405,
                    "text/html; charset=utf-8",
                    b"<html><body>HTTP Status 405 - HTTP method GET is not supported by this URL</body></html>",
                )
            q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            q.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()})
            try:
                recs = self.proxy[int(q.get("columnid", "0"))]
                start, end = int(q.get("startrecord", "1")), int(q.get("endrecord", "45"))
            except (KeyError, ValueError):
                return (
                    200,
                    "text/xml; charset=utf-8",
                    b'<?xml version="1.0" encoding="utf-8"?><datastore><totalrecord>0</totalrecord></datastore>',
                )
            lo = max(start - 2, 0)  # a record repeats across group boundaries
            sel = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in recs[lo:end])
            xml = f'<?xml version="1.0" encoding="utf-8"?><datastore><nextgroup><![CDATA[]]></nextgroup><recordset>\n{sel}</recordset><totalrecord>{len(recs)}</totalrecord></datastore>'
            return 200, "text/xml; charset=utf-8", xml.encode("utf-8")
        key = (ip, path)
        if key not in self.pages and parts.query == "" and (ip, parts.path) in self.pages:
            key = (ip, parts.path)
        if key in self.pages:
            return self.pages[key]
        return 404, "text/html; charset=utf-8", b"<html><body><h1>404 Not Found</h1></body></html>"

    # ------------------------------------------------------------------ truth
    def truth(self) -> dict:
        return {
            "counts_2012": self.counts(D(2012, 1, 1), D(2012, 12, 31)),
            "counts_all": self.counts(D(2000, 1, 1), D(2012, 12, 31)),
            "timeliness_2013_01_07": self.timeliness(AS_OF),
        }

    def _rules(self) -> dict:
        return yaml.safe_load(RULES.read_text(encoding="utf-8"))

    def category(self, name: str) -> str:
        for cat in self._rules()["counting"]["categories"]:
            if any(re.search(p, name) for p in cat["patterns"]):
                return cat["key"]
        return "other"

    def kind(self, name: str) -> str:
        for k, pats in self._rules()["timeliness"]["column_kinds"].items():
            if any(re.search(p, name) for p in pats):
                return k
        return "other"

    @staticmethod
    def _cols(site: Site) -> list[Column]:
        return [c for c in site.columns if c.parent != ""]

    def counts(self, frm: D, to: D) -> dict:
        sites, tiers = [], {"county": 0, "department": 0, "town": 0}
        for s in self.sites:
            cols, site_items = [], set()
            for c in self._cols(s):
                urls = {e.item.url for e in c.entries}
                dated = {e.item.url for e in c.entries if e.item.pub and frm <= e.item.pub <= to}
                last = max((e.item.pub for e in c.entries if e.item.pub and e.item.pub <= to), default=None)
                site_items |= dated
                cols.append(
                    {
                        "url": c.url,
                        "name": c.name,
                        "category": self.category(c.name),
                        "items": len(dated),
                        "items_total": len(urls),
                        "last_published": last.isoformat() if last else None,
                    }
                )
            tiers[s.tier] += len(site_items)
            sites.append(
                {"id": s.id, "name": s.name, "tier": s.tier, "items": len(site_items), "columns": cols}
            )
        return {
            "from": frm.isoformat(),
            "to": to.isoformat(),
            "total": sum(tiers.values()),
            "tiers": tiers,
            "sites": sites,
        }

    def timeliness(self, as_of: D) -> dict:
        rules = self._rules()["timeliness"]
        win = rules["windows_days"]
        limit = rules["late_publication_working_days"]
        out = []
        for s in self.sites:
            newest = max(i.pub for i in s.home if i.pub and i.pub <= as_of)
            days = (as_of - newest).days
            if days > win["homepage"]:
                out.append(
                    {
                        "kind": "stale_homepage",
                        "site": s.id,
                        "url": s.url,
                        "days": days,
                        "limit": win["homepage"],
                    }
                )
            seen = {}
            for c in self._cols(s):
                for e in c.entries:
                    seen[e.item.url] = e.item
                if not c.entries:
                    out.append(
                        {"kind": "empty_column", "site": s.id, "url": c.url, "days": None, "limit": None}
                    )
                    continue
                k = self.kind(c.name)
                if k == "other":
                    continue
                dates = [e.item.pub for e in c.entries if e.item.pub and e.item.pub <= as_of]
                d = (as_of - max(dates)).days if dates else None
                if d is None or d > win[k]:
                    out.append(
                        {"kind": "stale_column", "site": s.id, "url": c.url, "days": d, "limit": win[k]}
                    )
            for url, it in seen.items():
                if it.pub is None:
                    out.append(
                        {"kind": "undated_item", "site": s.id, "url": url, "days": None, "limit": None}
                    )
                if it.dead:
                    out.append({"kind": "dead_link", "site": s.id, "url": url, "days": None, "limit": None})
                if it.written and it.pub:
                    wd = workdays_after(it.written, it.pub)
                    if wd > limit:
                        out.append(
                            {"kind": "late_publication", "site": s.id, "url": url, "days": wd, "limit": limit}
                        )
        return {"as_of": as_of.isoformat(), "findings": out}


def _chunks(seq: list, n: int) -> list[list]:
    return [seq[i : i + n] for i in range(0, len(seq), n)] or [[]]


def _pdf(text: str) -> bytes:
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    ]
    stream = b"BT /F1 12 Tf 20 100 Td (Qinglan county document) Tj ET"
    objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    x = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offs:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x))
    return out.getvalue()


def _docx(text: str) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{esc(text)}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buf.getvalue()


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self, method: str, head_only: bool = False) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        status, ctype, data = self.server.network.respond(self.server.ip, method, self.path, body)  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not head_only:
            self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD", head_only=True)

    def do_POST(self) -> None:
        self._serve("POST")
