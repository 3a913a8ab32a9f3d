"""``patrol schedule``: APScheduler 3.x on the project database, one job process at a time.

The plan (triggers, commands, limits) comes from ``patrol.yaml``'s ``schedule`` section;
tests and trials replace the triggers and commands. Jobs are replaced on every start, so a
changed config takes effect, but a job whose schedule did not change keeps its stored next
run time: runs missed while the daemon was down are then run once (coalesced) if they are
within the misfire grace time, and recorded as skipped otherwise.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger

from . import jobs, reportjob
from .jobstore import DjangoJobStore
from .lock import SchedulerLock
from .triggers import cron_trigger, describe

log = logging.getLogger(__name__)

REPORT_TIMEOUT_SECONDS = 1800


def patrol_command(config: str, data: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "config.cli",
        "--config",
        config,
        "--data",
        data,
        "crawl",
        "--trigger",
        "schedule",
        "--quiet",
        # scale-out: the patrol goes on the shared queue and the workers crawl it (crawler/distributed.py)
        *(["--wait"] if os.environ.get("PATROL_QUEUE") else []),
    ]


def report_command(config: str, data: str) -> list[str]:
    return [sys.executable, "-m", "config.cli", "--config", config, "--data", data, "report"]


@dataclass
class Plan:
    """Everything the daemon schedules, as plain values."""

    timezone: ZoneInfo
    data_dir: Path
    patrol_trigger: BaseTrigger
    patrol_command: list[str]
    patrol_timeout: float  # seconds
    report_trigger: BaseTrigger | None = None
    report_command: list[str] = field(default_factory=list)
    report_formats: list[str] = field(default_factory=lambda: ["html", "xlsx"])
    report_timeout: float = REPORT_TIMEOUT_SECONDS
    mail_to: list[str] = field(default_factory=list)
    misfire_grace: int = 3600
    kill_grace: float = 30
    cwd: str | None = None
    digest_trigger: BaseTrigger | None = None  # alerts.digest, when alert channels are configured
    config_path: str = ""
    probe_trigger: BaseTrigger | None = None  # inspection.probes_per_day rounds, spread over the day
    probe_command: list[str] = field(default_factory=list)
    probe_timeout: float = 3600
    inspection_report: bool = False  # the weekly inspection report beside the timeliness one

    @property
    def log_dir(self) -> str:
        return str(self.data_dir / "logs")

    def jobs(self) -> list[dict]:
        specs = [
            dict(
                id=jobs.PATROL_JOB_ID,
                name="巡查",
                func=jobs.patrol_job,
                trigger=self.patrol_trigger,
                kwargs=dict(
                    command=self.patrol_command,
                    timeout=self.patrol_timeout,
                    grace=self.kill_grace,
                    log_dir=self.log_dir,
                    cwd=self.cwd,
                ),
            )
        ]
        if self.report_trigger is not None:
            specs.append(
                dict(
                    id=jobs.REPORT_JOB_ID,
                    name="时效性报告",
                    func=reportjob.report_job,
                    trigger=self.report_trigger,
                    kwargs=dict(
                        command=self.report_command,
                        formats=self.report_formats,
                        out_dir=str(self.data_dir / "reports"),
                        mail_to=self.mail_to,
                        timeout=self.report_timeout,
                        grace=self.kill_grace,
                        log_dir=self.log_dir,
                    ),
                )
            )
        if self.report_trigger is not None and self.inspection_report:
            from inspection.jobs import INSPECTION_REPORT_JOB_ID, inspection_report_job

            specs.append(
                dict(
                    id=INSPECTION_REPORT_JOB_ID,
                    name="检查指标报告",
                    func=inspection_report_job,
                    trigger=self.report_trigger,
                    kwargs=dict(
                        command=self.report_command,
                        formats=self.report_formats,
                        out_dir=str(self.data_dir / "reports"),
                        mail_to=self.mail_to,
                        timeout=self.report_timeout,
                        grace=self.kill_grace,
                        log_dir=self.log_dir,
                    ),
                )
            )
        if self.probe_trigger is not None:
            from inspection.jobs import PROBE_JOB_ID, probe_job

            specs.append(
                dict(
                    id=PROBE_JOB_ID,
                    name="首页可访问性探测",
                    func=probe_job,
                    trigger=self.probe_trigger,
                    kwargs=dict(
                        command=self.probe_command,
                        timeout=self.probe_timeout,
                        grace=self.kill_grace,
                        log_dir=self.log_dir,
                        cwd=self.cwd,
                    ),
                )
            )
        if self.digest_trigger is not None:
            from reports.alerts import DIGEST_JOB_ID, digest_job

            specs.append(
                dict(
                    id=DIGEST_JOB_ID,
                    name="告警日报",
                    func=digest_job,
                    trigger=self.digest_trigger,
                    kwargs=dict(config_path=self.config_path),
                )
            )
        return specs


def plan_from_schedule(schedule: dict, config_path: str, data_dir: Path, cwd: str | None = None) -> Plan:
    """A plan from the validated ``schedule`` section; ``ValueError`` names the bad key."""
    tz = ZoneInfo(schedule["timezone"])
    triggers = {}
    for key in ("patrol", "timeliness_report"):
        try:
            triggers[key] = cron_trigger(schedule[key], tz)
        except ValueError as exc:
            raise ValueError(f"schedule.{key}: {schedule[key]!r}: {exc}") from None
    return Plan(
        timezone=tz,
        data_dir=data_dir,
        patrol_trigger=triggers["patrol"],
        patrol_command=patrol_command(config_path, str(data_dir)),
        patrol_timeout=float(schedule["patrol_timeout_minutes"]) * 60,
        report_trigger=triggers["timeliness_report"],
        report_command=report_command(config_path, str(data_dir)),
        report_formats=list(schedule["report_formats"]),
        mail_to=list(schedule["mail_to"]),
        misfire_grace=int(schedule["misfire_grace_seconds"]),
        kill_grace=float(schedule["kill_grace_seconds"]),
        cwd=cwd,
        digest_trigger=_digest_trigger(config_path, tz),
        config_path=config_path,
        inspection_report=True,
        **_probe_plan(config_path, str(data_dir), tz),
    )


def _probe_plan(config_path: str, data_dir: str, tz: ZoneInfo) -> dict:
    """The probe job: ``inspection.probes_per_day`` rounds (at least 20), evenly spread over the day.

    An interval trigger, not cron: rounds keep their spacing across midnight, and a missed round is
    coalesced into one. A round is cut off before the next one is due."""
    from apscheduler.triggers.interval import IntervalTrigger

    from config.patrolconf import ConfigError, load
    from inspection.jobs import probe_command, round_seconds

    try:
        per_day = int(load(config_path).inspection["probes_per_day"])
    except (ConfigError, OSError):
        return {}
    every = round_seconds(per_day)
    return {
        "probe_trigger": IntervalTrigger(seconds=every, timezone=tz),
        "probe_command": probe_command(config_path, data_dir),
        "probe_timeout": every * 0.9,
    }


def _digest_trigger(config_path: str, tz: ZoneInfo) -> BaseTrigger | None:
    """The daily alert digest's trigger, when ``alerts.channels`` is configured."""
    from config.patrolconf import ConfigError, load

    try:
        alerts = load(config_path).alerts
    except (ConfigError, OSError):
        return None
    if not alerts.get("channels"):
        return None
    try:
        return cron_trigger(alerts["digest"], tz)
    except ValueError as exc:
        raise ValueError(f"alerts.digest: {alerts['digest']!r}: {exc}") from None


def _on_skipped(event: JobEvent) -> None:
    try:
        if event.code == EVENT_JOB_MAX_INSTANCES:
            when = event.scheduled_run_times[-1] if event.scheduled_run_times else None
            jobs.record_skipped(event.job_id, when, "the previous run was still going (max_instances=1)")
        else:
            jobs.record_skipped(
                event.job_id,
                event.scheduled_run_time,
                f"missed: more than the misfire grace time late (run due {event.scheduled_run_time})",
            )
    except Exception:  # noqa: BLE001 - a listener must not break the scheduler
        log.exception("could not record a skipped run of %s", event.job_id)


def build_scheduler(plan: Plan) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        jobstores={"default": DjangoJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": plan.misfire_grace},
        timezone=plan.timezone,
    )
    scheduler.add_listener(_on_skipped, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
    return scheduler


def install_jobs(scheduler: BackgroundScheduler, plan: Plan) -> None:
    """Add or replace the plan's jobs (scheduler started, paused); keep unchanged schedules' next run."""
    wanted = plan.jobs()
    for spec in wanted:
        extra = {}
        old = scheduler.get_job(spec["id"])
        if (
            old is not None
            and old.next_run_time is not None
            and describe(old.trigger) == describe(spec["trigger"])
        ):
            extra["next_run_time"] = old.next_run_time
        scheduler.add_job(
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=plan.misfire_grace,
            **spec,
            **extra,
        )
    for job in scheduler.get_jobs():
        if job.id not in {s["id"] for s in wanted}:
            job.remove()


class Daemon:
    """Lock, start, wait for SIGTERM/SIGINT, stop: ends a running child and records it."""

    def __init__(self, plan: Plan, out=sys.stdout) -> None:
        self.plan, self.out = plan, out
        self.stop_requested = threading.Event()

    def _signal(self, signum: int, _frame) -> None:
        log.warning("received %s: stopping", signal.Signals(signum).name)
        self.stop_requested.set()

    def run(self) -> int:
        lock = SchedulerLock(self.plan.data_dir).acquire()  # AlreadyRunning: the caller says why
        scheduler = build_scheduler(self.plan)
        old = {s: signal.signal(s, self._signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            stale = jobs.close_stale_runs()
            if stale:
                log.warning("%d job run(s) left running by a previous scheduler marked failed", stale)
            jobs.CHILDREN.reset()
            scheduler.start(paused=True)
            install_jobs(scheduler, self.plan)
            scheduler.resume()
            for job in scheduler.get_jobs():
                self.out.write(f"调度已启动: {job.name} 下次运行 {job.next_run_time:%Y-%m-%d %H:%M:%S %Z}\n")
            self.out.flush()
            while not self.stop_requested.wait(0.5):
                pass
            self.out.write("正在停止调度...\n")
            self.out.flush()
            scheduler.pause()
            jobs.CHILDREN.stop()  # job threads end their children and record them
            scheduler.shutdown(wait=True)
            self.out.write("调度已停止\n")
            self.out.flush()
            return 0
        finally:
            if scheduler.running:
                jobs.CHILDREN.stop()
                scheduler.shutdown(wait=True)
            for s, handler in old.items():
                signal.signal(s, handler)
            lock.release()
