"""Running a binary-format parser in a worker process bounded in time and memory.

Workers are forked from a ``forkserver`` (a clean single-threaded process with the
parsers preloaded), so starting one costs a fork, not an interpreter start, and it is
safe from a multi-threaded parent (Scrapy, Django). Each worker sets RLIMIT_AS
(``limits.memory_mb``) and RLIMIT_CPU before parsing; the parent waits at most
``limits.timeout_s`` wall-clock seconds for the result and kills the worker after that.
A worker that dies (out of memory, a crash in a C parser) is reported with its exit code.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import resource
import signal
import time

from .base import MB, Extracted, Limits

_CTX = None


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
        cpu = int(math.ceil(limits.timeout_s)) + 2
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY or cpu < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
    except (ValueError, OSError):
        pass
    try:
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
        remaining = limits.timeout_s
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
