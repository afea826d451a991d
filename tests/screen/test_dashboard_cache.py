"""The dashboard's live half is cached by a stamp of the data it is graded from: never stale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from liangping.core.models import Period
from liangping.projects import services
from liangping.projects.models import MonthlyReport
from liangping.screen.dashboard import live_stamp
from tests.screen.world import add_unpublished, report


def live_html(user) -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    html = c.get(reverse("screen:dashboard"), {"period": "2025-07"}).content.decode()
    return html.split('id="sd-live"', 1)[1]


@pytest.mark.django_db
def test_a_review_and_an_edit_change_the_stamp(world):
    period = Period.build("month", 2025, 7)
    report(world.cast.outside, dt.date(2025, 7, 1), "1000")
    first = live_stamp(period)
    assert live_stamp(period) == first
    r = MonthlyReport.objects.get(project=world.cast.outside, month=dt.date(2025, 7, 1))
    MonthlyReport.objects.filter(pk=r.pk).update(status="submitted")
    r.refresh_from_db()
    services.review_report(world.cast.supervisor, r, approve=False, note="补充", expected_version=r.version)
    second = live_stamp(period)
    assert second != first
    project = world.cast.inside
    services.update_project(
        world.cast.supervisor, project, {"annual_plan": Decimal("1")}, expected_version=project.version
    )
    assert live_stamp(period) != second


@pytest.mark.django_db
def test_cached_live_half_follows_a_new_report(world):
    before = live_html(world.cast.supervisor)
    assert live_html(world.cast.supervisor) == before  # served from the cache
    project = world.cast.outside
    june = services.previous_ytd(project, dt.date(2025, 7, 1)) or Decimal("0")
    services.submit_report(
        world.cast.supervisor,
        project,
        dt.date(2025, 7, 1),
        month_investment=Decimal("1000"),
        ytd_investment=june + Decimal("1000"),
    )
    assert live_html(world.cast.supervisor) != before


def test_screen_lists_are_cut_with_their_totals():
    from liangping.screen.data import SCREEN_LIST_MAX, screen_lists

    rows = [{"code": f"P{i:04d}"} for i in range(SCREEN_LIST_MAX + 5)]
    tasks = {"counts": {"total": SCREEN_LIST_MAX + 5}, "rows": rows}
    data = {"published": True, "red": rows, "yellow": rows[:3], "summons": [], "overview": {}, "tasks": tasks}
    cut = screen_lists(data)
    assert cut["red"] == rows[:SCREEN_LIST_MAX] and cut["red_total"] == SCREEN_LIST_MAX + 5
    assert cut["yellow_total"] == 3 and cut["summons_total"] == 0
    assert cut["tasks"] == {"counts": {"total": SCREEN_LIST_MAX + 5}, "rows": rows[:SCREEN_LIST_MAX]}
    assert data["red"] is rows and data["tasks"]["rows"] is rows  # the disclosure's data is untouched
    assert screen_lists({"published": False}) == {"published": False}


def published_html(user) -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    html = c.get(reverse("screen:dashboard")).content.decode()
    return html.split('id="sd-published"', 1)[1].split('id="sd-live"', 1)[0]


@pytest.mark.django_db
def test_cached_published_half_follows_a_new_publication(world):
    from liangping.grading import services as grading

    before = published_html(world.cast.supervisor)
    assert published_html(world.cast.supervisor) == before  # served from the cache
    assert "2025年第二季度" in before and "滕州市" in before
    q3, _july = add_unpublished(world)
    assert published_html(world.cast.supervisor) == before  # locked, not yet published
    grading.publish_period(world.cast.supervisor, q3)
    after = published_html(world.cast.supervisor)
    assert after != before and "2025年第三季度" in after and "2025年第二季度" not in after
