"""The scope guard: no request leaves the configured scopes, whatever produced it.

``ScopeGuard`` is a downloader middleware placed before Scrapy's RobotsTxtMiddleware (100), so
it sees every request before anything is fetched for it: the spider's own requests, redirects of
any status and meta refreshes (RedirectMiddleware and MetaRefreshMiddleware hand the new request
back to the engine, which sends it through every middleware again), ``Refresh:`` headers
(``RefreshHeaderMiddleware`` below turns them into such redirects), retries, and the robots.txt
requests RobotsTxtMiddleware makes. A request outside every configured scope
(crawler.urls.scope_match: host, port, whole path segments) is dropped with IgnoreRequest, logged
and counted (stats ``scope/dropped``). The one exception is ``/robots.txt`` of a host that holds
a scope: a polite crawler reads it there, and it names no page of any other host.

When the dropped URL is where an in-scope page led (``request.meta['redirect_urls']``, or
``meta['offsite_from']`` set by a spider that follows a script or header redirect itself), the
patrol records an ``offsite_redirect`` finding for the site owning that page (``url`` the page,
``target`` the dropped URL, ``how`` the HTTP status or "meta refresh"). Scopes come from the
``PATROL_SCOPES`` setting ({site id: [scope URLs]}, every configured site); with no scopes the
guard drops everything.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import BaseRedirectMiddleware, MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.urls import ScopeIndex, scope_host

log = logging.getLogger(__name__)

ORDER = 40  # below RobotsTxtMiddleware (100) and Scrapy's OffsiteMiddleware (50)
REFRESH_ORDER = 579  # beside MetaRefreshMiddleware (580)
META_REFRESH_ORDER = 580  # in place of Scrapy's (ByteCheckedMetaRefreshMiddleware)


def owner(scopes: dict[str, list[str]], url: str) -> str | None:
    """The site id whose scope holds ``url`` (the longest scope wins where scopes nest)."""
    return _index(scopes).owner(url)


_LAST: list = [None, None]  # the scopes dict last indexed (a patrol has one) and its index


def _index(scopes: dict[str, list[str]]) -> ScopeIndex:
    if _LAST[0] is not scopes:
        _LAST[:] = [scopes, ScopeIndex((sid, scope) for sid, entries in scopes.items() for scope in entries)]
    return _LAST[1]


class ScopeGuard:
    def __init__(self, crawler, scopes: dict[str, list[str]]):
        self.crawler = crawler
        self.stats = crawler.stats
        self.scopes = scopes
        self.index = _index(scopes)
        self.hosts = {scope_host(s) for entries in scopes.values() for s in entries} - {None}
        self.dropped: list[str] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, dict(crawler.settings.getdict("PATROL_SCOPES")))

    def allowed(self, url: str) -> bool:
        if self.index.owner(url) is not None:
            return True
        parts = urlsplit(url)
        return parts.path == "/robots.txt" and not parts.query and scope_host(url) in self.hosts

    def process_request(self, request: Request) -> None:
        if self.allowed(request.url):
            return
        self.dropped.append(request.url)
        self.stats.inc_value("scope/dropped")
        source = self._source(request)
        if source:
            self.stats.inc_value("scope/dropped_redirects")
            log.warning("out of every scope, not requested: %s (%s led there)", request.url, source)
            self._record(request, source)
        else:
            log.warning("out of every scope, not requested: %s", request.url)
        raise IgnoreRequest(f"outside every configured scope: {request.url}")

    def _source(self, request: Request) -> str | None:
        """The last in-scope page that led to ``request`` (redirect chain or spider's note)."""
        chain = [*request.meta.get("redirect_urls", []), *filter(None, [request.meta.get("offsite_from")])]
        return next((u for u in reversed(chain) if self.allowed(u)), None)

    def _record(self, request: Request, source: str) -> None:
        if urlsplit(source).path == "/robots.txt":
            return  # robots.txt belongs to no page of a site
        spider = self.crawler.spider
        run, states = getattr(spider, "run", None), getattr(spider, "state", None) or {}
        st = states.get(self.index.owner(source)) or states.get(request.meta.get("site"))
        if run is None or st is None:
            return
        from crawler.sitefindings import record  # Django models: imported once the crawl runs

        reasons = request.meta.get("redirect_reasons") or []
        how = request.meta.get("offsite_how") or (str(reasons[-1]) if reasons else "")
        record(run, st.site, "offsite_redirect", url=source, target=request.url, how=how)


_REFRESH_RE = re.compile(
    r"^\s*(\d+(?:\.\d*)?)?\s*[;,]?\s*(?:url\s*=\s*)?(['\"]?)(?P<url>[^'\"]*)\2\s*$", re.I
)


def parse_refresh(value: str) -> tuple[float, str] | None:
    """(delay, URL) of a ``Refresh:`` header such as ``0; url=/a/`` or ``5;URL='x'``; None without a URL."""
    m = _REFRESH_RE.match(value or "")
    if not m or not m.group("url").strip():
        return None
    return float(m.group(1) or 0), m.group("url").strip()


class RefreshHeaderMiddleware(BaseRedirectMiddleware):
    """Follow a ``Refresh:`` response header like a meta refresh (browsers do); the guard then
    judges the new request like any other redirect."""

    enabled_setting = "METAREFRESH_ENABLED"

    def __init__(self, settings):
        super().__init__(settings)
        self._maxdelay = settings.getint("METAREFRESH_MAXDELAY")

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_redirect") or request.method == "HEAD" or not 200 <= response.status < 300:
            return response
        header = response.headers.get("Refresh")
        parsed = parse_refresh(header.decode("latin-1")) if header else None
        if parsed is None or parsed[0] >= self._maxdelay:
            return response
        url = urljoin(response.url, parsed[1])
        seen = {request.url, *request.meta.get("redirect_urls", [])}
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            return response  # a page refreshing itself (or back along its own chain) is read as it is
        return self._redirect(
            self._redirect_request_using_get(request, response, url), request, "refresh header"
        )


# Scrapy reads a meta refresh in the first 4,096 characters of the text; a character is at most
# four bytes in the encodings pages use (UTF-8, GB18030 and the rest), so this many bytes hold them
_META_REFRESH_SCAN_BYTES = 4 * 4096
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")  # UTF-16 LE/BE (and UTF-32 LE), UTF-32 BE


class ByteCheckedMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, which decodes every HTML response in full (``response.text``)
    to look for ``<meta http-equiv="refresh">`` in its first 4,096 characters: almost no page has
    one, and the spider decodes pages itself. A page whose first bytes do not hold the word
    ``refresh`` is passed on undecoded (1.8 % of the patrol's reactor thread, py-spy); any other
    page, and every page in an encoding where ASCII letters are not single bytes (UTF-16/32), goes
    to Scrapy's own code, which decides exactly as before."""

    def process_response(self, request: Request, response: Response) -> Request | Response:
        head = response.body[:_META_REFRESH_SCAN_BYTES]
        ctype = response.headers.get(b"Content-Type", b"").lower()
        if (
            b"refresh" not in head.lower()
            and not head.startswith(_WIDE_BOMS)
            and not any(wide in ctype for wide in (b"utf-16", b"utf-32", b"utf16", b"utf32"))
        ):
            return response
        return super().process_response(request, response)
