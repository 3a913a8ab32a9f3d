"""A reviewer of a scanned attachment sees, next to the recognised text, the region of the page
it was read from (issue 11), in Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from web.roles import SECRECY_BUREAU

ROOT = Path(__file__).resolve().parents[2]


def test_the_reviewer_sees_the_scanned_region_beside_the_text(browser_page, app_server, users, login, shot):
    env = {**os.environ, "PATROL_DATA": str(app_server.data), "PATROL_CONFIG": str(app_server.config)}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.browser.seed_ocr"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    pk = int(proc.stdout.strip().splitlines()[-1])
    page = login(browser_page, *users[SECRECY_BUREAU])
    page.goto(f"/findings/{pk}/")
    crop = page.locator("figure.ocr-crop img")
    assert crop.count() == 1
    crop.scroll_into_view_if_needed()
    for _ in range(100):  # the page's CSP forbids string evaluation: poll the element instead
        if crop.evaluate("i => i.complete && i.naturalWidth > 0"):
            break
        time.sleep(0.1)
    width, height = crop.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert (width, height) == (260 + 48, 60 + 48)  # the box and the margin around it
    assert "秘密★1年" in page.inner_text("table.list")
    assert "第 1 页的原图区域" in page.inner_text("figure.ocr-crop")
    shot(page, "review-ocr-crop")
