"""Run the real ``patrol`` CLI in child processes against a demo network on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Verbs whose command takes Django's --skip-checks (the product's own management commands; not
# ``django`` — Django's shell takes none — nor the lean ``screen``, which never starts Django).
_NO_SKIP_CHECKS = {"django", "screen", "help", "--help", "-h"}


def cli_args(args: tuple[str, ...]) -> tuple[str, ...]:
    """The verb's arguments with Django's system checks skipped.

    Every ``patrol`` start ran the checks (importing every view for the URL checks: about 0.4 s
    of CPU of a 1 s start, hundreds of times a suite). The checks themselves are asserted where
    they are the point: test_web_security (``check --deploy``) and test_deploy (``patrol django
    check``). ``--skip-checks`` goes right after the verb (``report`` has sub-commands).
    """
    if not args or args[0] in _NO_SKIP_CHECKS:
        return args
    return (args[0], "--skip-checks", *args[1:])


def patrol(
    data: Path, cfg: Path, *args: str, check: bool = True, timeout: float = 900, env: dict | None = None
) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env or {}), "PATROL_DATA": str(data), "PATROL_CONFIG": str(cfg)}
    proc = subprocess.run(
        [sys.executable, "-m", "config.cli", "--config", str(cfg), "--data", str(data), *cli_args(args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"patrol {' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc


def counts_json(data: Path, cfg: Path, *period: str) -> dict:
    return json.loads(patrol(data, cfg, "report", "counts", *period, "--format", "json").stdout)


def column_key(col: dict) -> tuple:
    return col["url"], col["items"], col["items_total"], col["last_published"], col["category"]


def assert_counts_equal(got: dict, want: dict) -> None:
    """Exact comparison with a readable first difference."""
    assert (got["from"], got["to"]) == (want["from"], want["to"])
    got_sites = {s["id"]: s for s in got["sites"]}
    want_sites = {s["id"]: s for s in want["sites"]}
    assert sorted(got_sites) == sorted(want_sites)
    problems = []
    for sid, ws in want_sites.items():
        gs = got_sites[sid]
        if (gs["items"], gs["tier"]) != (ws["items"], ws["tier"]):
            problems.append(
                f"site {sid}: items {gs['items']} != {ws['items']} (tier {gs['tier']}/{ws['tier']})"
            )
        gcols = {c["url"]: c for c in gs["columns"]}
        wcols = {c["url"]: c for c in ws["columns"]}
        for url in sorted(set(gcols) | set(wcols)):
            g, w = gcols.get(url), wcols.get(url)
            if g is None or w is None:
                problems.append(f"site {sid}: column {url} {'missing' if g is None else 'extra'}")
            elif column_key(g) != column_key(w):
                problems.append(
                    f"site {sid}: column {url} ({w['name']}) got {column_key(g)[1:]} want {column_key(w)[1:]}"
                )
    assert not problems, "\n".join(problems[:40])
    assert got["tiers"] == want["tiers"]
    assert got["total"] == want["total"]


SMALL_CRAWL = {"delay_seconds": 0, "autothrottle": False, "concurrency_per_site": 4}


def crawl_small_network(tmp_root: Path):
    """Start the small demo network and patrol it once; returns (network, data dir, config path).

    The patrol runs with the default settings (scripted-column reading on), and the requests it
    sent are kept as ``network.first_patrol_requests`` (path -> times asked). The caller stops the
    network. Used by the session fixture ``crawled_small``.
    """
    from demo.server import DemoNetwork

    net = DemoNetwork(scale="small")
    net.start()
    data, cfg = tmp_root / "data", tmp_root / "patrol.yaml"
    net.write_config(cfg, crawl=SMALL_CRAWL)
    net.reset_counters()
    patrol(data, cfg, "crawl", "--quiet", env={"PATROL_SCRIPTED": "on"})
    net.first_patrol_requests = dict(net.requests_by_path)
    return net, data, cfg
