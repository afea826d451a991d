"""The studio's register, the incentive catalogue, the log of measures applied and a firm's page cost the
same number of queries with a few rows as with hundreds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liangping.chains import creditcode
from liangping.firms import services
from liangping.firms.models import Application, Firm, Measure
from tests.firms.world import build_firms

# page → budget (measured when written, plus one)
BUDGETS = {"firms:list": 7, "firms:measures": 7, "firms:applied": 6, "firms:lookup": 6, "firms:detail": 12}


def grow(fw, cast, n: int) -> None:  # type: ignore[no-untyped-def]
    start = Firm.objects.count()
    firms = []
    for i in range(start, start + n):
        body = f"91370400MA{i:07d}"
        firms.append(
            Firm(
                tenant=cast.city,
                credit_code=body + creditcode.check_char(body),
                name=f"增长企业{i}",
                studio=fw.studio_in,
                credit_level="AB"[i % 2],
                score=Decimal(80 + i % 10),
            )
        )
    Firm.objects.bulk_create(firms)
    Measure.objects.bulk_create(
        Measure(
            tenant=cast.city,
            code=f"G-{start + i:05d}",
            name=f"增长措施{i}",
            department=cast.gongxin if i % 2 else cast.fagai,
            benefit="示例",
            levels="AB",
            starts_on=dt.date(2020, 1, 1),
        )
        for i in range(n)
    )
    at = timezone.now()
    made = list(Measure.objects.filter(code__startswith="G-").order_by("-id")[:n])
    Application.objects.bulk_create(
        Application(firm=fw.firm_in, measure=m, applied_by=cast.supervisor, applied_at=at) for m in made
    )
    for i in range(min(n, 30)):
        services.open_request(cast.supervisor, fw.firm_in, "change", fw.staff, accept=i % 2 == 0)


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_firm_pages_cost_the_same_at_a_few_and_hundreds_of_rows(cast):
    fw = build_firms(cast)
    client = Client()
    client.force_login(cast.supervisor)
    urls = {
        "firms:list": reverse("firms:list"),
        "firms:measures": reverse("firms:measures") + "?valid=1",
        "firms:applied": reverse("firms:applied"),
        "firms:lookup": reverse("firms:lookup") + f"?code={fw.firm_in.credit_code}",
        "firms:detail": reverse("firms:detail", args=[fw.firm_in.pk]),
    }
    grow(fw, cast, 3)
    for url in urls.values():
        client.get(url)  # warm the caches (kinds, content types)
    small = {name: count(client, url) for name, url in urls.items()}
    grow(fw, cast, 300)
    large = {name: count(client, url) for name, url in urls.items()}
    assert small == large, (small, large)
    for name, n in large.items():
        assert n <= BUDGETS[name], (name, n)
