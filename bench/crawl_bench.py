"""Full and incremental patrol of the demo network on loopback, politeness lifted: in the
default configuration (the targets are checked on it; ``crawl.processes: 0`` splits the patrol
over the cores when the politeness allows it, as here) and with one crawl process.

Baseline, run in the same benchmark: a bare Scrapy spider that only downloads the same
URLs the patrol fetched (no parsing, no store, no screening), three times, the median run
taken. The ratio tells what the patrol's own work costs on top of fetching.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_RUNS = 3
FIRST_RUNS = 3  # first patrols per configuration, each into an empty store; the median is taken

_BASELINE = r"""
import json, sys, scrapy
from scrapy.crawler import CrawlerProcess
urls = json.load(open(sys.argv[1]))
class Fetch(scrapy.Spider):
    name = "fetch"
    async def start(self):
        for u in urls:
            yield scrapy.Request(u, callback=self.parse, dont_filter=True, meta={"handle_httpstatus_all": True})
    def parse(self, response):
        pass
p = CrawlerProcess(settings={"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "TELNETCONSOLE_ENABLED": False, "TWISTED_REACTOR": "twisted.internet.epollreactor.EPollReactor"})
p.crawl(Fetch); p.start()
"""


def _child(cmd: list[str], env: dict) -> tuple[float, float, dict]:
    """Run a child process; returns (wall s, CPU s of it and its descendants, memory peaks in KiB
    of the whole process tree — the patrol and its screening workers together, sampled: ``rss``
    sums resident sets (shared pages counted in every process), ``pss`` shares them out (each
    page counted once), ``main`` is the patrol process alone)."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"rss": 0, "pss": 0, "main": 0}
    parts = ""  # the processes' shares at the PSS peak, printed with it
    roles: dict[int, str] = {}
    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        rss = pss = 0
        shares: list[tuple[str, int]] = []
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            procs = []
        for p in procs:
            try:
                if "chrom" in p.name().lower():
                    continue  # a headless browser is reported apart (none on this network)
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                if p.pid not in roles:
                    roles[p.pid] = _role(p, root)
                shares.append((roles[p.pid], getattr(info, "pss", info.rss)))
                if p.pid == root.pid:
                    peak["main"] = max(peak["main"], info.rss)
            except psutil.Error:
                pass
        if pss > peak["pss"]:
            parts = f"at {time.perf_counter() - t0:.1f} s: " + ", ".join(
                f"{role} {size >> 20}" for role, size in sorted(shares, key=lambda rs: -rs[1])
            )
        peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
        time.sleep(0.3)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd[-2:])} failed: {err[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, {**{k: v // 1024 for k, v in peak.items()}, "parts": parts}


def _role(p, root) -> str:
    """What a process of the patrol's tree is, for the memory line: the patrol process, a crawl
    process it forked, the screening pool's template or one of its workers, or another helper."""
    if p.pid == root.pid:
        return "patrol"
    line = " ".join(p.cmdline())
    if "config.cli" in line:
        return "crawl"
    if "spawn_main" in line:
        return "worker" if "spawn_main" in " ".join(_parent_cmdline(p)) else "template"
    return "helper"


def _parent_cmdline(p) -> list[str]:
    try:
        return p.parent().cmdline()
    except Exception:  # noqa: BLE001 - gone meanwhile
        return []


def main() -> int:
    from demo.server import DemoNetwork

    data = Path(tempfile.mkdtemp(prefix="patrol-bench-"))
    # measured on the demo without its scanned documents: OCR (~400 MB per worker with its models)
    # is reported apart by bench.ocr_bench and bench.pool_bench, as issue 9 asks
    lifted = {"concurrency_per_site": 8, "delay_seconds": 0, "autothrottle": False, "obey_robots": True}
    other = os.environ.get("PATROL_BENCH_NETWORK", "").strip()
    if other:  # another network (module:Class), e.g. one of the tests' unseen ones: same measures
        import importlib

        module, _, cls = other.partition(":")
        net = getattr(importlib.import_module(module), cls)()
        print(f"network: {other} (PATROL_BENCH_NETWORK)")
    else:
        net = DemoNetwork(scale=os.environ.get("PATROL_BENCH_SCALE", "full"), scans=False)
    net.start()
    try:
        cfg = data / "patrol.yaml"
        try:
            net.write_config(cfg, crawl=lifted)
        except TypeError:  # a network whose config takes no crawl settings: its own (lifted) ones
            net.write_config(cfg)
        env = {**os.environ, "PATROL_DATA": str(data), "PATROL_CONFIG": str(cfg)}
        patrol = [
            sys.executable,
            "-m",
            "config.cli",
            "--config",
            str(cfg),
            "--data",
            str(data),
            "crawl",
            "--quiet",
        ]
        # the default configuration (crawl.processes: 0 chooses by politeness and cores; lifted
        # here, so split on a machine of several cores), then one crawl process said outright
        default = {k: v for k, v in env.items() if k != "PATROL_CRAWL_PROCESSES"}
        wall1, cpu1, rss1, firsts = _first_patrols(patrol, default, data)
        wall2, cpu2, rss2 = _child(patrol, default)
        stats = _runs(default)
        one_data = data / "one"
        one_env = {**default, "PATROL_DATA": str(one_data), "PATROL_CRAWL_PROCESSES": "1"}
        one_cmd = [*patrol[:-4], "--data", str(one_data), "crawl", "--quiet"]
        wallo1, cpuo1, rsso1, ofirsts = _first_patrols(one_cmd, one_env, one_data)
        _child(one_cmd, one_env)
        one_stats = _runs(one_env)
        chosen = _processes(default)
        urls = _fetched_urls(env)
        url_file = data / "urls.json"
        url_file.write_text(json.dumps(urls))
        script = data / "baseline.py"
        script.write_text(_BASELINE)
        # the bare spider three times, the median taken (one run varied from 380 to 505 pages/s
        # between benchmarks on the same idle machine); each run is printed
        bases = sorted(
            (_child([sys.executable, str(script), str(url_file)], env)[:2] for _ in range(BASELINE_RUNS)),
            key=lambda wc: wc[0],
        )
        wallb, cpub = bases[len(bases) // 2]
    finally:
        net.stop()
    first, second = stats[0], stats[1]
    pages1 = first["pages"] + first["attachments"]
    rate = pages1 / wall1
    base_rate = len(urls) / wallb
    cpu_page, base_cpu_page = cpu1 / max(1, pages1), cpub / max(1, len(urls))
    speed, cpu_ratio = rate / base_rate, cpu_page / max(1e-9, base_cpu_page)
    sql1 = first["sql"] / max(1, first["requests"])
    floor = first["structural"] + first["hosts"]  # one conditional request per structural page + robots.txt
    ok = lambda good: "met" if good else "NOT MET"  # noqa: E731
    print(f"default configuration: {chosen} crawl process(es) on {os.cpu_count()} cores")
    print(f"first patrols (each into an empty store; the median is taken): {firsts}")
    print(
        f"first patrol:  {first['requests']} requests, {pages1} pages+attachments in {wall1:.1f} s "
        f"= {rate:.0f} pages/s; CPU {1000 * cpu_page:.2f} s per 1,000 pages"
    )
    print(
        f"baseline (bare Scrapy fetch of the same {len(urls)} URLs, no parse/store/screen): "
        f"{base_rate:.0f} pages/s, CPU {1000 * base_cpu_page:.2f} s per 1,000 pages"
    )
    print(
        f"baseline runs: {', '.join(f'{len(urls) / w:.0f}' for w, _ in bases)} pages/s (the median is the "
        f"baseline; against the fastest run the patrol is {rate / (len(urls) / bases[0][0]):.2f}x)"
    )
    print(f"patrol/baseline speed {speed:.2f}x (target >= 0.70: {ok(speed >= 0.7)})")
    print(f"patrol/baseline CPU per page {cpu_ratio:.2f}x (target <= 2.00: {ok(cpu_ratio <= 2.0)})")
    print(
        f"SQL statements per request {sql1:.2f} ({first['sql']} / {first['requests']}; target <= 3: {ok(sql1 <= 3)})"
    )
    peak = max(rss1["pss"], rss2["pss"]) / 1024
    print(
        f"peak memory, patrol + screening workers: PSS {rss1['pss'] / 1024:.0f} MiB (RSS summed "
        f"{rss1['rss'] / 1024:.0f} MiB, the patrol process alone {rss1['main'] / 1024:.0f} MiB; PSS by process, "
        f"MiB, {rss1['parts']}); second patrol "
        f"PSS {rss2['pss'] / 1024:.0f} MiB (target <= 300 MiB PSS: {ok(peak <= 300)})"
    )
    print(
        f"second patrol: {second['requests']} requests in {wall2:.1f} s ({second['not_modified']} answered 304); "
        f"floor {floor} = {first['structural']} structural pages + {first['hosts']} robots.txt; "
        f"requests/floor = {second['requests'] / max(1, floor):.3f} (target 1.000: {ok(second['requests'] <= floor)})"
    )
    ofirst, osecond = one_stats[0], one_stats[1]
    opages = ofirst["pages"] + ofirst["attachments"]
    orate = opages / wallo1
    osql = ofirst["sql"] / max(1, ofirst["requests"])
    ofloor = ofirst["structural"] + ofirst["hosts"]
    print(f"one crawl process, first patrols (the median is taken): {ofirsts}")
    print(
        f"one crawl process (crawl.processes: 1): {ofirst['requests']} requests, {opages} "
        f"pages+attachments in {wallo1:.1f} s = {orate:.0f} pages/s = {orate / base_rate:.2f}x the baseline "
        f"(target >= 0.70: {ok(orate / base_rate >= 0.7)}); CPU per page "
        f"{cpuo1 / max(1, opages) / max(1e-9, base_cpu_page):.2f}x; SQL per request {osql:.2f}; peak PSS "
        f"{rsso1['pss'] / 1024:.0f} MiB (target <= 300: {ok(rsso1['pss'] / 1024 <= 300)}; {rsso1['parts']}); second patrol "
        f"requests/floor {osecond['requests'] / max(1, ofloor):.3f}"
    )
    assert opages == pages1, f"the one-process patrol stored {opages} pages+attachments, the default {pages1}"
    assert second["requests"] <= 0.10 * first["requests"], (
        "incremental patrol sent more than 10% of the requests"
    )
    return 0


def _first_patrols(cmd: list[str], env: dict, data: Path) -> tuple[float, float, dict, str]:
    """The first patrol of the network :data:`FIRST_RUNS` times, each into an empty store, as the
    baseline is run three times: the median wall time and the median CPU time (the same machine
    varied by a tenth from one run to the next), the highest memory peaks of all runs, and each
    run as printed. The store of ``data`` keeps the first run's patrol (the second,
    incremental patrol follows it); the others go to folders of their own, removed after."""
    import shutil

    runs = [_child(cmd, env)]
    for i in range(1, FIRST_RUNS):
        other = data.with_name(f"{data.name}-first{i}")
        flags = [*cmd[:-2]]
        flags[flags.index("--data") + 1] = str(other)
        runs.append(_child([*flags, *cmd[-2:]], {**env, "PATROL_DATA": str(other)}))
        shutil.rmtree(other, ignore_errors=True)
    by_wall = sorted(runs, key=lambda r: r[0])
    cpus = sorted(r[1] for r in runs)
    wall = by_wall[len(runs) // 2][0]
    peaks = {k: max(r[2][k] for r in runs) for k in ("rss", "pss", "main")}  # the highest of all runs
    highest = max(range(len(runs)), key=lambda i: runs[i][2]["pss"])
    peaks["parts"] = f"run {highest + 1} {runs[highest][2]['parts']}"
    said = ", ".join(f"{w:.1f} s wall / {c:.1f} s CPU" for w, c, _ in runs)
    return wall, cpus[len(runs) // 2], peaks, said


def _django(env: dict, code: str) -> str:
    prog = (
        "import os, django, json; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings'); "
        "django.setup(); " + code
    )
    return subprocess.run(
        [sys.executable, "-c", prog], env=env, capture_output=True, text=True, check=True
    ).stdout


def _runs(env: dict) -> list[dict]:
    out = _django(
        env,
        "from urllib.parse import urlsplit; from crawler.models import PatrolRun as R, Page; "
        "print(json.dumps([{'requests': r.requests, 'pages': r.pages, "
        "'attachments': r.stats.get('attachments', 0), 'sql': r.stats.get('sql', 0), "
        "'not_modified': r.stats.get('not_modified', 0), "
        "'structural': Page.objects.filter(run=r, kind__in=('home', 'list')).values('url').distinct().count(), "
        "'hosts': len({urlsplit(u).netloc for u in Page.objects.filter(run=r).values_list('url', flat=True)})} "
        "for r in R.objects.order_by('id')]))",
    )
    return json.loads(out)


def _processes(env: dict) -> int:
    """Crawl processes the default configuration chose (the latest patrol's queue says)."""
    out = _django(
        env,
        "from crawler.models import PatrolRun as R; r = R.objects.order_by('id').last(); "
        "print((r.stats.get('queue') or {}).get('processes', 1))",
    )
    return int(out.strip())


def _fetched_urls(env: dict) -> list[str]:
    out = _django(
        env,
        "from crawler.models import Page, Attachment; "
        "print(json.dumps(list(Page.objects.values_list('url', flat=True)) + "
        "list(Attachment.objects.values_list('url', flat=True))))",
    )
    return json.loads(out)


if __name__ == "__main__":
    sys.exit(main())
