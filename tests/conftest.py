"""Suite-wide settings: every test runs on its own data folder, nothing leaves loopback."""

from __future__ import annotations

import os
from pathlib import Path

# The data folder is set by tests/pytest_env.py (loaded before Django's settings).

SHARED = Path(os.environ.get("PATROL_SHARED", Path(__file__).resolve().parents[2] / "shared"))


import pytest  # noqa: E402

# Rough seconds of each long xdist group on an idle 2-core machine during ``make test`` (from
# ``--durations=0``; refresh when a group changes much). ``make test`` runs with
# ``--no-loadscope-reorder``, so xdist hands the groups out in collection order: the longest go
# first, and the short tests fill in at the end on whichever worker is free (longest first keeps
# one long group from starting last and running alone while the other worker idles).
GROUP_SECONDS = {
    "othernet5": 350,
    "distributed": 70,
    "test_other_network4": 145,
    "browser": 130,
    "crawl-full": 80,
    "crawl": 80,
    "test_fallback_network": 55,
    "crawl-small": 50,
    "test_script_columns": 35,
    "test_other_network6": 30,
    "test_other_network3": 20,
    "test_demo_repeatable": 20,
    "test_scope_network": 18,
    "screen-pool": 18,
    "ocr": 40,
    "corpus": 17,
    "ocr-office": 19,
    "inspectnet": 12,
    "test_other_network": 12,
    "test_other_network2": 8,
    "demo-scans": 5,
}
UNKNOWN_GROUP_SECONDS = 5  # a group not listed yet: before the single tests


def _group_seconds(item) -> float:
    mark = item.get_closest_marker("xdist_group")
    if mark is None:
        return 0
    name = mark.kwargs.get("name") or (mark.args[0] if mark.args else "")
    return GROUP_SECONDS.get(name, UNKNOWN_GROUP_SECONDS)


def pytest_collection_modifyitems(config, items):
    """Longest xdist groups first (a stable sort: the order within a group and of the single tests
    is the collection's). Runs after tests/browser/conftest.py marks its tests (tryfirst)."""
    items.sort(key=lambda item: -_group_seconds(item))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (or ``$PATROL_SHARED``): the real pages and texts, read in place."""
    return SHARED


@pytest.fixture(scope="session")
def crawled_small(tmp_path_factory):
    """The small demo network, patrolled once: (network, data dir, config path). Network stays up."""
    from tests.crawl_helpers import crawl_small_network

    net, data, cfg = crawl_small_network(tmp_path_factory.mktemp("crawled-small"))
    yield net, data, cfg
    net.stop()


@pytest.fixture(scope="session")
def othernet5():
    """tests/othernet5, up for the worker's session (tests that change it call ``reset()`` first;
    a test that needs the sites at another port starts a second instance)."""
    from tests.othernet5.network import OtherNetwork5

    net = OtherNetwork5().start()
    yield net
    net.stop()


@pytest.fixture(scope="session")
def othernet5_first(othernet5, tmp_path_factory):
    """The first patrol of the unchanged othernet5 with its default config: (data, cfg, requests).

    Read-only: a test that patrols again works on its own copy of ``data``."""
    import time

    from tests.crawl_helpers import patrol

    net = othernet5
    net.reset()
    root = tmp_path_factory.mktemp("on5-first")
    data, cfg = root / "data", root / "patrol.yaml"
    net.write_config(cfg)
    n0 = len(net.requests)
    t0 = time.monotonic()
    patrol(data, cfg, "crawl", "--quiet")
    print(f"\nfirst patrol: {len(net.requests) - n0} requests in {time.monotonic() - t0:.1f}s")
    return data, cfg, len(net.requests) - n0


@pytest.fixture
def upgraded_migrations(tmp_path, monkeypatch, settings):
    """The inspection app's migrations replaced by a package of the test's own, holding an
    (empty) 0001_initial, as an upgrade would bring new migration files into the folder."""
    import sys

    package = tmp_path / "upgraded_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "0001_initial.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {"inspection": "upgraded_migrations"}
    sys.modules.pop("upgraded_migrations", None)
    return package
