"""The CLI migrates only when a migration is left to apply (``config.cli.migrations_pending``):
``migrate`` imports every migration module to find nothing to do, 0.6 s before each command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from config.cli import migrations_pending

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_a_migrated_store_has_nothing_pending_and_a_missing_record_is_seen():
    assert migrations_pending() is False
    with connection.cursor() as cur:
        cur.execute("DELETE FROM django_migrations WHERE app = 'web' AND name = '0002_roles'")
    assert migrations_pending() is True


@pytest.mark.django_db
def test_a_new_migration_file_on_disk_is_pending(upgraded_migrations):
    package = upgraded_migrations
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


_ORDER = r"""
import sys, django
seen = {}
real = django.setup
def setup(*a, **k):
    seen["scrapy_before_django"] = "scrapy.core.downloader.contextfactory" in sys.modules
    return real(*a, **k)
django.setup = setup
from config import cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
print(seen.get("scrapy_before_django"))
"""


@pytest.mark.parametrize("verb, early", [("crawl", True), ("worker", True), ("runs", False), ("web", False)])
def test_crawling_verbs_import_scrapys_handler_before_django_and_others_do_not(tmp_path, verb, early):
    # a crawl imports Scrapy's handler at a shallow stack (its import calls inspect.stack(), whose
    # cost grows with the stack and the modules loaded); a verb that does not crawl never pays for it
    env = {**os.environ, "PATROL_DATA": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    out = subprocess.run(
        [sys.executable, "-c", _ORDER, verb, "--help"], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert out.stdout.strip().splitlines()[-1] == str(early), out.stderr[-2000:]
