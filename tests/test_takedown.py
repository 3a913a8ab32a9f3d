"""Takedown verified by the next patrol, end to end on the demo network (issue 8, Done when).

The bureau confirms findings; between two patrols one attachment disappears (404), one page
loses its hit text, and the rest stay as they were. The second patrol, although incremental
(nothing in those columns changed), fetches every confirmed finding again and records the
verdict with its evidence: 已核实下架 for the first two, 未整改 (back in the queue) for the rest.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.crawl_helpers import patrol

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("crawl")]  # beside the shared small demo patrol

CONFIRM = """
import sys
from django.contrib.auth import get_user_model
from screening.models import Finding
user, _ = get_user_model().objects.get_or_create(username="bureau")
for url in sys.argv[1:]:
    Finding.objects.get(url=url).review(user, "confirmed", "已通知单位整改")
"""


def django_run(data, cfg, code: str, *args: str) -> str:
    env = {
        **os.environ,
        "PATROL_DATA": str(data),
        "PATROL_CONFIG": str(cfg),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    prog = "import django; django.setup()\n" + code
    proc = subprocess.run(
        [sys.executable, "-c", prog, *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def findings(data, cfg, status: str = "all") -> dict[str, dict]:
    out = json.loads(patrol(data, cfg, "findings", "--status", status, "--format", "json").stdout)
    return {f["url"]: f for f in out["findings"]}


def _route(net, url: str):
    parts = urlsplit(url)
    host = int(parts.hostname.rsplit(".", 1)[1])
    return (
        net._routes[host],
        parts.path,
        dict((k.lower(), v) for k, v in (p.split("=", 1) for p in parts.query.split("&") if "=" in p)),
    )


def make_gone(net, url: str):
    """This URL answers 404 from now on (other URLs on the same route are untouched); returns
    the function that puts the route back."""
    from demo.cms import common

    table, path, query = _route(net, url)
    orig = table[path]
    table[path] = lambda q, o=orig, want=query: common.not_found() if q == want else o(q)
    return lambda: table.__setitem__(path, orig)


def strip_text(net, url: str, texts: list[str]):
    """This URL is served without the given texts (the unit edited the page); returns the
    function that puts the route back."""
    table, path, query = _route(net, url)
    orig = table[path]

    def edited(q, o=orig, want=query):
        status, ctype, body = o(q)
        if q != want:
            return status, ctype, body
        m = re.search(r"charset=([\w-]+)", ctype) or re.search(r"charset=([\w-]+)", body.decode("latin-1"))
        enc = m.group(1) if m else "utf-8"
        for text in texts:
            body = body.replace(text.encode(enc), b"")
        return status, ctype, body

    table[path] = edited
    return lambda: table.__setitem__(path, orig)


def test_confirmed_findings_are_verified_by_the_next_patrol(crawled_small, tmp_path):
    # the first patrol: a copy of the shared patrol of the small demo (the network stays up)
    net, patrolled, cfg = crawled_small
    data = tmp_path / "data"
    shutil.copytree(patrolled, data)
    first = findings(data, cfg)
    flagged = [f for f in first.values() if f["flagged"]]
    pages = [f for f in flagged if f["url"] == f["page"]]
    attachments = [f for f in flagged if f["url"] != f["page"]]
    assert len(pages) >= 2 and len(attachments) >= 2, sorted(first)
    # a page whose hits are plain words (not masked personal data) can lose them
    edited = next(f for f in pages if all("*" not in h["text"] for h in f["hits"]))
    kept_page = next(f for f in pages if f is not edited)
    gone, kept_att = attachments[0], attachments[1]
    untouched = [f for f in first.values() if not f["flagged"]]
    confirmed = [edited["url"], kept_page["url"], gone["url"], kept_att["url"]]
    django_run(data, cfg, CONFIRM, *confirmed)
    assert {u: findings(data, cfg)[u]["status"] for u in confirmed} == dict.fromkeys(confirmed, "confirmed")

    undo = [make_gone(net, gone["url"])]
    undo.append(strip_text(net, edited["url"], [h["text"] for h in edited["hits"]]))
    try:
        net.reset_counters()
        patrol(data, cfg, "crawl", "--quiet")
    finally:  # the shared network as it was, for the other tests
        for put_back in reversed(undo):
            put_back()
    fetched = {k.split(f":{net.port}", 1)[1] for k in net.requests_by_path}
    for url in confirmed:  # fetched again although incremental rules would skip them
        parts = urlsplit(url)
        assert parts.path + (f"?{parts.query}" if parts.query else "") in fetched, url

    after = findings(data, cfg)
    assert after[gone["url"]]["status"] == "verified_removed"
    assert after[edited["url"]]["status"] == "verified_removed"
    assert after[kept_page["url"]]["status"] == "not_fixed"
    assert after[kept_att["url"]]["status"] == "not_fixed"
    for f in untouched:  # never confirmed: not checked, not changed
        assert after[f["url"]]["status"] == f["status"] == "open"
    # not fixed is back in the queue (``--status open`` lists open and not_fixed)
    queue = findings(data, cfg, "open")
    assert {kept_page["url"], kept_att["url"]} <= set(queue)
    assert gone["url"] not in queue and edited["url"] not in queue

    # the verdicts are reviews by the system (no reviewer) with their evidence
    db = sqlite3.connect(data / "patrol.sqlite3")
    rows = db.execute(
        "select f.url, r.reviewer_id, r.from_status, r.decision, r.note from screening_review r "
        "join screening_finding f on f.id = r.finding_id where r.decision != 'confirmed'"
    ).fetchall()
    verdicts = {url: (reviewer, src, to, note) for url, reviewer, src, to, note in rows}
    assert set(verdicts) == set(confirmed)
    assert all(v[0] is None and v[1] == "confirmed" for v in verdicts.values())
    assert "HTTP 404" in verdicts[gone["url"]][3]
    assert "命中已消失" in verdicts[edited["url"]][3]
    assert re.search(r"sha256 [0-9a-f]{64}", verdicts[edited["url"]][3])
    assert "仍可访问" in verdicts[kept_page["url"]][3] and "确认后 0 天" in verdicts[kept_page["url"]][3]
    # a new snapshot was stored as evidence of the edited page
    sha = re.search(r"sha256 ([0-9a-f]{64})", verdicts[edited["url"]][3]).group(1)
    assert (data / "snapshots" / sha[:2] / sha[2:4] / sha).is_file()
