"""pytest fixtures for the demo network: ``pytest_plugins = ["demo.pytest_plugin"]``.

* ``demo_network_small`` (session): the small network, started once, never mutated — tests
  that change the network use ``demo_network_fresh``.
* ``demo_network_fresh`` (function): a new small network of its own, stopped afterwards.
"""

from __future__ import annotations

import pytest

from demo.server import DemoNetwork


@pytest.fixture(scope="session")
def demo_network_small():
    net = DemoNetwork("small").start()
    try:
        yield net
    finally:
        net.stop()


@pytest.fixture
def demo_network_fresh():
    net = DemoNetwork("small").start()
    try:
        yield net
    finally:
        net.stop()
