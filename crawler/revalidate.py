"""Revalidation of structural pages as a downloader middleware, backed by the stored snapshots.

A request with ``meta["revalidate"] = True`` (homepage, column-tree pages, a column's first list
page, a stylesheet the hidden-link check reads) gets ``If-None-Match`` / ``If-Modified-Since``
from the newest stored 200 fetch of its URL (and ``Cache-Control: max-age=0``); a 304 answer is
replaced by that stored copy — status 200, the stored headers and bytes, flag ``"revalidated"`` —
so callbacks parse one kind of response. A 304 for which no stored copy can be read is asked
again without validators.

The validators of every stored structural page are read once, when the spider opens (one
query): the copies as they were before this patrol. ``unchanged`` tells a callback whether a
response holds those bytes (a 304, or the same bytes sent again by a server without
validators); ``copy`` reads a stored copy (crawler.inspect checks an unchanged page against the
stored copies of its stylesheets). A full patrol (``crawl.full`` or ``--full``) sends no
validators and reads no copies. Registered in DOWNLOADER_MIDDLEWARES after
HttpCompressionMiddleware (590) on the way in, so the stored bytes — kept decompressed — are
never decompressed again.
"""

from __future__ import annotations

import hashlib
import logging

from scrapy import signals
from scrapy.http import Request, Response

log = logging.getLogger(__name__)

ORDER = 580
FLAG = "revalidated"


class RevalidateMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stored: dict[str, dict] = {}
        self.full = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        from .store import last_structural_pages

        self.full = bool(getattr(spider, "full", False))
        sites = [st.site for st in getattr(spider, "state", {}).values()]
        self.stored = {} if self.full else last_structural_pages(sites or None)
        spider.revalidation = self  # callbacks ask it whether a page is unchanged, and read copies

    def copy(self, url: str) -> tuple[int, dict[str, str], bytes] | None:
        """The newest stored fetch of ``url`` (status, headers, bytes; no bytes when it failed),
        None when there is none or its bytes cannot be read."""
        stored = self.stored.get(url)
        if stored is None:
            return None
        if stored["sha256"] is None:
            return stored.get("status") or 0, stored["headers"], b""
        body = _read(stored["sha256"])
        return None if body is None else (stored.get("status") or 200, stored["headers"], body)

    def unchanged(self, response: Response) -> bool:
        """True when ``response`` holds the bytes of the newest stored copy of its URL: answered
        304 from it, or sent again in full by a server that gives no validators."""
        if FLAG in response.flags:
            return True
        stored = self.stored.get(response.url)
        sha = stored and stored["sha256"]
        return bool(sha) and hashlib.sha256(response.body).hexdigest() == sha

    def process_request(self, request: Request):
        if not request.meta.get("revalidate") or self.full:
            return None
        copy = self.stored.get(request.url)
        if copy is None or copy["sha256"] is None:  # no bytes kept (a stylesheet that is gone)
            return None
        headers = copy["headers"]
        etag = headers.get("ETag") or headers.get("Etag")
        modified = headers.get("Last-Modified")
        if not (etag or modified):
            return None
        if etag:
            request.headers.setdefault("If-None-Match", etag)
        if modified:
            request.headers.setdefault("If-Modified-Since", modified)
        request.headers.setdefault("Cache-Control", "max-age=0")
        return None

    def process_response(self, request: Request, response: Response):
        if response.status != 304 or not request.meta.get("revalidate"):
            return response
        copy = self.stored.get(request.url)
        body = _read(copy["sha256"]) if copy else None
        if body is None:  # nothing to answer from: ask again, unconditionally
            log.warning("304 for %s without a readable stored copy: fetched again", request.url)
            headers = {
                k: v
                for k, v in request.headers.items()
                if k.lower() not in (b"if-none-match", b"if-modified-since")
            }
            meta = {**request.meta, "revalidate": False}
            return request.replace(headers=headers, meta=meta, dont_filter=True)
        self.crawler.stats.inc_value("revalidate/not_modified")
        headers = {k: v for k, v in copy["headers"].items() if k.lower() != "content-encoding"}
        return response.replace(status=200, headers=headers, body=body, flags=[*response.flags, FLAG])


def _read(sha256: str) -> bytes | None:
    from .snapshots import path_for

    try:
        return path_for(sha256).read_bytes()
    except OSError:
        return None
