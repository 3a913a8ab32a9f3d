"""A site's columns are the ones its latest complete patrol found (issue 13), on tests/othernet5.

* every site moves to a new port between two patrols (same ids): the counts at the new addresses
  are exact and equal the first patrol's, the old columns are retired (findings recorded), each
  item is linked to its old record and keeps its first patrol;
* one column removed between two patrols: retired, reported, shown as retired, and the counts
  drop by exactly its items;
* a patrol that is cut short (a site's disclosure tree answers 500; a patrol stopped by SIGINT)
  retires nothing; the next complete patrol does.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.crawl_helpers import assert_counts_equal, counts_json, patrol
from tests.othernet5.network import PERIOD, OtherNetwork5

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("othernet5")]


def _counts(data: Path, cfg: Path) -> dict:
    return counts_json(data, cfg, "--from", PERIOD[0], "--to", PERIOD[1])


def _db(data: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{data / 'patrol.sqlite3'}?mode=ro", uri=True, timeout=30)


def _last_run(data: Path) -> tuple[int, str, dict]:
    with _db(data) as con:
        rid, status, stats = con.execute(
            "select id, status, stats from crawler_patrolrun order by id desc"
        ).fetchone()
    return rid, status, json.loads(stats)


@pytest.fixture(scope="module")
def net(othernet5):
    return othernet5  # shared with test_incremental_unseen (one first patrol for both)


@pytest.fixture(scope="module")
def first(net, othernet5_first):
    """One patrol of the unchanged network: (data, cfg, its counts)."""
    data, cfg, _ = othernet5_first
    net.reset()
    got = _counts(data, cfg)
    assert_counts_equal(got, net.truth()["counts_all"])
    return data, cfg, got


def _store_port(first) -> int:
    return urlsplit(first[2]["sites"][0]["columns"][0]["url"]).port


def _own_copy(net, first, tmp_path: Path) -> tuple[Path, Path]:
    net.reset()
    data = tmp_path / "data"
    shutil.copytree(first[0], data)
    return data, first[1]


def _remove_column(net, sid: str, key: str) -> int:
    """Drop a column from a site's tree; returns how many items it listed in the period."""
    site = net.site(sid)
    col = net.col(sid, key)
    lo, hi = PERIOD
    n = sum(1 for it in col.items if lo <= it.day.isoformat() <= hi)
    with net._lock:
        site.cols.remove(col)
        net._index()
    return n


def test_a_removed_column_is_retired_and_counts_drop_by_its_items(net, first, tmp_path):
    data, _ = _own_copy(net, first, tmp_path)
    cfg = tmp_path / "patrol.yaml"
    net.write_config(cfg)
    patrol(data, cfg, "crawl", "--quiet")  # incremental: the copy is of a patrol of this network
    before = _counts(data, cfg)
    assert_counts_equal(before, net.truth()["counts_all"])
    gone_url = next(
        c["url"] for s in before["sites"] if s["id"] == "ncj" for c in s["columns"] if "zcfg" in c["url"]
    )
    n = _remove_column(net, "ncj", "zcfg")
    assert n > 0
    out = patrol(data, cfg, "crawl", "--quiet").stdout
    after = _counts(data, cfg)
    assert_counts_equal(after, net.truth()["counts_all"])
    assert after["total"] == before["total"] - n
    ncj_before = next(s for s in before["sites"] if s["id"] == "ncj")
    ncj = next(s for s in after["sites"] if s["id"] == "ncj")
    assert ncj["items"] == ncj_before["items"] - n
    assert [c["url"] for c in ncj["retired_columns"]] == [gone_url]
    assert ncj["retired_columns"][0]["items_total"] == n
    assert "撤销栏目 1 个" in out and "ncj 1" in out, out
    rid, _, stats = _last_run(data)
    assert stats["retired"] == {"ncj": 1}
    with _db(data) as con:
        row = con.execute(
            "select detail from crawler_sitefinding where kind='retired_column' and run_id=?", (rid,)
        ).fetchall()
        assert len(row) == 1 and json.loads(row[0][0])["retired"]
        # kept as evidence: its listings and items are still stored
        kept = con.execute(
            "select count(*) from crawler_listing l join crawler_column c on c.id = l.column_id "
            "where c.url = ? and c.retired_at is not null",
            (gone_url,),
        ).fetchone()[0]
    assert kept == n
    # the table and the HTML show it as retired with its date
    table = patrol(data, cfg, "report", "counts", "--from", PERIOD[0], "--to", PERIOD[1]).stdout
    assert "撤销（不计入）" in table
    html = patrol(data, cfg, "report", "counts", "--year", "2012", "--format", "html").stdout
    assert "已撤销栏目" in html and gone_url in html
    # timeliness no longer judges it
    tl = json.loads(
        patrol(data, cfg, "report", "timeliness", "--as-of", "2013-01-07", "--format", "json").stdout
    )
    assert gone_url not in {f["url"] for f in tl["findings"]}


def test_a_cut_short_patrol_retires_nothing(net, first, tmp_path):
    data, _ = _own_copy(net, first, tmp_path)
    cfg = tmp_path / "patrol.yaml"
    net.write_config(cfg, {"retries": 0})
    patrol(data, cfg, "crawl", "--quiet")
    before = _counts(data, cfg)
    n = _remove_column(net, "ncj", "zcfg")

    # 1. the site's disclosure tree answers 500: the site's walk is cut short, nothing retired
    render = net.render
    entry = net.entry_path(net.site("ncj"))

    def broken(ip, path):
        if ip == net.site("ncj").ip and path == entry:
            return 500, "text/html", b"<h1>500</h1>"
        return render(ip, path)

    net.render = broken
    try:
        out = patrol(data, cfg, "crawl", "--quiet").stdout
    finally:
        net.render = render
    _, status, stats = _last_run(data)
    assert status == "ok" and stats["retired_columns"] == 0, stats
    assert "ncj" in stats["incomplete_sites"] and "未完整巡查" in out
    assert_counts_equal(_counts(data, cfg), before)

    # 2. a patrol stopped halfway (SIGINT: Scrapy shuts down, the run fails) retires nothing
    slow = tmp_path / "slow.yaml"
    net.write_config(slow, {"concurrency_per_site": 1, "delay_seconds": 0.05, "full": True})
    env = {**os.environ, "PATROL_DATA": str(data), "PATROL_CONFIG": str(slow)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "config.cli", "--config", str(slow), "--data", str(data), "crawl", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = len(net.requests)
    deadline = time.monotonic() + 120
    while len(net.requests) < seen + 40 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert proc.poll() is None, "the patrol ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    _, status, stats = _last_run(data)
    assert status != "ok"
    assert stats.get("retired_columns", 0) == 0
    assert_counts_equal(_counts(data, cfg), before)

    # 3. the next complete patrol retires the column
    patrol(data, cfg, "crawl", "--quiet")
    after = _counts(data, cfg)
    assert after["total"] == before["total"] - n
    assert_counts_equal(after, net.truth()["counts_all"])


def test_a_failing_column_page_shields_only_its_own_column(net, first, tmp_path):
    """One column's page answers 500 while another column of the same site is removed: the
    removed one is retired, the failing one is kept (its items still count)."""
    data, _ = _own_copy(net, first, tmp_path)
    cfg = tmp_path / "patrol.yaml"
    net.write_config(cfg, {"retries": 0})
    patrol(data, cfg, "crawl", "--quiet")
    before = _counts(data, cfg)
    n = _remove_column(net, "county", "rsxx")
    ip = net.site("county").ip
    render = net.render

    def failing(host, path):
        if host == ip and path.startswith("/zwgk/gzdt/"):
            return 500, "text/html", b"<h1>500</h1>"
        return render(host, path)

    net.render = failing
    try:
        patrol(data, cfg, "crawl", "--quiet")
    finally:
        net.render = render
    _, status, stats = _last_run(data)
    assert status == "ok" and stats["retired"] == {"county": 1}, stats
    after = _counts(data, cfg)
    assert after["total"] == before["total"] - n
    county = next(s for s in after["sites"] if s["id"] == "county")
    assert [c["url"].rstrip("/").rsplit("/", 1)[-1] for c in county["retired_columns"]] == ["rsxx"]
    assert any(c["url"].rstrip("/").endswith("gzdt") for c in county["columns"])


def test_every_site_moves_to_a_new_port(net, first, tmp_path):
    data, _ = _own_copy(net, first, tmp_path)
    before = first[2]
    old_port = _store_port(first)  # the port the copied store was patrolled at
    with OtherNetwork5() as moved:  # the same sites at another port
        assert moved.port != old_port
        cfg = tmp_path / "moved.yaml"
        moved.write_config(cfg)
        asked_old = len(net.requests)
        out = patrol(data, cfg, "crawl", "--quiet").stdout
        assert len(net.requests) == asked_old, net.requests[asked_old:][:5]  # the old addresses: never
        after = _counts(data, cfg)
        # exact at the new addresses, the same figures as before the move
        assert_counts_equal(after, moved.truth()["counts_all"])
        assert after["total"] == before["total"] and after["tiers"] == before["tiers"]
        assert {s["id"]: s["items"] for s in after["sites"]} == {s["id"]: s["items"] for s in before["sites"]}
        # the summary says what happened
        assert "网站迁移 5 处" in out and f":{old_port}/ → " in out, out
        n_cols = sum(len(s["columns"]) for s in before["sites"])
        assert f"撤销栏目 {n_cols} 个" in out, out
        rid, status, stats = _last_run(data)
        assert status == "ok" and stats["retired_columns"] == n_cols
        assert set(stats["moves"]) == {s["id"] for s in before["sites"]}
        # every old column retired, with a finding; shown apart, counted nowhere
        retired = {c["url"] for s in after["sites"] for c in s["retired_columns"]}
        assert retired == {c["url"] for s in before["sites"] for c in s["columns"]}
        with _db(data) as con:
            found = {
                r[0]
                for r in con.execute(
                    "select url from crawler_sitefinding where kind='retired_column' and run_id=?", (rid,)
                )
            }
            assert found == retired
            first_run = con.execute("select min(id) from crawler_patrolrun").fetchone()[0]
            # history carried over: every item at a new address points to its old record and was
            # first seen by the first patrol
            rows = con.execute(
                "select i.url, i.first_seen_run_id, o.url from crawler_item i "
                "left join crawler_item o on o.id = i.moved_from_id "
                "where i.url like ? and i.external = 0",
                (f"http://127.0.0.16_:{moved.port}/%",),
            ).fetchall()
        assert rows and stats["linked_items"] == len(rows)
        for url, first_seen, old_url in rows:
            assert first_seen == first_run, url
            assert old_url == url.replace(f":{moved.port}/", f":{old_port}/"), (url, old_url)
        # a third patrol of the moved network changes nothing
        patrol(data, cfg, "crawl", "--quiet")
        assert_counts_equal(_counts(data, cfg), moved.truth()["counts_all"])
        assert len(net.requests) == asked_old


def test_a_moved_site_whose_new_entry_fails_still_drops_its_old_addresses(net, first, tmp_path):
    """The config moved every site; one site's entry answers 500 at the new address. Its walk is
    cut short, yet its columns at the old address lie outside its scope now: they are retired
    (no patrol can see them again), so the site is never counted at both addresses."""
    data, _ = _own_copy(net, first, tmp_path)
    old_port = _store_port(first)  # the port the copied store was patrolled at
    with OtherNetwork5() as moved:  # the same sites at another port
        ip = moved.site("ncj").ip
        entry = moved.entry_path(moved.site("ncj"))
        render = moved.render

        def failing(host, path):
            if host == ip and path == entry:
                return 500, "text/html", b"<h1>500</h1>"
            return render(host, path)

        moved.render = failing
        cfg = tmp_path / "moved.yaml"
        moved.write_config(cfg, {"retries": 0})
        asked_old = len(net.requests)
        patrol(data, cfg, "crawl", "--quiet")
        _, status, stats = _last_run(data)
        assert status == "ok" and "ncj" in stats["incomplete_sites"], stats
        got = {s["id"]: s for s in _counts(data, cfg)["sites"]}
        want = {s["id"]: s for s in moved.truth()["counts_all"]["sites"]}
        assert all(f":{old_port}/" not in c["url"] for s in got.values() for c in s["columns"])
        assert {c["url"] for c in got["ncj"]["retired_columns"]} == {
            c["url"].replace(f":{moved.port}/", f":{old_port}/") for c in want["ncj"]["columns"]
        }
        for sid in ("county", "jyj", "qsz", "smz"):
            assert got[sid]["items"] == want[sid]["items"], sid
        moved.render = render
        patrol(data, cfg, "crawl", "--quiet")  # the entry answers again: exact everywhere
        assert_counts_equal(_counts(data, cfg), moved.truth()["counts_all"])
        assert len(net.requests) == asked_old  # the old addresses: never
