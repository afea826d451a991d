"""The flood-season pages cost a fixed number of queries: the 3 a.m. console with 3 points or 90, one
warning or four (django_assert_max_num_queries, and no growth between the two fetches)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liangping.emergency import loop, services
from liangping.emergency.models import AckVia, Contact
from tests.emergency.world import make_point


def issue(cast, towns, minutes_ago=25):  # type: ignore[no-untyped-def]
    start = timezone.now() - dt.timedelta(minutes=minutes_ago)
    draft = services.WarningDraft(
        level="orange",
        hazard="flood",
        text="示例",
        valid_until=timezone.now() + dt.timedelta(hours=3),
        towns=towns,
    )
    warning = services.issue_warning(cast.district, draft, now=start)
    contacts = list(Contact.objects.filter(call__warning=warning).select_related("call__warning", "person"))
    for contact in contacts[::2]:
        services.acknowledge(contact, AckVia.LINK, now=start + dt.timedelta(minutes=3))
    loop.advance(start + dt.timedelta(minutes=15))
    return warning


def counts(client: Client, urls: list[str]) -> list[int]:
    out = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        out.append(len(ctx.captured_queries))
    return out


@pytest.mark.django_db
def test_flood_pages_cost_the_same_with_more_points_and_warnings(cast, django_assert_max_num_queries):
    for i in range(3):
        make_point(cast.tengzhou, f"Q-{i}", f"点{i}", "龙阳镇")
    warning = issue(cast, ["龙阳镇"])
    client = Client()
    client.force_login(cast.district)
    urls = [
        reverse("emergency:duty"),
        reverse("emergency:index"),
        reverse("emergency:warnings"),
        reverse("emergency:points"),
        reverse("emergency:warning", args=[warning.pk]),
        reverse("emergency:warning_report", args=[warning.pk]),
        reverse("emergency:roster"),
        reverse("emergency:supplies"),
        reverse("emergency:teams"),
    ]
    small = counts(client, urls)
    for i in range(3, 90):
        make_point(cast.tengzhou, f"Q-{i}", f"点{i}", ["龙阳镇", "姜屯镇", "鲍沟镇"][i % 3])
    for _ in range(3):
        issue(cast, ["龙阳镇", "姜屯镇", "鲍沟镇"])
    big = counts(client, urls)
    assert big == small, dict(zip(urls, zip(small, big, strict=True), strict=True))
    # measured when written: console 9 (session, user, menu badge, live warnings, unanswered, their
    # contacts, latest answers, roster, duty log), figures 12, the warning page 11
    for url, budget in zip(urls, [10, 13, 6, 9, 12, 11, 7, 6, 6], strict=True):
        with django_assert_max_num_queries(budget):
            client.get(url)
