"""A real patrol of a network whose pages try every way out of scope (tests/scopenet): the outside
servers get no request at all, every in-scope page that leads out is an ``offsite_redirect`` finding,
and a list page 2 that redirects out adds no rows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.crawl_helpers import counts_json, patrol
from tests.scopenet.network import IP_OUT, ScopeNetwork

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_scope_network")]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    net = ScopeNetwork().start()
    root = tmp_path_factory.mktemp("scopenet")
    data, cfg = root / "data", root / "patrol.yaml"
    net.write_config(cfg)
    try:
        patrol(data, cfg, "crawl", "--quiet")
        yield net, data, cfg
    finally:
        net.stop()


def _findings(data: Path) -> dict[str, dict]:
    con = sqlite3.connect(f"file:{data / 'patrol.sqlite3'}?mode=ro", uri=True, timeout=30)
    with con:
        rows = con.execute("select url, detail from crawler_sitefinding where kind = 'offsite_redirect'")
        return {url: json.loads(detail) for url, detail in rows}


def test_no_request_leaves_the_scopes(crawled):
    net = crawled[0]
    assert net.requests, "the patrol made no request at all"
    assert net.outside_requests() == []


def test_patrol_runs_says_how_many_requests_the_guard_refused(crawled):
    _, data, cfg = crawled
    run = json.loads(patrol(data, cfg, "runs", "--format", "json").stdout)["runs"][0]
    assert run["scope_dropped"] > 0
    assert run["status"] == "ok"
    table = patrol(data, cfg, "runs").stdout
    assert f"拦截范围外请求 {run['scope_dropped']} 个" in table


def test_the_patrol_went_everywhere_the_traps_are(crawled):
    """Guard against a vacuous pass: every trap page inside the scope was actually requested."""
    net = crawled[0]
    asked = {f"http://{ip}:{port}{raw}" for ip, port, _, raw in net.requests}
    assert net.redirect_sources <= asked


def test_every_in_scope_page_leading_out_is_a_finding(crawled):
    net, data, _ = crawled
    found = _findings(data)
    assert set(found) == net.redirect_sources
    for url, detail in found.items():
        assert f"{IP_OUT}:{net.port}/" in detail["target"], url  # the outside host (userinfo or not)
        assert detail["how"], url
    how = {url.rsplit("/", 1)[-1]: d["how"] for url, d in found.items()}
    assert how["t20240101_1.html"] == "301"
    assert how["moved_2.html"] == "307"  # a chain in → in → out names the page that left
    assert how["t20240105_5.html"] == "meta refresh"
    assert how["t20240107_7.html"] == "meta refresh"  # written by document.write
    assert how["t20240108_8.html"] == "refresh header"
    assert how["index_1.html"] == "302"


def test_a_list_page_that_redirects_out_counts_nothing(crawled):
    net, data, cfg = crawled
    counts = counts_json(data, cfg, "--from", "2000-01-01", "--to", "2030-12-31")
    got = {c["url"]: c["items"] for s in counts["sites"] for c in s["columns"]}
    for url, n in net.expected_columns.items():
        assert got.get(url) == n, url
    assert not [u for u in got if IP_OUT in u]  # no column of an outside host
