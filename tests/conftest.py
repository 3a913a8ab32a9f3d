"""Suite-wide settings: every test runs on its own data folder, nothing leaves loopback."""

from __future__ import annotations

import os
from pathlib import Path

# The data folder is set by tests/pytest_env.py (loaded before Django's settings).

SHARED = Path(os.environ.get("PATROL_SHARED", Path(__file__).resolve().parents[2] / "shared"))


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def crawled_small(tmp_path_factory):
    """The small demo network, patrolled once: (network, data dir, config path). Network stays up."""
    from tests.crawl_helpers import crawl_small_network

    net, data, cfg = crawl_small_network(tmp_path_factory.mktemp("crawled-small"))
    yield net, data, cfg
    net.stop()
