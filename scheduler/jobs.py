"""The patrol job: one ``patrol crawl`` in its own process, and its record in the run history.

Job functions are referenced by name in the persistent job store, so they stay module-level
and take only plain, picklable arguments.
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta
from pathlib import Path

from django.db import close_old_connections, connection
from django.utils import timezone

from crawler.models import PatrolRun

from .children import Children, Outcome
from .models import JobRun

log = logging.getLogger(__name__)

CHILDREN = Children()
PATROL_JOB_ID = "patrol"
REPORT_JOB_ID = "timeliness_report"
KIND_BY_JOB = {PATROL_JOB_ID: "patrol", REPORT_JOB_ID: "report"}


def log_path(log_dir: str | Path, kind: str) -> Path:
    return Path(log_dir) / f"{kind}-{timezone.localtime():%Y%m%d-%H%M%S-%f}.log"


def finish(run: JobRun, status: str, error: str = "", **fields) -> JobRun:
    run.status, run.error, run.finished_at = status, error, timezone.now()
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    return run


def patrol_job(command: list[str], timeout: float, grace: float, log_dir: str, cwd: str | None = None) -> int:
    """Run one patrol (``command``) with a time limit; returns the JobRun id."""
    close_old_connections()
    run = JobRun.objects.create(job_id=PATROL_JOB_ID, kind="patrol")
    try:
        path = log_path(log_dir, "patrol")
        run.output = str(path)
        outcome = CHILDREN.run(
            command,
            timeout,
            grace,
            path,
            cwd=cwd,
            started=lambda pid: JobRun.objects.filter(pk=run.pk).update(pid=pid),
        )
        if outcome is None:
            finish(run, "skipped", "the scheduler is stopping")
        else:
            record_patrol(run, outcome, timeout, grace)
        log.info("patrol job #%s: %s %s", run.pk, run.status, run.error[:200])
        return run.pk
    except Exception as exc:  # noqa: BLE001 - the daemon goes on; the failure is in the history
        log.exception("patrol job #%s failed", run.pk)
        finish(run, "failed", "".join(traceback.format_exception(exc))[-4000:])
        return run.pk
    finally:
        connection.close()


def _child_patrol_run(pid: int, since: datetime) -> PatrolRun | None:
    """The PatrolRun the child created (``patrol crawl`` records its own pid)."""
    return (
        PatrolRun.objects.filter(pid=pid, started_at__gte=since - timedelta(seconds=2))
        .order_by("-started_at")
        .first()
    )


def _record(pr: PatrolRun | None, run: JobRun, outcome: Outcome, status: str, error: str) -> PatrolRun:
    if pr is None:
        pr = PatrolRun.objects.create(
            trigger="schedule", pid=outcome.pid, status=status, error=error, finished_at=timezone.now()
        )
        PatrolRun.objects.filter(pk=pr.pk).update(started_at=run.started_at)
        return pr
    pr.status, pr.finished_at = status, timezone.now()
    pr.error = error if not pr.error else f"{error}\n{pr.error}"
    pr.save(update_fields=["status", "finished_at", "error"])
    return pr


def record_patrol(run: JobRun, outcome: Outcome, timeout: float, grace: float) -> JobRun:
    """Write what happened to the JobRun and to the child's PatrolRun (created when missing)."""
    pr = _child_patrol_run(outcome.pid, run.started_at)
    tail = outcome.tail()
    if outcome.timed_out:
        error = (
            f"patrol passed the time limit of {timeout / 60:g} min and was killed "
            f"(SIGTERM, SIGKILL after {grace:g} s)"
        )
        pr = _record(pr, run, outcome, "killed", error)
        return finish(run, "killed", f"{error}\n{tail}".strip(), patrol_run=pr)
    if outcome.stopped:
        error = "the scheduler was stopped (SIGTERM/SIGINT) while the patrol ran; patrol ended"
        pr = _record(pr, run, outcome, "interrupted", error)
        return finish(run, "killed", error, patrol_run=pr)
    if outcome.returncode != 0:
        error = f"patrol {outcome.describe_exit()}"
        if pr is not None and pr.status not in ("running", "ok"):
            # the patrol recorded its own failure: keep its status, add how the process ended
            pr.error = pr.error or f"{error}\n{tail}".strip()
            pr.save(update_fields=["error"])
        else:
            pr = _record(pr, run, outcome, "failed", f"{error}\n{tail}".strip())
        return finish(run, "failed", f"{error}\n{tail}".strip(), patrol_run=pr)
    if pr is not None and pr.status == "running":  # exited 0 without closing its record
        pr = _record(pr, run, outcome, "interrupted", "patrol process ended without finishing its run")
    return finish(run, "ok", patrol_run=pr)


def record_skipped(job_id: str, when: datetime | None, reason: str) -> None:
    """A firing that did not run: previous run still going, or missed past the grace time."""
    close_old_connections()
    now = timezone.now()
    JobRun.objects.create(
        job_id=job_id,
        kind=KIND_BY_JOB.get(job_id, "patrol"),
        scheduled_for=when,
        status="skipped",
        finished_at=now,
        error=reason,
    )


def close_stale_runs() -> int:
    """JobRuns left ``running`` by a scheduler that died (kill -9, power loss)."""
    return JobRun.objects.filter(status="running").update(
        status="failed", finished_at=timezone.now(), error="the scheduler ended before the job finished"
    )
