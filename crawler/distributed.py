"""Scale-out: a patrol put on a shared queue, crawled by ``patrol worker`` processes anywhere.

Unit of work. The sites of a patrol are split into *host groups*: sites that share a host (in
their URL or scope) belong to one group, which one worker crawls at a time with the patrol's own
Scrapy machinery (the same spider, pipelines, store and screening). Scrapy's politeness is per
host inside one crawler, and no host is ever in two groups, so two workers never exceed a host's
concurrency. (A shared Redis frontier — scrapy-redis — was measured and rejected: a SIGKILLed
worker loses the requests it had popped, the per-host limit holds only per process, and it was no
faster; see the README, "Scale-out".)

Truth in PostgreSQL, signals in Redis. Every unit is a :class:`crawler.models.WorkUnit` row:
state (queued → running → done | failed), the owning worker's token and a lease. Redis holds a
sorted set of unit ids ready to be taken (``ZADD NX`` makes re-adding harmless, ``ZPOPMIN``
hands each id to one worker). A worker claims a popped unit with one conditional UPDATE in
PostgreSQL; an id whose unit is no longer queued is dropped. Every write transaction of the
unit's crawl first renews the lease *conditionally on still owning the unit* (the store's fence),
so a worker that lost its unit — killed, frozen, cut off — writes nothing more. A unit whose lease
ran out is put back by whoever notices (every worker and the waiting ``patrol crawl --wait``), and
queued units are re-added to Redis every few seconds, so a Redis that restarted empty loses
nothing. A crawl taken over resumes from what the store holds, exactly as the next patrol after a
killed one does (whole list pages or nothing, crawler/store.py).

A patrol is complete when every unit is done or failed; the worker that settles the last unit
finishes the run (figures summed, alerts sent) under a row lock, so it happens once.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.db import close_old_connections, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.db.models.functions import Now
from django.utils import timezone

from config.patrolconf import PatrolConf

from . import retire, store
from .lease import Lease, LeaseLost, close_crawl, lease_seconds, leased
from .models import PatrolRun, WorkUnit

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a unit whose worker died this often is failed (a page that kills workers)
SUMMED = (
    "requests",
    "pages",
    "new_items",
    "findings",
)


def grace_seconds() -> float:
    """How long past its end a lease is still honoured before the unit is taken from its worker:
    the worker itself stops fetching for a unit as soon as it cannot renew its lease (LeaseGuard),
    so by the time the unit is taken over, nothing of the old crawl is in flight any more."""
    return lease_seconds() / 2


def repush_seconds() -> float:
    return max(1.0, lease_seconds() / 6)


def lease_end():
    """The end of a lease taken now, on the database's clock (workers on several machines compare
    leases on one clock, not on theirs)."""
    return ExpressionWrapper(Now() + timedelta(seconds=lease_seconds()), output_field=DateTimeField())


class QueueError(RuntimeError):
    pass


def queue_url() -> str:
    url = os.environ.get("PATROL_QUEUE", "").strip()
    if not url:
        raise QueueError("PATROL_QUEUE 未设置（例如 redis://127.0.0.1:6379/0）：排队巡查需要共享队列")
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise QueueError(f"PATROL_QUEUE={url!r} 不是 Redis 地址（redis://主机:端口/库号）")
    return url


def namespace() -> str:
    """The queue's key prefix: one per database, so that workers only take work of the store they
    write to (two installations may share one Redis)."""
    db = connection.settings_dict
    raw = "|".join(str(db.get(k) or "") for k in ("ENGINE", "HOST", "PORT", "NAME"))
    return "patrol:" + hashlib.sha1(raw.encode()).hexdigest()[:12]


class Queue:
    """The Redis side: ids of units ready to be taken, in patrol order."""

    def __init__(self, url: str | None = None, ns: str | None = None):
        import redis

        self.url = url or queue_url()
        self.redis = redis.Redis.from_url(self.url, socket_timeout=5, socket_connect_timeout=5)
        self.key = f"{ns or namespace()}:ready"

    def push(self, unit_ids: list[int]) -> None:
        if unit_ids:
            self.redis.zadd(self.key, {str(u): u for u in unit_ids}, nx=True)

    def pop(self) -> int | None:
        got = self.redis.zpopmin(self.key, 1)
        return int(got[0][0]) if got else None

    def size(self) -> int:
        return int(self.redis.zcard(self.key))

    def clear(self) -> None:
        self.redis.delete(self.key)

    @staticmethod
    def units():
        """The units this queue hands out: every patrol's but those split on one machine."""
        return WorkUnit.objects.exclude(run__stats__queue__has_key="local")  # never NULL, unlike = true


def config_fingerprint(conf: PatrolConf) -> str:
    """What must agree between the queue and a worker: the sites and their scopes."""
    raw = repr([(s.id, s.url, list(s.scope)) for s in conf.sites])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def host_groups(conf: PatrolConf, site_ids: list[str]) -> list[tuple[str, list[str], list[str]]]:
    """(key, sites, hosts) for every group of sites that share a host; configured order kept."""
    chosen = [s for s in conf.sites if s.id in set(site_ids)]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    site_hosts: dict[str, list[str]] = {}
    for s in chosen:
        hosts = []
        for url in [s.url, *s.scope]:
            host = (urlsplit(url).hostname or "").lower()
            if host and host not in hosts:
                hosts.append(host)
        site_hosts[s.id] = hosts
        for h in hosts[1:]:
            parent[find(h)] = find(hosts[0])
        find(hosts[0])
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for s in chosen:
        root = find(site_hosts[s.id][0])
        sites, hosts = groups.setdefault(root, ([], []))
        sites.append(s.id)
        hosts.extend(h for h in site_hosts[s.id] if h not in hosts)
    return [(hosts[0], sites, hosts) for sites, hosts in groups.values()]


# -- the queuing side (patrol crawl --wait) ----------------------------------------------------------
def checked_sites(conf: PatrolConf, site_ids: list[str] | None) -> list[str]:
    """The sites to patrol, after the checks a patrol makes before it opens its run."""
    from .extract import markers
    from .inspect import check_lists

    ids = site_ids or [s.id for s in conf.sites]
    unknown = [s for s in ids if s not in {x.id for x in conf.sites}]
    if unknown:
        raise ValueError(f"unknown site id(s): {', '.join(unknown)}")
    markers.configure(conf.rules)
    check_lists(conf)  # a wrong line of the wording lexicon: stop before anything is queued
    return ids


def open_units(
    conf: PatrolConf,
    ids: list[str],
    groups: list[tuple[str, list[str], list[str]]],
    trigger: str,
    full: bool,
    queue: dict,
) -> PatrolRun:
    """Store the sites, open the run and its units (one per ``(key, sites, hosts)`` group)."""
    moves: dict = {}
    store.sync_sites(conf, moves)
    with transaction.atomic():
        run = store.start_run(trigger, ids)
        run.stats = {
            "moves": moves,
            "queue": {"units": len(groups), "config": config_fingerprint(conf), **queue},
        }
        run.save(update_fields=["stats"])
        now = timezone.now()
        WorkUnit.objects.bulk_create(
            WorkUnit(run=run, key=key, sites=sites, hosts=hosts, full=full, pushed_at=now)
            for key, sites, hosts in groups
        )
    return run


def enqueue(
    conf: PatrolConf, site_ids: list[str] | None, trigger: str = "manual", full: bool = False
) -> PatrolRun:
    """Store the sites, open the run, put one unit per host group on the queue. The run keeps the
    waiting process's pid, to find it by (the scheduler does); but no process owns a queued
    patrol: its workers finish it, and start_run never declares it interrupted."""
    ids = checked_sites(conf, site_ids)
    queue = Queue()
    queue.redis.ping()  # an unreachable queue is said now, not after the run is opened
    groups = host_groups(conf, ids)
    run = open_units(conf, ids, groups, trigger, full, {"namespace": queue.key})
    queue.push([u.pk for u in WorkUnit.objects.filter(run=run)])
    log.info("patrol %s queued as %d units", run.pk, len(groups))
    return run


def reap(queue: Queue | None) -> int:
    """Put back units whose lease ran out (their worker died); re-add queued units to Redis (it
    may have restarted empty). Returns how many units were put back."""
    now = timezone.now()
    back: list[int] = []
    failed: set[int] = set()
    cutoff = ExpressionWrapper(Now() - timedelta(seconds=grace_seconds()), output_field=DateTimeField())
    with transaction.atomic():
        # a unit whose row is locked is being written by its worker right now (its settle or a
        # store flush): skipped, not waited for — a worker frozen inside that transaction would
        # otherwise stall every reaper, and the reactor of every worker that reaps, with it
        lapsed = (
            (queue.units() if queue is not None else WorkUnit.objects.all())
            .select_for_update(skip_locked=True, of=("self",))
            .filter(state="running", lease_until__lt=cutoff, run__status="running")
        )
        for unit in lapsed:
            expired = WorkUnit.objects.filter(pk=unit.pk, state="running", lease_until__lt=cutoff)
            if unit.attempts >= MAX_ATTEMPTS:
                why = f"工作进程 {MAX_ATTEMPTS} 次未完成此单元（进程中断或租约过期）"
                if expired.update(state="failed", owner="", finished_at=now, error=why):
                    failed.add(unit.run_id)
                continue
            if expired.update(state="queued", owner="", pushed_at=now):
                back.append(unit.pk)
                log.warning("unit %s (%s) lost its worker %s: queued again", unit.pk, unit.key, unit.owner)
    for run_id in failed:
        finish_if_complete(run_id)
    if queue is not None:
        stale = queue.units().filter(
            state="queued", run__status="running", pushed_at__lt=now - timedelta(seconds=repush_seconds())
        )
        ids = list(stale.values_list("pk", flat=True))
        if ids:
            WorkUnit.objects.filter(pk__in=ids).update(pushed_at=now)
        queue.push(ids + back)
    return len(back)


def finish_if_complete(run_id: int, conf: PatrolConf | None = None) -> bool:
    """Finish the run once every unit is settled (once: under the run's row lock)."""
    with transaction.atomic():
        run = PatrolRun.objects.select_for_update().get(pk=run_id)
        if run.status != "running":
            return False
        units = list(WorkUnit.objects.filter(run=run))
        if any(u.state not in ("done", "failed") for u in units):
            return False
        summarize(run, units)
        failed = [u for u in units if u.state == "failed"]
        status = "failed" if failed else "ok"
        error = "；".join(f"{u.key}（{', '.join(u.sites[:3])}）: {u.error[:200]}" for u in failed[:10])
        store.finish_run(run, status, error)
    if conf is not None:
        from .runner import alert_after_patrol

        alert_after_patrol(conf, run_id)
    return True


def summarize(run: PatrolRun, units: list[WorkUnit]) -> None:
    """The run's figures and stats: the sum of its units' (same keys as a one-process patrol)."""
    totals = dict.fromkeys(SUMMED, 0)
    stats: dict = {k: v for k, v in (run.stats or {}).items() if k in ("moves", "queue")}
    merged = ("sites", "retired", "incomplete_sites", "moves")
    for unit in units:
        us = unit.stats or {}
        for k in SUMMED:
            totals[k] += int(us.get("totals", {}).get(k, 0))
        for k, v in us.items():
            if k in ("totals", "finish_reason"):
                continue
            if k in merged and isinstance(v, dict):
                stats.setdefault(k, {}).update(v)
            elif isinstance(v, int | float) and not isinstance(v, bool):
                stats[k] = stats.get(k, 0) + v
        if unit.state == "failed":
            for sid in unit.sites:
                stats.setdefault("incomplete_sites", {})[sid] = f"单元失败: {unit.error[:100]}"
    reasons = {(u.stats or {}).get("finish_reason") for u in units}
    stats["finish_reason"] = (
        "finished" if reasons == {"finished"} else ",".join(sorted(str(r) for r in reasons))
    )
    stats["queue"] = {
        **(stats.get("queue") or {}),
        "done": sum(u.state == "done" for u in units),
        "failed": sum(u.state == "failed" for u in units),
        "attempts": sum(u.attempts for u in units),
        "workers": sorted({(u.stats or {}).get("worker", "") for u in units} - {""}),
    }
    for k, v in totals.items():
        setattr(run, k, v)
    run.stats = stats


def wait(
    run_id: int, timeout: float | None = None, progress=None, conf: PatrolConf | None = None
) -> PatrolRun:
    """Return when the run is finished (reaping meanwhile), or at ``timeout`` seconds."""
    queue = Queue()
    started = time.monotonic()
    last_reap = 0.0
    while True:
        run = PatrolRun.objects.get(pk=run_id)
        if run.status != "running":
            return run
        now = time.monotonic()
        if now - last_reap >= repush_seconds():
            last_reap = now
            try:
                reap(queue)
            except Exception as exc:  # noqa: BLE001 - the queue may be down for a while: keep waiting
                log.warning("reaping failed: %s", exc)
            finish_if_complete(run_id, conf)
        if progress is not None:
            progress(run)
        if timeout is not None and now - started > timeout:
            return run
        time.sleep(0.5)
        close_old_connections()


# -- the working side (patrol worker) ----------------------------------------------------------------
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
        from screening.pool import ScreenJob

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
