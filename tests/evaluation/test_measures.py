"""One unit's five automatic measures recomputed by hand from fixture records, matching the locked
round exactly (Decimal, never float); the judged scores and the weighted total likewise."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from liangping.core.workdays import WorkCalendar
from liangping.evaluation import schemes, services
from liangping.evaluation.models import RoundResult
from tests.evaluation.world import build_q2

H = Decimal(100)


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.django_db
def test_five_measures_by_hand_match_the_locked_round(cast):
    world = build_q2(cast)
    scheme = schemes.current(cast.city)
    rnd = services.open_round(
        cast.supervisor,
        title="2026年第二季度五比五看",
        period=world.period,
        scheme=scheme,
        units=[cast.fagai, cast.gongxin],
        evaluators=[(cast.leader, []), (cast.leader2, [cast.fagai])],
    )
    judged = {
        "yan_judged": (8, 6),
        "zhen_judged": (9, 7),
        "xi_judged": (7, 7),
        "shi_judged": (10, 8),
        "kuai_judged": (6, 9),
    }
    services.score(cast.leader, rnd, cast.fagai, {k: (str(a), "扎实") for k, (a, _b) in judged.items()})
    services.score(cast.leader2, rnd, cast.fagai, {k: (str(b), "较好") for k, (_a, b) in judged.items()})
    services.lock_round(cast.supervisor, rnd)
    got = RoundResult.objects.get(snapshot__round=rnd, org=cast.fagai)

    # 严: 3 reports this quarter, 1 of them returned once
    yan = q2(H - Decimal(1) * H / 3)
    # 真: 2 problems closed, 1 by its deadline; 1 proposal answered by its deadline
    zhen_cases, zhen_proposals = q2(Decimal(1) * H / 2), q2(Decimal(1) * H / 1)
    # 细: 1 project × 3 months expected; only April on time (due 5 May) and complete
    xi = q2(Decimal(1) * H / 3)
    # 实: 120000 of a plan of 300000 = 40 %, against time progress 6/12 = 50 %
    shi = q2(min(H, H * (Decimal(120000) * H / Decimal(300000)) / (Decimal(6) * H / 12)))
    # 快: problems in 3 (13→16 April) and 9 (11→22 May) working days: median 6 against a target of 5;
    # the appeal in 2 (1→3 June): 100; the proposal from 1 April to 29 May
    kuai_cases = q2(H * 5 / ((Decimal(3) + Decimal(9)) / 2))
    kuai_appeals = H
    proposal_days = WorkCalendar.load().workdays_between(dt.date(2026, 4, 1), dt.date(2026, 5, 29))
    kuai_proposals = H if proposal_days <= 60 else q2(H * 60 / proposal_days)
    expected = {
        "yan_returned": yan,
        "zhen_cases": zhen_cases,
        "zhen_proposals": zhen_proposals,
        "xi_reports": xi,
        "shi_completion": shi,
        "kuai_cases": kuai_cases,
        "kuai_appeals": kuai_appeals,
        "kuai_proposals": kuai_proposals,
    }
    for code, value in expected.items():
        assert Decimal(got.measures[code]["score"]) == value, code
    assert (yan, zhen_cases, xi, shi, kuai_cases) == (
        Decimal("66.67"),
        Decimal("50.00"),
        Decimal("33.33"),
        Decimal("80.00"),
        Decimal("83.33"),
    )
    assert got.measures["shi_completion"]["inputs"]["actual"] == "120000.00"

    # judged: 10 × the mean of the two evaluators; a dimension the mean of its measures
    def judged_score(code: str) -> Decimal:
        a, b = judged[code]
        return q2(Decimal(a + b) / 2 * 10)

    dims = {
        "yan": q2((yan + judged_score("yan_judged")) / 2),
        "zhen": q2((zhen_cases + zhen_proposals + judged_score("zhen_judged")) / 3),
        "xi": q2((xi + judged_score("xi_judged")) / 2),
        "shi": q2((shi + judged_score("shi_judged")) / 2),
        "kuai": q2((kuai_cases + kuai_appeals + kuai_proposals + judged_score("kuai_judged")) / 4),
    }
    for code, value in dims.items():
        assert Decimal(got.dimensions[code]["score"]) == value, code
    assert got.dimensions["xi"]["grade"] == "red"  # (33.33 + 70) / 2 = 51.67 < 60
    assert got.total == q2(sum(v * 20 for v in dims.values()) / 100)
    assert isinstance(got.total, Decimal)
