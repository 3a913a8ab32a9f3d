"""What reading script-drawn columns costs a network that has none (issue 7, item 6).

Patrols of the demo network (scale ``PATROL_BENCH_SCALE``, default small) with the scripted-column
reading on, against the named baseline "scripted reading off" (``PATROL_SCRIPTED=off``), run in
this same process, alternated, best of ``PATROL_BENCH_ROUNDS`` (default 3) each. Target: the same
requests, and at most 5 % more time. The check is on the patrol process's CPU time (user + system),
which other work on a shared machine disturbs far less than wall time; wall time is printed too.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = "scripted reading off"


def _patrol(net, root: Path, mode: str) -> tuple[float, float, int]:
    data, cfg = root / "data", root / "patrol.yaml"
    root.mkdir(parents=True)
    net.write_config(
        cfg, crawl={"concurrency_per_site": 8, "delay_seconds": 0, "autothrottle": False, "obey_robots": True}
    )
    env = {**os.environ, "PATROL_DATA": str(data), "PATROL_CONFIG": str(cfg), "PATROL_SCRIPTED": mode}
    cmd = [sys.executable, "-m", "config.cli", "--config", str(cfg), "--data", str(data), "crawl", "--quiet"]
    net.reset_counters()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise AssertionError(f"patrol ({mode}) failed: {proc.stderr[-2000:]}")
    return wall, cpu, net.requests_total


def main() -> int:
    from demo.server import DemoNetwork

    rounds = int(os.environ.get("PATROL_BENCH_ROUNDS", "3"))
    tmp = Path(tempfile.mkdtemp(prefix="patrol-script-bench-"))
    net = DemoNetwork(scale=os.environ.get("PATROL_BENCH_SCALE", "small"))
    net.start()
    walls: dict[str, list[float]] = {"off": [], "on": []}
    cpus: dict[str, list[float]] = {"off": [], "on": []}
    reqs: dict[str, set[int]] = {"off": set(), "on": set()}
    try:
        for i in range(rounds):
            for mode in ("off", "on") if i % 2 == 0 else ("on", "off"):
                wall, cpu, n = _patrol(net, tmp / f"{mode}{i}", mode)
                walls[mode].append(wall)
                cpus[mode].append(cpu)
                reqs[mode].add(n)
    finally:
        net.stop()
    off, on = min(cpus["off"]), min(cpus["on"])
    woff, won = min(walls["off"]), min(walls["on"])
    for name, mode in ((f"baseline ({BASELINE})", "off"), ("scripted reading on", "on")):
        print(
            f"{name}: best of {rounds} patrols CPU {min(cpus[mode]):.2f} s, wall {min(walls[mode]):.2f} s, "
            f"requests {sorted(reqs[mode])}"
        )
    print(
        f"on/{BASELINE}: CPU {on / off:.3f}x (target <= 1.050), wall {won / woff:.3f}x; "
        f"requests equal: {reqs['on'] == reqs['off']}"
    )
    assert reqs["on"] == reqs["off"], "reading scripted columns sent extra requests on a network without them"
    assert on <= off * 1.05, f"reading scripted columns cost the patrol {100 * (on / off - 1):.1f} % more CPU"
    return 0


if __name__ == "__main__":
    sys.exit(main())
