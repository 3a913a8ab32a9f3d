"""The demo county's sites and their 信息公开 column trees, as data.

Each column spec gives a name (the product maps names to kinds and categories with
config/rules.yaml), a URL slug, a title role for generated titles, a relative volume and the
traps planted in it. Planted traps are the same at every scale.

Trait keys: ``empty`` (lists nothing), ``stale`` (newest publish date, planted stale),
``newest`` (explicit newest date), ``rowdate`` (mmdd | none), ``pinned`` (count), ``pin_dup``
(pinned items also listed in their normal place), ``external`` (off-network 转载 links),
``repost`` (转载 links to the county portal's 政务要闻), ``undated``, ``dead404``, ``soft404``,
``late`` (late publications), ``attach`` (formats), ``cross`` ((column name, share): items also
listed in that column of the same site; same category only), ``start`` (first year).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class ColSpec:
    name: str
    slug: str
    role: str = "other"  # title role, see demo.text.title
    weight: float = 1.0
    children: list[ColSpec] = field(default_factory=list)
    traits: dict = field(default_factory=dict)


@dataclass
class SiteSpec:
    id: str
    name: str
    tier: str
    style: str
    host: int
    prefix: str
    abbr: str  # 文号 prefix of the unit's own documents
    unit: str  # short unit name used in titles
    columns: list[ColSpec]
    variant: dict = field(default_factory=dict)
    blocks: tuple[str, ...] = ()  # column names shown on the homepage


def C(name: str, slug: str, role: str = "other", weight: float = 1.0, children=None, **traits) -> ColSpec:
    return ColSpec(name, slug, role, weight, list(children or []), traits)


D = date

COUNTY_TREE = [
    C("机构职能", "jgzn", "overview", 0.3),
    C("领导信息", "ldxx", "overview", 0.3),
    C(
        "政策文件",
        "zcwj",
        children=[
            C(
                "县政府文件",
                "xzfwj",
                "regulation",
                7,
                late=1,
                attach=["pdf", "docx"],
                cross=("规范性文件", 0.12),
                issuer=("石泉县人民政府", "石政发"),
                hardneg_spring=True,
            ),
            C(
                "县政府办文件",
                "xzfbwj",
                "regulation",
                7,
                late=1,
                attach=["pdf"],
                issuer=("石泉县人民政府办公室", "石政办发"),
                hardneg_national=True,
            ),
            C("部门文件", "bmwj", "regulation", 3, issuer=("石泉县发展和改革局", "石发改发")),
        ],
    ),
    C("规范性文件", "gfxwj", "regulation", 1.2, issuer=("石泉县人民政府", "石政规")),
    C("政策解读", "zcjd", "jd", 1.0),
    C("规划计划", "ghjh", "plan", 0.8, attach=["docx"]),
    C(
        "财政信息",
        "czxx",
        children=[
            C("财政预决算", "yjs", "other", 0.5, attach=["xlsx"]),
            C("三公经费", "sgjf", "other", 0.3, attach=["xls"]),
        ],
    ),
    C("人事信息", "rsxx", "personnel", 0.8, plant_id_page=True),
    C(
        "工作动态",
        "gzdt",
        children=[
            C(
                "政务要闻",
                "zwyw",
                "dynamic",
                4,
                min12=8,
                pinned=1,
                pin_dup=True,
                external=2,
                cross=("部门动态", 0.05),
            ),
            C("部门动态", "bmdt", "dynamic", 2),
            C("乡镇动态", "xzdt", "dynamic", 2, stale=D(2012, 11, 26)),
        ],
    ),
    C("通知公告", "tzgg", "notice", 2, pinned=2, pin_dup=False, dead404=1, soft404=1),
    C("行政许可", "xzxk", "other", 0.8),
    C("政府采购", "zfcg", "other", 0.8, external=1),
    C("统计数据", "tjsj", "other", 0.4),
    C("重点领域信息公开", "zdly", "other", 0.8),
    C("应急管理", "yjgl", "other", empty=True),
    C("信息公开年报", "ndbg", "other", 0.05, start=2009),
]


def dept_tree(
    dyn: str = "工作动态", flat_policy: bool = False, notice: str = "通知公告", extra=(), **over
) -> list[ColSpec]:
    """A department's column tree; ``over`` maps a column name to extra traits."""
    policy = (
        [C("政策法规", "zcfg", "regulation", 2.5)]
        if flat_policy
        else [
            C(
                "政策文件",
                "zcwj",
                children=[C("上级文件", "sjwj", "regulation", 1.0), C("本局文件", "bjwj", "regulation", 1.8)],
            )
        ]
    )
    cols = [
        C("机构职能", "jgzn", "overview", 0.2),
        C("领导信息", "ldxx", "overview", 0.2),
        *policy,
        C(dyn, "gzdt", "dynamic", 2.2),
        C(notice, "tzgg", "notice", 0.9, cross=(dyn, 0.04)),
        C("规划计划", "ghjh", "plan", 0.4),
        C("人事信息", "rsxx", "personnel", 0.3),
        C("部门预决算", "yjs", "other", 0.25),
        C("行政执法", "xzzf", "other", 0.4),
        C("政府采购", "zfcg", "other", 0.25),
        *extra,
    ]
    for c in cols:
        for x in [c, *c.children]:
            x.traits.update(over.get(x.name, {}))
    return cols


def town_tree(dyn: str = "工作动态", grouped: bool = False, extra=(), **over) -> list[ColSpec]:
    money = [
        C("财务公开", "cwgk", "other", 0.8, cross=("民生保障", 0.1)),
        C("村务公开", "cwgk2", "other", 0.6),
    ]
    cols = [
        C("乡镇概况", "xzgk", "overview", 0.15),
        C("领导分工", "ldfg", "overview", 0.15),
        C(dyn, "gzdt", "dynamic", 2.5),
        C("通知公告", "tzgg", "notice", 0.8),
        C("政策文件", "zcwj", "regulation", 0.6),
        C("规划计划", "ghjh", "plan", 0.4),
        *([C("三务公开", "swgk", children=money)] if grouped else money),
        C("民生保障", "msbz", "other", 0.7),
        *extra,
    ]
    for c in cols:
        for x in [c, *c.children]:
            x.traits.update(over.get(x.name, {}))
    return cols


T = dict  # readability of trait overrides below

SITES: list[SiteSpec] = [
    SiteSpec(
        "county",
        "石泉县人民政府",
        "county",
        "trs",
        2,
        "/",
        "石政发",
        "县政府",
        COUNTY_TREE,
        {"meta": True, "date_fmt": "iso", "li_class": "list_li", "home_fmt": "mmdd", "guide": True},
        ("政务要闻", "通知公告"),
    ),
    # departments hosted on the county platform (集约化), and their own hosts
    SiteSpec(
        "fgj",
        "石泉县发展和改革局",
        "department",
        "trs",
        2,
        "/bm/fgj/",
        "石发改发",
        "县发改局",
        dept_tree(
            extra=[C("价格收费", "jgsf", "other", 0.4)],
            **{"本局文件": T(attach=["pdf"], plant_secret_pdf=True, late=1), "工作动态": T(repost=1)},
        ),
        {"meta": True, "date_fmt": "bracket", "li_class": "news", "home_fmt": "iso"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "czj",
        "石泉县财政局",
        "department",
        "trs",
        2,
        "/bm/czj/",
        "石财发",
        "县财政局",
        dept_tree(
            flat_policy=True,
            extra=[C("财政资金", "czzj", "other", 0.6, attach=["xlsx"])],
        ),
        {"meta": False, "date_fmt": "slash", "li_class": "", "home_fmt": "mmdd"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "rsj",
        "石泉县人力资源和社会保障局",
        "department",
        "trs",
        2,
        "/bm/rsj/",
        "石人社发",
        "县人社局",
        dept_tree(
            notice="公示公告",
            extra=[C("就业服务", "jyfw", "other", 0.5)],
            **{"人事信息": T(weight=1.2, hardneg_masked=True)},
        ),
        {"meta": True, "date_fmt": "iso", "li_class": "item", "home_fmt": "iso"},
        ("工作动态", "公示公告"),
    ),
    SiteSpec(
        "mzj",
        "石泉县民政局",
        "department",
        "trs",
        3,
        "/",
        "石民发",
        "县民政局",
        dept_tree(
            extra=[C("社会救助", "shjz", "other", 0.6, attach=["xlsx"], plant_id_xlsx=True)],
            **{"通知公告": T(stale=D(2012, 5, 18)), "领导信息": T(rowdate="none")},
        ),
        {"meta": False, "date_fmt": "iso", "li_class": "", "home_fmt": "iso"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "jyj",
        "石泉县教育局",
        "department",
        "hanweb",
        4,
        "/",
        "石教发",
        "县教育局",
        dept_tree(
            dyn="教育动态",
            extra=[
                C("校园动态", "xydt", "dynamic", 0.8, stale=D(2012, 12, 3)),
                C("招生考试", "zsks", "other", 0.5),
            ],
            **{"通知公告": T(pinned=1, pin_dup=True), "教育动态": T(external=1)},
        ),
        {"meta": True, "date_fmt": "iso", "repeat": True, "wrap": "li"},
        ("教育动态", "通知公告"),
    ),
    SiteSpec(
        "wjj",
        "石泉县卫生健康局",
        "department",
        "hanweb",
        5,
        "/",
        "石卫发",
        "县卫生健康局",
        dept_tree(
            dyn="卫生动态",
            extra=[C("医疗服务", "ylfw", "other", 0.3, empty=True)],
            **{"人事信息": T(stale=D(2011, 6, 20)), "卫生动态": T(soft404=1)},
        ),
        {"meta": True, "date_fmt": "bracket", "repeat": False, "wrap": "tr"},
        ("卫生动态", "通知公告"),
    ),
    SiteSpec(
        "zjj",
        "石泉县住房和城乡建设局",
        "department",
        "hanweb",
        6,
        "/",
        "石建发",
        "县住建局",
        dept_tree(
            flat_policy=True,
            extra=[C("保障性住房", "bzxzf", "other", 0.5)],
            **{"政策法规": T(late=1, attach=["docx"])},
        ),
        {"meta": False, "date_fmt": "iso", "repeat": True, "wrap": "li"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "nyj",
        "石泉县农业农村局",
        "department",
        "asp",
        7,
        "/",
        "石农发",
        "县农业局",
        dept_tree(
            dyn="农业动态",
            extra=[C("行政处罚", "xzcf", "other", empty=True)],
            **{
                "机构职能": T(stale=D(2010, 9, 14)),
                "农业动态": T(pinned=1, pin_dup=False, plant_gbk=True, undated=1, plant_internal_page=True),
            },
        ),
        {
            "date_fmt": "dash",
            "list": "list.asp",
            "cls": "classid",
            "show": "ShowArticle.asp",
            "aid": "ArticleID",
        },
        ("农业动态", "通知公告"),
    ),
    SiteSpec(
        "jtj",
        "石泉县交通运输局",
        "department",
        "asp",
        8,
        "/",
        "石交发",
        "县交通局",
        dept_tree(
            flat_policy=True,
            **{"部门预决算": T(attach=["xls"]), "工作动态": T(dead404=1), "政策法规": T(undated=1)},
        ),
        {
            "date_fmt": "bracket",
            "list": "NewsList.asp",
            "cls": "ClassID",
            "show": "NewsShow.asp",
            "aid": "id",
        },
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "slj",
        "石泉县水利局",
        "department",
        "asp",
        9,
        "/",
        "石水发",
        "县水利局",
        dept_tree(
            dyn="水利动态", **{"水利动态": T(stale=D(2012, 11, 30)), "通知公告": T(newest=D(2012, 10, 22))}
        ),
        {
            "date_fmt": "slash",
            "list": "Article_Class.asp",
            "cls": "ClassID",
            "show": "Article_Show.asp",
            "aid": "ArticleID",
        },
        ("水利动态", "通知公告"),
    ),
    SiteSpec(
        "zrj",
        "石泉县自然资源局",
        "department",
        "gkml",
        10,
        "/",
        "石国土发",
        "县自然资源局",
        dept_tree(
            extra=[C("规范性文件", "gfxwj", "regulation", 0.4, stale=D(2011, 11, 8))],
            **{"本局文件": T(undated=1, soft404=1), "行政执法": T(attach=["pdf"])},
        ),
        {"date_fmt": "cn", "page_param": "pageNo"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "scj",
        "石泉县市场监督管理局",
        "department",
        "gkml",
        11,
        "/",
        "石市监发",
        "县市场监管局",
        dept_tree(
            flat_policy=True,
            extra=[C("食品安全", "spaq", "other", 0.5)],
            **{"政策法规": T(pinned=1, pin_dup=False), "工作动态": T(external=1)},
        ),
        {"date_fmt": "iso", "page_param": "page"},
        ("工作动态", "通知公告"),
    ),
    # towns
    SiteSpec(
        "cgz",
        "城关镇人民政府",
        "town",
        "trs",
        2,
        "/zhen/cgz/",
        "城政发",
        "城关镇",
        town_tree(
            grouped=True,
            **{"村务公开": T(attach=["docx"], plant_internal_docx=True), "工作动态": T(repost=1)},
        ),
        {"meta": True, "date_fmt": "iso", "li_class": "", "home_fmt": "mmdd"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "chz",
        "池河镇人民政府",
        "town",
        "trs",
        2,
        "/zhen/chz/",
        "池政发",
        "池河镇",
        town_tree(**{"政策文件": T(late=1), "民生保障": T(rowdate="mmdd")}),
        {"meta": False, "date_fmt": "cn", "li_class": "", "home_fmt": "iso"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "rfz",
        "饶峰镇人民政府",
        "town",
        "hanweb",
        12,
        "/",
        "饶政发",
        "饶峰镇",
        town_tree(
            dyn="镇务动态", extra=[C("统计信息", "tjxx", "other", empty=True)], **{"镇务动态": T(repost=1)}
        ),
        {"meta": True, "date_fmt": "iso", "repeat": True, "wrap": "li"},
        ("镇务动态", "通知公告"),
    ),
    SiteSpec(
        "lhz",
        "两河镇人民政府",
        "town",
        "hanweb",
        13,
        "/",
        "两政发",
        "两河镇",
        town_tree(**{"工作动态": T(rowdate="mmdd"), "政策文件": T(stale=D(2012, 3, 9))}),
        {"meta": False, "date_fmt": "iso", "repeat": False, "wrap": "li"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "yfz",
        "迎丰镇人民政府",
        "town",
        "hanweb",
        14,
        "/",
        "迎政发",
        "迎丰镇",
        town_tree(grouped=True, **{"通知公告": T(dead404=1)}),
        {"meta": True, "date_fmt": "slash", "repeat": True, "wrap": "tr"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "hlz",
        "后柳镇人民政府",
        "town",
        "asp",
        15,
        "/",
        "后政发",
        "后柳镇",
        town_tree(extra=[C("重大项目", "zdxm", "other", empty=True)], **{"财务公开": T(undated=1)}),
        {
            "date_fmt": "dash",
            "list": "list.asp",
            "cls": "classid",
            "show": "ShowArticle.asp",
            "aid": "ArticleID",
        },
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "xhz",
        "喜河镇人民政府",
        "town",
        "asp",
        16,
        "/",
        "喜政发",
        "喜河镇",
        town_tree(**{"工作动态": T(stale=D(2012, 12, 7)), "通知公告": T(newest=D(2012, 11, 19))}),
        {
            "date_fmt": "bracket",
            "list": "list.asp",
            "cls": "classid",
            "show": "ShowArticle.asp",
            "aid": "ArticleID",
        },
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "ydz",
        "熨斗镇人民政府",
        "town",
        "asp",
        17,
        "/",
        "熨政发",
        "熨斗镇",
        town_tree(**{"工作动态": T(rowdate="mmdd"), "民生保障": T(undated=1, soft404=1)}),
        {"date_fmt": "dot", "list": "NewsList.asp", "cls": "ClassID", "show": "NewsShow.asp", "aid": "id"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "ywsz",
        "云雾山镇人民政府",
        "town",
        "gkml",
        18,
        "/",
        "云政发",
        "云雾山镇",
        town_tree(grouped=True, **{"政策文件": T(attach=["xls"])}),
        {"date_fmt": "iso", "page_param": "pageNo"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "zcz",
        "中池镇人民政府",
        "town",
        "gkml",
        19,
        "/",
        "中政发",
        "中池镇",
        town_tree(
            **{"规划计划": T(stale=D(2011, 10, 12)), "民生保障": T(rowdate="none"), "财务公开": T(undated=1)}
        ),
        {"date_fmt": "cn", "page_param": "page"},
        ("工作动态", "通知公告"),
    ),
    SiteSpec(
        "zxz",
        "曾溪镇人民政府",
        "town",
        "gkml",
        20,
        "/",
        "曾政发",
        "曾溪镇",
        town_tree(**{"工作动态": T(stale=D(2012, 11, 15)), "通知公告": T(newest=D(2012, 9, 27))}),
        {"date_fmt": "iso", "page_param": "pageNo"},
        ("工作动态", "通知公告"),
    ),
]

# Planted stale homepages: every column shown in their latest-news blocks is older than 14 days.
STALE_HOMEPAGES = {"slj", "xhz", "zxz"}
