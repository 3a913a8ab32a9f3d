"""The scheduler's probe job: probes_per_day rounds spread over the day, never blocked by a patrol."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from config.patrolconf import parse
from inspection.jobs import PROBE_JOB_ID, probe_command, probe_job
from scheduler import daemon

TZ = ZoneInfo("Asia/Shanghai")
SITES = "sites:\n  - {id: a, name: A, tier: county, url: 'http://127.0.0.1:9/'}\n"


def _plan_for(tmp_path: Path, text: str) -> daemon.Plan:
    path = tmp_path / "patrol.yaml"
    path.write_text(text, encoding="utf-8")
    conf = parse(text, str(path))
    return daemon.plan_from_schedule(conf.schedule, str(path), tmp_path / "data")


def test_default_is_24_rounds_a_day_and_the_setting_is_read(tmp_path):
    spec = next(s for s in _plan_for(tmp_path, SITES).jobs() if s["id"] == PROBE_JOB_ID)
    assert spec["trigger"].interval.total_seconds() == 3600
    assert spec["kwargs"]["command"][-2:] == ["probe", "--quiet"]
    assert spec["kwargs"]["timeout"] < 3600  # a round ends before the next is due
    spec = next(
        s
        for s in _plan_for(tmp_path, SITES + "inspection:\n  probes_per_day: 30\n").jobs()
        if s["id"] == PROBE_JOB_ID
    )
    assert spec["trigger"].interval.total_seconds() == 2880


def test_probe_command_runs_patrol_probe():
    cmd = probe_command("/etc/p.yaml", "/var/d")
    assert cmd[1:] == ["-m", "config.cli", "--config", "/etc/p.yaml", "--data", "/var/d", "probe", "--quiet"]


def _count(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


@pytest.mark.django_db(transaction=True)
def test_probes_go_on_while_a_patrol_runs(tmp_path):
    patrol_log, probe_log = tmp_path / "patrol.log", tmp_path / "probe.log"
    slow_patrol = [
        sys.executable,
        "-c",
        f"open({str(patrol_log)!r}, 'a').write('start\\n'); import time; time.sleep(6)",
    ]
    probe = [sys.executable, "-c", f"open({str(probe_log)!r}, 'a').write('round\\n')"]
    plan = daemon.Plan(
        timezone=TZ,
        data_dir=tmp_path / "data",
        patrol_trigger=IntervalTrigger(seconds=0.3),
        patrol_command=slow_patrol,
        patrol_timeout=30,
        kill_grace=1,
        probe_trigger=IntervalTrigger(seconds=0.5),
        probe_command=probe,
        probe_timeout=5,
    )
    s = daemon.build_scheduler(plan)
    s.start(paused=True)
    try:
        daemon.install_jobs(s, plan)
        s.resume()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _count(probe_log) < 3:
            time.sleep(0.1)
        assert _count(patrol_log) == 1  # the one patrol is still going (max_instances=1) ...
        assert _count(probe_log) >= 3  # ... and the probe rounds ran beside it
    finally:
        from scheduler.jobs import CHILDREN

        CHILDREN.stop()
        s.shutdown(wait=True)
        CHILDREN.reset()


def test_a_failing_round_is_logged_not_raised(tmp_path, caplog):
    code = probe_job([sys.executable, "-c", "raise SystemExit(3)"], 10, 1, str(tmp_path))
    assert code == 3 and "exited with status 3" in caplog.text
