"""What reading script-drawn columns costs a network that has none (issue 7, item 6).

Patrols of the demo network (scale ``PATROL_BENCH_SCALE``, default small) with the scripted-column
reading on, against the named baseline "scripted reading off" (``PATROL_SCRIPTED=off``), run in
this same process, alternated, best of ``PATROL_BENCH_ROUNDS`` (default 3) each. Target: the same
requests, and at most 5 % more time.

End-to-end times on a shared machine vary by more than 5 % from run to run, so they are printed
for information (CPU and wall, both modes), and the check is on the work the reading adds, measured
in this process on the same pages: every structural page the patrol fetched (homepage, tree pages,
first list pages) is parsed as the patrol parses it (baseline), and the pages without rows also go
through the scripted-column hook (``scripted.read`` and the render evidence); the hook's CPU time is
compared with the patrol's own CPU time.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
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


def _structural_urls(data: Path, cfg: Path) -> list[str]:
    env = {**os.environ, "PATROL_DATA": str(data), "PATROL_CONFIG": str(cfg)}
    code = (
        "import os, json, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings'); "
        "django.setup(); from crawler.models import Page; "
        "print(json.dumps(sorted(set(Page.objects.filter(kind__in=['home','list']).values_list('url', flat=True)))))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _hook_cost(pages: list[tuple[str, str]], repeat: int = 5) -> tuple[float, float, int]:
    """(parse CPU s, hook CPU s, pages the hook looked at), best of ``repeat``."""
    from crawler import render
    from crawler.extract import parse_list
    from crawler.extract.profiles import scripted

    parsed = [(u, h, parse_list(u, h)) for u, h in pages]
    todo = [(u, h, p) for u, h, p in parsed if not (p.entries or p.empty or p.post)]
    best_parse = best_hook = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for u, h in pages:
            parse_list(u, h)
        t1 = time.process_time()
        for u, h, p in todo:
            if scripted.read(u, h, p, accept=lambda x: True) is None:
                render.needs_render(h)
        t2 = time.process_time()
        best_parse, best_hook = min(best_parse, t1 - t0), min(best_hook, t2 - t1)
    return best_parse, best_hook, len(todo)


def main() -> int:
    from demo.server import DemoNetwork

    rounds = int(os.environ.get("PATROL_BENCH_ROUNDS", "3"))
    tmp = Path(tempfile.mkdtemp(prefix="patrol-script-bench-"))
    net = DemoNetwork(scale=os.environ.get("PATROL_BENCH_SCALE", "small"))
    net.start()
    walls: dict[str, list[float]] = {"off": [], "on": []}
    pages: list[tuple[str, str]] = []
    cpus: dict[str, list[float]] = {"off": [], "on": []}
    reqs: dict[str, set[int]] = {"off": set(), "on": set()}
    try:
        for i in range(rounds):
            for mode in ("off", "on") if i % 2 == 0 else ("on", "off"):
                wall, cpu, n = _patrol(net, tmp / f"{mode}{i}", mode)
                walls[mode].append(wall)
                cpus[mode].append(cpu)
                reqs[mode].add(n)
        from crawler.extract import decode_html

        for url in _structural_urls(tmp / "off0" / "data", tmp / "off0" / "patrol.yaml"):
            with urllib.request.urlopen(url, timeout=30) as resp:
                ctype = resp.headers.get("Content-Type", "")
                charset = ctype.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in ctype else None
                pages.append((url, decode_html(resp.read(), charset)))
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
        f"end to end, on/{BASELINE}: CPU {on / off:.3f}x, wall {won / woff:.3f}x (noisy on a shared machine)"
    )
    parse, hook, looked = _hook_cost(pages)
    share = hook / off
    print(
        f"the hook on {looked} of {len(pages)} structural pages (no rows, no 暂无信息): {1000 * hook:.1f} ms CPU, "
        f"{hook / max(parse, 1e-9):.3f}x the parse of those {len(pages)} pages; "
        f"added to the patrol: {100 * share:.2f} % of its CPU (target <= 5 %); "
        f"requests equal: {reqs['on'] == reqs['off']}"
    )
    assert reqs["on"] == reqs["off"], "reading scripted columns sent extra requests on a network without them"
    assert share <= 0.05, f"reading scripted columns adds {100 * share:.1f} % to the patrol's CPU"
    return 0


if __name__ == "__main__":
    sys.exit(main())
