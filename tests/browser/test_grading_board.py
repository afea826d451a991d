"""The grading board as the supervisor: the provisional banner of an open period, the counts per
colour and the colour filter; then locking 2025-06 through the periods page (past the confirmation
page, one report still awaits review), publishing it, and the board reading from snapshot 1."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from liangping.core.models import Period, PeriodStatus
from liangping.indicators.catalogue import ensure_reference_data
from liangping.indicators.models import City, Indicator
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from tests.browser.conftest import DESKTOP, PHONE


def reports(cast, month: int, *, inside: str = "150000", outside: str = "2000", status=ReportStatus.APPROVED):
    """Reports of 2025-`month` for both cast projects. With the defaults `inside` is on time
    progress in June (blue) and `outside` lags it by 40 points (red)."""
    Project.objects.update(plan_year=2025)
    for project, ytd in ((cast.inside, inside), (cast.outside, outside)):
        MonthlyReport.objects.create(
            project=project,
            month=dt.date(2025, month, 1),
            month_investment=Decimal(0),
            ytd_investment=Decimal(ytd),
            status=status,
            submitted_at=timezone.now(),
        )


def reference_data() -> None:
    """The 16 cities and 15 indicators the migration loads; a transactional test before us flushed them."""
    ensure_reference_data(City, Indicator)


def assert_fits_phone(page, what: str) -> None:  # type: ignore[no-untyped-def]
    """No page-wide sideways scrolling on a phone: wide tables scroll inside their own box."""
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{what} scrolls sideways on a phone ({width}px > {inner}px)"


def go(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_load_state("networkidle")


def rows(page) -> int:  # type: ignore[no-untyped-def]
    return page.locator("table.data tbody tr:not(.empty)").count()


def stat(page, colour: str) -> str:  # type: ignore[no-untyped-def]
    return page.locator(f".g-stats .stat.{colour} b").inner_text()


def watch_requests(page, live_server) -> list[str]:  # type: ignore[no-untyped-def]
    """Every request the page tries outside the live server (the `offline` fixture aborts them)."""
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url))
    return outside


def test_board_filter_lock_and_publish(page, live_server, cast, login, shot, offline, console_errors):
    reports(cast, 6)
    MonthlyReport.objects.filter(project=cast.outside).update(status=ReportStatus.SUBMITTED)
    outside = watch_requests(page, live_server)
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    board = f"{live_server.url}/grading/?period=2025-06"
    go(page, board)

    banner = page.locator(".g-provisional[role=status]")
    assert banner.is_visible() and "临时结果" in banner.inner_text()
    assert "2025年6月尚未锁定" in banner.inner_text()
    assert (stat(page, "red"), stat(page, "yellow"), stat(page, "blue"), stat(page, "none")) == (
        "1",
        "0",
        "1",
        "0",
    )
    assert rows(page) == 2
    first = page.locator("table.data tbody tr").first
    assert "ZZ-2025-002" in first.inner_text() and "红牌" in first.locator(".g-grade").inner_text()
    shot(page, "grading-board-desktop")

    page.select_option("form.g-filters select[name=grade]", "red")
    page.click("form.g-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "grade=red" in page.url
    assert rows(page) == 1
    table = page.locator("table.data tbody").inner_text()
    assert "ZZ-2025-002" in table and "ZZ-2025-001" not in table
    assert "滞后时序进度40个百分点" in table
    assert "共 1 个项目" in page.locator(".g-caption").inner_text()
    shot(page, "grading-board-red-desktop")
    page.click(".g-stats .stat.blue")
    page.wait_for_load_state("networkidle")
    assert rows(page) == 1 and "ZZ-2025-001" in page.locator("table.data tbody").inner_text()
    assert "active" in (page.locator(".g-stats .stat.blue").get_attribute("class") or "")
    page.click("a:has-text('清除筛选')")
    page.wait_for_load_state("networkidle")
    assert rows(page) == 2

    page.set_viewport_size(PHONE)
    go(page, board)
    assert page.locator(".g-provisional").is_visible()
    assert page.locator(".g-stats .stat.red").is_visible()
    assert page.locator("table.data tbody tr").first.locator(".g-grade").is_visible()
    assert_fits_phone(page, "the grading board")
    shot(page, "grading-board-phone")
    page.select_option("form.g-filters select[name=grade]", "red")
    page.click("form.g-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert rows(page) == 1
    shot(page, "grading-board-red-phone")

    # Lock through the periods page: one report still awaits review, so a confirmation comes first.
    page.set_viewport_size(DESKTOP)
    go(page, f"{live_server.url}/grading/periods/")
    page.fill("form.g-lock-form input[name=period]", "2025-06")
    page.click("form.g-lock-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "确认锁定" in page.locator("h1").inner_text()
    assert "还有 1 份月度调度未审核" in page.locator(".msg.warning").inner_text()
    assert "ZZ-2025-002" in page.locator("table.data").inner_text()
    assert Period.objects.get(code="2025-06").status == PeriodStatus.OPEN
    shot(page, "grading-confirm-lock-desktop")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page, "the lock confirmation")
    shot(page, "grading-confirm-lock-phone")
    page.click("button:has-text('仍然锁定')")
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}/grading/periods/"
    assert "2025年6月已锁定：蓝 1，黄 0，红 1" in page.locator(".msg.success").inner_text()
    assert Period.objects.get(code="2025-06").status == PeriodStatus.LOCKED
    june = page.locator("tbody tr", has_text="2025年6月")
    assert "已锁定" in june.locator(".badge").inner_text()
    assert june.locator("button:has-text('发布')").is_visible()
    assert_fits_phone(page, "the periods page")
    shot(page, "grading-periods-locked-phone")

    page.set_viewport_size(DESKTOP)
    shot(page, "grading-periods-locked-desktop")
    june.locator("button:has-text('发布')").click()
    page.wait_for_load_state("networkidle")
    assert "2025年6月已发布" in page.locator(".msg.success").inner_text()
    assert Period.objects.get(code="2025-06").status == PeriodStatus.PUBLISHED
    june = page.locator("tbody tr", has_text="2025年6月")
    assert "已发布" in june.locator(".badge").inner_text()
    assert june.locator("button:has-text('发布')").count() == 0
    june.locator("summary:has-text('重新开放')").click()
    assert june.locator("input[name=reason]").is_visible()
    shot(page, "grading-periods-published-desktop")

    go(page, board)
    main = page.locator("main").inner_text()
    assert page.locator(".g-provisional").count() == 0 and "临时结果" not in main
    assert "锁定结果" in main and "已发布" in page.locator(".g-status .badge").inner_text()
    assert rows(page) == 2
    shot(page, "grading-board-published-desktop")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page, "the published board")
    shot(page, "grading-board-published-phone")

    # The period picker: from the open July board back to the published June snapshot.
    page.set_viewport_size(DESKTOP)
    go(page, f"{live_server.url}/grading/?period=2025-07")
    assert page.locator(".g-provisional").is_visible()
    options = page.locator("form.g-picker select option").all_inner_texts()
    assert options == ["2025年7月（进行中）", "2025年6月（已发布）"]
    with page.expect_navigation():
        page.select_option("form.g-picker select", "2025-06")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("?period=2025-06")
    assert page.locator(".g-provisional").count() == 0
    page.click(".g-status a:has-text('锁定结果')")
    page.wait_for_load_state("networkidle")
    assert "锁定结果" in page.locator("h1").inner_text()
    assert rows(page) == 2
    shot(page, "grading-snapshot-desktop")
    page.set_viewport_size(PHONE)
    assert_fits_phone(page, "the snapshot page")
    shot(page, "grading-snapshot-phone")
    assert outside == []
    assert console_errors == []
