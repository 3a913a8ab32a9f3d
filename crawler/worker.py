"""``patrol worker``: one long-lived process that takes units of a queued patrol and crawls them.

The queue, the units, their leases and how a patrol completes are :mod:`crawler.distributed`;
this module is the working side that a ``patrol worker`` (and a split patrol on one machine,
:mod:`crawler.local`) runs: a Twisted reactor with up to ``slots`` unit crawls at once and one
screening pool shared by all of them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path

from django.db import close_old_connections, connection, transaction
from django.db.models import F
from django.utils import timezone

from config.patrolconf import PatrolConf

from . import retire, store
from .distributed import (
    MAX_ATTEMPTS,
    Queue,
    config_fingerprint,
    finish_if_complete,
    lease_end,
    reap,
    repush_seconds,
)
from .lease import Lease, LeaseLost, close_crawl, lease_seconds, leased
from .models import PatrolRun, WorkUnit

log = logging.getLogger(__name__)


class Worker:
    """One long-lived process: a Twisted reactor running up to ``slots`` unit crawls at once, the
    screening pool shared by all of them (started once)."""

    def __init__(
        self,
        conf_path: str | Path,
        slots: int = 4,
        idle_exit: float | None = None,
        max_units: int | None = None,
        stream=sys.stderr,
        queue=None,
        screen_workers: int | None = None,
        overrides: dict | None = None,
        conf: PatrolConf | None = None,
        pool_factory=None,
    ):
        from config.patrolconf import load

        self.conf_path = conf_path
        self.conf = conf if conf is not None else load(conf_path)
        self.fingerprint = config_fingerprint(self.conf)
        self.slots = max(1, slots)
        self.idle_exit, self.max_units = idle_exit, max_units
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # unit id → (its Scrapy crawler, the claim's token): a token per claim, so that a unit this
        # process lost and then took again is never written by its first, stale crawl
        self.running: dict[int, tuple[object, str]] = {}
        self.leases: dict[int, Lease] = {}  # unit id → what this process knows of its lease
        self.taken = 0
        self.stopping = False
        self.ended = False  # the reactor was told to stop
        self.idle_since = time.monotonic()
        self.last_reap = 0.0
        self.queue_down_since: float | None = None
        self.stream = stream
        self.queue = queue if queue is not None else Queue()
        # a split patrol on one machine (crawler/local.py): its share of the screening workers and
        # of the machine's concurrent requests; and SQL counted per unit (one unit at a time)
        self.screen_workers, self.overrides = screen_workers, overrides or {}
        self.pool_factory = pool_factory  # (conf, workers) → the pool; default pipelines.make_pool
        self.sql = None

    def say(self, text: str) -> None:
        print(f"[工作进程 {self.token}] {text}", file=self.stream, flush=True)

    # -- the loop ----------------------------------------------------------------------------
    def run(self) -> int:
        from scrapy.utils.reactor import install_reactor

        from .runner import scrapy_settings, tune_gc

        tune_gc()
        settings = {**scrapy_settings(self.conf), **self.overrides}
        install_reactor(settings["TWISTED_REACTOR"])
        from scrapy.crawler import CrawlerRunner
        from scrapy.utils.log import configure_logging
        from twisted.internet import reactor, task

        from . import pipelines
        from .extract import markers
        from .inspect import check_lists

        markers.configure(self.conf.rules)
        check_lists(self.conf)
        configure_logging(settings)
        self.runner = CrawlerRunner(leased(settings))
        pipelines.SHARED_POOL = (self.pool_factory or pipelines.make_pool)(self.conf, self.screen_workers)
        self._warm(pipelines.SHARED_POOL)
        self.reactor = reactor
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: reactor.callFromThread(self.stop, "收到停止信号"))
        self.say(f"启动：每次最多 {self.slots} 个单元，队列 {self.queue.key}")
        # one crawl at a time: the statements this process sends belong to its unit
        self.sql = store.QueryCounter() if self.slots == 1 else None
        task.LoopingCall(self.poll).start(0.5)
        self._beat_stop = threading.Event()
        beat = threading.Thread(target=self.heartbeats, name="patrol-lease", daemon=True)
        beat.start()
        with self.sql.install() if self.sql is not None else contextlib.nullcontext():
            reactor.run(installSignalHandlers=False)
        self._beat_stop.set()
        beat.join(10)
        pool = pipelines.SHARED_POOL
        pipelines.SHARED_POOL = None
        if pool is not None:  # bounded: a pool that does not wind down must not keep us alive
            closer = threading.Thread(target=pool.close, kwargs={"wait": False}, daemon=True)
            closer.start()
            closer.join(30)
            if closer.is_alive():
                self.say("筛查进程池 30 秒内未关闭，直接退出")
        self.say(f"退出：共领取 {self.taken} 个单元")
        return 0

    @staticmethod
    def _warm(pool) -> None:
        """Start the screening workers now (jieba, the lexicon, the parsers: seconds), before any
        unit is claimed — not on the reactor thread while leases run."""
        from screening.jobs import ScreenJob

        job = ScreenJob(key=None, data=b" ", name="warm-up.txt", content_type="text/plain", url="")
        pool.submit(job).result(timeout=300)

    def stop(self, why: str) -> None:
        """Take no more work; give back the units in hand (another worker goes on with them)."""
        if self.stopping:
            return
        self.stopping = True
        self.say(f"停止（{why}），交还 {len(self.running)} 个进行中的单元")
        for crawler, _ in list(self.running.values()):
            self._close(crawler, "shutdown")  # a crawl with nothing in flight ends right here
        if self._may_end():
            self._end()

    def _end(self) -> None:
        """Stop the reactor, once: a stopping worker is asked from several places (its crawls
        ending, its poll), and a crawl may end inside ``stop`` itself."""
        if not self.ended:
            self.ended = True
            self.reactor.stop()

    def _may_end(self) -> bool:
        """Whether a stopping worker may end now (its reactor stopped): no crawl of its own left."""
        return not self.running

    _close = staticmethod(close_crawl)

    def poll(self) -> None:
        if self.stopping:
            return
        now = time.monotonic()
        try:
            close_old_connections()
            if now - self.last_reap >= repush_seconds():
                self.last_reap = now
                reap(self.queue)
            while len(self.running) < self.slots and not self._enough():
                uid = self.queue.pop()
                if uid is None:
                    break
                self.claim(uid)
            if self.queue_down_since is not None:
                self.say("队列已恢复")
                self.queue_down_since = None
        except Exception as exc:  # noqa: BLE001 - Redis or the database away for a while: retry
            if self.queue_down_since is None:
                self.queue_down_since = now
                self.say(f"队列或数据库暂不可用，稍后重试：{type(exc).__name__}: {exc}")
        if self.running:
            self.idle_since = now
        elif self._enough() or self._idle():
            self.stop("单元已满" if self._enough() else f"空闲 {self.idle_exit:g} 秒")

    def _idle(self) -> bool:
        return self.idle_exit is not None and time.monotonic() - self.idle_since > self.idle_exit

    def _enough(self) -> bool:
        return self.max_units is not None and self.taken >= self.max_units

    def claim(self, uid: int) -> None:
        now = timezone.now()
        token = f"{self.token}/{uuid.uuid4().hex[:6]}"
        if uid in self.running:
            return  # its earlier crawl here is still ending (lease lost): not two crawls of one host
        got = WorkUnit.objects.filter(pk=uid, state="queued", run__status="running").update(
            state="running",
            owner=token,
            lease_until=lease_end(),
            attempts=F("attempts") + 1,
            started_at=now,
        )
        if not got:
            return  # already taken, finished, or its patrol ended: the id was stale
        unit = WorkUnit.objects.select_related("run").get(pk=uid)
        fingerprint = (unit.run.stats or {}).get("queue", {}).get("config")
        if fingerprint and fingerprint != self.fingerprint:
            self._reload()
            if fingerprint != self.fingerprint:
                self._settle_failed(
                    unit, token, "工作进程的巡查配置（网站与范围）与排队时不同，请统一配置后重新巡查"
                )
                return
        self.taken += 1
        self.say(
            f"领取单元 #{unit.pk} {unit.key}（{len(unit.sites)} 个网站，巡查 #{unit.run_id}，第 {unit.attempts} 次）"
        )
        self.start(unit, token)

    def _reload(self) -> None:
        from config.patrolconf import load

        try:
            self.conf = load(self.conf_path)
            self.fingerprint = config_fingerprint(self.conf)
        except Exception as exc:  # noqa: BLE001 - keep the config it has
            self.say(f"重新读取配置失败：{exc}")

    def start(self, unit: WorkUnit, token: str) -> None:
        from scrapy import signals

        from .spider import PatrolSpider

        crawler = self.runner.create_crawler(PatrolSpider)
        self.running[unit.pk] = (crawler, token)
        crawler.patrol_lease = self.leases[unit.pk] = Lease()
        uid = unit.pk

        def fence() -> None:
            """Inside the store's write transaction: still ours, or nothing is written."""
            asked = time.monotonic()
            renewed = WorkUnit.objects.filter(pk=uid, owner=token, state="running").update(
                lease_until=lease_end()
            )
            if not renewed:
                crawler.patrol_lease.lost = True
                raise LeaseLost(f"unit {uid} is no longer this worker's")
            crawler.patrol_lease.renewed(asked)

        def opened(spider) -> None:
            spider.store.fence = fence

        crawler.signals.connect(opened, signal=signals.spider_opened)
        crawler.patrol_sql_start = self.sql.count if self.sql is not None else None
        d = self.runner.crawl(
            crawler, conf=self.conf, run_id=unit.run_id, site_ids=unit.sites, full=unit.full, sync_sites=False
        )
        d.addBoth(self.finished, unit, crawler, token)

    def heartbeats(self) -> None:
        """Renew the leases from a thread of its own: a reactor busy parsing for a while must not
        lose its units (a lost unit is crawled again elsewhere, and then two crawls would share its
        hosts for a moment). A lease is lost only when this process is dead, frozen or cut off
        from the database longer than the lease."""
        every = max(0.5, lease_seconds() / 4)
        try:
            while not self._beat_stop.wait(every):
                for uid, (crawler, token) in list(self.running.items()):
                    asked = time.monotonic()
                    try:
                        ok = WorkUnit.objects.filter(pk=uid, owner=token, state="running").update(
                            lease_until=lease_end()
                        )
                    except Exception as exc:  # noqa: BLE001 - the database away: the guard stops fetching
                        log.warning("lease renewal of unit %s failed: %s", uid, exc)
                        continue
                    if ok:
                        crawler.patrol_lease.renewed(asked)
                    else:
                        crawler.patrol_lease.lost = True
                        self.reactor.callFromThread(self._lost, uid, crawler)
        finally:
            connection.close()

    def _lost(self, uid: int, crawler) -> None:
        self.say(f"单元 #{uid} 已被收回（租约过期），停止其巡查")
        self._close(crawler, "lease_lost")

    def finished(self, result, unit: WorkUnit, crawler, token: str) -> None:
        if self.running.get(unit.pk, (None,))[0] is crawler:
            del self.running[unit.pk]
            self.leases.pop(unit.pk, None)
        try:
            self.settle(unit, crawler, token, result)
        except Exception:  # noqa: BLE001 - the unit's lease runs out and another worker retries it
            log.exception("settling unit %s failed", unit.pk)
            self.say(f"单元 #{unit.pk} 收尾失败：{traceback.format_exc(limit=3)[-300:]}")
        if self.stopping and self._may_end():
            self._end()

    def settle(self, unit: WorkUnit, crawler, token: str, result) -> None:
        from twisted.python.failure import Failure

        from .runner import CrawlOutcome, site_walks

        spider = getattr(crawler, "spider", None)
        if isinstance(result, Failure) or spider is None:
            reason = result.getErrorMessage() if isinstance(result, Failure) else "crawl did not start"
            self._give_back(unit, token, f"巡查出错: {reason[:300]}")
            return
        outcome = CrawlOutcome.of(crawler, None)
        reason = outcome.reason
        lease = getattr(crawler, "patrol_lease", None)
        lost = (lease is not None and lease.lost) or reason == "lease_lost"
        if reason == "shutdown" or lost or reason.startswith("store_failed: LeaseLost"):
            # not done: if the unit is still ours, back on the queue now; if another worker has
            # it, it goes on there (nothing of this crawl is written from here on)
            why = "工作进程停止" if reason == "shutdown" else "租约未能续期，本次巡查作废"
            self._give_back(unit, token, why, count=reason != "shutdown")
            return
        ok = outcome.status == "ok"
        unit_stats = {
            **outcome.stats,
            "totals": outcome.totals,
            "moves": spider.moves,
            "worker": self.token,
        }
        unit_stats.pop("sql", None)
        if getattr(crawler, "patrol_sql_start", None) is not None:
            unit_stats["sql"] = self.sql.count - crawler.patrol_sql_start
        with transaction.atomic():
            still = WorkUnit.objects.select_for_update().filter(pk=unit.pk, owner=token, state="running")
            if not still.exists():
                # its lease ran out while this process was frozen or cut off, and the crawl ended
                # before anything told it so (nothing left to fetch or to write): said here
                if lease is not None:
                    lease.lost = True
                self.say(f"单元 #{unit.pk} 的租约已过期，单元已交回队列或由其他工作进程接手：本进程不收尾")
                return
            run = PatrolRun.objects.get(pk=unit.run_id)
            if ok:
                unit_stats.update(retire.settle(run, site_walks(spider), True))
            elif unit.attempts < MAX_ATTEMPTS:
                WorkUnit.objects.filter(pk=unit.pk).update(
                    state="queued", owner="", pushed_at=timezone.now(), error=f"crawl ended: {reason}"[:2000]
                )
                self.queue.push([unit.pk])
                self.say(f"单元 #{unit.pk} 未正常结束（{reason[:100]}），重新排队")
                return
            WorkUnit.objects.filter(pk=unit.pk).update(
                state="done" if ok else "failed",
                owner="",
                finished_at=timezone.now(),
                stats=unit_stats,
                error="" if ok else f"crawl ended: {reason}"[:2000],
            )
        self.say(
            f"单元 #{unit.pk} {'完成' if ok else '失败'}：请求 {outcome.totals['requests']}，"
            f"新信息 {outcome.totals['new_items']}"
        )
        finish_if_complete(unit.run_id, self.conf)

    def _give_back(self, unit: WorkUnit, token: str, why: str, count: bool = True) -> None:
        changes = {"state": "queued", "owner": "", "pushed_at": timezone.now(), "error": why[:2000]}
        if not count:
            changes["attempts"] = F("attempts") - 1
        back = WorkUnit.objects.filter(pk=unit.pk, owner=token, state="running").update(**changes)
        # said either way: the operator reads in this worker's log why its crawl of the unit ended
        # (a lease found lapsed by the guard on waking ends the crawl before any heartbeat can)
        self.say(f"单元 #{unit.pk} {'交回队列' if back else '已由其他工作进程接手'}：{why}")
        if back:
            try:
                self.queue.push([unit.pk])
            except Exception as exc:  # noqa: BLE001 - the reapers re-add it from the database
                log.warning("could not re-queue unit %s: %s", unit.pk, exc)

    def _settle_failed(self, unit: WorkUnit, token: str, why: str) -> None:
        WorkUnit.objects.filter(pk=unit.pk, owner=token).update(
            state="failed", owner="", finished_at=timezone.now(), error=why
        )
        self.say(f"单元 #{unit.pk} 失败：{why}")
        finish_if_complete(unit.run_id, self.conf)
