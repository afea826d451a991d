"""A kind's list costs the same number of queries at 100 and at 10,000 cases (page and API), with
the kind's fields as columns, categories, urgencies and the scope of a unit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liangping.cases.kindload import load_text
from liangping.cases.models import Case, CaseCategory, CaseKind
from tests.api.conftest import api_as  # noqa: F401  (the API client fixture, signed in as a cast member)
from tests.cases.test_engine import HOTLINE

BUDGET = {"page": 8, "api": 17}  # measured when the guard was written, plus one
MEASURED: dict[tuple[str, str, int], int] = {}


def grow(cast, upto: int) -> None:  # type: ignore[no-untyped-def]
    kind = CaseKind.objects.get(code="hotline_demo")
    noise = CaseCategory.objects.get(kind=kind, code="noise")
    have = Case.objects.of_kind("hotline_demo").count()
    now = timezone.now()
    rows = []
    for i in range(have, upto):
        case = Case(
            kind="hotline_demo", kind_version_id=kind.current_id, title=f"工单{i}", status="dispatched"
        )
        case.category, case.urgency = noise, "normal" if i % 3 else "urgent"
        case.data = {"name": f"市民{i}", "phone": "13800008000"}
        case.lead_org = cast.fagai if i % 2 else cast.gongxin
        case.registered_by, case.registered_at, case.receipt_no = cast.supervisor, now, f"R{i:011d}"
        case.due_at, case.deadline, case.finish_unit = (
            now,
            timezone.localdate(now) - dt.timedelta(days=1),
            "workdays",
        )
        rows.append(case)
    Case.objects.bulk_create(rows, batch_size=2000)


def count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "department"])
def test_kind_list_queries_do_not_grow(client, api_as, cast, who):  # noqa: F811
    load_text(HOTLINE)
    client.force_login(getattr(cast, who))
    api = api_as(who)
    page_url = "/cases/?kind=hotline_demo&urgency=normal&overdue=on"
    counts: dict[str, list[int]] = {"page": [], "api": []}
    client.get(page_url)  # the first request of a session reads what later ones find cached
    api.get("/cases")
    for size in (100, 10_000):
        grow(cast, size)
        counts["page"].append(count(client, page_url))
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/cases", kind="hotline_demo").status_code == 200
        counts["api"].append(len(ctx.captured_queries))
    for what, (small, large) in counts.items():
        MEASURED[(who, what, 100)], MEASURED[(who, what, 10_000)] = small, large
        assert small == large <= BUDGET[what], (what, counts)
    print(f"\n{who}: {counts}")
