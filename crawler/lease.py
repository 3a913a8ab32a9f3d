"""A ``patrol worker``'s leases on its units of work, as the crawl sees them (crawler/distributed.py
takes, renews and fences them): a unit's crawl fetches nothing once this worker cannot vouch for
its lease — checked when a request enters the downloader (``LeaseGuard``) and again the moment it
goes on the wire (``LeasedHTTPDownloadHandler``)."""

from __future__ import annotations

import os
import time

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_from_coro
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

    Checked twice: here, when a request enters the downloader, and again by
    ``LeasedHTTPDownloadHandler`` at the moment it goes on the wire — a request can wait in the
    downloader's per-host queue for a while (a whole freeze of the process), and must not be sent
    on waking if the unit went to another worker meanwhile."""

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
    the request is handed to the handler, and again when its connection is handed to it (a new
    connection is ready only a reactor turn or more later; the request is written right then)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        pool = LeasedConnectionPool(self._pool._reactor, crawler, persistent=True)
        pool.maxPersistentPerHost, pool._factory = self._pool.maxPersistentPerHost, self._pool._factory
        self._pool = pool

    async def download_request(self, request):
        LeaseGuard.check(self._crawler)
        return await super().download_request(request)


class LeasedConnectionPool(HTTPConnectionPool):
    """Twisted's connection pool that hands a connection over only while the lease holds (the
    request is written on it in the same call); otherwise the connection is closed unused."""

    def __init__(self, reactor, crawler, persistent: bool = True):
        super().__init__(reactor, persistent=persistent)
        self._crawler = crawler

    def getConnection(self, key, endpoint):  # noqa: N802 - Twisted's name
        def vouch(proto):
            try:
                LeaseGuard.check(self._crawler)
            except IgnoreRequest:
                proto.transport.loseConnection()
                raise
            return proto

        return super().getConnection(key, endpoint).addCallback(vouch)


class LeaseLost(RuntimeError):
    """This worker no longer owns the unit it is writing for."""
