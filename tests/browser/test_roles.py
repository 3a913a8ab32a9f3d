"""Each role in Chromium: logs in through the form, walks its main path, logs out.

Screenshots of every page walked land in test-artifacts/screenshots/ (role-page.png).
"""

from __future__ import annotations

import re
import time

from tests.browser.seed import IMG_TITLE, SCRIPT_TITLE, XSS_TITLE
from web.roles import INFO_CENTRE, SECRECY_BUREAU, SUPERVISOR


def _logout(page) -> None:
    with page.expect_navigation():
        page.click("header .user button:has-text('退出')")
    assert "/login/" in page.url and page.locator("header .user").count() == 0


def _nav(page, text: str) -> None:
    with page.expect_navigation():
        page.click(f"header nav a:has-text('{text}')")


def test_bureau_walks_queue_finding_snapshot(browser_page, app_server, users, login, shot, dialogs):
    page = browser_page
    login(page, *users[SECRECY_BUREAU])
    _nav(page, "审核队列")
    assert page.locator("h1").inner_text().startswith("审核队列")
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 2  # the demo's planted findings and the seeded one
    assert "没有符合条件的发现" not in page.inner_text("table.list")
    shot(page, "bureau-queue")
    # the seeded finding: its title is text, not markup
    row = page.locator("table.list tbody tr", has_text=SCRIPT_TITLE)
    assert row.count() == 1 and row.get_by_text(IMG_TITLE).is_visible()
    with page.expect_navigation():
        row.get_by_role("link", name="详情").click()
    assert re.search(rf"/findings/{app_server.xss_finding}/$", page.url)
    assert page.get_by_text(XSS_TITLE).first.is_visible()
    shot(page, "bureau-finding")
    with page.expect_download() as info:
        page.click("a:has-text('下载快照')")
    download = info.value
    assert download.suggested_filename.endswith(".html"), download.suggested_filename
    assert b"<h1>" in open(download.path(), "rb").read()
    assert dialogs == []
    _logout(page)


def test_info_centre_walks_runs_lexicon_timeliness_and_starts_a_patrol(
    browser_page, app_server, users, login, shot
):
    page = browser_page
    login(page, *users[INFO_CENTRE])
    nav = page.inner_text("header nav")
    assert "审核队列" not in nav
    _nav(page, "巡查记录")
    assert page.locator("table.list tbody tr.run-ok").count() >= 1
    shot(page, "infocentre-runs")
    _nav(page, "词库")
    assert "仓库词库" in page.inner_text("main")
    shot(page, "infocentre-lexicon")
    _nav(page, "时效性")
    assert page.locator("h1").inner_text().startswith("时效性检查")
    assert page.locator("svg.chart").count() >= 1
    shot(page, "infocentre-timeliness")
    # start a patrol of one site, by name
    _nav(page, "发起巡查")
    select = page.locator("select[name=site]")
    options = select.locator("option")
    assert options.count() == len(app_server.network.sites_config())
    name = options.last.inner_text()
    select.select_option(label=name)
    shot(page, "infocentre-start-patrol")
    with page.expect_navigation():
        page.click("button:has-text('开始巡查')")
    assert page.url.endswith("/runs/")
    assert f"已发起对“{name}”的巡查" in page.inner_text("ul.messages")
    # the run appears in the history with the site's name and finishes
    deadline = time.monotonic() + 180
    while True:
        row = page.locator("table.list tbody tr", has_text="网页发起").first
        if row.count() and "进行中" not in row.inner_text() and "运行中" not in row.inner_text():
            break
        assert time.monotonic() < deadline, page.inner_text("main")
        time.sleep(2)
        page.reload()
    assert name in row.inner_text()
    assert "成功" in row.inner_text() or "完成" in row.inner_text(), row.inner_text()
    logs = sorted((app_server.data / "logs").glob("web-patrol-*.log"))
    assert logs and f"网页端发起：{users[INFO_CENTRE][0]}" in logs[-1].read_text(encoding="utf-8")
    shot(page, "infocentre-runs-after-patrol")
    _logout(page)


def test_supervisor_walks_counts_and_timeliness_and_is_refused_the_queue(
    browser_page, app_server, users, login, shot
):
    page = browser_page
    login(page, *users[SUPERVISOR])
    assert "审核队列" not in page.inner_text("header nav")
    _nav(page, "更新统计")
    assert page.locator("h1").inner_text().startswith("更新数量统计")
    total = page.locator(".figure", has_text="期间合计").locator("b").inner_text()
    assert int(total) > 0  # opens on a year that has data
    assert page.locator("svg.chart").count() >= 1
    assert page.locator("button.print").is_visible()  # print.js ran under the CSP
    shot(page, "supervisor-counts")
    _nav(page, "时效性")
    assert page.locator("table.list tbody tr").count() >= 1
    shot(page, "supervisor-timeliness")
    resp = page.goto(app_server.url + "/findings/")
    assert resp.status == 403
    assert "无权访问" in page.inner_text("body")
    shot(page, "supervisor-queue-refused")
    resp = page.goto(app_server.url + f"/findings/{app_server.xss_finding}/snapshot/")
    assert resp.status == 403
    page.goto(app_server.url + "/")
    _logout(page)


def test_crawled_markup_shows_as_text_and_never_runs(browser_page, app_server, users, login, shot, dialogs):
    page = browser_page
    login(page, *users[SECRECY_BUREAU])
    for path in ("/findings/?q=alert", f"/findings/{app_server.xss_finding}/"):
        page.goto(app_server.url + path)
        assert page.get_by_text(SCRIPT_TITLE).first.is_visible(), path
        assert page.get_by_text(IMG_TITLE).first.is_visible(), path
        # no element was made of the crawled markup
        assert page.locator("main img[src=x]").count() == 0
        assert (
            page.evaluate(
                "() => [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length"
            )
            == 0
        )
    shot(page, "bureau-markup-as-text")
    assert dialogs == []


def test_password_change_through_the_form(browser_page, app_server, login, shot):
    page = browser_page
    name, old = app_server.createuser("pwchange", SUPERVISOR)
    login(page, name, old)
    with page.expect_navigation():
        page.click("header .user a:has-text('修改密码')")
    # Django's validators answer in Chinese
    page.fill("#id_old_password", old)
    page.fill("#id_new_password1", "12345678")
    page.fill("#id_new_password2", "12345678")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    errors = page.inner_text("main")
    assert "密码" in errors and "too short" not in errors and "common" not in errors, errors
    shot(page, "password-change-refused")
    new = "Brand-new-passw0rd-2"
    page.fill("#id_old_password", old)
    page.fill("#id_new_password1", new)
    page.fill("#id_new_password2", new)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/password/done/")
    shot(page, "password-change-done")
    _logout(page)
    login(page, name, old, expect_ok=False)
    assert "/login/" in page.url
    login(page, name, new)
    _logout(page)


def test_usable_at_390px(browser_page, app_server, users, login, shot):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, *users[SECRECY_BUREAU])
    for path, name in (("/findings/", "queue"), (f"/findings/{app_server.xss_finding}/", "finding")):
        page.goto(app_server.url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path}: page is {width}px wide at a 390px viewport"
        shot(page, f"mobile-390-bureau-{name}")
    _logout(page)
    login(page, *users[SUPERVISOR])
    for path, name in (("/reports/counts/", "counts"), ("/reports/timeliness/", "timeliness")):
        page.goto(app_server.url + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{path}: page is {width}px wide at a 390px viewport"
        shot(page, f"mobile-390-supervisor-{name}")
    assert page.locator("header .user button:has-text('退出')").is_visible()
