"""A ``patrol worker``'s leases on its units of work, as the crawl sees them (crawler/distributed.py
takes, renews and fences them): a unit's crawl fetches nothing once this worker cannot vouch for
its lease — checked when a request enters the downloader (``LeaseGuard``), when it is handed to
the HTTP handler, and last right before its bytes are written to the socket
(``LeasedConnectionPool``)."""

from __future__ import annotations

import os
import time

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import error
from twisted.web.client import HTTPConnectionPool


def lease_seconds() -> float:
    return float(os.environ.get("PATROL_LEASE_SECONDS", "60"))


def close_crawl(crawler, reason: str) -> None:
    """End a unit's crawl (its engine closes the spider with ``reason``)."""
    engine = getattr(crawler, "engine", None)
    if engine is not None and engine.running:
        deferred_from_coro(engine.close_spider_async(reason=reason))


class Lease:
    """A unit's lease as its worker sees it: valid while renewed within the last 3/4 of a lease
    (measured from when the renewal was *asked*, on this machine's monotonic clock)."""

    def __init__(self):
        self.asked = time.monotonic()
        self.lost = False

    def renewed(self, asked: float) -> None:
        self.asked = max(self.asked, asked)

    def valid(self) -> bool:
        return not self.lost and time.monotonic() - self.asked < lease_seconds() * 0.75


class LeaseGuard:
    """Downloader middleware of ``patrol worker``: no request of a unit whose lease this worker
    cannot vouch for leaves the process (the unit may already be another worker's, and two crawls
    of one host would break its politeness). The crawl then ends and writes nothing more.

    Checked here, when a request enters the downloader, and again by ``LeasedHTTPDownloadHandler``
    and its connection pool up to the moment its bytes go on the wire — a request can wait in the
    downloader's per-host queue or in a socket's write buffer for a while (a whole freeze of the
    process), and must not be sent on waking if the unit went to another worker meanwhile."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        self.check(self.crawler)
        return None

    @staticmethod
    def check(crawler) -> None:
        """Raise IgnoreRequest (and end the unit's crawl) when the lease is not vouched for."""
        lease = getattr(crawler, "patrol_lease", None)
        if lease is not None and not lease.valid():
            crawler.stats.inc_value("lease/refused")
            if not lease.lost:
                lease.lost = True
                close_crawl(crawler, "lease_lost")  # its outcome is never stored as done
            raise IgnoreRequest("the unit's lease is not renewed: not fetched")


def leased(settings: dict) -> dict:
    """A worker's Scrapy settings: every request of a unit passes the lease guard first (the scope
    guard comes right after), and again right before it is sent."""
    return {
        **settings,
        "DOWNLOADER_MIDDLEWARES": {**settings["DOWNLOADER_MIDDLEWARES"], f"{__name__}.LeaseGuard": 10},
        "DOWNLOAD_HANDLERS": {
            **settings.get("DOWNLOAD_HANDLERS", {}),
            "http": f"{__name__}.LeasedHTTPDownloadHandler",
            "https": f"{__name__}.LeasedHTTPDownloadHandler",
        },
    }


class LeasedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, with the lease checked right before each request is sent: when
    the request is handed to the handler, and on every write of its connection's socket."""

    def __init__(self, crawler):
        super().__init__(crawler)
        pool = LeasedConnectionPool(self._pool._reactor, crawler, persistent=True)
        pool.maxPersistentPerHost, pool._factory = self._pool.maxPersistentPerHost, self._pool._factory
        self._pool = pool

    async def download_request(self, request):
        LeaseGuard.check(self._crawler)
        return await super().download_request(request)


class LeasedConnectionPool(HTTPConnectionPool):
    """Twisted's connection pool whose connections send nothing once the lease lapsed.

    Twisted does not send a request when it is written: ``transport.write`` only buffers it, and
    the socket is written on a later turn of the reactor. A worker frozen between the two (SIGSTOP,
    a VM paused, swap) would send on waking a request it checked before the freeze — to a host
    that another worker may have taken over meanwhile. So the lease is checked at the last moment
    there is: right before each ``send`` on the socket; a request that cannot be vouched for then
    closes its connection unsent."""

    def __init__(self, reactor, crawler, persistent: bool = True):
        super().__init__(reactor, persistent=persistent)
        self._crawler = crawler

    def getConnection(self, key, endpoint):  # noqa: N802 - Twisted's name
        return super().getConnection(key, _GuardedEndpoint(endpoint, self._crawler))


class _GuardedEndpoint:
    """An endpoint whose every new connection has its socket guarded (cached connections were
    guarded when they were made)."""

    def __init__(self, endpoint, crawler):
        self.endpoint, self.crawler = endpoint, crawler

    def connect(self, factory):
        def guard(proto):
            guard_socket(proto.transport, self.crawler)
            return proto

        return self.endpoint.connect(factory).addCallback(guard)


def guard_socket(transport, crawler) -> None:
    """Make the socket under ``transport`` (TLS layers are walked through) refuse to send while
    ``crawler``'s lease is not vouched for: the write fails as a lost connection, nothing sent."""
    while transport is not None and not hasattr(transport, "writeSomeData"):
        transport = getattr(transport, "transport", None)
    if transport is None or getattr(transport, "patrol_leased", False):
        return
    send = transport.writeSomeData

    def leased_send(data):
        try:
            LeaseGuard.check(crawler)
        except IgnoreRequest:
            return error.ConnectionLost("the unit's lease is not renewed: not sent")
        return send(data)

    transport.writeSomeData, transport.patrol_leased = leased_send, True


class LeaseLost(RuntimeError):
    """This worker no longer owns the unit it is writing for."""
