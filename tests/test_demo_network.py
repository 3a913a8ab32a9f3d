"""The demo portal network: deterministic, reproduces the seed figures, and every trap is there."""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections import Counter
from datetime import date
from functools import lru_cache

import pytest

from demo.generator import build_network, working_days_between
from demo.model import normalise_column_url
from demo.rules import column_category, column_kind
from demo.truth import compute_truth, counts

pytest_plugins = ["demo.pytest_plugin"]


@lru_cache(maxsize=2)
def _built(scale: str):
    net = build_network(scale)
    return net, compute_truth(net)


def _get(url: str, headers: dict | None = None, data: bytes | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


# --------------------------------------------------------------------------- model and truth


def test_generator_is_deterministic():
    assert compute_truth(build_network("small")) == compute_truth(build_network("small"))
    assert compute_truth(build_network("small", seed=7)) != compute_truth(build_network("small"))


def test_full_network_reproduces_the_seed_figures():
    net, truth = _built("full")
    a = truth["annual_2012"]
    assert (a["total"], a["document"], a["other"], a["cumulative"]) == (3625, 1985, 1640, 10482)
    assert truth["counts_2012"]["total"] == 3625 and truth["counts_all"]["total"] == 10482
    assert sum(a["by_tier"].values()) == 3625 and sum(a["by_category"].values()) == 3625
    dates = [x.date for s in net.sites for x in s.articles if x.date]
    assert max(dates) <= date(2012, 12, 31)
    assert compute_truth(build_network("full")) == truth


def test_network_shape():
    net, _ = _built("full")
    tiers = Counter(s.tier for s in net.sites)
    assert tiers["county"] == 1 and tiers["department"] >= 10 and tiers["town"] == 11
    towns = {s.name.removesuffix("人民政府") for s in net.sites if s.tier == "town"}
    assert towns == {
        "城关镇",
        "饶峰镇",
        "两河镇",
        "迎丰镇",
        "池河镇",
        "后柳镇",
        "喜河镇",
        "熨斗镇",
        "云雾山镇",
        "中池镇",
        "曾溪镇",
    }
    assert {s.style for s in net.sites} == {"trs", "hanweb", "asp", "gkml"}
    county = net.site("county")
    nested = [s for s in net.sites if s.host == county.host and s is not county]
    assert any(s.tier == "department" for s in nested) and all(s.prefix != "/" for s in nested)
    assert len({s.host for s in net.sites if s.host != county.host}) == len(net.sites) - len(nested) - 1
    assert any(c.is_parent for s in net.sites for c in s.columns())


def test_column_names_map_to_the_intended_categories():
    net, _ = _built("full")
    for site in net.sites:
        for col in site.list_columns():
            is_doc_role = col.traits["role"] in ("regulation", "jd")  # 政策解读 counts as 法规文件 too
            assert is_doc_role == (column_category(col.name) == "regulation"), col.name
            if col.traits["role"] == "dynamic":
                assert column_kind(col.name) == "dynamic", col.name


def test_cross_listing_stays_within_one_category():
    net, _ = _built("full")
    crossed = 0
    for site in net.sites:
        homes: dict[int, set[str]] = {}
        for col in site.list_columns():
            for e in col.entries:
                homes.setdefault(id(e.article), set()).add(column_category(col.name))
        assert all(len(cats) == 1 for cats in homes.values())
        crossed += sum(1 for a in site.articles if "cross" in a.tags)
    assert crossed > 20


def test_counts_contract_and_column_urls():
    net, truth = _built("small")
    c = truth["counts_2012"]
    assert set(c) == {"from", "to", "total", "tiers", "sites"} and set(c["tiers"]) == {
        "county",
        "department",
        "town",
    }
    assert c["total"] == sum(s["items"] for s in c["sites"]) == sum(c["tiers"].values())
    for site, s in zip(net.sites, c["sites"], strict=True):
        assert set(s) == {"id", "name", "tier", "items", "columns"}
        for col, cj in zip(site.list_columns(), s["columns"], strict=True):
            assert set(cj) == {"url", "name", "category", "items", "items_total", "last_published"}
            assert normalise_column_url(net.column_first_page(col)) == cj["url"]
            assert not cj["url"].endswith("index.html")
            if site.style == "hanweb":
                assert re.search(r"/col/col\d+/$", cj["url"])
            if site.style == "asp":
                assert re.search(r"\.asp\?(classid|ClassID)=\d+$", cj["url"])
    assert normalise_column_url("http://h/list.asp?classid=12&page=1") == "http://h/list.asp?classid=12"
    # a column counts a pinned duplicate once; a site counts a cross-listed article once
    county = net.site("county")
    zwyw = county.column("政务要闻")
    assert len(zwyw.entries) == len({id(e.article) for e in zwyw.entries}) + 1


def test_timeliness_findings_are_exactly_the_planted_gaps():
    net, truth = _built("full")
    findings = truth["timeliness_2013_01_07"]["findings"]
    kinds = Counter(f["kind"] for f in findings)
    assert kinds == {
        "stale_column": 11,
        "dead_link": 7,
        "undated_item": 6,
        "empty_column": 5,
        "late_publication": 5,
        "stale_homepage": 3,
    }
    planted_stale = {net.column_url(c) for s in net.sites for c in s.list_columns() if c.traits.get("stale")}
    assert {f["url"] for f in findings if f["kind"] == "stale_column"} == planted_stale
    assert {f["site"] for f in findings if f["kind"] == "stale_homepage"} == {"slj", "xhz", "zxz"}
    stale_kinds = Counter(
        column_kind(c.name) for s in net.sites for c in s.list_columns() if c.traits.get("stale")
    )
    assert stale_kinds == {"dynamic": 5, "notice_policy": 3, "plan_personnel": 3}
    for f in findings:
        if f["kind"] == "late_publication":
            assert f["days"] >= 25 and f["limit"] == 20
    # every other item with a 成文日期 is well within 20 working days; pinned items are old
    for site in net.sites:
        for a in site.articles:
            if a.written and "late" not in a.tags:
                assert working_days_between(a.written, a.date) <= 14
        for col in site.list_columns():
            pinned = [e.article.date for e in col.entries if e.pinned]
            rest = [e.article.date for e in col.entries if not e.pinned and e.article.date]
            assert all(p < max(rest) for p in pinned)


def test_calendar_hard_negatives_cross_the_holidays():
    assert working_days_between(date(2012, 1, 18), date(2012, 2, 8)) == 12  # Spring Festival, 调休 Jan 21/29
    assert working_days_between(date(2012, 9, 20), date(2012, 10, 16)) == 14  # National Day, 调休 Sep 29


def test_screening_positives_and_sites_config():
    _, truth = _built("small")
    kinds = Counter(p["kind"] for p in truth["screening_positives"])
    assert kinds == {"id_number": 2, "classified_mark": 1, "internal_marker": 2}
    assert {s["id"] for s in truth["sites"]} >= {"county", "cgz", "zxz"}
    assert all(s["scope"] == [s["url"]] for s in truth["sites"])


# --------------------------------------------------------------------------- over HTTP


def test_every_host_is_loopback_on_one_port(demo_network_small):
    d = demo_network_small
    for s in d.sites_config():
        parts = urllib.parse.urlsplit(s["url"])
        assert parts.hostname.startswith("127.") and parts.port == d.port
        assert _get(s["url"])[0] == 200
    assert len({urllib.parse.urlsplit(s["url"]).hostname for s in d.sites_config()}) >= 15
    status, _, body = _get(d.url("county") + "robots.txt")
    assert status == 200 and b"Disallow: /search/" in body


def test_gbk_pages(demo_network_small):
    net = demo_network_small.network
    col = net.site("nyj").column("农业动态")
    status, headers, body = _get(net.column_first_page(col))
    assert status == 200 and "charset" not in headers["Content-Type"]
    assert b"charset=gb2312" in body
    page = body.decode("gb18030")
    assert "镕" in page and "下一页" in page or "尾页" in page
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")


def test_dead_links_and_soft_404(demo_network_small):
    net = demo_network_small.network
    dead = [a for s in net.sites for a in s.articles if a.status != "ok"]
    assert {a.status for a in dead} == {"404", "soft404"}
    for a in dead:
        status, _, body = _get(net.article_url(a))
        if a.status == "404":
            assert status == 404
        else:
            text = body.decode("gb18030" if a.site.style == "asp" else "utf-8")
            assert status == 200 and len(body) < 600 and ("不存在" in text)


def test_conditional_requests(demo_network_small):
    net = demo_network_small.network
    url = net.column_first_page(net.site("county").column("政务要闻"))
    status, headers, _ = _get(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert _get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert _get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert _get(url, {"If-None-Match": '"other"'})[0] == 200


def test_trs_pager_is_only_a_script(demo_network_small):
    net = demo_network_small.network
    cols = [c for s in net.sites if s.style == "trs" for c in s.list_columns() if len(c.entries) > c.per_page]
    assert cols
    col = cols[0]
    status, _, body = _get(net.column_first_page(col))
    page = body.decode()
    n = -(-len(col.entries) // col.per_page)
    assert f'createPageHTML({n}, 0, "index", "html")' in page
    assert "index_1.html" not in page
    assert _get(net.base(col.site.host) + col.url_path + "index_1.html")[0] == 200
    assert re.search(
        r'<li[^>]*>(<span class="zd">\[置顶\]</span>)?<a href="\./\d{6}/t\d{8}_\d+\.html" title="', page
    )


def test_hanweb_dataproxy(demo_network_small):
    net = demo_network_small.network
    site = net.site("jyj")
    col = max(site.list_columns(), key=lambda c: len(c.entries))
    status, _, body = _get(net.column_first_page(col))
    page = body.decode()
    assert (
        "<datastore>" in page
        and f"totalRecord: {len(col.entries)}" in page
        and f"columnid: {col.cid}" in page
    )
    proxy = net.base(site.host) + "/module/web/jpage/dataproxy.jsp"
    q = f"startrecord=1&endrecord=3&perpage=15&columnid={col.cid}"
    status, headers, body = _get(f"{proxy}?{q}")
    assert status == 200 and "xml" in headers["Content-Type"]
    assert body.count(b"<record>") == 3 and f"<totalrecord>{len(col.entries)}</totalrecord>".encode() in body
    status, _, post = _get(proxy, data=q.encode())
    assert post == body
    # the repeat variant: a later group starts one record early
    status, _, later = _get(f"{proxy}?startrecord=3&endrecord=4&perpage=15&columnid={col.cid}")
    assert later.count(b"<record>") == 3


def test_lists_show_all_the_traps(demo_network_small):
    net = demo_network_small.network
    pages = {}
    for s in net.sites:
        for c in s.list_columns():
            body = _get(net.column_first_page(c))[2]
            pages[(s.id, c.name)] = body.decode("gb18030" if s.style == "asp" else "utf-8")
    joined = "\n".join(pages.values())
    assert "http://www.gov.cn/" in joined and "[置顶]" in joined
    assert all(
        any(m in pages[(s.id, c.name)] for m in ("暂无信息", "暂无数据", "没有记录", "暂无内容"))
        for s in net.sites
        for c in s.list_columns()
        if c.empty
    )
    assert re.search(r">\d{2}-\d{2}<", pages[("lhz", "工作动态")])
    assert not re.search(
        r"\d{4}[-/.年]\d{1,2}",
        re.sub(r"\d{9}/\d{4}-\d{5}", "", pages[("zcz", "民生保障")])
        .split("gkml-list", 1)[1]
        .split("pagination")[0],
    )
    county_url = net.site_url(net.site("county"))
    assert county_url + "zwgk/gzdt/zwyw/" in pages[("cgz", "工作动态")]
    assert "年" in pages[("zrj", "本局文件")] and "[20" in pages[("jtj", "工作动态")]


def test_attachments_are_real_files(demo_network_small):
    from pdfminer.high_level import extract_text

    net = demo_network_small.network
    seen = {}
    for s in net.sites:
        for a in s.articles:
            for att in a.attachments:
                seen.setdefault(att.fmt, (a, att))
    assert set(seen) == {"pdf", "docx", "xlsx", "xls"}
    magic = {"pdf": b"%PDF", "docx": b"PK", "xlsx": b"PK", "xls": bytes.fromhex("D0CF11E0")}
    for fmt, (a, att) in seen.items():
        status, _, body = _get(net.attachment_url(a, att))
        assert status == 200 and body.startswith(magic[fmt]), fmt
        if fmt == "docx":
            assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(body)).namelist()
    secret = next(p for p in net.screening_positives if p["kind"] == "classified_mark")
    pdf = _get(net.attachment_url(secret["article"], secret["attachment"]))[2]
    assert "秘密★1年" in extract_text(io.BytesIO(pdf))


def test_detail_pages_carry_dates_and_metadata(demo_network_small):
    net = demo_network_small.network
    doc = next(a for a in net.site("county").column("县政府文件").entries if a.article.doc).article
    page = _get(net.article_url(doc))[2].decode()
    for label in ("索引号", "发布机构", "成文日期", "文号", "发布日期", "发布时间"):
        assert label in page
    assert '<meta name="PubDate"' in page
    undated = next(a for s in net.sites for a in s.articles if a.date is None)
    body = _get(net.article_url(undated))[2].decode("gb18030")
    assert "发布" not in body and not re.search(r"20\d\d[-年]\d", body)


def test_write_config_is_a_valid_patrol_yaml(demo_network_small, tmp_path):
    from config import patrolconf

    conf = patrolconf.load(demo_network_small.write_config(tmp_path / "patrol.yaml"))
    assert len(conf.sites) == len(demo_network_small.network.sites)
    assert conf.crawl["delay_seconds"] == 0 and conf.crawl["autothrottle"] is False


def test_mutation_is_deterministic_and_visible(demo_network_fresh):
    d = demo_network_fresh
    net = d.network
    before = d.truth()
    col = net.site("county").column("政务要闻")
    url = net.column_first_page(col)
    other = net.column_first_page(net.site("zxz").column("通知公告"))
    etag = _get(url)[1]["ETag"]
    other_etag = _get(other)[1]["ETag"]
    d.mutate()
    after = d.truth()
    assert after["counts_all"]["total"] == before["counts_all"]["total"] + 7
    assert after["counts_2012"]["total"] == before["counts_2012"]["total"] + 2
    assert _get(url, {"If-None-Match": etag})[0] == 200
    assert _get(other, {"If-None-Match": other_etag})[0] == 304
    assert "2013-01-06" in _get(url)[2].decode()
    scj = net.site("scj")
    assert "抽检信息" in _get(net.base(scj.host) + scj.entry_path)[2].decode()
    retitled = next(e for e in net.site("county").column("通知公告").entries if not e.pinned)
    assert "更正" in retitled.article.title
    twin = build_network("small")
    from demo.mutate import mutate

    mutate(twin)
    twin.port = net.port
    assert compute_truth(twin) == after
    assert counts(twin, date(2013, 1, 1), date(2013, 12, 31))["total"] == 5


def test_pages_are_byte_stable_across_instances(demo_network_small):
    """Two servers of the same network give the same bytes (so ETags survive a restart)."""
    from demo.server import DemoNetwork

    twin = DemoNetwork("small")
    twin.port = twin.network.port = demo_network_small.port
    twin._rebuild()
    first = demo_network_small._routes
    assert set(twin._routes) == set(first)
    for host, table in first.items():
        assert set(twin._routes[host]) == set(table)
        for path, handler in list(table.items())[::7]:
            assert twin._routes[host][path]({}) == handler({}), path


def test_robots_allows_every_content_page(demo_network_small):
    net = demo_network_small.network
    for site in net.sites:
        body = _get(net.base(site.host) + "/robots.txt")[2].decode()
        blocked = [
            line.split(":", 1)[1].strip() for line in body.splitlines() if line.startswith("Disallow:")
        ]
        assert blocked
        paths = [c.path for c in site.columns()] + [a.path for a in site.articles if not a.external]
        assert not [p for p in paths for b in blocked if p.startswith(b)]
    req = urllib.request.Request(net.site_url(net.site("county")), method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200 and int(r.headers["Content-Length"]) > 1000 and r.read() == b""
