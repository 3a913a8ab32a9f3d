"""The CLI migrates only when a migration is left to apply (``config.cli.migrations_pending``):
``migrate`` imports every migration module to find nothing to do, 0.6 s before each command."""

from __future__ import annotations

import sys

import pytest
from django.db import connection

from config.cli import migrations_pending


@pytest.mark.django_db
def test_a_migrated_store_has_nothing_pending_and_a_missing_record_is_seen():
    assert migrations_pending() is False
    with connection.cursor() as cur:
        cur.execute("DELETE FROM django_migrations WHERE app = 'web' AND name = '0002_roles'")
    assert migrations_pending() is True


@pytest.mark.django_db
def test_a_new_migration_file_on_disk_is_pending(tmp_path, monkeypatch, settings):
    package = tmp_path / "upgraded_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "0001_initial.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {"inspection": "upgraded_migrations"}
    assert migrations_pending() is False  # inspection.0001_initial is recorded
    (package / "0002_new_field.py").write_text("")  # an upgrade brought a new migration
    (package / "_helpers.py").write_text("")  # not a migration (Django's loader skips it too)
    sys.modules.pop("upgraded_migrations", None)
    assert migrations_pending() is True


@pytest.mark.django_db
def test_a_store_without_the_migrations_table_is_pending():
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE django_migrations RENAME TO django_migrations_moved")
    try:
        assert migrations_pending() is True
    finally:
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE django_migrations_moved RENAME TO django_migrations")
