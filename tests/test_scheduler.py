"""The scheduler: one patrol at a time, coalesced misfires, crash/hang recorded, clean stop.

A fake patrol script stands in for ``patrol crawl``: it logs ``start``/``end`` lines with its
pid and time, can crash, hang or ignore SIGTERM, and (like the real crawl) can insert its own
``running`` PatrolRun into the daemon's SQLite database. Daemons run as subprocesses with their
own data folder; the in-process tests drive the same scheduler on the test database.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil
import pytest
from apscheduler.triggers.interval import IntervalTrigger
from django.core import mail
from django.core.management import call_command

from scheduler import daemon, jobs, reportjob
from scheduler.models import JobRun, ScheduledJob
from scheduler.triggers import crontab_weekdays

ROOT = Path(__file__).resolve().parents[1]
TZ = ZoneInfo("Asia/Shanghai")

FAKE_PATROL = r"""
import argparse, os, signal, sqlite3, sys, time
p = argparse.ArgumentParser()
p.add_argument("--log", required=True)
p.add_argument("--mode", default="ok", choices=["ok", "crash-first", "hang"])
p.add_argument("--seconds", type=float, default=0)
p.add_argument("--db")
p.add_argument("--ignore-term", action="store_true")
a = p.parse_args()
if a.ignore_term:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
def note(word):
    with open(a.log, "a") as fh:
        fh.write(f"{word} {os.getpid()} {time.time():.3f}\n")
before = sum(1 for line in open(a.log) if line.startswith("start")) if os.path.exists(a.log) else 0
note("start")
if a.db:  # like `patrol crawl`: a running PatrolRun that carries the process id
    con = sqlite3.connect(a.db, timeout=30)
    con.execute("insert into crawler_patrolrun (started_at, status, trigger, pid, sites, requests, pages,"
                " new_items, findings, error, stats) values (strftime('%Y-%m-%d %H:%M:%f', 'now'), 'running',"
                " 'schedule', ?, '[]', 0, 0, 0, 0, '', '{}')", (os.getpid(),))
    con.commit()
    con.close()
if a.mode == "crash-first" and before == 0:
    sys.stderr.write("Traceback (most recent call last):\nRuntimeError: boom in the spider\n")
    sys.exit(3)
if a.mode == "hang":
    while True:
        time.sleep(0.2)
time.sleep(a.seconds)
note("end")
"""

FAKE_REPORT = r"""
import sys
args = sys.argv[1:]
out = args[args.index("-o") + 1]
fmt = args[args.index("--format") + 1]
mode = open(out.rsplit("/", 2)[0] + "/report-mode").read().strip()
if mode == "old" and args[0] == "timeliness":
    sys.stderr.write("patrol report: error: argument report: invalid choice: 'timeliness' (choose from 'counts')\n")
    sys.exit(2)
if args[0] == "counts" and fmt == "html":
    sys.stderr.write("CommandError: html format is not available for this report yet\n")
    sys.exit(1)
open(out, "w").write(f"{args[0]} {fmt}\n")
"""


def wait_for(check, timeout: float, every: float = 0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout}s")


def lines(log: Path, word: str) -> list[tuple[int, float]]:
    if not log.exists():
        return []
    out = []
    for line in log.read_text().splitlines():
        w, pid, t = line.split()
        if w == word:
            out.append((int(pid), float(t)))
    return out


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    path = tmp_path / "fake_patrol.py"
    path.write_text(FAKE_PATROL)
    return path


def fake_cmd(fake: Path, log: Path, *extra: str) -> list[str]:
    return [sys.executable, str(fake), "--log", str(log), *extra]


def plan(tmp_path: Path, command: list[str], every: float = 0.5, timeout: float = 30, **kw) -> daemon.Plan:
    return daemon.Plan(
        timezone=TZ,
        data_dir=tmp_path / "data",
        patrol_trigger=IntervalTrigger(seconds=every),
        patrol_command=command,
        patrol_timeout=timeout,
        kill_grace=kw.pop("kill_grace", 1),
        **kw,
    )


# --------------------------------------------------------------------------------------
# in-process: the scheduler on the test database
# --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_crashing_patrol_is_recorded_and_the_next_one_runs(tmp_path, fake):
    from crawler.models import PatrolRun

    log = tmp_path / "patrol.log"
    p = plan(tmp_path, fake_cmd(fake, log, "--mode", "crash-first"), every=0.5)
    sched = daemon.build_scheduler(p)
    sched.start(paused=True)
    try:
        daemon.install_jobs(sched, p)
        sched.resume()
        wait_for(lambda: JobRun.objects.filter(status="ok").exists(), 15)
    finally:
        sched.shutdown(wait=True)
    runs = list(JobRun.objects.filter(kind="patrol").exclude(status="skipped").order_by("started_at"))
    first, second = runs[0], runs[1]
    assert first.status == "failed"
    assert "exited with status 3" in first.error and "boom in the spider" in first.error
    # the child died before creating a PatrolRun: the scheduler made one, failed, with the error
    assert first.patrol_run.status == "failed" and "boom in the spider" in first.patrol_run.error
    assert first.patrol_run.trigger == "schedule"
    assert second.status == "ok" and second.error == ""
    assert len(lines(log, "start")) >= 2
    assert PatrolRun.objects.filter(status="failed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_job_store_waits_out_a_write_lock_held_by_another_connection(tmp_path, fake):
    """APScheduler's loop calls update_job unguarded: a lock error there ended the scheduler thread
    (seen in CI: the executor thread was writing JobRun). Another connection holds the write lock
    here for a while; update_job must wait it out, not raise."""
    import threading

    from django.db import connection, transaction

    from scheduler.jobstore import DjangoJobStore

    p = plan(tmp_path, fake_cmd(fake, tmp_path / "x.log"), every=60)
    sched = daemon.build_scheduler(p)
    sched.start(paused=True)
    try:
        daemon.install_jobs(sched, p)
        store = sched._lookup_jobstore("default")
        assert isinstance(store, DjangoJobStore)
        job = store.lookup_job(jobs.PATROL_JOB_ID)
        later = datetime.now(TZ) + timedelta(days=3)
        job._modify(next_run_time=later)

        locked, release = threading.Event(), threading.Event()

        def hold_the_write_lock():
            try:
                with transaction.atomic():
                    JobRun.objects.create(job_id="other", kind="patrol")
                    locked.set()
                    release.wait(10)
            finally:
                connection.close()

        holder = threading.Thread(target=hold_the_write_lock)
        holder.start()
        assert locked.wait(10)
        threading.Timer(0.8, release.set).start()
        t0 = time.monotonic()
        store.update_job(job)  # blocked by the other connection's transaction until it ends
        waited = time.monotonic() - t0
        holder.join(10)
    finally:
        sched.shutdown(wait=False)
    assert waited >= 0.5  # it really met the lock (else this test proves nothing)
    stored = ScheduledJob.objects.get(pk=jobs.PATROL_JOB_ID).next_run_time
    assert abs(stored - later.timestamp()) < 1
    assert JobRun.objects.filter(job_id="other").count() == 1


@pytest.mark.django_db(transaction=True)
def test_hanging_patrol_is_killed_at_the_limit(tmp_path, fake):
    log = tmp_path / "patrol.log"
    t0 = time.monotonic()
    run_id = jobs.patrol_job(
        fake_cmd(fake, log, "--mode", "hang", "--ignore-term"),
        timeout=1.0,
        grace=0.5,
        log_dir=str(tmp_path / "logs"),
    )
    assert time.monotonic() - t0 < 15
    run = JobRun.objects.get(pk=run_id)
    assert run.status == "killed" and "time limit" in run.error
    assert run.patrol_run.status == "killed" and "time limit" in run.patrol_run.error
    [(pid, _)] = lines(log, "start")
    assert not psutil.pid_exists(pid)  # SIGTERM was ignored: SIGKILL ended it


@pytest.mark.django_db(transaction=True)
def test_missed_runs_are_coalesced_and_the_store_survives_a_restart(tmp_path, fake):
    log = tmp_path / "patrol.log"
    p = plan(tmp_path, fake_cmd(fake, log), every=60)
    first = daemon.build_scheduler(p)
    first.start(paused=True)
    daemon.install_jobs(first, p)
    # the daemon was down for ten intervals: ten runs were missed
    first.modify_job(jobs.PATROL_JOB_ID, next_run_time=datetime.now(TZ) - timedelta(minutes=10, seconds=5))
    first.shutdown(wait=True)
    assert ScheduledJob.objects.filter(pk=jobs.PATROL_JOB_ID).exists()

    second = daemon.build_scheduler(plan(tmp_path, fake_cmd(fake, log), every=60))
    second.start(paused=True)
    try:
        daemon.install_jobs(second, p)
        job = second.get_job(jobs.PATROL_JOB_ID)  # restored from the store, overdue run kept
        assert job is not None and job.next_run_time < datetime.now(TZ)
        second.resume()
        wait_for(lambda: JobRun.objects.filter(status="ok").exists(), 10)
        time.sleep(1.0)  # room for any further (wrong) catch-up runs
    finally:
        second.shutdown(wait=True)
    assert len(lines(log, "start")) == 1
    assert JobRun.objects.count() == 1
    assert ScheduledJob.objects.get(pk=jobs.PATROL_JOB_ID).next_run_time > time.time()


@pytest.mark.django_db(transaction=True)
def test_changed_schedule_replaces_the_stored_job(tmp_path, fake):
    p = plan(tmp_path, fake_cmd(fake, tmp_path / "x.log"), every=60)
    s = daemon.build_scheduler(p)
    s.start(paused=True)
    try:
        daemon.install_jobs(s, p)
        p2 = plan(tmp_path, fake_cmd(fake, tmp_path / "y.log"), every=120)
        daemon.install_jobs(s, p2)
        job = s.get_job(jobs.PATROL_JOB_ID)
        assert str(job.trigger) == "interval[0:02:00]"
        assert job.kwargs["command"][-1].endswith("y.log")
        assert [j.id for j in s.get_jobs()] == [jobs.PATROL_JOB_ID]  # report job not planned: removed
    finally:
        s.shutdown(wait=False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["new", "old"])
def test_weekly_report_is_written_and_mailed(tmp_path, mode):
    script = tmp_path / "fake_report.py"
    script.write_text(FAKE_REPORT)
    out_dir = tmp_path / "data" / "reports"
    out_dir.mkdir(parents=True)
    (tmp_path / "data" / "report-mode").write_text(mode)
    run_id = reportjob.report_job(
        [sys.executable, str(script)],
        ["html", "xlsx"],
        str(out_dir),
        ["duban@example.org"],
        timeout=30,
        grace=1,
        log_dir=str(tmp_path / "logs"),
    )
    run = JobRun.objects.get(pk=run_id)
    assert run.status == "ok", run.error
    [msg] = mail.outbox
    assert msg.to == ["duban@example.org"]
    names = [a[0] for a in msg.attachments]
    if mode == "new":
        assert sorted(names) == sorted(f"timeliness-{d}" for d in (f"{_today()}.html", f"{_today()}.xlsx"))
        assert "时效性报告" in msg.subject
    else:  # `report timeliness` not there yet: counts for the last 7 days, html noted as unavailable
        assert names == [f"counts-{_today()}.xlsx"]
        assert "not available in this installation" in run.note and "html" in run.note
    assert all(Path(p).parent == out_dir for p in run.output.splitlines())


@pytest.mark.django_db(transaction=True)
def test_report_mail_failure_is_recorded(tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 5  # nothing listens
    script = tmp_path / "fake_report.py"
    script.write_text(FAKE_REPORT)
    out_dir = tmp_path / "data" / "reports"
    out_dir.mkdir(parents=True)
    (tmp_path / "data" / "report-mode").write_text("new")
    run = JobRun.objects.get(
        pk=reportjob.report_job(
            [sys.executable, str(script)], ["xlsx"], str(out_dir), ["duban@example.org"], 30, 1, str(tmp_path)
        )
    )
    assert run.status == "failed" and "mail to duban@example.org failed" in run.error
    assert run.output.endswith(f"timeliness-{_today()}.xlsx")  # the report itself is kept


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


@pytest.mark.django_db(transaction=True)
def test_runs_command_shows_the_patrol_history(capsys):
    from crawler.models import PatrolRun

    PatrolRun.objects.create(status="ok", trigger="schedule", pages=12, new_items=3, findings=1)
    PatrolRun.objects.create(status="killed", trigger="schedule", error="patrol passed the time limit")
    call_command("runs", "--format", "json", "--limit", "5")
    data = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in data["runs"]] == ["killed", "ok"]
    assert data["runs"][1]["pages"] == 12 and data["runs"][1]["new_items"] == 3
    call_command("runs")
    table = capsys.readouterr().out
    for head in ("开始", "结束", "状态", "页面", "新信息", "发现", "错误"):
        assert head in table
    assert "超时终止" in table and "time limit" in table


def test_crontab_weekdays_follow_cron_not_apscheduler():
    assert crontab_weekdays("1") == "mon"
    assert crontab_weekdays("0") == crontab_weekdays("7") == "sun"
    assert crontab_weekdays("1-5") == "mon,tue,wed,thu,fri"
    assert crontab_weekdays("mon") == "mon" and crontab_weekdays("*") == "*"


# --------------------------------------------------------------------------------------
# subprocess daemons, each on its own data folder
# --------------------------------------------------------------------------------------


class DaemonProc:
    def __init__(self, tmp_path: Path, patrol_cmd: list[str], every: float = 1, timeout_minutes: float = 5):
        self.tmp = tmp_path
        self.data = tmp_path / "data"
        self.conf = tmp_path / "patrol.yaml"
        self.conf.write_text(
            "sites:\n  - {id: a, name: 测试县, tier: county, url: 'http://127.0.0.1:9/'}\n"
            f"schedule:\n  patrol_timeout_minutes: {timeout_minutes}\n  kill_grace_seconds: 0.5\n"
        )
        self.args = [
            "--config",
            str(self.conf),
            "--data",
            str(self.data),
            "schedule",
            "--patrol-every",
            str(every),
            "--patrol-command",
            subprocess.list2cmdline(patrol_cmd),
        ]
        self.proc: subprocess.Popen | None = None

    def start(self) -> DaemonProc:
        self.err = open(self.tmp / "daemon.err", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "config.cli", *self.args], cwd=ROOT, stdout=self.err, stderr=self.err
        )
        return self

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data / "patrol.sqlite3", timeout=30)

    def query(self, sql: str) -> list[tuple]:
        con = self.db()
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def stop(self, timeout: float = 20) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc is not None:
            self.err.close()


@pytest.fixture
def daemons():
    started: list[DaemonProc] = []
    yield started
    for d in started:
        d.cleanup()


def test_one_patrol_at_a_time(tmp_path, fake, daemons):
    log = tmp_path / "patrol.log"
    d = DaemonProc(
        tmp_path, fake_cmd(fake, log, "--seconds", "1.5", "--db", str(tmp_path / "data/patrol.sqlite3"))
    )
    daemons.append(d.start())
    wait_for(lambda: len(lines(log, "end")) >= 2, 25)
    assert d.stop() == 0
    starts, ends = lines(log, "start"), lines(log, "end")
    spans = sorted((t, dict(ends).get(pid, float("inf"))) for pid, t in starts)
    for (_, end_a), (start_b, _) in zip(spans, spans[1:], strict=False):
        assert start_b >= end_a, "a patrol started while another was running"
    skipped = d.query("select error from scheduler_jobrun where status = 'skipped'")
    assert skipped and all("max_instances=1" in e for (e,) in skipped)
    assert d.query("select count(*) from crawler_patrolrun where status = 'running'") == [(0,)]


def test_sigterm_stops_cleanly_and_a_second_daemon_is_refused(tmp_path, fake, daemons):
    log = tmp_path / "patrol.log"
    d = DaemonProc(
        tmp_path, fake_cmd(fake, log, "--mode", "hang", "--db", str(tmp_path / "data/patrol.sqlite3"))
    )
    daemons.append(d.start())
    [(pid, _)] = wait_for(lambda: lines(log, "start"), 20)

    second = subprocess.run(
        [sys.executable, "-m", "config.cli", *d.args], cwd=ROOT, capture_output=True, text=True, timeout=30
    )
    assert second.returncode != 0
    assert "already running" in second.stderr

    t0 = time.monotonic()
    assert d.stop(timeout=20) == 0
    assert time.monotonic() - t0 < 20
    assert not psutil.pid_exists(pid)
    assert d.query("select status, error from crawler_patrolrun") == [
        ("interrupted", "the scheduler was stopped (SIGTERM/SIGINT) while the patrol ran; patrol ended")
    ]
    assert d.query("select status from scheduler_jobrun where status != 'skipped'") == [("killed",)]
    # the persistent store keeps every job for the next start (probes and the inspection report too)
    assert sorted(d.query("select id from scheduler_scheduledjob")) == [
        ("inspection_report",),
        ("patrol",),
        ("probe",),
        ("timeliness_report",),
    ]


def test_hung_patrol_is_killed_and_the_daemon_goes_on(tmp_path, fake, daemons):
    log = tmp_path / "patrol.log"
    cmd = fake_cmd(
        fake, log, "--mode", "hang", "--ignore-term", "--db", str(tmp_path / "data/patrol.sqlite3")
    )
    d = DaemonProc(tmp_path, cmd, every=1, timeout_minutes=0.02)  # 1.2 s limit
    daemons.append(d.start())
    wait_for(lambda: len(lines(log, "start")) >= 2, 25)  # the next patrol started after the kill
    killed = wait_for(lambda: d.query("select pid, error from crawler_patrolrun where status = 'killed'"), 10)
    assert "time limit" in killed[0][1]
    assert not psutil.pid_exists(killed[0][0])
    assert d.stop() == 0
    assert d.query("select count(*) from crawler_patrolrun where status = 'running'") == [(0,)]
    statuses = {s for (s,) in d.query("select status from scheduler_jobrun")}
    assert "killed" in statuses
