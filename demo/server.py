"""The demo network on loopback: one HTTP/1.1 listener per host (127.0.0.2, 127.0.0.3 …), all on
one port and one asyncio loop in a background thread (demo.httpd), pages rendered on the fly
from the model, with ETag/Last-Modified revalidation (304) and request counters.

    python -m demo.server --scale full --port 8080 [--config patrol.yaml] [--truth truth.json]
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from demo.cms import common, routes
from demo.generator import DEFAULT_SEED, build_network
from demo.httpd import Listeners
from demo.model import Network
from demo.mutate import mutate as mutate_network
from demo.truth import compute_truth, sites_config, write_truth

BASE_LAST_MODIFIED = 1357516800  # 2013-01-07 00:00:00 UTC
LOOPBACK_CRAWL = {
    "concurrency_per_site": 4,
    "concurrency_per_host": 4,
    "delay_seconds": 0,
    "autothrottle": False,
    "obey_robots": True,
}


class DemoNetwork:
    """The demo portal network served on loopback addresses, one port for every host."""

    def __init__(
        self, scale: str = "small", seed: int = DEFAULT_SEED, port: int = 0, scans: bool | None = None
    ):
        self.scale, self.seed = scale, seed
        self.network: Network = build_network(scale, seed, scans)
        self.port = port
        self._listeners: Listeners | None = None
        self._routes: dict[int, dict] = {}
        self._lock = threading.RLock()
        self._validators: dict[str, tuple[str, int]] = {}
        self.requests_total = 0
        self.requests_by_path: Counter[str] = Counter()
        self.requests_by_status: Counter[int] = Counter()

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> DemoNetwork:
        """Bind every host on one free port (or the given one) and serve in the background."""
        if self._listeners is not None:
            return self
        listeners = Listeners([self.network.address(h) for h in self.network.hosts()], self._handle)
        self.port = self.network.port = listeners.start(self.port)
        self._rebuild()
        self._listeners = listeners
        return self

    def stop(self) -> None:
        if self._listeners is not None:
            self._listeners.stop()
            self._listeners = None

    @property
    def running(self) -> bool:
        return self._listeners is not None

    def __enter__(self) -> DemoNetwork:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ----------------------------------------------------------------- content
    def _rebuild(self) -> None:
        table: dict[int, dict] = {h: {} for h in self.network.hosts()}
        for site in self.network.sites:
            table[site.host].update(routes(self.network, site))
        for r in table.values():
            disallow = ["/admin/", "/search/"] + (["/gbook.asp"] if "/gbook.asp" in r else [])
            r["/robots.txt"] = lambda _q, d=disallow: common.robots(d)
        with self._lock:
            self._routes = table

    def _handle(
        self, address: str, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One request: route, render, revalidate, count."""
        host = int(address.rsplit(".", 1)[1])
        parts = urlsplit(target)
        query = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        if method == "POST" and body:
            form = body.decode("utf-8", "replace")
            query.update({k.lower(): v for k, v in parse_qsl(form, keep_blank_values=True)})
        with self._lock:
            status, ctype, data = self.respond(host, unquote(parts.path), query)
            key = f"{address}:{self.port}{target}"
            etag, last_modified = self.validators(key, data, status)
        out = [("Content-Type", ctype)]
        fresh = False
        if status == 200:
            out += [
                ("ETag", etag),
                ("Last-Modified", email.utils.formatdate(last_modified, usegmt=True)),
                ("Cache-Control", "max-age=0"),
            ]
            inm, ims = headers.get("if-none-match"), headers.get("if-modified-since")
            if inm is not None:
                fresh = inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
            elif ims is not None:
                try:
                    fresh = email.utils.parsedate_to_datetime(ims).timestamp() >= last_modified
                except (TypeError, ValueError):
                    fresh = False
        self.count(key, 304 if fresh else status)
        if fresh:
            return 304, out, b""
        return status, out, data

    def respond(self, host: int, path: str, query: dict) -> common.Response:
        handler = self._routes.get(host, {}).get(path)
        if handler is None:
            return common.not_found()
        try:
            return handler(query)
        except Exception as exc:  # a bug in the demo must not hang the client
            return 500, common.HTML, f"<html><body>500 {type(exc).__name__}</body></html>".encode()

    def validators(self, key: str, data: bytes, status: int) -> tuple[str, int]:
        etag = '"' + hashlib.md5(data).hexdigest()[:20] + '"'
        if status != 200:
            return etag, BASE_LAST_MODIFIED
        with self._lock:
            prev = self._validators.get(key)
            if prev is not None and prev[0] == etag:
                return prev
            stamp = BASE_LAST_MODIFIED + self.network.generation * 86400
            if prev is not None:
                stamp = max(stamp, prev[1] + 1)
            self._validators[key] = (etag, stamp)
            return etag, stamp

    def count(self, key: str, status: int) -> None:
        with self._lock:
            self.requests_total += 1
            self.requests_by_path[key] += 1
            self.requests_by_status[status] += 1

    def reset_counters(self) -> None:
        with self._lock:
            self.requests_total = 0
            self.requests_by_path.clear()
            self.requests_by_status.clear()

    def mutate(self) -> None:
        """Deterministic change for incremental tests (see demo.mutate); the truth follows it."""
        with self._lock:
            mutate_network(self.network)
            if self._listeners is not None:
                self._rebuild()

    # ----------------------------------------------------------------- config and truth
    def sites_config(self) -> list[dict]:
        return sites_config(self.network)

    def url(self, site_id: str = "county") -> str:
        return self.network.site_url(self.network.site(site_id))

    def write_config(self, path: str | Path, crawl: dict | None = None, **extra) -> Path:
        """A patrol.yaml for this network: its sites, and crawl settings with politeness lifted."""
        conf = {"sites": self.sites_config(), "crawl": {**LOOPBACK_CRAWL, **(crawl or {})}, **extra}
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(yaml.safe_dump(conf, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return p

    def truth(self) -> dict:
        with self._lock:
            return compute_truth(self.network)

    def write_truth(self, path: str | Path) -> Path:
        with self._lock:
            return write_truth(self.network, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m demo.server", description="Serve the demo portal network on loopback."
    )
    ap.add_argument("--scale", choices=["full", "small"], default="full")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--port", type=int, default=0, help="0: a free port")
    ap.add_argument("--config", help="write a patrol.yaml for the network here")
    ap.add_argument("--truth", help="write the ground truth JSON here")
    args = ap.parse_args(argv)
    demo = DemoNetwork(args.scale, args.seed, args.port).start()
    if args.config:
        demo.write_config(args.config)
    if args.truth:
        demo.write_truth(args.truth)
    for s in demo.sites_config():
        print(f"{s['tier']:<10} {s['id']:<6} {s['url']}  {s['name']}")
    print(
        f"serving {len(demo.network.sites)} sites on {len(demo.network.hosts())} hosts, port {demo.port}; Ctrl-C stops"
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        demo.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
