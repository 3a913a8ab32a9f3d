"""Content-addressed snapshot files: ``<data>/snapshots/ab/cd/<sha256>``.

The file is written to a temporary name and renamed into place before any database row
refers to it, so a crash never leaves a row pointing at a half-written file.
"""

from __future__ import annotations

import hashlib
import os
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
    """Write the file (once per content) and return its sha256; no database row.

    Plain ``os`` calls on strings, as few as can be (a patrol writes one per page, mostly into a
    folder it has to create: pathlib's objects, ``makedirs``' checks and an existence check in a
    folder just made cost more than the write)."""
    sha = hashlib.sha256(data).hexdigest()
    folder = os.path.join(settings.DATA_DIR, "snapshots", sha[:2], sha[2:4])
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
        tmp = os.path.join(folder, f".{sha}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    return sha


def store(data: bytes) -> Snapshot:
    sha = write(data)
    snap, _ = Snapshot.objects.get_or_create(sha256=sha, defaults={"size": len(data)})
    return snap


def read(snapshot: Snapshot) -> bytes:
    return path_for(snapshot.sha256).read_bytes()
