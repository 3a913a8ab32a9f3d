"""One patrol split over this machine's cores: a few crawl processes, one store.

A patrol's main process is one core: Scrapy's reactor, parsing and the store's writes all run on
its one thread, so on a machine of several cores the crawl waits for that core while the others
idle (``make bench``: the patrol process at 100 % of a core, its screening workers at a quarter).
Here the patrol's sites are cut into *parts* (:data:`PARTS_PER_PROCESS` per crawl process), and
the crawl processes take them one after another, with the same machinery as scale-out
(crawler/distributed.py): the parts are :class:`~crawler.models.WorkUnit` rows of the run, made
heaviest first; a ``Worker`` (this process's, or a forked one's) claims the first one queued with
a conditional UPDATE, crawls it with the patrol's own spider, pipelines and store (its lease
renewed in every write transaction), settles it and claims the next; the worker that settles the
last part finishes the run. The database is the queue (no Redis).

Parts never share a host: they are made of whole host groups (sites that share a host), so each
host's politeness (``concurrency_per_site``, delays, robots.txt) is kept by the one crawler that
fetches it. The machine's 32 concurrent requests are divided between the processes, and so are
the screening workers (``screening.workers``). The groups are dealt to the parts largest first,
by each site's requests in the latest patrol that has them (one per site before any patrol).

This process forks the crawl processes (after importing what they share, so that its pages are
shared copy-on-write) and watches them: one that dies has its part put back at once and a new
process takes it (a part that kills three is failed, as in scale-out); SIGTERM or Ctrl-C stops
them, their parts go back, and the run ends failed with what was stored kept — the next patrol
resumes from it, exactly as after a one-process patrol was stopped. A crawl process dies with
this one (``PR_SET_PDEATHSIG``), so a killed patrol leaves no orphan crawling.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import logging
import math
import os
import signal
import socket
import sys
import time
import traceback

from django.db import close_old_connections, connections
from django.utils import timezone

from config.patrolconf import PatrolConf

from . import distributed
from .models import Page, PatrolRun, WorkUnit
from .worker import Worker

log = logging.getLogger(__name__)

MAX_AUTO = 4  # crawl processes chosen by default: one per core, at most this many
# requests per second one crawl process keeps up with on real sites (make bench: 200–290 pages/s
# on loopback, where pages are small and answers instant)
ONE_PROCESS_RATE = 150.0
# parts per crawl process, claimed one at a time, heaviest first: a process that ends its part
# early takes the next (a first patrol deals the sites blind, one request each, and the patrol's
# own process also serves the screening pool), so the processes end together
PARTS_PER_PROCESS = 4
TOTAL_REQUESTS = 32  # concurrent requests of the whole machine (one process: scrapy_settings)
# what the crawl processes share, imported before they are forked (not the reactor: each installs its own)
SHARED_MODULES = (
    "scrapy.crawler",
    "scrapy.core.engine",
    "scrapy.core.downloader.handlers.http11",
    "scrapy.http",
    "lxml.html",
    "crawler.spider",
    "crawler.scope",
    "crawler.revalidate",
    "crawler.render",
    "screening.pool",
)


def processes(conf: PatrolConf, groups: int) -> int:
    """Crawl processes for a patrol of ``groups`` host groups: ``PATROL_CRAWL_PROCESSES`` over
    ``crawl.processes``; 0 (the default) means one per core (at most :data:`MAX_AUTO`) when the
    sites' politeness lets the patrol ask for more requests per second than one process keeps up
    with (:data:`ONE_PROCESS_RATE`), else one. With a delay, Scrapy sends one request per delay
    and host, so a county network at the default 0.5 s (two requests per second per host) stays
    one process until it has over 75 hosts; with no delay, a host is limited only by how fast it
    answers, and the patrol by the process's core."""
    raw = os.environ.get("PATROL_CRAWL_PROCESSES", "").strip()
    n = int(raw) if raw else int(conf.crawl.get("processes", 0))
    if n > 0:
        return n
    cores = min(
        MAX_AUTO, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    if cores <= 1 or groups <= 1:
        return 1
    delay = float(conf.crawl.get("delay_seconds", 0))
    per_host = 1 / delay if delay > 0 else math.inf
    return cores if groups * per_host > ONE_PROCESS_RATE else 1


class LocalQueue:
    """The run's own units, handed out from the database (the scale-out queue's interface)."""

    key = "本机"

    def __init__(self, run_id: int):
        self.run_id = run_id

    def units(self):
        return WorkUnit.objects.filter(run_id=self.run_id)

    def push(self, unit_ids: list[int]) -> None:
        """Nothing to do: a queued unit is found by its state."""

    def pop(self) -> int | None:
        return (
            self.units()
            .filter(state="queued", run__status="running")
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )


def latest_requests() -> dict[str, int]:
    """Requests per site in the latest patrol that counted them (``{}`` before the first)."""
    for stats in (
        PatrolRun.objects.exclude(status="running").order_by("-pk").values_list("stats", flat=True)[:5]
    ):
        sites = (stats or {}).get("sites") or {}
        if sites:
            return {sid: int(v.get("requests", 0)) for sid, v in sites.items()}
    return {}


def parts(
    groups: list[tuple[str, list[str], list[str]]], n: int, weights: dict[str, int]
) -> list[tuple[str, list[str], list[str]]]:
    """Deal whole host groups to at most ``n`` parts, the heaviest group first to the lightest
    part (sites unknown to ``weights`` weigh the median of the known ones, or 1). Each part keeps
    the configured order of its sites; its key is the key of its first group."""
    known = sorted(weights.values())
    default = known[len(known) // 2] if known else 1

    def weight(group) -> int:
        return sum(max(1, weights.get(sid, default)) for sid in group[1])

    n = max(1, min(n, len(groups)))
    loads = [0] * n
    members: list[list[int]] = [[] for _ in range(n)]
    for i in sorted(range(len(groups)), key=lambda i: (-weight(groups[i]), i)):
        j = min(range(n), key=lambda j: (loads[j], j))
        loads[j] += weight(groups[i])
        members[j].append(i)
    out = []
    # heaviest part first (ties: the configured order): the crawl processes claim them in this order
    for j in sorted((j for j in range(n) if members[j]), key=lambda j: (-loads[j], min(members[j]))):
        idx = sorted(members[j])
        sites = [sid for i in idx for sid in groups[i][1]]
        hosts = [h for i in idx for h in groups[i][2]]
        out.append((groups[idx[0]][0], sites, hosts))
    return out


def plan(
    groups: list[tuple[str, list[str], list[str]]], n: int, weights: dict[str, int]
) -> tuple[int, list[tuple[str, list[str], list[str]]]]:
    """The crawl processes of a split patrol (at most one per host group) and the parts they
    claim: :data:`PARTS_PER_PROCESS` per process where there are groups enough, heaviest first."""
    n = max(1, min(n, len(groups)))
    return n, parts(groups, n * PARTS_PER_PROCESS, weights)


def run_split(
    conf: PatrolConf,
    site_ids: list[str] | None,
    n: int,
    trigger: str = "manual",
    full: bool = False,
    quiet=False,
) -> int:
    """The patrol of ``site_ids`` by ``n`` crawl processes; returns the PatrolRun id."""
    ids = distributed.checked_sites(conf, site_ids)
    n, cut = plan(distributed.host_groups(conf, ids), n, latest_requests())
    run = distributed.open_units(conf, ids, cut, trigger, full, {"local": True, "processes": n})
    return Split(conf, run.pk, n, quiet=quiet).run()


class Split:
    """A patrol crawled by this process and ``n - 1`` forked ones, all claiming its units."""

    def __init__(self, conf: PatrolConf, run_id: int, n: int, quiet: bool = False, stream=sys.stderr):
        self.conf, self.run_id, self.n = conf, run_id, n
        self.quiet, self.stream = quiet, stream
        self.children: set[int] = set()
        self.host = socket.gethostname()
        # one screening pool, this process's, served to the others over a socket each
        # (screening/remote.py); none when screening runs inside each crawl process (0 workers)
        from screening.jobs import configured_workers

        self.screen_workers = configured_workers(conf.screening)
        self.pairs: list = []

    def run(self) -> int:
        self._preload()
        if self.screen_workers > 0:
            from screening import remote

            self.pairs = [remote.pair() for _ in range(self.n - 1)]
        for i in range(self.n - 1):
            self._spawn(i)
        if not self.quiet:
            print(
                f"巡查 #{self.run_id}：{self.n} 个巡查进程并行（网站按主机分组，每组只由一个进程访问）",
                file=self.stream,
                flush=True,
            )
        self._worker(Supervisor).run()
        while self.children:  # stopped by a signal: the others give their units back and end
            self.reap_children(block=True)
        self._settle()
        return self.run_id

    @staticmethod
    def _preload() -> None:
        """Import what every crawl process needs before forking (each starts at once)."""
        for name in SHARED_MODULES:
            importlib.import_module(name)
        if "twisted.internet.reactor" in sys.modules:  # a child could not install its own
            raise RuntimeError("a shared module installed Twisted's reactor before the fork")
        gc.collect()
        gc.freeze()  # the collector of each process leaves the inherited objects' pages alone

    def _spawn(self, i: int) -> None:
        connections.close_all()  # a connection is never shared across a fork
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # a crawl process: claims units until none is queued, then ends
            code = 1
            try:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(sig, signal.SIG_DFL)
                _die_with(parent)
                mine = None
                for j, (server_end, client_end) in enumerate(self.pairs):
                    server_end.close()  # only the patrol's process serves
                    if j == i:
                        mine = client_end
                    elif not client_end.closed:
                        client_end.close()  # another's: its death must reach the server as EOF
                code = self._worker(Worker, mine).run()
            except BaseException:  # noqa: BLE001 - said, then the exit status tells the parent
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.children.add(pid)
        if self.pairs:
            self.pairs[i][1].close()  # the child's end is the child's alone

    def _worker(self, cls, client=None):
        """A crawl process's worker; ``client``: a forked one's end of the pool's socket (none when
        every process screens in itself: ``screening.workers: 0``)."""
        from django.conf import settings

        worker = cls(
            settings.PATROL_CONFIG,
            conf=self.conf,
            slots=1,
            idle_exit=0,
            stream=open(os.devnull, "w") if self.quiet else self.stream,  # noqa: SIM115 - for the process's life
            queue=LocalQueue(self.run_id),
            screen_workers=self.screen_workers,
            overrides={"CONCURRENT_REQUESTS": math.ceil(TOTAL_REQUESTS / self.n)},
            pool_factory=self._pool if client is None else _client_pool(client),
        )
        worker.split = self
        return worker

    def _pool(self, conf: PatrolConf, workers: int):
        """This process's screening pool, served to the forked crawl processes."""
        from screening import remote

        from . import pipelines

        pool = pipelines.make_pool(conf, workers)
        if self.pairs:
            self.server = remote.PoolServer(pool, [server_end for server_end, _ in self.pairs])
        return pool

    def reap_children(self, block: bool = False) -> None:
        """Note the crawl processes that ended; the units a dead one held go back at once."""
        while self.children:
            try:
                pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            if pid not in self.children:
                continue
            self.children.discard(pid)
            code = os.waitstatus_to_exitcode(status)
            lost = self._put_back(pid, code)
            if code != 0 or lost:
                how = f"信号 {signal.Signals(-code).name}" if code < 0 else f"退出码 {code}"
                log.warning("crawl process %s ended (%s); its units put back: %s", pid, how, lost)
            if block:
                return

    def _put_back(self, pid: int, code: int) -> list[int]:
        """A dead process's units go back at once (no waiting for their leases), or are failed
        when this was the unit's last attempt."""
        mine = WorkUnit.objects.filter(
            run_id=self.run_id, state="running", owner__startswith=f"{self.host}:{pid}:"
        )
        out = []
        for unit in mine:
            why = f"巡查进程异常结束（{code}）"
            changes = {"state": "queued", "pushed_at": timezone.now()}
            if unit.attempts >= distributed.MAX_ATTEMPTS:
                why = f"巡查进程 {distributed.MAX_ATTEMPTS} 次未完成此单元（{code}）"
                changes = {"state": "failed", "finished_at": timezone.now()}
            if WorkUnit.objects.filter(pk=unit.pk, owner=unit.owner, state="running").update(
                owner="", error=why, **changes
            ):
                out.append(unit.pk)
        return out

    def _settle(self) -> None:
        """Every crawl process has ended. A patrol stopped before its units were done ends failed
        (what was stored is kept; the next patrol resumes from it); otherwise its last unit's
        settle finished it already."""
        close_old_connections()
        WorkUnit.objects.filter(run_id=self.run_id, state__in=("queued", "running")).update(
            state="failed", owner="", finished_at=timezone.now(), error="crawl ended: shutdown"
        )
        distributed.finish_if_complete(self.run_id, self.conf)


class Supervisor(Worker):
    """The patrol's own process: a crawl process like the others, which also watches them, and
    ends only when no unit is left to crawl and they have all ended."""

    split: Split
    last_progress = 0.0

    def poll(self) -> None:
        self.split.reap_children()
        if self.stopping:
            if self._may_end():
                self._end()
            return
        super().poll()
        self._progress()

    def _idle(self) -> bool:
        if self.split.children or self.running:
            return False
        return not LocalQueue(self.split.run_id).units().filter(state="queued").exists()

    def _may_end(self) -> bool:
        # the others screen through this process's pool: it stays up until they have all ended
        return not self.running and not self.split.children

    def stop(self, why: str) -> None:
        for pid in self.split.children:  # the others stop with this one, giving their units back
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        super().stop(why)

    def _progress(self) -> None:
        now = time.monotonic()
        if self.split.quiet or now - self.last_progress < 2.0:
            return
        self.last_progress = now
        units = WorkUnit.objects.filter(run_id=self.split.run_id)
        done = units.filter(state__in=("done", "failed")).count()
        pages = Page.objects.filter(run_id=self.split.run_id).count()
        print(
            f"巡查中（{len(self.split.children) + 1} 个进程）: 单元 {done}/{units.count()} 完成  页面 {pages}",
            file=self.split.stream,
            flush=True,
        )


def _client_pool(client):
    """The pool factory of a forked crawl process: the patrol's pool, over ``client``."""

    def make(conf: PatrolConf, workers: int):
        from screening.remote import RemotePool

        return RemotePool(client)

    return make


def _die_with(parent: int) -> None:
    """This process is killed when ``parent`` dies (Linux), so that no crawl outlives its patrol."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's SIGTERM still reaches us
        pass
    if os.getppid() != parent:  # it died before the call
        os._exit(1)
