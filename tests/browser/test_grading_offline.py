"""Every grading page loads with no request leaving the live server and no console error, on a
desktop and on a phone; and the machine draws Chinese characters (a missing CJK font draws boxes)."""

from __future__ import annotations

import datetime as dt

from liangping.core.models import Period
from liangping.grading import services
from liangping.indicators.demo import load_indicator_demo
from liangping.indicators.models import Indicator
from liangping.projects.models import MonthlyReport, ReportStatus
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_grading_board import assert_fits_phone, reference_data, reports, watch_requests
from tests.browser.test_grading_units import two_red_periods

CANVAS = """() => {
  const font = getComputedStyle(document.body).fontFamily;
  const draw = (text) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 64, 64);
    ctx.fillStyle = "#000";
    ctx.font = "48px " + font;
    ctx.textBaseline = "top";
    if (text) ctx.fillText(text, 8, 6);
    return ctx.getImageData(0, 0, 64, 64).data;
  };
  const differ = (a, b) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
  const blank = draw(""), zao = draw("枣");
  return {
    ink: differ(zao, blank),
    other: differ(zao, draw("束")),
    missing: differ(zao, draw("\\u{10FFFD}")),
  };
}"""


def test_every_grading_page_works_offline(page, live_server, cast, login, offline, console_errors):
    reference_data()
    load_indicator_demo()
    two_red_periods(cast)
    services.publish_period(cast.supervisor, Period.objects.get(code="2025-06"))
    reports(cast, 7, inside="160000", outside="3000", status=ReportStatus.SUBMITTED)
    snapshot = services.current_snapshot(Period.objects.get(code="2025-06"))
    assert snapshot is not None
    gdp = Indicator.objects.get(name="地区生产总值").pk
    pages = [
        "/grading/?period=2025-07",
        "/grading/?period=2025-06&grade=red",
        "/grading/periods/",
        f"/grading/snapshots/{snapshot.pk}/",
        "/grading/ranking/?period=2022-06",
        "/grading/ranking/?period=2025-06",
        f"/grading/ranking/{gdp}/",
        "/grading/units/?period=2025-07",
        "/grading/units/?period=2025-06",
        "/grading/summons/?period=2025-06",
        "/grading/rules/",
    ]
    outside = watch_requests(page, live_server)
    login(page, "supervisor")
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        for path in pages:
            response = page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            assert response is not None and response.status == 200, path
            assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex", (
                path
            )
            if size is PHONE:
                assert_fits_phone(page, path)
            assert console_errors == [], (path, console_errors)
        # The lock confirmation is a page of its own: July still has reports awaiting review.
        page.goto(f"{live_server.url}/grading/periods/")
        page.fill("form.g-lock-form input[name=period]", "2025-07")
        page.click("form.g-lock-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "确认锁定" in page.locator("h1").inner_text()
        assert (
            MonthlyReport.objects.filter(month=dt.date(2025, 7, 1), status=ReportStatus.SUBMITTED).count()
            == 2
        )
        if size is PHONE:
            assert_fits_phone(page, "the lock confirmation")
    assert outside == []
    assert console_errors == []


def test_chinese_is_drawn_with_a_cjk_font(page, live_server, cast, login, offline, console_errors):
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/grading/?period=2025-06")
    result = page.evaluate(CANVAS)
    assert result["ink"] > 500, f"枣 left no ink on the canvas: {result}"
    # Without a CJK font every character is the same box: 枣 would look like 束 and like a
    # code point no font has.
    assert result["other"] > 200, f"枣 and 束 are drawn alike: {result}"
    assert result["missing"] > 200, f"枣 is drawn as a missing-glyph box: {result}"
    assert console_errors == []
