"""``patrol demo`` is repeatable (issue 13): the same figures every run, whatever the port.

The second run comes back on the port the first used (an incremental patrol of the same sites);
when that port is taken the network comes up elsewhere and the patrol treats it as a move: old
columns retired, items linked to their old records, screening reviews carried over, and the
figures — counts, annual paragraph, timeliness, screening — the same as before.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_demo_repeatable")]

FIGURES = re.compile(r"2012年度主动公开信息: (\d+) 条；历年累计: (\d+) 条")


def _patrol(data: Path, *args: str, timeout: float = 1500) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PATROL_CONFIG",)}
    env["PATROL_DATA"] = str(data)
    proc = subprocess.run(
        [sys.executable, "-m", "config.cli", "--data", str(data), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, (
        f"{args} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc.stdout


def _summary(out: str) -> dict:
    """The figures of a demo summary that must not change from one run to the next."""
    m = FIGURES.search(out)
    assert m, out[-2000:]
    lines = out.splitlines()
    keep = ("年度，在政府信息公开平台", "时效检查", "保密筛查")
    return {
        "figures": (int(m.group(1)), int(m.group(2))),
        "lines": [line for line in lines if line.startswith(keep)],
    }


def _port(data: Path) -> int:
    conf = yaml.safe_load((data / "demo-patrol.yaml").read_text(encoding="utf-8"))
    return urlsplit(conf["sites"][0]["url"]).port


def test_demo_twice_then_on_a_taken_port(tmp_path):
    data = tmp_path / "data"
    first = _patrol(data, "demo", "--scale", "small")
    truth = json.loads((data / "demo-truth.json").read_text(encoding="utf-8"))
    want = _summary(first)
    assert want["figures"] == (truth["counts_2012"]["total"], truth["counts_all"]["total"])
    port = _port(data)

    second = _patrol(data, "demo", "--scale", "small")
    assert f"沿用上次演示的地址（端口 {port}）" in second, second[:600]
    assert _summary(second) == want

    # the bureau reviews two findings; then the port is taken and the network moves
    _patrol(
        data,
        "django",
        "shell",
        "-c",
        "from screening.models import Finding\n"
        "fs = list(Finding.objects.order_by('id')[:2])\n"
        "fs[0].review(None, 'confirmed', '确认涉密')\n"
        "fs[1].review(None, 'dismissed', '公开的办事电话')\n",
    )
    host = yaml.safe_load((data / "demo-patrol.yaml").read_text(encoding="utf-8"))["sites"][0]["url"]
    hold = socket.socket()
    hold.bind((urlsplit(host).hostname, port))
    hold.listen(1)
    try:
        third = _patrol(data, "demo", "--scale", "small")
    finally:
        hold.close()
    assert f"上次演示的端口 {port} 已被占用" in third, third[:600]
    assert _port(data) != port
    n_sites = len(truth["counts_all"]["sites"])
    assert f"网站迁移 {n_sites} 处" in third, third
    assert _summary(third) == want
    db = sqlite3.connect(f"file:{data / 'patrol.sqlite3'}?mode=ro", uri=True)
    moved = db.execute(
        "select f.status, r.note from screening_finding f join crawler_page p on p.id = f.page_id "
        "join crawler_item i on i.id = p.item_id left join screening_review r on r.finding_id = f.id "
        "where i.moved_from_id is not null order by f.id"
    ).fetchall()
    statuses = sorted(status for status, _ in moved)
    assert statuses.count("confirmed") == 1 and statuses.count("dismissed") == 1, moved
    assert all("沿用网站迁移前" in note for status, note in moved if status != "open"), moved
    # every item at the new address keeps its first patrol
    first_run = db.execute("select min(id) from crawler_patrolrun").fetchone()[0]
    seen = db.execute(
        "select distinct first_seen_run_id from crawler_item where url like ? and external = 0",
        (f"%:{_port(data)}/%",),
    ).fetchall()
    assert seen == [(first_run,)]
