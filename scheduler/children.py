"""Child processes of the scheduler: one process per job, with a time limit and a clean stop.

Every child starts in its own session (process group), so a hung patrol and anything it
spawned are ended together: SIGTERM to the group, then SIGKILL after a grace period. The job
thread that started a child is the one that waits for it and ends it, whether the time limit
passed or the daemon is stopping; :meth:`Children.stop` only asks.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Outcome:
    pid: int
    returncode: int
    timed_out: bool  # killed at the time limit
    stopped: bool  # ended because the scheduler is stopping
    log_path: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.stopped

    def tail(self, limit: int = 2000) -> str:
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(max(0, os.path.getsize(self.log_path) - limit))
                return fh.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""

    def describe_exit(self) -> str:
        if self.returncode < 0:
            try:
                name = signal.Signals(-self.returncode).name
            except ValueError:
                name = str(-self.returncode)
            return f"killed by signal {name}"
        return f"exited with status {self.returncode}"


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def end_process(proc: subprocess.Popen, grace: float) -> int:
    """SIGTERM the child's process group, SIGKILL it after ``grace`` seconds; returns the exit code."""
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        log.warning("pid %s ignored SIGTERM for %gs; sending SIGKILL", proc.pid, grace)
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()
    _signal_group(proc.pid, signal.SIGKILL)  # anything the child left behind in its group
    return proc.returncode


class Children:
    """Runs children and remembers them, so that a stopping daemon ends them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, subprocess.Popen] = {}
        self._stop = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def running(self) -> list[int]:
        with self._lock:
            return list(self._running)

    def stop(self) -> None:
        """Ask every running child to end (their job threads do it) and refuse new ones."""
        self._stop.set()

    def reset(self) -> None:
        self._stop.clear()

    def run(
        self,
        command: list[str],
        timeout: float,
        grace: float,
        log_path: Path,
        cwd: str | None = None,
        started=None,
    ) -> Outcome | None:
        """Run ``command`` to its end or to ``timeout`` seconds; None if the daemon is stopping.

        ``started(pid)`` is called once the child runs (to record its pid).
        """
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if self._stop.is_set():
                return None
            with open(log_path, "ab") as out:
                proc = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=cwd,
                    start_new_session=True,
                    close_fds=True,
                )
            self._running[proc.pid] = proc
        if started is not None:
            started(proc.pid)
        deadline = time.monotonic() + timeout
        timed_out = stopped = False
        try:
            while True:
                try:
                    proc.wait(timeout=min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
                    break
                except subprocess.TimeoutExpired:
                    pass
                if self._stop.is_set():
                    stopped = True
                    log.warning("scheduler stopping: ending pid %s", proc.pid)
                    end_process(proc, grace)
                    break
                if time.monotonic() >= deadline:
                    timed_out = True
                    log.warning("pid %s passed its time limit of %gs: ending it", proc.pid, timeout)
                    end_process(proc, grace)
                    break
        finally:
            if proc.returncode is None:  # an exception while waiting: do not leave it behind
                end_process(proc, grace)
            with self._lock:
                self._running.pop(proc.pid, None)
        return Outcome(
            pid=proc.pid, returncode=proc.returncode, timed_out=timed_out, stopped=stopped, log_path=log_path
        )
