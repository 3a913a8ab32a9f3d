"""The weekly inspection report job: each format written under <data>/reports and mailed."""

from __future__ import annotations

import sys

import pytest
from django.core import mail

from inspection.jobs import INSPECTION_REPORT_JOB_ID, inspection_report_job
from scheduler.models import JobRun

FAKE = """
import sys
args = sys.argv[1:]
assert args[:2] == ["inspection", "--as-of"], args
fmt, out = args[args.index("--format") + 1], args[args.index("-o") + 1]
if fmt == "xlsx":
    sys.exit("boom")
open(out, "w", encoding="utf-8").write("检查指标 " + fmt)
"""


@pytest.mark.django_db
def test_weekly_inspection_report_is_written_mailed_and_recorded(tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    script = tmp_path / "fake.py"
    script.write_text(FAKE, encoding="utf-8")
    out = tmp_path / "reports"
    pk = inspection_report_job(
        [sys.executable, str(script)],
        ["html", "json", "xlsx"],
        str(out),
        ["dc@x.gov.cn"],
        30,
        1,
        str(tmp_path),
    )
    run = JobRun.objects.get(pk=pk)
    assert run.job_id == INSPECTION_REPORT_JOB_ID and run.status == "failed"  # the xlsx process failed
    assert "xlsx: report exited with status 1" in run.error
    names = sorted(p.name.split("-", 1)[0] + p.suffix for p in out.iterdir())
    assert names == ["inspection.html", "inspection.json"]
    assert len(mail.outbox) == 1 and "检查指标与单项否决报告" in mail.outbox[0].subject
    assert len(mail.outbox[0].attachments) == 2


def test_the_plan_carries_the_weekly_inspection_report(tmp_path):
    from config.patrolconf import parse
    from scheduler import daemon

    text = "sites:\n  - {id: a, name: A, tier: county, url: 'http://127.0.0.1:9/'}\n"
    path = tmp_path / "patrol.yaml"
    path.write_text(text, encoding="utf-8")
    plan = daemon.plan_from_schedule(parse(text, str(path)).schedule, str(path), tmp_path / "data")
    specs = {s["id"]: s for s in plan.jobs()}
    assert str(specs[INSPECTION_REPORT_JOB_ID]["trigger"]) == str(specs["timeliness_report"]["trigger"])
