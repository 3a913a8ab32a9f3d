"""A loopback county site whose disclosure columns are drawn by script (built for issue 7, item 6).

Columns (entry /xxgk/):
* 政策文件 /xxgk/gkml/ — gkmlpt-style: an empty app container; an inline script calls
  ``$.getJSON('/gkmlpt/api/all/12', {page: pageNo, sid: …})``; the API answers
  ``{"total", "page", "pageSize", "articles": [{id, title, url, date (epoch seconds), …}]}``;
  one date falls at 00:30 China time (the previous day in UTC);
* 财政信息 /xxgk/czxx/ — 集约化-style ``$.ajax({url: '/api/channel/list.do', data: {channelId, start,
  limit}})`` answering ``{"code", "data": {"totalCount", "rows": [{DOCTITLE, DOCPUBURL, DOCRELTIME
  (epoch ms), DOCCREATETIME}]}}`` (offset paging);
* 通知公告 /xxgk/tzgg/ — rows in an inline ``var list = [...]`` (single quotes, unquoted keys, a
  pinned record), pager drawn by a laypage-like call whose jump sets ``location.href = 'index_' +
  obj.curr + '.html'``; three pages;
* 人事信息 /xxgk/rsxx/ — rows only a browser can read: base64 data decoded and markup built from
  split strings, a script-written pager link to page 2; the page also tries every way out (an
  outside script, image, iframe, fetch, XHR to an in-scope URL that redirects out, WebSocket,
  beacon, prefetch, window.open, a location change);
* 规划计划 /xxgk/ghjh/ — a single-page app: an empty ``#app`` and the site's own bundled script,
  which builds the API URL with a template literal and draws a pager of click handlers (no links):
  the browser draws page 1, the walk follows the API it called (``{"data": {"list", "count",
  "pageSize", "currentPage"}}``, dates as text);
* 行政执法 /xxgk/xzzf/ — its script POSTs a JSON body to ``/api/info/page.do``; the same URL by GET
  answers HTTP 200 with an error object and no records: the page is rendered instead;
* 应急管理 /xxgk/yjgl/ — its API answers an error object and its script then draws nothing: a
  column with no rows and an ``unreadable`` finding (rows_not_found) naming the API;
* 工作动态 /xxgk/gzdt/ — a plain static list (control);
* 统计数据 /xxgk/tjsj/ — its script loads rows from an API outside the scope: nothing may be
  requested there (the column has no readable rows and is not counted).

``OutsideServer`` logs every request it receives: the tests require it to log none.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.loopback import Loopback, QuietHandler

ROOT = Path(__file__).resolve().parents[2]
RULES = yaml.safe_load((ROOT / "config" / "rules.yaml").read_text(encoding="utf-8"))
HOST = "127.0.0.190"
OUT_HOST = "127.0.0.191"
CHINA = dt.timezone(dt.timedelta(hours=8))


def _category(name: str) -> str:
    for cat in RULES["counting"]["categories"]:
        if any(re.search(p, name) for p in cat["patterns"]):
            return cat["key"]
    return "other"


def _epoch(d: dt.date, hour: int = 10, minute: int = 0) -> int:
    return int(dt.datetime(d.year, d.month, d.day, hour, minute, tzinfo=CHINA).timestamp())


@dataclass
class Item:
    url: str
    title: str
    pub: dt.date
    pinned: bool = False


@dataclass
class Column:
    name: str
    url: str
    items: list[Item] = field(default_factory=list)
    counted: bool = True


class OutsideServer:
    """Hosts that hold no scope: every request they receive is logged (the tests want none)."""

    def __init__(self) -> None:
        self.log: list[str] = []
        net = self

        class H(QuietHandler):
            def _any(self):
                net.log.append(f"{self.command} {self.headers.get('Host')}{self.path}")
                body = b'{"total": 1, "list": [{"title": "\xe5\xa4\x96\xe9\x83\xa8", "url": "/x.html", "date": "2020-01-01"}]}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _any  # noqa: N815

        self.servers = [Loopback([HOST], H).serve(), Loopback([OUT_HOST], H).serve()]

    def url(self, i: int = 0) -> str:
        return self.servers[i].url(path="")

    def stop(self) -> None:
        for s in self.servers:
            s.stop()


class ScriptNetwork:
    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes, dict]] = {}
        self.columns: list[Column] = []
        self.api: dict[str, list[Item]] = {}
        self.server: Loopback | None = None
        self.outside: OutsideServer | None = None
        self.requests: list[str] = []

    # ------------------------------------------------------------------ serving
    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.server.port}"

    def _put(
        self, path: str, body: str, status: int = 200, ctype: str = "text/html; charset=utf-8", **headers
    ):
        self.pages[path] = (status, ctype, body.encode("utf-8"), headers)

    def _handler(self):
        net = self

        class H(QuietHandler):
            def do_GET(self):  # noqa: N802
                net.requests.append(self.path)
                p = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(p.query).items()}
                if p.path == "/gkmlpt/api/all/12":
                    return self._json(net._gkml_api(q))
                if p.path == "/api/channel/list.do":
                    return self._json(net._channel_api(q))
                if p.path == "/front/api/col/8":
                    return self._json(net._spa_api(q))
                if p.path == "/api/yj/list.json":
                    return self._json({"code": 500, "msg": "系统繁忙"})
                if p.path == "/api/info/page.do":
                    return self._json({"code": "400", "msg": "请求方式错误", "data": None})
                path = p.path + ("index.html" if p.path.endswith("/") else "")
                page = net.pages.get(path)
                if page is None:
                    return self._send(404, "text/html", b"<html><body>404</body></html>", {})
                self._send(*page)

            def do_POST(self):  # noqa: N802
                net.requests.append("POST " + self.path)
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
                if urlsplit(self.path).path == "/api/info/page.do" and body.startswith("{"):
                    rows = [
                        {"title": it.title, "url": it.url, "time": f"{it.pub:%Y-%m-%d}"}
                        for it in net.api["xzzf"]
                    ]
                    return self._json({"code": "200", "data": {"records": rows, "total": len(rows)}})
                return self._send(405, "text/plain", b"method not allowed", {})

            def _json(self, value):
                self._send(
                    200, "application/json; charset=utf-8", json.dumps(value, ensure_ascii=False).encode(), {}
                )

            def _send(self, status, ctype, body, headers):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return H

    def start(self) -> ScriptNetwork:
        self.outside = OutsideServer()
        self.server = Loopback([HOST], self._handler()).serve()
        self._build()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()
        if self.outside:
            self.outside.stop()

    def write_config(self, path: Path, crawl: dict | None = None) -> None:
        conf = {
            "sites": [
                {
                    "id": "county",
                    "name": "脚本县人民政府",
                    "tier": "county",
                    "url": self.base + "/",
                    "scope": [self.base + "/"],
                }  # fmt: skip
            ],
            "crawl": {"delay_seconds": 0, "autothrottle": False, "concurrency_per_site": 4, **(crawl or {})},
        }
        Path(path).write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # ------------------------------------------------------------------ APIs
    def _gkml_api(self, q: dict) -> dict:
        items, size = self.api["gkml"], 10
        page = int(q.get("page", "1"))
        rows = items[(page - 1) * size : page * size]
        arts = []
        for i, it in enumerate(rows):
            minute = 30 if it.title.endswith("（凌晨）") else 0
            arts.append(
                {
                    "id": 9000 + i,
                    "title": it.title,
                    "url": it.url,
                    "identifier": f"11441000/2020-{i:05d}",
                    "publisher": "县政府办公室",
                    "date": _epoch(it.pub, 0 if minute else 9, minute),
                    "created_at": _epoch(it.pub - dt.timedelta(days=3)),
                    "thumb": "/img/t.png",
                }  # fmt: skip
            )
        return {"total": len(items), "page": page, "pageSize": size, "articles": arts, "sid": 7}

    def _channel_api(self, q: dict) -> dict:
        items = self.api["czxx"]
        start, limit = int(q.get("start", "0")), int(q.get("limit", "15"))
        rows = [
            {
                "DOCID": 500 + start + i,
                "DOCTITLE": f"<font color='red'>{it.title}</font>" if i == 0 else it.title,
                "DOCPUBURL": it.url,
                "DOCRELTIME": _epoch(it.pub, 15) * 1000,
                "DOCCREATETIME": _epoch(it.pub - dt.timedelta(days=40)) * 1000,
                "CHNLNAME": "财政信息",
            }  # fmt: skip
            for i, it in enumerate(items[start : start + limit])
        ]
        return {"code": 200, "msg": "ok", "data": {"totalCount": len(items), "rows": rows}}

    def _spa_api(self, q: dict) -> dict:
        items, size = self.api["ghjh"], 10
        page = int(q.get("page", "1"))
        rows = [
            {
                "infoId": f"x{page}-{i}",
                "infoTitle": it.title,
                "infoUrl": it.url.replace(self.base, ""),
                "publishTime": f"{it.pub:%Y-%m-%d} 10:00:00",
                "deptName": "县发展改革局",
            }  # fmt: skip
            for i, it in enumerate(items[(page - 1) * size : page * size])
        ]
        return {
            "success": True,
            "data": {"list": rows, "count": len(items), "pageSize": size, "currentPage": page},
        }

    # ------------------------------------------------------------------ pages
    def _detail(self, it: Item) -> None:
        self._put(
            urlsplit(it.url).path,
            f"<html><head><meta charset='utf-8'><title>{it.title}</title></head><body>"
            f"<div class='crumb'>当前位置：首页 &gt; 正文</div><h1>{it.title}</h1>"
            f"<div class='info'>发布日期：{it.pub.isoformat()} 来源：脚本县人民政府</div>"
            f"<div class='content'><p>{it.title}的正文。</p></div></body></html>",
        )

    @staticmethod
    def _shell(title: str, body: str, head: str = "") -> str:
        return (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}_脚本县人民政府</title>"
            f"<meta name='ColumnName' content='{title}'>{head}"
            "<script src='/js/jquery.min.js'></script></head><body>"
            "<div class='header'><a href='/'>首页</a> <a href='/xxgk/'>政务公开</a></div>"
            f"<div class='crumb'>当前位置：<a href='/'>首页</a> &gt; <a href='/xxgk/'>政务公开</a> &gt; {title}</div>"
            f"{body}<div class='footer'>脚本县人民政府主办</div></body></html>"
        )

    def _items(self, folder: str, n: int, start: dt.date, title: str, step: int = 5) -> list[Item]:
        out = []
        for i in range(n):
            d = start - dt.timedelta(days=i * step)
            url = f"{self.base}/xxgk/{folder}/{d:%Y%m}/t{d:%Y%m%d}_{1000 + i}.html"
            out.append(Item(url=url, title=f"{title}（第{i + 1}号）", pub=d))
        return out

    def _build(self) -> None:
        b = self.base
        out0, out1 = self.outside.url(0), self.outside.url(1)
        js = (
            "var jQuery=window.jQuery=window.$=function(s){return {html:function(h){"
            "document.querySelector(s).innerHTML=h;}};};"
            "$.getJSON=function(u,d,cb){var q=Object.keys(d).map(function(k){return k+'='+d[k];}).join('&');"
            "fetch(u+(u.indexOf('?')<0?'?':'&')+q).then(function(r){return r.json();}).then(cb);};"
            "$.ajax=function(o){if(o.type=='POST'){fetch(o.url,{method:'POST',"
            "headers:{'Content-Type':o.contentType},body:o.data}).then(function(r){return r.json();}).then(o.success);"
            "return;}var q=Object.keys(o.data).map(function(k){return k+'='+o.data[k];}).join('&');"
            "fetch(o.url+'?'+q).then(function(r){return r.json();}).then(o.success);};"
        )
        self._put("/js/jquery.min.js", js, ctype="application/javascript")
        cols = [
            ("政策文件", "gkml"),
            ("财政信息", "czxx"),
            ("通知公告", "tzgg"),
            ("人事信息", "rsxx"),
            ("规划计划", "ghjh"),
            ("行政执法", "xzzf"),
            ("应急管理", "yjgl"),
            ("工作动态", "gzdt"),
            ("统计数据", "tjsj"),
        ]
        menu = "".join(f"<li><a href='/xxgk/{f}/'>{n}</a></li>" for n, f in cols)
        self._put(
            "/index.html", self._shell("首页", "<ul class='nav'><li><a href='/xxgk/'>政务公开</a></li></ul>")
        )
        self._put(
            "/xxgk/index.html",
            self._shell(
                "政务公开", f"<div class='left'><h3>公开目录</h3><ul class='lm-list'>{menu}</ul></div>"
            ),
        )
        for name, folder in cols:
            self.columns.append(Column(name=name, url=f"{b}/xxgk/{folder}/", counted=folder != "tjsj"))
        col = {c.url.rstrip("/").rsplit("/", 1)[-1]: c for c in self.columns}

        # gkmlpt-style API, page parameter, epoch seconds
        gk = self._items("gkml", 23, dt.date(2020, 12, 18), "关于印发脚本县政策文件的通知", step=11)
        gk[4].title = gk[4].title + "（凌晨）"
        col["gkml"].items = self.api["gkml"] = gk
        self._put(
            "/xxgk/gkml/index.html",
            self._shell(
                "政策文件",
                "<div id='app'><div class='gk-list'></div><div id='pager'></div></div>"
                "<script>var pageNo = 1; var sid = 7;"
                "function load(p){ $.getJSON('/gkmlpt/api/all/12', {page: pageNo, sid: sid}, function(d){"
                "var h=''; d.articles.forEach(function(a){ var t=new Date(a.date*1000);"
                "h+='<li><a href=\"'+a.url+'\">'+a.title+'</a><span>'+t.toISOString().slice(0,10)+'</span></li>';});"
                "$('.gk-list').html('<ul>'+h+'</ul>');});}"
                "load(pageNo);</script>",
            ),
        )

        # 集约化-style API, offset paging, epoch milliseconds, nested data
        cz = self._items("czxx", 34, dt.date(2020, 11, 30), "脚本县财政预算执行情况公告", step=9)
        col["czxx"].items = self.api["czxx"] = cz
        self._put(
            "/xxgk/czxx/index.html",
            self._shell(
                "财政信息",
                "<table class='data-table'><tbody id='rows'></tbody></table>"
                "<script>var start = 0, limit = 15;"
                "$.ajax({url: '/api/channel/list.do', type: 'GET', dataType: 'json',"
                " data: {channelId: 31, start: start, limit: limit},"
                " success: function(r){ var h=''; r.data.rows.forEach(function(x){"
                "h+='<tr><td><a href=\"'+x.DOCPUBURL+'\">'+x.DOCTITLE+'</a></td></tr>';});"
                " $('#rows').html(h);}});</script>",
            ),
        )

        # inline array, laypage-like pager drawn by script (three pages)
        tz = self._items(
            "tzgg", 35, dt.date(2020, 12, 25), "脚本县人民政府办公室关于做好有关工作的通知", step=6
        )
        pinned = Item(url=f"{b}/xxgk/tzgg/201901/t20190110_1.html", title="关于政务公开工作的说明", pub=dt.date(2019, 1, 10), pinned=True)  # fmt: skip
        col["tzgg"].items = [pinned, *tz]
        per = 15
        pages = [tz[i : i + per] for i in range(0, len(tz), per)]
        for n, rows in enumerate(pages, start=1):
            recs = [pinned, *rows]  # the pinned record tops every page
            arr = ",\n".join(
                f"  {{title: '{r.title}', link: '{r.url.replace(b + '/xxgk/tzgg/', './')}', "
                f"date: '{r.pub:%Y-%m-%d}', isTop: {1 if r.pinned else 0}, hits: {100 + i}}}"
                for i, r in enumerate(recs)
            )
            self._put(
                "/xxgk/tzgg/index.html" if n == 1 else f"/xxgk/tzgg/index_{n}.html",
                self._shell(
                    "通知公告",
                    "<ul class='news-list' id='list'></ul><div id='pager'></div>"
                    f"<script>\nvar list = [\n{arr},\n];\n"
                    "var h=''; for (var i=0;i<list.length;i++){ h+='<li><a href=\"'+list[i].link+'\">'"
                    "+list[i].title+'</a><span>'+list[i].date+'</span></li>'; }"
                    "document.getElementById('list').innerHTML=h;\n"
                    f"laypage.render({{elem: 'pager', count: {len(tz)}, limit: {per}, curr: {n},"
                    " jump: function(obj, first){ if(!first){"
                    " location.href = obj.curr == 1 ? 'index.html' : 'index_' + obj.curr + '.html'; } }});\n"
                    "</script>",
                    head="<script>var laypage = {render: function(o){}};</script>",
                ),
            )

        # rows only a browser can read; every way out tried
        rs = self._items("rsxx", 14, dt.date(2020, 10, 20), "脚本县公开招聘工作人员公告", step=13)
        col["rsxx"].items = rs
        for n, rows in enumerate((rs[:10], rs[10:]), start=1):
            data = json.dumps(
                [[r.title, r.url.replace(b, ""), f"{r.pub:%Y-%m-%d}"] for r in rows], ensure_ascii=False
            )
            blob = base64.b64encode(data.encode("utf-8")).decode()
            pager = (
                "'<a hr'+'ef=\"index_2.html\">下一页</a>'"
                if n == 1
                else "'<a hr'+'ef=\"index.html\">上一页</a>'"
            )
            self._put(
                "/xxgk/rsxx/index.html" if n == 1 else "/xxgk/rsxx/index_2.html",
                self._shell(
                    "人事信息",
                    "<ul class='rs' id='rs'></ul><div class='pg' id='pg'></div>"
                    f"<img src='{out0}/pixel.gif' width='1' height='1'>"
                    f"<iframe src='{out1}/frame.html' style='display:none'></iframe>"
                    f"<script src='{out1}/evil.js'></script>"
                    "<script>(function(){"
                    f"var s='{blob}';"
                    "var d=JSON.parse(decodeURIComponent(escape(atob(s)))); var L='l'+'i', A='a', h='';"
                    "for(var i=0;i<d.length;i++){ h+='<'+L+'><'+A+' hr'+'ef=\"'+d[i][1]+'\">'+d[i][0]+'</'+A+'>'"
                    "+'<sp'+'an>'+d[i][2]+'</sp'+'an></'+L+'>'; }"
                    "document.getElementById('rs').innerHTML=h;"
                    f"document.getElementById('pg').innerHTML={pager};"
                    "})();</script>"
                    "<script>"
                    f"try{{fetch('{out0}/api/steal.json?page=1').catch(function(){{}});}}catch(e){{}}"
                    "try{var x=new XMLHttpRequest(); x.open('GET','/go-out'); x.send();}catch(e){}"
                    f"try{{new WebSocket('ws://{HOST}:{self.outside.servers[0].port}/ws');}}catch(e){{}}"
                    f"try{{navigator.sendBeacon('{out0}/beacon','x');}}catch(e){{}}"
                    f"try{{var l=document.createElement('link'); l.rel='prefetch'; l.href='{out1}/prefetch'; document.head.appendChild(l);}}catch(e){{}}"
                    f"try{{window.open('{out0}/popup');}}catch(e){{}}"
                    f"setTimeout(function(){{ location.href='{out0}/away'; }}, 30);"
                    "</script>",
                ),
            )
        self._put("/go-out", "", status=302, Location=f"{out0}/redirected")

        # a single-page app: its bundle builds the API URL, its pager has no links
        gh = self._items("ghjh", 27, dt.date(2020, 11, 11), "脚本县国民经济和社会发展规划实施情况", step=8)
        col["ghjh"].items = self.api["ghjh"] = gh
        self._put(
            "/static/js/app.6f2a91.js",
            "(function(){var sid=3;function draw(p){fetch(`/front/api/col/8?page=${p}&sid=${sid}`)"
            ".then(function(r){return r.json();}).then(function(r){var d=r.data,h='';"
            'd.list.forEach(function(x){h+=\'<li class="item"><a href="\'+x.infoUrl+\'" target="_blank">\''
            "+x.infoTitle+'</a><span class=\"time\">'+x.publishTime.slice(0,10)+'</span></li>';});"
            "var pages=Math.ceil(d.count/d.pageSize),g='';for(var i=1;i<=pages;i++){"
            "g+='<li class=\"number'+(i==p?' active':'')+'\">'+i+'</li>';}"
            "document.getElementById('app').innerHTML='<ul class=\"el-list\">'+h+'</ul><ul class=\"el-pager\">'+g+'</ul>';"
            "});}draw(1);})();",
            ctype="application/javascript",
        )
        self._put(
            "/xxgk/ghjh/index.html",
            self._shell("规划计划", "<div id='app'></div><script src='/static/js/app.6f2a91.js'></script>"),
        )

        # a JSON-body POST API: the GET the spider would send gets no records
        zf = self._items("xzzf", 8, dt.date(2020, 9, 30), "脚本县行政处罚决定书公示", step=17)
        col["xzzf"].items = self.api["xzzf"] = zf
        self._put(
            "/xxgk/xzzf/index.html",
            self._shell(
                "行政执法",
                "<ul class='zf-list' id='zf'></ul>"
                "<script>$.ajax({url: '/api/info/page.do', type: 'POST', contentType: 'application/json',"
                " data: JSON.stringify({pageNo: 1, pageSize: 20, catId: 5}),"
                " success: function(r){ var h=''; r.data.records.forEach(function(x){"
                "h+='<li><a href=\"'+x.url+'\">'+x.title+'</a><span>'+x.time+'</span></li>';});"
                " document.getElementById('zf').innerHTML=h; }});</script>",
            ),
        )

        # an API that answers nothing readable, a script that then draws nothing
        self._put(
            "/xxgk/yjgl/index.html",
            self._shell(
                "应急管理",
                "<ul class='yj-list' id='yj'></ul>"
                "<script>$.getJSON('/api/yj/list.json', {page: 1}, function(r){ if (r.code != 0) return;"
                " var h=''; r.data.forEach(function(x){ h+='<li><a href=\"'+x.url+'\">'+x.title+'</a></li>'; });"
                " document.getElementById('yj').innerHTML=h; });</script>",
            ),
        )

        # a static list (control)
        gz = self._items("gzdt", 12, dt.date(2020, 12, 10), "脚本县召开重点工作推进会", step=4)
        col["gzdt"].items = gz
        lis = "".join(
            f"<li><a href='{i.url}' title='{i.title}'>{i.title}</a><span>{i.pub}</span></li>" for i in gz
        )
        self._put("/xxgk/gzdt/index.html", self._shell("工作动态", f"<ul class='list'>{lis}</ul>"))

        # a script that loads its rows from outside every scope
        self._put(
            "/xxgk/tjsj/index.html",
            self._shell(
                "统计数据",
                "<ul class='list' id='tj'></ul>"
                f"<script>$.getJSON('{out0}/api/tj/list.json', {{page: 1}}, function(d){{"
                "var h=''; d.list.forEach(function(x){ h+='<li><a href=\"'+x.url+'\">'+x.title+'</a></li>'; });"
                "document.getElementById('tj').innerHTML=h; });</script>",
            ),
        )
        for c in self.columns:
            for it in c.items:
                self._detail(it)

    # ------------------------------------------------------------------ truth
    def counts(self, start: dt.date, end: dt.date) -> dict:
        cols, urls = [], set()
        for c in self.columns:
            if not c.counted:
                continue
            in_p = {i.url for i in c.items if start <= i.pub <= end}
            past = [i.pub for i in c.items if i.pub <= end]
            urls |= in_p
            cols.append(
                {
                    "url": c.url,
                    "name": c.name,
                    "category": _category(c.name),
                    "items": len(in_p),
                    "items_total": len(c.items),
                    "last_published": max(past).isoformat() if past else None,
                }  # fmt: skip
            )
        return {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "total": len(urls),
            "tiers": {"county": len(urls), "department": 0, "town": 0},
            "sites": [
                {
                    "id": "county",
                    "name": "脚本县人民政府",
                    "tier": "county",
                    "items": len(urls),
                    "columns": cols,
                }
            ],
        }
