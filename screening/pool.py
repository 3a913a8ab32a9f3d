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

Modules: this one is the parent side (``ScreenPool`` and its supervisor); the template and
worker processes are :mod:`screening.workers`; the job and the screen a worker runs on it
(``ScreenJob``, ``screen_inline``, the failure reasons) are :mod:`screening.jobs`, which a
crawl that screens in its own process imports without the pool.

Threads: ``submit`` and ``close`` may be called from any thread; future callbacks run in the
supervisor thread (keep them short; from Twisted use ``reactor.callFromThread``), or in the
calling thread for a future already resolved when ``submit`` returns (pool closed, oversize).
"""

from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from multiprocessing import connection, reduction
from typing import Any

from .extract.base import MB, Limits
from .extract.sandbox import deadline_remaining, hard_limit
from .jobs import (
    EXIT_MEMORY,
    ScreenFuture,
    ScreenJob,
    configured_workers,
    death_reason,
    default_workers,
    job_data,
    job_size,
    patrol_screener,
    screen_inline,
    timeout_reason,
)
from .service import DocResult, unreadable
from .workers import _Config, _template_main

__all__ = [
    "ScreenJob",
    "ScreenFuture",
    "job_data",
    "job_size",
    "ScreenPool",
    "screen_inline",
    "deadline_remaining",
    "default_workers",
    "configured_workers",
    "patrol_screener",
]

log = logging.getLogger(__name__)

SOCKET_TIMEOUT_S = 60.0  # a worker that stops reading or writing mid-message is treated as dead
START_FAILURES = 5  # consecutive worker or template deaths before start-up: the pool is broken
TEMPLATE_START_S = 300.0  # loading the lexicon and parsers (seconds, a loaded machine included)
WORKER_START_S = 60.0  # from the fork request to the worker's "ready"
MAX_ATTEMPTS = 2  # a job whose worker was lost through no fault of its own is tried again once
# a job handed to a worker that was already dead (killed while idle, its death not yet seen) never
# reached it: tried again without counting as an attempt, up to this many times
MAX_UNDELIVERED = 8


@dataclass(eq=False)
class _Entry:
    id: int
    job: ScreenJob
    future: Future
    attempts: int = 0
    undelivered: int = 0  # handed to workers that died before acknowledging it
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
        if not w.started and code != EXIT_MEMORY:
            self._requeue(entry, delivered=False)  # the worker never had it: not an attempt
        elif code is None or code == 0:
            self._requeue(entry)  # lost before its document could be the cause
        else:
            self._resolve(entry, unreadable(entry.job.name, death_reason(code, self.limits)))
        if self._failures >= START_FAILURES and not self.error:
            self.error = f"screening workers could not start ({death_reason(code, self.limits)})"

    def _requeue(self, entry: _Entry, delivered: bool = True) -> None:
        if delivered:
            entry.attempts += 1
        else:
            entry.undelivered += 1
        if entry.attempts >= MAX_ATTEMPTS or entry.undelivered > MAX_UNDELIVERED:
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


def _timeval(seconds: float) -> bytes:
    import struct

    return struct.pack("ll", int(seconds), int((seconds % 1) * 1e6))
