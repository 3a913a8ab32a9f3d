"""A real patrol of a column whose rows partly open by script (``javascript:;`` + onclick, as the
re-hosted real pages 014-038 show): those rows are items of the column, named by the contract's
synthetic URL (column URL + ``#item-…``), counted once on whichever page lists them, and never
fetched (Scrapy drops the fragment, so a fetch would re-read the column page as a "detail")."""

from __future__ import annotations

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from tests.crawl_helpers import counts_json, patrol

pytestmark = pytest.mark.slow


def _row(href: str, title: str, date: str, onclick: str = "") -> str:
    click = f' onclick="{onclick}"' if onclick else ""
    return f'<li><a href="{href}"{click} title="{title}">{title}</a><span class="date">{date}</span></li>'


PAGES = {
    "/": "<html><head><title>青山县人民政府</title></head><body>"
    "<div class='nav'><a href='/'>首页</a><a href='/xxgk/'>信息公开</a></div></body></html>",
    "/xxgk/": "<html><head><title>信息公开</title></head><body>"
    "<div class='menu'><a href='/xxgk/tzgg/'>通知公告</a></div></body></html>",
    "/xxgk/tzgg/": "<html><head><title>通知公告</title></head><body><h2>通知公告</h2><ul class='list'>"
    + _row("./201203/t1.html", "关于开展春季植树活动的通知", "2012-03-05")
    + _row("javascript:;", "关于做好防汛准备工作的通知", "2012-03-04", "openDoc('a2')")
    + _row("./201203/t3.html", "关于召开全县安全生产会议的通知", "2012-03-03")
    + _row("javascript:void(0)", "关于公布第一批行政许可事项的通知", "2012-03-02", "openDoc('a4')")
    + "</ul><div class='pager'>共2页 <a href='index_1.html'>下一页</a> <a href='index_1.html'>尾页</a>"
    "</div></body></html>",
    "/xxgk/tzgg/index_1.html": "<html><head><title>通知公告</title></head><body><h2>通知公告</h2>"
    "<ul class='list'>"
    + _row("javascript:;", "关于开展消防安全检查的通知", "2012-02-20", "openDoc('a5')")
    + _row("./201202/t6.html", "关于春节期间值班安排的通知", "2012-02-10")
    + "</ul><div class='pager'>共2页 <a href='index.html'>上一页</a></div></body></html>",
}
for n, (title, date) in {
    "201203/t1": ("关于开展春季植树活动的通知", "2012-03-05"),
    "201203/t3": ("关于召开全县安全生产会议的通知", "2012-03-03"),
    "201202/t6": ("关于春节期间值班安排的通知", "2012-02-10"),
}.items():
    PAGES[f"/xxgk/tzgg/{n}.html"] = (
        f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
        f"<div class='info'>发布日期：{date}</div><div class='content'><p>正文。</p></div></body></html>"
    )


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.log.append(self.path)
        path = self.path.split("?")[0]
        if path == "/xxgk/tzgg/index.html":
            path = "/xxgk/tzgg/"
        body = PAGES.get(path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        data = (body or "<h1>404</h1>").encode("utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def patrolled(tmp_path_factory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.log = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    root = tmp_path_factory.mktemp("scriptrows")
    data, cfg = root / "data", root / "patrol.yaml"
    conf = {
        "sites": [
            {"id": "qs", "name": "青山县人民政府", "tier": "county", "url": f"{base}/", "scope": [f"{base}/"]}
        ],
        "crawl": {"delay_seconds": 0, "autothrottle": False, "retries": 0, "obey_robots": False},
    }
    cfg.write_text(yaml.safe_dump(conf, allow_unicode=True), encoding="utf-8")
    try:
        patrol(data, cfg, "crawl", "--quiet")
        yield base, data, cfg, list(server.log)
    finally:
        server.shutdown()


def test_script_rows_are_items_of_their_column(patrolled):
    base, data, cfg, _ = patrolled
    got = counts_json(data, cfg, "--year", "2012")
    (col,) = got["sites"][0]["columns"]
    assert col["url"] == f"{base}/xxgk/tzgg/"
    assert (col["items"], col["items_total"], col["last_published"]) == (6, 6, "2012-03-05")


def test_script_rows_are_named_after_the_column_and_never_fetched(patrolled):
    base, data, _, log = patrolled
    con = sqlite3.connect(f"file:{data / 'patrol.sqlite3'}?mode=ro", uri=True)
    with con:
        rows = con.execute("select url, needs_detail, detail_status from crawler_item").fetchall()
    scripted = [r for r in rows if "#" in r[0]]
    assert len(scripted) == 3  # two on page 1, one on page 2: all carry the column's URL
    assert all(u.startswith(f"{base}/xxgk/tzgg/#item-") for u, _, _ in scripted)
    assert all(not needs and status is None for _, needs, status in scripted)
    column_fetches = [p for p in log if p in ("/xxgk/tzgg/", "/xxgk/tzgg/index.html")]
    assert len(column_fetches) == 1, log  # the column page was never re-read as a detail page
    assert sum(p.endswith(".html") and "/2012" in p for p in log) == 3  # the three real details
