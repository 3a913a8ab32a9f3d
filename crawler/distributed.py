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

import hashlib
import logging
import os
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.db import close_old_connections, connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper
from django.db.models.functions import Now
from django.utils import timezone

from config.patrolconf import PatrolConf

from . import store
from .lease import lease_seconds
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
