"""Account security in a real browser: lockout, idle sign-out, two-factor enrolment and sign-in,
and every main page under the Content-Security-Policy without a violation."""

from __future__ import annotations

import time

from liangping.accounts.models import SealedTOTPDevice as TOTPDevice
from tests.accounts.codes import code_for
from tests.browser.conftest import DESKTOP
from tests.cast import PASSWORD

# Every CSP violation on a page is collected here (an init script is not itself subject to the CSP).
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(
    e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber
  );
});
"""


def submit_login(page, base: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_five_failures_lock_the_account(page, live_server, cast, shot, offline, console_errors):
    page.set_viewport_size(DESKTOP)
    for _ in range(5):
        submit_login(page, live_server.url, "supervisor", "Wrong#Pass1")
    submit_login(page, live_server.url, "supervisor", PASSWORD)  # the right password, too late
    text = page.locator("main").inner_text()
    assert "登录已暂时锁定" in text and "15 分钟" in text
    assert not page.locator("nav.menu").count()
    shot(page, "accounts-locked")
    # the 429 of the locked page is the only console line
    assert all("429" in e for e in console_errors), console_errors


def test_idle_session_signs_out(page, live_server, cast, login, settings, shot, offline, console_errors):
    settings.SESSION_IDLE_SECONDS = 3
    login(page, "supervisor")
    page.goto(f"{live_server.url}/projects/")
    assert page.locator("nav.menu").count() == 1
    time.sleep(4)
    page.goto(f"{live_server.url}/projects/")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert "超过 3 秒未操作，已自动退出" in page.locator(".messages").inner_text()
    shot(page, "accounts-idle-timeout")
    assert console_errors == []


def test_two_factor_enrolment_and_sign_in(page, live_server, cast, settings, shot, offline, console_errors):
    settings.TWO_FACTOR_RELAXED = False
    page.set_viewport_size(DESKTOP)
    submit_login(page, live_server.url, "supervisor", PASSWORD)
    assert "/accounts/2fa/setup/" in page.url
    qr = page.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # drawn locally, a data: URI
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    shot(page, "accounts-2fa-setup")
    device = TOTPDevice.objects.get(user=cast.supervisor, confirmed=False)
    page.fill("input[name=token]", code_for(device))
    page.click("button:has-text('完成绑定')")
    page.wait_for_load_state("networkidle")
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "accounts-2fa-recovery-codes")
    page.click("a:has-text('我已保存，继续')")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")

    submit_login(page, live_server.url, "supervisor", PASSWORD)
    assert "/accounts/2fa/verify/" in page.url
    shot(page, "accounts-2fa-verify")
    device.refresh_from_db()
    page.fill("input[name=token]", code_for(device, 1))  # the enrolment used this step's code
    page.click("button:has-text('验证')")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    assert "督查" in page.locator(".who").inner_text()
    assert console_errors == []


def test_every_page_type_runs_under_the_csp(
    page, live_server, cast, login, settings, offline, console_errors
):  # type: ignore[no-untyped-def]
    page.add_init_script(CSP_LISTENER)
    page.set_viewport_size(DESKTOP)
    base = live_server.url
    visited: list[str] = []

    def visit(path: str) -> None:
        response = page.goto(base + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], path
        visited.append(path)

    visit("/accounts/login/")
    visit("/screen/")
    login(page, "supervisor")
    for path in [
        "/",
        "/projects/",
        f"/projects/{cast.inside.pk}/",
        "/projects/reports/",
        "/projects/visits/",
        "/projects/visits/stats/",
        "/cases/",
        "/cases/new/",
        "/tasks/",
        "/sheets/import/",
        "/disclosure/",
        "/grading/",
        "/grading/ranking/",
        "/grading/units/",
        "/grading/summons/",
        "/grading/periods/",
        "/grading/rules/",
        "/indicators/",
        "/screen/dashboard/",
        "/accounts/security/",
        "/accounts/password/",
        "/accounts/2fa/setup/",
        "/api/v1/docs",
    ]:
        visit(path)
    # the period picker submits through app.js, not an inline handler
    page.goto(f"{base}/grading/")
    picker = page.locator("select[data-autosubmit]")
    if picker.count() and picker.locator("option").count() > 1:
        value = picker.locator("option").nth(1).get_attribute("value")
        with page.expect_navigation():
            picker.select_option(value)
        assert f"period={value}" in page.url
    for who, paths in [
        ("secadmin", ["/users/", f"/users/{cast.owner.pk}/", "/orgs/"]),
        ("sysadmin", ["/settings/", "/calendar/"]),
        ("auditor", ["/audit/"]),
    ]:
        page.context.clear_cookies()
        login(page, who)
        for path in paths:
            visit(path)
    assert len(visited) > 25
    csp_errors = [e for e in console_errors if "Content Security Policy" in e]
    assert csp_errors == []
    assert console_errors == [], console_errors
