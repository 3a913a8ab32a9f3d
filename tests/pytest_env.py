"""Loaded with ``-p`` before pytest-django configures Django: the suite's own data folder."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("PATROL_DATA", tempfile.mkdtemp(prefix="patrol-test-"))

# One screening worker per patrol in the suite (the product's default is two, config
# ``screening.workers``): the suite already runs two xdist workers on two cores, so a patrol's
# second screening worker only adds its start-up (a small-network patrol measured 11.6 → 10.0
# CPU seconds, 9.5 → 8.1 s). The pool's own tests build their pools with the sizes they test.
os.environ.setdefault("PATROL_SCREEN_WORKERS", "1")
