"""Content-addressed snapshot files: ``<data>/snapshots/ab/cd/<sha256>``.

The file is written to a temporary name and renamed into place before any database row
refers to it, so a crash never leaves a row pointing at a half-written file.
"""

from __future__ import annotations

import hashlib
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from django.conf import settings

from .models import Snapshot


def root() -> Path:
    return Path(settings.DATA_DIR) / "snapshots"


def path_for(sha256: str) -> Path:
    return root() / sha256[:2] / sha256[2:4] / sha256


def file_of(sha256: str) -> str:
    """``path_for`` as a plain string (a patrol names one per page it hands to screening)."""
    return os.path.join(settings.DATA_DIR, "snapshots", sha256[:2], sha256[2:4], sha256)


_DIRS: set[str] = set()  # folders known to exist (a patrol writes thousands of files into 65,536 folders)


def write(data: bytes) -> str:
    """Write the file (once per content) and return its sha256; no database row."""
    sha = hashlib.sha256(data).hexdigest()
    _write_file(settings.DATA_DIR, sha, data)
    return sha


def _write_file(data_dir: str, sha: str, data: bytes) -> None:
    """Plain ``os`` calls on strings, as few as can be (a patrol writes one per page, mostly into a
    folder it has to create: pathlib's objects, ``makedirs``' checks and an existence check in a
    folder just made cost more than the write)."""
    folder = os.path.join(data_dir, "snapshots", sha[:2], sha[2:4])
    target = os.path.join(folder, sha)
    made = False
    if folder not in _DIRS:
        try:
            os.mkdir(folder)
            made = True  # a folder this call made holds no file yet
        except FileExistsError:
            pass
        except FileNotFoundError:  # its parent is missing too
            os.makedirs(folder, exist_ok=True)
        _DIRS.add(folder)
    if made or not os.path.exists(target):
        tmp = os.path.join(folder, f".{sha}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)


# -- written behind ----------------------------------------------------------------------------
# A patrol's crawl thread hashes a page and goes on; the file is written by a thread of its own
# (the system calls release the interpreter: the crawl parses the next page meanwhile). The store
# calls ``drain()`` before the transaction whose rows refer to the files, so a row still never
# points at a file not on disk; a screening job carries the write (``pending``) and is sent to a
# worker only once it is done.


class _Behind:
    def __init__(self):
        self.pid = os.getpid()
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="patrol-snapshots")
        self.pending: dict[str, Future] = {}  # sha256 → its write, until drained


_BEHIND: _Behind | None = None


def _behind() -> _Behind:
    global _BEHIND
    if _BEHIND is None or _BEHIND.pid != os.getpid():  # a forked process has no thread of its parent's
        _BEHIND = _Behind()
    return _BEHIND


def write_behind(data: bytes) -> str:
    """The sha256 of ``data`` now; its file written on this process's snapshot thread."""
    sha = hashlib.sha256(data).hexdigest()
    behind = _behind()
    if sha not in behind.pending:
        behind.pending[sha] = behind.pool.submit(_write_file, settings.DATA_DIR, sha, data)
    return sha


def pending(sha256: str) -> Future | None:
    """The write of ``sha256``'s file while it may still be under way (``None``: on disk, as far
    as this process wrote it); its ``result()`` returns once the file is there."""
    behind = _BEHIND
    if behind is None or behind.pid != os.getpid():
        return None
    write = behind.pending.get(sha256)
    return None if write is None or (write.done() and write.exception() is None) else write


def drain() -> None:
    """Wait until every file written behind is on disk; raise the first write's error."""
    behind = _BEHIND
    if behind is None or behind.pid != os.getpid() or not behind.pending:
        return
    writes, behind.pending = behind.pending, {}
    for write in writes.values():
        write.result()


def store(data: bytes) -> Snapshot:
    sha = write(data)
    snap, _ = Snapshot.objects.get_or_create(sha256=sha, defaults={"size": len(data)})
    return snap


def read(snapshot: Snapshot) -> bytes:
    return path_for(snapshot.sha256).read_bytes()
