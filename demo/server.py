"""The demo network on loopback: one threaded HTTP/1.1 server per host (127.0.0.2, 127.0.0.3 …),
all on one port, pages rendered on the fly from the model, with ETag/Last-Modified revalidation
(304) and request counters.

    python -m demo.server --scale full --port 8080 [--config patrol.yaml] [--truth truth.json]
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from demo.cms import common, routes
from demo.generator import DEFAULT_SEED, build_network
from demo.model import LOOPBACK, Network
from demo.mutate import mutate as mutate_network
from demo.truth import compute_truth, sites_config, write_truth

BASE_LAST_MODIFIED = 1357516800  # 2013-01-07 00:00:00 UTC
LOOPBACK_CRAWL = {"concurrency_per_site": 4, "concurrency_per_host": 4, "delay_seconds": 0,
                  "autothrottle": False, "obey_robots": True}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/6.0"
    sys_version = ""
    timeout = 30

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def do_GET(self):
        self._serve(body=True)

    def do_HEAD(self):
        self._serve(body=False)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        self._serve(body=True, form=form)

    def _serve(self, body: bool, form: str = "") -> None:
        demo: DemoNetwork = self.server.demo
        host = self.server.host
        parts = urlsplit(self.path)
        query = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        query.update({k.lower(): v for k, v in parse_qsl(form, keep_blank_values=True)})
        status, ctype, data = demo.respond(host, unquote(parts.path), query)
        key = f"{LOOPBACK.format(host)}:{demo.port}{self.path}"
        etag, last_modified = demo.validators(key, data, status)
        demo.count(key, status)
        fresh = False
        if status == 200:
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if inm is not None:
                fresh = inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]
            elif ims is not None:
                try:
                    fresh = email.utils.parsedate_to_datetime(ims).timestamp() >= last_modified
                except (TypeError, ValueError):
                    fresh = False
        self.send_response(304 if fresh else status)
        self.send_header("Content-Type", ctype)
        if status == 200:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", email.utils.formatdate(last_modified, usegmt=True))
            self.send_header("Cache-Control", "max-age=0")
        if fresh:
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


class _HostServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, demo: DemoNetwork, host: int, port: int):
        self.demo, self.host = demo, host
        self.connections: set[socket.socket] = set()
        self.conn_lock = threading.Lock()
        super().__init__((LOOPBACK.format(host), port), _Handler)

    def process_request(self, request, client_address):
        with self.conn_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.conn_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.conn_lock:
            conns = list(self.connections)
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class DemoNetwork:
    """The demo portal network served on loopback addresses, one port for every host."""

    def __init__(self, scale: str = "small", seed: int = DEFAULT_SEED, port: int = 0):
        self.scale, self.seed = scale, seed
        self.network: Network = build_network(scale, seed)
        self.port = port
        self._servers: list[_HostServer] = []
        self._routes: dict[int, dict] = {}
        self._lock = threading.RLock()
        self._validators: dict[str, tuple[str, int]] = {}
        self.requests_total = 0
        self.requests_by_path: Counter[str] = Counter()
        self.requests_by_status: Counter[int] = Counter()

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> DemoNetwork:
        hosts = self.network.hosts()
        for attempt in range(20):
            servers: list[_HostServer] = []
            try:
                first = _HostServer(self, hosts[0], self.port)
                servers.append(first)
                port = first.server_address[1]
                for h in hosts[1:]:
                    servers.append(_HostServer(self, h, port))
            except OSError:
                for s in servers:
                    s.server_close()
                if self.port or attempt == 19:
                    raise
                continue
            break
        self.port = self.network.port = port
        self._rebuild()
        self._servers = servers
        for s in servers:
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True,
                             name=f"demo-{s.host}").start()
        return self

    def stop(self) -> None:
        for s in self._servers:
            s.shutdown()
            s.close_connections()
            s.server_close()
        self._servers = []

    def __enter__(self) -> DemoNetwork:
        return self.start() if not self._servers else self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ----------------------------------------------------------------- content
    def _rebuild(self) -> None:
        table: dict[int, dict] = {h: {} for h in self.network.hosts()}
        for site in self.network.sites:
            table[site.host].update(routes(self.network, site))
        for h, r in table.items():
            disallow = ["/admin/", "/search/"] + (["/gbook.asp"] if "/gbook.asp" in r else [])
            r["/robots.txt"] = lambda _q, d=disallow: common.robots(d)
        with self._lock:
            self._routes = table

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
            if self._servers:
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
    ap = argparse.ArgumentParser(prog="python -m demo.server", description="Serve the demo portal network on loopback.")
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
    print(f"serving {len(demo.network.sites)} sites on {len(demo.network.hosts())} hosts, port {demo.port}; Ctrl-C stops")
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
