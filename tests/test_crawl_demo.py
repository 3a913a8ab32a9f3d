"""End-to-end patrols of the demo network: exact counts, incremental patrols, kill and resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.crawl_helpers import assert_counts_equal, counts_json, patrol


@pytest.fixture
def small_net():
    from demo.server import DemoNetwork

    net = DemoNetwork(scale="small")
    net.start()
    yield net
    net.stop()


def _all(data, cfg, truth):
    period = truth["counts_all"]
    return counts_json(data, cfg, "--from", period["from"], "--to", period["to"])


def _setup(net, tmp_path, **crawl):
    data = tmp_path / "data"
    cfg = tmp_path / "patrol.yaml"
    net.write_config(
        cfg, crawl={"delay_seconds": 0, "autothrottle": False, "concurrency_per_site": 4, **crawl}
    )
    return data, cfg


@pytest.mark.xdist_group("crawl-small")
def test_small_network_counted_exactly_and_incrementally(small_net, tmp_path):
    data, cfg = _setup(small_net, tmp_path)
    truth = small_net.truth()
    patrol(data, cfg, "crawl", "--quiet")
    first = small_net.requests_total
    assert_counts_equal(counts_json(data, cfg, "--year", "2012"), truth["counts_2012"])
    assert_counts_equal(_all(data, cfg, truth), truth["counts_all"])

    # unchanged network: only revalidations (304) and robots.txt, no detail page, no deeper list page
    small_net.reset_counters()
    patrol(data, cfg, "crawl", "--quiet")
    robots = sum(n for path, n in small_net.requests_by_path.items() if path.endswith("robots.txt"))
    assert small_net.requests_total - small_net.requests_by_status.get(304, 0) == robots, dict(
        small_net.requests_by_status
    )
    assert small_net.requests_total < first

    # new items, a changed list entry and a new column are picked up
    small_net.mutate()
    truth = small_net.truth()
    patrol(data, cfg, "crawl", "--quiet")
    assert_counts_equal(_all(data, cfg, truth), truth["counts_all"])
    db = sqlite3.connect(data / "patrol.sqlite3")
    titles = [row[0] for row in db.execute("select title from crawler_item where title like '%更正%'")]
    assert titles, "the changed list entry's new title was not picked up"
    new_cols = {row[0] for row in db.execute("select name from crawler_column")}
    truth_cols = {c["name"] for s in truth["counts_all"]["sites"] for c in s["columns"]}
    assert new_cols == truth_cols


@pytest.mark.xdist_group("crawl-small")
def test_killed_patrol_leaves_store_consistent_and_next_completes(small_net, tmp_path):
    data, cfg = _setup(small_net, tmp_path, concurrency_per_site=1, delay_seconds=0.01)
    env = {**os.environ, "PATROL_DATA": str(data), "PATROL_CONFIG": str(cfg)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "config.cli", "--config", str(cfg), "--data", str(data), "crawl", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db_path = data / "patrol.sqlite3"
    deadline = time.monotonic() + 120
    items = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if db_path.exists():
            try:
                items = (
                    sqlite3.connect(db_path, timeout=1)
                    .execute("select count(*) from crawler_item")
                    .fetchone()[0]
                )
            except sqlite3.Error:
                continue
            if items > 150:
                break
    assert proc.poll() is None, "patrol ended before it could be killed; make the network bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert items > 0
    db = sqlite3.connect(db_path)
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    # every listing points at an existing item and column (no half-written page)
    orphans = db.execute(
        "select count(*) from crawler_listing l left join crawler_item i on l.item_id = i.id "
        "where i.id is null"
    ).fetchone()[0]
    assert orphans == 0
    db.close()

    data2, cfg2 = data, cfg
    patrol(data2, cfg2, "crawl", "--quiet")
    truth = small_net.truth()
    assert_counts_equal(counts_json(data2, cfg2, "--year", "2012"), truth["counts_2012"])
    assert_counts_equal(_all(data2, cfg2, truth), truth["counts_all"])
    runs = sqlite3.connect(db_path).execute("select status from crawler_patrolrun order by id").fetchall()
    assert [r[0] for r in runs] == ["interrupted", "ok"]


@pytest.mark.slow
@pytest.mark.xdist_group("crawl-full")
def test_full_demo_network_reproduces_the_seed_report(tmp_path):
    from demo.server import DemoNetwork

    net = DemoNetwork(scale="full")
    net.start()
    try:
        data, cfg = _setup(net, tmp_path, concurrency_per_site=8)
        patrol(data, cfg, "crawl", "--quiet", timeout=1500)
        first = net.requests_total
        patrol(data, cfg, "crawl", "--quiet", timeout=600)
        second = net.requests_total - first
        truth = net.truth()
    finally:
        net.stop()
    got = counts_json(data, cfg, "--year", "2012")
    assert second <= 0.10 * first, f"second patrol sent {second} requests, first {first}"
    assert got["total"] == 3625
    assert_counts_equal(got, truth["counts_2012"])
    every = _all(data, cfg, truth)
    assert every["total"] == 10482
    assert_counts_equal(every, truth["counts_all"])
    (tmp_path / "counts.json").write_text(json.dumps(got, ensure_ascii=False))
    # the seed report's section 二 and the planted timeliness gaps, on the full network
    annual = json.loads(patrol(data, cfg, "report", "annual", "--year", "2012", "--format", "json").stdout)
    assert (annual["total"], annual["document"], annual["other"], annual["cumulative"]) == (
        3625,
        1985,
        1640,
        10482,
    )
    assert {k: annual[k] for k in truth["annual_2012"]} == truth["annual_2012"]
    assert "公文类信息有1985条" in annual["paragraph"]
    timeliness = json.loads(
        patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "json").stdout
    )

    def finding(f):
        return f["kind"], f["site"], f["url"], f["days"], f["limit"]

    got_findings = {finding(f) for f in timeliness["findings"]}
    want_findings = {finding(f) for f in truth["timeliness_2013_01_07"]["findings"]}
    assert got_findings == want_findings, (
        sorted(got_findings - want_findings, key=str),
        sorted(want_findings - got_findings, key=str),
    )


@pytest.mark.xdist_group("crawl-small")
def test_a_site_that_hangs_does_not_stop_the_patrol(small_net, tmp_path):
    """One site accepts connections and never answers: the others are still counted exactly."""
    import socket

    import yaml

    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)  # accepts (via the backlog) but never answers
    try:
        data, cfg = _setup(small_net, tmp_path, timeout_seconds=2, retries=0)
        conf = yaml.safe_load(cfg.read_text(encoding="utf-8"))
        url = f"http://127.0.0.1:{hung.getsockname()[1]}/"
        conf["sites"].append({"id": "hung", "name": "无响应的镇", "tier": "town", "url": url})
        cfg.write_text(yaml.safe_dump(conf, allow_unicode=True), encoding="utf-8")
        town = next(s["id"] for s in conf["sites"] if s["tier"] == "town" and s["id"] != "hung")
        out = patrol(data, cfg, "crawl", "--quiet", "--site", "hung", town)
        assert "完成" in out.stdout
    finally:
        hung.close()
    got = {s["id"]: s for s in counts_json(data, cfg, "--year", "2012")["sites"]}
    want = {s["id"]: s for s in small_net.truth()["counts_2012"]["sites"]}
    assert got[town]["items"] == want[town]["items"]
    assert got["hung"]["items"] == 0 and got["hung"]["columns"] == []
