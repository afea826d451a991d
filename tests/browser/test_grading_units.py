"""Unit scores and the summons list after two consecutive locked periods in which the outside
project is red: the supervisor sees it on the list, its leader sees it, the other leader sees none."""

from __future__ import annotations

from liangping.grading import services
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_grading_board import assert_fits_phone, go, reports, watch_requests


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("button:has-text('退出')")
    page.wait_for_load_state("networkidle")


def two_red_periods(cast) -> None:  # type: ignore[no-untyped-def]
    """May and June locked; outside lags time progress by more than 10 points in both."""
    reports(cast, 5, inside="130000", outside="1000")  # May: 43.33 % and 5 % of plan, time 41.67 %
    reports(cast, 6)
    for code in ("2025-05", "2025-06"):
        services.lock_period(cast.supervisor, services.get_or_create_period(code))


def test_unit_scores_and_summons(page, live_server, cast, login, shot, offline, console_errors):
    two_red_periods(cast)
    outside = watch_requests(page, live_server)
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    go(page, f"{live_server.url}/grading/units/?period=2025-06")
    assert page.locator(".g-provisional").count() == 0
    assert "已锁定" in page.locator(".g-status .badge").inner_text()
    districts, departments = page.locator("table.g-unit-table").all()
    assert districts.locator("tbody tr").first.locator("td").all_inner_texts()[:3] == [
        "1",
        "滕州市",
        "100.00",
    ]
    assert districts.locator("tbody tr").nth(1).locator("td").all_inner_texts()[:6] == [
        "2",
        "市中区",
        "0.00",
        "0",
        "0",
        "1",
    ]
    assert departments.locator("tbody tr").first.locator("td").nth(1).inner_text() == "市发展改革委"
    assert departments.locator("tbody tr").nth(1).locator("td").nth(1).inner_text() == "市工业和信息化局"
    assert districts.locator(".g-change.flat").count() == 2  # same places as in May
    shot(page, "grading-units-desktop")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page, "the unit scores")
    shot(page, "grading-units-phone")

    page.set_viewport_size(DESKTOP)
    go(page, f"{live_server.url}/grading/summons/?period=2025-06")
    listed = page.locator("table.g-summons-table tbody tr")
    assert listed.count() == 1
    text = listed.inner_text()
    for word in (
        "ZZ-2025-002",
        "示例智慧物流项目",
        "领导乙",
        "滞后时序进度40个百分点",
        "2025年5月",
        "市中区",
    ):
        assert word in text, word
    assert "共 1 个" in page.locator(".g-status").inner_text()
    shot(page, "grading-summons-desktop")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page, "the summons list")
    shot(page, "grading-summons-phone")

    # May has no earlier locked period: nobody can be red twice yet. July is still open.
    go(page, f"{live_server.url}/grading/summons/?period=2025-05")
    assert page.locator(".g-empty").first.inner_text() == "本期没有连续两期红牌的项目。"  # then 五比五看's
    assert page.locator("table.g-summons-table").count() == 0
    go(page, f"{live_server.url}/grading/summons/?period=2025-07")
    assert "尚未锁定" in page.locator(".msg.warning").inner_text()
    assert page.locator("table.g-summons-table").count() == 0
    sign_out(page)

    login(page, "leader2")  # leads the outside project
    go(page, f"{live_server.url}/grading/summons/?period=2025-06")
    assert page.locator("table.g-summons-table tbody tr").count() == 1
    sign_out(page)

    login(page, "leader")  # leads only the inside project, blue in both periods
    page.set_viewport_size(DESKTOP)
    go(page, f"{live_server.url}/grading/summons/?period=2025-06")
    assert page.locator("table.g-summons-table").count() == 0
    empty = page.locator(".g-empty").first
    assert empty.is_visible() and empty.inner_text() == "您包保的项目本期没有连续两期红牌，不在约谈名单中。"
    assert "ZZ-2025-002" not in page.locator("main").inner_text()
    shot(page, "grading-summons-leader-desktop")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page, "the leader's summons list")
    shot(page, "grading-summons-leader-phone")
    assert outside == []
    assert console_errors == []
