"""A loopback network planting every inspection indicator's cases and near-misses (issue 10).

Three sites on 127.0.0.140-142 (one port) and an outside host 127.0.0.149 that nobody may ask
for anything (every request it receives is logged in ``outside_requests``). As of 2026-11-30:

=======  =====  ==============================================================================
site     ip     what it plants
=======  =====  ==============================================================================
``hx``   .140   county portal. Identity complete. A hidden gambling link hidden by a class of
                the site's own stylesheet (/css/main.css); near-misses: a hover drop-down menu
                into the site (hidden by the same sheet), hidden links to other .gov.cn sites,
                visible links to .gov.cn and to an outside site. 工作动态: 中华人民共合国 in an
                article; an article of near-misses only. 互动交流 -> 县长信箱 (a table, two list
                pages): unanswered 3 months+ (veto), unanswered 2 months 28 days, unanswered
                but asked more than a year ago, replied on the 5th working day (across 国庆 and
                the 调休 Saturday), replied on the 6th (slow_reply), 已回复 without a date in the
                list (the page has it); 在线访谈 and 意见征集 (old rows, 未回复: ignored).
``jyj``  .141   department. No 公网安备, no 党政机关 mark. Hidden links by inline style
                (position:absolute; top:-999px) and in a <marquee height=0>. 河北省省委书记 (the
                wrong 省省委书记 spans two dictionary words) and 北朝鲜 (normal); near-miss
                东北朝鲜族. 局长信箱 as an <ul> grid without states: the message pages say 办理中
                (veto) or give the reply date (6th working day: slow_reply; 5th: nothing).
``qsz``  .142   town. No 网站标识码, no ICP. A hidden link by a class of a <style> block.
                <strong>中华人民</strong>共合国 (split by markup), 青山乡 (the county's own
                lexicon, normal; near-miss 青山乡村振兴), the watched name 贾正明 after its date
                (watch_name), before it and inside the longer name 贾正明华 (nothing).
                镇长信箱 answered in time.
=======  =====  ==============================================================================

``truth.json`` (next to this file) holds the contract's inspection findings of these kinds, with
site-relative URLs; ``truth()`` resolves them.  ``write_config`` writes patrol.yaml with the
county's wording lexicon and watch list (wording.yaml, watch.yaml beside it).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from tests.loopback import Loopback, QuietHandler

HERE = Path(__file__).resolve().parent
AS_OF = "2026-11-30"
IPS = {"hx": "127.0.0.140", "jyj": "127.0.0.141", "qsz": "127.0.0.142"}
OUTSIDE = "127.0.0.149"
NAMES = {"hx": "河西县人民政府", "jyj": "河西县教育局", "qsz": "河西县青山镇人民政府"}
TIERS = {"hx": "county", "jyj": "department", "qsz": "town"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
CSS = {"Content-Type": "text/css; charset=utf-8"}
PNG = (
    "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    "\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00"
    "\x00\x00IEND\xaeB`\x82"
)
NOT_FOUND = (404, HTML, "<html><body><h1>404 Not Found</h1></body></html>")

CONAC = (
    "<a href='http://bszs.conac.cn/sitename?method=show&amp;id=0A1B2C3D4E5F' target='_blank'>"
    "<img src='/images/dzjg.png' alt='党政机关'></a>"
)
FOOTERS = {
    "hx": f"网站标识码：1311000001 冀ICP备12345678号-1 冀公网安备 13110002000001号 {CONAC}",
    "jyj": "网站标识码：1311000012 冀ICP备12345678号-3",
    "qsz": "冀公网安备 13110002000077号 <span id='_ideConac'>" + CONAC + "</span>",
}
FILLER = "为做好相关工作，现将有关事项通知如下。各单位要高度重视，认真抓好落实，确保各项工作取得实效。"


def _article(site: str, title: str, date: str, body: str) -> str:
    return _frame(
        site,
        title,
        f"<h1>{title}</h1><div class='info'>发布日期：{date}　来源：{NAMES[site]}</div>"
        f"<div class='content'>{body}<p>{FILLER}</p></div>",
    )


def _frame(site: str, title: str, body: str, head: str = "", top: str = "") -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title} - {NAMES[site]}</title>{head}</head><body>"
        f"<div class='top'><a href='/'>首页</a> <a href='/xxgk/'>信息公开</a> <a href='/hdjl/'>互动交流</a></div>"
        f"{top}<div class='main'>{body}</div>"
        f"<div class='footer'><p>主办：{NAMES[site]}</p><p>{FOOTERS[site]}</p></div></body></html>"
    )


def _li(rows) -> str:
    return "".join(
        f"<li><a href='{u}' title='{t}'>{t}</a><span class='date'>{d}</span></li>" for u, t, d in rows
    )


def _list(site: str, name: str, rows) -> str:
    return _frame(
        site, name, f"<div class='position'>当前位置：首页 &gt; {name}</div><ul class='list'>{_li(rows)}</ul>"
    )


def _message_page(
    site: str, title: str, asked: str, body: str, replied: str = "", reply: str = "", state=""
) -> str:
    rows = [("信件标题", title), ("来信时间", asked), ("来信内容", body)]
    if state:
        rows.append(("办理状态", state))
    if replied or reply:
        rows += [("回复单位", NAMES[site]), ("回复时间", replied), ("回复内容", reply)]
    table = "".join(f"<tr><td class='l'>{k}：</td><td>{v}</td></tr>" for k, v in rows)
    return _frame(site, title, f"<table class='letter'>{table}</table>")


class InspectNetwork:
    def __init__(self) -> None:
        self.port = 0
        self.pages: dict[tuple[str, str], tuple[int, dict, str]] = {}
        self.outside_requests: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self._servers: Loopback | None = None

    # ------------------------------------------------------------------ addresses
    def base(self, site: str) -> str:
        return f"http://{IPS[site]}:{self.port}"

    @property
    def outside(self) -> str:
        return f"http://{OUTSIDE}:{self.port}"

    def url(self, site: str, path: str) -> str:
        return self.base(site) + path

    def page(self, site: str, path: str) -> str:
        """The HTML served at a site path (tests of the pure checks read pages without HTTP)."""
        return self.pages[(IPS[site], path)][2]

    def _put(self, site: str, path: str, body: str, headers: dict = HTML) -> None:
        self.pages[(IPS[site], path)] = (200, headers, body)

    # ------------------------------------------------------------------ building
    def build(self) -> None:
        self.pages.clear()
        for site in IPS:  # the 党政机关 mark's image (a 1x1 PNG)
            self.pages[(IPS[site], "/images/dzjg.png")] = (200, {"Content-Type": "image/png"}, PNG)
        self._county()
        self._department()
        self._town()

    def _disclosure(self, site: str, columns: dict[str, tuple[str, list]]) -> None:
        """信息公开 entry page and its columns: {folder: (name, [(path, title, date, body)])}."""
        links = "".join(f"<li><a href='/xxgk/{f}/'>{n}</a></li>" for f, (n, _) in columns.items())
        self._put(
            site, "/xxgk/", _frame(site, "信息公开", f"<h2>信息公开目录</h2><ul class='tree'>{links}</ul>")
        )
        for folder, (name, items) in columns.items():
            self._put(site, f"/xxgk/{folder}/", _list(site, name, [(p, t, d) for p, t, d, _ in items]))
            for path, title, date, body in items:
                self._put(site, path, _article(site, title, date, body))

    def _county(self) -> None:
        s, out = "hx", self.outside
        css = (
            "body{font-size:14px}\n.nav li{float:left;position:relative}\n.nav .sub{display:none;position:absolute}\n"
            ".nav li:hover .sub{display:block}\n.ft-ad{display:none}\n.more-gov{display:none}\n"
        )
        self._put(s, "/css/main.css", css, CSS)
        nav = (
            "<ul class='nav'><li><a href='/'>首页</a></li><li><a href='/xxgk/'>信息公开</a><ul class='sub'>"
            "<li><a href='/xxgk/gzdt/'>工作动态</a></li><li><a href='/xxgk/tzgg/'>通知公告</a></li></ul></li>"
            "<li><a href='/hdjl/'>互动交流</a></li></ul>"
        )
        gzdt = [
            ("/xxgk/gzdt/202611/t20261126_1000.html", "全县冬季征兵工作动员会召开", "2026-11-26",
             "<p>会议对今年冬季征兵工作作出安排。</p>"),
            ("/xxgk/gzdt/202611/t20261120_1001.html", "县政府召开常务会议", "2026-11-20",
             "<p>会议传达学习《中华人民共合国乡村振兴促进法》，研究部署冬季农田水利建设。</p>"),
            ("/xxgk/gzdt/202611/t20261118_1002.html", "县领导调研民族团结进步工作", "2026-11-18",
             "<p>调研组走访我国东北朝鲜族群众聚居村，听取各市县宣传部门意见。"
             "会议强调，要深入学习中共中央总书记、国家主席、中央军委主席习近平的重要讲话精神，"
             "认真贯彻《中华人民共和国民族区域自治法》，香港特别行政区和澳门特别行政区的经验值得借鉴。</p>"),
            ("/xxgk/gzdt/202611/t20261112_1003.html", "全县秋冬季森林防火工作会议召开", "2026-11-12",
             "<p>会议要求各乡镇落实森林防火责任。</p>"),
        ]  # fmt: skip
        tzgg = [
            ("/xxgk/tzgg/202611/t20261125_1101.html", "关于做好冬季供暖保障工作的通知", "2026-11-25", ""),
            ("/xxgk/tzgg/202611/t20261110_1102.html", "关于开展安全生产大检查的通知", "2026-11-10", ""),
        ]
        self._disclosure(s, {"gzdt": ("工作动态", gzdt), "tzgg": ("通知公告", tzgg)})
        news = _li([(p, t, d) for p, t, d, _ in gzdt])
        home = (
            f"<div class='news'><h3>工作动态</h3><ul>{news}</ul></div>"
            "<div class='links'>友情链接：<a href='http://www.gov.cn/'>中国政府网</a> "
            "<a href='http://www.hebei.gov.cn/'>河北省人民政府</a> "
            f"<a href='{out}/friend/'>河西日报</a></div>"
            "<div class='more-gov'><a href='http://www.sjz.gov.cn/'>石家庄市人民政府</a>"
            "<a href='http://www.xingtai.gov.cn/'>邢台市人民政府</a></div>"
            f"<div class='ft-ad'><a href='{out}/bet/'>澳门新葡京娱乐场</a></div>"
        )
        head = "<link rel='stylesheet' type='text/css' href='/css/main.css'>"
        self._put(s, "/", _frame(s, NAMES[s], home, head=head, top=nav))
        self._put(
            s,
            "/hdjl/",
            _frame(s, "互动交流", "<ul class='hd'><li><a href='/hdjl/xzxx/'>县长信箱</a></li>"
                   "<li><a href='/hdjl/zxft/'>在线访谈</a></li><li><a href='/hdjl/yjzj/'>意见征集</a></li></ul>"),
        )  # fmt: skip
        letters = [  # (path, title, asked, replied, state, reply text)
            ("/hdjl/xzxx/202608/t20260820_9001.html", "村道坑洼何时维修", "2026-08-20", "", "尚未回复", ""),
            ("/hdjl/xzxx/202609/t20260902_9002.html", "小区路灯不亮", "2026-09-02", "", "办理中", ""),
            ("/hdjl/xzxx/202609/t20260930_9003.html", "咨询城乡居民医保缴费时间", "2026-09-30", "2026-10-13",
             "已回复", "缴费时间为每年9月至12月。"),
            ("/hdjl/xzxx/202611/t20261102_9004.html", "咨询农村危房改造补助标准", "2026-11-02", "2026-11-10",
             "已回复", "补助标准按省定政策执行。"),
            ("/hdjl/xzxx/202510/t20251015_9005.html", "学校门口交通拥堵", "2025-10-15", "", "未回复", ""),
            ("/hdjl/xzxx/202611/t20261103_9006.html", "咨询退役军人优待证办理", "2026-11-03", "2026-11-05",
             "已回复", "可到县退役军人事务局窗口办理。"),
        ]  # fmt: skip
        header = "<tr><th>序号</th><th>信件标题</th><th>来信人</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>"

        def row(i, path, title, asked, replied, state, _reply, show_replied=True):
            rep = replied if show_replied else ""
            return (
                f"<tr><td>{i}</td><td><a href='{path}' title='{title}'>{title}</a></td><td>群众</td>"
                f"<td>{asked}</td><td>{rep}</td><td>{state}</td></tr>"
            )

        page1 = "".join(row(i + 1, *m) for i, m in enumerate(letters[:4]))
        page2 = row(5, *letters[4]) + row(6, *letters[5], show_replied=False)
        pager1 = "<div class='page'>共2页 当前第1页 <a href='index_1.html'>下一页</a> <a href='index_1.html'>尾页</a></div>"
        pager2 = "<div class='page'>共2页 当前第2页 <a href='index.html'>首页</a> <a href='index.html'>上一页</a></div>"
        for path, rows, pager in (("/hdjl/xzxx/", page1, pager1), ("/hdjl/xzxx/index_1.html", page2, pager2)):
            body = f"<h2>县长信箱</h2><table class='letters'>{header}{rows}</table>{pager}"
            self._put(s, path, _frame(s, "县长信箱", body))
        self._put(s, "/hdjl/xzxx/index.html", self.pages[(IPS[s], "/hdjl/xzxx/")][2])
        for path, title, asked, replied, state, reply in letters:
            self._put(
                s, path, _message_page(s, title, asked, f"{title}，请尽快答复。", replied, reply, state)
            )
        ft = [("/hdjl/zxft/202603/t20260301_9101.html", "县长在线访谈：谈优化营商环境", "2026-03-01")]
        self._put(s, "/hdjl/zxft/", _list(s, "在线访谈", ft))
        self._put(
            s,
            ft[0][0],
            _article(s, ft[0][1], ft[0][2], "<p>访谈实录。网友提问尚未回复的问题将在会后答复。</p>"),
        )
        yj = "<tr><th>标题</th><th>发布时间</th><th>截止时间</th><th>状态</th></tr>" + (
            "<tr><td><a href='/hdjl/yjzj/202605/t20260501_9201.html'>关于县城总体规划修编的意见征集</a></td>"
            "<td>2026-05-01</td><td>2026-05-31</td><td>未回复</td></tr>"
        )
        self._put(s, "/hdjl/yjzj/", _frame(s, "意见征集", f"<table class='yj'>{yj}</table>"))
        self._put(
            s,
            "/hdjl/yjzj/202605/t20260501_9201.html",
            _message_page(
                s, "关于县城总体规划修编的意见征集", "2026-05-01", "欢迎提出意见。", state="未回复"
            ),
        )

    def _department(self) -> None:
        s, out = "jyj", self.outside
        jydt = [
            ("/xxgk/jydt/202611/t20261126_2000.html", "全县中小学开展冬季消防演练", "2026-11-26",
             "<p>各校组织师生开展消防疏散演练。</p>"),
            ("/xxgk/jydt/202611/t20261110_2001.html", "全县教育系统学习贯彻省委会议精神", "2026-11-10",
             "<p>会议传达了河北省省委书记在全省教育大会上的讲话精神。会上通报了北朝鲜留学生交流项目情况。</p>"),
            ("/xxgk/jydt/202611/t20261105_2002.html", "县教育局召开校园安全工作会议", "2026-11-05",
             "<p>会议部署冬季校园安全工作，做好学生冬季交通安全教育。</p>"),
        ]  # fmt: skip
        self._disclosure(s, {"jydt": ("教育动态", jydt)})
        home = (
            f"<div class='news'><h3>教育动态</h3><ul>{_li([(p, t, d) for p, t, d, _ in jydt])}</ul></div>"
            f"<div style='position:absolute;top:-999px;left:-999px'><a href='{out}/casino/'>真人百家乐</a></div>"
            f"<marquee height='0' width='0' scrollamount='9999'><a href='{out}/lottery/'>时时彩平台</a></marquee>"
            "<div class='links'><a href='http://www.hxx.gov.cn/'>河西县人民政府</a></div>"
        )
        self._put(s, "/", _frame(s, NAMES[s], home))
        self._put(
            s,
            "/hdjl/",
            _frame(s, "互动交流", "<ul class='hd'><li><a href='/hdjl/jzxx/'>局长信箱</a></li></ul>"),
        )
        letters = [  # (path, title, asked, replied, state, reply)
            ("/hdjl/jzxx/202607/t20260701_9301.html", "咨询义务教育入学政策", "2026-07-01", "", "办理中", ""),
            ("/hdjl/jzxx/202609/t20260930_9302.html", "咨询教师资格认定时间", "2026-09-30", "2026-10-14", "",
             "认定时间以省教育厅公告为准。"),
            ("/hdjl/jzxx/202609/t20260930_9303.html", "咨询校车接送路线", "2026-09-30", "2026-10-13", "",
             "已转学校统筹安排。"),
        ]  # fmt: skip
        grid = "<ul class='th'><li><span>信件标题</span><span>来信日期</span></li></ul><ul class='tb'>" + "".join(
            f"<li><span><a href='{p}'>{t}</a></span><span>{a}</span></li>" for p, t, a, *_ in letters
        ) + "</ul>"  # fmt: skip
        self._put(s, "/hdjl/jzxx/", _frame(s, "局长信箱", f"<h2>局长信箱</h2>{grid}"))
        for path, title, asked, replied, state, reply in letters:
            self._put(s, path, _message_page(s, title, asked, f"{title}。", replied, reply, state))

    def _town(self) -> None:
        s, out = "qsz", self.outside
        xzdt = [
            ("/xxgk/xzdt/202611/t20261127_3000.html", "青山镇开展冬季道路交通安全宣传", "2026-11-27",
             "<p>镇交管站在集市开展交通安全宣传。</p>"),
            ("/xxgk/xzdt/202607/t20260710_3001.html", "青山镇召开乡村振兴推进会", "2026-07-10",
             "<p>会议学习《<strong>中华人民</strong>共合国土地管理法》。贾正明同志参加会议并讲话。</p>"),
            ("/xxgk/xzdt/202605/t20260520_3002.html", "青山镇开展春季植树活动", "2026-05-20",
             "<p>镇长贾正明带领机关干部参加植树活动。</p>"),
            ("/xxgk/xzdt/202608/t20260801_3003.html", "青山镇表彰优秀教师", "2026-08-01",
             "<p>贾正明华等十名教师受到表彰。青山乡村振兴示范带建设稳步推进。</p>"),
            ("/xxgk/xzdt/202609/t20260915_3004.html", "青山镇召开秋收工作会议", "2026-09-15",
             "<p>原青山乡各村做好秋收秋种工作。</p>"),
        ]  # fmt: skip
        self._disclosure(s, {"xzdt": ("乡镇动态", xzdt)})
        head = "<style type='text/css'>.main{width:1000px}\n.yq{display:none}\n</style>"
        home = (
            f"<div class='news'><h3>乡镇动态</h3><ul>{_li([(p, t, d) for p, t, d, _ in xzdt])}</ul></div>"
            f"<div class='yq'><a href='{out}/bet2/'>网上赌场</a></div>"
        )
        self._put(s, "/", _frame(s, NAMES[s], home, head=head))
        self._put(
            s,
            "/hdjl/",
            _frame(s, "互动交流", "<ul class='hd'><li><a href='/hdjl/zzxx/'>镇长信箱</a></li></ul>"),
        )
        rows = "<tr><th>标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>" + (
            "<tr><td><a href='/hdjl/zzxx/202611/t20261116_9401.html'>咨询养老保险认证</a></td>"
            "<td>2026-11-16</td><td>2026-11-18</td><td>已办结</td></tr>"
        )
        self._put(s, "/hdjl/zzxx/", _frame(s, "镇长信箱", f"<table>{rows}</table>"))
        self._put(
            s,
            "/hdjl/zzxx/202611/t20261116_9401.html",
            _message_page(
                s, "咨询养老保险认证", "2026-11-16", "如何认证？", "2026-11-18", "可通过手机办理。", "已办结"
            ),
        )

    # ------------------------------------------------------------------ truth
    def truth(self) -> dict:
        """truth.json with absolute URLs: ``{as_of, kinds, findings, sites}``."""
        data = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))
        for f in data["findings"]:
            for key in ("url", "column"):
                if key in f:
                    f[key] = self.url(f["site"], f[key])
            if "target" in f:
                f["target"] = f["target"].replace("{outside}", self.outside)
        return data

    # ------------------------------------------------------------------ serving
    def start(self) -> InspectNetwork:
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
                net.requests.append((ip, self.path))
                if ip == OUTSIDE:
                    net.outside_requests.append(self.path)
                status, headers, body = net.pages.get((ip, self.path), NOT_FOUND)
                data = (
                    body.encode("latin-1")
                    if headers["Content-Type"].startswith("image/")
                    else body.encode("utf-8")
                )
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def write_config(self, path: Path, crawl: dict | None = None) -> Path:
        """patrol.yaml for the three sites, with the county's wording.yaml and watch.yaml beside it."""
        for name in ("wording.yaml", "watch.yaml"):
            shutil.copyfile(HERE / name, path.parent / name)
        conf = {
            "sites": [
                {
                    "id": s,
                    "name": NAMES[s],
                    "tier": TIERS[s],
                    "url": f"{self.base(s)}/",
                    "scope": [f"{self.base(s)}/"],
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
            "inspection": {"wording_lexicon": "wording.yaml", "watch_names": "watch.yaml"},
        }
        path.write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path
