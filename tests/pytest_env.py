"""Loaded with ``-p`` before pytest-django configures Django: the suite's own data folder."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("PATROL_DATA", tempfile.mkdtemp(prefix="patrol-test-"))
