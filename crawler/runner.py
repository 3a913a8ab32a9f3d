"""Run one patrol in this process (Scrapy's reactor cannot restart: one patrol per process)."""

from __future__ import annotations

import gc
import logging
import sys
import time
import traceback

from config.patrolconf import PatrolConf

from . import distributed, local, retire, revalidate, scope, sitestats, store

log = logging.getLogger(__name__)

# A crawl allocates and drops objects at a high rate (parsed trees, requests, Deferreds, rows
# awaiting their flush) beside long-lived ones (Django, Scrapy, the store's index). At CPython's
# default thresholds (700, 10, 10) its collections took 5.5 of a demo patrol's 55 CPU seconds,
# 3.8 of them in 27 full collections; young objects counted in thousands, 1.2 s and one full
# collection, peak memory the same (PSS 261 → 264 MiB; memory tracks the index, not garbage).
CRAWL_GC_THRESHOLD = (5000, 10, 10)


def tune_gc() -> None:
    """Set this crawl process's collector thresholds (:data:`CRAWL_GC_THRESHOLD`)."""
    gc.set_threshold(*CRAWL_GC_THRESHOLD)


# Scrapy components a patrol never runs (off by its settings below: COOKIES_ENABLED,
# REMOTE_CONTROL_ENABLED, TELNETCONSOLE_ENABLED)
UNUSED_COMPONENTS = frozenset(
    {
        "scrapy.extensions.remote_control.RemoteControl",
        "scrapy.extensions.telnet.TelnetConsole",
        "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
    }
)


def _without(base: dict, names: frozenset[str]) -> dict:
    return {k: v for k, v in base.items() if k not in names}


def scrapy_settings(conf: PatrolConf) -> dict:
    from scrapy.settings import default_settings

    c = conf.crawl
    return {
        # The ORM is called synchronously from callbacks: use the plain Twisted reactor on purpose
        # (Django refuses sync ORM calls from a thread running an asyncio loop).
        "TWISTED_REACTOR": "twisted.internet.epollreactor.EPollReactor",
        "ROBOTSTXT_OBEY": c["obey_robots"],
        "CONCURRENT_REQUESTS": 32,
        # a callback yields a handful of items (stored in bulk later): 100 cooperative workers per
        # callback (the default) cost more CPU than the whole parse
        "CONCURRENT_ITEMS": 4,
        "CONCURRENT_REQUESTS_PER_DOMAIN": c["concurrency_per_site"],  # Scrapy slots are per host
        "DOWNLOAD_DELAY": c["delay_seconds"],
        "DOWNLOAD_DELAY_JITTER": 0.5 if c["delay_seconds"] > 0 else 0,
        "AUTOTHROTTLE_ENABLED": c["autothrottle"],
        "AUTOTHROTTLE_START_DELAY": max(c["delay_seconds"], 0.1),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(c["concurrency_per_site"]),
        "DOWNLOAD_TIMEOUT": c["timeout_seconds"],
        "RETRY_TIMES": c["retries"],
        "USER_AGENT": c["user_agent"],
        "DOWNLOAD_MAXSIZE": int(c["max_attachment_mb"] * 1024 * 1024),
        "DOWNLOAD_WARNSIZE": 0,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": False,  # Django's logging config prints warnings
        "LOG_LEVEL": "WARNING",
        "LOG_ENABLED": True,
        "LOG_FORMATTER": "crawler.responses.QuietLogFormatter",  # no per-page/per-item DEBUG lines
        "REDIRECT_ENABLED": True,
        "DNSCACHE_ENABLED": True,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        # the scope guard sees every request (links, redirects, refreshes, retries, robots.txt)
        # before anything is fetched for it; it drops whatever lies outside every site's scope
        "PATROL_SCOPES": {s.id: list(s.scope) for s in conf.sites},
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.scope.ScopeGuard": scope.ORDER,
            "crawler.sitestats.SiteStatsMiddleware": sitestats.ORDER,  # per-site requests/statuses
            "crawler.scope.RefreshHeaderMiddleware": scope.REFRESH_ORDER,
            # Scrapy's meta refresh, without decoding every page to rule one out
            "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
            "crawler.scope.ByteCheckedMetaRefreshMiddleware": scope.META_REFRESH_ORDER,
            # ETag/Last-Modified on structural pages and stylesheets; a 304 answered from the stored copy
            "crawler.revalidate.RevalidateMiddleware": revalidate.ORDER,
            "crawler.render.RenderMiddleware": 950,  # list pages only a browser can draw (crawler/render.py)
        },
        # components the patrol keeps switched off, left out of Scrapy's base lists: Scrapy imports
        # every component it lists, even one set to None, before it finds it is not configured —
        # RemoteControl imports aiohttp (0.13 s of CPU in every crawl process), CookiesMiddleware
        # tldextract (0.045 s)
        "EXTENSIONS_BASE": _without(default_settings.EXTENSIONS_BASE, UNUSED_COMPONENTS),
        "DOWNLOADER_MIDDLEWARES_BASE": _without(
            default_settings.DOWNLOADER_MIDDLEWARES_BASE, UNUSED_COMPONENTS
        ),
        # every request and item a callback yields passes each spider middleware's async
        # generator: off what the patrol never uses. DepthMiddleware only counts depths (no
        # DEPTH_LIMIT; the column tree has its own, max_column_depth); MetaCopyDetection warns
        # developers about copied meta keys. Kept: HttpError (statuses the callbacks do not
        # handle), Referer (some sites refuse attachments without one), UrlLength (a trap's
        # ever-longer URLs); the scope guard is a downloader middleware and stays.
        "SPIDER_MIDDLEWARES": {
            "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
            "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
        },
        # the spider yields items: the store (the one writer) and screening beside the crawl
        "ITEM_PIPELINES": {
            "crawler.pipelines.StorePipeline": 300,
            "crawler.pipelines.ScreenPipeline": 400,
        },
    }


class Progress:
    """Prints a progress line at most every ``every`` seconds (to stderr)."""

    def __init__(self, every: float = 2.0, stream=sys.stderr):
        self.every, self.stream, self.last = every, stream, 0.0

    def __call__(self, counters: dict, requests: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        print(
            f"巡查中: 请求 {requests}  栏目 {counters['columns']}  列表页 {counters['list_pages']}  "
            f"详情页 {counters['details']}  附件 {counters['attachments']}  新信息 {counters['new_items']}  "
            f"发现 {counters['findings']}",
            file=self.stream,
            flush=True,
        )


def run_patrol(
    conf: PatrolConf,
    site_ids: list[str] | None = None,
    trigger: str = "manual",
    full: bool = False,
    progress: Progress | None = None,
) -> int:
    """Crawl (and screen) the configured sites; returns the PatrolRun id."""
    from scrapy.crawler import CrawlerProcess
    from twisted.internet import task

    from .spider import PatrolSpider

    unknown = [s for s in site_ids or [] if s not in {x.id for x in conf.sites}]
    if unknown:
        raise ValueError(f"unknown site id(s): {', '.join(unknown)}")
    groups = len(distributed.host_groups(conf, site_ids or [s.id for s in conf.sites]))
    n = local.processes(conf, groups)
    if n > 1 and groups > 1:
        # several cores: the sites split between crawl processes, whole hosts each (crawler/local.py)
        return local.run_split(conf, site_ids, n, trigger=trigger, full=full, quiet=progress is None)
    from .extract import markers
    from .inspect import check_lists

    markers.configure(conf.rules)  # the county's own empty-column and soft-404 markers (rules.yaml)
    check_lists(conf)  # a wrong line of the wording lexicon or watch list: ConfigError, file:line
    run = store.start_run(trigger, site_ids or [s.id for s in conf.sites])
    tune_gc()
    process = CrawlerProcess(settings=scrapy_settings(conf))
    crawler = process.create_crawler(PatrolSpider)
    state: dict = {}

    def tick():
        spider = state.get("spider") or getattr(crawler, "spider", None)
        if spider is not None and progress is not None:
            progress(spider.counters, crawler.stats.get_value("downloader/request_count", 0))

    loop = task.LoopingCall(tick)
    sql = store.QueryCounter()
    try:
        with sql.install():
            d = process.crawl(crawler, conf=conf, run_id=run.pk, site_ids=site_ids, full=full)
            loop.start(1.0, now=False)
            d.addBoth(lambda _: loop.running and loop.stop())
            process.start(stop_after_crawl=True, install_signal_handlers=True)
    except Exception as exc:  # noqa: BLE001 - record any crash in the run history, then re-raise
        store.finish_run(run, "failed", "".join(traceback.format_exception(exc))[-4000:])
        raise
    spider = crawler.spider
    outcome = CrawlOutcome.of(crawler, sql.count)
    run.refresh_from_db()
    outcome.apply(run)
    if progress is not None:
        progress(spider.counters, run.requests, force=True)
    status, reason = outcome.status, outcome.reason
    # a site's columns are the ones its latest complete patrol found: retire the rest, link moves
    try:
        run.stats.update(moves=spider.moves, **retire.settle(run, site_walks(spider), status == "ok"))
    except Exception as exc:  # noqa: BLE001 - the crawl itself is stored; say what went wrong
        store.finish_run(run, "failed", "".join(traceback.format_exception(exc))[-4000:])
        raise
    store.finish_run(run, status, "" if status == "ok" else f"crawl ended: {reason}")
    alert_after_patrol(conf, run.pk)
    return run.pk


class CrawlOutcome:
    """What one finished crawl did: the run's figures, its stats, and whether it finished whole."""

    def __init__(self, totals: dict, stats: dict, reason: str):
        self.totals, self.stats, self.reason = totals, stats, reason
        self.status = "ok" if reason == "finished" else "failed"

    @classmethod
    def of(cls, crawler, sql_count: int | None) -> CrawlOutcome:
        spider = crawler.spider
        spider.counters["findings"] = spider.store.findings
        stats = crawler.stats.get_stats()
        totals = {
            "requests": int(stats.get("downloader/request_count", 0)),
            "pages": spider.counters["list_pages"] + spider.counters["details"],
            "new_items": spider.counters["new_items"],
            "findings": spider.counters["findings"],
        }
        out = {
            **spider.counters,
            "responses": int(stats.get("downloader/response_count", 0)),
            "finish_reason": str(stats.get("finish_reason", "")),
            "scope_dropped": int(stats.get("scope/dropped", 0)),  # requests the scope guard refused
            # callbacks that raised (the page is lost, the site's walk counts as cut short)
            "spider_exceptions": sum(
                int(v) for k, v in stats.items() if str(k).startswith("spider_exceptions/")
            ),
            "not_modified": int(stats.get("revalidate/not_modified", 0)),  # 304s answered from snapshots
            "sql": sql_count,  # statements this process sent during the crawl (issue 9: <= 3 per request)
            "store_flushes": spider.store.flushes,
            "sites": sitestats.collect(stats),
        }
        reason = str(stats.get("finish_reason", ""))
        if stats.get("store/failed"):  # the store could not write: the crawl is not stored whole
            reason = f"store_failed: {stats['store/failed']}"
        return cls(totals, out, reason)

    def apply(self, run) -> None:
        for name, value in self.totals.items():
            setattr(run, name, value)
        run.stats = {**(run.stats or {}), **self.stats}


def site_walks(spider) -> dict:
    """Each site's walk as crawler.retire judges it (broken pages, failed tree nodes)."""
    return {sid: retire.SiteWalk(st.site, st.broken, st.shield) for sid, st in spider.state.items()}


def alert_after_patrol(conf: PatrolConf, run_id: int) -> None:
    """New high-severity findings go to the bureau at once; a failing channel never fails the patrol."""
    try:
        from reports.alerts import after_patrol

        after_patrol(conf, run_id)
    except Exception:  # noqa: BLE001 - alerts are logged, never raised into the patrol
        log.exception("alerts after patrol %s failed", run_id)
