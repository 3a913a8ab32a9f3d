"""A new SQLite store copied from a migrated empty one instead of migrated step by step.

Every command that needs the store migrates it on first use (``config.cli``). On a new SQLite
store that is 33 migrations — Django rendering the models of each state, the contrib apps'
permissions, the roles — about 0.7 s of CPU before the first request, paid again for every new
store: each test's patrol, each ``make demo`` into a new folder, each first patrol. The result
is always the same empty store, so the first store migrated is kept as a template, and the
next new store is that file, copied by SQLite's backup API (a few milliseconds).

The template is named by a fingerprint of everything that decides the schema and its rows: the
installed apps, the bytes of every migration file, Django's and SQLite's versions. A changed
migration, a new one or an upgrade gives another name, so a stale template is never used. It
lives in the user's cache folder, beside jieba's buckets (``$XDG_CACHE_HOME/portal-patrol``, else
``~/.cache/portal-patrol``; ``$PATROL_SCHEMA_CACHE`` names another); where that cannot be
written, stores are migrated as before. Only a store with no table at all is made from it, only
from a file that passes SQLite's quick_check, and the caller checks afterwards that no migration
is pending (else it migrates). PostgreSQL stores are always migrated.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from contextlib import closing
from pathlib import Path

log = logging.getLogger(__name__)

PREFIX = "schema-"


def cache_dir() -> Path:
    """``$PATROL_SCHEMA_CACHE``, else the folder of jieba's buckets (screening.engine.dictionary,
    not imported here: the screening engine is not needed to make a store)."""
    explicit = os.environ.get("PATROL_SCHEMA_CACHE", "").strip()
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")) / "portal-patrol"


def fingerprint() -> str:
    """What decides the migrated store: apps, migration files (name and bytes), versions."""
    import pkgutil
    from importlib.util import find_spec

    import django
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    h = hashlib.sha256()
    h.update(f"django {django.get_version()} sqlite {sqlite3.sqlite_version}\n".encode())
    for app in apps.get_app_configs():
        h.update(f"app {app.label} {app.name}\n".encode())
        module, _explicit = MigrationLoader.migrations_module(app.label)
        spec = find_spec(module) if module else None
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in sorted(pkgutil.iter_modules(spec.submodule_search_locations), key=lambda i: i.name):
            if info.ispkg or info.name[0] in "_~":
                continue
            path = Path(info.module_finder.path) / f"{info.name}.py"
            h.update(f"migration {app.label} {info.name}\n".encode())
            h.update(path.read_bytes() if path.is_file() else b"(no source)")
    return h.hexdigest()[:32]


def _sqlite_path(connection) -> str | None:
    """The store's file when it is an SQLite file (not memory, not a URI)."""
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return name


def _is_empty(path: str) -> bool:
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return True
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def template_for(key: str) -> Path:
    return cache_dir() / f"{PREFIX}{key}.sqlite3"


def restore(connection) -> bool:
    """Make the empty store ``connection`` points at from the template of these migrations;
    False (nothing changed) when it is no SQLite file, not empty, or no template exists."""
    path = _sqlite_path(connection)
    if path is None or not _is_empty(path):
        return False
    template = template_for(fingerprint())
    if not template.is_file():
        return False
    connection.close()
    try:
        with closing(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) as src:
            if src.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("the template does not pass SQLite's quick_check")
            with closing(sqlite3.connect(path)) as dst:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=WAL")  # as settings.py opens every connection
    except sqlite3.Error as exc:
        log.warning("new store not made from the schema template %s (%s): migrating it", template, exc)
        return False
    return True


def save(connection) -> None:
    """Keep the store ``connection`` points at, just migrated from empty, as the template for
    the next new store (written under a temporary name and renamed: a reader never sees half)."""
    path = _sqlite_path(connection)
    if path is None:
        return
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        target = template_for(fingerprint())
        if target.is_file():
            return
        tmp = folder / f".{target.name}.{os.getpid()}.tmp"
        try:
            with closing(sqlite3.connect(path)) as src, closing(sqlite3.connect(tmp)) as dst:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    except (OSError, sqlite3.Error) as exc:
        log.info("schema template not kept in %s: %s", cache_dir(), exc)


def is_new(connection) -> bool:
    """The store is an SQLite file without a table (what ``migrate`` makes a template of)."""
    path = _sqlite_path(connection)
    return path is not None and _is_empty(path)
