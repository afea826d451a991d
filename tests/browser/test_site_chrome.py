"""The site's frame: the 404 page, the supervisor's grouped menu on a desktop, a specialist's bottom
bar on a phone, and the icon."""

from __future__ import annotations

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_grading_board import assert_fits_phone, go


def test_404_page(page, live_server, cast, login, shot, offline, console_errors):
    page.set_viewport_size(DESKTOP)
    login(page, "leader")
    response = page.goto(f"{live_server.url}/projects/{cast.outside.pk}/")  # outside the leader's scope
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "无权查看或不存在"
    assert page.locator("nav.menu").is_visible()
    shot(page, "error-404-desktop")
    page.click("a:has-text('返回首页')")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/"
    icon = page.request.get(f"{live_server.url}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"
    linked = page.locator("link[rel=icon]").get_attribute("href")
    assert linked and page.request.get(f"{live_server.url}{linked}").status == 200
    # the browser reports the 404 page's own status, and nothing else failed (styles, scripts, icon)
    assert console_errors == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]


def test_supervisor_menu_in_groups(page, live_server, cast, login, shot, offline, console_errors):
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    go(page, f"{live_server.url}/grading/ranking/")
    groups = page.locator("nav.menu details.menu-group")
    assert groups.locator("summary").all_inner_texts() == [
        "台账调度",
        "诉求办理",
        "政务服务",
        "分级考核",
        "防汛值守",
        "企业服务",
        "公开",
        "设置",
    ]
    assert page.locator("nav.menu details.menu-group.active summary").inner_text() == "分级考核"
    assert page.locator(".topbar").bounding_box()["height"] < 70  # one line, not two rows of 15 links
    page.click("summary:has-text('台账调度')")
    ledger = page.locator("details.menu-group[open] .menu-pop a")
    assert ledger.all_inner_texts()[:3] == ["项目台账", "月度调度", "现场走访"]
    assert ledger.first.is_visible()
    shot(page, "nav-supervisor-desktop")
    page.click("summary:has-text('分级考核')")  # one group open at a time
    assert page.locator("details.menu-group[open] summary").all_inner_texts() == ["分级考核"]
    page.keyboard.press("Escape")
    assert page.locator("details.menu-group[open]").count() == 0
    page.click("summary:has-text('台账调度')")
    page.click("details.menu-group[open] a:has-text('现场走访')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/projects/visits/")
    assert console_errors == []


def test_specialist_bottom_bar_on_a_phone(page, live_server, cast, login, shot, offline, console_errors):
    page.set_viewport_size(PHONE)
    login(page, "specialist")
    go(page, f"{live_server.url}/projects/visits/")
    bar = page.locator("nav.bottom-bar")
    assert bar.is_visible()
    assert bar.locator("a").all_inner_texts() == ["走访", "调度", "问题"]
    assert bar.locator("a.active").inner_text() == "走访"
    box = bar.bounding_box()
    assert box is not None and abs(box["y"] + box["height"] - PHONE["height"]) < 1  # at the bottom
    assert box["height"] >= 44  # a thumb's target
    assert_fits_phone(page, "the visits page")
    shot(page, "nav-specialist-phone")
    bar.locator("a:has-text('问题')").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/cases/") and bar.locator("a.active").inner_text() == "问题"
    page.set_viewport_size(DESKTOP)
    assert not bar.is_visible()  # a desktop has the menu
    assert console_errors == []
