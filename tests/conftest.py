"""Suite-wide settings: every test runs on its own data folder, nothing leaves loopback."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# The data folder must be set before Django settings are imported.
os.environ.setdefault("PATROL_DATA", tempfile.mkdtemp(prefix="patrol-test-"))

SHARED = Path(os.environ.get("PATROL_SHARED", Path(__file__).resolve().parents[2] / "shared"))
