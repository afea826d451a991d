"""Query-count guards for the 「五比五看」 and deputies' lists: each is fetched with a few rows and again
after more units, scores, visits and proposals; the second fetch may not cost more queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liangping.core.models import Org, OrgKind
from liangping.deputies import services as deputies
from liangping.evaluation import schemes
from liangping.evaluation import services as evaluation
from liangping.evaluation.models import Round
from liangping.grading.services import get_or_create_period
from tests.cast import PASSWORD


def _round(cast, units: list[Org], title: str) -> Round:  # type: ignore[no-untyped-def]
    rnd = evaluation.open_round(
        cast.supervisor,
        title=title,
        period=get_or_create_period("2026Q2"),
        scheme=schemes.current(cast.city),
        units=units,
        evaluators=[(cast.leader, [])],
    )
    for org in units:
        evaluation.score(cast.leader, rnd, org, {"yan_judged": ("8", "好"), "kuai_judged": ("7", "较好")})
    evaluation.lock_round(cast.supervisor, rnd)
    evaluation.publish_round(cast.supervisor, rnd)
    return rnd


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def _grow(cast, n: int) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for i in range(n):
        deputies.record_visit(cast.deputy, cast.inside, today - dt.timedelta(days=i), f"视察{i}")
        deputies.register_proposal(cast.deputy, proposal_type="suggestion", title=f"建议{i}", description="")
        deputies.register_proposal(
            cast.supervisor,
            proposal_type="proposal",
            title=f"提案{i}",
            description="",
            proposer=cast.member,
            lead_org=cast.fagai,
        )


@pytest.mark.django_db
def test_evaluation_and_deputies_lists_do_not_grow(cast):
    small = _round(cast, [cast.fagai, cast.tengzhou], "小")
    more = [
        Org.objects.create(name=f"示例局{i}", kind=OrgKind.DEPARTMENT, parent=cast.city) for i in range(8)
    ]
    big = _round(cast, [cast.fagai, cast.tengzhou, cast.gongxin, cast.shizhong, *more], "大")
    sup, dep = Client(), Client()
    sup.login(username="supervisor", password=PASSWORD)
    dep.login(username="deputy", password=PASSWORD)
    assert _count(sup, reverse("evaluation:round", args=[big.pk])) <= _count(
        sup, reverse("evaluation:round", args=[small.pk])
    )
    _grow(cast, 1)
    sup.get(reverse("projects:detail", args=[cast.inside.pk]))
    before = {
        "index": _count(sup, reverse("evaluation:index")),
        "proposals": _count(sup, reverse("deputies:proposals")),
        "office": _count(sup, reverse("deputies:home")),
        "home": _count(dep, reverse("deputies:home")),
        "project": _count(sup, reverse("projects:detail", args=[cast.inside.pk])),
    }
    _grow(cast, 6)
    _round(cast, [cast.fagai], "再一轮")
    for c in (sup, dep):  # warm what the pages cache under the audit stamp, as before
        c.get(reverse("projects:detail", args=[cast.inside.pk]))
    after = {
        "index": _count(sup, reverse("evaluation:index")),
        "proposals": _count(sup, reverse("deputies:proposals")),
        "office": _count(sup, reverse("deputies:home")),
        "home": _count(dep, reverse("deputies:home")),
        "project": _count(sup, reverse("projects:detail", args=[cast.inside.pk])),
    }
    assert all(after[k] <= before[k] for k in before), (before, after)
    assert max(after.values()) <= 30
