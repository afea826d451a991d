"""Each role's start page with its queues, and the project page with its grade card, completion chart,
open problems and timeline filter, in Chromium at 1920×1080 and 390×844."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from liangping.cases import services as cases
from liangping.grading import services as grading
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from tests.browser.conftest import DESKTOP, PHONE

ROLES = ("supervisor", "leader", "department", "district", "specialist", "owner")


def seed(cast) -> None:  # type: ignore[no-untyped-def]
    """Six months of reports of the inside project (June locked yellow), a returned and a submitted
    report, and an assigned problem."""
    Project.objects.update(plan_year=2025)
    now = timezone.now()
    for month, ytd in enumerate(("20000", "45000", "60000", "80000", "100000", "120000"), start=1):
        MonthlyReport.objects.create(
            project=cast.inside, month=dt.date(2025, month, 1), month_investment=Decimal(20000),
            ytd_investment=Decimal(ytd), status=ReportStatus.APPROVED, submitted_at=now,
        )  # fmt: skip
    MonthlyReport.objects.create(
        project=cast.outside, month=dt.date(2025, 6, 1), month_investment=Decimal(1000),
        ytd_investment=Decimal(15000), status=ReportStatus.APPROVED, submitted_at=now,
    )  # fmt: skip
    grading.lock_period(cast.supervisor, grading.get_or_create_period("2025-06"), confirm_unreviewed=True)
    MonthlyReport.objects.create(
        project=cast.inside, month=dt.date(2025, 7, 1), month_investment=Decimal(1),
        ytd_investment=Decimal(120001), status=ReportStatus.SUBMITTED, submitted_at=now,
    )  # fmt: skip
    MonthlyReport.objects.create(
        project=cast.outside, month=dt.date(2025, 7, 1), month_investment=Decimal(1),
        ytd_investment=Decimal(15001), status=ReportStatus.RETURNED, review_note="累计投资与上月不衔接",
        submitted_at=now,
    )  # fmt: skip
    case = cases.register(cast.supervisor, "施工用电未接入，需协调供电公司", subject=cast.inside)
    cases.assign(cast.supervisor, case, lead_org=cast.fagai)


def test_every_role_sees_its_queues(page, live_server, cast, login, shot, offline, console_errors):  # type: ignore[no-untyped-def]
    seed(cast)
    for role in ROLES:
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        login(page, role)
        page.goto(f"{live_server.url}/")
        if role == "leader":  # one queue of their own: overdue problems, red and yellow cards, open problems
            expect(page.locator("#queue-leader")).to_contain_text("示例动力电池项目")
            expect(page.locator("#queue-leader")).to_contain_text("施工用电未接入")
        else:
            expect(page.locator("#queue-problems")).to_be_visible()
            expect(page.locator("#queue-grades")).to_be_visible()
        if role == "supervisor":
            expect(page.locator("#queue-submitted")).to_contain_text("共 1 项")
            expect(page.locator("#queue-returned")).to_contain_text("累计投资与上月不衔接")
        if role == "department":
            expect(page.locator("#queue-problems")).to_contain_text("施工用电未接入")
        shot(page, f"home-{role}-desktop")
        if role in ("supervisor", "specialist", "owner"):
            page.set_viewport_size(PHONE)
            page.reload()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"] + 1, (role, width)
            shot(page, f"home-{role}-phone")
    # batch approval from the supervisor's queue
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/")
    page.check("#queue-submitted input[name=report]")
    page.click("#queue-submitted button:has-text('批量审核通过')")
    expect(page.locator("body")).to_contain_text("已审核通过 1 份调度")
    expect(page.locator("#queue-submitted")).to_contain_text("没有待审核的调度")
    assert not console_errors, console_errors


def test_project_page_explains_the_grade(page, live_server, cast, login, shot, offline, console_errors):  # type: ignore[no-untyped-def]
    seed(cast)
    page.set_viewport_size(DESKTOP)
    login(page, "supervisor")
    page.goto(f"{live_server.url}/projects/{cast.inside.pk}/")
    card = page.locator("#grade-card")
    expect(card).to_contain_text("滞后时序进度10个百分点")
    expect(card).to_contain_text("临时分级")
    expect(page.locator("[data-progress-chart][data-finished='1']")).to_be_attached(timeout=10000)
    expect(page.locator("#open-problems")).to_contain_text("施工用电未接入")
    shot(page, "project-grade-desktop")
    page.click("#timeline a:has-text('问题')")
    expect(page.locator("#timeline ol.timeline li")).to_have_count(1)
    page.goto(f"{live_server.url}/projects/?grade=yellow")
    expect(page.locator("#ledger tbody tr")).to_have_count(1)
    shot(page, "projects-list-grade-desktop")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/projects/{cast.inside.pk}/")
    expect(page.locator("[data-progress-chart][data-finished='1']")).to_be_attached(timeout=10000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
    shot(page, "project-grade-phone")
    assert not console_errors, console_errors
