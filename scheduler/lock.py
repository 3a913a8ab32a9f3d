"""One scheduler per data folder: an exclusive ``flock`` on ``<data>/scheduler.lock``.

APScheduler 3.x job stores must not be shared by two schedulers (its FAQ), so a second
``patrol schedule`` on the same data folder is refused. The kernel drops the lock when the
process dies, so a crashed daemon never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(RuntimeError):
    pass


class SchedulerLock:
    def __init__(self, data_dir: str | Path) -> None:
        self.path = Path(data_dir) / "scheduler.lock"
        self._fh = None

    def acquire(self) -> SchedulerLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the daemon's life
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            fh.close()
            raise AlreadyRunning(
                f"another scheduler is already running on this data folder "
                f"(pid {holder}, lock {self.path}); stop it first"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            fh, self._fh = self._fh, None
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
            fh.close()

    def __enter__(self) -> SchedulerLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
