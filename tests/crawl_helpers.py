"""Run the real ``patrol`` CLI in child processes against a demo network on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def patrol(
    data: Path, cfg: Path, *args: str, check: bool = True, timeout: float = 900
) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATROL_DATA": str(data), "PATROL_CONFIG": str(cfg)}
    proc = subprocess.run(
        [sys.executable, "-m", "config.cli", "--config", str(cfg), "--data", str(data), *args],
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


def crawl_small_network(tmp_root: Path):
    """Start the small demo network and patrol it once; returns (network, data dir, config path).

    The caller stops the network. Used by session fixtures of report tests.
    """
    from demo.server import DemoNetwork

    net = DemoNetwork(scale="small")
    net.start()
    data, cfg = tmp_root / "data", tmp_root / "patrol.yaml"
    net.write_config(cfg, crawl={"delay_seconds": 0, "autothrottle": False, "concurrency_per_site": 4})
    patrol(data, cfg, "crawl", "--quiet")
    return net, data, cfg
