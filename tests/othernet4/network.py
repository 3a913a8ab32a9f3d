"""A fourth unseen county portal network: old, odd and badly configured county sites.

Built from PORTALS.md / RULES.md / ARCHITECTURE.md only. Deterministic; served on loopback
(127.0.0.130 - 127.0.0.135, one port). Ground truth (counts and timeliness) is computed here
from the generated items, with ``config/rules.yaml`` for column kinds and categories and
``chinese_calendar`` for working days.

Shape (8 sites):

* ``county`` 安澜县人民政府 127.0.0.130 ``/`` -> 302 ``/portal/index.shtml``; 政务公开 -> intro page ->
  政府信息公开目录 -> tree (two-step entry). UTF-8. Windowed numbered pager with ``&pageIndex=N``
  (26 pages), ``?pageIndex=N``, ``javascript:goPage(N)`` + hidden POST form, a 300-row list
  without pager, nested tables with ``<font color=#999>`` dates, ``2012年03月05日`` rows, pinned
  rows, a parent node that only lists sub-columns, cross-listing, an empty column.
* ``jyj`` 教育局 under ``/bumen/jyj/`` (county host). TRS ``createPageHTML`` pager without links,
  rows with ``(03-05)`` only (date on the detail page).
* ``wsj`` 卫生局 under ``/bumen/wsj/`` (county host). GBK while HTTP says ``charset=ISO-8859-1``
  (``<meta>`` says gb2312); ASP ``list.asp?classid=N&page=N``; titles with 镕 喆 堃 昇; a few
  invalid byte sequences.
* ``nyj`` 农业局 127.0.0.131 ``/`` -> 301 ``/index.html``; UTF-8 with BOM and no charset anywhere;
  ``list.php?id=N&curpage=N``; the tree links page 1 with ``&curpage=1``; 暂无数据 column.
* ``lyj`` 林业局 127.0.0.132: GBK while HTTP says ``charset=utf-8`` (``<meta>`` gb2312); stale
  homepage and stale dynamic column; a late publication only visible after decoding right.
* ``qsz`` 青石镇 127.0.0.133: homepage is a ``<meta http-equiv=refresh>``; GBK with the charset only
  in ``<meta>``, invalid bytes; malformed HTML (unclosed tags, stray ``</html>``, ``<li>`` without
  ``</li>``); empty column saying 没有找到相关记录; ``2012/03/05`` rows.
* ``lxx`` 柳溪乡 127.0.0.134: rows without dates (发布时间 in a detail-page table cell), undated
  items, 404 and soft-404 items, external 转载 links, cross-listing.
* ``bhz`` 白河镇 127.0.0.135: ``/`` -> 302 ``/cms/index.jsp``; everything stale.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import chinese_calendar
import yaml

from tests.loopback import Loopback, QuietHandler

D = dt.date
AS_OF = D(2013, 1, 7)
RULES = Path(__file__).resolve().parents[2] / "config" / "rules.yaml"
BAD = "\x00BAD\x00"  # replaced by invalid bytes after encoding
BAD_BYTES = b"\xff\x81 "

FULL_ROW = {"iso", "cn", "bracket", "slash", "font"}


def workdays_after(start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end (State Council calendar with 调休)."""
    n, d = 0, start
    while d < end:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n += 1
    return n


def add_workdays(start: dt.date, n: int) -> dt.date:
    d, k = start, 0
    while k < n:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            k += 1
    return d


def sub_workdays(end: dt.date, n: int) -> dt.date:
    """The date w such that workdays_after(w, end) == n (end itself a working day or not)."""
    w = end
    while workdays_after(w, end) < n:
        w -= dt.timedelta(days=1)
    return w


def normalise_column_url(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"(?:index\.html?|default\.html?|default\.aspx?)$", "", parts.path)
    q = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in PAGE_PARAMS]
    query = urlencode(q)
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query}" if query else "")


PAGE_PARAMS = {"page", "pageindex", "curpage", "pageno", "pagenum", "p"}


@dataclass
class Item:
    path: str  # site-absolute path, or a full external URL
    title: str
    date: dt.date | None  # the real publish date (None: nowhere on the web)
    row: str = "iso"  # iso | cn | bracket | slash | font | paren | mmdd | none
    detail: str = "meta"  # meta | table | cell | nodate | 404 | soft404 | soft404b | ext
    written: dt.date | None = None
    pinned: bool = False
    bad_bytes: bool = False
    body_date_trap: bool = False

    @property
    def external(self) -> bool:
        return self.detail == "ext"

    @property
    def dead(self) -> bool:
        return self.detail in ("404", "soft404", "soft404b")

    def publish_date(self) -> dt.date | None:
        if self.row in FULL_ROW:
            return self.date
        if self.detail in ("meta", "table", "cell"):
            return self.date
        return None


@dataclass
class Column:
    name: str
    first: str  # path of the first list page, exactly as the tree links it
    pager: str  # none | window | pageindex | gopage | trs | asp | curpage | next
    per_page: int = 15
    items: list[Item] = field(default_factory=list)
    pinned: list[Item] = field(default_factory=list)
    empty_text: str = "暂无信息"
    rows: str = "li"  # li | nested | table | badli
    catid: str = ""


@dataclass
class Site:
    id: str
    name: str
    tier: str
    ip: str
    base: str  # path prefix of the site on its host
    enc: str = "utf-8"
    header_charset: str | None = "utf-8"
    meta_charset: str | None = "utf-8"
    bom: bool = False
    malformed: bool = False
    columns: list[Column] = field(default_factory=list)
    parents: dict[str, list[str]] = field(default_factory=dict)  # parent name -> child column names
    parent_paths: dict[str, str] = field(default_factory=dict)
    home_blocks: list[str] = field(default_factory=list)  # column names shown on the homepage
    entry_label: str = "信息公开"
    entry_path: str = ""
    intro_path: str | None = None  # two-step: homepage -> intro -> tree


PEOPLE = ["王堃", "李昇", "朱镕", "张喆", "陈志刚", "刘建华", "赵红梅", "孙立新", "周海燕", "吴昇平"]
PLACES = ["青石村", "柳溪村", "白河社区", "安澜新区", "南坪村", "桃园村", "东关社区", "石门村"]
TOPICS = {
    "dyn": [
        "{p}调研{l}冬季农田水利建设",
        "{l}召开安全生产专题会议",
        "县政府召开第{n}次常务会议",
        "{p}带队检查{l}防汛工作",
        "{l}开展“四送”活动",
        "全县{n}个重点项目集中开工",
        "{p}主持召开{l}信访维稳工作会",
        "{l}举办农村实用技术培训班",
    ],
    "notice": [
        "关于做好{y}年度统计年报工作的通知",
        "关于{l}道路施工期间交通管制的公告",
        "关于{p}等同志任职前的公示",
        "关于开展第{n}批农村危房改造的通知",
        "关于{l}征地补偿安置方案的公告",
    ],
    "policy": [
        "安澜县人民政府关于印发{l}发展规划的通知",
        "关于进一步加强第{n}项民生工程管理的意见",
        "安澜县人民政府办公室关于{l}环境整治的实施方案",
        "关于印发《安澜县第{n}号专项资金管理办法》的通知",
    ],
    "plan": ["{l}{y}年工作要点", "安澜县“十二五”第{n}项专项规划", "{y}年度{l}建设计划"],
    "org": ["主要职责", "内设机构", "领导分工（{p}）", "下属单位"],
    "money": ["{l}{y}年第{q}季度财政收支情况", "{y}年{l}专项资金使用情况公示", "{l}{y}年部门预算说明"],
    "stat": ["{y}年第{q}季度国民经济运行情况", "{y}年{l}农业生产统计", "{m}月份工业经济运行分析"],
    "permit": ["{p}诊所执业许可", "{l}卫生室设置审批结果", "{n}号行政许可决定书"],
    "person": ["{p}同志任职通知", "{y}年事业单位公开招聘公告", "{p}等{n}人拟任职公示"],
}


class OtherNetwork4:
    IPS = {
        "county": "127.0.0.130",
        "nyj": "127.0.0.131",
        "lyj": "127.0.0.132",
        "qsz": "127.0.0.133",
        "lxx": "127.0.0.134",
        "bhz": "127.0.0.135",
    }

    def __init__(self) -> None:
        self.rng = random.Random(20130107)
        self.port: int | None = None
        self.servers: Loopback | None = None
        self.pages: dict[tuple[str, str], tuple[int, dict, bytes]] = {}
        self.posts: dict[tuple[str, str], dict[str, tuple[int, dict, bytes]]] = {}
        self.query_ignored: set[tuple[str, str]] = set()
        self.home_urls: dict[str, str] = {}
        self.home_newest: dict[str, dt.date] = {}
        self._uid = 1000
        self.sites = self._build_sites()

    # ------------------------------------------------------------------ generation
    def _id(self) -> int:
        self._uid += self.rng.randint(1, 7)
        return self._uid

    def _title(self, kind: str) -> str:
        t = self.rng.choice(TOPICS[kind])
        return t.format(
            p=self.rng.choice(PEOPLE),
            l=self.rng.choice(PLACES),
            n=self.rng.randint(2, 30),
            q=self.rng.choice("一二三四"),
            y=self.rng.choice((2010, 2011, 2012)),
            m=self.rng.randint(1, 12),
        )

    def _dates(self, n: int, oldest: dt.date, newest: dt.date) -> list[dt.date]:
        """n dates from newest down to oldest (both included), newest first."""
        if n == 1:
            return [newest]
        span = (newest - oldest).days
        out = [newest]
        for i in range(1, n - 1):
            base = newest - dt.timedelta(days=span * i / (n - 1))
            out.append(base - dt.timedelta(days=self.rng.randint(0, max(0, span // (n * 3)))))
        out.append(oldest)
        return sorted(out, reverse=True)

    def _items(
        self,
        n: int,
        oldest: dt.date,
        newest: dt.date,
        kind: str,
        path: str,
        row: str = "iso",
        detail: str = "meta",
        written: bool = False,
    ) -> list[Item]:
        items = []
        for d in self._dates(n, oldest, newest):
            i = self._id()
            p = path.format(id=i, ym=f"{d:%Y%m}", ymd=f"{d:%Y%m%d}")
            w = sub_workdays(d, self.rng.randint(1, 10)) if written else None
            items.append(Item(p, self._title(kind), d, row=row, detail=detail, written=w))
        return items

    def _build_sites(self) -> list[Site]:
        ips = self.IPS
        sites: list[Site] = []

        # ---------------------------------------------------------------- county
        c = Site("county", "安澜县人民政府", "county", ips["county"], "/")
        c.entry_label, c.intro_path, c.entry_path = "政务公开", "/zwgk/index.shtml", "/xxgk/index.shtml"
        art = "/xxgk/{sub}/{ym}/t{ymd}_{id}.shtml"
        gzdt = Column("工作动态", "/xxgk/list.jsp?catid=12", "window", per_page=6, catid="12")
        gzdt.items = self._items(156, D(2010, 3, 1), D(2012, 12, 28), "dyn", art.replace("{sub}", "gzdt"))
        gzdt.items[40].detail = "404"  # dead link (row dated)
        tzgg = Column("通知公告", "/xxgk/list.jsp?catid=13", "window", per_page=10, catid="13")
        tzgg.items = self._items(
            19, D(2010, 6, 1), D(2012, 5, 10), "notice", art.replace("{sub}", "tzgg"), row="cn"
        )
        tzgg.items[5].detail = "soft404"
        pin = Item("/xxgk/tzgg/201005/t20100501_777.shtml", "安澜县政府信息公开工作联系方式", D(2010, 5, 1))
        pin.row, pin.pinned = "cn", True
        tzgg.pinned = [pin]
        xzfwj = Column("县政府文件", "/xxgk/zcwj/xzfwj/index.shtml", "pageindex", per_page=15)
        xzfwj.items = self._items(
            30,
            D(2010, 2, 1),
            D(2012, 12, 20),
            "policy",
            art.replace("{sub}", "zcwj/xzfwj"),
            detail="table",
            written=True,
        )
        # planted late publications (成文日期 -> 发布日期 over 20 working days)
        late = [
            (D(2012, 1, 10), D(2012, 2, 15)),  # across the 2012 Spring Festival (调休 Sat 1-21, Sun 1-29)
            (D(2012, 9, 14), D(2012, 10, 17)),  # across National Day (调休 Sat 9-29)
            (D(2011, 3, 1), D(2011, 4, 20)),
        ]
        b20 = add_workdays(D(2012, 6, 18), 20)  # exactly 20: not late
        b21 = add_workdays(D(2012, 11, 1), 21)  # 21: late
        late += [(D(2012, 6, 18), b20), (D(2012, 11, 1), b21)]
        self._plant_written(xzfwj.items, late)
        xzfbwj = Column("县政府办文件", "/xxgk/zcwj/xzfbwj/index.shtml", "pageindex", per_page=15)
        xzfbwj.items = self._items(
            10,
            D(2010, 4, 1),
            D(2012, 11, 28),
            "policy",
            art.replace("{sub}", "zcwj/xzfbwj"),
            detail="table",
            written=True,
        )
        self._plant_written(xzfbwj.items, [(D(2012, 6, 1), D(2012, 7, 20))])
        xzfbwj.items.insert(3, xzfwj.items[4])  # cross-listed
        xzfbwj.items.insert(7, xzfwj.items[20])
        xzfbwj.items.sort(key=lambda i: i.date, reverse=True)
        jgzn = Column("机构职能", "/xxgk/jgzn/index.shtml", "none")
        jgzn.items = self._items(4, D(2010, 1, 15), D(2011, 8, 2), "org", art.replace("{sub}", "jgzn"))
        ghjh = Column("规划计划", "/xxgk/ghjh/index.shtml", "none", rows="nested")
        ghjh.items = self._items(
            8, D(2010, 2, 20), D(2011, 6, 1), "plan", art.replace("{sub}", "ghjh"), row="font"
        )
        rsxx = Column("人事信息", "/xxgk/rsxx/index.shtml", "none")
        czxx = Column("财政信息", "/xxgk/czxx/index.shtml", "none", rows="table")
        czxx.items = self._items(300, D(2010, 1, 5), D(2012, 12, 25), "money", art.replace("{sub}", "czxx"))
        tjsj = Column("统计数据", "/xxgk/tjsj/list.shtml", "gopage", per_page=10)
        tjsj.items = self._items(30, D(2010, 5, 1), D(2012, 12, 10), "stat", art.replace("{sub}", "tjsj"))
        c.columns = [jgzn, xzfwj, xzfbwj, ghjh, gzdt, tzgg, rsxx, czxx, tjsj]
        c.parents = {"政策文件": ["县政府文件", "县政府办文件"]}
        c.parent_paths = {"政策文件": "/xxgk/zcwj/index.shtml"}
        c.home_blocks = ["工作动态", "通知公告"]
        sites.append(c)

        # ---------------------------------------------------------------- jyj (under county path)
        j = Site("jyj", "安澜县教育局", "department", ips["county"], "/bumen/jyj/")
        j.entry_label, j.entry_path = "信息公开", "/bumen/jyj/xxgk/index.html"
        art = "/bumen/jyj/xxgk/{sub}/{ym}/t{ymd}_{id}.html"
        jydt = Column("教育动态", "/bumen/jyj/xxgk/jydt/index.html", "trs", per_page=15)
        jydt.items = self._items(
            35, D(2010, 9, 1), D(2012, 12, 26), "dyn", art.replace("{sub}", "jydt"), row="paren"
        )
        for k in range(0, 35, 4):
            jydt.items[k].detail = "cell"
        zcwj = Column("政策文件", "/bumen/jyj/xxgk/zcwj/index.html", "trs", per_page=15)
        zcwj.items = self._items(
            8,
            D(2010, 3, 1),
            D(2012, 9, 20),
            "policy",
            art.replace("{sub}", "zcwj"),
            detail="table",
            written=True,
        )
        self._plant_written(zcwj.items, [(D(2012, 4, 5), D(2012, 5, 25))])
        jg = Column("机构职能", "/bumen/jyj/xxgk/jgzn/index.html", "trs", per_page=15)
        jg.items = self._items(2, D(2011, 3, 1), D(2012, 3, 12), "org", art.replace("{sub}", "jgzn"))
        j.columns = [jg, zcwj, jydt]
        j.home_blocks = ["教育动态"]
        sites.append(j)

        # ---------------------------------------------------------------- wsj (under county path, GBK lies)
        w = Site(
            "wsj",
            "安澜县卫生局",
            "department",
            ips["county"],
            "/bumen/wsj/",
            enc="gbk",
            header_charset="ISO-8859-1",
            meta_charset="gb2312",
        )
        w.entry_label, w.entry_path = "政务公开", "/bumen/wsj/zwgk.asp"
        art = "/bumen/wsj/show.asp?id={id}"
        wdt = Column("工作动态", "/bumen/wsj/list.asp?classid=21", "asp", per_page=15, rows="nested")
        wdt.items = self._items(25, D(2011, 1, 10), D(2012, 12, 27), "dyn", art)
        wdt.items[0].title = "副局长朱镕基层调研乡镇卫生院（王堃、李昇、张喆参加）"
        wdt.items[3].bad_bytes = True
        wtz = Column("通知公告", "/bumen/wsj/list.asp?classid=22", "asp", per_page=15, rows="nested")
        wtz.items = self._items(
            8, D(2011, 2, 1), D(2012, 12, 3), "notice", art, row="cn", detail="table", written=True
        )
        self._plant_written(wtz.items, [(D(2012, 5, 2), D(2012, 6, 15))])
        wpin = Item(
            "/bumen/wsj/show.asp?id=88", "关于启用新版《医疗机构执业许可证》的通知", D(2011, 1, 4), row="cn"
        )
        wpin.pinned = True
        wtz.pinned = [wpin]
        wxk = Column("行政许可", "/bumen/wsj/list.asp?classid=23", "asp", per_page=15, rows="nested")
        wxk.items = self._items(6, D(2011, 5, 1), D(2012, 10, 9), "permit", art, row="cn")
        wxk.items[1].title = "吴昇平诊所执业许可（喆）"
        wxk.items[2].bad_bytes = True
        w.columns = [wdt, wtz, wxk]
        w.home_blocks = ["工作动态", "通知公告"]
        sites.append(w)

        # ---------------------------------------------------------------- nyj (UTF-8 BOM, no charset)
        n = Site(
            "nyj",
            "安澜县农业局",
            "department",
            ips["nyj"],
            "/",
            header_charset=None,
            meta_charset=None,
            bom=True,
        )
        n.entry_label, n.entry_path = "信息公开", "/xxgk.php"
        ndt = Column("农业动态", "/list.php?id=5&curpage=1", "curpage", per_page=10)
        ndt.items = self._items(32, D(2010, 4, 1), D(2012, 12, 29), "dyn", "/show.php?id={id}", row="bracket")
        nzc = Column("政策法规", "/list.php?id=6", "curpage", per_page=10)
        nzc.items = self._items(
            6, D(2010, 6, 1), D(2012, 10, 30), "policy", "/show.php?id={id}", detail="table", written=True
        )
        self._plant_written(nzc.items, [(D(2012, 7, 2), D(2012, 8, 10))])
        ngh = Column("规划计划", "/list.php?id=7", "curpage", per_page=10, empty_text="暂无数据")
        n.columns = [ndt, nzc, ngh]
        n.home_blocks = ["农业动态"]
        sites.append(n)

        # ---------------------------------------------------------------- lyj (GBK, header says utf-8)
        ly = Site(
            "lyj",
            "安澜县林业局",
            "department",
            ips["lyj"],
            "/",
            enc="gbk",
            header_charset="utf-8",
            meta_charset="gb2312",
        )
        ly.entry_label, ly.entry_path = "政府信息公开", "/xxgk/index.htm"
        lart = "/html/{ym}/{id}.html"
        ldt = Column("林业动态", "/xxgk/lydt/index.htm", "next", per_page=10)
        ldt.items = self._items(18, D(2010, 8, 1), D(2012, 11, 15), "dyn", lart)
        ldt.items[2].title = "局长李昇深入国有林场检查森林防火（朱镕陪同）"
        ltz = Column("通知公告", "/xxgk/tzgg/index.htm", "next", per_page=10, rows="table")
        ltz.items = self._items(5, D(2011, 3, 3), D(2012, 10, 8), "notice", lart, row="cn")
        lzc = Column("政策文件", "/xxgk/zcwj/index.htm", "next", per_page=10)
        lzc.items = self._items(
            6, D(2010, 3, 1), D(2012, 8, 30), "policy", lart, detail="table", written=True
        )
        self._plant_written(lzc.items, [(D(2012, 2, 1), D(2012, 3, 20))])
        ly.columns = [ldt, ltz, lzc]
        ly.home_blocks = ["林业动态", "通知公告"]
        sites.append(ly)

        # ---------------------------------------------------------------- qsz (GBK meta-only, malformed)
        q = Site(
            "qsz",
            "青石镇人民政府",
            "town",
            ips["qsz"],
            "/",
            enc="gbk",
            header_charset=None,
            meta_charset="gb2312",
            malformed=True,
        )
        q.entry_label, q.entry_path = "政务公开", "/web/xxgk/index.shtml"
        qart = "/web/info/{id}.shtml"
        qdt = Column("工作动态", "/web/xxgk/gzdt/index.shtml", "next", per_page=12, rows="badli")
        qdt.items = self._items(22, D(2011, 1, 5), D(2012, 12, 24), "dyn", qart)
        qdt.items[1].title = "镇长张喆带队走访慰问困难群众"
        qdt.items[6].bad_bytes = True
        qtz = Column("通知公告", "/web/xxgk/tzgg/index.shtml", "none", empty_text="没有找到相关记录")
        qcz = Column("财政信息", "/web/xxgk/czxx/index.shtml", "none", rows="badli")
        qcz.items = self._items(6, D(2010, 7, 1), D(2012, 7, 12), "money", qart, row="slash")
        q.columns = [qdt, qtz, qcz]
        q.home_blocks = ["工作动态"]
        sites.append(q)

        # ---------------------------------------------------------------- lxx (undated rows, dead links)
        x = Site("lxx", "柳溪乡人民政府", "town", ips["lxx"], "/")
        x.entry_label, x.entry_path = "信息公开", "/xxgk/"
        xart = "/xxgk/content/{id}.shtml"
        xdt = Column("工作动态", "/xxgk/gzdt/", "next", per_page=10)
        xdt.items = self._items(18, D(2011, 2, 1), D(2012, 12, 30), "dyn", xart, row="none", detail="cell")
        for k in (1, 4, 7, 10, 13, 16):
            xdt.items[k].row = "iso"
            xdt.items[k].detail = "meta"
        xdt.items[4].detail = "404"
        und1 = Item(
            "/xxgk/content/99301.shtml",
            "柳溪乡召开春季植树造林动员会",
            D(2012, 3, 9),
            row="none",
            detail="nodate",
        )
        und1.body_date_trap = True
        und2 = Item(
            "/xxgk/content/99302.shtml",
            "柳溪村饮水安全工程通过验收",
            D(2011, 11, 20),
            row="none",
            detail="nodate",
        )
        xdt.items.insert(6, und1)
        xdt.items.insert(14, und2)
        xtz = Column("通知公告", "/xxgk/tzgg/", "none")
        xtz.items = self._items(6, D(2011, 4, 1), D(2012, 11, 18), "notice", xart)
        xtz.items[2].detail = "soft404b"
        e1 = Item(
            "http://www.ankang.gov.cn/Content-120517.html",
            "（转载）市政府关于做好夏季防汛工作的通知",
            D(2012, 5, 17),
            detail="ext",
        )
        e2 = Item(
            "http://www.shaanxi.gov.cn/0/1/9/40/125321.htm",
            "（转载）省政府办公厅关于加强农村公路养护的通知",
            D(2011, 9, 2),
            detail="ext",
        )
        xtz.items += [e1, e2, xdt.items[2]]  # externals + a cross-listed dynamic item
        xtz.items.sort(key=lambda i: i.date, reverse=True)
        xrs = Column("人事信息", "/xxgk/rsxx/", "none")
        xrs.items = self._items(3, D(2011, 6, 1), D(2012, 2, 10), "person", xart)
        x.columns = [xdt, xtz, xrs]
        x.home_blocks = ["工作动态", "通知公告"]
        sites.append(x)

        # ---------------------------------------------------------------- bhz (stale town)
        b = Site("bhz", "白河镇人民政府", "town", ips["bhz"], "/")
        b.entry_label, b.entry_path = "信息公开", "/cms/xxgk.jsp"
        bart = "/cms/content/{ym}/{id}.html"
        bdt = Column("工作动态", "/cms/col/gzdt/index.html", "next", per_page=8)
        bdt.items = self._items(14, D(2011, 3, 1), D(2012, 9, 10), "dyn", bart)
        bzc = Column("政策文件", "/cms/col/zcwj/index.html", "none")
        bzc.items = self._items(5, D(2010, 5, 1), D(2012, 3, 1), "policy", bart, detail="table", written=True)
        bgh = Column("规划计划", "/cms/col/ghjh/index.html", "none")
        bgh.items = self._items(3, D(2011, 2, 1), D(2012, 4, 1), "plan", bart)
        b.columns = [bdt, bzc, bgh]
        b.home_blocks = ["工作动态"]
        sites.append(b)
        return sites

    def _plant_written(self, items: list[Item], pairs: list[tuple[dt.date, dt.date]]) -> None:
        """Replace some items' dates by the planted (成文日期, 发布日期) pairs; keep list order by date."""
        slots = list(range(1, len(items) - 1))
        self.rng.shuffle(slots)
        for (wd, pd), k in zip(pairs, slots, strict=False):
            items[k].date, items[k].written = pd, wd
        items.sort(key=lambda i: i.date, reverse=True)

    # ------------------------------------------------------------------ URLs
    def url(self, site: Site, path: str) -> str:
        if path.startswith("http"):
            return path
        return f"http://{site.ip}:{self.port}{path}"

    REDIRECTED = {"county": "/portal/index.shtml", "nyj": "/index.html", "bhz": "/cms/index.jsp"}

    def home_url(self, site: Site, resolved: bool = False) -> str:
        """The configured homepage; ``resolved``: where its HTTP redirect leads (operator workaround)."""
        if resolved and site.id in self.REDIRECTED:
            return self.url(site, self.REDIRECTED[site.id])
        return self.url(site, site.base)

    # ------------------------------------------------------------------ rendering
    def _encode(self, site: Site, html: str) -> bytes:
        raw = html.encode("gb18030" if site.enc == "gbk" else "utf-8")
        raw = raw.replace(BAD.encode("ascii"), BAD_BYTES)
        if site.bom:
            raw = b"\xef\xbb\xbf" + raw
        return raw

    def _headers(self, site: Site) -> dict:
        ct = "text/html" + (f"; charset={site.header_charset}" if site.header_charset else "")
        return {"Content-Type": ct}

    def _put(self, site: Site, path: str, html: str, status: int = 200) -> None:
        self.pages[(site.ip, _canon(path))] = (status, self._headers(site), self._encode(site, html))

    def _doc(self, site: Site, title: str, body: str, head: str = "") -> str:
        meta = ""
        if site.meta_charset:
            meta = f'<meta http-equiv="Content-Type" content="text/html; charset={site.meta_charset}">'
        doctype = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
        )
        stray = "</html>\n" if site.malformed else ""
        return (
            f"{doctype}\n<html>\n<head>\n{meta}\n<title>{title}</title>\n"
            f'<meta name="SiteName" content="{site.name}">\n{head}\n'
            f'<link rel="stylesheet" href="{site.base}css/style.css">\n</head>\n<body>\n'
            f"{self._header(site)}{stray}\n{body}\n{self._footer(site)}\n</body>\n</html>\n"
        )

    def _header(self, site: Site) -> str:
        open_div = '<div class="top"><div class="logo">'
        close = "" if site.malformed else "</div>"  # malformed: the logo <div> is never closed
        return (
            f'{open_div}<img src="{site.base}images/logo.gif" alt="{site.name}">{close}</div>\n'
            f'<div class="nav"><a href="{site.base}">首页</a> | <a href="{site.base}zjal/">走进{site.name[:3]}</a> | '
            f'<a href="{site.intro_path or site.entry_path}">{site.entry_label}</a> | '
            f'<a href="{site.base}bsfw/">办事服务</a> | <a href="{site.base}hdjl/">互动交流</a></div>\n'
        )

    def _footer(self, site: Site) -> str:
        bad = BAD if site.enc == "gbk" and site.malformed else ""
        return (
            f'<div class="footer"><table width="100%"><tr><td align="center">版权所有：{site.name}{bad} '
            f"主办：{site.name}办公室 技术支持：某某网络科技有限公司<br>建议使用1024×768分辨率 IE6.0以上浏览器"
            f"</td></tr></table></div>"
        )

    def _tree(self, site: Site) -> str:
        byname = {c.name: c for c in site.columns}
        children = {n for kids in site.parents.values() for n in kids}
        lis = []
        for col in site.columns:
            if col.name in children:
                parent = next(p for p, kids in site.parents.items() if col.name in kids)
                if f">{parent}<" in "".join(lis):
                    continue
                sub = "".join(f'<li><a href="{byname[k].first}">{k}</a></li>' for k in site.parents[parent])
                lis.append(
                    f'<li class="parent"><a href="{site.parent_paths[parent]}">{parent}</a><ul>{sub}</ul></li>'
                )
            else:
                lis.append(f'<li><a href="{col.first.replace("&", "&amp;")}">{col.name}</a></li>')
        return '<div class="xxgk-tree"><h3>信息公开目录</h3><ul>' + "\n".join(lis) + "</ul></div>"

    def _date_text(self, item: Item) -> str:
        d = item.date
        return {
            "iso": f"{d:%Y-%m-%d}",
            "cn": f"{d.year}年{d.month:02d}月{d.day:02d}日",
            "bracket": f"[{d:%Y-%m-%d}]",
            "slash": f"{d:%Y/%m/%d}",
            "font": f"{d:%Y-%m-%d}",
            "paren": f"({d:%m-%d})",
            "mmdd": f"{d:%m-%d}",
            "none": "",
        }[item.row]

    def _row(self, site: Site, col: Column, item: Item) -> str:
        href = item.path if item.external else item.path.replace("&", "&amp;")
        short = item.title if len(item.title) <= 22 else item.title[:21] + "…"
        top = '<span class="zd" style="color:red">[置顶]</span>' if item.pinned else ""
        date = self._date_text(item)
        target = ' target="_blank"'
        if col.rows == "nested":
            cell = f"<font color=#999>{date}</font>" if date else ""
            return (
                f'<tr><td height="26"><table width="100%" border="0" cellspacing="0" cellpadding="0"><tr>'
                f'<td width="12"><img src="/images/dot.gif"></td><td>{top}<a href="{href}" title="{item.title}"'
                f'{target}>{short}</a></td><td width="90" align="right">{cell}</td></tr></table></td></tr>'
            )
        if col.rows == "table":
            return (
                f'<tr><td class="bt">{top}<a href="{href}" title="{item.title}"{target}>{short}</a></td>'
                f'<td class="rq" width="100">{date}</td></tr>'
            )
        if col.rows == "badli":  # <li> never closed
            span = f"<font color=#999999>{date}</font>" if date else ""
            return f'<li>{top}<a href="{href}" title="{item.title}"{target}>{short}</a> {span}'
        span = f"<span>{date}</span>" if date else ""
        return f'<li>{top}<a href="{href}" title="{item.title}"{target}>{short}</a>{span}</li>'

    def _rows(self, site: Site, col: Column, items: list[Item]) -> str:
        rows = "\n".join(self._row(site, col, i) for i in items)
        if col.rows == "nested":
            return f'<table width="100%" border="0" cellspacing="0" cellpadding="0" class="list">\n{rows}\n</table>'
        if col.rows == "table":
            return f'<table class="list" width="100%">\n{rows}\n</table>'
        if col.rows == "badli":
            return f'<ul class="list">\n{rows}\n'  # </ul> missing too
        return f'<ul class="list">\n{rows}\n</ul>'

    def _page_url(self, col: Column, n: int, for_link: bool = True) -> str:
        f = col.first
        if col.pager == "window":
            return f"{f}&pageIndex={n}"
        if col.pager == "pageindex":
            return f if n == 1 else f"{f}?pageIndex={n}"
        if col.pager == "asp":
            return f if n == 1 else f"{f}&page={n}"
        if col.pager == "curpage":
            base = re.sub(r"&curpage=\d+", "", f)
            return f"{base}&curpage={n}"
        if col.pager in ("trs",):
            return f if n == 1 else re.sub(r"index\.html$", f"index_{n - 1}.html", f)
        if col.pager == "next":
            if n == 1:
                return f
            if f.endswith("/"):
                return f"{f}index_{n}.shtml"
            return re.sub(r"index(\.\w+)$", rf"index_{n}\1", f)
        return f

    def _pager(self, col: Column, cur: int, total: int, count: int) -> str:
        amp = lambda u: u.replace("&", "&amp;")  # noqa: E731
        if col.pager == "window":
            start = max(1, min(cur - 4, total - 9))
            end = min(total, start + 9)
            nums = " ".join(
                f"<b>{k}</b>" if k == cur else f'<a href="{amp(self._page_url(col, k))}">{k}</a>'
                for k in range(start, end + 1)
            )
            dots = " … " if end < total else ""
            prev = f'<a href="{amp(self._page_url(col, cur - 1))}">上一页</a>' if cur > 1 else "上一页"
            nxt = f'<a href="{amp(self._page_url(col, cur + 1))}">下一页</a>' if cur < total else "下一页"
            return (
                f'<div class="page">共{count}条 第{cur}/{total}页 <a href="{amp(self._page_url(col, 1))}">首页</a> '
                f'{prev} {nums}{dots} {nxt} <a href="{amp(self._page_url(col, total))}">尾页</a></div>'
            )
        if col.pager == "pageindex":
            nums = " ".join(
                f"<span class=cur>{k}</span>" if k == cur else f'<a href="{self._page_url(col, k)}">{k}</a>'
                for k in range(1, total + 1)
            )
            return f'<div class="pagination">{nums}</div>'
        if col.pager in ("asp", "curpage", "next"):
            if total == 1 and col.pager == "next":
                return ""
            parts = [f"共{count}条记录 页次：{cur}/{total}页 每页{col.per_page}条"]
            if col.pager != "next":
                parts.append(f'<a href="{amp(self._page_url(col, 1))}">首页</a>' if cur > 1 else "首页")
            parts.append(f'<a href="{amp(self._page_url(col, cur - 1))}">上一页</a>' if cur > 1 else "上一页")
            parts.append(
                f'<a href="{amp(self._page_url(col, cur + 1))}">下一页</a>' if cur < total else "下一页"
            )
            parts.append(f'<a href="{amp(self._page_url(col, total))}">尾页</a>' if cur < total else "尾页")
            return '<div class="pager" align="center">' + " ".join(parts) + "</div>"
        if col.pager == "trs":
            return (
                '<div class="page"><script language="JavaScript">\n'
                f"var currentPage = {cur - 1};//所在页从0开始\nvar countPage = {total}//共多少页数\n"
                f'createPageHTML({total}, {cur - 1}, "index", "html");\n</script></div>'
            )
        if col.pager == "gopage":
            nums = " ".join(
                f"<font color=red>{k}</font>" if k == cur else f'<a href="javascript:goPage({k})">{k}</a>'
                for k in range(1, total + 1)
            )
            nxt = f'<a href="javascript:goPage({cur + 1})">下一页</a>' if cur < total else "下一页"
            return (
                f'<div class="pager">共{count}条 {nums} {nxt}</div>\n'
                f'<form name="pageForm" id="pageForm" method="post" action="{col.first}">'
                f'<input type="hidden" name="page" value="{cur}"></form>\n'
                "<script>function goPage(n){var f=document.getElementById('pageForm');"
                "f.page.value=n;f.submit();}</script>"
            )
        return ""

    def _list_pages(self, site: Site, col: Column) -> list[tuple[str, str]]:
        """(path, html) per list page (goPage columns: page k is served for a POST of page=k)."""
        items = col.items
        count = len(items)
        pages = [items[i : i + col.per_page] for i in range(0, count, col.per_page)] or [[]]
        if col.pager == "none":
            pages = [items]
        total = len(pages)
        crumbs = f'<div class="crumb">当前位置：<a href="{site.base}">首页</a> &gt; {site.entry_label} &gt; {col.name}</div>'
        out = []
        for k, chunk in enumerate(pages, start=1):
            rows = col.pinned + chunk
            if not rows:
                body_list = f'<div class="empty" align="center">{col.empty_text}</div>'
            else:
                body_list = self._rows(site, col, rows)
            body = (
                f'{crumbs}<table width="1000" align="center"><tr><td width="220" valign="top">{self._tree(site)}</td>'
                f'<td valign="top"><div class="lm"><h2>{col.name}</h2></div>\n{body_list}\n'
                f"{self._pager(col, k, total, count) if rows else ''}</td></tr></table>"
            )
            head = f'<meta name="ColumnName" content="{col.name}">'
            out.append((self._page_url(col, k), self._doc(site, f"{col.name}-{site.name}", body, head)))
        return out

    def _detail(self, site: Site, item: Item) -> tuple[int, str]:
        if item.detail == "404":
            return (
                404,
                "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
            )
        if item.detail == "soft404":
            return 200, self._doc(
                site,
                "提示信息",
                '<div class="msg" align="center">该信息不存在或已删除！<a href="javascript:history.back()">返回</a></div>',
            )
        if item.detail == "soft404b":
            return 200, self._doc(site, "出错了", '<div class="err"><p>抱歉，您访问的页面不存在！</p></div>')
        d = item.date
        head = f'<meta name="ArticleTitle" content="{item.title}">'
        info = ""
        if item.detail == "meta":
            head += f'\n<meta name="PubDate" content="{d:%Y-%m-%d} 10:{d.day + 10:02d}">'
            info = f'<div class="info">发布时间：{d:%Y-%m-%d} 10:{d.day + 10:02d}:31&nbsp;&nbsp;来源：{site.name}&nbsp;&nbsp;浏览次数：<script>document.write(128)</script></div>'
        elif item.detail == "table":
            wr = item.written
            info = (
                '<table class="xxgk-meta" border="1" width="100%" cellspacing="0">'
                f"<tr><td>索引号：</td><td>AL{self.rng.randint(10000, 99999)}-{d.year}-{self.rng.randint(1, 300):05d}</td>"
                f"<td>发布机构：</td><td>{site.name}</td></tr>"
                f"<tr><td>成文日期：</td><td>{wr.year}年{wr.month:02d}月{wr.day:02d}日</td>"
                f"<td>文号：</td><td>安政发〔{wr.year}〕{self.rng.randint(1, 90)}号</td></tr>"
                f"<tr><td>发布日期：</td><td>{d.year}年{d.month:02d}月{d.day:02d}日</td><td>主题分类：</td><td>综合政务</td></tr>"
                "</table>"
            )
        elif item.detail == "cell":
            info = (
                '<table width="100%" class="info"><tr><td width="80">信息来源</td><td>党政办</td>'
                f'<td width="80">发布时间</td><td>{d:%Y-%m-%d}</td><td>点击：<span id="hits">56</span></td></tr></table>'
            )
        body_extra = "会议于2012年6月3日在乡政府会议室召开，" if item.body_date_trap else ""
        bad = BAD if item.bad_bytes else ""
        body = (
            f'<div class="article"><h1>{item.title}</h1>{info}<div class="content">'
            f"<p>{body_extra}根据县委、县政府统一安排，{item.title}。{bad}各单位要高度重视，"
            f"认真组织，确保各项工作落到实处。</p><p>联系电话：0915-{self.rng.randint(1000000, 9999999)}</p></div></div>"
        )
        return 200, self._doc(site, item.title, body, head)

    def _home(self, site: Site) -> str:
        byname = {c.name: c for c in site.columns}
        blocks, newest = [], None
        for name in site.home_blocks:
            col = byname[name]
            shown = [i for i in col.items if i.publish_date() and not i.dead and not i.external][:6]
            if shown:
                top = max(i.publish_date() for i in shown)
                newest = top if newest is None or top > newest else newest
            lis = "".join(
                f'<li><a href="{i.path.replace("&", "&amp;")}" title="{i.title}">{i.title[:16]}</a>'
                f'<span class="date">{i.publish_date():%Y-%m-%d}</span></li>'
                for i in shown
            )
            blocks.append(
                f'<div class="block"><div class="bt"><h3>{name}</h3><a class="more" href="{col.first.replace("&", "&amp;")}">更多&gt;&gt;</a></div>'
                f"<ul>{lis}</ul></div>"
            )
        if newest:
            self.home_newest[site.id] = newest
        links = ""
        if site.id == "county":
            links = (
                '<div class="links"><h3>部门网站</h3><a href="/bumen/jyj/">县教育局</a> <a href="/bumen/wsj/">县卫生局</a> '
                f'<a href="http://{self.IPS["nyj"]}:{self.port}/">县农业局</a> <a href="http://{self.IPS["lyj"]}:{self.port}/">县林业局</a>'
                f'<h3>乡镇网站</h3><a href="http://{self.IPS["qsz"]}:{self.port}/">青石镇</a> '
                f'<a href="http://{self.IPS["lxx"]}:{self.port}/">柳溪乡</a> <a href="http://{self.IPS["bhz"]}:{self.port}/">白河镇</a></div>'
            )
        return self._doc(site, site.name, '<div class="main">' + "\n".join(blocks) + links + "</div>")

    def _build_pages(self) -> None:
        self.pages.clear()
        self.posts.clear()
        self.query_ignored.clear()
        for site in self.sites:
            home = self._home(site)
            for sub, label in (("zjal/", "走进"), ("bsfw/", "办事服务"), ("hdjl/", "互动交流")):
                self._put(
                    site,
                    site.base + sub,
                    self._doc(site, label, f'<div class="main"><h2>{label}</h2><p>栏目建设中。</p></div>'),
                )
            # homepages, redirects
            if site.id == "county":
                self._redirect(site, "/", 302, "/portal/index.shtml")
                self._put(site, "/portal/index.shtml", home)
            elif site.id == "nyj":
                self._redirect(site, "/", 301, self.url(site, "/index.html"))
                self._put(site, "/index.html", home)
            elif site.id == "qsz":
                self._put(
                    site,
                    "/",
                    '<html><head><meta http-equiv="refresh" content="0;url=/web/index.shtml">'
                    f'<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>{site.name}</title></head>'
                    "<body></body></html>",
                )
                self._put(site, "/web/index.shtml", home)
            elif site.id == "bhz":
                self._redirect(site, "/", 302, "/cms/index.jsp")
                self._put(site, "/cms/index.jsp", home)
            else:
                self._put(site, site.base, home)
            # entry (and intro)
            if site.intro_path:
                self._put(
                    site,
                    site.intro_path,
                    self._doc(
                        site,
                        f"政务公开-{site.name}",
                        '<div class="intro"><h2>政务公开</h2><p>根据《中华人民共和国政府信息公开条例》，'
                        "本站公开县政府及其工作部门的政府信息。</p>"
                        f'<p><a href="{site.entry_path}" class="big">政府信息公开目录</a></p>'
                        '<p><a href="/zwgk/znwz.shtml">政府信息公开指南</a></p></div>',
                    ),
                )
                self._put(
                    site,
                    "/zwgk/znwz.shtml",
                    self._doc(
                        site,
                        "政府信息公开指南",
                        '<div class="article"><h1>安澜县人民政府信息公开指南</h1>'
                        "<p>为了更好地提供政府信息公开服务，特编制本指南。</p></div>",
                    ),
                )
            self._put(
                site,
                site.entry_path,
                self._doc(
                    site,
                    f"政府信息公开-{site.name}",
                    f'<table width="1000"><tr><td width="220" valign="top">{self._tree(site)}</td>'
                    '<td valign="top"><div class="xxgk-intro"><h2>政府信息公开</h2><p>欢迎访问政府信息公开目录。'
                    "请从左侧目录选择栏目。</p></div></td></tr></table>",
                ),
            )
            for parent, kids in site.parents.items():
                byname = {c.name: c for c in site.columns}
                links = "".join(f'<li><a href="{byname[k].first}">{k}</a></li>' for k in kids)
                self._put(
                    site,
                    site.parent_paths[parent],
                    self._doc(
                        site,
                        parent,
                        f'{self._tree(site)}<div class="sub"><h2>{parent}</h2><ul class="sublm">{links}</ul></div>',
                    ),
                )
            for col in site.columns:
                pages = self._list_pages(site, col)
                if col.pager == "gopage":
                    path = col.first
                    self.posts[(site.ip, path)] = {
                        str(k): (200, self._headers(site), self._encode(site, html))
                        for k, (_u, html) in enumerate(pages, start=1)
                    }
                    self._put(site, path, pages[0][1])
                    self.query_ignored.add((site.ip, path))
                else:
                    for path, html in pages:
                        self._put(site, path, html)
                if col.pager == "window":  # the tree links the bare list.jsp?catid=N
                    self._put(site, col.first, pages[0][1])
                if col.pager == "curpage":
                    self._put(site, re.sub(r"&curpage=\d+", "", col.first), pages[0][1])
                for item in col.items + col.pinned:
                    if item.external:
                        continue
                    status, html = self._detail(site, item)
                    self._put(site, item.path, html, status)

    def _redirect(self, site: Site, path: str, status: int, to: str) -> None:
        self.pages[(site.ip, _canon(path))] = (
            status,
            {"Location": to, "Content-Type": "text/html"},
            b"<html><body>Moved</body></html>",
        )

    # ------------------------------------------------------------------ server
    def start(self) -> OtherNetwork4:
        ips = sorted(set(self.IPS.values()))
        self.servers = Loopback(ips, self._handler(), reuse_address=False).bind()
        self.port = self.servers.port
        self._build_pages()
        self.servers.serve()
        return self

    def stop(self) -> None:
        if self.servers is not None:
            self.servers.stop()
        self.servers = None

    def _handler(self):
        net = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def _lookup(self) -> tuple[int, dict, bytes]:
                ip = self.connection.getsockname()[0]
                key = (ip, _canon(self.path))
                if key in net.pages:
                    return net.pages[key]
                path = urlsplit(self.path).path
                if (ip, path) in net.query_ignored:
                    return net.pages[(ip, path)]
                return 404, {"Content-Type": "text/html"}, b"<html><body><h1>404 Not Found</h1></body></html>"

            def _send(self, status: int, headers: dict, body: bytes, head: bool = False) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def do_GET(self):
                self._send(*self._lookup())

            def do_HEAD(self):
                self._send(*self._lookup(), head=True)

            def do_POST(self):
                ip = self.connection.getsockname()[0]
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode("latin-1")))
                path = urlsplit(self.path).path
                table = net.posts.get((ip, path))
                if table is None:
                    self._send(
                        405, {"Content-Type": "text/html"}, b"<html><body>Method Not Allowed</body></html>"
                    )
                    return
                self._send(*table.get(form.get("page", "1"), table["1"]))

        return Handler

    # ------------------------------------------------------------------ config
    def site_scope(self, site: Site) -> list[str]:
        return [self.url(site, site.base)]

    def write_config(self, path: str | Path, crawl: dict | None = None, resolved: bool = False) -> Path:
        conf = {
            "sites": [
                {
                    "id": s.id,
                    "name": s.name,
                    "tier": s.tier,
                    "url": self.home_url(s, resolved),
                    "scope": self.site_scope(s),
                }
                for s in self.sites
            ],
            "crawl": {
                "delay_seconds": 0,
                "autothrottle": False,
                "concurrency_per_site": 4,
                "concurrency_per_host": 4,
                **(crawl or {}),
            },
        }
        p = Path(path)
        p.write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return p

    # ------------------------------------------------------------------ truth
    def _rules(self) -> dict:
        return yaml.safe_load(RULES.read_text(encoding="utf-8"))

    def category(self, name: str) -> str:
        for cat in self._rules()["counting"]["categories"]:
            if any(re.search(p, name) for p in cat["patterns"]):
                return cat["key"]
        return "other"

    def kind(self, name: str) -> str:
        for kind, pats in self._rules()["timeliness"]["column_kinds"].items():
            if any(re.search(p, name) for p in pats):
                return kind
        return "other"

    def counts(self, start: dt.date, end: dt.date) -> dict:
        sites, tiers = [], {"county": 0, "department": 0, "town": 0}
        for s in self.sites:
            site_urls: set[str] = set()
            cols = []
            for col in s.columns:
                listed = {self.url(s, i.path): i for i in col.pinned + col.items}
                dated = {u: i.publish_date() for u, i in listed.items() if i.publish_date()}
                inper = {u for u, d in dated.items() if start <= d <= end}
                upto = [d for d in dated.values() if d <= end]
                site_urls |= inper
                cols.append(
                    {
                        "url": normalise_column_url(self.url(s, col.first)),
                        "name": col.name,
                        "category": self.category(col.name),
                        "items": len(inper),
                        "items_total": len(listed),
                        "last_published": max(upto).isoformat() if upto else None,
                    }
                )
            sites.append(
                {"id": s.id, "name": s.name, "tier": s.tier, "items": len(site_urls), "columns": cols}
            )
            tiers[s.tier] += len(site_urls)
        return {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "total": sum(tiers.values()),
            "tiers": tiers,
            "sites": sites,
        }

    def timeliness(self, as_of: dt.date = AS_OF, resolved: bool = False) -> set[tuple]:
        rules = self._rules()["timeliness"]
        windows = rules["windows_days"]
        limit_late = rules["late_publication_working_days"]
        if not self.home_newest:
            for s in self.sites:
                self._home(s)
        out: set[tuple] = set()
        for s in self.sites:
            newest = self.home_newest.get(s.id)
            if newest and (as_of - newest).days > windows["homepage"]:
                out.add(
                    (
                        "stale_homepage",
                        s.id,
                        self.home_url(s, resolved),
                        (as_of - newest).days,
                        windows["homepage"],
                    )
                )
            seen: dict[str, Item] = {}
            for col in s.columns:
                listed = col.pinned + col.items
                curl = normalise_column_url(self.url(s, col.first))
                if not listed:
                    out.add(("empty_column", s.id, curl, None, None))
                    continue
                for i in listed:
                    seen[self.url(s, i.path)] = i
                kind = self.kind(col.name)
                if kind in windows:
                    dates = [
                        i.publish_date() for i in listed if i.publish_date() and i.publish_date() <= as_of
                    ]
                    assert dates, col.name
                    days = (as_of - max(dates)).days
                    if days > windows[kind]:
                        out.add(("stale_column", s.id, curl, days, windows[kind]))
            for u, i in seen.items():
                if i.external:
                    continue
                if i.dead:
                    out.add(("dead_link", s.id, u, None, None))
                elif i.publish_date() is None:
                    out.add(("undated_item", s.id, u, None, None))
                elif i.written:
                    wd = workdays_after(i.written, i.publish_date())
                    if wd > limit_late:
                        out.add(("late_publication", s.id, u, wd, limit_late))
        return out

    def truth(self, resolved: bool = False) -> dict:
        """Ground truth; ``resolved``: for a config written with ``resolved=True``."""
        return {
            "counts_2012": self.counts(D(2012, 1, 1), D(2012, 12, 31)),
            "counts_all": self.counts(D(2000, 1, 1), D(2012, 12, 31)),
            "timeliness_2013_01_07": self.timeliness(AS_OF, resolved),
        }


def _canon(path: str) -> str:
    parts = urlsplit(path)
    if not parts.query:
        return parts.path
    return parts.path + "?" + urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
