"""Last resort for list pages whose rows only a browser can draw: headless Chromium (Debian's
/usr/bin/chromium driven by Playwright for Python), inside the scope guard.

Why this shape: the spider runs on the plain Twisted epoll reactor with synchronous ORM calls
(crawler/runner.py); scrapy-playwright needs the asyncio reactor, under which Django refuses the
spider's synchronous ORM calls. So a *sync* Playwright browser lives in one worker thread of its
own (Playwright objects belong to the thread that made them), fed through a queue; results come
back to the reactor with ``callFromThread``. ``RenderMiddleware`` (a downloader middleware placed
after the scope guard, robots and stats middlewares) answers a request marked
``meta['render']`` with the rendered DOM, so the spider's callbacks parse it like any page.

A rendered list whose pager is drawn without links (click handlers, a single-page app) is still
walked to its end: the browser keeps the JSON answers of the page's GET data requests, and the one
holding records by shape is marked on the rendered page (``DATA_MARK``); the spider then walks
that API's own pages (crawler/extract/profiles/scripted.py).

Bounds and scope:
* the browser starts lazily, on the first render request of a patrol: a network without such
  pages starts none and makes no extra request; one browser per patrol, closed at spider close;
* every request the page makes (documents, frames, scripts, XHR/fetch, beacons, redirects of any
  hop, pop-ups) passes the same scope test as the crawl (``crawler.scope.owner`` over the
  ``PATROL_SCOPES`` setting); anything outside is aborted before it leaves, and counted in the
  stats (``render/blocked``); WebSockets and service workers are refused outright; images, media
  and fonts are never fetched;
* after the first document, the main frame may not navigate away (a script jumping elsewhere
  would swap the page being counted);
* the requests the browser makes in scope bypass Scrapy's per-host slots and robots.txt (one page
  at a time, images/fonts skipped, so their load is that of one visitor);
* at most ``MAX_PAGES`` renders per patrol;
* each page has a hard time budget (``crawl.timeout_seconds``, at most 20 s); a render that fails
  or times out falls back to the page as downloaded.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable
from urllib.parse import urljoin

from scrapy import signals
from scrapy.http import HtmlResponse
from twisted.internet import defer

log = logging.getLogger(__name__)

MAX_PAGES = 400  # renders per patrol at most (a site whose every page "needs" one stays bounded)
ORDER = 950  # after ScopeGuard (40), robots (100) and DownloaderStats (850): a render is a request
CHROMIUM = os.environ.get("PATROL_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",  # the patrol often runs as root in a container
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--dns-prefetch-disable",
    "--no-pings",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--no-first-run",
    "--disable-features=NetworkPrediction,OptimizationHints,InterestFeedContentSuggestions,Translate",
]
DATA_MARK = "data-patrol-api"  # marks the data request the rendered page's list came from
MAX_DATA_ANSWERS, MAX_DATA_BYTES = 20, 4_000_000
QUIET_SECONDS = 0.5  # the page is drawn when loaded and no request has run for this long
SKIP_TYPES = {"image", "media", "font", "imageset"}

# evidence that a script draws the page's content (without it, a page with no rows is not rendered)
_DOM_WRITE_RE = re.compile(
    r"innerHTML|outerHTML|insertAdjacentHTML|appendChild|insertBefore|document\.write|"
    r"\.(?:html|append|prepend|after|before)\s*\(",
)
_LINK_HINT_RE = re.compile(
    r"<\s*(?:a|li|tr|td|dd)\b|href|createElement|fromCharCode|atob\s*\(|eval\s*\(|unescape\s*\(|"
    r"decodeURIComponent\s*\(|\bFunction\s*\(|\.reverse\s*\(|\.split\s*\(|\.join\s*\(",
    re.I,
)
_EMPTY_HOLDER_RE = re.compile(  # an empty list (ul/ol/tbody), or an empty block named like one
    r"<(ul|ol|tbody)\b[^>]*>\s*</\1>|<(div|section|table)\b[^>]*\b(?:id|class)\s*=\s*['\"][^'\"]*"
    r"(?:list|news|article|content|data|items?|result|xxgk|gkml|info|doc|app|root)[^'\"]*['\"][^>]*>\s*</\2>",
    re.I,
)
_FETCH_RE = re.compile(r"\bfetch\s*\(|XMLHttpRequest|\.(?:ajax|getJSON|get|post|load)\s*\(|\baxios\b", re.I)
_SCRIPT_RE = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.I | re.S)
_LIBRARY_RE = re.compile(
    r"jquery|bootstrap|swiper|layer|laydate|echarts|vue|react|angular|polyfill|analytics|"
    r"baidu|cnzz|hm\.js|createPage|common|public|nav|menu|font|share|search|jpage|dataproxy",
    re.I,
)
_PAGER_ONLY_RE = re.compile(r"createPageHTML|countPage|goPage|pageIndex", re.I)


def marked_api(html: str) -> str | None:
    """The data request a rendered page drew its list from (see ``Renderer._data_mark``)."""
    m = re.search(DATA_MARK + r">fetch\((\"(?:[^\"\\]|\\.)*\")\);</script>", html)
    return json.loads(m.group(1)) if m else None


def needs_render(html: str) -> bool:
    """A page with no rows whose scripts evidently draw its content: an inline script writing
    markup (links/rows or decoded/built strings), or an empty list (or list-like block) beside a
    script of the site's own or an inline data request. A clock written by ``document.write`` or
    a pager script alone is not."""
    scripts = _SCRIPT_RE.findall(html)
    if not scripts:
        return False
    for _attrs, body in scripts:
        if not body.strip() or _PAGER_ONLY_RE.search(body) and not re.search(r"<\s*a\b[^>]*>\s*[^<\d]", body):
            continue
        if _DOM_WRITE_RE.search(body) and _LINK_HINT_RE.search(body):
            return True
    if _EMPTY_HOLDER_RE.search(html):
        for attrs, body in scripts:
            src = re.search(r"\bsrc\s*=\s*['\"]?([^'\" >]+)", attrs)
            if body.strip() and _FETCH_RE.search(body):  # an inline script loading data
                return True
            if src and not _LIBRARY_RE.search(src.group(1).rsplit("/", 1)[-1]):
                return True
    return False


class Renderer:
    """One headless Chromium in one thread; ``render`` returns a Deferred firing with the HTML."""

    def __init__(self, allowed: Callable[[str], bool], timeout: float, user_agent: str = "", stats=None):
        self.allowed = allowed
        self.timeout = max(3.0, min(float(timeout), 20.0))
        self.user_agent = user_agent or None
        self.stats = stats
        self.blocked: list[str] = []
        self.rendered = 0
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._page = None  # the browser thread's tab
        self._job: dict = {"started": True, "busy": 0, "last": 0.0, "deadline": 0.0, "open": False}

    @property
    def started(self) -> bool:
        return self._thread is not None

    def render(self, url: str) -> defer.Deferred:
        d: defer.Deferred = defer.Deferred()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="patrol-render", daemon=True)
            self._thread.start()
        self._jobs.put((url, d))
        return d

    def close(self, wait: float = 15.0) -> None:
        if self._thread is None:
            return
        self._jobs.put(None)
        self._thread.join(wait)

    # -- the browser thread ---------------------------------------------------------------------------
    def _answer(self, d: defer.Deferred, ok: bool, value) -> None:
        from twisted.internet import reactor  # the one the crawler installed

        def fire():
            if not d.called:
                (d.callback if ok else d.errback)(value)

        try:
            reactor.callFromThread(fire)
        except RuntimeError:  # reactor gone: nobody waits any more
            pass

    def _run(self) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            self._fail_all(exc)
            return
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM if os.path.exists(CHROMIUM) else None,
                    headless=True,
                    args=LAUNCH_ARGS,
                    timeout=self.timeout * 1000 * 2,
                )
                try:
                    while (job := self._jobs.get()) is not None:
                        url, d = job
                        try:
                            html = self._render(browser, url)
                            self.rendered += 1
                            self._answer(d, True, html)
                        except Exception as exc:  # noqa: BLE001 - any failure falls back to the download
                            self._answer(d, False, exc)
                finally:
                    browser.close()
        except Exception as exc:  # noqa: BLE001 - no browser: every render falls back
            log.warning("headless Chromium unavailable: %s", exc)
            self._fail_all(exc)

    def _fail_all(self, exc: Exception) -> None:
        while (job := self._jobs.get()) is not None:
            self._answer(job[1], False, exc)

    def _block(self, url: str) -> None:
        self.blocked.append(url)
        if self.stats is not None:
            from twisted.internet import reactor

            reactor.callFromThread(self.stats.inc_value, "render/blocked")
        log.warning("out of every scope, not requested by the browser: %s", url)

    def _tab(self, browser):
        """One context and tab for the whole patrol (creating them costs about a second), with
        the scope guard on every request; ``self._job`` tells the guard about the page at hand."""
        if self._page is not None:
            return self._page
        context = browser.new_context(
            service_workers="block",
            ignore_https_errors=True,
            user_agent=self.user_agent,
            accept_downloads=False,
        )
        context.route("**/*", self._route)
        context.route_web_socket("**/*", lambda ws: ws.close())  # never connected to its server
        self._page = context.new_page()
        return self._page

    def _route(self, rt):
        job = self._job
        job["busy"] += 1
        try:
            return self._guard(rt, job)
        finally:
            job["busy"] -= 1
            job["last"] = time.monotonic()

    def _guard(self, rt, job: dict):
        req = rt.request
        target = req.url
        main = False
        if self._page is not None and req.is_navigation_request():
            try:
                main = req.frame == self._page.main_frame
            except Exception:  # noqa: BLE001 - a pop-up's first request has no frame yet
                main = False
        if main and job["started"] and req.redirected_from is None:
            # the page may not swap itself for another: a 204 answer leaves it where it is (an
            # aborted navigation would commit an error page in its place); nothing is sent
            if not self.allowed(target):
                self._block(target)
            return rt.fulfill(status=204, body="")
        if not self.allowed(target):
            self._block(target)
            return rt.abort("blockedbyclient")
        job["started"] = job["started"] or main
        if req.resource_type in SKIP_TYPES or not job["open"]:
            return rt.abort("blockedbyclient")
        left = max(0.5, job["deadline"] - time.monotonic())
        try:
            resp = rt.fetch(max_redirects=0, timeout=left * 1000)
        except Exception:  # noqa: BLE001 - unreachable, timed out: the page goes without it
            return rt.abort("failed")
        if 300 <= resp.status < 400:
            location = resp.headers.get("location")
            if location and not self.allowed(urljoin(target, location)):
                self._block(urljoin(target, location))
                return rt.abort("blockedbyclient")
        if (
            req.method == "GET"
            and req.resource_type in ("xhr", "fetch")
            and resp.status == 200
            and len(job["data"]) < MAX_DATA_ANSWERS
        ):
            body = resp.body()
            if len(body) <= MAX_DATA_BYTES and (body.lstrip()[:1] in (b"{", b"[") or b"(" in body[:80]):
                job["data"].append((target, body.decode("utf-8", "replace")))
        return rt.fulfill(response=resp)

    def _data_mark(self) -> str:
        """When the page drew its list from a JSON API (a GET answer holding records by shape), a
        marked call of it appended to the DOM, so that the spider walks the API's own pages
        (a script-drawn pager often has no links to follow)."""
        from crawler.extract.profiles._jsdata import find_records, json_body

        best, best_n = None, 0
        for url, text in self._job["data"]:
            value = json_body(text)
            rec = find_records(value) if value is not None else None
            if rec is not None and len(rec.rows) > best_n:
                best, best_n = url, len(rec.rows)
        return "" if best is None else f"<script {DATA_MARK}>fetch({json.dumps(best)});</script>"

    def _render(self, browser, url: str) -> str:
        deadline = time.monotonic() + self.timeout
        # started: the page's own document was requested; busy/last: requests in flight, last one
        self._job = {
            "started": False,
            "busy": 0,
            "last": time.monotonic(),
            "deadline": deadline,
            "open": True,
            "data": [],  # (url, text) of JSON answers to the page's GET data requests
        }
        page = self._tab(browser)
        try:
            # wait for the document itself only (a navigation the page starts later, refused in
            # _guard, would hold a lifecycle wait open), then until it is loaded and quiet
            page.goto(url, wait_until="commit", timeout=self.timeout * 1000)
            while time.monotonic() < deadline:
                page.wait_for_timeout(100)
                try:
                    ready = page.evaluate("document.readyState")
                except Exception:  # noqa: BLE001 - between documents: look again
                    ready = ""
                job = self._job
                idle = not job["busy"] and time.monotonic() - job["last"] >= QUIET_SECONDS
                if ready == "complete" and idle:
                    break
            return page.content() + self._data_mark()
        finally:
            self._job["open"] = False  # late requests of this page are refused
            try:
                page.goto("about:blank", wait_until="commit", timeout=5000)  # stop its timers
            except Exception:  # noqa: BLE001 - a wedged tab: start a new one next time
                self._page = None


class RenderMiddleware:
    """Answers ``meta['render']`` requests with the DOM Chromium drew for them."""

    def __init__(self, crawler):
        from crawler.scope import owner

        scopes = dict(crawler.settings.getdict("PATROL_SCOPES"))
        self.crawler = crawler
        self.renderer = Renderer(
            allowed=lambda u: u.startswith(("http://", "https://")) and owner(scopes, u) is not None,
            timeout=crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 15),
            user_agent=crawler.settings.get("USER_AGENT", ""),
            stats=crawler.stats,
        )

    @classmethod
    def from_crawler(cls, crawler):
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    async def process_request(self, request):
        if not request.meta.get("render"):
            return None
        try:
            html = await self.renderer.render(request.url)
        except Exception as exc:  # noqa: BLE001 - fall back to the page as the server sends it
            log.warning("rendering %s failed (%s); reading it as downloaded", request.url, exc)
            self.crawler.stats.inc_value("render/failed")
            return None
        self.crawler.stats.inc_value("render/pages")
        return HtmlResponse(
            url=request.url,
            status=200,
            headers={"Content-Type": "text/html; charset=utf-8", "X-Patrol-Rendered": "chromium"},
            body=html.encode("utf-8"),
            encoding="utf-8",
            request=request,
        )

    def spider_closed(self, spider) -> None:
        self.renderer.close()  # blocks briefly while Chromium exits; nothing to do when never started
