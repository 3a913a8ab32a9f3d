"""Scale-out against the real PostgreSQL and Redis (issue 12): two ``patrol worker`` processes, one
SIGKILLed halfway, the Redis queue emptied as by a restart — and the counts, timeliness and
findings equal a one-process patrol of the same network, with no row duplicated and no host ever
served more requests at once than its politeness allows."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from crawler.distributed import host_groups
from demo.province import Province

pytestmark = [pytest.mark.xdist_group("distributed")]

PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
AS_OF = "2013-01-07"
CONCURRENCY = 2  # the config's concurrency_per_site
TABLES = [
    "crawler_column",
    "crawler_item",
    "crawler_listing",
    "crawler_page",
    "crawler_attachment",
    "crawler_snapshot",
    "crawler_sitefinding",
    "screening_finding",
    "inspection_message",
]


def _up(addr: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(addr, timeout=2):
            return True
    except OSError:
        return False


def _psql(db: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", "-h", PG[0], "-U", "postgres", "-d", db, "-tAqc", sql],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def pg_db():
    if not _up(PG) or not _up(REDIS):
        pytest.skip("PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are needed for scale-out tests")
    name = f"patrol_dist_{uuid.uuid4().hex[:10]}"
    _psql("postgres", f"CREATE DATABASE {name}")
    try:
        yield name
    finally:
        _psql("postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class InFlight:
    """Requests a host has received and not yet answered, at most, per host: every answer of the
    demo server is held back a little so that overlapping requests really overlap."""

    def __init__(self, delay: float = 0.01):
        self.delay, self.now, self.peak = delay, Counter(), Counter()

    def install(self):
        from demo import httpd

        original = httpd._Connection._reply
        tracker = self

        def _reply(conn, status, headers, data, version, keep, length=-1):
            host = conn.address
            tracker.now[host] += 1
            tracker.peak[host] = max(tracker.peak[host], tracker.now[host])

            def send():
                tracker.now[host] -= 1
                if conn.transport is not None and not conn.transport.is_closing():
                    original(conn, status, headers, data, version, keep, length)

            conn.owner.loop.call_later(tracker.delay, send)

        httpd._Connection._reply = _reply
        return original


def patrol(data: Path, cfg: Path, *args: str, env: dict, timeout: float = 600) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [sys.executable, "-m", "config.cli", "--config", str(cfg), "--data", str(data), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, f"patrol {' '.join(args)}: {out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    return out


# the four reads of a store, by the CLI's own entry point, in one process (four processes would
# each pay Django's start-up; the output is the same JSON the contract promises)
_READS = """
import contextlib, io, json, sys
from config.cli import main
outs = []
for argv in json.loads(sys.argv[1]):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(argv)
    assert code == 0, (argv, code)
    outs.append(json.loads(buf.getvalue()))
print(json.dumps(outs))
"""


def _reports(data: Path, cfg: Path, env: dict) -> dict:
    argvs = [
        ["findings", "--status", "all", "--format", "json"],
        ["report", "counts", "--year", "2012", "--format", "json"],
        ["report", "counts", "--from", "2000-01-01", "--to", AS_OF, "--format", "json"],
        ["report", "timeliness", "--as-of", AS_OF, "--format", "json"],
    ]
    glob = ["--config", str(cfg), "--data", str(data)]
    out = subprocess.run(
        [sys.executable, "-c", _READS, json.dumps([glob + a for a in argvs])],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    findings, counts_2012, counts_all, timeliness = json.loads(out.stdout)
    findings = findings["findings"]
    for f in findings:  # review status and ids are not the crawl's
        f.pop("id", None)
    return {
        "counts_2012": counts_2012,
        "counts_all": counts_all,
        "timeliness": timeliness,
        "findings": sorted(findings, key=lambda f: (f["url"], f["page"])),
    }


def _rows_sqlite(path: Path) -> dict:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def _rows_pg(db: str) -> dict:
    return {t: int(_psql(db, f"SELECT count(*) FROM {t}")) for t in TABLES}


def _units(db: str) -> list[tuple]:
    out = _psql(db, "SELECT id, state, owner, attempts FROM crawler_workunit ORDER BY id")
    return [tuple(line.split("|")) for line in out.splitlines() if line]


def _freeze_between_transactions(worker: subprocess.Popen, db: str, tries: int = 40) -> list[str]:
    """SIGSTOP ``worker`` at a moment it holds units and is not inside a transaction on one of
    them (its settle, a store flush): such a unit's row stays locked, so it is rightly its
    worker's to finish on waking. Returns the units it holds, frozen; [] when it holds none."""
    for _ in range(tries):
        worker.send_signal(signal.SIGSTOP)
        held = [u[0] for u in _units(db) if u[1] == "running" and f":{worker.pid}:" in u[2]]
        if not held:
            worker.send_signal(signal.SIGCONT)
            return []
        free = _psql(
            db, f"SELECT id FROM crawler_workunit WHERE id IN ({','.join(held)}) FOR UPDATE SKIP LOCKED"
        )
        if set(free.split()) == set(held):
            return held
        worker.send_signal(signal.SIGCONT)  # caught writing one of them: let it finish, try again
        time.sleep(0.3)
    pytest.fail(f"worker {worker.pid} was inside a transaction on its units at every try")


def _cli(cfg: Path, data: Path, env: dict, *args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "config.cli", "--config", str(cfg), "--data", str(data), *args],
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115 - closed with the process
        stderr=subprocess.STDOUT,
    )


@pytest.mark.slow
def test_two_workers_and_a_kill_give_the_one_process_patrol(tmp_path, pg_db):
    from demo import httpd

    inflight = InFlight()
    original = inflight.install()
    prov = Province(counties=1).start()
    procs: list[subprocess.Popen] = []
    try:
        cfg = prov.write_config(
            tmp_path / "province.yaml",
            crawl={"concurrency_per_site": CONCURRENCY, "concurrency_per_host": CONCURRENCY},
        )
        # one process, SQLite: the reference
        ref_data = tmp_path / "one"
        patrol(ref_data, cfg, "crawl", "--quiet", env={"DATABASE_URL": ""})
        want = _reports(ref_data, cfg, {"DATABASE_URL": ""})
        want_rows = _rows_sqlite(ref_data / "patrol.sqlite3")
        inflight.peak.clear()

        # the same network by two workers over PostgreSQL and Redis
        env = {
            **os.environ,
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{pg_db}",
            "PATROL_QUEUE": "redis://127.0.0.1:6379/0",
            "PATROL_LEASE_SECONDS": "8",
            "PATROL_CONFIG": str(cfg),
        }
        data = tmp_path / "dist"
        waiter = _cli(cfg, data, env, "crawl", "--wait", "--timeout", "600", log=tmp_path / "wait.log")
        procs.append(waiter)
        deadline = time.monotonic() + 120
        while not _units_ready(pg_db):
            assert time.monotonic() < deadline, (tmp_path / "wait.log").read_text()
            time.sleep(0.5)
        a = _cli(cfg, data, env, "worker", "--slots", "3", log=tmp_path / "a.log")
        b = _cli(cfg, data, env, "worker", "--slots", "3", "--idle-exit", "30", log=tmp_path / "b.log")
        procs += [a, b]
        # halfway: some units done, and the first worker holding units → SIGKILL it. It is stopped
        # first and its units read then (a statement it had sent is let through): the units it
        # holds when it dies, not a moment before — one it settled in between is rightly done
        deadline = time.monotonic() + 300
        while True:
            units = _units(pg_db)
            done = sum(u[1] == "done" for u in units)
            if done >= 3 and [u for u in units if u[1] == "running" and f":{a.pid}:" in u[2]]:
                a.send_signal(signal.SIGSTOP)
                time.sleep(0.2)
                a_running = [u for u in _units(pg_db) if u[1] == "running" and f":{a.pid}:" in u[2]]
                if a_running:
                    break
                a.send_signal(signal.SIGCONT)
            assert waiter.poll() is None, (tmp_path / "wait.log").read_text()
            assert time.monotonic() < deadline, f"no halfway point: {units}"
            time.sleep(0.2)
        a.send_signal(signal.SIGKILL)
        a.wait(10)
        # and Redis restarts empty: the ready set is gone (the database still knows every unit)
        import redis

        r = redis.Redis.from_url(env["PATROL_QUEUE"])
        for key in r.scan_iter("patrol:*:ready"):
            r.delete(key)
        # a third worker comes; then the second freezes (SIGSTOP) for longer than its lease and its
        # grace: its units go to the third, and when it wakes it must not fetch for them any more
        c = _cli(cfg, data, env, "worker", "--slots", "3", "--idle-exit", "30", log=tmp_path / "c.log")
        procs.append(c)
        deadline = time.monotonic() + 300
        while not [u for u in _units(pg_db) if u[1] == "running" and f":{b.pid}:" in u[2]]:
            if waiter.poll() is not None:
                break  # all done before the second worker held anything again: nothing to freeze
            assert time.monotonic() < deadline
            time.sleep(0.2)
        frozen = _freeze_between_transactions(b, pg_db)
        if frozen:
            time.sleep(8 * 1.5 + 3)
            b.send_signal(signal.SIGCONT)
        assert waiter.wait(600) == 0, (tmp_path / "wait.log").read_text()[-3000:]
        # the patrol is done: the workers are told to stop (systemd's SIGTERM) and leave cleanly
        for w in (b, c):
            w.send_signal(signal.SIGTERM)
        for w, name in ((b, "b"), (c, "c")):
            assert w.wait(120) == 0, (tmp_path / f"{name}.log").read_text()[-3000:]
            assert "退出：共领取" in (tmp_path / f"{name}.log").read_text(encoding="utf-8")

        units = _units(pg_db)
        assert all(u[1] == "done" for u in units), units
        taken_over = [u for u in units if int(u[3]) > 1]
        assert {u[0] for u in a_running} <= {u[0] for u in taken_over}, (a_running, units)
        assert set(frozen) <= {u[0] for u in taken_over}, (frozen, units)
        if frozen:  # the frozen worker saw it had lost them and gave up its crawls
            said = (tmp_path / "b.log").read_text(encoding="utf-8")
            assert "租约" in said or "收回" in said, said[-6000:]
        for name in ("b", "c"):  # leaving cleanly: nothing raised into the reactor
            assert "Traceback" not in (tmp_path / f"{name}.log").read_text(encoding="utf-8"), name
        got = _reports(data, cfg, env)
        assert got["counts_2012"] == want["counts_2012"]
        assert got["counts_all"] == want["counts_all"]
        assert got["timeliness"] == want["timeliness"]
        assert got["findings"] == want["findings"], _first_difference(got["findings"], want["findings"])
        assert want["counts_2012"]["total"] > 0 and want["findings"]
        # nothing lost, nothing twice: the same rows as the one-process store
        assert _rows_pg(pg_db) == want_rows
        # politeness across workers: no host ever had more requests in flight than allowed
        assert inflight.peak and max(inflight.peak.values()) <= CONCURRENCY, inflight.peak.most_common(3)
        run = json.loads(_psql(pg_db, "SELECT row_to_json(r) FROM crawler_patrolrun r"))
        assert run["status"] == "ok" and run["stats"]["queue"]["attempts"] > len(units)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
        prov.stop()
        httpd._Connection._reply = original


def _first_difference(got: list[dict], want: list[dict]) -> str:
    g, w = {(f["url"], f["page"]): f for f in got}, {(f["url"], f["page"]): f for f in want}
    for key in sorted(set(g) | set(w)):
        if g.get(key) != w.get(key):
            return f"{key}:\n got  {json.dumps(g.get(key), ensure_ascii=False)[:1500]}\n want {json.dumps(w.get(key), ensure_ascii=False)[:1500]}"
    return f"{len(got)} findings against {len(want)}"


def _units_ready(db: str) -> bool:
    try:
        return _psql(db, "SELECT count(*) FROM crawler_workunit") not in ("", "0")
    except AssertionError:
        return False  # not migrated yet


def test_host_groups_keep_every_shared_host_in_one_unit(tmp_path):
    """Sites sharing a host — in their URL or through a scope entry — are one unit; others apart."""
    from config import patrolconf

    cfg = tmp_path / "p.yaml"
    cfg.write_text(
        "sites:\n"
        "  - {id: a, name: A, tier: county, url: 'http://a.gov.cn/'}\n"
        "  - {id: b, name: B, tier: department, url: 'http://a.gov.cn/b/'}\n"
        "  - {id: c, name: C, tier: department, url: 'http://c.gov.cn/', scope: ['http://c.gov.cn/', 'http://files.gov.cn/c/']}\n"
        "  - {id: d, name: D, tier: town, url: 'http://d.gov.cn/', scope: ['http://d.gov.cn/', 'http://files.gov.cn/d/']}\n"
        "  - {id: e, name: E, tier: town, url: 'http://e.gov.cn:8080/'}\n",
        encoding="utf-8",
    )
    conf = patrolconf.load(cfg)
    groups = host_groups(conf, [s.id for s in conf.sites])
    assert [(k, s) for k, s, _ in groups] == [
        ("a.gov.cn", ["a", "b"]),
        ("c.gov.cn", ["c", "d"]),
        ("e.gov.cn", ["e"]),
    ]
    assert groups[1][2] == ["c.gov.cn", "files.gov.cn", "d.gov.cn"]
    # a subset groups only what it patrols
    assert [s for _, s, _ in host_groups(conf, ["b", "d"])] == [["b"], ["d"]]


@pytest.mark.django_db
def test_the_scheduler_queues_its_patrol_when_a_queue_is_configured(monkeypatch):
    from scheduler.daemon import patrol_command

    monkeypatch.delenv("PATROL_QUEUE", raising=False)
    assert "--wait" not in patrol_command("c.yaml", "d")
    monkeypatch.setenv("PATROL_QUEUE", "redis://127.0.0.1:6379/0")
    cmd = patrol_command("c.yaml", "d")
    assert cmd[cmd.index("crawl") :] == ["crawl", "--trigger", "schedule", "--quiet", "--wait"]


def test_crawl_wait_without_a_queue_or_with_a_wrong_one_says_so(tmp_path):
    cfg = tmp_path / "p.yaml"
    cfg.write_text(
        "sites:\n  - {id: a, name: A, tier: county, url: 'http://127.0.0.1:9/'}\n", encoding="utf-8"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("PATROL_QUEUE", "DATABASE_URL")}
    for queue, expected in [
        (None, "PATROL_QUEUE 未设置"),
        ("http://127.0.0.1:6379/0", "不是 Redis 地址"),
        ("redis://127.0.0.1:1/0", "共享队列不可用"),
    ]:
        env = {**base, **({"PATROL_QUEUE": queue} if queue else {})}
        for verb in (["crawl", "--wait"], ["worker"]):
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "config.cli",
                    "--config",
                    str(cfg),
                    "--data",
                    str(tmp_path / "d"),
                    *verb,
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert out.returncode != 0 and expected in out.stderr, (verb, queue, out.stderr[-500:])
            assert "Traceback" not in out.stderr
    # nothing was opened: no patrol run is left behind "running"
    db = sqlite3.connect(tmp_path / "d" / "patrol.sqlite3")
    assert db.execute("SELECT count(*) FROM crawler_patrolrun").fetchone()[0] == 0


@pytest.mark.slow
def test_an_unseen_network_by_two_workers_is_counted_exactly(tmp_path, pg_db):
    """tests/othernet (built apart from demo/: TRS, EmpireCMS, Hanweb dataproxy, a GBK ASP site, a
    JSP site) by two workers over PostgreSQL and Redis: its own truth, exactly; nothing fetched
    outside the configured scopes."""
    from tests.crawl_helpers import assert_counts_equal
    from tests.othernet.network import ALL_FROM, ALL_TO, OtherNetwork

    net = OtherNetwork().start()
    procs: list[subprocess.Popen] = []
    try:
        cfg = net.write_config(tmp_path / "patrol.yaml")
        data = tmp_path / "data"
        env = {
            **os.environ,
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{pg_db}",
            "PATROL_QUEUE": "redis://127.0.0.1:6379/0",
            "PATROL_CONFIG": str(cfg),
        }
        waiter = _cli(cfg, data, env, "crawl", "--wait", "--timeout", "600", log=tmp_path / "wait.log")
        procs.append(waiter)
        # the first worker leaves after two units: the second must do the rest
        procs.append(_cli(cfg, data, env, "worker", "--max-units", "2", log=tmp_path / "a.log"))
        procs.append(_cli(cfg, data, env, "worker", "--idle-exit", "120", log=tmp_path / "b.log"))
        assert waiter.wait(600) == 0, (tmp_path / "wait.log").read_text()[-3000:]
        # the patrol is done: a worker still running is told to stop (the first leaves by itself
        # after two units, unless the second took all the others first)
        for p in procs[1:]:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p, name in zip(procs[1:], ("a", "b"), strict=True):
            try:
                p.wait(180)
            except subprocess.TimeoutExpired:
                pytest.fail(f"worker {name} did not exit:\n{(tmp_path / f'{name}.log').read_text()[-3000:]}")
        logs = [(tmp_path / f"{n}.log").read_text(encoding="utf-8") for n in ("a", "b")]
        assert all("领取单元" in log for log in logs), "both workers took units"
        truth = net.truth()

        def counts(*period):
            return json.loads(
                patrol(data, cfg, "report", "counts", *period, "--format", "json", env=env).stdout
            )

        assert_counts_equal(counts("--year", "2012"), truth["counts_2012"])
        assert_counts_equal(counts("--from", ALL_FROM, "--to", ALL_TO), truth["counts_all"])
        assert net.external_requests() == 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait(10)
        net.stop()


_REAP_SCRIPT = """
import json, os, sys
from datetime import timedelta
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from crawler import distributed
from crawler.models import PatrolRun, WorkUnit
if sys.argv[1] == "make":
    call_command("migrate", verbosity=0)
    run = PatrolRun.objects.create(sites=["a", "b"], stats={"queue": {"units": 2}})
    lapsed = timezone.now() - timedelta(seconds=120)
    ids = [
        WorkUnit.objects.create(
            run=run, key=k, sites=[k], state="running", owner=f"w-{k}/t", attempts=1, lease_until=lapsed
        ).pk
        for k in ("a", "b")
    ]
    print(json.dumps(ids))
else:
    with connection.cursor() as cur:  # a reaper that waits for a lock fails here instead of hanging
        cur.execute("SET lock_timeout = '3s'")
    print(json.dumps(distributed.reap(None)))
"""


def test_reaping_skips_a_unit_its_worker_is_writing_instead_of_waiting_for_it(tmp_path, pg_db):
    """A worker frozen (or slow) inside a transaction on its unit's row — its settle, a store
    flush — holds that row locked: the reapers (every worker's poll, the waiting ``crawl --wait``)
    go on with the other units instead of stalling behind it, and take it once it is released."""
    import psycopg2

    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{pg_db}",
        "PATROL_DATA": str(tmp_path),
    }

    def script(*args: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", _REAP_SCRIPT, *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr[-3000:]
        return out.stdout.strip().splitlines()[-1]

    writing, idle = json.loads(script("make"))
    held = psycopg2.connect(host=PG[0], port=PG[1], user="postgres", dbname=pg_db)
    try:
        held.cursor().execute("SELECT id FROM crawler_workunit WHERE id = %s FOR UPDATE", (writing,))
        assert json.loads(script("reap")) == 1
        units = {int(u[0]): u for u in _units(pg_db)}
        assert units[writing][1:3] == ("running", "w-a/t"), "a unit being written is left to its worker"
        assert units[idle][1:3] == ("queued", ""), "the other lapsed unit is put back meanwhile"
        held.rollback()
    finally:
        held.close()
    assert json.loads(script("reap")) == 1  # released: its lease is still lapsed, so it goes back now
    assert {u[1] for u in _units(pg_db)} == {"queued"}


_IDLE_SCRIPT = """
import os, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.db import connection, transaction
try:
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        time.sleep(6)  # frozen inside the transaction, longer than two leases of 2 s
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
    print("kept")
except Exception as exc:
    print("ended:", type(exc).__name__, str(exc).splitlines()[0])
"""


def test_a_session_idle_inside_a_transaction_past_two_leases_is_ended_by_postgresql(pg_db):
    """A worker frozen in a transaction forever (a paused machine) would hold its unit's row and
    no reaper could take the unit (they skip locked rows): PostgreSQL ends the session."""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{pg_db}",
        "PATROL_LEASE_SECONDS": "2",
    }
    out = subprocess.run(
        [sys.executable, "-c", _IDLE_SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    # without the timeout the session keeps its transaction ("kept"); psycopg2 reports the end as
    # the server closing the connection
    assert out.stdout.startswith("ended: OperationalError"), out.stdout


class _FakeQueue:
    """The shared queue without Redis: the same units, pushes recorded."""

    def __init__(self):
        self.pushed: list[int] = []

    @staticmethod
    def units():
        from crawler.distributed import Queue

        return Queue.units()

    def push(self, ids):
        self.pushed += list(ids)


@pytest.mark.django_db
def test_reap_requeues_a_dead_workers_unit_after_the_grace_and_fails_it_after_three(monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from crawler import distributed
    from crawler.models import PatrolRun, WorkUnit

    monkeypatch.setenv("PATROL_LEASE_SECONDS", "10")
    run = PatrolRun.objects.create(sites=["a", "b", "c"], stats={"queue": {"units": 3}})
    now = timezone.now()
    fresh = WorkUnit.objects.create(
        run=run,
        key="a",
        sites=["a"],
        state="running",
        owner="w1/x",
        attempts=1,
        lease_until=now - timedelta(seconds=2),
    )  # expired, within the grace
    dead = WorkUnit.objects.create(
        run=run,
        key="b",
        sites=["b"],
        state="running",
        owner="w2/y",
        attempts=1,
        lease_until=now - timedelta(seconds=30),
    )
    cursed = WorkUnit.objects.create(
        run=run,
        key="c",
        sites=["c"],
        state="running",
        owner="w3/z",
        attempts=3,
        lease_until=now - timedelta(seconds=30),
    )
    q = _FakeQueue()
    assert distributed.reap(q) == 1
    states = {u.key: (u.state, u.owner) for u in WorkUnit.objects.all()}
    assert states == {"a": ("running", "w1/x"), "b": ("queued", ""), "c": ("failed", "")}
    assert q.pushed == [dead.pk]
    assert "3 次" in WorkUnit.objects.get(pk=cursed.pk).error
    run.refresh_from_db()
    assert run.status == "running"  # two units are not settled yet
    assert fresh.pk not in q.pushed


@pytest.mark.django_db
def test_the_last_settled_unit_finishes_the_run_once_with_the_sums():
    from crawler import distributed
    from crawler.models import PatrolRun, WorkUnit

    run = PatrolRun.objects.create(sites=["a", "b"], stats={"queue": {"units": 2}, "moves": {}})

    def stats(n, site):
        return {
            "totals": {"requests": n, "pages": n // 2, "new_items": 3, "findings": 1},
            "details": n,
            "finish_reason": "finished",
            "sites": {site: {"requests": n}},
            "worker": f"w-{site}",
        }

    WorkUnit.objects.create(run=run, key="a", sites=["a"], state="done", attempts=1, stats=stats(10, "a"))
    b = WorkUnit.objects.create(run=run, key="b", sites=["b"], state="running", attempts=2, stats={})
    assert distributed.finish_if_complete(run.pk) is False
    WorkUnit.objects.filter(pk=b.pk).update(state="done", stats=stats(30, "b"))
    assert distributed.finish_if_complete(run.pk) is True
    assert distributed.finish_if_complete(run.pk) is False  # once
    run.refresh_from_db()
    assert (run.status, run.requests, run.pages, run.new_items, run.findings) == ("ok", 40, 20, 6, 2)
    assert run.stats["details"] == 40 and run.stats["sites"] == {"a": {"requests": 10}, "b": {"requests": 30}}
    assert run.stats["finish_reason"] == "finished"
    assert run.stats["queue"]["attempts"] == 3 and run.stats["queue"]["workers"] == ["w-a", "w-b"]
    # a failed unit fails the run and names its sites
    run2 = PatrolRun.objects.create(sites=["a"], stats={"queue": {"units": 1}})
    WorkUnit.objects.create(run=run2, key="a", sites=["a"], state="failed", attempts=3, error="killed")
    assert distributed.finish_if_complete(run2.pk)
    run2.refresh_from_db()
    assert run2.status == "failed" and "killed" in run2.error and "a" in run2.stats["incomplete_sites"]


@pytest.mark.django_db
def test_patrol_runs_shows_a_queued_patrols_units(capsys):
    from django.core.management import call_command

    from crawler.models import PatrolRun, WorkUnit

    run = PatrolRun.objects.create(sites=["a", "b"], stats={"queue": {"units": 2}})
    WorkUnit.objects.create(run=run, key="a", sites=["a"], state="done", stats={"worker": "m1:1:x"})
    WorkUnit.objects.create(run=run, key="b", sites=["b"], state="running", owner="m2:2:y/abc")
    call_command("runs", "--format", "json")
    got = json.loads(capsys.readouterr().out)["runs"][0]["units"]
    assert got == {
        "total": 2,
        "queued": 0,
        "running": 1,
        "done": 1,
        "failed": 0,
        "workers": ["m1:1:x", "m2:2:y"],
    }
    call_command("runs")
    assert "1/2单元" in capsys.readouterr().out


class _Stats:
    def __init__(self):
        self.values = Counter()

    def inc_value(self, key):
        self.values[key] += 1


def test_a_request_waiting_in_the_downloader_is_not_sent_once_the_lease_lapsed(monkeypatch):
    """The lease is checked again when a request goes on the wire, not only when it enters the
    downloader: a request queued behind its host's concurrency, or written to its connection but
    still in Twisted's buffer, while the worker was frozen must not be sent on waking when the unit
    went to another worker meanwhile (the kill test's peak of 4 in flight where 2 are allowed)."""
    import asyncio
    import types

    from scrapy import Request
    from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
    from scrapy.exceptions import IgnoreRequest

    from crawler import lease as leases

    sent: list[str] = []

    async def fetch(self, request):
        sent.append(request.url)
        return "response"

    monkeypatch.setattr(HTTP11DownloadHandler, "download_request", fetch)
    monkeypatch.setenv("PATROL_LEASE_SECONDS", "8")
    closed: list[str] = []
    monkeypatch.setattr(leases, "close_crawl", lambda crawler, why: closed.append(why))
    handler_cls = leases.LeasedHTTPDownloadHandler
    assert issubclass(handler_cls, HTTP11DownloadHandler)
    lease = leases.Lease()
    crawler = types.SimpleNamespace(patrol_lease=lease, stats=_Stats())
    handler = object.__new__(handler_cls)  # no connection pool: the parent's download is replaced
    handler._crawler = crawler

    # a renewed lease: the request passes the middleware and is sent
    leases.LeaseGuard(crawler).process_request(Request("http://127.0.0.1:9/a"))
    assert asyncio.run(handler.download_request(Request("http://127.0.0.1:9/a"))) == "response"
    # the worker freezes past 3/4 of its lease while the next request waits in the host's queue
    lease.asked -= 8 * 0.75 + 0.1
    with pytest.raises(IgnoreRequest):
        asyncio.run(handler.download_request(Request("http://127.0.0.1:9/b")))
    assert sent == ["http://127.0.0.1:9/a"]
    # a request written to its connection just before the freeze: Twisted only buffers it, and the
    # socket would be written on waking — the connection's socket refuses and closes unsent
    frozen = types.SimpleNamespace(patrol_lease=leases.Lease(), stats=_Stats())
    far = _written_before_the_freeze(frozen)
    assert far.recv(100) == b""  # closed by the worker, and not one byte of the request arrived
    assert lease.lost and frozen.patrol_lease.lost
    assert closed == ["lease_lost", "lease_lost"]  # each unit's crawl is ended once
    assert crawler.stats.values["lease/refused"] == 1 and frozen.stats.values["lease/refused"] == 1
    # and the worker's settings send every http(s) request through this handler
    from scrapy.utils.misc import load_object

    from config.patrolconf import load
    from crawler.runner import scrapy_settings

    settings = leases.leased(scrapy_settings(load(Path(__file__).parents[1] / "config" / "patrol.yaml")))
    for scheme in ("http", "https"):
        assert load_object(settings["DOWNLOAD_HANDLERS"][scheme]) is handler_cls
    # ...and the guard is the first downloader middleware of all, Scrapy's own included (an entry
    # set to None is one of Scrapy's that the patrol replaces)
    from scrapy.settings import Settings
    from scrapy.utils.conf import build_component_list

    order = build_component_list(Settings(settings).getwithbase("DOWNLOADER_MIDDLEWARES"))
    assert load_object(order[0]) is leases.LeaseGuard


def _written_before_the_freeze(crawler) -> socket.socket:
    """A real socket pair under Twisted's TCP connection, made through a ``LeasedConnectionPool``
    with its own protocol factory: a request is written while the lease holds, the lease lapses
    (the worker was frozen), and then the reactor's turn comes to write the socket."""
    import types

    from twisted.internet import defer, tcp

    from crawler import lease as leases

    near, far = socket.socketpair()
    near.setblocking(False)
    reactor = types.SimpleNamespace(addWriter=lambda fd: None, removeWriter=lambda fd: None)
    reactor.addReader = reactor.removeReader = reactor.addWriter

    class Endpoint:  # what the pool connects through: here, the socket pair
        def connect(self, factory):
            proto = factory.buildProtocol(None)
            proto.makeConnection(tcp.Connection(near, proto, reactor))
            return defer.succeed(proto)

    handed = []
    pool = leases.LeasedConnectionPool(reactor=reactor, crawler=crawler)
    pool.getConnection("key", Endpoint()).addCallback(handed.append)
    assert len(handed) == 1  # a connection is handed over while the lease holds...
    conn = handed[0].transport
    conn.write(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")  # ...and the request written: only buffered
    crawler.patrol_lease.asked -= 8 * 0.75 + 0.1  # frozen past 3/4 of the lease
    why = conn.doWrite()  # the reactor's next turn, on waking
    assert isinstance(why, Exception), why  # the reactor closes the connection for this reason
    conn.connectionLost = lambda reason: None
    near.close()
    far.settimeout(2)
    return far


class _OnceReactor:
    """Twisted's rule: a reactor stopped twice raises ReactorNotRunning."""

    def __init__(self):
        self.stops = 0

    def stop(self):
        from twisted.internet.error import ReactorNotRunning

        self.stops += 1
        if self.stops > 1:
            raise ReactorNotRunning("Can't stop reactor that isn't running.")


def _worker(**kw):
    import io

    from config.patrolconf import parse
    from crawler.worker import Worker

    conf = parse(
        'sites:\n  - {id: a, name: 某局, tier: department, url: "http://a.example.cn/",'
        ' scope: ["http://a.example.cn/"]}\ncrawl: {}\n'
    )
    w = Worker("p.yaml", conf=conf, stream=io.StringIO(), queue=_FakeQueue(), **kw)
    w.reactor = _OnceReactor()
    return w


def test_a_crawl_that_ends_inside_stop_stops_the_reactor_once():
    from types import SimpleNamespace

    w = _worker()
    unit, crawler = SimpleNamespace(pk=7), object()
    w.running[unit.pk] = (crawler, "tok")
    w.settle = lambda *a: None  # the unit's settle is not what is checked here

    def close(c, reason):  # nothing in flight: the crawl's engine closes at once, finished() runs
        assert reason == "shutdown"
        w.finished(None, unit, c, "tok")

    w._close = close
    w.stop("收到停止信号")
    assert w.reactor.stops == 1 and not w.running
    w.stop("收到停止信号")  # a second signal
    assert w.reactor.stops == 1


@pytest.mark.django_db
def test_a_crawl_ending_on_a_unit_taken_over_meanwhile_says_the_lease_and_writes_nothing():
    """A worker frozen past its lease wakes with a crawl that has nothing left to fetch or write:
    no request meets the lease guard and no flush meets the fence. Its settle finds the unit
    another worker's, settles nothing, and says why in the worker's log."""
    from types import SimpleNamespace

    from crawler.lease import Lease
    from crawler.models import PatrolRun, WorkUnit

    w = _worker()
    run = PatrolRun.objects.create(sites=["a"], stats={"queue": {"units": 1}})
    unit = WorkUnit.objects.create(
        run=run, key="a", sites=["a"], state="running", owner="other/1", attempts=2
    )
    stats = {"finish_reason": "finished", "downloader/request_count": 3}
    spider = SimpleNamespace(
        counters={"list_pages": 1, "details": 2, "new_items": 0},
        store=SimpleNamespace(findings=0, flushes=0),
        state={},
        moves={},
    )
    crawler = SimpleNamespace(
        spider=spider, stats=SimpleNamespace(get_stats=lambda: stats), patrol_lease=Lease()
    )
    w.running[unit.pk] = (crawler, "mine/1")
    w.finished(None, unit, crawler, "mine/1")
    unit.refresh_from_db()
    assert (unit.state, unit.owner, unit.stats) == ("running", "other/1", {})
    assert crawler.patrol_lease.lost and unit.pk not in w.running
    assert "租约已过期" in w.stream.getvalue()
    run.refresh_from_db()
    assert run.status == "running"
