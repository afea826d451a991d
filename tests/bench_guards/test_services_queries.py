"""The services list pages cost the same number of queries small and grown (more matters, points,
staff, handled cases, 帮办代办 requests and 一件事 applications)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liangping.core.models import Org, OrgKind
from liangping.services import assist, bundles, points
from liangping.services.models import Applicant, HandledCase, Matter, MatterType, Post, Source
from tests.services.world import World, build

# page → budget (measured when written, plus one)
PAGES = {
    "index": 22,
    "matters": 7,
    "points": 7,
    "rule": 6,
    "handled": 7,
    "assist": 10,
    "bundles": 6,
    "bundle": 14,
}


def grow(w: World, n: int) -> None:
    cast = w.cast
    start = Matter.objects.count()
    Matter.objects.bulk_create(
        [
            Matter(
                tenant=cast.city,
                code=f"G{start + i:06d}",
                name=f"增长事项{i}",
                department=cast.fagai,
                type=MatterType.PUBLIC,
                promised_days=5,
                listed_on=dt.date(2025, 1, 1),
                levels="town",
            )
            for i in range(n * 10)
        ]
    )
    for i in range(n):
        village = Org.objects.create(name=f"增长村{start}-{i}", kind=OrgKind.VILLAGE, parent=w.town)
        point = points.create_point(None, name=f"增长村便民服务站{start}-{i}", org=village)
        points.add_staff(None, point, name=f"增长主管{i}", post=Post.LEAD)
        points.set_matters(None, point, [points.Listed("M001"), points.Listed("M002")])
    received = timezone.make_aware(dt.datetime(2025, 9, 10, 9))
    HandledCase.objects.bulk_create(
        [
            HandledCase(
                tenant=cast.city,
                ref=f"G-{start}-{i}",
                point=w.town_hall,
                matter=w.matters["M001"],
                applicant=Applicant.PERSON,
                received_at=received,
                received_on=received.date(),
                finished_at=received,
                outcome="done",
                workdays=0,
                on_time=True,
                source=Source.SHEET,
            )
            for i in range(n * 10)
        ]
    )
    for i in range(n // 2):
        assist.register_request(
            w.village_lead, w.village_hall, matter="M001", applicant_type="person", applicant=f"甲{i}"
        )
        bundles.submit(
            cast.supervisor, w.bundle, {"applicant": f"增长公司{i}", "vin": "V", "firm": "F", "country": "C"}
        )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_services_pages_cost_the_same_small_and_grown(cast):
    w = build(cast)
    urls = {
        "index": "/services/",
        "matters": "/services/matters/",
        "points": "/services/points/",
        "rule": "/services/rule/",
        "handled": "/services/handled/",
        "assist": "/services/assist/",
        "bundles": "/services/bundles/",
        "bundle": f"/services/bundles/{w.bundle.pk}/",
    }
    client = Client()
    client.force_login(cast.supervisor)
    grow(w, 4)
    small = {name: count(client, url) for name, url in urls.items()}
    grow(w, 40)
    large = {name: count(client, url) for name, url in urls.items()}
    assert large == small, f"少量：{small}；增长后：{large}"
    over = {name: n for name, n in small.items() if n > PAGES[name]}
    assert not over, f"超出预算：{over}"
