"""The pool's processes: the template that loads everything once and forks workers, and the
worker loop (one document at a time, memory-limited, retiring after ``max_jobs`` documents or
when it grew too big). The parent side that starts and supervises them is
:class:`screening.pool.ScreenPool`; the module docstring there says how they fit together.
"""

from __future__ import annotations

import ctypes
import gc
import os
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import connection, reduction
from typing import Any

from .extract.base import MB, Limits
from .jobs import EXIT_MEMORY, SCREENER_BUILDS, memory_reason, patrol_screener, screen_inline
from .service import unreadable


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
