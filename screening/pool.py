"""The screening pool: long-lived worker processes that screen documents beside the crawl.

``ScreenPool.submit(ScreenJob)`` returns a ``concurrent.futures.Future`` that always resolves
to a :class:`screening.service.DocResult`, never to an exception: a document that times out,
exhausts memory or kills its worker comes back ``unscreened`` with the reason, and the other
documents in flight are not affected.

Processes. One *template* process (a "zygote", started through multiprocessing's ``spawn``
context: a fresh interpreter, so it is safe to start from a threaded parent such as Scrapy's
reactor, and nothing else is left running beside it — a ``forkserver`` would stay alive for the
whole patrol, about 15 MiB, to start this one process) imports the extractors, builds the lexicon ``Screener`` (jieba's tokenizer and
dictionary as the engine loads them) once, freezes the garbage collector, and then only forks
workers. Each worker therefore starts
with everything loaded (pages shared copy-on-write with the template and its siblings), in a
fork, and a crashed worker is replaced in milliseconds. A worker:

- sets RLIMIT_AS to its own size after start-up plus ``limits.memory_mb``, so jieba's memory
  does not count against a document;
- runs every extractor inline (the worker is the sandbox; no process per document);
- screens one document at a time under a soft deadline (:func:`deadline_remaining`), and is
  killed ``GRACE_S`` after ``limits.timeout_s`` if it has not answered by then;
- retires (a clean exit; a fresh fork takes its place) after ``max_jobs_per_worker`` documents,
  after a document that left it bigger than ``max_worker_rss_mb``, or after running out of memory.

Models loaded by an extractor (OCR) stay in the worker that loaded them: load them there, never
in the template (a library that starts threads must not be loaded before a fork).

The parent keeps one supervisor thread (``screen-pool``) that hands a job to an idle worker
over that worker's own socket, reads results, enforces the hard time limit and replaces dead
workers. The template reports each worker's exit status, so a death is named
("parser crashed (SIGKILL) …"). Why not ``pebble``: its workers share one task pipe guarded
by a cross-process lock, and a worker killed while idle breaks the whole pool ("All workers
expired", every queued task fails); one killed while holding the lock hangs it.

Threads: ``submit`` and ``close`` may be called from any thread; future callbacks run in the
supervisor thread (keep them short; from Twisted use ``reactor.callFromThread``), or in the
calling thread for a future already resolved when ``submit`` returns (pool closed, oversize).
"""

from __future__ import annotations

import collections
import ctypes
import gc
import itertools
import logging
import multiprocessing
import os
import resource
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from functools import lru_cache
from multiprocessing import connection, reduction
from typing import Any

from .extract.base import MB, Limits
from .extract.sandbox import deadline_remaining, document_deadline, hard_limit
from .service import DocResult, unreadable

__all__ = [
    "ScreenJob",
    "ScreenFuture",
    "job_data",
    "job_size",
    "ScreenPool",
    "screen_inline",
    "deadline_remaining",
    "default_workers",
    "patrol_screener",
]

log = logging.getLogger(__name__)

SOCKET_TIMEOUT_S = 60.0  # a worker that stops reading or writing mid-message is treated as dead
START_FAILURES = 5  # consecutive worker or template deaths before start-up: the pool is broken
TEMPLATE_START_S = 300.0  # loading the lexicon and parsers (seconds, a loaded machine included)
WORKER_START_S = 60.0  # from the fork request to the worker's "ready"
MAX_ATTEMPTS = 2  # a job whose worker was lost through no fault of its own is tried again once
EXIT_MEMORY = 86  # a worker's exit code: it ran out of memory receiving a job


@dataclass(frozen=True)
class ScreenJob:
    key: object  # the caller's key, untouched; also on the future (``future.key``)
    data: bytes
    name: str  # file name or URL (type hint for detection); the result's ``source``
    content_type: str | None = None
    url: str | None = None
    # inspection checks on the same extracted text (issue 10): (wording lexicon path or None,
    # watch list path or None, the page's publish date as ISO or None); None: no checks
    checks: tuple[str | None, str | None, str | None] | None = None
    # the bytes as a content-addressed file (``…/<sha256>``, crawler.snapshots) instead of ``data``:
    # the worker reads them itself (nothing big is pickled through the supervisor or held in the
    # queue) and checks them against the name, so it screens exactly the bytes written; ``size``
    # is their length (the oversize check without reading them)
    path: str | None = None
    size: int | None = None


def job_size(job: ScreenJob) -> int:
    return job.size if job.path is not None and job.size is not None else len(job.data)


def job_data(job: ScreenJob) -> bytes:
    """The job's bytes: ``data``, or the content-addressed file at ``path`` (checked by its
    sha256 name; ``ValueError`` when the file no longer holds those bytes)."""
    if job.path is None:
        return job.data
    import hashlib

    with open(job.path, "rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != os.path.basename(job.path):
        raise ValueError(f"snapshot {os.path.basename(job.path)[:12]}… does not hold the bytes fetched")
    return data


class ScreenFuture(Future):
    """A future of a :class:`DocResult` that carries its job's ``key``."""

    def __init__(self, key: object):
        super().__init__()
        self.key = key


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def configured_workers(screening: dict) -> int:
    """A patrol's screening workers: ``PATROL_SCREEN_WORKERS`` over ``screening.workers``."""
    workers = os.environ.get("PATROL_SCREEN_WORKERS")
    return int(workers) if workers not in (None, "") else int(screening.get("workers", 2))


# ------------------------------------------------------------------ the screen itself

SCREENER_BUILDS: dict[int, int] = {}  # pid → Screeners built in that process (inherited by forks)


@lru_cache(maxsize=4)
def patrol_screener(private_lexicon: str | None, threshold: str) -> Any:
    """The patrol's screener: the default lexicons plus the private one, at ``threshold``
    (built once per process and key; the pool's template builds it for every worker)."""
    from .engine import Screener, load_lexicon
    from .engine.lexicon import default_lexicon_paths

    paths = list(default_lexicon_paths())
    if private_lexicon:
        paths.append(private_lexicon)
    screener = Screener(load_lexicon(paths), threshold=threshold)
    SCREENER_BUILDS[os.getpid()] = SCREENER_BUILDS.get(os.getpid(), 0) + 1
    return screener


def screen_inline(
    job: ScreenJob,
    *,
    private_lexicon: str | None = None,
    threshold: str = "medium",
    limits: Limits | None = None,
) -> DocResult:
    """Screen one job in this process, every extractor inline, under the soft deadline.

    The same function the pool's workers run; it never raises (a failure is ``unscreened``)."""
    from .extract import extract
    from .service import screen_extracted

    limits = (limits or Limits()).with_(isolation="inline")
    try:
        with document_deadline(limits.timeout_s):
            data = job_data(job)
            extracted = extract(data, name=job.name, content_type=job.content_type, limits=limits)
            del data
            screener = patrol_screener(private_lexicon, threshold) if extracted.text.strip() else None
            result = screen_extracted(extracted, job.name, url=job.url, screener=screener)
            if job.checks is not None and extracted.text.strip():
                result.checks = inspection_checks(extracted.text, *job.checks)
            return result
    except MemoryError:
        return unreadable(job.name, memory_reason(limits))
    except Exception as exc:  # a broken document or lexicon must never stop the patrol
        return unreadable(job.name, f"screening failed: {type(exc).__name__}: {exc}"[:300])


def inspection_checks(text: str, wording: str | None, watch: str | None, published: str | None) -> dict:
    """Wording errors and watched names in a document's text (inspection.checks; the lexicons are
    loaded once per worker). Plain dicts, ``{"wording": [...], "watch": [...]}``; a failure of the
    checks is reported in ``error`` and never costs the document its screen."""
    import datetime as dt

    try:
        wording_lex, watch_list = _inspection_lists(wording, watch)
        from inspection.checks import check_watch, check_wording

        out: dict = {"wording": [], "watch": []}
        for h in check_wording(text, wording_lex):
            out["wording"].append(
                {
                    "text": h.text,
                    "suggestion": h.suggestion,
                    "severity": h.severity,
                    "context": h.context,
                    "note": h.note,
                }
            )
        if watch_list.entries:
            day = dt.date.fromisoformat(published) if published else None
            for w in check_watch(text, day, watch_list):
                out["watch"].append(
                    {"text": w.text, "context": w.context, "since": w.since.isoformat(), "note": w.note}
                )
        return out
    except Exception as exc:  # noqa: BLE001 - the screen result stands
        return {"wording": [], "watch": [], "error": f"{type(exc).__name__}: {exc}"[:300]}


@lru_cache(maxsize=4)
def _inspection_lists(wording: str | None, watch: str | None):
    from inspection.checks import load_watch, load_wording

    return load_wording([wording] if wording else None), load_watch([watch] if watch else None)


def memory_reason(limits: Limits) -> str:
    return f"memory limit ({limits.memory_mb} MB) exceeded"


def death_reason(code: int | None, limits: Limits) -> str:
    """Why a worker died, from its exit status (negative: the signal that killed it)."""
    if code is None:
        return "screening worker lost (exit status unknown)"
    if code == EXIT_MEMORY:
        return memory_reason(limits)
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"parser crashed ({name}); memory limit {limits.memory_mb} MB"
    return f"parser failed (exit code {code})"


# ------------------------------------------------------------------ template and workers


def _die_with_parent(parent: int | None = None) -> None:
    """SIGKILL this process when its parent dies (Linux), so no worker outlives the patrol."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _vm_size() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _os_threads() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 1


_STATM: tuple[int, int] | None = None  # (pid, fd of its /proc/self/statm): read after every job


def _rss() -> int:
    """This process's resident size, by one ``pread`` of a file kept open (a forked process
    opens its own: the file answers for the process that opened it)."""
    global _STATM
    pid = os.getpid()
    if _STATM is None or _STATM[0] != pid:
        _STATM = (pid, os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC))
    return int(os.pread(_STATM[1], 128, 0).split()[1]) * _PAGE


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _limit_memory(base: int, memory_mb: int) -> None:
    """RLIMIT_AS: the worker's size after start-up (``base`` bytes) plus the document's share."""
    try:
        limit = base + memory_mb * MB
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


@dataclass(frozen=True)
class _Config:
    """What the template and its workers are started with."""

    private_lexicon: str | None
    threshold: str
    limits: Limits
    max_jobs: int
    max_rss: int
    initializer: Callable[..., Any] | None  # in the template, before the forks (imports, data)
    initargs: tuple
    worker_initializer: Callable[[], Any] | None  # in each worker after its fork (OCR models)


def _template_main(ctl, cfg: _Config) -> None:
    """The template process: load everything once, then fork workers on request."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from .extract import worker  # noqa: F401  (every parser imported)

        if cfg.initializer is not None:
            cfg.initializer(*cfg.initargs)
        # jieba and the lexicon's tokenizer now, once for every fork (the dictionary's buckets load
        # on demand: a worker reads only what its documents need)
        patrol_screener(cfg.private_lexicon, cfg.threshold).preload()
    except BaseException as exc:  # noqa: BLE001 - reported to the pool, which marks itself broken
        ctl.send(("error", f"{type(exc).__name__}: {exc}"[:300]))
        return
    gc.collect()
    gc.freeze()  # keep the collector off the shared pages
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    ctl.send(("ready", os.getpid(), dict(SCREENER_BUILDS), _os_threads()))
    children: set[int] = set()
    running = True
    while running or children:
        ready = connection.wait([ctl, wake_r] if running else [wake_r], timeout=None if running else 0.2)
        if wake_r in ready:
            os.read(wake_r, 512)
        if running and ctl in ready:
            try:
                msg = ctl.recv()
            except (EOFError, OSError):
                msg = ("quit",)
            if msg[0] == "fork":
                fd = reduction.recv_handle(ctl)
                template = os.getpid()
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        ctl.close()
                        os.close(wake_r)
                        os.close(wake_w)
                        code = _worker_main(fd, template, cfg)
                    finally:
                        os._exit(code)
                os.close(fd)
                children.add(pid)
                ctl.send(("forked", pid))
            elif msg[0] == "kill":
                if msg[1] in children:
                    try:
                        os.kill(msg[1], msg[2])
                    except ProcessLookupError:
                        pass
            elif msg[0] == "quit":
                running = False
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            children.discard(pid)
            if running:
                try:
                    ctl.send(("exited", pid, os.waitstatus_to_exitcode(status)))
                except OSError:
                    running = False


def _worker_main(fd: int, template: int, cfg: _Config) -> int:
    """One worker: answer jobs on its own socket until told to stop, or retire (exit) after
    ``cfg.max_jobs`` jobs or a job that left it bigger than ``cfg.max_rss`` bytes (a big
    document's memory goes back to the system with the process)."""
    limits = cfg.limits
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _die_with_parent(template)
    conn = connection.Connection(fd)
    if cfg.worker_initializer is not None:
        cfg.worker_initializer()
    base = _vm_size()
    _limit_memory(base, limits.memory_mb)
    conn.send(("ready", os.getpid(), dict(SCREENER_BUILDS), base))
    done = 0
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return 0
        except MemoryError:
            return EXIT_MEMORY
        if msg[0] != "job":
            return 0
        _, job_id, job = msg
        conn.send(("started", job_id))  # from here on, a death is this document's
        source = job.name
        result = screen_inline(
            job, private_lexicon=cfg.private_lexicon, threshold=cfg.threshold, limits=limits
        )
        del job, msg
        done += 1
        rss = _rss()
        retire = None
        if memory_reason(limits) in (result.reason or ""):
            retire = "memory"
        elif cfg.max_rss and rss > cfg.max_rss:
            retire = "rss"
        elif cfg.max_jobs and done >= cfg.max_jobs:
            retire = "jobs"
        info = {"jobs": done, "builds": dict(SCREENER_BUILDS), "base_vm": base, "rss": rss, "retired": retire}
        try:
            conn.send(("done", job_id, result, info, bool(retire)))
        except (MemoryError, TypeError, ValueError, AttributeError) as exc:  # unpicklable or too big
            reason = memory_reason(limits) if isinstance(exc, MemoryError) else "result could not be sent"
            conn.send(("done", job_id, unreadable(source, reason), info, True))
            return 0
        if retire:
            return 0


# ------------------------------------------------------------------ the parent side


@dataclass(eq=False)
class _Entry:
    id: int
    job: ScreenJob
    future: Future
    attempts: int = 0
    running: bool = False


@dataclass(eq=False)
class _Worker:
    conn: connection.Connection
    pid: int | None = None
    state: str = "forking"  # forking → starting → idle ⇄ busy → dying → gone
    entry: _Entry | None = None
    started: bool = False  # the worker acknowledged its entry
    deadline: float = 0.0
    info: dict = field(default_factory=dict)
    eof_at: float | None = None
    ready: bool = False
    since: float = field(default_factory=time.monotonic)


class ScreenPool:
    """Long-lived screening workers; see the module docstring."""

    def __init__(
        self,
        workers: int | None = None,
        private_lexicon: str | None = None,
        threshold: str = "medium",
        limits: Limits | None = None,
        *,
        max_jobs_per_worker: int = 1000,
        max_worker_rss_mb: int = 640,  # above a worker with the OCR models loaded (~470 MB)
        initializer: Callable[..., Any] | None = None,
        initargs: Iterable[Any] = (),
        worker_initializer: Callable[[], Any] | None = None,
    ):
        self.size = workers or default_workers()
        self.private_lexicon = private_lexicon
        self.threshold = threshold
        self.limits = limits or Limits()
        self._config = _Config(
            private_lexicon,
            threshold,
            self.limits,
            max_jobs_per_worker,
            max_worker_rss_mb * MB,
            initializer,
            tuple(initargs),
            worker_initializer,
        )
        self._lock = threading.Lock()
        self._queue: collections.deque[_Entry] = collections.deque()
        self._pending = 0
        self._idle_waiters: list[Future] = []
        self._ids = itertools.count(1)
        self._closing = False
        self._cancel = False
        self.error: str | None = None  # set when the pool could not start its workers
        self._workers: list[_Worker] = []
        self._template = None
        self._template_conn = None
        self._template_pid: int | None = None
        self._template_ready = False
        self._template_since = 0.0
        self._failures = 0
        self._exits: dict[int, int] = {}
        self.template_builds: dict[int, int] = {}
        # pid → as last reported: jobs done, builds (Screeners built per pid), base_vm, rss, retired
        self.worker_info: dict[int, dict] = {}
        self.replaced = 0
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._woken = False  # a wake byte is in the pipe, not read yet
        self._thread = threading.Thread(target=self._run, name="screen-pool", daemon=True)
        self._thread.start()

    # -------------------------------------------------------------- public API

    @property
    def pending(self) -> int:
        """Jobs submitted and not finished yet."""
        with self._lock:
            return self._pending

    def submit(self, job: ScreenJob) -> ScreenFuture:
        """Queue a job; thread-safe, never blocks on screening, never raises for a document."""
        future = ScreenFuture(job.key)
        if job_size(job) > self.limits.max_bytes:  # not worth a trip to a worker
            future.set_running_or_notify_cancel()
            future.set_result(
                screen_inline(
                    job, private_lexicon=self.private_lexicon, threshold=self.threshold, limits=self.limits
                )
            )
            return future
        with self._lock:
            refused = self._closing or self.error
            if not refused:
                self._queue.append(_Entry(next(self._ids), job, future))
                self._pending += 1
        if refused:
            future.set_running_or_notify_cancel()
            future.set_result(unreadable(job.name, self.error or "screening pool closed"))
        else:
            self._wake()
        return future

    def drained(self) -> Future:
        """A future that resolves (to None) once no job is pending: at once if none is. The pool
        stays open; from Twisted, wrap it like a job's future to wait without blocking the reactor."""
        future: Future = Future()
        with self._lock:
            if self._pending:
                self._idle_waiters.append(future)
                return future
        future.set_result(None)
        return future

    def close(self, wait: bool = True) -> None:
        """Stop accepting jobs; ``wait``: finish every job first, else resolve the rest as
        ``unscreened`` (cancelled) at once. Then stop the workers and the template."""
        with self._lock:
            self._closing = True
            self._cancel = self._cancel or not wait
        self._wake()
        if threading.current_thread() is not self._thread:
            self._thread.join()

    def __enter__(self) -> ScreenPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(wait=exc[0] is None)

    def pids(self) -> dict[str, Any]:
        """The template's pid and the live workers' pids (tests, memory figures)."""
        return {
            "template": self._template_pid,
            "workers": [w.pid for w in self._workers if w.pid and w.state in ("starting", "idle", "busy")],
        }

    def memory(self) -> list[dict[str, Any]]:
        """RSS, PSS and USS (bytes) of the template and each live worker. Their pages are shared
        copy-on-write, so the pool's own cost is the sum of PSS, not of RSS."""
        import psutil

        pids = self.pids()
        rows = []
        for role, pid in [("template", pids["template"])] + [("worker", p) for p in pids["workers"]]:
            if not pid:
                continue
            try:
                m = psutil.Process(pid).memory_full_info()
            except psutil.Error:
                continue
            rows.append({"role": role, "pid": pid, "rss": m.rss, "pss": m.pss, "uss": m.uss})
        return rows

    # -------------------------------------------------------------- supervisor thread

    def _wake(self) -> None:
        """Wake the supervisor; a wake already written and not yet read is enough (the
        supervisor reads the pipe, then clears the flag, then looks at the queue)."""
        with self._lock:
            if self._wake_w < 0 or self._woken:
                return
            self._woken = True
            try:
                os.write(self._wake_w, b"x")
            except OSError:  # full: the supervisor is awake anyway
                pass

    def _run(self) -> None:
        try:
            while not self._step():
                pass
        except Exception:  # a bug here must not leave callers waiting forever
            log.exception("screening pool supervisor failed")
            self.error = "screening pool failed (see the log)"
            self._fail_all(self.error)
        finally:
            self._shutdown()

    def _step(self) -> bool:
        """One turn of the supervisor; True when the pool is finished."""
        with self._lock:
            closing, cancel = self._closing, self._cancel
        if cancel:
            self._fail_all("screening cancelled: the pool was closed before this document was screened")
            return True
        if self.error:
            self._fail_all(self.error)
            if closing:
                return True
        else:
            self._ensure_template()
            self._ensure_workers()
            self._dispatch()
        with self._lock:
            idle = not self._queue
        if closing and idle and not any(w.entry for w in self._workers):
            return True
        now = time.monotonic()
        deadlines = [w.deadline for w in self._workers if w.state == "busy"]
        deadlines += [w.eof_at + 5.0 for w in self._workers if w.eof_at is not None]
        deadlines += [w.since + WORKER_START_S for w in self._workers if not w.ready]
        if self._template is not None and not self._template_ready:
            deadlines.append(self._template_since + TEMPLATE_START_S)
        timeout = max(0.0, min(deadlines) - now) if deadlines else None
        watched: list[Any] = [self._wake_r]
        if self._template is not None:
            watched += [self._template.sentinel] + ([self._template_conn] if self._template_conn else [])
        watched += [w.conn for w in self._workers if w.eof_at is None]
        ready = connection.wait(watched, timeout)
        if self._wake_r in ready:
            os.read(self._wake_r, 4096)  # first read, then clear: a wake in between is not lost
            with self._lock:
                self._woken = False
        if self._template_conn is not None and self._template_conn in ready:
            self._template_messages()
        for w in list(self._workers):
            if w.eof_at is None and w.conn in ready:
                self._worker_messages(w)
        if self._template is not None and self._template.sentinel in ready:
            self._template_died()
        self._check_deadlines()
        return False

    # template

    def _ensure_template(self) -> None:
        if self._template is not None:
            return
        ctx = multiprocessing.get_context("spawn")
        mine, theirs = ctx.Pipe(duplex=True)
        proc = ctx.Process(
            target=_template_main,
            args=(theirs, self._config),
            name="screen-pool-template",
            daemon=True,
        )
        try:
            proc.start()
        except Exception as exc:  # noqa: BLE001
            mine.close()
            theirs.close()
            self._start_failed(f"could not start the screening workers: {exc}")
            return
        theirs.close()
        self._template, self._template_conn, self._template_ready = proc, mine, False
        self._template_since = time.monotonic()

    def _template_messages(self) -> None:
        conn = self._template_conn
        while conn is not None and conn.poll(0):
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                self._template_conn = None
                conn.close()
                return
            if msg[0] == "ready":
                self._template_ready, self._template_pid = True, msg[1]
                self.template_builds = msg[2]
                if msg[3] > 1:
                    log.warning(
                        "the screening template runs %d threads: a worker forked from it may hang; "
                        "load libraries that start threads (OCR) in the workers, not in the initializer",
                        msg[3],
                    )
            elif msg[0] == "error":
                self.error = f"screening workers could not start: {msg[1]}"
            elif msg[0] == "forked":
                waiting = next((w for w in self._workers if w.state == "forking"), None)
                if waiting is not None:
                    waiting.pid, waiting.state = msg[1], "starting"
            elif msg[0] == "exited":
                w = next((w for w in self._workers if w.pid == msg[1]), None)
                if w is not None:
                    self._worker_gone(w, msg[2])
                else:
                    self._exits[msg[1]] = msg[2]

    def _template_died(self) -> None:
        """The template is gone (its workers die with it): requeue their jobs, start a new one."""
        proc, self._template = self._template, None
        proc.join(1)
        if self._template_conn is not None:
            self._template_messages()  # exit reports sent before it died
        if self._template_conn is not None:
            self._template_conn.close()
            self._template_conn = None
        was_ready, self._template_ready, self._template_pid = self._template_ready, False, None
        for w in list(self._workers):
            self._worker_gone(w, None)
        if not was_ready and not self.error:
            self._start_failed(f"screening workers could not start (exit code {proc.exitcode})")

    def _start_failed(self, reason: str) -> None:
        self._failures += 1
        if self._failures >= START_FAILURES:
            self.error = reason
        else:
            time.sleep(min(0.1 * 2**self._failures, 2.0))

    # workers

    def _ensure_workers(self) -> None:
        if not self._template_ready or self._template_conn is None:
            return
        with self._lock:
            wanted = self.size if (self._queue or not self._closing) else 0
        while len(self._workers) < wanted:
            a, b = socket.socketpair()
            a.settimeout(None)
            for opt in (socket.SO_SNDTIMEO, socket.SO_RCVTIMEO):
                a.setsockopt(socket.SOL_SOCKET, opt, _timeval(SOCKET_TIMEOUT_S))
            try:
                self._template_conn.send(("fork",))
                reduction.send_handle(self._template_conn, b.fileno(), self._template_pid)
            except OSError:
                a.close()
                b.close()
                return  # the template is dying; its sentinel will tell
            b.close()
            self._workers.append(_Worker(connection.Connection(a.detach())))

    def _dispatch(self) -> None:
        for w in self._workers:
            if w.state != "idle":
                continue
            entry = self._next_entry()
            if entry is None:
                return
            w.state, w.entry, w.started = "busy", entry, False
            w.deadline = time.monotonic() + hard_limit(self.limits.timeout_s)
            try:
                w.conn.send(("job", entry.id, entry.job))
            except (OSError, ValueError):
                self._requeue(entry)
                w.entry, w.state = None, "dying"
                self._kill(w)

    def _next_entry(self) -> _Entry | None:
        while True:
            with self._lock:
                if not self._queue:
                    return None
                entry = self._queue.popleft()
            if entry.running or entry.future.set_running_or_notify_cancel():
                entry.running = True
                return entry
            self._finished()  # cancelled by the caller

    def _worker_messages(self, w: _Worker) -> None:
        while w.eof_at is None and w.conn.poll(0):
            try:
                msg = w.conn.recv()
            except (EOFError, OSError):
                w.eof_at = time.monotonic()  # dead (or hung): the template's exit report says how
                if w.state != "dying":  # not on its way out by itself (retiring, being killed)
                    self._kill(w)
                if w.state != "busy":
                    w.state = "dying"
                return
            if msg[0] == "ready":
                w.pid, w.state, w.ready = msg[1], "idle", True
                w.info = {"jobs": 0, "builds": msg[2], "base_vm": msg[3]}
                self.worker_info[msg[1]] = w.info
                self._failures = 0
            elif msg[0] == "started":
                w.started = w.entry is not None and w.entry.id == msg[1]
            elif msg[0] == "done":
                _, job_id, result, info, retire = msg
                w.info = info
                if w.pid:
                    self.worker_info[w.pid] = info
                if w.entry is not None and w.entry.id == job_id:
                    entry, w.entry = w.entry, None
                    self._resolve(entry, result)
                w.state = "dying" if retire else ("idle" if w.state == "busy" else w.state)

    def _worker_gone(self, w: _Worker, code: int | None) -> None:
        """A worker exited (``code`` from the template; None: unknown). Read what it left,
        then answer its job: its fault when it died of a signal or an error, else retry."""
        if w.eof_at is None:
            self._worker_messages(w)
        if w in self._workers:
            self._workers.remove(w)
        w.conn.close()
        entry, w.entry, w.state = w.entry, None, "gone"
        if code not in (0, None):
            if w.ready:
                self.replaced += 1
            else:
                self._failures += 1
        if entry is None:
            return
        if code is None or code == 0 or (not w.started and code != EXIT_MEMORY):
            self._requeue(entry)  # lost before its document could be the cause
        else:
            self._resolve(entry, unreadable(entry.job.name, death_reason(code, self.limits)))
        if self._failures >= START_FAILURES and not self.error:
            self.error = f"screening workers could not start ({death_reason(code, self.limits)})"

    def _requeue(self, entry: _Entry) -> None:
        entry.attempts += 1
        if entry.attempts >= MAX_ATTEMPTS:
            self._resolve(entry, unreadable(entry.job.name, death_reason(None, self.limits)))
            return
        with self._lock:
            self._queue.appendleft(entry)

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        for w in list(self._workers):
            if w.state == "busy" and w.entry is not None and now >= w.deadline:
                entry, w.entry, w.state = w.entry, None, "dying"
                self._resolve(entry, unreadable(entry.job.name, timeout_reason(self.limits)))
                self._kill(w)
            elif w.eof_at is not None and now >= w.eof_at + 5.0:  # no exit report came
                self._worker_gone(w, self._exits.pop(w.pid or 0, None))
            elif not w.ready and now >= w.since + WORKER_START_S:  # never started
                self._kill(w)
                self._worker_gone(w, None)
                self._failures += 1
        if self._template is not None and not self._template_ready:
            if now >= self._template_since + TEMPLATE_START_S:
                self._template.kill()  # its sentinel fires next turn: counted as a failed start

    def _kill(self, w: _Worker) -> None:
        if w.pid is None or self._template_conn is None:
            return
        try:
            self._template_conn.send(("kill", w.pid, signal.SIGKILL))
        except OSError:
            pass

    def _resolve(self, entry: _Entry, result: DocResult) -> None:
        try:
            if not entry.running:
                entry.future.set_running_or_notify_cancel()
            entry.future.set_result(result)
        except (InvalidStateError, RuntimeError):
            pass  # cancelled by the caller
        self._finished()

    def _finished(self) -> None:
        """One job less pending (after its future is resolved, so a drained pool has every answer)."""
        with self._lock:
            self._pending -= 1
            waiters = self._idle_waiters if self._pending == 0 else []
            if waiters:
                self._idle_waiters = []
        for waiter in waiters:
            waiter.set_result(None)

    def _fail_all(self, reason: str) -> None:
        with self._lock:
            entries = list(self._queue)
            self._queue.clear()
        entries += [w.entry for w in self._workers if w.entry is not None]
        for w in self._workers:
            if w.entry is not None:
                w.entry, w.state = None, "dying"
                self._kill(w)
        for entry in entries:
            self._resolve(entry, unreadable(entry.job.name, reason))

    def _shutdown(self) -> None:
        with self._lock:
            self._closing = True
        self._fail_all(self.error or "screening pool closed")  # nothing is left waiting
        for w in self._workers:
            w.conn.close()  # idle workers exit on EOF
        self._workers.clear()
        if self._template_conn is not None:
            try:
                self._template_conn.send(("quit",))
            except OSError:
                pass
        if self._template is not None:
            self._template.join(5)
            if self._template.is_alive():
                self._template.kill()  # its workers die with it
                self._template.join(5)
        if self._template_conn is not None:
            self._template_conn.close()
        self._template = self._template_conn = None
        with self._lock:
            os.close(self._wake_r)
            os.close(self._wake_w)
            self._wake_r = self._wake_w = -1


def timeout_reason(limits: Limits) -> str:
    return f"timed out after {limits.timeout_s:g} s"


def _timeval(seconds: float) -> bytes:
    import struct

    return struct.pack("ll", int(seconds), int((seconds % 1) * 1e6))
