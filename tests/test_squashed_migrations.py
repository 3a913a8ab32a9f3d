"""A new store is made by the squashed migrations (crawler, screening, web); a store that has
applied any of the steps they replace goes on with the steps. Both must give the same schema:
the same tables, columns, indexes and constraints (SQLite orders a table's columns as they were
added, so columns are compared as a set), and the same roles with the same permissions."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_MIGRATE = r"""
import sys, django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.contrib.auth.models import Group
executor = MigrationExecutor(connection)
if sys.argv[1] == "steps":  # the migrations as they were written, one by one
    executor.loader = MigrationLoader(connection, replace_migrations=False)
loader = executor.loader
targets = loader.graph.leaf_nodes()
if sys.argv[1] == "steps":  # the squashed migration is a leaf of its own beside the last step
    targets = [key for key in targets if not loader.disk_migrations[key].replaces]
used = {(m.app_label, m.name) for m, _ in executor.migration_plan(targets)}
executor.migrate(targets)
from django.core.management.sql import emit_post_migrate_signal
emit_post_migrate_signal(0, False, "default")
print(sorted(f"{a}.{n}" for a, n in used if a in ("crawler", "screening", "web")))
for g in Group.objects.order_by("name"):
    print(g.name, sorted(g.permissions.values_list("codename", flat=True)))
"""


def _store(tmp_path: Path, how: str) -> tuple[Path, list[str]]:
    data = tmp_path / how
    env = {**os.environ, "PATROL_DATA": str(data), "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", _MIGRATE, how], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return data / "patrol.sqlite3", out.stdout.splitlines()


def _schema(db: Path) -> set[tuple]:
    rows = sqlite3.connect(db).execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    )
    out = set()
    for kind, name, sql in rows:
        if kind == "table" and sql:
            head, cols = re.match(r'(CREATE TABLE "\w+" \()(.*)\)$', sql, re.S).groups()
            sql = (head, frozenset(cols.split(", ")))
        out.add((kind, name, sql))
    return out


def test_a_new_store_by_the_squashed_migrations_equals_one_made_by_the_steps(tmp_path):
    squashed, said_squashed = _store(tmp_path, "squashed")
    steps, said_steps = _store(tmp_path, "steps")
    # each way ran what it says: the squashed migrations on one side, the steps on the other
    assert "crawler.0001_squashed_0008_page_kind_style" in said_squashed[0]
    assert "crawler.0008_page_kind_style" in said_steps[0] and "squashed" not in said_steps[0]
    assert said_squashed[1:] == said_steps[1:] and len(said_steps) == 4  # three roles, same permissions
    a, b = _schema(squashed), _schema(steps)
    assert len(a) > 100
    assert a == b, sorted(a ^ b)[:6]
