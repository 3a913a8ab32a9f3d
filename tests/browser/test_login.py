"""Logging in and out through the form in Chromium: the CSRF origin check passes for real browsers."""

from __future__ import annotations

import pytest

from web.roles import INFO_CENTRE, SECRECY_BUREAU, SUPERVISOR


@pytest.mark.parametrize("role", [INFO_CENTRE, SECRECY_BUREAU, SUPERVISOR])
def test_each_role_logs_in_through_the_form_and_out(browser_page, app_server, users, login, shot, role):
    page = browser_page
    name, password = users[role]
    login(page, name, password)
    assert "CSRF" not in page.content()
    assert role in page.inner_text("header .user")
    shot(page, f"login-{name}-home")
    with page.expect_navigation():
        page.click("header .user button:has-text('退出')")
    assert "/login/" in page.url
    assert page.locator("header .user").count() == 0
    # logged out for real: a protected page sends the browser back to the form
    page.goto(app_server.url + "/")
    assert "/login/" in page.url


def test_wrong_password_stays_on_the_form(browser_page, users, login):
    name, _ = users[SUPERVISOR]
    page = login(browser_page, name, "not-the-password-1", expect_ok=False)
    assert "/login/" in page.url
    assert "用户名或密码错误" in page.inner_text("main")


def test_lockout_page_in_the_browser_and_the_way_back(browser_page, app_server, login, shot):
    page = browser_page
    name, password = app_server.createuser("lockme", SUPERVISOR)
    for _ in range(5):
        login(page, name, "wrong-password-42", expect_ok=False)
    login(page, name, password, expect_ok=False)  # right password, but locked
    body = page.inner_text("main")
    assert "账户已暂时锁定" in body and "连续 5 次登录失败" in body
    assert "将于" in body and "自动解除" in body
    assert f"patrol django axes_reset_username {name}" in body
    shot(page, "lockout")
    # the way back: the administrator lifts the lock, the user logs in from the page's link
    app_server.patrol("django", "axes_reset_username", name)
    with page.expect_navigation():
        page.click("main a:has-text('返回登录页')")
    login(page, name, password)


def test_no_csp_violation_and_scripts_run(browser_page, users, login, console_errors):
    page = browser_page
    login(page, *users[SUPERVISOR])
    page.goto(page.url.rstrip("/") + "/reports/counts/")
    # print.js (a static file under the CSP) reveals the print button
    assert page.locator("button.print").is_visible()
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
