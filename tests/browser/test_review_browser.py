"""The review workflow in Chromium: a reviewer logs in through the form, searches the queue,
decides (排除 needs a note; 排除 can add an allowlist entry), sees the history, reopens,
confirms, decides on a selection at once, exports the view as XLSX and revokes an
allowlist entry. Each test seeds its own findings (tests/browser/seed_review.py)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from web.roles import SECRECY_BUREAU

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def seeded(app_server) -> tuple[str, dict[str, int]]:
    tag = "演练" + uuid.uuid4().hex[:6]
    env = {**os.environ, "PATROL_DATA": str(app_server.data), "PATROL_CONFIG": str(app_server.config)}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.browser.seed_review", tag],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return tag, json.loads(proc.stdout.strip().splitlines()[-1])


def _status(page) -> str:
    return page.inner_text("h1 .badge:not(.sev-high):not(.sev-medium):not(.sev-low)")


def _decide(page, verb: str) -> None:
    with page.expect_navigation():
        page.click(f"form#review-form button:has-text('{verb}')")


def test_reviewer_dismisses_with_allowlist_sees_history_reopens_and_confirms(
    browser_page, app_server, users, login, shot, seeded, dialogs, console_errors
):
    tag, ids = seeded
    page = login(browser_page, *users[SECRECY_BUREAU])
    page.goto(f"/findings/?q={tag}")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 4
    shot(page, "review-queue-search")
    page.click(f"a[href^='/findings/{ids['甲']}/']")
    assert f"/findings/{ids['甲']}/?from=" in page.url  # the detail knows the view it came from

    # 排除 without a note is refused, with the reason on the form
    page.uncheck("#id_next")
    _decide(page, "排除")
    assert "须填写备注" in page.inner_text("main")
    assert _status(page) == "待审核"

    page.fill("#id_note", "会议通知的模板用语，不涉密")
    page.select_option("#id_allow", "phrase")
    page.fill("#id_allow_phrase", "本文件为内部资料")
    page.uncheck("#id_next")
    _decide(page, "排除")
    assert "已记录：已排除，并加入白名单（上下文短语）" in page.inner_text("ul.messages")
    assert _status(page) == "已排除"
    history = page.inner_text("#history")
    assert "会议通知的模板用语，不涉密" in history and "待审核" in history and "已排除" in history
    shot(page, "review-dismissed-history")

    page.uncheck("#id_next")
    _decide(page, "重新打开")
    assert _status(page) == "待审核"
    page.uncheck("#id_next")
    _decide(page, "确认")
    assert _status(page) == "已确认"
    assert "下次巡查将重新抓取" in page.inner_text("main")
    history_rows = page.locator("#history tbody tr")
    assert history_rows.count() == 3  # every decision kept, newest first
    assert "已确认" in history_rows.nth(0).inner_text() and "已排除" in history_rows.nth(2).inner_text()
    shot(page, "review-confirmed-history")
    with page.expect_navigation():
        page.click("a:has-text('← 审核队列')")
    assert page.input_value("#id_q") == tag  # back on the reviewer's own view

    # the allowlist shows the entry, who added it, and it can be revoked
    page.goto("/findings/allowlist/")
    row = page.locator("#allowlist tbody tr", has_text="本文件为内部资料").first
    assert "生效中" in row.inner_text() and users[SECRECY_BUREAU][0] in row.inner_text()
    shot(page, "review-allowlist")
    with page.expect_navigation():
        row.locator("button.revoke").click()
    row = page.locator("#allowlist tbody tr", has_text="本文件为内部资料").first
    assert "已撤销" in row.inner_text()
    shot(page, "review-allowlist-revoked")
    assert not dialogs
    # only the refused 排除 (400) and the favicon may fail to load; no CSP violation, no script error
    assert [e for e in console_errors if not e.startswith("Failed to load resource")] == []


def test_next_in_queue_after_a_decision(browser_page, users, login, seeded):
    tag, ids = seeded
    page = login(browser_page, *users[SECRECY_BUREAU])
    page.goto(f"/findings/{ids['丁']}/")
    assert page.is_checked("#id_next")  # on by default
    _decide(page, "确认")
    assert "已记录：已确认" in page.inner_text("ul.messages")
    assert not page.url.endswith(f"/findings/{ids['丁']}/")  # moved on to the next one waiting
    assert _status(page) in ("待审核", "未整改")


def test_bulk_decision_and_xlsx_export_of_the_view(browser_page, users, login, shot, seeded, tmp_path):
    tag, ids = seeded
    page = login(browser_page, *users[SECRECY_BUREAU])
    page.goto(f"/findings/?q={tag}&sort=-severity")
    first = page.locator("table.list tbody tr").first.inner_text()
    assert "=HYPERLINK" in first  # 乙 is high: first when sorted by severity
    # "select all" (static/web/queue.js, allowed by the CSP) ticks every row of the page
    page.check("#select-all")
    assert page.locator("input[name=ids]:checked").count() == 4
    page.uncheck("#select-all")
    assert page.locator("input[name=ids]:checked").count() == 0
    page.check(f"input[name=ids][value='{ids['乙']}']")
    page.check(f"input[name=ids][value='{ids['丙']}']")
    page.select_option("#bulk-decision", "confirmed")
    with page.expect_navigation():
        page.click("#bulk-submit")
    assert "已批量处理 2 条：已确认" in page.inner_text("ul.messages")
    assert f"q={quote(tag)}" in page.url  # back on the same view
    page.goto(f"/findings/?q={tag}&status=all&sort=-severity")
    shot(page, "review-bulk-done")

    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    wb = load_workbook(io.BytesIO(path.read_bytes()))
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 2  # one unit
    ws = wb[wb.sheetnames[1]]
    cells = {row[4].value: row for row in ws.iter_rows(min_row=2)}
    formula = next(row[4] for title, row in cells.items() if title.startswith("=HYPERLINK"))
    assert formula.data_type == "s"  # a crawled title is text, never a formula
    at_sum = next(row[4] for title, row in cells.items() if title.startswith("@SUM"))
    assert at_sum.data_type == "s"
    statuses = {
        key: row[2].value for title, row in cells.items() for key in "甲乙丙丁" if f"{tag}{key}" in title
    }
    assert statuses == {"甲": "待审核", "乙": "已确认", "丙": "已确认", "丁": "待审核"}
