"""A new SQLite store is a copy of the first store the same migrations made (config/schema_cache.py):
the same tables, indexes, migration records, content types and roles as a migrated one, never
over a store that holds anything, never from a template of other migrations."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from config import schema_cache

ROOT = Path(__file__).resolve().parent.parent


def _patrol(data: Path, cache: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATROL_DATA": str(data), "PATROL_SCHEMA_CACHE": str(cache)}
    env.pop("PATROL_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "config.cli", *args], env=env, capture_output=True, text=True, cwd=ROOT
    )


def _store(data: Path) -> dict:
    with closing(sqlite3.connect(data / "patrol.sqlite3")) as db:
        q = lambda sql: sorted(db.execute(sql).fetchall())  # noqa: E731
        return {
            "schema": q("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"),
            "migrations": q("SELECT app, name FROM django_migrations"),
            "applied": q("SELECT app, name, applied FROM django_migrations"),
            "content_types": q("SELECT app_label, model FROM django_content_type"),
            "roles": q(
                "SELECT g.name, p.codename FROM auth_group g JOIN auth_group_permissions gp ON gp.group_id = g.id "
                "JOIN auth_permission p ON p.id = gp.permission_id"
            ),
            "journal": db.execute("PRAGMA journal_mode").fetchone()[0],
        }


def test_a_new_store_from_the_template_equals_a_migrated_one(tmp_path):
    cache = tmp_path / "cache"
    first = _patrol(tmp_path / "a", cache, "runs")
    assert first.returncode == 0, first.stderr[-2000:]
    (template,) = cache.glob("schema-*.sqlite3")  # the first new store, migrated, kept
    second = _patrol(tmp_path / "b", cache, "runs")
    assert second.returncode == 0, second.stderr[-2000:]
    migrated, copied = _store(tmp_path / "a"), _store(tmp_path / "b")
    assert copied["migrations"] and copied["roles"]
    for key in ("schema", "migrations", "content_types", "roles", "journal"):
        assert copied[key] == migrated[key], key
    # made from the template, not migrated again: the migration records carry the first store's times
    assert copied["applied"] == migrated["applied"]
    assert copied["journal"] == "wal"
    # and it is a store like any other: a further command finds nothing to migrate and writes to it
    third = _patrol(tmp_path / "b", cache, "runs")
    assert third.returncode == 0 and "还没有运行记录" in third.stdout, third.stderr[-2000:]


def test_a_cache_that_cannot_be_written_leaves_stores_migrated_as_before(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    out = _patrol(tmp_path / "a", blocked, "runs")
    assert out.returncode == 0, out.stderr[-2000:]
    assert _store(tmp_path / "a")["roles"]
    assert blocked.read_text() == "a file where the cache folder would be"


@pytest.mark.django_db
def test_another_migration_file_gets_another_template(upgraded_migrations):
    package = upgraded_migrations
    (package / "0001_initial.py").write_text("# the first schema\n")
    before = schema_cache.fingerprint()
    assert schema_cache.fingerprint() == before  # the same migrations: the same template
    (package / "0001_initial.py").write_text("# the first schema, edited\n")
    edited = schema_cache.fingerprint()
    assert edited != before
    (package / "0002_new_field.py").write_text("")
    assert schema_cache.fingerprint() not in (before, edited)


class _Conn:
    """What restore() reads of Django's connection, for a file of the test's own."""

    vendor = "sqlite"

    def __init__(self, path: Path):
        self.settings_dict = {"NAME": str(path)}
        self.closed = False

    def close(self):
        self.closed = True


@pytest.mark.django_db
def test_a_store_holding_anything_is_never_replaced_and_no_template_means_migrate(tmp_path, monkeypatch):
    monkeypatch.setenv("PATROL_SCHEMA_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "store.sqlite3"
    assert schema_cache.restore(_Conn(path)) is False  # empty, but no template yet: migrate
    template = schema_cache.template_for(schema_cache.fingerprint())
    template.parent.mkdir(parents=True)
    with closing(sqlite3.connect(template)) as db:
        db.execute("CREATE TABLE from_template (x)")
        db.commit()
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE mine (x)")
        db.execute("INSERT INTO mine VALUES (1)")
        db.commit()
    conn = _Conn(path)
    assert schema_cache.is_new(conn) is False
    assert schema_cache.restore(conn) is False and not conn.closed
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("mine",)]
    other = tmp_path / "new.sqlite3"
    assert schema_cache.restore(_Conn(other)) is True
    with closing(sqlite3.connect(other)) as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("from_template",)]
    # a template that is not a sound database is not copied: the store stays empty, to be migrated
    template.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"damaged" * 100)
    third = tmp_path / "third.sqlite3"
    assert schema_cache.restore(_Conn(third)) is False
    assert schema_cache.is_new(_Conn(third))
