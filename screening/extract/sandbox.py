"""Running a binary-format parser in a worker process bounded in time and memory.

Workers are forked from a ``forkserver`` (a clean single-threaded process with the
parsers preloaded), so starting one costs a fork, not an interpreter start, and it is
safe from a multi-threaded parent (Scrapy, Django). Each worker sets RLIMIT_AS
(``limits.memory_mb``) and RLIMIT_CPU before parsing; the parent waits at most
``limits.timeout_s`` wall-clock seconds plus a grace for the result and kills the worker after that.
A worker that dies (out of memory, a crash in a C parser) is reported with its exit code.

The time limit has two steps. :func:`deadline_remaining` tells an extractor how long the
current document may still run (``limits.timeout_s`` from its start), so a slow one (OCR,
page by page) can stop in time and return partial text as ``unscreened``; the process is
killed only ``GRACE_S`` seconds later (:func:`hard_limit`). The screening pool
(:mod:`screening.pool`) uses the same context, the same deadline and the same grace.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import resource
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .base import MB, Extracted, Limits

_CTX = None

GRACE_S = 2.0  # between the soft deadline an extractor sees and the hard kill

_DEADLINE: ContextVar[float | None] = ContextVar("screening_document_deadline", default=None)


def deadline_remaining() -> float | None:
    """Seconds the current document may still run (negative once past its time limit);
    ``None`` outside a time-limited screen. Per thread, like a context variable."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


@contextmanager
def document_deadline(timeout_s: float) -> Iterator[None]:
    """Run the enclosed extraction under a soft deadline of ``timeout_s`` seconds from now."""
    token = _DEADLINE.set(time.monotonic() + timeout_s)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def hard_limit(timeout_s: float) -> float:
    """Wall-clock seconds after which a worker is killed: the time limit plus the grace."""
    return timeout_s + GRACE_S


def context():
    """The ``forkserver`` multiprocessing context (parsers preloaded), safe from a threaded parent."""
    return _context()


def _context():
    global _CTX
    if _CTX is None:
        ctx = mp.get_context("forkserver")
        # preload the parsers once in the server; not __main__ (pytest, console scripts)
        ctx.set_forkserver_preload(["screening.extract.worker"])
        _CTX = ctx
    return _CTX


def _worker(conn, kind: str, data: bytes, limits: Limits, charset: str | None, hint: str, func) -> None:
    from .base import cap_text
    from .registry import guarded, run_extractor

    try:
        mem = limits.memory_mb * MB
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or mem < hard:
            resource.setrlimit(resource.RLIMIT_AS, (mem, hard))
        cpu = int(math.ceil(hard_limit(limits.timeout_s))) + 1
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY or cpu < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
    except (ValueError, OSError):
        pass
    try:
        with document_deadline(limits.timeout_s):
            if func is None:
                result = run_extractor(kind, data, limits, charset=charset, hint=hint)
            else:
                result = guarded(kind, func, data, limits)
        result = cap_text(result, limits)
    except MemoryError:
        result = Extracted.unscreened(f"memory limit ({limits.memory_mb} MB) exceeded", kind)
    del data
    try:
        conn.send(result)
    except MemoryError:
        conn.send(Extracted.unscreened(f"memory limit ({limits.memory_mb} MB) exceeded", kind))
    finally:
        conn.close()


def run_isolated(
    kind: str, data: bytes, limits: Limits, *, charset: str | None = None, hint: str = "", func=None
) -> Extracted:
    """Run the registered extractor for ``kind`` (or ``func``, a module-level function) in a
    worker; returns ``unscreened`` on timeout, crash or memory exhaustion."""
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(sender, kind, data, limits, charset, hint, func), daemon=True)
    started = time.monotonic()
    try:
        proc.start()
    except OSError as exc:
        receiver.close()
        sender.close()
        return Extracted.unscreened(f"could not start the parser worker: {exc}", kind)
    sender.close()
    result: Extracted | None = None
    try:
        remaining = hard_limit(limits.timeout_s)
        if receiver.poll(max(remaining, 0.0)):
            try:
                result = receiver.recv()
            except (EOFError, OSError):
                result = None
        elif proc.is_alive():
            proc.kill()
            proc.join(5)
            return Extracted.unscreened(f"timed out after {limits.timeout_s:g} s", kind)
    finally:
        receiver.close()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join(5)
    if result is not None:
        return result
    code = proc.exitcode
    elapsed = time.monotonic() - started
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        if name == "SIGXCPU":
            return Extracted.unscreened(f"timed out after {elapsed:.0f} s (CPU limit)", kind)
        return Extracted.unscreened(f"parser crashed ({name}); memory limit {limits.memory_mb} MB", kind)
    return Extracted.unscreened(f"parser failed (exit code {code})", kind)
