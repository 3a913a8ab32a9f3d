"""A sixth unseen county portal network on loopback (127.0.0.180-183), built independently.

Traps: split scopes (a department on its own host whose 信息公开 columns live on the county
platform under /xxgk/bm/jtj/), Hanweb jpage variants (<tr> records, <nextgroup>, camelCase
perPage/groupSize, dataproxy.jsp over GET, records repeated across groups, 2012-3-5 dates), a
gkmlpt-like table whose 成文日期 column precedes the 发布日期 column, a town whose homepage is its
disclosure platform (left menu), pinned rows on every page, MM-DD rows, cross-listing, external
转载 links, a 404 and a soft-404, an empty column, undated items, a late publication.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import chinese_calendar
import yaml

from tests.loopback import Loopback, QuietHandler

ROOT = Path(__file__).resolve().parents[2]
RULES = yaml.safe_load((ROOT / "config" / "rules.yaml").read_text(encoding="utf-8"))
AS_OF = dt.date(2013, 1, 7)
IPS = {"county": "127.0.0.180", "jtj": "127.0.0.181", "jyj": "127.0.0.182", "town": "127.0.0.183"}


@dataclass
class Item:
    url: str  # absolute
    title: str
    pub: dt.date | None  # the real publish date (发布日期)
    row: str = "full"  # full | mmdd | none
    cw: dt.date | None = None  # 成文日期
    detail: str = "ok"  # ok | 404 | soft404 | external | undated
    pinned: bool = False


@dataclass
class Column:
    name: str
    url: str  # normalised column URL
    items: list[Item] = field(default_factory=list)


@dataclass
class Site:
    id: str
    name: str
    tier: str
    url: str
    scope: list[str]
    homepage_dates: list[dt.date] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)


def _dates(rng: random.Random, n: int, start: dt.date, end: dt.date) -> list[dt.date]:
    span = (end - start).days
    ds = sorted((start + dt.timedelta(days=rng.randint(0, span)) for _ in range(n - 1)), reverse=True)
    return [end, *ds]  # newest first, newest exactly `end`


def _category(name: str) -> str:
    for cat in RULES["counting"]["categories"]:
        if any(re.search(p, name) for p in cat["patterns"]):
            return cat["key"]
    return "other"


def _kind(name: str) -> str:
    for kind, pats in RULES["timeliness"]["column_kinds"].items():
        if any(re.search(p, name) for p in pats):
            return kind
    return "other"


def _workdays_after(a: dt.date, b: dt.date) -> int:
    n, d = 0, a + dt.timedelta(days=1)
    while d <= b:
        n += chinese_calendar.is_workday(d)
        d += dt.timedelta(days=1)
    return n


class OtherNetwork6:
    def __init__(self) -> None:
        self.port = 0
        self.servers: Loopback | None = None
        self.pages: dict[tuple[str, str], tuple[int, str, bytes]] = {}
        self.hanweb: dict[str, list[str]] = {}  # columnid -> record CDATA strings
        self.sites: list[Site] = []
        self.gk_columns: set[str] = set()  # columns listed as gkmlpt-like tables

    # ---------------------------------------------------------------- build
    def _base(self, key: str) -> str:
        return f"http://{IPS[key]}:{self.port}/"

    def _put(self, url: str, body: str, status: int = 200, enc: str = "utf-8") -> None:
        p = urlsplit(url)
        path = p.path + (f"?{p.query}" if p.query else "")
        ctype = "text/html" if enc != "utf-8" else "text/html; charset=utf-8"
        self.pages[(p.hostname, path)] = (status, ctype, body.encode(enc))

    def _detail(self, it: Item, site: Site, enc: str = "utf-8", style: str = "meta") -> None:
        if it.detail == "external":
            return
        if it.detail == "404":
            return  # not served -> 404
        if it.detail == "soft404":
            self._put(
                it.url,
                "<html><head><title>提示</title></head><body><p>您访问的页面不存在或已被删除。</p></body></html>",
            )
            return
        meta, info = "", ""
        charset = "gb2312" if enc != "utf-8" else "utf-8"
        if it.detail == "ok" and it.pub:
            if style == "meta":
                meta = f'<meta name="PubDate" content="{it.pub.isoformat()} 09:30">'
                info = f"<div class='info'>发布时间：{it.pub.isoformat()} 09:30:00 来源：{site.name}</div>"
            elif style == "gk":
                info = (
                    "<table class='gkxx'><tr><td>索引号：</td><td>11610900/"
                    f"{it.pub.year}-{len(it.url) * 7:05d}</td><td>发布机构：</td><td>{site.name}</td></tr>"
                    f"<tr><td>成文日期：</td><td>{(it.cw or it.pub).strftime('%Y年%m月%d日')}</td>"
                    f"<td>发布日期：</td><td>{it.pub.strftime('%Y年%m月%d日')}</td></tr></table>"
                )
            else:  # asp
                info = f"<div>发布时间：{it.pub.year}-{it.pub.month}-{it.pub.day} 10:20:11 点击：12</div>"
        self._put(
            it.url,
            f'<html><head><meta charset="{charset}"><title>{it.title}</title>{meta}'
            f'<meta name="ArticleTitle" content="{it.title}"></head><body>'
            "<div class='nav'>当前位置：首页 &gt; 正文</div>"
            f"<h1>{it.title}</h1>{info}<div class='content'><p>{it.title}的正文内容。</p></div></body></html>",
            enc=enc,
        )

    @staticmethod
    def _rowdate(it: Item, fmt: str = "iso") -> str:
        if it.row == "none" or it.pub is None:
            return ""
        if it.row == "mmdd":
            return it.pub.strftime("%m-%d")
        if fmt == "dash":
            return f"{it.pub.year}-{it.pub.month}-{it.pub.day}"
        return it.pub.isoformat()

    # TRS-style li list with createPageHTML (no page links)
    def _trs_list(self, col: Column, site: Site, per: int = 15, bracket: bool = False) -> None:
        pinned = [i for i in col.items if i.pinned]
        rest = [i for i in col.items if not i.pinned]
        pages = [rest[k : k + per] for k in range(0, len(rest), per)] or [[]]
        for n, chunk in enumerate(pages):
            lis = []
            for it in pinned + chunk:
                d = self._rowdate(it)
                d = f"[{d}]" if bracket and d else d
                tag = "<b>[置顶]</b>" if it.pinned else ""
                lis.append(
                    f'<li>{tag}<a href="{it.url}" title="{it.title}" target="_blank">{it.title[:12]}</a>'
                    f"<span class='date'>{d}</span></li>"
                )
            body = (
                f'<html><head><meta charset="utf-8"><title>{col.name}</title>'
                f'<meta name="ColumnName" content="{col.name}"></head><body>'
                f"<div class='top'>今天是 2012年12月31日 星期一</div>"
                f"<div class='pos'>当前位置：{col.name}</div><ul class='list'>{''.join(lis)}</ul>"
                f'<script>createPageHTML({len(pages)}, {n}, "index", "html");</script></body></html>'
            )
            self._put(col.url + ("index.html" if n == 0 else f"index_{n}.html"), body)
        for it in col.items:
            self._detail(it, site)

    # gkmlpt-like catalogue table: 索引号 | 标题 | 发布机构 | 成文日期 | 发布日期
    def _gk_table(self, col: Column, site: Site, per: int = 15) -> None:
        self.gk_columns.add(col.url)
        pages = [col.items[k : k + per] for k in range(0, len(col.items), per)] or [[]]
        for n, chunk in enumerate(pages):
            trs = [
                f"<tr><td>11610900/{it.pub.year}-{k + 1 + n * per:05d}</td>"
                f'<td class="title"><a href="{it.url}" target="_blank">{it.title}</a></td><td>{site.name}</td>'
                f"<td>{(it.cw or it.pub).isoformat()}</td><td>{it.pub.isoformat()}</td></tr>"
                for k, it in enumerate(chunk)
            ]
            pager = []
            if n > 0:
                prev = "index.html" if n == 1 else f"index_{n - 1}.html"
                pager.append(f'<a href="index.html">首页</a><a href="{prev}">上一页</a>')
            if n < len(pages) - 1:
                pager.append(
                    f'<a href="index_{n + 1}.html">下一页</a><a href="index_{len(pages) - 1}.html">尾页</a>'
                )
            body = (
                f'<html><head><meta charset="utf-8"><title>{col.name}</title></head><body>'
                f"<h2>{col.name}</h2><table class='gkml'><thead><tr><th>索引号</th><th>标题</th><th>发布机构</th>"
                f"<th>成文日期</th><th>发布日期</th></tr></thead><tbody>{''.join(trs)}</tbody></table>"
                f"<div class='pager'>共{len(col.items)}条 第{n + 1}/{len(pages)}页 {''.join(pager)}</div></body></html>"
            )
            self._put(col.url + ("index.html" if n == 0 else f"index_{n}.html"), body)
        for it in col.items:
            self._detail(it, site, style="gk")

    def _empty(self, col: Column) -> None:
        self._put(
            col.url + "index.html",
            f'<html><head><meta charset="utf-8"><title>{col.name}</title></head><body><h2>{col.name}</h2>'
            "<ul class='list'><li>暂无信息</li></ul></body></html>",
        )

    def _tree_page(self, url: str, title: str, links: list[tuple[str, str]], extra: str = "") -> None:
        lis = "".join(f'<li><a href="{u}">{t}</a></li>' for u, t in links)
        self._put(
            url,
            f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><div class="left">'
            f"<h3>信息公开目录</h3><ul class='tree'>{lis}</ul></div>{extra}</body></html>",
        )

    def _build(self) -> None:
        rng = random.Random(6)
        A, B, C, D = (self._base(k) for k in ("county", "jtj", "jyj", "town"))
        self.pages.clear()
        self.hanweb.clear()
        seq = iter(range(1000, 99999))

        def items(
            prefix: str, n: int, start: dt.date, end: dt.date, name: str, trs: bool = True
        ) -> list[Item]:
            out = []
            for d in _dates(rng, n, start, end):
                k = next(seq)
                url = f"{prefix}{d:%Y%m}/t{d:%Y%m%d}_{k}.html" if trs else prefix.format(d=d, k=k)
                out.append(Item(url, f"{name}第{k}号信息", d))
            return out

        # ---------------- county (A): TRS + gkmlpt catalogue
        county = Site("county", "安泉县人民政府", "county", A, [A])
        gzdt = Column(
            "工作动态",
            A + "xxgk/gzdt/",
            items(A + "xxgk/gzdt/", 60, dt.date(2011, 2, 1), dt.date(2012, 12, 28), "县政府工作动态"),
        )
        tz = items(A + "xxgk/tzgg/", 33, dt.date(2011, 6, 1), dt.date(2012, 12, 20), "县政府通知公告")
        tz[4].detail = "404"
        tz[9] = Item(
            "http://www.gov.cn/zhengce/2012-08/01/content_2012.htm",
            "国务院通知（转载）",
            tz[9].pub,
            detail="external",
        )
        tz.insert(
            0,
            Item(
                A + "xxgk/tzgg/201003/t20100301_999.html",
                "关于规范政务公开工作的通知（置顶）",
                dt.date(2010, 3, 1),
                pinned=True,
            ),
        )
        tzgg = Column("通知公告", A + "xxgk/tzgg/", tz)
        xz = items(A + "xxgk/zcwj/xzfwj/", 30, dt.date(2011, 3, 1), dt.date(2012, 12, 18), "安政发")
        for i, it in enumerate(xz):
            it.cw = it.pub - dt.timedelta(days=3 + i % 5)
        xz[2].cw = dt.date(2011, 12, 20)  # formed in 2011, published in 2012 (row date = 发布日期)
        xz[2].pub = dt.date(2012, 1, 5)
        xz[2].url = A + "xxgk/zcwj/xzfwj/201201/t20120105_777.html"
        xz[5].cw, xz[5].pub = dt.date(2012, 9, 3), dt.date(2012, 10, 25)  # late (National Day week)
        xz[5].url = A + "xxgk/zcwj/xzfwj/201210/t20121025_778.html"
        xz.sort(key=lambda i: i.pub, reverse=True)
        xzfwj = Column("县政府文件", A + "xxgk/zcwj/xzfwj/", xz)
        gf = items(A + "xxgk/zcwj/gfxwj/", 10, dt.date(2010, 5, 1), dt.date(2012, 11, 30), "安政规")
        for it in gf:
            it.cw = it.pub - dt.timedelta(days=7)
        gf = sorted(gf + [xz[3], xz[10]], key=lambda i: i.pub, reverse=True)  # cross-listed
        gfxwj = Column("规范性文件", A + "xxgk/zcwj/gfxwj/", gf)
        rs = items(A + "xxgk/rsxx/", 15, dt.date(2010, 1, 1), dt.date(2012, 10, 10), "人事任免")
        for it in rs:
            it.cw = it.pub - dt.timedelta(days=2)
        rsxx = Column("人事信息", A + "xxgk/rsxx/", rs)
        ghjh = Column(
            "规划计划",
            A + "xxgk/ghjh/",
            items(A + "xxgk/ghjh/", 8, dt.date(2006, 1, 1), dt.date(2011, 8, 15), "发展规划"),
        )
        czxx = Column("财政信息", A + "xxgk/czxx/")
        county.columns = [gzdt, tzgg, xzfwj, gfxwj, rsxx, ghjh, czxx]
        county.homepage_dates = [i.pub for i in gzdt.items[:8]]
        self._trs_list(gzdt, county)
        self._trs_list(tzgg, county, per=12, bracket=True)
        self._trs_list(ghjh, county)
        self._gk_table(xzfwj, county)
        self._gk_table(gfxwj, county)
        self._gk_table(rsxx, county)
        self._empty(czxx)
        self._tree_page(
            A + "xxgk/zcwj/index.html",
            "政策文件",
            [(xzfwj.url + "index.html", "县政府文件"), (gfxwj.url + "index.html", "规范性文件")],
        )
        self._tree_page(
            A + "xxgk/index.html",
            "安泉县政府信息公开",
            [
                (gzdt.url + "index.html", "工作动态"),
                (tzgg.url + "index.html", "通知公告"),
                (A + "xxgk/zcwj/index.html", "政策文件"),
                (xzfwj.url + "index.html", "县政府文件"),
                (gfxwj.url + "index.html", "规范性文件"),
                (rsxx.url + "index.html", "人事信息"),
                (ghjh.url + "index.html", "规划计划"),
                (czxx.url + "index.html", "财政信息"),
            ],
            extra=f'<div class="bm"><h3>部门信息公开</h3><a href="{A}xxgk/bm/jtj/index.html">县交通运输局</a>'
            f'<a href="{C}col/col100/index.html">县教育局</a></div>',
        )
        news = "".join(
            f'<li><a href="{i.url}">{i.title}</a><span>{i.pub:%Y-%m-%d}</span></li>' for i in gzdt.items[:8]
        )
        self._put(
            A,
            f'<html><head><meta charset="utf-8"><title>安泉县人民政府</title><meta name="SiteName" content="安泉县人民政府">'
            f'</head><body><div class="nav"><a href="{A}">首页</a><a href="{A}xxgk/index.html">政府信息公开</a></div>'
            f"<div class='yw'><h3>要闻</h3><ul>{news}</ul></div>"
            f'<div class="links"><a href="{B}">县交通运输局</a><a href="{C}">县教育局</a><a href="{D}">平川镇</a></div></body></html>',
        )

        # ---------------- jtj: homepage on B, columns on A/xxgk/bm/jtj/
        J = A + "xxgk/bm/jtj/"
        jtj = Site("jtj", "安泉县交通运输局", "department", B, [B, J])
        jg = items(J + "jgzn/", 3, dt.date(2009, 1, 1), dt.date(2012, 3, 1), "交通局机构职能")
        for it in jg:
            it.row = "none"
        jgzn = Column("机构职能", J + "jgzn/", jg)
        jtz = Column(
            "通知公告",
            J + "tzgg/",
            items(J + "tzgg/", 14, dt.date(2011, 1, 1), dt.date(2012, 5, 20), "交通局通知"),
        )
        jz = items(J + "zcwj/", 10, dt.date(2010, 6, 1), dt.date(2012, 11, 2), "安交发")
        for it in jz:
            it.cw = it.pub - dt.timedelta(days=5)
        jzcwj = Column("政策文件", J + "zcwj/", jz)
        jd = items(J + "gzdt/", 40, dt.date(2012, 2, 1), dt.date(2012, 12, 27), "交通动态")
        for it in jd:
            it.row = "mmdd"
        jgzdt = Column("工作动态", J + "gzdt/", jd)
        jtj.columns = [jgzn, jtz, jzcwj, jgzdt]
        for c in (jgzn, jtz, jgzdt):
            self._trs_list(c, jtj)
        self._gk_table(jzcwj, jtj)
        self._tree_page(
            J + "index.html",
            "安泉县交通运输局信息公开",
            [(c.url + "index.html", c.name) for c in jtj.columns],
            extra=f'<div class="up"><a href="{A}xxgk/index.html">返回县政府信息公开</a></div>',
        )
        hn = [dt.date(2012, 11, 26), dt.date(2012, 11, 2), dt.date(2012, 10, 15), dt.date(2012, 9, 3)]
        jtj.homepage_dates = hn
        for k, d in enumerate(hn):
            self._put(
                f"{B}news/{d:%Y%m%d}_{k}.html",
                f'<html><head><meta charset="utf-8"><title>交通新闻{k}</title></head><body><h1>交通新闻{k}</h1>'
                f"<p>发布日期：{d:%Y-%m-%d}</p></body></html>",
            )
        news = "".join(
            f'<li><a href="/news/{d:%Y%m%d}_{k}.html">交通新闻{k}</a><span>{d:%Y-%m-%d}</span></li>'
            for k, d in enumerate(hn)
        )
        self._put(
            B,
            f'<html><head><meta charset="utf-8"><title>安泉县交通运输局</title></head><body>'
            f'<div class="nav"><a href="/">首页</a><a href="{J}index.html">信息公开</a><a href="{A}">安泉县人民政府</a></div>'
            f"<div class='news'><h3>交通新闻</h3><ul>{news}</ul></div></body></html>",
        )

        # ---------------- jyj: Hanweb on C
        jyj = Site("jyj", "安泉县教育局", "department", C, [C])

        def hw(cid: int, n: int, start: dt.date, end: dt.date, name: str) -> list[Item]:
            return items(
                C + "art/{d.year}/{d.month}/{d.day}/art_" + str(cid) + "_{k}.html",
                n,
                start,
                end,
                name,
                trs=False,
            )

        cols = [
            (
                101,
                "机构概况",
                hw(101, 4, dt.date(2008, 1, 1), dt.date(2012, 2, 20), "教育局概况"),
                "tr",
                15,
                3,
            ),
            (
                102,
                "部门动态",
                hw(102, 80, dt.date(2011, 9, 1), dt.date(2012, 12, 26), "教育动态"),
                "tr",
                15,
                3,
            ),
            (
                103,
                "通知公告",
                hw(103, 25, dt.date(2011, 1, 1), dt.date(2012, 12, 11), "教育局公告"),
                "li",
                10,
                2,
            ),
            (104, "政策文件", hw(104, 12, dt.date(2009, 1, 1), dt.date(2012, 8, 8), "安教发"), "tr", 20, 1),
            (105, "统计数据", hw(105, 6, dt.date(2010, 1, 1), dt.date(2012, 6, 30), "教育统计"), "li", 15, 3),
        ]
        cols[2][2][6].detail = "soft404"
        cols[2][2][12] = Item(
            "http://www.moe.gov.cn/publicfiles/business/htmlfiles/2012.html",
            "教育部通知（转载）",
            cols[2][2][12].pub,
            detail="external",
        )
        for cid, name, its, style, per, grp in cols:
            col = Column(name, f"{C}col/col{cid}/", its)
            jyj.columns.append(col)
            recs = []
            for it in its:
                a = f'<a href="{it.url}" target="_blank" title="{it.title}">{it.title}</a>'
                if style == "tr":
                    recs.append(f"<tr><td>·</td><td>{a}</td><td>{self._rowdate(it, 'dash')}</td></tr>")
                else:
                    recs.append(f"<li>{a}<span>[{self._rowdate(it)}]</span></li>")
            self.hanweb[str(cid)] = recs
            first = "".join(f"<record><![CDATA[{r}]]></record>" for r in recs[: per * grp])
            unit = 4000 + cid
            ps = f"perPage:{per}" if cid % 2 else f"perpage:'{per}'"
            self._put(
                col.url + "index.html",
                f'<html><head><meta charset="utf-8"><title>{name}</title><meta name="ColumnName" content="{name}"></head><body>'
                f'<div class="main"><table><tr><td><div id="{unit}"><script type="text/xml"><datastore>'
                f'<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid={cid}'
                f'&unitid={unit}&webname=%E5%AE%89%E6%B3%89&permissiontype=0"></a>]]></nextgroup>'
                f"<recordset>{first}</recordset></datastore></script></div></td></tr></table></div>"
                '<script language="javascript" src="/module/jslib/jquery/jpage/jquery.jpage.js"></script>'
                f"<script>$(document).ready(function(){{$('#{unit}').jpage({{dataStore:dataStore,{ps},"
                f"totalRecord:{len(recs)},proxyUrl:'/module/web/jpage/dataproxy.jsp',groupSize:{grp},barPosition:'bottom',"
                f"ajaxParam:{{col:1,appid:1,webid:1,path:'/',columnid:{cid},sourceContentType:1,unitid:'{unit}',"
                f"webname:'安泉县教育局',permissiontype:0}}}});}});</script></body></html>",
            )
            for it in its:
                self._detail(it, jyj)
        jyj.homepage_dates = [i.pub for i in jyj.columns[1].items[:6]]
        news = "".join(
            f'<li><a href="{i.url}">{i.title}</a><span>{i.pub:%m-%d}</span></li>'
            for i in jyj.columns[1].items[:6]
        )
        self._tree_page(
            C + "col/col100/index.html",
            "安泉县教育局信息公开",
            [(c.url + "index.html", c.name) for c in jyj.columns],
        )
        self._put(
            C,
            f'<html><head><meta charset="utf-8"><title>安泉县教育局</title></head><body>'
            f'<div class="nav"><a href="/">首页</a><a href="/col/col100/index.html">信息公开</a></div>'
            f"<div class='news'><h3>教育要闻</h3><ul>{news}</ul></div></body></html>",
        )
        # homepage shows MM-DD only: its dates come from the articles (PubDate meta)

        # ---------------- town: homepage is the disclosure platform, GBK ASP
        town = Site("town", "安泉县平川镇人民政府", "town", D, [D])
        tcols = [
            (1, "机构职能", 4, dt.date(2009, 1, 1), dt.date(2012, 4, 1)),
            (2, "领导信息", 3, dt.date(2011, 1, 1), dt.date(2011, 11, 20)),
            (3, "工作动态", 45, dt.date(2011, 6, 1), dt.date(2012, 12, 5)),
            (4, "通知公告", 12, dt.date(2011, 1, 1), dt.date(2012, 11, 20)),
            (5, "办事指南", 5, dt.date(2010, 1, 1), dt.date(2012, 7, 1)),
        ]
        for cid, name, n, s, e in tcols:
            its = []
            for d in _dates(rng, n, s, e):
                k = next(seq)
                its.append(Item(f"{D}show.asp?id={k}", f"平川镇{name}（朱镕基路段）{k}", d))
            col = Column(name, f"{D}list.asp?classid={cid}", its)
            town.columns.append(col)
        tg = town.columns[2].items
        tg[7].pub, tg[7].row, tg[7].detail = None, "none", "undated"
        tg[20].pub, tg[20].row, tg[20].detail = None, "none", "undated"
        per = 20
        for col in town.columns:
            pages = [col.items[k : k + per] for k in range(0, len(col.items), per)]
            for n, chunk in enumerate(pages):
                trs = "".join(
                    f'<tr><td>·<a href="show.asp?id={it.url.rsplit("=", 1)[1]}">{it.title}</a></td>'
                    f"<td>{self._rowdate(it, 'dash')}</td></tr>"
                    for it in chunk
                )
                pg = f"共{len(col.items)}条 {n + 1}/{len(pages)}页 "
                if n > 0:
                    pg += f'<a href="{col.url}&page=1">首页</a> <a href="{col.url}&page={n}">上一页</a> '
                if n < len(pages) - 1:
                    pg += f'<a href="{col.url}&page={n + 2}">下一页</a> <a href="{col.url}&page={len(pages)}">尾页</a>'
                self._put(
                    col.url + ("" if n == 0 else f"&page={n + 1}"),
                    f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                    f"<title>{col.name}</title></head><body><table class='list'>{trs}</table><div>{pg}</div></body></html>",
                    enc="gb18030",
                )
            for it in col.items:
                self._detail(it, town, enc="gb18030", style="asp")
        latest = sorted(
            (i for c in town.columns for i in c.items if i.pub), key=lambda i: i.pub, reverse=True
        )[:6]
        town.homepage_dates = [i.pub for i in latest]
        menu = "".join(f'<li><a href="{c.url}">{c.name}</a></li>' for c in town.columns)
        newest = "".join(f'<li><a href="{i.url}">{i.title}</a> {i.pub:%Y-%m-%d}</li>' for i in latest)
        self._put(
            D,
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            "<title>安泉县平川镇人民政府信息公开网</title></head><body><div class='left'><h3>信息公开目录</h3>"
            f"<ul class='menu'>{menu}</ul></div><div class='right'><h3>最新信息</h3><ul>{newest}</ul></div></body></html>",
            enc="gb18030",
        )
        self.sites = [county, jtj, jyj, town]

    # ---------------------------------------------------------------- serve
    def _dataproxy(self, query: str) -> bytes:
        q = {k: v[-1] for k, v in parse_qs(query).items()}
        recs = self.hanweb.get(q.get("columnid", ""), [])
        if "startrecord" in q:
            a, b = int(q["startrecord"]), int(q.get("endrecord", q["startrecord"]))
            a = max(1, a - 1)  # the previous group's last record repeats
        else:
            a, b = 1, 45
        body = "".join(f"<record><![CDATA[{r}]]></record>" for r in recs[a - 1 : b])
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><datastore><nextgroup><![CDATA[]]></nextgroup>'
            f"<recordset>{body}</recordset><totalrecord>{len(recs)}</totalrecord></datastore>"
        ).encode()

    def _handler(self):
        net = self

        class H(QuietHandler):
            def _serve(self, query_extra: str = "") -> None:
                host = self.server.server_address[0]
                p = urlsplit(self.path)
                if p.path == "/module/web/jpage/dataproxy.jsp" and host == IPS["jyj"]:
                    q = "&".join(x for x in (p.query, query_extra) if x)
                    self._send(200, "text/xml; charset=utf-8", net._dataproxy(q))
                    return
                key = (host, p.path + (f"?{p.query}" if p.query else ""))
                if (
                    key not in net.pages
                    and p.path.endswith("/")
                    and (host, p.path + "index.html") in net.pages
                ):
                    key = (host, p.path + "index.html")
                page = net.pages.get(key)
                if page is None:
                    self._send(404, "text/html", b"<html><body>404 Not Found</body></html>")
                else:
                    self._send(*page)

            def _send(self, status: int, ctype: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_GET(self):  # noqa: N802
                self._serve()

            def do_HEAD(self):  # noqa: N802
                self._serve()

            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                self._serve(self.rfile.read(n).decode("utf-8", "replace") if n else "")

        return H

    def start(self) -> OtherNetwork6:
        self.servers = Loopback(IPS.values(), self._handler()).serve()
        self.port = self.servers.port
        self._build()
        return self

    def stop(self) -> None:
        if self.servers is not None:
            self.servers.stop()
        self.servers = None

    def write_config(self, path: Path, crawl: dict | None = None) -> None:
        conf = {
            "sites": [
                {"id": s.id, "name": s.name, "tier": s.tier, "url": s.url, "scope": s.scope}
                for s in self.sites
            ],
            "crawl": {"delay_seconds": 0, "autothrottle": False, "concurrency_per_site": 4, **(crawl or {})},
        }
        Path(path).write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # ---------------------------------------------------------------- truth
    @staticmethod
    def _pub(it: Item) -> dt.date | None:
        if it.pub is None:
            return None
        if it.row == "full":
            return it.pub
        return it.pub if it.detail == "ok" else None  # date only on the detail page

    def _counts(self, start: dt.date, end: dt.date) -> dict:
        sites, tiers = [], {"county": 0, "department": 0, "town": 0}
        for s in self.sites:
            cols, site_urls = [], set()
            for c in s.columns:
                dated = {i.url: self._pub(i) for i in c.items}
                in_p = {u for u, d in dated.items() if d and start <= d <= end}
                past = [d for d in dated.values() if d and d <= end]
                site_urls |= in_p
                cols.append(
                    {
                        "url": c.url,
                        "name": c.name,
                        "category": _category(c.name),
                        "items": len(in_p),
                        "items_total": len(dated),
                        "last_published": max(past).isoformat() if past else None,
                    }
                )
            tiers[s.tier] += len(site_urls)
            sites.append(
                {"id": s.id, "name": s.name, "tier": s.tier, "items": len(site_urls), "columns": cols}
            )
        return {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "total": sum(tiers.values()),
            "tiers": tiers,
            "sites": sites,
        }

    def _timeliness(self) -> set[tuple]:
        t = RULES["timeliness"]
        win, out = t["windows_days"], set()
        for s in self.sites:
            hd = max(s.homepage_dates)
            if (AS_OF - hd).days > win["homepage"]:
                out.add(("stale_homepage", s.id, s.url, (AS_OF - hd).days, win["homepage"]))
            seen: set[str] = set()
            for c in s.columns:
                if not c.items:
                    out.add(("empty_column", s.id, c.url, None, None))
                    continue
                kind = _kind(c.name)
                dates = [d for d in (self._pub(i) for i in c.items) if d and d <= AS_OF]
                if kind != "other" and dates and (AS_OF - max(dates)).days > win[kind]:
                    out.add(("stale_column", s.id, c.url, (AS_OF - max(dates)).days, win[kind]))
                for it in c.items:
                    if it.url in seen:
                        continue
                    seen.add(it.url)
                    if it.detail in ("404", "soft404"):
                        out.add(("dead_link", s.id, it.url, None, None))
                    elif self._pub(it) is None:
                        out.add(("undated_item", s.id, it.url, None, None))
                    if it.cw and self._pub(it):
                        wd = _workdays_after(it.cw, self._pub(it))
                        if wd > t["late_publication_working_days"]:
                            out.add(
                                ("late_publication", s.id, it.url, wd, t["late_publication_working_days"])
                            )
        return out

    def truth(self) -> dict:
        return {
            "counts_2012": self._counts(dt.date(2012, 1, 1), dt.date(2012, 12, 31)),
            "counts_all": self._counts(dt.date(2000, 1, 1), dt.date(2012, 12, 31)),
            "timeliness_2013_01_07": self._timeliness(),
        }
