"""Full and incremental patrol of the demo network on loopback, politeness lifted.

Baseline, run in the same benchmark: a bare Scrapy spider that only downloads the same
URLs the patrol fetched (no parsing, no store, no screening). The ratio tells what the
patrol's own work costs on top of fetching.
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


def _child(cmd: list[str], env: dict) -> tuple[float, float, int]:
    """Run a child process; returns (wall s, CPU s, peak RSS KiB) of that child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd[-2:])} failed: {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss


def main() -> int:
    from demo.server import DemoNetwork

    data = Path(tempfile.mkdtemp(prefix="patrol-bench-"))
    net = DemoNetwork(scale=os.environ.get("PATROL_BENCH_SCALE", "full"))
    net.start()
    try:
        cfg = data / "patrol.yaml"
        net.write_config(
            cfg,
            crawl={"concurrency_per_site": 8, "delay_seconds": 0, "autothrottle": False, "obey_robots": True},
        )
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
        wall1, cpu1, rss1 = _child(patrol, env)
        wall2, cpu2, rss2 = _child(patrol, env)
        stats = _runs(env)
        urls = _fetched_urls(env)
        url_file = data / "urls.json"
        url_file.write_text(json.dumps(urls))
        script = data / "baseline.py"
        script.write_text(_BASELINE)
        wallb, cpub, _ = _child([sys.executable, str(script), str(url_file)], env)
    finally:
        net.stop()
    first, second = stats[0], stats[1]
    pages1 = first["pages"] + first["attachments"]
    rate = pages1 / wall1
    base_rate = len(urls) / wallb
    cpu_page, base_cpu_page = cpu1 / max(1, pages1), cpub / max(1, len(urls))
    print(
        f"first patrol:  {first['requests']} requests, {pages1} pages+attachments in {wall1:.1f} s "
        f"= {rate:.0f} pages/s; CPU {1000 * cpu_page:.2f} s per 1,000 pages; peak RSS {rss1 / 1024:.0f} MiB"
    )
    print(
        f"baseline (bare Scrapy fetch of the same {len(urls)} URLs, no parse/store/screen): "
        f"{base_rate:.0f} pages/s, CPU {1000 * base_cpu_page:.2f} s per 1,000 pages"
    )
    print(
        f"patrol/baseline: speed {rate / base_rate:.2f}x, CPU per page {cpu_page / max(1e-9, base_cpu_page):.1f}x"
    )
    print(
        f"second patrol: {second['requests']} requests in {wall2:.1f} s; "
        f"second/first requests = {second['requests'] / max(1, first['requests']):.3f} (target <= 0.100)"
    )
    assert second["requests"] <= 0.10 * first["requests"], (
        "incremental patrol sent more than 10% of the requests"
    )
    return 0


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
        "from crawler.models import PatrolRun as R; print(json.dumps([{'requests': r.requests, "
        "'pages': r.pages, 'attachments': r.stats.get('attachments', 0)} "
        "for r in R.objects.order_by('id')]))",
    )
    return json.loads(out)


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
