"""The report page in a real browser: a report sent on time, returned and sent again is not late,
and its history lists every submission, the return with its reason, and the approval."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.web.test_report_lateness import returned_and_resubmitted


def test_report_history(page, live_server, login, shot, cast):  # type: ignore[no-untyped-def]
    report = returned_and_resubmitted(cast)
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/projects/reports/{report.pk}/")
    expect(page.locator("h1")).not_to_contain_text("逾期报送")
    history = page.locator("#report-history")
    expect(history.locator("li")).to_have_count(4)
    expect(history.locator("li").nth(1)).to_contain_text("退回原因：累计完成投资与上月不衔接")
    expect(history.locator("li").nth(3)).to_contain_text("审核意见：已核实")
    expect(page.locator("#first-submission")).to_contain_text("按时报送")
    shot(page, "report-history-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "report-history-phone")
