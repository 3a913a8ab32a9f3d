"""Item pipelines: the store (the one writer) and screening beside the crawl.

``StorePipeline`` (ITEM_PIPELINES 300) hands every item the spider yields to the patrol's
:class:`crawler.store.PatrolStore`, which queues the write and flushes in bulk (every
``store.FLUSH_OPS`` writes or ``store.FLUSH_SECONDS``, and at the end).

``ScreenPipeline`` (400) sends each detail page and attachment to the screening pool
(:mod:`screening.pool`: long-lived worker processes with jieba, the lexicon and the extractors
loaded once, time and memory limits per document) as the path of its content-addressed
snapshot, which the store pipeline has just written (the worker reads the file and checks it
against its sha256 name: no bytes pickled through the pool or held in its queue), and returns
at once: downloads go on while documents are screened. Each result comes back on the reactor thread and is queued in
the store against the page or attachment it belongs to. When the spider closes, the store
pipeline waits until the pool is drained, lets the spider add its closing items (homepage
dates), writes the last batch and judges the takedown checks.

``PATROL_SCREEN_WORKERS=0`` (or ``screening.workers: 0`` in patrol.yaml) screens in this
process instead, one document at a time — for debugging only.
"""

from __future__ import annotations

import logging

from scrapy import signals
from twisted.internet import defer, reactor, task

from . import items as it
from . import takedown

log = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.store = None
        self.spider = None
        self._loop = None
        # detail page URL → [its Page row, attachments still to come] (attachments hang on it)
        self.pages: dict[str, list] = {}
        self.lost = False  # a worker's unit went to another worker: nothing more is written

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        self.spider, self.store = spider, spider.store
        self.crawler.patrol_store_pipeline = self
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(1.0, now=False)
        self.crawler.signals.connect(self._idle, signal=signals.spider_idle)

    def _idle(self) -> None:
        """Nothing in flight or scheduled: an attachment a page still waits for will never come
        (dropped as a duplicate of another page's, or out of scope after a redirect)."""
        if self.lost:
            return
        for page, _ in self.pages.values():
            self.store.attachments_done(page)
        self.pages.clear()

    def _tick(self) -> None:
        if self.store.due:
            try:
                written = self.flush()
            except Exception:  # noqa: BLE001 - flush logged it and closes the spider
                written = False  # not raised into the LoopingCall: no "Unhandled error in Deferred"
            if not written:
                self._loop.stop()

    def flush(self) -> bool:
        """Write the queue. A store that cannot write ends the patrol as failed and raises (the
        index would otherwise believe rows stored that are not: nothing may be lost silently).
        A worker whose unit went to another worker (its lease lost) writes nothing more: that is
        said once, the crawl is closed, and False is returned instead of raising, so that no
        caller (a result callback, the close, a takedown check) carries it into the reactor."""
        if self.lost:
            return False
        from .lease import LeaseLost

        try:
            self.store.flush()
        except LeaseLost as exc:  # expected when a worker was frozen past its lease: one line
            log.warning("%s: its crawl here stops and writes nothing more", exc)
            self.lost = True
            self._fail(exc)
            return False
        except Exception as exc:
            log.exception("the store could not write: the patrol stops")
            self._fail(exc)
            raise
        return True

    def _fail(self, exc: Exception) -> None:
        self.crawler.stats.set_value("store/failed", f"{type(exc).__name__}: {exc}"[:500])
        if self.crawler.engine is not None and self.crawler.engine.running:
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_failed"))

    def process_item(self, item):
        if self.lost:
            return item
        store = self.store
        if isinstance(item, it.ListPage):
            store.apply_list_page(item.site_id, item.plan)
        elif isinstance(item, it.ColumnFound):
            store.apply_column(item.column, item.fields)
        elif isinstance(item, it.DetailPage):
            item.page = store.apply_detail(item)
            if item.attachments:
                self.pages[item.url] = [item.page, item.attachments]
        elif isinstance(item, it.AttachmentFile):
            entry = self.pages.get(item.page_url)
            if entry is None:  # an attachment outlives nothing: its page is always stored first
                log.error("attachment %s of an unknown page %s: not stored", item.url, item.page_url)
                return item
            item.attachment = store.apply_attachment(item, entry[0])
            entry[1] -= 1
            if entry[1] <= 0:  # the page's last attachment: its row is no longer needed here
                del self.pages[item.page_url]
                store.attachments_done(entry[0])
        elif isinstance(item, it.AttachmentsResumed):
            if item.due:
                self.pages[item.page.url] = [item.page, item.due]
            else:
                store.attachments_done(item.page)
        elif isinstance(item, it.StructuralPage):
            store.apply_structural(item.site_id, item.url, item.kind, item.status, item.headers, item.body)
        elif isinstance(item, it.SiteFindingFound):
            store.apply_site_finding(item.site_id, item.kind, item.url, item.detail)
        elif isinstance(item, it.SiteUpdate):
            store.apply_site(item.site_id, item.fields)
        elif isinstance(item, it.MessageSeen):
            store.apply_message(item)
        elif isinstance(item, it.TakedownCheck):
            if self.flush():  # the judge reads findings and listings as the store holds them now
                takedown.judge(self.spider, item.response)
        if store.due:
            self.flush()
        return item

    async def close_spider(self):
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        screening = getattr(self.crawler, "patrol_screening", None)
        if screening is not None:
            await screening.drained()
        if self.lost:
            return
        for item in self.spider.closing_items():
            self.process_item(item)
        if not self.flush():  # the unit went to another worker meanwhile: it finishes the patrol
            return
        takedown.finish(self.spider)  # findings still served: no longer listed, or not fixed


class ScreenPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        crawler.patrol_screening = self
        self._call = reactor.callFromThread  # results are stored on the reactor thread
        self.pool = None
        self.pending = 0
        self._waiters: list[defer.Deferred] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        spider = self.crawler.spider
        self.spider, self.store, self.conf = spider, spider.store, spider.conf
        self.pool = SHARED_POOL or make_pool(self.conf)
        self._resume()

    def _resume(self) -> None:
        """Pages and attachments an earlier crawl stored but whose screen never came back (it was
        killed, or its unit was taken over): screened now from their snapshots, so that no finding
        is lost and none is recorded twice."""
        from types import SimpleNamespace

        from .models import Attachment, Page

        # A spider without walks (a bare stand-in) has no sites of its own to resume.
        sites = [st.site for st in getattr(self.spider, "state", {}).values()]
        if not sites:
            return
        pages = Page.objects.filter(site__in=sites, screen_status="pending", snapshot__isnull=False)
        atts = Attachment.objects.filter(
            page__site__in=sites, screen_status="pending", snapshot__isnull=False
        )
        for target in [
            *pages.select_related("snapshot", "item", "site"),
            *atts.select_related("snapshot", "item", "page__site"),
        ]:
            is_page = isinstance(target, Page)
            site = target.site if is_page else target.page.site
            item = SimpleNamespace(
                site_id=site.site_id, item_url=target.item.url if target.item else target.url
            )
            headers = {str(k).lower(): v for k, v in (target.headers or {}).items()}
            ctype = headers.get("content-type") or ("text/html" if is_page else None)
            name = target.url if is_page else (target.name or target.url)
            page_url = target.url if is_page else target.page.url
            self._submit(item, target, None, name, ctype, target.url, page_url)

    def process_item(self, item):
        if isinstance(item, it.DetailPage) and item.screen and item.body is not None:
            ctype = item.content_type or "text/html"
            self._submit(item, item.page, item.body, item.url, ctype, item.url, item.url)
        elif isinstance(item, it.AttachmentFile) and item.body is not None and item.attachment is not None:
            name = item.name or item.url
            self._submit(item, item.attachment, item.body, name, item.content_type, item.url, item.page_url)
        return item

    def _checks(self, item) -> tuple[str | None, str | None, str | None]:
        """The inspection checks run on the same text in the worker: the county's wording lexicon
        and watch list, and the publish date of the article (watched names count after their date)."""
        row = self.store.index(item.site_id).items.get(item.item_url)
        published = row.publish_date.isoformat() if row is not None and row.publish_date else None
        conf = self.conf.inspection or {}
        return conf.get("wording_lexicon"), conf.get("watch_names"), published

    def _submit(self, item, target, body: bytes, name: str, ctype: str, url: str, page_url: str) -> None:
        from screening.jobs import ScreenJob

        self.pending += 1
        snap = getattr(target, "snapshot", None)
        if snap is not None and snap.sha256:  # written by the store already: the worker reads the file
            from .snapshots import file_of

            size = len(body) if body is not None else snap.size
            where = {"data": b"", "path": file_of(snap.sha256), "size": size}
        else:
            where = {"data": body}
        job = ScreenJob(key=None, name=name, content_type=ctype, url=url, checks=self._checks(item), **where)
        future = self.pool.submit(job)
        site = item.site_id
        future.add_done_callback(lambda f: self._call(self._done, target, f, url, page_url, site))

    def _done(self, target, future, url: str, page_url: str, site_id: str = "") -> None:
        self.pending -= 1
        try:
            self._apply(target, future, url, page_url, site_id)
        finally:  # whatever became of this result, a crawl closing waits for no result that is done
            if self.pending == 0:
                waiters, self._waiters = self._waiters, []
                for d in waiters:
                    d.callback(None)

    def _apply(self, target, future, url: str, page_url: str, site_id: str) -> None:
        try:
            result = future.result()
        except Exception as exc:  # noqa: BLE001 - the pool promises results; never lose a document
            from screening.service import DocResult

            log.exception("screening of %s failed", url)
            result = DocResult(url, "unscreened", f"screening failed: {exc}"[:300], None, False, [])
        self.store.apply_screen(target, result, url=url, page_url=page_url)
        checks = getattr(result, "checks", None) or {}
        if checks.get("wording"):
            self.store.apply_site_finding(site_id, "wording_error", url, {"hits": checks["wording"]})
        if checks.get("watch"):
            self.store.apply_site_finding(site_id, "watch_name", url, {"hits": checks["watch"]})
        if checks.get("error"):
            log.warning("inspection checks of %s failed: %s", url, checks["error"])
        if self.store.due:
            try:
                self.crawler.patrol_store_pipeline.flush()
            except Exception:  # noqa: BLE001 - flush said why and is closing the crawl; not raised
                pass  # into the reactor's callFromThread (a traceback per result, nothing more)

    def drained(self) -> defer.Deferred:
        if self.pending == 0:
            return defer.succeed(None)
        d = defer.Deferred()
        self._waiters.append(d)
        return d

    async def close_spider(self):
        try:
            await self.drained()
        finally:
            if self.pool is not None and self.pool is not SHARED_POOL:
                self.pool.close(wait=False)


# A long-lived ``patrol worker`` runs many crawls in one process: it sets one pool here, which
# every crawl's pipeline uses and none closes (crawler/worker.py).
SHARED_POOL = None


def make_pool(conf, workers: int | None = None):
    """The screening pool for this patrol: worker processes, or this process when 0 workers."""
    from screening.extract import Limits
    from screening.jobs import configured_workers

    n = configured_workers(conf.screening) if workers is None else workers
    kwargs = {
        "private_lexicon": conf.screening["private_lexicon"],
        "threshold": conf.screening["threshold"],
        "limits": Limits.from_config(conf.screening),
    }
    if n <= 0:
        return InlinePool(**kwargs)
    from screening.jobs import preload_checks
    from screening.pool import ScreenPool

    ins = conf.inspection or {}
    checks = (ins.get("wording_lexicon"), ins.get("watch_names"))  # as ScreenPipeline._checks sends them
    return ScreenPool(workers=n, initializer=preload_checks, initargs=checks, **kwargs)


class InlinePool:
    """Screens in this process, at submit time (debugging; the pool API, no workers)."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def submit(self, job):
        from concurrent.futures import Future

        from screening.jobs import screen_inline

        fut: Future = Future()
        fut.set_result(screen_inline(job, **self.kwargs))
        return fut

    def close(self, wait: bool = True) -> None:
        return None
