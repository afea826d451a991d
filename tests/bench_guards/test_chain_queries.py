"""The chain pages cost the same number of queries with 50 firms as with 5,000."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from liangping.chains import creditcode
from liangping.chains.mapdata import public_document
from liangping.chains.models import Capacity, Firm, FirmSegment
from liangping.chains.services import publish_snapshot, take_snapshot
from tests.chains.world import build_chain

# page → budget (measured when written, plus one)
PAGES = {"detail": 23, "data": 21, "firms": 11, "list": 7, "screen": 3}


def grow(cw, n: int) -> None:  # type: ignore[no-untyped-def]
    """n more firms spread over the segments, each with a capacity where its segment has a measure."""
    start = Firm.objects.count()
    firms = []
    for i in range(start, start + n):
        body = f"91370481MA{i:07d}"
        firms.append(
            Firm(credit_code=body + creditcode.check_char(body), name=f"增长企业{i}", output=Decimal(i))
        )
    Firm.objects.bulk_create(firms)
    made = list(Firm.objects.filter(name__startswith="增长企业").order_by("id"))[-n:]
    pairs = [
        (cw.cathode, cw.cathode_t),
        (cw.separator, cw.separator_m2),
        (cw.cell, cw.cell_gwh),
        (cw.pack, None),
    ]
    links, caps = [], []
    for k, firm in enumerate(made):
        segment, measure = pairs[k % len(pairs)]
        links.append(FirmSegment(firm=firm, segment=segment))
        if measure is not None:
            caps.append(Capacity(firm=firm, measure=measure, value=Decimal("0.01")))
    FirmSegment.objects.bulk_create(links)
    Capacity.objects.bulk_create(caps)


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_chain_pages_cost_the_same_at_50_and_5000_firms(cast):
    cw = build_chain(cast)
    publish_snapshot(
        cast.supervisor, take_snapshot(cast.supervisor, cw.chain, 2025, public_document(cw.chain))
    )
    urls = {
        "detail": f"/chains/{cw.chain.pk}/",
        "data": f"/chains/{cw.chain.pk}/data.json",
        "firms": f"/chains/{cw.chain.pk}/firms/?segment={cw.cell.pk}",
        "list": "/chains/",
        "screen": "/screen/chains/",
    }
    supervisor, anonymous = Client(), Client()
    supervisor.force_login(cast.supervisor)
    grow(cw, 48)
    small = {name: count(anonymous if name == "screen" else supervisor, url) for name, url in urls.items()}
    grow(cw, 4950)
    assert Firm.objects.of_chain(cw.chain).count() == 5000
    large = {name: count(anonymous if name == "screen" else supervisor, url) for name, url in urls.items()}
    assert large == small, f"50 家：{small}；5000 家：{large}"
    over = {name: n for name, n in small.items() if n > PAGES[name]}
    assert not over, f"超出预算：{over}"
