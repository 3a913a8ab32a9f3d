"""One way for the test networks to serve HTTP on loopback (tests/*net*/network.py).

A network is one or more threaded HTTP servers on 127.0.0.x addresses. :class:`Loopback` binds
them all on ONE port (retrying with a fresh port when another process holds it on one of the
addresses), serves each in a daemon thread, and stops them all. The handler is either a
``BaseHTTPRequestHandler`` class (full control: status, headers, POST bodies, counters) or a dict
of pages, ``{(host, path): (status, headers, body)}`` or ``{path: …}`` for a single host::

    with Loopback(["127.0.0.1"], pages={"/": (200, {"Content-Type": "text/html"}, b"<p>hi")}) as lb:
        urlopen(f"http://127.0.0.1:{lb.port}/")

Every server carries ``network`` (the ``network=`` argument, if any) and ``ip`` (its address) for
handlers that look them up on ``self.server``. Nothing here ever binds outside 127.0.0.0/8.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from typing import Any

POLL_S = 0.05  # serve_forever's poll interval: how long stop() waits for each server's loop
ATTEMPTS = 50


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing (the suite's output stays readable)."""

    def log_message(self, *args: Any) -> None:
        pass

    def send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """One whole answer with its Content-Length; no body on HEAD."""
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


NOT_FOUND = (404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body><h1>404</h1></body></html>")


def pages_handler(pages: Mapping, protocol: str = "HTTP/1.1") -> type[BaseHTTPRequestHandler]:
    """A handler serving ``pages``: keys ``(host, path)`` or ``path``; values
    ``(status, headers, body)`` with ``body`` bytes or str (UTF-8). Anything else is a 404."""

    class PagesHandler(QuietHandler):
        protocol_version = protocol

        def do_GET(self) -> None:  # noqa: N802
            host = self.server.server_address[0]
            page = pages.get((host, self.path)) or pages.get(self.path) or NOT_FOUND
            status, headers, body = page
            self.send(status, headers, body.encode("utf-8") if isinstance(body, str) else body)

        do_HEAD = do_GET  # noqa: N815

    return PagesHandler


def _loopback(host: str) -> str:
    if not ip_address(host).is_loopback:
        raise ValueError(f"{host} is not a loopback address")
    return host


class Loopback:
    """Threaded HTTP servers on loopback addresses that share one port.

    ``hosts``: the addresses (127.0.0.x), all bound on the same port; ``extra``: addresses that
    get a server of their own on another free port each (``ports_extra``). ``handler``: a request
    handler class, or ``pages``: a dict served by :func:`pages_handler`. ``reuse_address``,
    ``request_queue_size`` and ``quiet_errors`` (drop the traceback of a connection the client
    reset, e.g. a killed patrol) are the server class's own settings.
    """

    def __init__(
        self,
        hosts: Iterable[str],
        handler: type[BaseHTTPRequestHandler] | None = None,
        *,
        pages: Mapping | None = None,
        network: object = None,
        extra: Iterable[str] = (),
        reuse_address: bool = True,
        request_queue_size: int = 5,
        quiet_errors: bool = False,
    ) -> None:
        if (handler is None) == (pages is None):
            raise TypeError("give a handler or pages, not both")
        self.hosts = [_loopback(h) for h in hosts]
        self.extra = [_loopback(h) for h in extra]
        if not self.hosts:
            raise ValueError("no address to serve on")
        self.handler = handler if handler is not None else pages_handler(pages)
        self.network = network

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = reuse_address

            def handle_error(self, request, client_address):
                if not quiet_errors:
                    super().handle_error(request, client_address)

        Server.request_queue_size = request_queue_size
        self._server_class = Server
        self.servers: list[ThreadingHTTPServer] = []
        self.port = 0
        self.ports_extra: list[int] = []
        self._threads: list[threading.Thread] = []

    # ------------------------------------------------------------------ binding
    def _server(self, host: str, port: int) -> ThreadingHTTPServer:
        srv = self._server_class((host, port), self.handler)
        srv.network = self.network  # type: ignore[attr-defined]
        srv.ip = host  # type: ignore[attr-defined]
        return srv

    def bind(self) -> Loopback:
        """Bind every server (not serving yet): the port is known, so pages can name it."""
        if self.servers:
            return self
        for _attempt in range(ATTEMPTS):
            servers: list[ThreadingHTTPServer] = []
            try:
                first = self._server(self.hosts[0], 0)
                servers.append(first)
                port = first.server_address[1]
                for host in self.hosts[1:]:
                    servers.append(self._server(host, port))
                for host in self.extra:
                    servers.append(self._server(host, 0))
            except OSError:
                for srv in servers:
                    srv.server_close()
                continue
            self.servers, self.port = servers, port
            self.ports_extra = [srv.server_address[1] for srv in servers[len(self.hosts) :]]
            return self
        raise RuntimeError(f"no port free on all of {', '.join(self.hosts)}")

    def serve(self) -> Loopback:
        """Start answering (binds first if needed)."""
        self.bind()
        if not self._threads:
            for srv in self.servers:
                t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": POLL_S}, daemon=True)
                t.start()
                self._threads.append(t)
        return self

    start = serve

    def stop(self) -> None:
        """Stop every server and free its port (idempotent)."""
        for srv in self.servers:
            if self._threads:
                srv.shutdown()
            srv.server_close()
        self.servers, self._threads = [], []

    def url(self, host: str | None = None, path: str = "/") -> str:
        return f"http://{host or self.hosts[0]}:{self.port}{path}"

    def __enter__(self) -> Loopback:
        return self.serve()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port(host: str = "127.0.0.1") -> int:
    """A port free on ``host`` right now (another process may take it before it is used)."""
    with socket.socket() as s:
        s.bind((_loopback(host), 0))
        return s.getsockname()[1]
