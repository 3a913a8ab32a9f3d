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
