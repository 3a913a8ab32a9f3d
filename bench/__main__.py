"""``make bench``: every benchmark of the project, each printing ratios against its baseline."""

from __future__ import annotations

import importlib
import sys

BENCHES = [
    "bench.crawl_bench",
    "bench.screen_bench",
    "bench.pool_bench",
    "bench.script_bench",
    "bench.ocr_bench",
    "bench.province_bench",
]


def main(argv: list[str]) -> int:
    wanted = argv or BENCHES
    failed = 0
    for name in wanted:
        mod = importlib.import_module(name if "." in name else f"bench.{name}")
        print(f"\n=== {mod.__name__} ===", flush=True)
        try:
            rc = mod.main()
        except AssertionError as exc:
            print(f"BENCHMARK CHECK FAILED: {exc}", flush=True)
            rc = 1
        failed += 1 if rc else 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
