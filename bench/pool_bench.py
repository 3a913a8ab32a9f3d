"""The screening pool against screening in the caller's process, on the same documents, same run.

Documents: the real pages and real government text/DOCX of ``../shared`` plus generated PDF,
DOCX and XLSX files, repeated to ``POOL_BENCH_DOCS`` (default 240) jobs. Measured:

* baseline — ``screen_bytes`` one document after another in this process, binary formats in a
  forked sandbox each (what the spider's callback does today);
* pool — every job submitted to a ``ScreenPool`` at once (workers: ``POOL_BENCH_WORKERS``,
  default ``min(2, cpus)``), then waited for.

Printed: documents/s of each and the ratio; CPU seconds the *calling* process spends per
1,000 documents (what the crawl's process pays) and that ratio; the pool's start-up (template
ready); the memory of the template and each worker after start and after the run (RSS, PSS,
USS: shared pages are counted once in PSS, so the pool's real cost is the PSS sum). Results
must equal the baseline's; a difference fails the benchmark.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED = Path(os.environ.get("PATROL_SHARED", ROOT.parent / "shared"))
MB = 1024 * 1024


def _documents():
    from tests.test_screen_pool import _real_jobs, _samples

    return _samples() + _real_jobs()


def _print_memory(title: str, pool) -> float:
    rows = pool.memory()
    for r in rows:
        print(
            f"  {title:<9} {r['role']:<8} pid {r['pid']:>7}: RSS {r['rss'] / MB:6.1f} MB"
            f"  PSS {r['pss'] / MB:6.1f} MB  USS {r['uss'] / MB:6.1f} MB"
        )
    total = sum(r["pss"] for r in rows) / MB
    print(f"  {title:<9} pool total PSS {total:.1f} MB (RSS sum {sum(r['rss'] for r in rows) / MB:.1f} MB)")
    return total


def main() -> int:
    from screening.extract import Limits
    from screening.pool import ScreenJob, ScreenPool, default_workers
    from screening.service import screen_bytes

    distinct = _documents()
    n = int(os.environ.get("POOL_BENCH_DOCS", "240"))
    jobs = [
        ScreenJob(i, d.data, d.name, d.content_type, d.url)
        for i, d in zip(range(n), distinct * (n // len(distinct) + 1), strict=False)
    ]
    workers = int(os.environ.get("POOL_BENCH_WORKERS", default_workers()))
    size = sum(len(j.data) for j in jobs) / MB
    print(f"{len(jobs)} documents ({size:.1f} MB), {workers} workers, {os.cpu_count()} cpus")

    started = time.monotonic()
    pool = ScreenPool(workers=workers)
    pool.submit(ScreenJob("warm", b"<p>warm</p>", "w.html")).result()
    print(f"pool start-up (template ready, first result): {time.monotonic() - started:.2f} s")
    idle = _print_memory("idle", pool)

    limits = Limits()
    screen_bytes(b"<p>warm</p>", "w.html", limits=limits)  # the baseline's jieba loaded first
    wall, cpu = time.monotonic(), time.process_time()
    baseline = [
        screen_bytes(j.data, j.name, content_type=j.content_type, url=j.url, limits=limits) for j in jobs
    ]
    base_wall, base_cpu = time.monotonic() - wall, time.process_time() - cpu

    wall, cpu = time.monotonic(), time.process_time()
    futures = [pool.submit(j) for j in jobs]
    results = [f.result() for f in futures]
    pool_wall, pool_cpu = time.monotonic() - wall, time.process_time() - cpu
    busy = _print_memory("after run", pool)
    pool.close()

    different = [j.key for j, a, b in zip(jobs, baseline, results, strict=True) if a != b]
    print(f"baseline (in process, sandbox per binary): {len(jobs) / base_wall:7.1f} docs/s")
    print(f"pool:                                      {len(jobs) / pool_wall:7.1f} docs/s")
    print(f"throughput pool/baseline: {base_wall / pool_wall:.2f}x")
    print(
        f"caller CPU per 1,000 docs: baseline {1000 * base_cpu / len(jobs):.1f} s, "
        f"pool {1000 * pool_cpu / len(jobs):.1f} s ({pool_cpu / base_cpu:.3f}x)"
    )
    print(f"pool PSS: idle {idle:.1f} MB, after the run {busy:.1f} MB")
    assert not different, f"pool results differ from the baseline for {different[:5]}"
    assert pool_cpu < base_cpu, "the pool costs the calling process more CPU than screening itself"
    return 0


if __name__ == "__main__":
    sys.exit(main())
