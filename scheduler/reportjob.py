"""The weekly timeliness report: written under ``<data>/reports/`` and mailed to ``schedule.mail_to``.

Each format is one ``patrol report timeliness --format F -o FILE`` process. While that report
is not available in this installation (argparse rejects the choice), the job falls back to
``patrol report counts`` for the last seven days and says so in the run's note and the mail.
"""

from __future__ import annotations

import logging
import traceback
from datetime import date, timedelta
from pathlib import Path

from django.core.mail import EmailMessage
from django.db import close_old_connections, connection
from django.utils import timezone

from .jobs import CHILDREN, REPORT_JOB_ID, finish, log_path
from .models import JobRun

log = logging.getLogger(__name__)

TITLES = {"timeliness": "时效性报告", "counts": "近7天更新数量统计", "inspection": "检查指标与单项否决报告"}


def report_args(report: str, fmt: str, out: Path, today: date) -> list[str]:
    if report in ("timeliness", "inspection"):
        return [report, "--as-of", today.isoformat(), "--format", fmt, "-o", str(out)]
    return [
        "counts",
        "--from",
        (today - timedelta(days=7)).isoformat(),
        "--to",
        (today - timedelta(days=1)).isoformat(),
        "--format",
        fmt,
        "-o",
        str(out),
    ]


def _unknown_report(tail: str) -> bool:
    return "invalid choice: 'timeliness'" in tail


def _unsupported_format(tail: str) -> bool:
    return "not available" in tail or "invalid choice" in tail


def build_reports(
    command: list[str],
    formats: list[str],
    out_dir: Path,
    log_dir: str,
    timeout: float,
    grace: float,
    today: date,
    report: str = "timeliness",
) -> tuple[str, list[Path], list[str], list[str]]:
    """Run the report processes; returns (report, files, notes, errors)."""
    files, notes, errors = [], [], []
    out_dir.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        while True:
            out = out_dir / f"{report}-{today.isoformat()}.{fmt}"
            outcome = CHILDREN.run(
                [*command, *report_args(report, fmt, out, today)], timeout, grace, log_path(log_dir, "report")
            )
            if outcome is None or outcome.stopped:
                errors.append(
                    f"{fmt}: the scheduler was stopped (SIGTERM/SIGINT) before the report was written"
                )
                return report, files, notes, errors
            tail = outcome.tail(1000)
            if report == "timeliness" and not outcome.ok and _unknown_report(tail):
                report = "counts"
                notes.append(
                    "`patrol report timeliness` is not available in this installation yet; "
                    "sent `patrol report counts` for the last 7 days instead"
                )
                continue
            break
        if outcome.ok and out.exists():
            files.append(out)
        elif not outcome.timed_out and _unsupported_format(tail):
            notes.append(f"{fmt}: not available for the {report} report ({tail.splitlines()[-1][:200]})")
        else:
            why = "passed its time limit and was killed" if outcome.timed_out else outcome.describe_exit()
            errors.append(f"{fmt}: report {why}: {tail[-800:]}")
    return report, files, notes, errors


def mail_reports(
    files: list[Path], recipients: list[str], report: str, today: date, notes: list[str]
) -> None:
    title = TITLES[report]
    body = [f"政府网站巡查{title}（{today.isoformat()}），见附件：", ""]
    body += [f"  {f.name}" for f in files]
    if notes:
        body += ["", "说明：", *[f"  {n}" for n in notes]]
    msg = EmailMessage(
        subject=f"政府网站巡查 {title} {today.isoformat()}", body="\n".join(body) + "\n", to=recipients
    )
    for f in files:
        msg.attach_file(str(f))
    msg.send(fail_silently=False)


def report_job(
    command: list[str],
    formats: list[str],
    out_dir: str,
    mail_to: list[str],
    timeout: float,
    grace: float,
    log_dir: str,
    *,
    job_id: str = REPORT_JOB_ID,
    report: str = "timeliness",
) -> int:
    """Write the weekly ``report`` in each format and mail it; returns the JobRun id."""
    close_old_connections()
    run = JobRun.objects.create(job_id=job_id, kind="report")
    try:
        today = timezone.localdate()
        report, files, notes, errors = build_reports(
            command, formats, Path(out_dir), log_dir, timeout, grace, today, report
        )
        if files and mail_to:
            try:
                mail_reports(files, mail_to, report, today, notes)
                notes.append(f"mailed to {', '.join(mail_to)}")
            except Exception as exc:  # noqa: BLE001 - SMTP and friends: record, do not crash the daemon
                errors.append(f"mail to {', '.join(mail_to)} failed: {exc}")
        elif files:
            notes.append("no schedule.mail_to recipients configured: not mailed")
        if not files and not errors:
            errors.append("no report file was produced")
        finish(
            run,
            "failed" if errors else "ok",
            "\n".join(errors),
            note="\n".join(notes),
            output="\n".join(str(f) for f in files),
        )
        log.info("report job #%s: %s %s", run.pk, run.status, run.error[:200])
    except Exception as exc:  # noqa: BLE001 - the daemon goes on; the failure is in the history
        log.exception("report job #%s failed", run.pk)
        finish(run, "failed", "".join(traceback.format_exception(exc))[-4000:])
    finally:
        connection.close()
    return run.pk
