"""A simulated province: N county networks of the demo kind on loopback, for scale-out tests and
benchmarks.

County k (1-based) is the demo network generated from ``seed + k`` at the given scale, its hosts
on ``127.0.k.2 …`` (one /24 per county, so no two counties share a host), its site ids
prefixed ``c<k>-`` and its county name replaced, so the whole province is one config. Every
county is served by one listener set on one port and one loop thread (demo.httpd), with the
demo's revalidation and request counters per county. Deterministic: the same (counties, scale,
seed) give the same pages, config and truth.

    python -m demo.province --counties 10 --scale small --config province.yaml --truth truth.json
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import yaml

from demo.generator import DEFAULT_SEED
from demo.httpd import Listeners
from demo.server import LOOPBACK_CRAWL, DemoNetwork

DEMO_COUNTY = "石泉"
# county names of a province (Shaanxi's Ankang and Hanzhong prefectures), then numbered ones
COUNTY_NAMES = [
    "汉阴", "宁陕", "紫阳", "岚皋", "平利", "镇坪", "旬阳", "白河", "城固", "洋县",
    "西乡", "勉县", "宁强", "略阳", "镇巴", "留坝", "佛坪", "商南", "山阳", "镇安",
]  # fmt: skip
MAX_COUNTIES = 250  # 127.0.k.0/24 with k = 1 … 250


def county_name(k: int) -> str:
    return COUNTY_NAMES[k - 1] if k <= len(COUNTY_NAMES) else f"第{k}"


def county_prefix(k: int) -> str:
    return f"c{k:02d}-"


class Province:
    """N demo county networks, one port for all, ``127.0.k.*`` for county k."""

    def __init__(self, counties: int = 10, scale: str = "small", seed: int = DEFAULT_SEED, port: int = 0):
        if not 1 <= counties <= MAX_COUNTIES:
            raise ValueError(f"counties: 1 … {MAX_COUNTIES}")
        self.scale, self.seed, self.port = scale, seed, port
        self.counties: list[DemoNetwork] = []
        for k in range(1, counties + 1):
            county = DemoNetwork(scale, seed + k)
            net = county.network
            net.loopback = f"127.0.{k}.{{}}"
            name = county_name(k)
            for site in net.sites:
                site.id = county_prefix(k) + site.id
                if site.name.startswith(DEMO_COUNTY):
                    site.name = name + site.name[len(DEMO_COUNTY) :]
                else:  # towns: the county's name first, as a province-wide list writes them
                    site.name = f"{name}县{site.name}"
            self.counties.append(county)
        self._listeners: Listeners | None = None
        self._by_prefix = {c.network.loopback.rsplit(".", 1)[0]: c for c in self.counties}

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> Province:
        if self._listeners is not None:
            return self
        addresses = [c.network.address(h) for c in self.counties for h in c.network.hosts()]
        listeners = Listeners(addresses, self._handle)
        self.port = listeners.start(self.port)
        for c in self.counties:
            c.port = c.network.port = self.port
            c._rebuild()
        self._listeners = listeners
        return self

    def stop(self) -> None:
        if self._listeners is not None:
            self._listeners.stop()
            self._listeners = None

    def __enter__(self) -> Province:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _handle(self, address: str, method: str, target: str, headers: dict, body: bytes):
        return self._by_prefix[address.rsplit(".", 1)[0]]._handle(address, method, target, headers, body)

    # ----------------------------------------------------------------- figures
    @property
    def sites(self) -> int:
        return sum(len(c.network.sites) for c in self.counties)

    @property
    def hosts(self) -> int:
        return sum(len(c.network.hosts()) for c in self.counties)

    @property
    def requests_total(self) -> int:
        return sum(c.requests_total for c in self.counties)

    @property
    def requests_by_status(self) -> Counter[int]:
        out: Counter[int] = Counter()
        for c in self.counties:
            out.update(c.requests_by_status)
        return out

    def reset_counters(self) -> None:
        for c in self.counties:
            c.reset_counters()

    def mutate(self) -> None:
        for c in self.counties:
            c.mutate()

    # ----------------------------------------------------------------- config and truth
    def sites_config(self) -> list[dict]:
        return [s for c in self.counties for s in c.sites_config()]

    def write_config(self, path: str | Path, crawl: dict | None = None, **extra) -> Path:
        """One patrol.yaml for every site of every county, politeness lifted as the demo's."""
        conf = {"sites": self.sites_config(), "crawl": {**LOOPBACK_CRAWL, **(crawl or {})}, **extra}
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return p

    def truth(self) -> dict:
        """The counties' truths side by side and merged (counties share no item, site or host)."""
        per = [c.truth() for c in self.counties]
        return {
            "scale": self.scale,
            "seed": self.seed,
            "counties": [
                {
                    "county": county_name(k),
                    "prefix": county_prefix(k),
                    "seed": t["seed"],
                    "sites": len(t["sites"]),
                }
                for k, t in enumerate(per, 1)
            ],
            "counts_2012": merge_counts([t["counts_2012"] for t in per]),
            "counts_all": merge_counts([t["counts_all"] for t in per]),
            "annual_2012": merge_sums([t["annual_2012"] for t in per]),
            "timeliness_2013_01_07": {
                "as_of": per[0]["timeliness_2013_01_07"]["as_of"],
                "findings": [f for t in per for f in t["timeliness_2013_01_07"]["findings"]],
            },
            "screening_positives": [p for t in per for p in t["screening_positives"]],
            "hard_negatives": [p for t in per for p in t["hard_negatives"]],
            "sites": [s for t in per for s in t["sites"]],
        }

    def write_truth(self, path: str | Path) -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(self.truth(), ensure_ascii=False, indent=1), encoding="utf-8")
        return p


def merge_counts(parts: list[dict]) -> dict:
    """The counts contract over disjoint networks of one period."""
    periods = {(p["from"], p["to"]) for p in parts}
    if len(periods) != 1:
        raise ValueError(f"counts of different periods: {sorted(periods)}")
    tiers: Counter[str] = Counter()
    for p in parts:
        tiers.update(p["tiers"])
    return {
        "from": parts[0]["from"],
        "to": parts[0]["to"],
        "total": sum(p["total"] for p in parts),
        "tiers": {k: tiers[k] for k in parts[0]["tiers"]},
        "sites": [s for p in parts for s in p["sites"]],
    }


def merge_sums(parts: list[dict], agree: tuple[str, ...] = ("year",)) -> dict:
    """Numbers summed key by key (nested dicts too); the ``agree`` keys and non-numbers must agree."""
    out: dict = {}
    for p in parts:
        for k, v in p.items():
            if isinstance(v, dict):
                out[k] = merge_sums([out.get(k, {}), v], agree)
            elif isinstance(v, int | float) and not isinstance(v, bool) and k not in agree:
                out[k] = out.get(k, 0) + v
            elif k in out and out[k] != v:
                raise ValueError(f"{k}: {out[k]!r} != {v!r}")
            else:
                out[k] = v
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m demo.province", description="Serve a simulated province of demo county networks."
    )
    ap.add_argument("--counties", type=int, default=10)
    ap.add_argument("--scale", choices=["full", "small"], default="small")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--port", type=int, default=0, help="0: a free port")
    ap.add_argument("--config", help="write a patrol.yaml for the province here")
    ap.add_argument("--truth", help="write the ground truth JSON here")
    args = ap.parse_args(argv)
    prov = Province(args.counties, args.scale, args.seed, args.port).start()
    if args.config:
        prov.write_config(args.config)
    if args.truth:
        prov.write_truth(args.truth)
    print(
        f"serving {len(prov.counties)} counties, {prov.sites} sites on {prov.hosts} hosts, port {prov.port}; "
        "Ctrl-C stops",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        prov.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
