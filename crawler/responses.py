"""Small helpers the spider's parts share: response headers and charset, and ``emits`` (the
outbox of items a callback's helpers queue)."""

from __future__ import annotations

import functools

from scrapy.http import Response
from scrapy.logformatter import LogFormatter

# statuses the callbacks see themselves (errors are recorded); redirects are left to Scrapy's
# RedirectMiddleware, which follows them; a 304 arrives as the stored copy (crawler.revalidate)
HANDLED = [304, *range(400, 600)]


def headers_of(response: Response) -> dict[str, str]:
    return {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}


def emits(method):
    """A callback whose helpers queue items (site findings, site updates) in ``self.outbox``:
    they are yielded before the callback's next request and at its end."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        out = method(self, *args, **kwargs)
        for x in out or ():
            yield from self._drain()
            yield x
        yield from self._drain()

    # the generator Scrapy runs is this wrapper: without ``__wrapped__`` its check for generators
    # that return a value reads this source, not the method's (whose ``return [...]`` is a plain
    # function's, iterated above) — no false warning on every patrol
    del wrapper.__wrapped__
    return wrapper


def charset_of(response: Response) -> str | None:
    return charset_in(content_type_of(response))


def charset_in(content_type: str) -> str | None:
    """The charset a Content-Type value names, lower-cased, or None."""
    ctype = content_type.lower()
    if "charset=" in ctype:
        return ctype.split("charset=", 1)[1].split(";")[0].strip() or None
    return None


def content_type_of(response: Response) -> str:
    return response.headers.get("Content-Type", b"").decode("latin-1").lower()


class QuietLogFormatter(LogFormatter):
    """Scrapy's formatter without its two lines per page and per item ("Crawled (200) …",
    "Scraped from …"): DEBUG, never shown at the patrol's log level, yet each was handed to
    ``logging`` (a record made and filtered) for every response and every item. Errors, drops
    and download failures are logged as before."""

    def crawled(self, request, response, spider=None):
        return None

    def scraped(self, item, response, spider=None):
        return None
