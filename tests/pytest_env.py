"""Loaded with ``-p`` before pytest-django configures Django: the suite's own data folder."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("PATROL_DATA", tempfile.mkdtemp(prefix="patrol-test-"))
# xdist's workers inherit the controller's folder: each gets its own inside it. Snapshot files are
# content-addressed, so a worker's test that removes one (a pruned homepage copy) would otherwise
# see the other worker write the same bytes back under the same name
if os.environ.get("PYTEST_XDIST_WORKER"):
    _mine = os.path.join(os.environ["PATROL_DATA"], os.environ["PYTEST_XDIST_WORKER"])
    if not os.environ["PATROL_DATA"].rstrip(os.sep).endswith(os.sep + os.environ["PYTEST_XDIST_WORKER"]):
        os.makedirs(_mine, exist_ok=True)
        os.environ["PATROL_DATA"] = _mine

# One screening worker per patrol in the suite (the product's default is two, config
# ``screening.workers``): the suite already runs two xdist workers on two cores, so a patrol's
# second screening worker only adds its start-up (a small-network patrol measured 11.6 → 10.0
# CPU seconds, 9.5 → 8.1 s). The pool's own tests build their pools with the sizes they test.
os.environ.setdefault("PATROL_SCREEN_WORKERS", "1")
