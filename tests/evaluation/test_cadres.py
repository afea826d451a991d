"""A round of leading cadres (包保市领导) instead of units: opened, scored within the supervisor's
list, locked and ranked; one cadre's automatic measures recomputed by hand (Decimal)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from liangping.evaluation import schemes, services
from liangping.evaluation.models import RoundResult, Score
from liangping.tasks.models import Task
from tests.cast import PASSWORD
from tests.evaluation.world import build_q2, case

H = Decimal(100)


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.django_db
def test_a_round_of_cadres_is_scored_locked_ranked_and_recomputed_by_hand(cast, client):
    world = build_q2(cast)  # the records of `inside`, whose 包保市领导 is cast.leader
    task = Task.objects.create(
        code="GJ-2026-01",
        title="攻坚示例",
        year=2026,
        leader=cast.leader,
        lead_department=cast.fagai,
        goal="示例",
    )
    # a problem on the task cadre leads, closed by its deadline (2 working days: 8→10 June)
    case(
        "project_problem",
        cast.gongxin,
        dt.date(2026, 6, 8),
        dt.date(2026, 6, 10),
        dt.date(2026, 6, 12),
        subject=task,
    )
    with pytest.raises(services.EvaluationError, match="只能评价单位或领导干部中的一类"):
        services.open_round(
            cast.supervisor,
            title="混合",
            period=world.period,
            scheme=schemes.current(cast.city),
            units=[cast.fagai],
            cadres=[cast.leader],
            evaluators=[(cast.department, [])],
        )
    rnd = services.open_round(
        cast.supervisor,
        title="二季度领导干部五比五看",
        period=world.period,
        scheme=schemes.current(cast.city),
        cadres=[cast.leader, cast.leader2],
        evaluators=[(cast.department, [cast.leader]), (cast.supervisor, [])],
    )
    assert rnd.of_cadres
    # an evaluator scores only the cadres of the list the supervisor gave them
    with pytest.raises(services.EvaluationError, match="“领导乙（包保市领导）”不在您的评价范围内"):
        services.score(cast.department, rnd, cast.leader2, {"yan_judged": ("8", "好")})
    with pytest.raises(services.EvaluationError, match="您不是本轮评价人"):
        services.score(cast.district, rnd, cast.leader, {"yan_judged": ("8", "好")})
    client.login(username="department", password=PASSWORD)
    assert client.get(reverse("evaluation:score", args=[rnd.pk, cast.leader.pk])).status_code == 200
    refused = client.post(
        reverse("evaluation:score", args=[rnd.pk, cast.leader2.pk]),
        {"score_yan_judged": "9", "comment_yan_judged": "好"},
    )
    assert refused.status_code == 400 and "不在您的评价范围内" in refused.content.decode()
    assert not Score.objects.exists()
    ok = client.post(
        reverse("evaluation:score", args=[rnd.pk, cast.leader.pk]),
        {"score_yan_judged": "9", "comment_yan_judged": "严格"},
    )
    assert ok.status_code == 302
    assert Score.objects.get().cadre == cast.leader
    services.lock_round(cast.supervisor, rnd)
    got = RoundResult.objects.get(snapshot__round=rnd, cadre=cast.leader)
    other = RoundResult.objects.get(snapshot__round=rnd, cadre=cast.leader2)
    assert got.org is None and got.kind == "cadre" and got.name == "领导甲（包保市领导）"

    # 严: the 3 reports of `inside`, 1 returned once
    assert Decimal(got.measures["yan_returned"]["score"]) == q2(H - H / 3) == Decimal("66.67")
    # 真: the 2 problems on `inside` (1 by its deadline) and the 1 on the task (by its deadline);
    # the appeal and the proposal are 市发展改革委's, not a person's: no data
    assert Decimal(got.measures["zhen_cases"]["score"]) == q2(Decimal(2) * H / 3) == Decimal("66.67")
    assert got.measures["zhen_proposals"]["score"] is None
    assert got.measures["kuai_appeals"]["score"] is None
    # 快: problems in 3, 9 and 2 working days: median 3 ≤ target 5
    assert Decimal(got.measures["kuai_cases"]["score"]) == H
    # the judged score: 10 × 9; 严 = mean(66.67, 90)
    assert Decimal(got.dimensions["yan"]["score"]) == q2((Decimal("66.67") + Decimal(90)) / 2)
    # ranked among the round's cadres, with the 双亮牌 of a first round
    assert sorted([got.rank, other.rank]) in ([1, 2], [1, 1]) and got.prev_rank is None

    client.login(username="supervisor", password=PASSWORD)
    page = client.get(reverse("evaluation:round", args=[rnd.pk])).content.decode()
    assert "领导干部排名" in page and "领导甲（包保市领导）" in page and "本人任包保市领导的项目" in page
    assert cast.leader.phone not in page or not cast.leader.phone
    profile = client.get(reverse("evaluation:unit", args=[rnd.pk, cast.leader.pk]))
    assert profile.status_code == 200 and "领导甲（包保市领导）" in profile.content.decode()
    assert client.get(reverse("evaluation:unit", args=[rnd.pk, cast.fagai.pk])).status_code == 404
