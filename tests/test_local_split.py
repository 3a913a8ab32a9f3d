"""A patrol split over this machine's cores (crawler/local.py, ``crawl.processes``): whole host
groups per crawl process, and the store, counts, timeliness and findings of a one-process patrol —
also when a crawl process is killed halfway, or the patrol itself."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from crawler.distributed import host_groups
from crawler.local import PARTS_PER_PROCESS, parts, plan, processes
from demo.province import Province
from tests.test_distributed import CONCURRENCY, InFlight, _first_difference, _reports, _rows_sqlite, patrol


def _groups(*sizes: tuple[str, list[str]]) -> list[tuple[str, list[str], list[str]]]:
    return [(key, sites, [key]) for key, sites in sizes]


def test_parts_deal_whole_groups_heaviest_first_to_the_lightest_part():
    groups = _groups(("a", ["a1", "a2"]), ("b", ["b1"]), ("c", ["c1"]), ("d", ["d1"]), ("e", ["e1"]))
    weights = {"a1": 50, "a2": 50, "b1": 60, "c1": 30, "d1": 30, "e1": 20}
    got = parts(groups, 2, weights)
    # a 100 → first part; b 60, c 30, d 30 → second (the lighter each time: 120); e 20 → first
    loads = sorted(sum(weights[s] for s in p[1]) for p in got)
    assert loads == [120, 120], got
    # a group is never cut, and every site is in exactly one part, in configured order
    assert sorted(s for p in got for s in p[1]) == sorted(weights)
    for key, sites, hosts in got:
        for g in groups:
            assert set(g[1]) <= set(sites) or not set(g[1]) & set(sites)
        assert sites == sorted(sites, key=[s for g in groups for s in g[1]].index)
        assert key == hosts[0]
    # equal parts come in the order of their first group (the configured order)
    assert [p[0] for p in got] == sorted((p[0] for p in got), key="abcde".index)
    # otherwise the heaviest first: the crawl processes claim them in this order, so the one that
    # would finish last starts first
    light = {"a1": 1, "a2": 1, "b1": 1, "c1": 5, "d1": 9, "e1": 2}
    got = parts(groups, 3, light)  # d 9 | c 5 | a 2 + e 2 + b 1 = 5, which ties with c and comes first
    assert [p[1] for p in got] == [["d1"], ["a1", "a2", "b1", "e1"], ["c1"]], got


def test_parts_without_history_weigh_one_per_site_and_unknown_sites_the_median():
    groups = _groups(("a", ["a1"]), ("b", ["b1", "b2", "b3"]), ("c", ["c1"]), ("d", ["d1"]))
    assert [p[1] for p in parts(groups, 2, {})] == [["a1", "c1", "d1"], ["b1", "b2", "b3"]]
    # a site not in the latest patrol weighs what a typical site weighed there
    got = parts(groups, 2, {"a1": 100, "b1": 1, "b2": 1, "b3": 1, "c1": 5})  # d1 → median 1
    assert [p[1] for p in got] == [["a1"], ["b1", "b2", "b3", "c1", "d1"]]
    # never more parts than groups, never an empty part
    assert len(parts(groups, 9, {})) == 4
    assert parts(groups[:1], 2, {}) == [("a", ["a1"], ["a"])]


def test_a_split_patrol_has_more_parts_than_processes_to_claim_one_after_another():
    # a process that ends its part early takes the next one: the processes end together
    groups = _groups(*((f"h{i}", [f"s{i}"]) for i in range(20)))
    n, cut = plan(groups, 2, {f"s{i}": 10 * i for i in range(20)})
    assert n == 2 and len(cut) == 2 * PARTS_PER_PROCESS > 2
    loads = [sum(10 * int(s[1:]) for s in p[1]) for p in cut]
    assert loads == sorted(loads, reverse=True)
    assert sorted(s for p in cut for s in p[1]) == sorted(f"s{i}" for i in range(20))
    # never more processes, nor parts, than host groups
    assert plan(groups[:3], 4, {}) == (3, parts(groups[:3], 3, {})) and len(plan(groups[:3], 4, {})[1]) == 3
    assert plan(groups[:1], 2, {})[0] == 1


def test_processes_come_from_the_environment_over_the_config(monkeypatch):
    class Conf:
        crawl = {"processes": 3, "delay_seconds": 0.5}

    monkeypatch.delenv("PATROL_CRAWL_PROCESSES", raising=False)
    assert processes(Conf, 20) == 3
    monkeypatch.setenv("PATROL_CRAWL_PROCESSES", "1")
    assert processes(Conf, 20) == 1


def test_automatic_processes_split_only_a_patrol_one_core_cannot_keep_up_with(monkeypatch):
    class Conf:
        crawl = {"processes": 0, "delay_seconds": 0.5}

    monkeypatch.delenv("PATROL_CRAWL_PROCESSES", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2, 3, 4, 5, 6, 7})
    # a county at the default politeness: 24 hosts × 2 requests/s — one process
    assert processes(Conf, 24) == 1
    # a province: 300 hosts × 2 requests/s — one process per core, at most four
    assert processes(Conf, 300) == 4
    # politeness lifted: any network of two host groups or more
    Conf.crawl["delay_seconds"] = 0
    assert processes(Conf, 2) == 4
    assert processes(Conf, 1) == 1  # one host group cannot be split
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    assert processes(Conf, 24) == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert processes(Conf, 24) == 1


def _units(data: Path) -> list[tuple]:
    """The run's units as the store holds them ([] while the patrol is still creating its store)."""
    if not (data / "patrol.sqlite3").exists():
        return []
    db = sqlite3.connect(data / "patrol.sqlite3")
    try:
        return db.execute("SELECT id, state, owner, attempts FROM crawler_workunit ORDER BY id").fetchall()
    except sqlite3.OperationalError:  # not migrated yet
        return []
    finally:
        db.close()


def _split(cfg: Path, data: Path, n: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "config.cli", "--config", str(cfg), "--data", str(data), "crawl", "--quiet"],
        env={**os.environ, "PATROL_CRAWL_PROCESSES": str(n), "PATROL_LEASE_SECONDS": "10"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.slow
def test_two_crawl_processes_and_a_kill_give_the_one_process_patrol(tmp_path):
    from demo import httpd

    inflight = InFlight()
    original = inflight.install()
    prov = Province(counties=2).start()
    try:
        cfg = prov.write_config(
            tmp_path / "province.yaml",
            crawl={"concurrency_per_site": CONCURRENCY, "concurrency_per_host": CONCURRENCY},
        )
        from config.patrolconf import load

        assert len(host_groups(load(cfg), [s.id for s in load(cfg).sites])) > 2
        ref = tmp_path / "one"
        patrol(ref, cfg, "crawl", "--quiet", env={"PATROL_CRAWL_PROCESSES": "1"})
        want, want_rows = _reports(ref, cfg, {}), _rows_sqlite(ref / "patrol.sqlite3")
        assert want["counts_2012"]["total"] > 0 and want["findings"]
        inflight.peak.clear()

        # two crawl processes; the forked one is SIGKILLed while it holds its unit
        data = tmp_path / "split"
        main = _split(cfg, data, 2, tmp_path / "split.log")
        deadline = time.monotonic() + 120
        while True:
            held = [u for u in _units(data) if u[1] == "running"]
            child = [u for u in held if f":{main.pid}:" not in u[2]]
            if child:
                break
            assert main.poll() is None, (tmp_path / "split.log").read_text()
            assert time.monotonic() < deadline, "the forked crawl process never held a unit"
            time.sleep(0.1)
        time.sleep(1.0)  # halfway into its crawl
        pid = int(child[0][2].split(":")[1])
        assert pid in {p.pid for p in psutil.Process(main.pid).children()}
        os.kill(pid, signal.SIGKILL)
        assert main.wait(600) == 0, (tmp_path / "split.log").read_text()[-3000:]

        units = _units(data)
        assert all(u[1] == "done" for u in units), units
        killed = [u for u in units if u[0] == child[0][0]]
        assert killed[0][3] == 2, units  # taken again after the kill
        got = _reports(data, cfg, {})
        assert got["counts_2012"] == want["counts_2012"]
        assert got["counts_all"] == want["counts_all"]
        assert got["timeliness"] == want["timeliness"]
        assert got["findings"] == want["findings"], _first_difference(got["findings"], want["findings"])
        assert _rows_sqlite(data / "patrol.sqlite3") == want_rows
        # each host is fetched by one crawl process: its politeness held across the two
        assert inflight.peak and max(inflight.peak.values()) <= CONCURRENCY, inflight.peak.most_common(3)

        # the patrol itself killed: its crawl processes die with it, and the next patrol (split
        # again) ends whole, with the same store as one uninterrupted patrol
        main = _split(cfg, data, 2, tmp_path / "kill.log")
        deadline = time.monotonic() + 120
        while len([u for u in _units(data) if u[1] == "running"]) < 2:
            assert main.poll() is None and time.monotonic() < deadline, (tmp_path / "kill.log").read_text()
            time.sleep(0.1)
        family = [main.pid] + [p.pid for p in psutil.Process(main.pid).children(recursive=True)]
        main.send_signal(signal.SIGKILL)
        main.wait(10)
        deadline = time.monotonic() + 30
        while any(
            psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in family
        ):
            assert time.monotonic() < deadline, [p for p in family if psutil.pid_exists(p)]
            time.sleep(0.2)
        patrol(data, cfg, "crawl", "--quiet", env={"PATROL_CRAWL_PROCESSES": "2"})
        again = _reports(data, cfg, {})
        assert again["counts_2012"] == want["counts_2012"]
        assert again["counts_all"] == want["counts_all"]
        assert again["findings"] == want["findings"], _first_difference(again["findings"], want["findings"])
        with sqlite3.connect(data / "patrol.sqlite3") as db:
            statuses = [r[0] for r in db.execute("SELECT status FROM crawler_patrolrun ORDER BY id")]
        assert statuses == ["ok", "interrupted", "ok"], statuses
    finally:
        prov.stop()
        httpd._Connection._reply = original


@pytest.mark.django_db
def test_a_split_patrols_units_are_its_own_queue_and_never_the_shared_ones():
    from crawler.distributed import Queue
    from crawler.local import LocalQueue
    from crawler.models import PatrolRun, WorkUnit

    shared = PatrolRun.objects.create(trigger="manual", status="running", stats={"queue": {"units": 1}})
    split = PatrolRun.objects.create(trigger="manual", status="running", stats={"queue": {"local": True}})
    a = WorkUnit.objects.create(run=shared, key="a", sites=["a"], hosts=["a"])
    b = WorkUnit.objects.create(run=split, key="b", sites=["b"], hosts=["b"])
    c = WorkUnit.objects.create(run=split, key="c", sites=["c"], hosts=["c"], state="done")
    # Redis workers (and their reapers) never take a split patrol's unit; the split takes only its own
    assert list(Queue.units()) == [a]
    assert list(LocalQueue(split.pk).units().order_by("pk")) == [b, c]
    assert LocalQueue(split.pk).pop() == b.pk  # queued, of a running patrol
    split.status = "interrupted"
    split.save()
    assert LocalQueue(split.pk).pop() is None
