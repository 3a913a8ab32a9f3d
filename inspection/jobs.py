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
    format (its own process), written under ``<data>/reports/`` and mailed; returns the JobRun id."""
    import traceback
    from pathlib import Path

    from django.core.mail import EmailMessage
    from django.db import close_old_connections, connection
    from django.utils import timezone

    from scheduler.jobs import CHILDREN, finish, log_path
    from scheduler.models import JobRun

    close_old_connections()
    run = JobRun.objects.create(job_id=INSPECTION_REPORT_JOB_ID, kind="report")
    try:
        today = timezone.localdate()
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        files, errors, notes = [], [], []
        for fmt in formats:
            out = folder / f"inspection-{today.isoformat()}.{fmt}"
            args = ["inspection", "--as-of", today.isoformat(), "--format", fmt, "-o", str(out)]
            outcome = CHILDREN.run([*command, *args], timeout, grace, log_path(log_dir, "report"))
            if outcome is None or outcome.stopped:
                errors.append(f"{fmt}: the scheduler was stopped before the report was written")
                break
            if outcome.ok and out.exists():
                files.append(out)
            else:
                why = "passed its time limit and was killed" if outcome.timed_out else outcome.describe_exit()
                errors.append(f"{fmt}: report {why}: {outcome.tail(800)}")
        if files and mail_to:
            try:
                msg = EmailMessage(
                    subject=f"政府网站巡查 检查指标与单项否决报告 {today.isoformat()}",
                    body=f"政府网站巡查检查指标与单项否决报告（{today.isoformat()}），见附件：\n\n"
                    + "\n".join(f"  {f.name}" for f in files)
                    + "\n",
                    to=mail_to,
                )
                for f in files:
                    msg.attach_file(str(f))
                msg.send(fail_silently=False)
                notes.append(f"mailed to {', '.join(mail_to)}")
            except Exception as exc:  # noqa: BLE001 - SMTP and friends: record, do not crash the daemon
                errors.append(f"mail to {', '.join(mail_to)} failed: {exc}")
        if not files and not errors:
            errors.append("no report file was produced")
        finish(
            run,
            "failed" if errors else "ok",
            "\n".join(errors),
            note="\n".join(notes),
            output="\n".join(str(f) for f in files),
        )
    except Exception as exc:  # noqa: BLE001 - the daemon goes on; the failure is in the history
        log.exception("inspection report job #%s failed", run.pk)
        finish(run, "failed", "".join(traceback.format_exception(exc))[-4000:])
    finally:
        connection.close()
    return run.pk
