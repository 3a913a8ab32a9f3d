"""Columns drawn by script (issue 7, item 6): counted exactly like static ones, nothing requested
outside the scope — neither by the spider nor by the headless browser."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil

import pytest

from tests.crawl_helpers import SMALL_CRAWL, assert_counts_equal, counts_json, patrol
from tests.scriptnet.network import ScriptNetwork

# one xdist group per test, not per module: xdist joins every group mark of a test into one name
pytestmark = pytest.mark.slow
scriptnet = pytest.mark.xdist_group("test_script_columns")
needs_chromium = pytest.mark.skipif(
    not (shutil.which("chromium") or os.path.exists("/usr/bin/chromium")), reason="no Chromium"
)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("scriptnet")
    net = ScriptNetwork().start()
    data, cfg = root / "data", root / "patrol.yaml"
    net.write_config(cfg)
    try:
        patrol(data, cfg, "crawl", "--quiet")
        yield net, data, cfg
    finally:
        net.stop()


@scriptnet
@needs_chromium
def test_counts_exact(crawled):
    net, data, cfg = crawled
    for start, end in (
        (dt.date(2020, 1, 1), dt.date(2020, 12, 31)),
        (dt.date(2000, 1, 1), dt.date(2020, 6, 30)),
    ):
        got = counts_json(data, cfg, "--from", start.isoformat(), "--to", end.isoformat())
        assert_counts_equal(got, net.counts(start, end))


@scriptnet
@needs_chromium
def test_nothing_requested_outside(crawled):
    net, data, cfg = crawled
    assert net.outside.log == []
    # the temptations were there to be taken: the browser did render the page that holds them
    assert "/xxgk/rsxx/" in net.requests or "/xxgk/rsxx/index.html" in net.requests
    assert "/go-out" in net.requests  # its XHR reached the in-scope redirect, not where it leads


@pytest.mark.xdist_group("crawl")  # beside the other users of the shared small demo patrol
def test_no_extra_requests_without_scripted_pages(crawled_small, tmp_path):
    """The demo network has no script-drawn columns: a patrol with the scripted-column reading on
    sends exactly the requests (same paths, same number of times) of a patrol with it off."""
    net, _, _ = crawled_small
    # "on": the shared patrol of the small demo (crawl_small_network runs it with PATROL_SCRIPTED=on)
    seen = {"on": net.first_patrol_requests}
    data, cfg = tmp_path / "off" / "data", tmp_path / "off" / "patrol.yaml"
    net.write_config(cfg, crawl=SMALL_CRAWL)
    net.reset_counters()
    patrol(data, cfg, "crawl", "--quiet", env={"PATROL_SCRIPTED": "off"})
    seen["off"] = dict(net.requests_by_path)
    assert sum(seen["off"].values()) > 100  # a real patrol happened
    extra = {k: v for k, v in seen["on"].items() if seen["off"].get(k) != v}
    missing = {k: v for k, v in seen["off"].items() if k not in seen["on"]}
    assert not extra and not missing, (sorted(extra.items())[:20], sorted(missing.items())[:20])


@scriptnet
@needs_chromium
def test_unreadable_scripted_columns_are_said(crawled):
    """A column whose API gives nothing and whose rendered page shows no rows, and a page whose
    data lies outside the scope, are ``unreadable`` findings of the site (``patrol runs``)."""
    net, data, cfg = crawled
    runs = json.loads(patrol(data, cfg, "runs", "--format", "json").stdout)["runs"]
    found = {(f["kind"], f["url"], f["detail"].get("code")) for f in runs[0]["sites"]["county"]["findings"]}
    assert ("unreadable", f"{net.base}/xxgk/yjgl/", "rows_not_found") in {
        (k, u.replace("index.html", ""), c) for k, u, c in found
    }
    assert any(k == "unreadable" and "/xxgk/tjsj/" in u for k, u, _ in found)


@scriptnet
@needs_chromium
def test_second_patrol_stays_exact(crawled):
    """An incremental patrol re-reads the APIs only until they bring nothing new, and the counts
    (and the empty outside log) stay the same."""
    net, data, cfg = crawled
    before = len(net.requests)
    patrol(data, cfg, "crawl", "--quiet")
    again = net.requests[before:]
    assert not any("/gkmlpt/api/all/12?page=2" in r or "start=15" in r for r in again), again
    start, end = dt.date(2020, 1, 1), dt.date(2020, 12, 31)
    got = counts_json(data, cfg, "--from", start.isoformat(), "--to", end.isoformat())
    assert_counts_equal(got, net.counts(start, end))
    assert net.outside.log == []
