"""Signing in through the real form: the Chinese error, and the supervisor's start page."""

from __future__ import annotations

from tests.browser.conftest import DESKTOP, PHONE


def test_wrong_password_shows_the_chinese_error(page, live_server, cast, shot, offline, console_errors):
    for name, size in [("desktop", DESKTOP), ("phone", PHONE)]:
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "supervisor")
        page.fill("input[name=password]", "not-the-password")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.url.startswith(f"{live_server.url}/accounts/login/")
        assert "用户名或密码错误" in page.locator(".msg.error").inner_text()
        assert page.locator(".login-box").is_visible()
        shot(page, f"login-error-{name}")
    assert console_errors == []


def test_supervisor_lands_on_home(page, live_server, cast, login, shot, offline, console_errors):
    login(page, "supervisor")
    assert page.url == f"{live_server.url}/"
    assert "您好，督查员甲" in page.locator("h1").inner_text()
    assert page.locator(".stat").count() >= 4
    page.set_viewport_size(DESKTOP)
    shot(page, "home-supervisor-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "home-supervisor-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the home page scrolls sideways on a phone ({width}px)"
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert console_errors == []


def test_admin_home_and_pages(page, live_server, cast, login, shot, offline):
    page.set_viewport_size(DESKTOP)
    login(page, "sysadmin")
    assert "用户与组织" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/calendar/?start=2025-09-30&days=5")
    assert "2025年10月14日" in page.locator("#deadline-result").inner_text()
    shot(page, "calendar-desktop")
    page.goto(f"{live_server.url}/settings/")
    form = page.locator("#setting-visit_target_per_week form")
    form.locator("input[name$=value]").fill("6")
    form.locator("input[name$=reason]").fill("按市政府办公室通知调整")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已修改" in page.locator(".msg.success").inner_text()
    shot(page, "settings-desktop")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/users/")
    shot(page, "users-phone")
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")

    login(page, "auditor")
    page.goto(f"{live_server.url}/audit/")
    assert "项目专员每周走访目标（次）：3 → 6" in page.locator("table.data").inner_text()
    shot(page, "audit-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "audit-desktop")
