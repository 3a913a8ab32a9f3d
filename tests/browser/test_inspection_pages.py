"""The inspection pages in Chromium: a supervisor reads the veto summary and downloads it; the
information centre works the 错敏 queue (marks a wrong form fixed, finds it under 全部).

The findings are added to the demo patrol's own latest run of one site (as the crawl would record
them); screenshots land in test-artifacts/screenshots/ (inspection-*.png).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from web.roles import INFO_CENTRE, SECRECY_BUREAU, SUPERVISOR

SEED = r"""
import json, sys
import django
django.setup()
from crawler import sitefindings
from crawler.models import Site, SiteFinding
site = next(s for s in Site.objects.order_by("site_id") if sitefindings.last_run(s) is not None)
run = sitefindings.last_run(site)
page = site.url.rstrip("/") + "/inspection-seed/1.html"
rows = [  # two wrong forms on one page: one row per (run, site, kind, url), the hits in a list
    ("wording_error", page, {"hits": [
        {"text": "中华人名共和国", "suggestion": "中华人民共和国",
         "context": "依据<script>alert(5)</script>中华人名共和国宪法", "severity": "serious"},
        {"text": "北朝鲜", "suggestion": "朝鲜", "context": "北朝鲜代表团", "severity": "normal"},
    ]}),
    ("watch_name", site.url.rstrip("/") + "/inspection-seed/2.html", {"text": "贾某某", "context": "贾某某同志出席"}),
    ("hidden_link", site.url, {"target": "http://bet.example.com/", "how": "display_none"}),
]
for kind, url, detail in rows:
    SiteFinding.objects.get_or_create(run=run, site=site, kind=kind, url=url, defaults={"detail": detail})
print(json.dumps({"site": site.name}))
"""


def _seed(app_server) -> str:
    env = {
        **os.environ,
        "PATROL_DATA": str(app_server.data),
        "PATROL_CONFIG": str(app_server.config),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", SEED], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["site"]


def _nav(page, text: str) -> None:
    with page.expect_navigation():
        page.click(f"header nav a:has-text('{text}')")


def test_supervisor_reads_the_veto_summary_and_downloads_it(browser_page, app_server, users, login, shot):
    site = _seed(app_server)
    page = browser_page
    login(page, *users[SUPERVISOR])
    assert "错敏信息" not in page.inner_text("header nav")
    _nav(page, "检查指标")
    assert page.locator("h1").inner_text().startswith("检查指标与单项否决")
    row = page.locator("table.units tbody tr.bad", has_text=site)
    assert row.count() == 1
    assert "暗链（隐藏外链）" in row.inner_text() and "表述错误" in row.inner_text()
    with page.expect_navigation():
        page.click("nav.levels a:has-text('单项否决')")
    assert "bet.example.com" in page.locator("table#finding-list").inner_text()
    shot(page, "inspection-dashboard")
    with page.expect_download() as info:
        page.click("a:has-text('检查指标 Excel')")
    assert info.value.suggested_filename.startswith("inspection-") and info.value.suggested_filename.endswith(
        ".xlsx"
    )


def test_info_centre_marks_a_wrong_form_fixed(browser_page, app_server, users, login, shot, dialogs):
    _seed(app_server)
    page = browser_page
    login(page, *users[INFO_CENTRE])
    _nav(page, "错敏信息")
    rows = page.locator("table.wording tbody tr")
    assert rows.count() >= 3
    first = rows.first
    assert "中华人名共和国" in first.inner_text() and "中华人民共和国" in first.inner_text()
    assert "<script>alert(5)</script>" in first.locator("td.context").inner_text()  # shown as text
    assert dialogs == []
    shot(page, "inspection-wording-queue")
    first.locator("input[name=note]").fill("已联系单位改正")
    with page.expect_navigation():
        first.locator("button:has-text('已整改')").click()
    assert "已记录：已整改" in page.inner_text("ul.messages")
    assert page.locator("table.wording mark", has_text="中华人名共和国").count() == 0
    with page.expect_navigation():
        page.click("a:has-text('全部（含已处理）')")
    done = page.locator("table.wording tbody tr", has_text="中华人名共和国")
    assert "已整改" in done.inner_text() and "已联系单位改正" in done.inner_text()
    assert users[INFO_CENTRE][0] in done.inner_text()
    shot(page, "inspection-wording-all")
    with page.expect_navigation():
        done.locator("button:has-text('重新打开')").click()
    assert "已重新打开" in page.inner_text("ul.messages")


def test_the_bureau_has_no_wording_queue(browser_page, app_server, users, login):
    page = browser_page
    login(page, *users[SECRECY_BUREAU])
    assert "错敏信息" not in page.inner_text("header nav")
    resp = page.goto(app_server.url + "/wording/")
    assert resp.status == 403
