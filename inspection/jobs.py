"""The scheduler's probe job: one ``patrol probe`` round in its own process.

Referenced by name in the persistent job store, so it stays module-level with plain arguments. A
round is short (one GET per homepage, bounded by the probe timeout) and runs ``probes_per_day``
times a day, independent of the nightly patrol: the patrol is another process, and the scheduler
runs jobs in a thread pool, so neither waits for the other. The ``Probe`` rows are the record;
a failed round is logged, not kept as a job run (24 a day would bury the patrol history).
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

PROBE_JOB_ID = "probe"
SECONDS_PER_DAY = 86400


def probe_command(config: str, data: str) -> list[str]:
    return [sys.executable, "-m", "config.cli", "--config", config, "--data", data, "probe", "--quiet"]


def round_seconds(probes_per_day: int) -> float:
    """Seconds between rounds: the day divided evenly."""
    return SECONDS_PER_DAY / max(1, probes_per_day)


def probe_job(command: list[str], timeout: float, grace: float, log_dir: str, cwd: str | None = None) -> int:
    """Run one probe round (``command``) with a time limit; returns its exit code (-1: not run)."""
    from scheduler.jobs import CHILDREN, log_path

    try:
        outcome = CHILDREN.run(command, timeout, grace, log_path(log_dir, "probe"), cwd=cwd)
    except Exception:  # noqa: BLE001 - the daemon goes on
        log.exception("probe round could not start")
        return -1
    if outcome is None:
        return -1
    if not outcome.ok:
        why = "passed its time limit and was killed" if outcome.timed_out else outcome.describe_exit()
        log.warning("probe round %s: %s", why, outcome.tail(500))
    return outcome.returncode


INSPECTION_REPORT_JOB_ID = "inspection_report"


def inspection_report_job(
    command: list[str],
    formats: list[str],
    out_dir: str,
    mail_to: list[str],
    timeout: float,
    grace: float,
    log_dir: str,
) -> int:
    """The weekly inspection report beside the timeliness one: ``patrol report inspection`` in each
    format (its own process), written under ``<data>/reports/`` and mailed — the timeliness report
    job's own machinery (scheduler.reportjob); returns the JobRun id."""
    from scheduler.reportjob import report_job

    return report_job(
        command,
        formats,
        out_dir,
        mail_to,
        timeout,
        grace,
        log_dir,
        job_id=INSPECTION_REPORT_JOB_ID,
        report="inspection",
    )
