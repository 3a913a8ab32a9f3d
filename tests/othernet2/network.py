"""An unseen county portal network (柳溪县), built independently of demo/ and tests/othernet/.

Eight sites on loopback 127.0.0.70-74 (one shared port):

* ``county``  柳溪县人民政府       127.0.0.70 /              TRS-like, createPageHTML literal pager
* ``fgj``     县发展和改革局       127.0.0.70 /bumen/fgj/    TRS-like, date before title / in parentheses,
                                                              createPageHTML(countPage, currentPage, ...) variables
* ``jyj``     县教育局             127.0.0.70 /bumen/jyj/    table catalogue (索引号/名称/发布机构/发布日期), ?page=
* ``czj``     县财政局             127.0.0.71                Hanweb jpage (XML records + dataproxy.jsp)
* ``nyj``     县农业局             127.0.0.72                old ASP, gb2312 meta only, bytes gb18030, 镕/喆
* ``qsz``     青石镇               127.0.0.70 /xiangzhen/qsz/ TRS-like, MM-DD rows
* ``bhz``     白河镇               127.0.0.73                Hanweb jpage, MM-DD homepage
* ``slx``     双龙乡               127.0.0.74                old ASP variant (NewsList.asp?lm=N&page=N)

External (转载) links point at 127.0.0.89, which nobody serves.
Truth (counts and timeliness as of 2013-01-07) is computed from the model in this file.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import chinese_calendar

from tests.loopback import Loopback, QuietHandler

AS_OF = dt.date(2013, 1, 7)
WINDOWS = {"homepage": 14, "dynamic": 14, "notice_policy": 180, "plan_personnel": 365}
KIND_PATTERNS = [
    ("dynamic", ["动态", "要闻", "新闻", "工作信息", "政务信息"]),
    ("notice_policy", ["通知", "公告", "公示", "政策", "规范性文件", "文件"]),
    ("plan_personnel", ["规划", "计划", "人事", "机构", "职能", "领导"]),
]
CATEGORY_PATTERNS = [
    ("personnel", ["人事", "任免", "招聘", "招考", "考录"]),
    ("overview", ["机构", "职能", "概况", "领导", "简介"]),
    ("planning", ["规划", "计划", "总结"]),
    ("regulation", ["文件", "法规", "规章", "政策", "规范性"]),
    ("enforcement", ["许可", "执法", "处罚", "审批", "行政"]),
    (
        "dynamics",
        [
            "动态",
            "要闻",
            "新闻",
            "公告",
            "公示",
            "通知",
            "采购",
            "统计",
            "财政",
            "预决算",
            "重点",
            "项目",
            "应急",
            "信息",
        ],
    ),
]
LATE_LIMIT = 20
EXTERNAL_IP = "127.0.0.89"
CLOCK = '<span class="today">今天是：2013年1月7日 星期一</span> '  # a server-rendered clock in the top bar of TRS pages
IPS = {
    "county": "127.0.0.70",
    "czj": "127.0.0.71",
    "nyj": "127.0.0.72",
    "bhz": "127.0.0.73",
    "slx": "127.0.0.74",
}


def column_kind(name: str) -> str:
    for kind, pats in KIND_PATTERNS:
        if any(p in name for p in pats):
            return kind
    return "other"


def column_category(name: str) -> str:
    for key, pats in CATEGORY_PATTERNS:
        if any(p in name for p in pats):
            return key
    return "other"


def working_days_after(written: dt.date, published: dt.date) -> int:
    """Working days after ``written`` up to and including ``published`` (official calendar, 调休 included)."""
    n, d = 0, written
    while d < published:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n += 1
    return n


def written_for(published: dt.date, wd: int) -> dt.date:
    """The latest 成文日期 such that working_days_after(it, published) == wd."""
    d = published
    while True:
        d -= dt.timedelta(days=1)
        n = working_days_after(d, published)
        if n == wd and chinese_calendar.is_workday(d):
            return d
        if n > wd:
            raise ValueError((published, wd))


# --------------------------------------------------------------------------------------------- model


@dataclass
class Item:
    url: str  # absolute URL (host:port filled at render time via {base})
    title: str
    pub: dt.date | None  # the real publish date (None: undated everywhere)
    row: str = "full"  # full | mmdd | none   (what the list row shows)
    written: dt.date | None = None
    kind: str = "normal"  # normal | external | dead404 | soft404 | attach
    detail_date: str = "meta"  # how the detail page states the date: meta | label | table | none
    body_date: str | None = None
    attachment: str | None = None
    sort_date: dt.date | None = None  # position in the list (the publish date, or where an undated row sits)

    def __post_init__(self):
        if self.sort_date is None:
            self.sort_date = self.pub


@dataclass
class Column:
    site: str
    code: str
    name: str
    list_path: str  # first list page path as linked (may include a query)
    column_url_path: str  # normalised (contract) path
    rows: list = field(default_factory=list)  # list of (Item, pinned)
    parent: str | None = None
    empty_marker: str | None = None
    per_page: int = 20
    style: str = ""


@dataclass
class Site:
    id: str
    name: str
    tier: str
    ip: str
    prefix: str  # path prefix of the site ('/' or '/bumen/fgj/')
    cms: str
    entry_name: str
    columns: list = field(default_factory=list)
    parents: list = field(default_factory=list)  # (code, name, path or None)
    home_blocks: list = field(default_factory=list)  # (title, [(Item, fmt)])


class Builder:
    def __init__(self):
        self.rng = random.Random(20130107)
        self.next_id = 4500
        self.sites: dict[str, Site] = {}
        self.items: dict[str, Item] = {}

    def nid(self) -> int:
        self.next_id += self.rng.randint(1, 9)
        return self.next_id

    def dates(self, n: int, start: str, newest: str) -> list[dt.date]:
        a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(newest)
        span = (b - a).days
        out = [b] + [a + dt.timedelta(days=self.rng.randint(0, span)) for _ in range(n - 1)]
        return sorted(out, reverse=True)


TOPICS = {
    "dynamic": [
        "召开{y}年安全生产工作会议",
        "开展冬季森林防火专项检查",
        "组织干部学习十八大精神",
        "召开农村环境整治推进会",
        "部署春耕备耕工作",
        "开展“三秦环境大整治”活动",
        "举办农民实用技术培训班",
        "检查汛期防汛准备工作",
        "召开民生工程建设督办会",
        "开展扶贫帮困走访慰问",
        "推进移民搬迁安置工作",
        "召开重点项目观摩会",
        "开展食品安全专项整治",
        "举行招商引资项目签约仪式",
        "召开党风廉政建设工作会议",
        "开展“双联”帮扶活动",
    ],
    "notice_policy": [
        "关于做好{y}年度{m}月份财政资金拨付工作的通知",
        "关于印发{y}年工作要点的通知",
        "关于开展安全隐患排查的通知",
        "关于{y}年秋季开学工作的通知",
        "关于公布行政审批项目目录的公告",
        "关于加强节假日值班工作的通知",
        "关于印发实施意见的通知",
        "关于进一步加强项目资金管理的通知",
        "关于调整议事协调机构的通知",
        "关于做好防汛抗旱工作的通知",
        "关于开展全民健身活动的通知",
        "关于拟表彰先进集体的公示",
    ],
    "plan_personnel": [
        "{y}年工作计划",
        "关于王建华等同志任职的通知",
        "{y}年上半年工作总结",
        "主要职责和内设机构",
        "领导班子成员分工",
        "“十二五”发展规划纲要",
        "{y}年公开招聘工作人员公告",
        "关于李明同志免职的通知",
    ],
    "other": [
        "{y}年{m}月份财政收支情况",
        "{y}年部门预算说明",
        "{y}年统计公报",
        "{y}年政府采购中标公告",
        "行政许可事项办理结果公示",
        "{y}年惠农资金发放明细",
        "村级财务收支公开表",
        "“三公”经费支出情况",
    ],
}


def title_for(rng: random.Random, site_name: str, col_name: str, d: dt.date | None, i: int) -> str:
    kind = column_kind(col_name)
    pool = TOPICS[kind] if kind in TOPICS else TOPICS["other"]
    y = d.year if d else 2012
    t = rng.choice(pool).format(y=y, m=(d.month if d else 6))
    prefix = site_name.replace("柳溪县", "").replace("人民政府", "县政府") or "县政府"
    return f"{prefix}{t}（{i}）" if kind == "dynamic" else f"{t}（第{i}号）"


# --------------------------------------------------------------------------------------------- network


def build() -> Builder:
    B = Builder()
    rng = B.rng
    post = []  # run after every column is sorted (home blocks, repeated records)

    def site(id_, name, tier, ip, prefix, cms, entry_name):
        s = Site(id_, name, tier, ip, prefix, cms, entry_name)
        B.sites[id_] = s
        return s

    def add_item(it: Item) -> Item:
        B.items.setdefault(it.url, it)
        return B.items[it.url]

    # ---- URL schemes per CMS
    def trs_url(col_dir: str, d: dt.date | None, shift: int = 0) -> str:
        code_d = (d or dt.date(2012, 6, 1)) + dt.timedelta(days=shift)
        return f"{col_dir}{code_d:%Y%m}/t{code_d:%Y%m%d}_{B.nid()}.html"

    def hanweb_url(colid: int, d: dt.date | None) -> str:
        code_d = d or dt.date(2012, 6, 1)
        return f"/art/{code_d.year}/{code_d.month}/{code_d.day}/art_{colid}_{B.nid()}.html"

    def fill(
        col: Column,
        n: int,
        start: str,
        newest: str,
        url_fn,
        row="full",
        detail_date="meta",
        written_wd: tuple[int, int] | None = None,
        shift_every: int = 0,
    ):
        s = B.sites[col.site]
        for i, d in enumerate(B.dates(n, start, newest)):
            shift = rng.randint(1, 4) if shift_every and i % shift_every == 3 else 0
            it = Item(
                url=url_fn(d, shift),
                title=title_for(rng, s.name, col.name, d, B.next_id % 97 + i + 1),
                pub=d,
                row=row,
                detail_date=detail_date,
            )
            if written_wd:
                it.written = written_for(d, rng.randint(*written_wd))
            col.rows.append((add_item(it), False))
        return col

    def trs_col(s: Site, code: str, name: str, parent=None, per_page=20, style="") -> Column:
        base = f"{s.prefix}{'xxgk/' if s.id != 'county' else 'zfxxgk/'}{code}/"
        c = Column(s.id, code, name, base + "index.html", base, parent=parent, per_page=per_page, style=style)
        s.columns.append(c)
        return c

    def trs_fill(c, n, start, newest, **kw):
        return fill(c, n, start, newest, lambda d, sh: trs_url(c.column_url_path, d, sh), **kw)

    # =========================================================================== county (TRS)
    cty = site("county", "柳溪县人民政府", "county", IPS["county"], "/", "trs", "政府信息公开")
    cty.parents = [("zcwj", "政策文件", "/zfxxgk/zcwj/index.html"), ("czxx", "财政信息", None)]
    c = trs_col(cty, "jgzn", "机构职能")
    trs_fill(c, 6, "2011-01-10", "2012-05-10")
    c = trs_col(cty, "ldxx", "领导信息")
    trs_fill(c, 4, "2011-03-01", "2011-11-20")  # stale plan 414
    xzfwj = trs_col(cty, "xzfwj", "县政府文件", parent="zcwj", style="time")
    trs_fill(xzfwj, 40, "2011-01-05", "2012-12-20", written_wd=(1, 9), shift_every=5)
    # two late publications
    for pub, wd in (("2012-02-29", 27), ("2012-08-16", 33)):
        p = dt.date.fromisoformat(pub)
        it = add_item(
            Item(
                trs_url(xzfwj.column_url_path, p),
                f"柳溪县人民政府关于{p.year}年重点项目建设的决定（柳政发〔{p.year}〕{wd}号）",
                p,
                written=written_for(p, wd),
            )
        )
        xzfwj.rows.append((it, False))
    xzfbwj = trs_col(cty, "xzfbwj", "县政府办文件", parent="zcwj", style="time")
    trs_fill(xzfbwj, 30, "2011-02-01", "2012-12-27", written_wd=(2, 10))
    # late across Spring Festival 2012 (21 working days) and an edge of exactly 20 across National Day
    sf_pub = dt.date(2012, 2, 14)
    xzfbwj.rows.append(
        (
            add_item(
                Item(
                    trs_url(xzfbwj.column_url_path, sf_pub),
                    "柳溪县人民政府办公室关于做好春运期间安全工作的通知",
                    sf_pub,
                    written=written_for(sf_pub, 21),
                )
            ),
            False,
        )
    )
    nd_pub = dt.date(2012, 10, 26)
    xzfbwj.rows.append(
        (
            add_item(
                Item(
                    trs_url(xzfbwj.column_url_path, nd_pub),
                    "柳溪县人民政府办公室关于国庆期间旅游接待工作的总结通报",
                    nd_pub,
                    written=written_for(nd_pub, 20),
                )
            ),
            False,
        )
    )
    c = trs_col(cty, "zcjd", "政策解读", parent="zcwj")
    trs_fill(c, 8, "2011-09-01", "2012-07-10")  # stale 181
    c = trs_col(cty, "ghjh", "规划计划")
    trs_fill(c, 10, "2011-01-15", "2012-03-01")
    rsxx = trs_col(cty, "rsxx", "人事信息")
    trs_fill(rsxx, 15, "2011-04-01", "2012-11-15")
    old = add_item(
        Item(
            trs_url(rsxx.column_url_path, dt.date(2011, 2, 10)),
            "柳溪县2011年事业单位公开招聘工作人员简章",
            dt.date(2011, 2, 10),
        )
    )
    rsxx.rows.insert(0, (old, True))
    rsxx.rows.append((old, False))  # the pinned item again at its natural place
    c = trs_col(cty, "czyjs", "财政预决算", parent="czxx")
    trs_fill(c, 12, "2011-02-01", "2012-09-20")
    c = trs_col(cty, "sgjf", "三公经费", parent="czxx")
    trs_fill(c, 3, "2011-07-01", "2012-07-20")
    gzdt = trs_col(cty, "gzdt", "工作动态", style="span-date")
    trs_fill(gzdt, 120, "2011-01-04", "2012-12-31", shift_every=7)
    pin = add_item(
        Item(
            trs_url(gzdt.column_url_path, dt.date(2011, 6, 1)),
            "柳溪县创建国家级生态示范县工作启动",
            dt.date(2011, 6, 1),
        )
    )
    gzdt.rows.insert(0, (pin, True))
    und = add_item(
        Item(
            trs_url(gzdt.column_url_path, dt.date(2012, 5, 18)),
            "县政府召开全县重点工作督办推进会",
            None,
            row="none",
            detail_date="none",
            sort_date=dt.date(2012, 5, 18),
        )
    )
    gzdt.rows.insert(30, (und, False))
    c = trs_col(cty, "bmdt", "部门动态", style="bracket")
    trs_fill(c, 12, "2011-03-01", "2012-12-15")  # stale 23
    tzgg = trs_col(cty, "tzgg", "通知公告", style="em")
    trs_fill(tzgg, 45, "2011-01-06", "2012-12-28")
    tzgg.rows.insert(
        0,
        (
            add_item(
                Item(
                    trs_url(tzgg.column_url_path, dt.date(2011, 9, 1)),
                    "柳溪县人民政府关于启用新版门户网站的公告",
                    dt.date(2011, 9, 1),
                )
            ),
            True,
        ),
    )
    specials = [
        Item(
            f"http://{EXTERNAL_IP}:{{port}}/xwzx/szyw/201211/t20121120_88123.html",
            "市政府关于做好今冬明春森林防火工作的通知（转载）",
            dt.date(2012, 11, 20),
            kind="external",
        ),
        Item(
            trs_url(tzgg.column_url_path, dt.date(2012, 10, 10)),
            "关于2012年10月1日起调整城乡低保标准的通知",
            dt.date(2012, 10, 10),
            kind="dead404",
        ),
        Item(
            trs_url(tzgg.column_url_path, dt.date(2012, 8, 8)),
            "关于开展2012年度全县统计执法检查的通知",
            dt.date(2012, 8, 8),
            kind="soft404",
        ),
    ]
    for k, it in zip((5, 12, 20), specials, strict=True):
        tzgg.rows.insert(k, (add_item(it), False))
    # cross-listing within the county site: three 工作动态 articles and one 县政府文件 listed in 通知公告
    for k, (it, _) in zip((3, 9, 15), gzdt.rows[2:30:12], strict=True):
        tzgg.rows.insert(k, (it, False))
    tzgg.rows.insert(25, xzfwj.rows[6])
    c = trs_col(cty, "xzxk", "行政许可")
    trs_fill(c, 10, "2011-03-01", "2012-06-20")
    zfcg = trs_col(cty, "zfcg", "政府采购")
    trs_fill(zfcg, 12, "2011-04-01", "2012-12-10")
    for k, d in zip((1, 4, 7, 10), ("2012-11-28", "2012-09-12", "2012-05-10", "2011-11-02"), strict=True):
        d = dt.date.fromisoformat(d)
        it = add_item(
            Item(
                f"{zfcg.column_url_path}{d:%Y%m}/P0{d:%Y%m%d}{B.nid()}.pdf",
                f"{d.year}年政府采购项目中标结果（附件）",
                d,
                kind="attach",
            )
        )
        zfcg.rows.insert(k, (it, False))
    zfcg.rows.sort(key=lambda r: r[0].pub, reverse=True)
    c = trs_col(cty, "tjsj", "统计数据")
    trs_fill(c, 8, "2011-01-20", "2011-12-15")
    c = trs_col(cty, "ndbg", "政府信息公开年报")
    for d in ("2012-03-30", "2011-03-28"):
        d = dt.date.fromisoformat(d)
        c.rows.append(
            (
                add_item(
                    Item(
                        trs_url(c.column_url_path, d),
                        f"柳溪县人民政府{d.year - 1}年政府信息公开工作年度报告",
                        d,
                    )
                ),
                False,
            )
        )
    post.append(
        lambda: setattr(
            cty,
            "home_blocks",
            [
                ("柳溪要闻", [(it, "full") for it, _ in gzdt.rows[1:9] if it.pub]),
                ("通知公告", [(it, "mmdd") for it, p in tzgg.rows[1:8] if it.pub and it.kind == "normal"]),
            ],
        )
    )

    # =========================================================================== fgj (TRS variant)
    fgj = site("fgj", "柳溪县发展和改革局", "department", IPS["county"], "/bumen/fgj/", "trs2", "信息公开")
    c = trs_col(fgj, "jgzn", "机构职能", style="before")
    trs_fill(c, 3, "2011-03-01", "2011-08-15")  # stale 511
    zcfg = trs_col(fgj, "zcfg", "政策法规", style="before")
    trs_fill(zcfg, 12, "2011-02-01", "2012-11-02")
    c = trs_col(fgj, "fzgh", "发展规划", style="before")
    trs_fill(c, 6, "2011-01-10", "2012-02-14")
    fgdt = trs_col(fgj, "gzdt", "工作动态", per_page=15, style="before")
    trs_fill(fgdt, 36, "2011-01-05", "2012-12-10")  # stale 28
    zcfg.rows.insert(2, fgdt.rows[4])  # cross-listing
    c = trs_col(fgj, "xmgs", "项目公示")
    c.empty_marker = "暂无信息"
    c = trs_col(fgj, "jgxx", "价格信息", per_page=15, style="paren")
    trs_fill(c, 25, "2011-01-12", "2012-12-26")
    post.append(
        lambda: setattr(fgj, "home_blocks", [("工作动态", [(it, "full") for it, _ in fgdt.rows[:6]])])
    )

    # =========================================================================== jyj (table catalogue, ?page=)
    jyj = site("jyj", "柳溪县教育局", "department", IPS["county"], "/bumen/jyj/", "table", "信息公开")
    jyj.parents = [
        ("jbxx", "基本信息", "/bumen/jyj/xxgk/jbxx/"),
        ("ywxx", "业务信息", "/bumen/jyj/xxgk/ywxx/"),
    ]

    def jyj_col(code, name, parent, per_page=15):
        base = f"/bumen/jyj/xxgk/{code}/"
        col = Column("jyj", code, name, base, base, parent=parent, per_page=per_page)
        jyj.columns.append(col)
        return col

    def jyj_url(d, sh):
        return f"/bumen/jyj/xxgk/content/{B.nid()}.html"

    c = jyj_col("jgsz", "机构设置", "jbxx")
    fill(c, 3, "2011-02-01", "2012-09-03", jyj_url, detail_date="table")
    c = jyj_col("ldfg", "领导分工", "jbxx")
    fill(c, 2, "2011-05-01", "2012-04-12", jyj_url, detail_date="table")
    jydt = jyj_col("jydt", "教育动态", "ywxx")
    fill(jydt, 50, "2011-01-08", "2012-12-29", jyj_url, detail_date="table")
    jydt.rows.insert(
        0,
        (
            add_item(
                Item(
                    jyj_url(None, 0),
                    "柳溪县教育局关于规范中小学办学行为的若干规定",
                    dt.date(2011, 9, 1),
                    detail_date="table",
                )
            ),
            True,
        ),
    )
    jydt.rows.insert(
        20,
        (
            add_item(
                Item(
                    jyj_url(None, 0),
                    "县教育局召开校园安全工作会议",
                    None,
                    row="none",
                    detail_date="none",
                    body_date="2012年5月10日",
                    sort_date=dt.date(2012, 5, 11),
                )
            ),
            False,
        ),
    )
    jtz = jyj_col("tzgg", "通知公告", "ywxx")
    fill(jtz, 19, "2011-02-10", "2012-06-30", jyj_url, detail_date="table", written_wd=(1, 8))  # stale 191
    lp = dt.date(2012, 4, 20)
    jtz.rows.insert(
        5,
        (
            add_item(
                Item(
                    jyj_url(None, 0),
                    "关于2012年全县中小学教师资格定期注册工作的通知",
                    lp,
                    written=written_for(lp, 24),
                    detail_date="table",
                )
            ),
            False,
        ),
    )
    c = jyj_col("rszk", "人事招考", "ywxx")
    fill(c, 8, "2011-03-01", "2012-10-20", jyj_url, detail_date="table")
    c = jyj_col("jysf", "教育收费", "ywxx")
    fill(c, 6, "2011-03-01", "2012-09-10", jyj_url, detail_date="table")
    post.append(
        lambda: setattr(
            jyj, "home_blocks", [("教育动态", [(it, "bracket") for it, p in jydt.rows[1:8] if it.pub])]
        )
    )

    # =========================================================================== czj (Hanweb)
    czj = site("czj", "柳溪县财政局", "department", IPS["czj"], "/", "hanweb", "政府信息公开")
    czj.parents = [("3104", "财政资金", "/col/col3104/index.html")]

    def hw_col(s, colid, name, parent=None, per_page=15):
        base = f"/col/col{colid}/"
        col = Column(s.id, str(colid), name, base + "index.html", base, parent=parent, per_page=per_page)
        s.columns.append(col)
        return col

    def hw_fill(col, n, start, newest, **kw):
        return fill(
            col, n, start, newest, lambda d, sh: hanweb_url(int(col.code), d - dt.timedelta(days=sh)), **kw
        )

    c = hw_col(czj, 3101, "机构职能")
    hw_fill(c, 2, "2011-05-01", "2012-02-20", detail_date="label")
    czdt = hw_col(czj, 3102, "财政动态")
    hw_fill(czdt, 70, "2011-01-05", "2012-12-30", detail_date="label", shift_every=4)
    post.append(lambda: czdt.rows.insert(45, czdt.rows[44]))  # a record repeated across the group boundary
    czwj = hw_col(czj, 3103, "财政文件")
    hw_fill(czwj, 14, "2011-02-01", "2012-12-05", detail_date="label", written_wd=(1, 7))
    lp = dt.date(2012, 6, 28)
    czwj.rows.insert(
        4,
        (
            add_item(
                Item(
                    hanweb_url(3103, lp),
                    "柳溪县财政局关于下达2012年农村公益事业一事一议奖补资金的通知",
                    lp,
                    written=written_for(lp, 29),
                    detail_date="label",
                )
            ),
            False,
        ),
    )
    c = hw_col(czj, 3105, "预算公开", parent="3104")
    hw_fill(c, 5, "2011-02-01", "2012-02-25", detail_date="label")
    c = hw_col(czj, 3106, "决算公开", parent="3104")
    hw_fill(c, 4, "2011-08-01", "2012-08-25", detail_date="label")
    c = hw_col(czj, 3107, "专项资金", parent="3104")
    hw_fill(c, 6, "2011-03-01", "2012-11-25", detail_date="label")
    cztz = hw_col(czj, 3108, "通知公告")
    hw_fill(cztz, 24, "2011-01-15", "2012-12-25", detail_date="label")
    cztz.rows.insert(
        0,
        (
            add_item(
                Item(
                    hanweb_url(3108, dt.date(2011, 4, 2)),
                    "柳溪县财政局政务公开监督电话",
                    dt.date(2011, 4, 2),
                    detail_date="label",
                )
            ),
            True,
        ),
    )
    cztz.rows.insert(
        7,
        (
            add_item(
                Item(
                    hanweb_url(3108, dt.date(2012, 9, 9)),
                    "关于2012年中秋国庆期间公务接待管理的通知",
                    dt.date(2012, 9, 9),
                    kind="soft404",
                )
            ),
            False,
        ),
    )
    c = hw_col(czj, 3109, "人事信息")
    hw_fill(c, 3, "2011-02-01", "2011-12-20", detail_date="label")  # stale 384
    post.append(
        lambda: setattr(czj, "home_blocks", [("财政动态", [(it, "full") for it, _ in czdt.rows[:7]])])
    )

    # =========================================================================== nyj (GBK ASP)
    nyj = site("nyj", "柳溪县农业局", "department", IPS["nyj"], "/", "asp", "政务公开")

    def asp_col(s, cid, name, per_page=15, param="classid", page="list.asp"):
        col = Column(
            s.id, str(cid), name, f"/{page}?{param}={cid}", f"/{page}?{param}={cid}", per_page=per_page
        )
        s.columns.append(col)
        return col

    def asp_url(script):
        return lambda d, sh: f"/{script}?id={B.nid()}"

    nydt = asp_col(nyj, 1, "农业动态")
    fill(nydt, 45, "2011-01-07", "2012-12-28", asp_url("show.asp"), detail_date="label")
    nydt.rows.insert(
        17,
        (
            add_item(
                Item(
                    f"/show.asp?id={B.nid()}",
                    "县农业局开展春季动物防疫督查",
                    None,
                    row="none",
                    detail_date="none",
                    sort_date=dt.date(2012, 4, 9),
                )
            ),
            False,
        ),
    )
    nydt.rows.insert(
        6,
        (
            add_item(
                Item(
                    f"/show.asp?id={B.nid()}",
                    "县农业局召开冬季农田水利建设现场会",
                    dt.date(2012, 11, 19),
                    kind="dead404",
                )
            ),
            False,
        ),
    )
    c = asp_col(nyj, 2, "通知公告")
    fill(c, 15, "2011-02-01", "2012-12-20", asp_url("show.asp"), row="none", detail_date="label")
    for k, name in ((2, "关于表彰朱镕基金农业科技示范户的通知"), (6, "关于王喆同志任县农技中心主任的通知")):
        it, p = c.rows[k]
        it.title = name
    c = asp_col(nyj, 3, "政策法规")
    fill(c, 10, "2011-01-10", "2012-03-15", asp_url("show.asp"), detail_date="label")  # stale 298
    c = asp_col(nyj, 4, "农业规划")
    fill(c, 4, "2011-02-01", "2012-05-20", asp_url("show.asp"), detail_date="label")
    hn = asp_col(nyj, 5, "惠农补贴")
    fill(hn, 12, "2011-03-01", "2012-11-16", asp_url("show.asp"), detail_date="label")
    for it, _ in hn.rows[:4]:
        it.attachment = f"/UploadFiles/{it.pub:%Y%m}/{B.nid()}.docx"
    post.append(
        lambda: setattr(
            nyj,
            "home_blocks",
            [("农业动态", [(it, "full") for it, _ in nydt.rows[:8] if it.pub and it.kind == "normal"])],
        )
    )

    # =========================================================================== qsz (TRS town under the county host)
    qsz = site("qsz", "柳溪县青石镇人民政府", "town", IPS["county"], "/xiangzhen/qsz/", "trs3", "信息公开")
    qdt = trs_col(qsz, "xzdt", "乡镇动态", style="mmdd")
    trs_fill(qdt, 40, "2011-01-10", "2012-12-27", row="mmdd")
    c = trs_col(qsz, "tzgg", "通知公告", style="font")
    trs_fill(c, 10, "2011-03-01", "2012-11-30")
    c = trs_col(qsz, "xzgk", "乡镇概况")
    trs_fill(c, 1, "2011-03-01", "2011-03-01", row="none")
    c = trs_col(qsz, "jhsy", "计划生育", style="font")
    trs_fill(c, 6, "2011-02-01", "2012-08-08")
    post.append(lambda: setattr(qsz, "home_blocks", [("乡镇动态", [(it, "mmdd") for it, _ in qdt.rows[:7]])]))

    # =========================================================================== bhz (Hanweb town)
    bhz = site("bhz", "柳溪县白河镇人民政府", "town", IPS["bhz"], "/", "hanweb", "政务公开")
    bdt = hw_col(bhz, 4101, "工作动态", per_page=10)
    hw_fill(bdt, 30, "2011-01-12", "2012-11-30", detail_date="label")  # 38
    c = hw_col(bhz, 4102, "通知公告", per_page=10)
    hw_fill(c, 8, "2011-04-01", "2012-10-15", detail_date="label")
    c = hw_col(bhz, 4103, "党务公开", per_page=10)
    hw_fill(c, 6, "2011-03-01", "2012-12-03", detail_date="label")
    c = hw_col(bhz, 4104, "村务公开", per_page=10)
    hw_fill(c, 5, "2011-06-01", "2012-10-30", row="none", detail_date="table")
    post.append(lambda: setattr(bhz, "home_blocks", [("白河动态", [(it, "mmdd") for it, _ in bdt.rows[:6]])]))

    # =========================================================================== slx (ASP town variant)
    slx = site("slx", "柳溪县双龙乡人民政府", "town", IPS["slx"], "/", "asp2", "政务公开")
    sdt = asp_col(slx, 1, "乡镇动态", param="lm", page="NewsList.asp")
    fill(sdt, 35, "2011-01-15", "2012-12-24", asp_url("NewsShow.asp"), detail_date="label")  # 14: fresh edge
    c = asp_col(slx, 2, "通知公告", param="lm", page="NewsList.asp")
    fill(c, 10, "2011-02-01", "2012-12-18", asp_url("NewsShow.asp"), detail_date="label")
    c = asp_col(slx, 3, "人事任免", param="lm", page="NewsList.asp")
    fill(c, 4, "2011-02-01", "2012-01-08", asp_url("NewsShow.asp"), detail_date="label")  # 365: fresh edge
    c = asp_col(slx, 4, "公示公告", param="lm", page="NewsList.asp")
    c.empty_marker = "暂无数据"
    c = asp_col(slx, 5, "政策文件", param="lm", page="NewsList.asp")
    for t in ("双龙乡农村低保评审办法", "双龙乡村级公益事业建设管理办法"):
        c.rows.append(
            (add_item(Item(f"/NewsShow.asp?id={B.nid()}", t, None, row="none", detail_date="none")), False)
        )
    post.append(lambda: setattr(slx, "home_blocks", [("乡镇动态", [(it, "full") for it, _ in sdt.rows[:6]])]))
    for st in B.sites.values():
        for col in st.columns:
            pinned = [r for r in col.rows if r[1]]
            rest = [r for r in col.rows if not r[1]]
            rest.sort(key=lambda r: r[0].sort_date or dt.date(2012, 6, 1), reverse=True)
            col.rows = pinned + rest
    for fn in post:
        fn()
    return B


# --------------------------------------------------------------------------------------------- rendering helpers


def esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def short(t: str, n: int = 22) -> str:
    return t if len(t) <= n else t[:n] + "…"


def rel(from_path: str, to_path: str) -> str:
    base = from_path if from_path.endswith("/") else posixpath.dirname(from_path) + "/"
    r = posixpath.relpath(to_path, base)
    if to_path.endswith("/") and not r.endswith("/"):
        r += "/"
    return r if r.startswith(".") else "./" + r


def pages_of(rows: list, per: int) -> list[list]:
    return [rows[i : i + per] for i in range(0, len(rows), per)] or [[]]


def fmt_date(d: dt.date, style: str) -> str:
    if style == "mmdd":
        return f"{d:%m-%d}"
    if style == "bracket":
        return f"[{d:%Y-%m-%d}]"
    if style == "dots":
        return f"{d:%Y.%m.%d}"
    if style == "asp":
        return f"{d.year}-{d.month}-{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "slash":
        return f"{d:%Y/%m/%d}"
    return f"{d:%Y-%m-%d}"


def wd_label(d: dt.date | None, style="iso") -> str:
    if d is None:
        return ""
    return fmt_date(d, style)


class Renderer:
    def __init__(self, B: Builder, port: int):
        self.B, self.port = B, port
        self.pages: dict[tuple[str, str], tuple[int, str, bytes]] = {}
        self.hanweb: dict[tuple[str, str], Column] = {}

    def url(self, ip: str, path: str) -> str:
        return f"http://{ip}:{self.port}{path}"

    def item_href(self, it: Item) -> str:
        return it.url.replace("{port}", str(self.port))

    def put(self, ip, path, body, ctype="text/html; charset=utf-8", status=200, enc="utf-8"):
        self.pages[(ip, path)] = (status, ctype, body.encode(enc) if isinstance(body, str) else body)

    # ----------------------------------------------------------------- shared chrome
    def trs_head(self, s: Site, title: str, col: str = "", extra: str = "") -> str:
        meta = (
            f'<meta name="SiteName" content="{s.name}">\n<meta name="SiteDomain" content="{s.ip}">\n'
            f'<meta name="SiteIDCode" content="6109260{len(s.id)}00">\n'
        )
        if col:
            meta += f'<meta name="ColumnName" content="{col}">\n<meta name="ColumnType" content="{col}">\n'
        return (
            f'<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f'<title>{title}</title>\n{meta}{extra}<link rel="stylesheet" href="{s.prefix}images/style.css">\n</head>\n<body>\n'
            f'<div class="topbar">{CLOCK}<a href="/">柳溪县人民政府</a> '
            f'<a href="javascript:AddFavorite();">加入收藏</a></div>\n'
            f'<div class="banner"><img src="{s.prefix}images/banner.jpg" alt="{s.name}"></div>\n'
        )

    def nav(self, s: Site, here: str, entry_href: str, extra: list[tuple[str, str]] = ()) -> str:
        links = [
            ("首页", s.prefix),
            (s.entry_name, entry_href),
            ("办事服务", f"{s.prefix}bsfw/index.html"),
            ("互动交流", f"{s.prefix}hdjl/index.html"),
            *extra,
        ]
        return (
            '<div class="nav"><ul>'
            + "".join(
                f'<li><a href="{rel(here, h) if not h.startswith("http") else h}">{t}</a></li>'
                for t, h in links
            )
            + "</ul></div>\n"
        )

    def foot(self, s: Site) -> str:
        return (
            f'<div class="footer">主办：{s.name}　地址：柳溪县城关镇人民路{len(s.name)}号　'
            f"ICP备案：陕ICP备05003{len(s.id)}1号<br>建议使用1024×768分辨率浏览</div>\n</body>\n</html>\n"
        )

    def static_pages(self, s: Site, enc="utf-8", meta_charset='<meta charset="utf-8">'):
        for code, title, text in (
            (
                "bsfw",
                "办事服务",
                '<ul><li><a href="#">个人办事</a></li><li><a href="#">法人办事</a></li>'
                '<li><a href="#">表格下载</a></li></ul>',
            ),
            (
                "hdjl",
                "互动交流",
                '<form action="#" method="post">姓名：<input name="xm"> 内容：'
                '<textarea name="nr"></textarea><input type="submit" value="提交"></form>',
            ),
        ):
            body = (
                f"<html><head>{meta_charset}<title>{title}-{s.name}</title></head><body>"
                f'<div class="nav"><a href="{s.prefix}">首页</a></div><h2>{title}</h2>{text}{self.foot(s)}'
            )
            self.put(
                s.ip,
                f"{s.prefix}{code}/index.html",
                body,
                enc=enc,
                ctype="text/html" if enc != "utf-8" else "text/html; charset=utf-8",
            )

    # ----------------------------------------------------------------- TRS family
    def trs_tree(self, s: Site, here: str) -> str:
        out = [f'<div class="left"><div class="left-title">{s.entry_name}目录</div><ul class="tree">']
        parents = {p[0]: p for p in s.parents}
        done = set()
        for c in s.columns:
            if c.parent:
                if c.parent in done:
                    continue
                done.add(c.parent)
                code, pname, ppath = parents[c.parent]
                href = rel(here, ppath) if ppath else "javascript:;"
                out.append(f'<li class="sub"><a href="{href}" class="parent">{pname}</a><ul>')
                for k in s.columns:
                    if k.parent == c.parent:
                        out.append(f'<li><a href="{rel(here, k.list_path)}">{k.name}</a></li>')
                out.append("</ul></li>")
            else:
                out.append(f'<li><a href="{rel(here, c.list_path)}">{c.name}</a></li>')
        out.append("</ul></div>\n")
        return "\n".join(out)

    def trs_row(self, s: Site, c: Column, here: str, it: Item, pinned: bool) -> str:
        href = self.item_href(it)
        href = href if href.startswith("http") else rel(here, href)
        t = esc(it.title)
        a = f'<a href="{href}" title="{t}" target="_blank">{esc(short(it.title))}</a>'
        top = ""
        if pinned:
            top = {
                "county": '<img src="/images/top.gif" alt="">'
                if c.code == "gzdt"
                else '<b class="red">[置顶]</b>',
                "fgj": '<span class="zd">置顶</span>',
                "qsz": "[置顶]",
            }.get(s.id, "[置顶]")
        d = it.pub if it.row != "none" else None
        if d is None:
            return f"<li>{top}{a}</li>"
        if c.style == "em":
            return f"<li>{top}{a}<em>{fmt_date(d, 'iso')}</em></li>"
        if c.style == "bracket":
            return f'<li>{top}{a}<span class="date">{fmt_date(d, "bracket")}</span></li>'
        if c.style == "before":
            return f'<li><span class="date">{fmt_date(d, "iso")}</span>{top}{a}</li>'
        if c.style == "paren":
            return f"<li>{top}{a} ({fmt_date(d, 'iso')})</li>"
        if c.style == "mmdd" or it.row == "mmdd":
            return f"<li>{top}{a}<i>{fmt_date(d, 'mmdd')}</i></li>"
        if c.style == "font":
            return f'<li>{top}{a}<font color="#999999">{fmt_date(d, "iso")}</font></li>'
        if c.style == "time":
            return f'<li>{top}{a}<span class="time">{fmt_date(d, "iso")}</span></li>'
        return f"<li>{top}{a}<span>{fmt_date(d, 'iso')}</span></li>"

    def trs_site(self, s: Site):
        entry = f"{s.prefix}{'zfxxgk/' if s.id == 'county' else 'xxgk/'}index.html"
        # homepage
        here = s.prefix
        blocks = []
        for title, rows in s.home_blocks:
            lis = "".join(
                f'<li><a href="{rel(here, it.url)}" target="_blank">{esc(short(it.title, 18))}</a>'
                f'<span class="date">{fmt_date(it.pub, f)}</span></li>'
                for it, f in rows
            )
            blocks.append(
                f'<div class="block"><div class="block-title"><h3>{title}</h3>'
                f'<a class="more" href="{rel(here, entry)}">更多&gt;&gt;</a></div><ul>{lis}</ul></div>'
            )
        links = ""
        if s.id == "county":
            links = (
                '<div class="links"><h3>部门网站</h3><a href="bumen/fgj/">县发展和改革局</a> <a href="bumen/jyj/">县教育局</a> '
                f'<a href="http://{IPS["czj"]}:{self.port}/">县财政局</a> <a href="http://{IPS["nyj"]}:{self.port}/">县农业局</a>'
                '<h3>乡镇网站</h3><a href="xiangzhen/qsz/">青石镇</a> '
                f'<a href="http://{IPS["bhz"]}:{self.port}/">白河镇</a> <a href="http://{IPS["slx"]}:{self.port}/">双龙乡</a></div>'
            )
        self.put(
            s.ip,
            here + "index.html",
            self.trs_head(s, s.name)
            + self.nav(s, here, entry)
            + '<div class="main">'
            + "".join(blocks)
            + links
            + '<div class="pic"><a href="#"><img src="images/pic1.jpg" alt="图片新闻"></a></div></div>'
            + self.foot(s),
        )
        self.static_pages(s)
        # entry page
        body = (
            self.trs_head(s, f"{s.entry_name}-{s.name}") + self.nav(s, entry, entry) + self.trs_tree(s, entry)
        )
        body += '<div class="right"><div class="guide"><a href="gkzn.html">政府信息公开指南</a> <a href="gkzd.html">政府信息公开制度</a></div>'
        if s.id == "county":
            for cc in [c for c in s.columns if c.code in ("gzdt", "tzgg", "xzfwj")]:
                lis = "".join(
                    f'<li><a href="{rel(entry, it.url)}">{esc(short(it.title))}</a><span>{fmt_date(it.pub, "iso")}</span></li>'
                    for it, p in cc.rows[1:6]
                    if it.pub and not it.url.startswith("http")
                )
                body += f'<div class="gk-block"><h4>{cc.name}</h4><a href="{rel(entry, cc.list_path)}">更多</a><ul>{lis}</ul></div>'
        else:
            body += "<p>本机关负责政府信息公开工作的机构为办公室，联系电话：0915-6321000。</p>"
        self.put(s.ip, entry, body + "</div>" + self.foot(s))
        gk_dir = posixpath.dirname(entry) + "/"
        for name in ("gkzn", "gkzd"):
            self.put(
                s.ip,
                f"{gk_dir}{name}.html",
                self.trs_head(s, "政府信息公开指南")
                + '<div class="content"><p>为了更好地提供政府信息公开服务，'
                "根据《中华人民共和国政府信息公开条例》，编制本指南。</p></div>" + self.foot(s),
            )
        # parent pages
        for code, pname, ppath in s.parents:
            if not ppath:
                continue
            kids = "".join(
                f'<li><a href="{rel(ppath, k.list_path)}">{k.name}</a></li>'
                for k in s.columns
                if k.parent == code
            )
            self.put(
                s.ip,
                ppath,
                self.trs_head(s, pname, pname)
                + self.nav(s, ppath, entry)
                + self.trs_tree(s, ppath)
                + f'<div class="right"><div class="pos">当前位置：<a href="{rel(ppath, entry)}">{s.entry_name}</a> &gt; {pname}</div>'
                f'<ul class="sub-cols">{kids}</ul></div>' + self.foot(s),
            )
        # column pages
        for c in s.columns:
            pages = pages_of(c.rows, c.per_page)
            for pi, rows in enumerate(pages):
                path = c.column_url_path + ("index.html" if pi == 0 else f"index_{pi}.html")
                if c.empty_marker:
                    lst = f'<div class="nodata">{c.empty_marker}</div>'
                else:
                    lst = (
                        '<ul class="list">'
                        + "\n".join(self.trs_row(s, c, path, it, p) for it, p in rows)
                        + "</ul>"
                    )
                if s.id == "fgj":
                    pager = (
                        f'<script type="text/javascript">\nvar currentPage = {pi};//所在页从0开始\n'
                        f"var countPage = {len(pages)}//共多少页\n"
                        'createPageHTML(countPage, currentPage, "index", "html");\n</script>'
                    )
                else:
                    pager = f'<div class="page"><script language="javascript">createPageHTML({len(pages)}, {pi}, "index", "html");</script></div>'
                body = (
                    self.trs_head(s, f"{c.name}-{s.name}", c.name)
                    + self.nav(s, path, entry)
                    + self.trs_tree(s, path)
                    + f'<div class="right"><div class="pos">当前位置：<a href="{rel(path, s.prefix)}">首页</a> &gt; '
                    f'<a href="{rel(path, entry)}">{s.entry_name}</a> &gt; {c.name}</div>'
                    f'<div class="col-title">{c.name}</div>{lst}\n{pager}</div>' + self.foot(s)
                )
                self.put(s.ip, path, body)
            for it, _ in c.rows:
                self.detail(s, c, it)

    # ----------------------------------------------------------------- details
    def detail(self, s: Site, c: Column, it: Item):
        if it.url.startswith("http") or (s.ip, it.url) in self.pages:
            return
        if it.kind == "dead404":
            return
        if it.kind == "soft404":
            html = (
                '<html><head><meta charset="utf-8"><title>提示信息</title></head><body><div style="margin:80px auto;width:400px">'
                '<h3>您访问的页面不存在或已被删除！</h3><p><a href="/">返回首页</a></p></div></body></html>'
            )
            self.put(s.ip, it.url, html)
            return
        if it.kind == "attach":
            self.put(s.ip, it.url, PDF, ctype="application/pdf")
            return
        if s.cms == "table":
            return self.detail_table(s, c, it)
        if s.cms == "hanweb":
            return self.detail_hanweb(s, c, it)
        if s.cms in ("asp", "asp2"):
            return self.detail_asp(s, c, it)
        p = it.pub
        meta = f'<meta name="ArticleTitle" content="{esc(it.title)}">\n<meta name="ContentSource" content="{s.name}">\n'
        info = f"来源：{s.name}"
        if p is not None:
            hh, mm = 8 + len(it.title) % 9, len(it.title) * 7 % 60
            meta += f'<meta name="PubDate" content="{p:%Y-%m-%d} {hh:02d}:{mm:02d}">\n'
            if s.id != "qsz":
                info = f"发布时间：{p:%Y-%m-%d} {hh:02d}:{mm:02d}:{len(it.url) % 60:02d}　" + info
        gk = ""
        if it.written:
            gk = (
                f'<table class="gk-meta"><tr><td>索 引 号：</td><td>01{len(s.id)}23456X/{p.year}-{self.B.rng.randint(10000, 99999)}</td>'
                f"<td>发布机构：</td><td>{s.name}</td></tr><tr><td>成文日期：</td><td>{it.written.year}年{it.written.month}月{it.written.day}日</td>"
                f"<td>发布日期：</td><td>{p.year}年{p.month:02d}月{p.day:02d}日</td></tr><tr><td>文　　号：</td>"
                f"<td>柳政发〔{p.year}〕{len(it.title)}号</td><td>有 效 性：</td><td>有效</td></tr></table>"
            )
        body = (
            self.trs_head(s, f"{it.title}", c.name, meta)
            + self.nav(s, it.url, f"{s.prefix}{'zfxxgk/' if s.id == 'county' else 'xxgk/'}index.html")
            + f'<div class="article">{gk}<h1>{esc(it.title)}</h1><div class="info">{info}　浏览次数：<script>getClick({len(it.url)})</script></div>'
            f'<div class="TRS_Editor"><p>　　{esc(it.title)}。会议要求，各乡镇、各部门要高度重视，于{(p or dt.date(2012, 6, 1)).year}年'
            f"{self.B.rng.randint(1, 12)}月底前完成各项工作任务。</p><p>　　联系电话：0915-6321{len(it.url) % 1000:03d}</p></div>"
            f'<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>'
            "</div>" + self.foot(s)
        )
        self.put(s.ip, it.url, body)

    def detail_table(self, s: Site, c: Column, it: Item):
        p = it.pub
        body = (
            self.trs_head(s, it.title)
            + self.nav(s, it.url, "/bumen/jyj/xxgk/")
            + '<div class="xxgk-detail"><table class="meta" border="1" cellspacing="0">'
            f"<tr><th>索引号</th><td>11610926MB{len(it.url)}/{(p or dt.date(2012, 1, 1)).year}-{int(it.url.split('/')[-1][:-5]):05d}</td>"
            f"<th>主题分类</th><td>教育</td></tr><tr><th>发布机构</th><td>柳溪县教育局</td><th>成文日期</th>"
            f"<td>{it.written.isoformat() if it.written else ''}</td></tr>"
            f'<tr><th>名　　称</th><td colspan="3">{esc(it.title)}</td></tr>'
            f"<tr><th>文　　号</th><td>{f'柳教发〔{p.year}〕{len(it.title)}号' if it.written and p else '无'}</td>"
            f"<th>发布日期</th><td>{p.isoformat() if p else ''}</td></tr></table>"
            f'<h2>{esc(it.title)}</h2><div class="content"><p>各中小学、幼儿园：</p><p>　　现将有关事项通知如下。'
            + (f"会议定于{it.body_date}召开。" if it.body_date else "")
            + "</p></div></div>"
            + self.foot(s)
        )
        self.put(s.ip, it.url, body)

    def detail_hanweb(self, s: Site, c: Column, it: Item):
        p = it.pub
        meta = ""
        info = f"信息来源：<!--<$[信息来源]>begin-->{s.name}<!--<$[信息来源]>end-->"
        if p and it.detail_date == "label":
            info = f"发布日期：{p:%Y-%m-%d}　" + info
        table = ""
        if it.detail_date == "table" or it.written:
            table = (
                '<table class="xxgk_table"><tr><td class="label">索引号：</td><td>'
                f"00{len(s.id)}/{(p or AS_OF).year}-{len(it.url)}"
                '</td><td class="label">公开方式：</td><td>主动公开</td></tr>'
                f'<tr><td class="label">成文日期：</td><td>{it.written.isoformat() if it.written else ""}</td>'
                f'<td class="label">发布日期：</td><td>{p.isoformat() if p else ""}</td></tr></table>'
            )
        body = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(it.title)}</title>{meta}'
            f'<meta name="Maketime" content="2013-01-05 09:00:00"></head><body>'
            f'<div class="head"><a href="/">{s.name}</a></div>{table}'
            f'<div class="title"><!--<$[标题]>begin-->{esc(it.title)}<!--<$[标题]>end--></div>'
            f'<div class="small-title">{info}　访问次数：<script>_showDynClicks("wbnews",{len(it.url)})</script></div>'
            f'<div id="zoom"><!--ZJEG_RSS.content.begin--><p>　　{esc(it.title)}，现予公开。</p><!--ZJEG_RSS.content.end--></div>'
            f'<div class="foot">{s.name} 版权所有</div></body></html>'
        )
        self.put(s.ip, it.url, body)

    def detail_asp(self, s: Site, c: Column, it: Item):
        p = it.pub
        if s.id == "nyj":
            when = (
                f"{p.year}-{p.month}-{p.day} {9 + len(it.title) % 8}:{len(it.url) % 60:02d}:12" if p else ""
            )
            info = f'作者：办公室　发布时间：{when}　点击数：<script src="/count.asp?id={it.url.split("=")[-1]}"></script>'
        else:
            info = f"来源：双龙乡　时间：{fmt_date(p, 'cn')}" if p else "来源：双龙乡　编辑：admin"
        att = f'<p>附件：<a href="{it.attachment}">补贴发放明细.docx</a></p>' if it.attachment else ""
        if it.attachment:
            self.put(
                s.ip,
                it.attachment,
                DOCX,
                ctype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        body = (
            f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>{esc(it.title)}</title></head>'
            f'<body><table width="960" align="center"><tr><td class="title" align="center"><b>{esc(it.title)}</b></td></tr>'
            f'<tr><td align="center" class="info">{info}</td></tr><tr><td class="content">　　{esc(it.title)}。'
            f"请各村组认真落实，确保资金足额兑付到户。</td></tr><tr><td>{att}</td></tr></table>"
            f'<div align="center">Copyright &copy; {s.name} 技术支持：县信息中心</div></body></html>'
        )
        self.put(s.ip, it.url, body, ctype="text/html", enc="gb18030")

    # ----------------------------------------------------------------- Hanweb
    def hw_record(self, s: Site, c: Column, it: Item, pinned: bool) -> str:
        href = self.item_href(it)
        top = '<font color="red">[置顶]</font>' if pinned else ""
        d = it.pub if it.row != "none" else None
        if c.name == "通知公告" and s.id == "czj":
            dd = f"[{d:%Y-%m-%d}]" if d else ""
            return (
                f'<table width="100%"><tr><td class="bt_link">{top}<a href="{href}" title="{esc(it.title)}" target="_blank">'
                f'{esc(short(it.title, 26))}</a></td><td width="90" class="bt_time">{dd}</td></tr></table>'
            )
        if s.id == "bhz":
            dd = f'<span class="bt-data-time">{fmt_date(d, "dots")}</span>' if d else ""
        else:
            dd = f'<span class="bt-data-time">{d:%Y-%m-%d}</span>' if d else ""
        return f'<li>{top}<a href="{href}" title="{esc(it.title)}" target="_blank">{esc(short(it.title, 26))}</a>{dd}</li>'

    def hw_tree(self, s: Site, here_col: str | None) -> str:
        out = ['<div class="lm"><ul>']
        done = set()
        parents = {p[0]: p for p in s.parents}
        for c in s.columns:
            if c.parent:
                if c.parent in done:
                    continue
                done.add(c.parent)
                code, pname, ppath = parents[c.parent]
                out.append(f'<li><a href="{ppath}">{pname}</a>')
                kids = [k for k in s.columns if k.parent == code]
                if here_col in [code] + [k.code for k in kids]:
                    out.append(
                        '<ul class="sub">'
                        + "".join(f'<li><a href="{k.list_path}">{k.name}</a></li>' for k in kids)
                        + "</ul>"
                    )
                out.append("</li>")
            else:
                out.append(f'<li><a href="{c.list_path}">{c.name}</a></li>')
        return "".join(out) + "</ul></div>"

    def hw_page(self, s: Site, title: str, content: str, colname: str = "") -> str:
        meta = f'<meta name="ColumnName" content="{colname}">' if colname else ""
        entry = f"/col/col{s.columns[0].code[:2]}00/index.html"
        return (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="SiteName" content="{s.name}">{meta}'
            f'<script src="/module/jslib/jquery/jquery.js"></script></head><body>'
            f'<div class="header"><img src="/images/logo.png" alt="{s.name}"></div>'
            f'<div class="menu"><a href="/">首页</a> <a href="{entry}">{s.entry_name}</a> '
            f'<a href="/col/col{s.columns[0].code[:2]}91/index.html">办事服务</a> <a href="/col/col{s.columns[0].code[:2]}92/index.html">互动交流</a></div>'
            f'{content}<div class="bottom">{s.name}　版权所有　技术支持：南京大汉网络有限公司</div></body></html>'
        )

    def hanweb_site(self, s: Site):
        pre = s.columns[0].code[:2]
        entry = f"/col/col{pre}00/index.html"
        blocks = []
        for title, rows in s.home_blocks:
            lis = "".join(
                f'<li><a href="{it.url}" target="_blank">{esc(short(it.title, 20))}</a><span>{fmt_date(it.pub, f)}</span></li>'
                for it, f in rows
            )
            blocks.append(
                f'<div class="mod"><div class="mod-t"><span>{title}</span><a href="{entry}">更多</a></div><ul>{lis}</ul></div>'
            )
        self.put(
            s.ip,
            "/index.html",
            self.hw_page(
                s,
                s.name,
                '<div class="main">'
                + "".join(blocks)
                + '<div class="zt"><a href="#"><img src="/images/zt1.jpg" alt="专题"></a></div></div>',
            ),
        )
        for code, t in (("91", "办事服务"), ("92", "互动交流")):
            self.put(
                s.ip,
                f"/col/col{pre}{code}/index.html",
                self.hw_page(
                    s,
                    t,
                    f'<div class="main"><h3>{t}</h3>'
                    '<p>网上办事大厅 <a href="#">在线申报</a> <a href="#">办件查询</a></p></div>',
                ),
            )
        self.put(
            s.ip,
            entry,
            self.hw_page(
                s,
                s.entry_name,
                self.hw_tree(s, None) + '<div class="right"><p>政府信息公开指南</p><p>依申请公开</p></div>',
            ),
        )
        for code, pname, ppath in s.parents:
            kids = "".join(
                f'<li><a href="{k.list_path}">{k.name}</a></li>' for k in s.columns if k.parent == code
            )
            self.put(
                s.ip,
                ppath,
                self.hw_page(
                    s, pname, self.hw_tree(s, code) + f'<div class="right"><ul>{kids}</ul></div>', pname
                ),
            )
        for c in s.columns:
            self.hanweb[(s.ip, c.code)] = c
            recs = [self.hw_record(s, c, it, p) for it, p in c.rows]
            first = recs[: c.per_page * 3]
            unit = int(c.code) + 7000
            if c.empty_marker or not recs:
                content = f'<div id="{unit}"><div class="nodata">{c.empty_marker or "暂无信息"}</div></div>'
            else:
                xml = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in first)
                content = (
                    f'<div id="{unit}"><script type="text/xml"><datastore>\n'
                    f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=2{pre}&path=/&columnid={c.code}'
                    f'&unitid={unit}&webname={s.name}&permissiontype=0"></a>]]></nextgroup>\n<recordset>\n{xml}</recordset>\n'
                    f"</datastore></script></div>\n"
                    f'<script language="javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>\n'
                    f'<script>var param_{unit} = {{col:1,appid:1,webid:2{pre},path:"/",columnid:{c.code},sourceContentType:1,'
                    f'unitid:"{unit}",webname:"{s.name}",permissiontype:0}};\n'
                    f'$(function(){{ $("#{unit}").jpage({{ dataStore: "", totalRecord: {len(recs)}, perPage: {c.per_page},'
                    f' groupSize: 3, proxyUrl: "/module/web/jpage/dataproxy.jsp", ajaxParam: param_{unit},'
                    f' barPosition: "bottom", showMode: "full", allRecordTip: "共{{0}}条", pageNumTip: "第{{0}}/{{1}}页" }}); }});</script>'
                )
            self.put(
                s.ip,
                c.list_path,
                self.hw_page(
                    s,
                    c.name,
                    self.hw_tree(s, c.parent or c.code)
                    + f'<div class="right"><div class="bt">{c.name}</div>{content}</div>',
                    c.name,
                ),
            )
            c._records = recs
            for it, _ in c.rows:
                self.detail(s, c, it)

    def dataproxy(self, ip: str, params: dict) -> bytes | None:
        c = self.hanweb.get((ip, str(params.get("columnid", ""))))
        if c is None:
            return None
        recs = c._records
        per = int(params.get("perpage") or c.per_page)
        start = int(params.get("startrecord") or 1)
        end = int(params.get("endrecord") or (start + per * 3 - 1))
        part = recs[max(start - 1, 0) : end]
        xml = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in part)
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(recs)}</totalrecord>'
            f"<totalpage>{-(-len(recs) // per)}</totalpage><recordset>\n{xml}</recordset></datastore>"
        ).encode()

    # ----------------------------------------------------------------- ASP
    def asp_site(self, s: Site):
        gbk = dict(enc="gb18030", ctype="text/html")
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        entry = "/zwgk.asp"
        nav = (
            f'<table width="960" align="center" class="nav"><tr><td><a href="/">首页</a></td><td><a href="{entry}">{s.entry_name}</a></td>'
            '<td><a href="/bsfw/index.html">办事服务</a></td><td><a href="/hdjl/index.html">互动交流</a></td></tr></table>'
        )
        menu = (
            '<table class="leftmenu" width="200">'
            + "".join(
                f'<tr><td><img src="/images/dot.gif"> <a href="{c.list_path}">{c.name}</a></td></tr>'
                for c in s.columns
            )
            + "</table>"
        )

        def page(title, content):
            return (
                f'<html><head>{meta}<title>{title}</title><link href="/css/style.css" rel="stylesheet"></head><body>'
                f'<table width="960" align="center"><tr><td><img src="/images/top.jpg"></td></tr></table>{nav}{content}'
                f'<table width="960" align="center"><tr><td align="center">版权所有：{s.name}　技术支持：县信息中心'
                f"</td></tr></table></body></html>"
            )

        blocks = ""
        for title, rows in s.home_blocks:
            trs = "".join(
                f'<tr><td>·<a href="{it.url}" target="_blank">{esc(short(it.title, 20))}</a></td>'
                f'<td width="80">{fmt_date(it.pub, "asp" if s.id == "nyj" else "iso")}</td></tr>'
                for it, f in rows
            )
            blocks += f'<table width="600" class="block"><tr><td class="bt">{title}</td><td><a href="{entry}">更多</a></td></tr>{trs}</table>'
        self.put(s.ip, "/index.asp", page(s.name, blocks), **gbk)
        self.static_pages(s, enc="gb18030", meta_charset=meta)
        self.put(
            s.ip,
            entry,
            page(
                s.entry_name,
                f'<table width="960" align="center"><tr><td valign="top">{menu}</td>'
                f'<td valign="top"><p>{s.entry_name}指南：本机关主动公开政府信息。</p></td></tr></table>',
            ),
            **gbk,
        )
        for c in s.columns:
            pages = pages_of(c.rows, c.per_page)
            param = c.list_path.split("?")[1]
            script = c.list_path.split("?")[0]
            for pi, rows in enumerate(pages):
                n = pi + 1
                if c.empty_marker:
                    lst = f'<table width="100%"><tr><td align="center">{c.empty_marker}</td></tr></table>'
                else:
                    trs = []
                    for it, _pinned in rows:
                        d = it.pub if it.row != "none" else None
                        if s.id == "nyj":
                            ds = fmt_date(d, "asp") if d else ""
                        else:
                            ds = fmt_date(d, "cn" if c.code == "1" else "slash") if d else ""
                        trs.append(
                            f'<tr><td width="20"><img src="/images/arrow.gif"></td><td><a href="{it.url}" target="_blank" '
                            f'title="{esc(it.title)}">{esc(short(it.title, 28))}</a></td><td width="110" align="right">{ds}</td></tr>'
                        )
                    lst = '<table width="100%" class="list">' + "".join(trs) + "</table>"
                last = len(pages)

                def lk(k, t, script=script, param=param):
                    return f'<a href="{script}?{param}&page={k}">{t}</a>'

                pager = (
                    f'<div class="pager">共{len(c.rows)}条记录 页次：{n}/{last}页 每页{c.per_page}条 '
                    + (lk(1, "首页") + " " + lk(n - 1, "上一页") if n > 1 else "首页 上一页")
                    + " "
                    + (lk(n + 1, "下一页") + " " + lk(last, "尾页") if n < last else "下一页 尾页")
                    + "</div>"
                )
                if c.empty_marker:
                    pager = ""
                content = (
                    f'<table width="960" align="center"><tr><td valign="top" width="200">{menu}</td><td valign="top">'
                    f'<div class="weizhi">您现在的位置：<a href="/">首页</a> &gt;&gt; {c.name}</div>{lst}{pager}</td></tr></table>'
                )
                path = c.list_path if n == 1 else f"{c.list_path}&page={n}"
                self.put(s.ip, path, page(c.name, content), **gbk)
            for it, _ in c.rows:
                self.detail(s, c, it)

    # ----------------------------------------------------------------- table catalogue (jyj)
    def table_site(self, s: Site):
        entry = "/bumen/jyj/xxgk/"
        here = s.prefix

        def tree(cur):
            out = ['<div class="gk-tree"><dl>']
            for code, pname, ppath in s.parents:
                out.append(f'<dt><a href="{ppath}">{pname}</a></dt>')
                for k in s.columns:
                    if k.parent == code:
                        out.append(
                            f'<dd{" class=on" if k.code == cur else ""}><a href="{k.list_path}">{k.name}</a></dd>'
                        )
            return "".join(out) + "</dl></div>"

        blocks = ""
        for title, rows in s.home_blocks:
            blocks += (
                f'<div class="jy-news"><h3>{title}</h3><ul>'
                + "".join(
                    f'<li><a href="{it.url}">{esc(short(it.title, 20))}</a> {fmt_date(it.pub, "bracket")}</li>'
                    for it, f in rows
                )
                + "</ul></div>"
            )
        self.put(
            s.ip,
            here + "index.html",
            self.trs_head(s, s.name) + self.nav(s, here, entry) + blocks + self.foot(s),
        )
        self.static_pages(s)
        self.put(
            s.ip,
            entry + "index.html",
            self.trs_head(s, "信息公开目录")
            + self.nav(s, entry, entry)
            + tree("")
            + '<div class="gk-right"><p>柳溪县教育局政府信息公开目录</p></div>'
            + self.foot(s),
        )
        for code, pname, ppath in s.parents:
            kids = "".join(
                f'<li><a href="{k.list_path}">{k.name}</a></li>' for k in s.columns if k.parent == code
            )
            self.put(
                s.ip,
                ppath + "index.html",
                self.trs_head(s, pname, pname)
                + self.nav(s, ppath, entry)
                + tree("")
                + f'<div class="gk-right"><h3>{pname}</h3><ul>{kids}</ul></div>'
                + self.foot(s),
            )
        for c in s.columns:
            pages = pages_of(c.rows, c.per_page)
            for pi, rows in enumerate(pages):
                n = pi + 1
                trs = [
                    '<tr class="th"><th width="40">序号</th><th width="170">索引号</th><th>名称</th><th width="110">发布机构</th>'
                    '<th width="90">发布日期</th></tr>'
                ]
                for k, (it, pinned) in enumerate(rows):
                    d = it.pub if it.row != "none" else None
                    idx = f"11610926MB{len(it.url)}/{(it.pub or dt.date(2012, 1, 1)).year}-{int(it.url.split('/')[-1][:-5]):05d}"
                    cls = ' class="zhiding"' if pinned else ""
                    trs.append(
                        f'<tr{cls}><td>{pi * c.per_page + k + 1}</td><td>{idx}</td><td class="mc"><a href="{it.url}" '
                        f'target="_blank">{esc(it.title)}</a></td><td>柳溪县教育局</td><td>{d.isoformat() if d else ""}</td></tr>'
                    )
                last = len(pages)
                pager = (
                    f'<div class="fy">共{len(c.rows)}条　第{n}/{last}页　'
                    + (f'<a href="?page=1">首页</a> <a href="?page={n - 1}">上一页</a> ' if n > 1 else "")
                    + (
                        f'<a href="?page={n + 1}">下一页</a> <a href="?page={last}">尾页</a>'
                        if n < last
                        else ""
                    )
                    + "</div>"
                )
                body = (
                    self.trs_head(s, f"{c.name}-{s.name}", c.name)
                    + self.nav(s, c.list_path, entry)
                    + tree(c.code)
                    + f'<div class="gk-right"><div class="lm-name">{c.name}</div><table class="gk-list" width="100%">'
                    + "".join(trs)
                    + f"</table>{pager}</div>"
                    + self.foot(s)
                )
                self.put(s.ip, c.list_path + ("index.html" if n == 1 else f"?page={n}"), body)
            for it, _ in c.rows:
                self.detail(s, c, it)

    def render(self):
        for s in self.B.sites.values():
            {
                "trs": self.trs_site,
                "trs2": self.trs_site,
                "trs3": self.trs_site,
                "hanweb": self.hanweb_site,
                "asp": self.asp_site,
                "asp2": self.asp_site,
                "table": self.table_site,
            }[s.cms](s)


# --------------------------------------------------------------------------------------------- fixtures

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 18 Tf 20 80 Td (Procurement result) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>惠农补贴发放明细（已公示）</w:t></w:r></w:p></w:body></w:document>',
        )
    return buf.getvalue()


DOCX = _docx()


# --------------------------------------------------------------------------------------------- server


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self, body_params: dict | None = None):
        net = self.server.network
        ip = self.server.server_address[0]
        parts = urlsplit(self.path)
        q = dict(parse_qsl(parts.query, keep_blank_values=True))
        if parts.path.endswith("/module/web/jpage/dataproxy.jsp"):
            data = net.renderer.dataproxy(ip, {**q, **(body_params or {})})
            if data is not None:
                return self._send(200, "text/xml; charset=utf-8", data)
        hit = net.lookup(ip, parts.path, parts.query)
        if hit is None:
            return self._send(
                404, "text/html; charset=utf-8", b"<html><body><h1>404 Not Found</h1></body></html>"
            )
        status, ctype, body = hit
        self._send(status, ctype, body)

    def _send(self, status, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
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


class OtherNetwork2:
    def __init__(self):
        self.B = build()
        self.port: int | None = None
        self.servers: Loopback | None = None
        self.renderer: Renderer | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> OtherNetwork2:
        self.servers = Loopback(sorted(set(IPS.values())), _Handler, network=self).bind()
        self.port = self.servers.port
        self.renderer = Renderer(self.B, self.port)
        self.renderer.render()
        self.servers.serve()
        return self

    def stop(self):
        if self.servers is not None:
            self.servers.stop()
        self.servers = None

    def lookup(self, ip: str, path: str, query: str):
        pages = self.renderer.pages
        cands = []
        if query:
            q = parse_qsl(query, keep_blank_values=True)
            cands.append(f"{path}?{urlencode(q)}")
            cands.append(f"{path}?{query}")
            if dict(q).get("page") == "1":
                rest = [(k, v) for k, v in q if k != "page"]
                cands.append(f"{path}?{urlencode(rest)}" if rest else path)
            if path.endswith("/"):
                cands += [f"{path}index.html?{urlencode(q)}"]
        else:
            cands.append(path)
        more = []
        for c in cands:
            base, _, qs = c.partition("?")
            if base.endswith("/"):
                for idx in ("index.html", "index.asp"):
                    more.append(base + idx + (("?" + qs) if qs else ""))
        for c in cands + more:
            if (ip, c) in pages:
                return pages[(ip, c)]
        if (
            path.endswith("/")
            and query
            and (ip, path + "index.html") in pages
            and path.startswith("/bumen/jyj/")
        ):
            return None
        return None

    # ------------------------------------------------------------------ config & truth
    def site_url(self, s: Site) -> str:
        return f"http://{s.ip}:{self.port}{s.prefix}"

    def write_config(self, path: str | Path, crawl: dict | None = None):
        crawl = {"delay_seconds": 0, "autothrottle": False, "concurrency_per_site": 4, **(crawl or {})}
        lines = ["sites:"]
        for s in self.B.sites.values():
            u = self.site_url(s)
            lines += [
                f"  - id: {s.id}",
                f"    name: {s.name}",
                f"    tier: {s.tier}",
                f'    url: "{u}"',
                f'    scope: ["{u}"]',
            ]
        lines.append("crawl:")
        for k, v in crawl.items():
            lines.append(f"  {k}: {str(v).lower() if isinstance(v, bool) else v}")
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")

    def col_url(self, s: Site, c: Column) -> str:
        return f"http://{s.ip}:{self.port}{c.column_url_path}"

    def item_url(self, s: Site, it: Item) -> str:
        return (
            it.url.replace("{port}", str(self.port))
            if it.url.startswith("http")
            else f"http://{s.ip}:{self.port}{it.url}"
        )

    def counts(self, frm: dt.date, to: dt.date) -> dict:
        sites, tiers = [], {"county": 0, "department": 0, "town": 0}
        for s in self.B.sites.values():
            cols, site_urls = [], set()
            for c in s.columns:
                urls = {self.item_url(s, it): it.pub for it, _ in c.rows}
                inp = {u for u, d in urls.items() if d and frm <= d <= to}
                dated = [d for d in urls.values() if d and d <= to]
                site_urls |= inp
                cols.append(
                    {
                        "url": self.col_url(s, c),
                        "name": c.name,
                        "category": column_category(c.name),
                        "items": len(inp),
                        "items_total": len(urls),
                        "last_published": max(dated).isoformat() if dated else None,
                    }
                )
            tiers[s.tier] += len(site_urls)
            sites.append(
                {"id": s.id, "name": s.name, "tier": s.tier, "items": len(site_urls), "columns": cols}
            )
        return {
            "from": frm.isoformat(),
            "to": to.isoformat(),
            "total": sum(tiers.values()),
            "tiers": tiers,
            "sites": sites,
        }

    def timeliness(self, as_of: dt.date = AS_OF) -> dict:
        f = []
        for s in self.B.sites.values():
            home = [it.pub for _, rows in s.home_blocks for it, _ in rows]
            days = (as_of - max(home)).days
            if days > WINDOWS["homepage"]:
                f.append(
                    {
                        "kind": "stale_homepage",
                        "site": s.id,
                        "url": self.site_url(s),
                        "days": days,
                        "limit": 14,
                    }
                )
            seen = set()
            for c in s.columns:
                kind = column_kind(c.name)
                if not c.rows:
                    f.append(
                        {
                            "kind": "empty_column",
                            "site": s.id,
                            "url": self.col_url(s, c),
                            "days": None,
                            "limit": None,
                        }
                    )
                elif kind in WINDOWS:
                    dated = [it.pub for it, _ in c.rows if it.pub and it.pub <= as_of]
                    d = (as_of - max(dated)).days if dated else None
                    if d is None or d > WINDOWS[kind]:
                        f.append(
                            {
                                "kind": "stale_column",
                                "site": s.id,
                                "url": self.col_url(s, c),
                                "days": d,
                                "limit": WINDOWS[kind],
                            }
                        )
                for it, _ in c.rows:
                    u = self.item_url(s, it)
                    if u in seen:
                        continue
                    seen.add(u)
                    if it.kind in ("dead404", "soft404"):
                        f.append({"kind": "dead_link", "site": s.id, "url": u, "days": None, "limit": None})
                    if it.pub is None:
                        f.append(
                            {"kind": "undated_item", "site": s.id, "url": u, "days": None, "limit": None}
                        )
                    if it.written and it.pub:
                        wd = working_days_after(it.written, it.pub)
                        if wd > LATE_LIMIT:
                            f.append(
                                {
                                    "kind": "late_publication",
                                    "site": s.id,
                                    "url": u,
                                    "days": wd,
                                    "limit": LATE_LIMIT,
                                }
                            )
        return {"as_of": as_of.isoformat(), "findings": f}

    def truth(self) -> dict:
        return {
            "counts_2012": self.counts(dt.date(2012, 1, 1), dt.date(2012, 12, 31)),
            "counts_all": self.counts(dt.date(2000, 1, 1), dt.date(2012, 12, 31)),
            "timeliness_2013_01_07": self.timeliness(),
        }


if __name__ == "__main__":  # manual inspection: python -m tests.othernet2.network
    import json
    import time

    net = OtherNetwork2().start()
    net.write_config("/tmp/othernet2.yaml")
    t = net.truth()
    print(
        json.dumps(
            {
                "total_2012": t["counts_2012"]["total"],
                "total_all": t["counts_all"]["total"],
                "findings": t["timeliness_2013_01_07"]["findings"],
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    print("serving on port", net.port, "config /tmp/othernet2.yaml")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        net.stop()
