"""A tenant's pages cost what they cost alone: the benchmark's generator writes one city (枣庄 alone)
or the province (16 real tenants under 山东省, 枣庄 among them), and 枣庄's supervisor's ledger page and
grading board cost the same number of queries in both, each showing only 枣庄's projects."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.generate import generate
from bench.sizes import Sizes
from liangping.core.models import Org, User
from liangping.projects.models import Project

ALONE = Sizes("guard-alone", 1, 2, 40, 2, 4, 2, 10, 2, departments_per_city=2)
PROVINCE = Sizes("guard-province", 16, 2, 640, 2, 64, 2, 160, 2, departments_per_city=2)
# page → its query count, the same for a city alone and among 16 (measured when the guard was written)
PAGES = {"ledger": ("/projects/", 10), "board": ("/grading/?period=2025-11", 8)}


def _queries(client: Client, url: str) -> tuple[int, str]:
    client.get(url)  # warm: the session, the caches of a snapshot
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx), response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("sizes", [ALONE, PROVINCE], ids=lambda s: s.name)
def test_a_tenants_pages_cost_the_same_alone_and_among_16(sizes):
    cache.clear()
    generate(sizes)
    zaozhuang = Org.objects.get(code="370400")
    if sizes.cities == 1:
        user = User.objects.get(username="bench_supervisor")
    else:
        assert Org.objects.filter(kind="city", tenant__isnull=False).count() == 16
        user = User.objects.get(username="bench_supervisor_370400")
    client = Client()
    client.force_login(user)
    mine = Project.objects.filter(district__tenant=zaozhuang)
    others = Project.objects.exclude(district__tenant=zaozhuang)
    assert mine.exists() and set(Project.objects.visible_to(user)) == set(mine)
    problems = []
    for page, (url, budget) in PAGES.items():
        count, html = _queries(client, url)
        if count != budget:
            problems.append(f"{page} {sizes.name}: {count} 次查询，应为 {budget}")
        shown = set(re.findall(r"P\d{10}", html))
        leaked = shown & set(others.values_list("code", flat=True))
        if leaked:
            problems.append(f"{page} {sizes.name}: 显示了其他城市的项目 {sorted(leaked)[:3]}")
    cache.clear()
    assert not problems, "\n".join(problems)
