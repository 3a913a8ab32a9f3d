"""Scale-out on the simulated province: one ``patrol crawl`` process, then 1, 2 and 4 ``patrol
worker`` processes driven by one ``patrol crawl --wait``, all on PostgreSQL (a fresh database per
run) over loopback.

Baseline, run in the same benchmark: the one-process patrol of the same config on PostgreSQL.
Every figure is printed against it and against 1 worker; every run's counts (2012) and timeliness
(as of 2013-01-07) must equal the baseline's.

How it is measured. The province (``python -m demo.province``, small scale, no scans) is served by
a process of its own, so its CPU is the serving demo's alone. The queue is a private
``redis-server`` on a free loopback port when one is installed (its INFO commandstats and CPU are
then this benchmark's only; else the shared one at 127.0.0.1:6379, whose figures include other
clients). Workers are started and warmed up (screening pool running) before the patrol is queued,
as long-lived workers are; the patrol's own duration is the run's ``started_at → finished_at`` on
the database clock for every run, the one-process run's process wall (start-up included) is
printed beside it. CPU: workers and their screening processes sampled with psutil over the patrol
window; the one-process patrol and ``crawl --wait`` from ``wait4`` (the process and the children it
waited for); PostgreSQL: the backends connected to the run's database, sampled (a backend that
ends between two samples loses at most one interval); Redis and the demo from their processes;
``machine`` is the whole machine's busy CPU (other people's work on it included).

    PROVINCE_BENCH_COUNTIES=4 python -m bench province_bench
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PG = ("127.0.0.1", 5432)
SHARED_REDIS = ("127.0.0.1", 6379)
# 4 counties: 96 sites, ≈ 4,000 requests and ≈ 50 CPU s of patrol a run; the four runs with their
# start-ups, workers' warm-up and reports take ≈ 6–8 minutes on a 2-core machine that others share
# (1 county measured 3 minutes in all, mostly start-ups), and a run then lasts over a minute, long
# enough that start-up and the last unit's tail do not dominate the figures
DEFAULT_COUNTIES = 4
WORKERS = (1, 2, 4)
YEAR, AS_OF = "2012", "2013-01-07"
CORES = psutil.cpu_count() or 1
STAT_COLS = (
    "xact_commit",
    "xact_rollback",
    "tup_inserted",
    "tup_updated",
    "tup_deleted",
    "tup_fetched",
    "blks_read",
    "blks_hit",
)


# -- services ----------------------------------------------------------------------------------------
def _up(addr: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(addr, timeout=2):
            return True
    except OSError:
        return False


def _psql(db: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", "-h", PG[0], "-p", str(PG[1]), "-U", "postgres", "-d", db, "-tAqc", sql],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if out.returncode != 0:
        raise AssertionError(f"psql: {out.stderr.strip()}")
    return out.stdout.strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """A private redis-server on loopback (no persistence), or the shared one."""

    def __init__(self, workdir: Path):
        self.proc: subprocess.Popen | None = None
        binary = shutil.which("redis-server")
        if binary:
            port = _free_port()
            self.proc = subprocess.Popen(
                [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
                cwd=workdir,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.addr = ("127.0.0.1", port)
        else:
            self.addr = SHARED_REDIS
        import redis

        self.url = f"redis://{self.addr[0]}:{self.addr[1]}/0"
        self.client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 20
        while True:
            try:
                self.client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.private = self.proc is not None
        self.pid = self.proc.pid if self.proc else None

    def commands(self) -> dict[str, int]:
        return {
            k.removeprefix("cmdstat_"): int(v["calls"]) for k, v in self.client.info("commandstats").items()
        }

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)


# -- CPU accounting ----------------------------------------------------------------------------------
def _cpu(p: psutil.Process) -> float:
    t = p.cpu_times()
    return t.user + t.system


class Sampler:
    """Last-seen CPU seconds of every process in some trees and of the database's backends,
    sampled from a thread; ``delta()`` is what each group used since ``mark()``."""

    def __init__(self, db: str, interval: float = 0.25):
        self.db, self.interval = db, interval
        self.roots: dict[str, list[int]] = {}
        self.seen: dict[int, tuple[str, float]] = {}  # pid → (group, CPU s)
        self.base: dict[int, float] = {}
        self.machine0 = self.machine1 = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def watch(self, group: str, pid: int) -> None:
        self.roots.setdefault(group, []).append(pid)

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def sample(self) -> None:
        for group, pids in list(self.roots.items()):
            for pid in pids:
                try:
                    root = psutil.Process(pid)
                    procs = [root, *root.children(recursive=True)]
                except psutil.Error:
                    continue
                for p in procs:
                    try:
                        self.seen[p.pid] = (group, _cpu(p))
                    except psutil.Error:
                        pass
        tag = f" {self.db} "
        for p in psutil.process_iter(["cmdline"]):
            try:
                cmd = " ".join(p.info["cmdline"] or [])
                if cmd.startswith("postgres:") and tag in cmd + " ":
                    self.seen[p.pid] = ("postgres", _cpu(p))
            except psutil.Error:
                pass

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def mark(self) -> None:
        self.sample()
        self.base = {pid: cpu for pid, (_, cpu) in self.seen.items()}
        self.machine0 = _machine_busy()

    def delta(self) -> dict[str, float]:
        self.sample()
        self.machine1 = _machine_busy()
        out: dict[str, float] = {}
        for pid, (group, cpu) in self.seen.items():
            out[group] = out.get(group, 0.0) + cpu - self.base.get(pid, 0.0)
        out["machine"] = self.machine1 - self.machine0
        return out

    def busy(self) -> float:
        """CPU seconds last seen of the patrol's processes (workers, crawl), from the thread's samples."""
        return sum(cpu for group, cpu in list(self.seen.values()) if group in ("workers", "crawl"))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def _machine_busy() -> float:
    t = psutil.cpu_times()  # guest time is already inside user time: not added again
    return sum(getattr(t, k, 0.0) for k in ("user", "nice", "system", "irq", "softirq", "steal"))


def _proc_cpu(pid: int) -> float:
    try:
        return _cpu(psutil.Process(pid))
    except psutil.Error:
        return 0.0


STALL_S = 120.0  # no CPU used by the patrol's processes for this long: the run is stuck


def _wait4(proc: subprocess.Popen, timeout: float, busy) -> float:
    """Wait for a child; its CPU seconds and those of the children it waited for. ``busy()``
    is the CPU seconds used so far by the patrol's processes: a run that stops using any for
    STALL_S is reported stuck instead of waited for."""
    deadline = time.monotonic() + timeout
    last, since = busy(), time.monotonic()
    while True:
        pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return ru.ru_utime + ru.ru_stime
        now = time.monotonic()
        used = busy()
        if used > last + 0.2:
            last, since = used, now
        if now > deadline or now - since > STALL_S:
            proc.kill()
            proc.wait(10)
            why = (
                f"used no CPU for {STALL_S:.0f} s"
                if now - since > STALL_S
                else f"not done in {timeout:.0f} s"
            )
            raise AssertionError(f"the patrol is stuck: {' '.join(proc.args[-3:])} {why}")
        time.sleep(0.2)


# -- one run -----------------------------------------------------------------------------------------
class Bench:
    def __init__(self, counties: int):
        self.counties = counties
        self.tmp = Path(tempfile.mkdtemp(prefix="patrol-province-bench-"))
        self.dbs: list[str] = []
        self.template = ""
        self.province: subprocess.Popen | None = None
        self.redis: Redis | None = None

    def serve(self) -> None:
        self.cfg = self.tmp / "province.yaml"
        self.province = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "demo.province",
                "--counties",
                str(self.counties),
                "--scale",
                "small",
                "--config",
                str(self.cfg),
            ],  # fmt: skip
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = self.province.stdout.readline()
        if not line.startswith("serving"):
            raise AssertionError(f"demo.province did not start: {line}{self.province.stdout.read()[-2000:]}")
        self.served = line.strip()
        # whatever else it says is read and dropped, so that a full pipe never stops the server
        threading.Thread(target=self.province.stdout.read, daemon=True).start()
        self.redis = Redis(self.tmp)

    def env(self, db: str, data: Path) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": f"postgresql://postgres@{PG[0]}:{PG[1]}/{db}",
            "PATROL_QUEUE": self.redis.url,
            "PATROL_CONFIG": str(self.cfg),
            "PATROL_DATA": str(data),
        }

    def cli(self, env: dict, *args: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "config.cli",
            "--config",
            str(self.cfg),
            "--data",
            env["PATROL_DATA"],
            *args,
        ]

    def fresh_db(self) -> str:
        """A database copied from a migrated template (migrations are not part of any run)."""
        if not self.template:
            self.template = f"patrol_bench_tmpl_{uuid.uuid4().hex[:8]}"
            _psql("postgres", f"CREATE DATABASE {self.template}")
            self.dbs.append(self.template)
            env = self.env(self.template, self.tmp / "template")
            subprocess.run(
                self.cli(env, "django", "check"), env=env, check=True, capture_output=True, cwd=ROOT
            )
        db = f"patrol_bench_{uuid.uuid4().hex[:10]}"
        _psql("postgres", f"CREATE DATABASE {db} TEMPLATE {self.template}")
        self.dbs.append(db)
        return db

    def run(self, workers: int) -> dict:
        """workers = 0: the one-process patrol; else that many ``patrol worker``s and a waiter."""
        db = self.fresh_db()
        data = self.tmp / f"run-{workers}"
        env = self.env(db, data)
        sampler = Sampler(db).start()
        procs: list[subprocess.Popen] = []
        logs = []
        try:
            for i in range(workers):
                log = data / f"worker-{i}.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                logs.append(log)
                p = subprocess.Popen(
                    self.cli(env, "worker"),
                    env=env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=open(log, "wb"),
                )  # noqa: SIM115
                procs.append(p)
                sampler.watch("workers", p.pid)
            deadline = time.monotonic() + 300
            while not all("启动" in lg.read_text(encoding="utf-8", errors="replace") for lg in logs):
                dead = [p for p in procs if p.poll() is not None]
                if dead or time.monotonic() > deadline:
                    raise AssertionError(
                        f"worker did not start: {logs[0].read_text(errors='replace')[-2000:]}"
                    )
                time.sleep(0.2)
            if self.redis.private:
                self.redis.client.config_resetstat()
            redis0 = self.redis.commands()
            redis_cpu0 = _proc_cpu(self.redis.pid) if self.redis.pid else 0.0
            demo_cpu0 = _proc_cpu(self.province.pid)
            sampler.mark()
            args = (
                ["crawl", "--quiet"] if not workers else ["crawl", "--wait", "--quiet", "--timeout", "3000"]
            )
            t0 = time.perf_counter()
            crawl = subprocess.Popen(
                self.cli(env, *args), env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            sampler.watch("crawl", crawl.pid)
            crawl_cpu = _wait4(crawl, 1200, sampler.busy)
            wall = time.perf_counter() - t0
            cpu = sampler.delta()
            out, err = crawl.communicate()
            if crawl.returncode != 0:
                raise AssertionError(
                    f"{' '.join(args)} failed: {(out + err).decode(errors='replace')[-2000:]}"
                )
            redis_calls = {k: v - redis0.get(k, 0) for k, v in self.redis.commands().items()}
            redis_cpu = (_proc_cpu(self.redis.pid) - redis_cpu0) if self.redis.pid else None
            demo_cpu = _proc_cpu(self.province.pid) - demo_cpu0
        finally:
            sampler.stop()
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(60)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(10)
        time.sleep(1.5)  # the backends' statistics are flushed when they end
        row = _psql(
            db,
            "SELECT row_to_json(x) FROM (SELECT requests, pages, coalesce((stats->>'attachments')::int, 0) "
            "AS attachments, status, extract(epoch FROM finished_at - started_at) AS seconds FROM "
            "crawler_patrolrun ORDER BY id DESC LIMIT 1) x",
        )
        patrol = json.loads(row)
        assert patrol["status"] == "ok", f"run with {workers} workers ended {patrol['status']}"
        stat = _psql(db, f"SELECT row_to_json(s) FROM pg_stat_database s WHERE datname = '{db}'")
        pgstat = {k: int(v or 0) for k, v in json.loads(stat).items() if k in STAT_COLS}
        size = int(_psql(db, "SELECT pg_database_size(current_database())"))
        units = json.loads(
            _psql(
                db,
                "SELECT coalesce(json_agg(x), '[]') FROM (SELECT u.key, jsonb_array_length(u.sites) AS sites, "
                "u.attempts, coalesce((u.stats->'totals'->>'requests')::int, 0) AS requests, "
                "extract(epoch FROM u.started_at - r.started_at) AS start, "
                "extract(epoch FROM u.finished_at - u.started_at) AS seconds "
                "FROM crawler_workunit u JOIN crawler_patrolrun r ON r.id = u.run_id) x",
            )
        )
        return {
            "workers": workers,
            "db": db,
            "wall": wall,
            "seconds": float(patrol["seconds"]),
            "requests": patrol["requests"],
            "pages": patrol["pages"] + patrol["attachments"],
            "cpu_workers": crawl_cpu if not workers else cpu.get("workers", 0.0),
            "cpu_waiter": crawl_cpu if workers else 0.0,
            "cpu_postgres": cpu.get("postgres", 0.0),
            "cpu_redis": redis_cpu,
            "cpu_demo": demo_cpu,
            "cpu_machine": cpu["machine"],
            "redis": {k: v for k, v in redis_calls.items() if v},
            "pg": pgstat,
            "db_bytes": size,
            "units": units,
            "snapshot_bytes": _du(data),
            "reports": self.reports(env),
        }

    def reports(self, env: dict) -> dict:
        def run(*args: str) -> dict:
            out = subprocess.run(self.cli(env, *args), env=env, cwd=ROOT, capture_output=True, text=True)
            if out.returncode != 0:
                raise AssertionError(f"patrol {' '.join(args)}: {out.stderr[-2000:]}")
            return json.loads(out.stdout)

        return {
            "counts": run("report", "counts", "--year", YEAR, "--format", "json"),
            "timeliness": run("report", "timeliness", "--as-of", AS_OF, "--format", "json"),
        }

    def close(self) -> None:
        for db in reversed(self.dbs):
            try:
                _psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            except AssertionError as exc:
                print(f"could not drop {db}: {exc}", flush=True)
        if self.redis is not None:
            self.redis.stop()
        if self.province is not None and self.province.poll() is None:
            self.province.send_signal(signal.SIGINT)
            try:
                self.province.wait(15)
            except subprocess.TimeoutExpired:
                self.province.kill()
                self.province.wait(5)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.name.endswith(".log"))


# -- printing ----------------------------------------------------------------------------------------
def _line(r: dict, base: dict, one: dict | None) -> list[str]:
    name = "one process" if not r["workers"] else f"{r['workers']} worker{'s' if r['workers'] > 1 else ''}"
    secs = r["seconds"]
    rps, pps = r["requests"] / secs, r["pages"] / secs
    base_pps = base["pages"] / base["seconds"]
    vs = f"{pps / base_pps:.2f}x the one-process patrol"
    if one is not None:
        vs += f", {pps / (one['pages'] / one['seconds']):.2f}x 1 worker"
    ours = r["cpu_workers"] + r["cpu_waiter"] + r["cpu_postgres"] + (r["cpu_redis"] or 0) + r["cpu_demo"]
    redis_total = sum(r["redis"].values())
    top = ", ".join(f"{k} {v}" for k, v in sorted(r["redis"].items(), key=lambda kv: -kv[1])[:4])
    pg = r["pg"]
    req = max(1, r["requests"])
    lines = [
        f"{name}: {r['requests']} requests, {r['pages']} pages+attachments in {secs:.1f} s (run on the DB "
        f"clock; process wall {r['wall']:.1f} s) = {rps:.1f} requests/s, {pps:.1f} pages/s; {vs}",
        f"  CPU s: patrol {r['cpu_workers']:.1f}"
        + (f" (workers + their screening), crawl --wait {r['cpu_waiter']:.1f}" if r["workers"] else "")
        + f", postgres {r['cpu_postgres']:.1f}, redis "
        + (f"{r['cpu_redis']:.1f}" if r["cpu_redis"] is not None else "n/a")
        + f", demo server {r['cpu_demo']:.1f}; ours {ours:.1f} = {ours / r['wall'] / CORES:.0%} of {CORES} cores, "
        f"machine {r['cpu_machine'] / r['wall'] / CORES:.0%} busy (others {max(0.0, r['cpu_machine'] - ours) / r['wall']:.2f} cores)",
        f"  redis: {redis_total} commands ({redis_total / req:.2f}/request; {top or 'none'})",
        f"  postgres: {pg['xact_commit']} commits ({pg['xact_commit'] / req:.2f}/request), "
        f"{pg['tup_inserted']} rows inserted, {pg['tup_updated']} updated, {pg['tup_deleted']} deleted, "
        f"{pg['tup_fetched']} fetched; blocks {pg['blks_hit']} hit / {pg['blks_read']} read; "
        f"database {r['db_bytes'] / 2**20:.0f} MiB, snapshots {r['snapshot_bytes'] / 2**20:.0f} MiB",
        f"  per core: {r['pages'] / max(1e-9, ours):.0f} pages per CPU second of this patrol's processes "
        f"({r['pages'] / max(1e-9, r['cpu_workers']):.0f} per CPU s of the patrol processes alone)",
        *_units_line(r),
        f"  bottleneck: {_bottleneck(r, ours)}",
    ]
    return lines


def _units_line(r: dict) -> list[str]:
    units = r["units"]
    if not units:
        return []
    longest = max(units, key=lambda u: u["seconds"] or 0)
    busy = sum(u["seconds"] or 0 for u in units)
    return [
        f"  units: {len(units)} host groups, {sum(u['attempts'] for u in units)} attempts; on average "
        f"{busy / r['seconds']:.1f} crawled at once; the last taken at +{max(u['start'] for u in units):.1f} s; "
        f"the longest {longest['seconds']:.1f} s ({longest['key']}, {longest['sites']} sites, "
        f"{longest['requests']} requests = {longest['seconds'] / r['seconds']:.0%} of the run)"
    ]


def _bottleneck(r: dict, ours: float) -> str:
    secs, n = r["seconds"], max(1, r["workers"])
    machine = r["cpu_machine"] / r["wall"] / CORES
    per_worker = r["cpu_workers"] / r["wall"] / n
    parts = {
        "patrol processes": r["cpu_workers"],
        "postgres": r["cpu_postgres"],
        "demo server": r["cpu_demo"],
        "redis": r["cpu_redis"] or 0.0,
    }
    biggest = max(parts, key=parts.get)
    share = f"{biggest} {parts[biggest] / max(1e-9, ours):.0%} of our CPU"
    if machine < 0.85 and r["units"]:
        longest = max(u["seconds"] or 0 for u in r["units"])
        if longest >= 0.6 * secs:  # with cores to spare, the tail is one host group crawled alone
            share += (
                f"; and the run waits on its longest unit ({longest:.0f} s of {secs:.0f} s: one host "
                "group is crawled by one process, at its politeness)"
            )
    if machine >= 0.85:
        others = max(0.0, r["cpu_machine"] - ours) / r["wall"] / CORES
        return (
            f"the {CORES} cores are saturated ({machine:.0%} busy: this patrol {ours / r['wall'] / CORES:.0%}, "
            f"other work on the machine {others:.0%}); {share}"
        )
    if per_worker >= 0.85:
        return f"each patrol process is CPU-bound on its one reactor thread ({per_worker:.0%} of a core); {share}"
    return (
        f"neither the cores ({machine:.0%} busy) nor a patrol process ({per_worker:.0%} of a core each) "
        f"saturate: waiting (queue, leases, politeness, server latency); {share}"
    )


def main() -> int:
    counties = int(os.environ.get("PROVINCE_BENCH_COUNTIES", DEFAULT_COUNTIES))
    missing = [f"{n} {a[0]}:{a[1]}" for n, a in (("PostgreSQL", PG), ("Redis", SHARED_REDIS)) if not _up(a)]
    if missing and not (shutil.which("redis-server") and _up(PG)):
        print(f"skipped: {', '.join(missing)} not reachable (needed for the scale-out benchmark)")
        return 0
    bench = Bench(counties)
    try:
        bench.serve()
        print(
            f"province: {bench.served}; queue {'a private redis-server ' if bench.redis.private else ''}"
            f"{bench.redis.url}; PostgreSQL {PG[0]}:{PG[1]}, a fresh database per run; {CORES} cores",
            flush=True,
        )
        base = bench.run(0)
        for line in _line(base, base, None):
            print(line, flush=True)
        runs = []
        for n in WORKERS:
            r = bench.run(n)
            runs.append(r)
            for line in _line(r, base, runs[0]):
                print(line, flush=True)
    finally:
        bench.close()
    bad = []
    for r in runs:
        for key in ("counts", "timeliness"):
            if r["reports"][key] != base["reports"][key]:
                bad.append(f"{r['workers']} workers: {key} differ from the one-process patrol")
    total = base["reports"]["counts"].get("total")
    print(
        f"counts {YEAR} (total {total}) and timeliness as of {AS_OF} of every run equal the one-process "
        f"patrol's: {'yes' if not bad else 'NO'}"
    )
    base_pps = base["pages"] / base["seconds"]
    one_pps = runs[0]["pages"] / runs[0]["seconds"]
    summary = "; ".join(f"{r['workers']}w {r['pages'] / r['seconds'] / one_pps:.2f}x" for r in runs)
    print(
        f"speed-up against 1 worker: {summary}; 1 worker against the one-process patrol {one_pps / base_pps:.2f}x"
    )
    per_cpu = "; ".join(
        f"{'one process' if not r['workers'] else str(r['workers']) + 'w'} "
        f"{r['pages'] / max(1e-9, r['cpu_workers']):.0f}"
        for r in [base, *runs]
    )
    print(f"pages per CPU second of the patrol processes (per-core throughput): {per_cpu}")
    assert not bad, "; ".join(bad)
    assert total and total > 0, "the baseline counted nothing"
    return 0


if __name__ == "__main__":
    sys.exit(main())
