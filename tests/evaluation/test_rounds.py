"""Rounds: bad input refused in Chinese with nothing saved (weights, scores, comments, scope, lock),
lock/publish/reopen like a grading period, 双亮牌 against the previous round, the 约谈 list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from liangping.core.models import AuditLog
from liangping.evaluation import schemes, services
from liangping.evaluation.models import RoundResult, RoundSnapshot, Scheme, Score
from liangping.grading.services import get_or_create_period
from tests.cast import PASSWORD


def _round(cast, period="2026Q2", title="二季度评价"):  # type: ignore[no-untyped-def]
    return services.open_round(
        cast.supervisor,
        title=title,
        period=get_or_create_period(period),
        scheme=schemes.current(cast.city),
        units=[cast.fagai, cast.gongxin, cast.tengzhou, cast.shizhong],
        evaluators=[(cast.leader, [cast.fagai]), (cast.leader2, [])],
    )


@pytest.mark.django_db
def test_weights_must_sum_to_100_and_a_change_is_a_new_version(cast, client):
    v1 = schemes.current(cast.city)
    client.login(username="supervisor", password=PASSWORD)
    form = {f"weight_{d['code']}": d["weight"] for d in v1.dimensions["dimensions"]}
    bad = client.post(reverse("evaluation:scheme"), {**form, "weight_yan": "25", "red": "60", "yellow": "80"})
    assert bad.status_code == 400
    assert "各维度权重之和应为 100，现为 105" in bad.content.decode()
    assert Scheme.objects.count() == 1
    rnd = _round(cast)
    good = {
        **form,
        "weight_yan": "15",
        "weight_kuai": "15",
        "weight_zuofeng": "10",
        "red": "60",
        "yellow": "80",
    }
    assert client.post(reverse("evaluation:scheme"), good).status_code == 302
    v2 = schemes.current(cast.city)
    assert v2.version == 2 and "zuofeng" in [d["code"] for d in v2.dimensions["dimensions"]]
    rnd.refresh_from_db()
    assert rnd.scheme_id == v1.pk  # the open round keeps its version
    assert AuditLog.objects.filter(action="evaluation.scheme").count() == 1
    page = client.get(reverse("evaluation:scheme")).content.decode()
    assert "得分 = 100 × 按期办结的问题数" in page and "比作风" in page


@pytest.mark.django_db
def test_bad_scores_are_refused_in_chinese_and_nothing_is_saved(cast):
    rnd = _round(cast)
    cases = [
        ({"yan_judged": ("11", "好")}, "“工作标准评价”的评分应为 1 到 10 的整数"),
        ({"yan_judged": ("0", "好")}, "1 到 10"),
        ({"yan_judged": ("八", "好")}, "1 到 10"),
        ({"yan_judged": ("8", "好"), "zhen_judged": ("7", " ")}, "“担当尽责评价”请填写评语"),
    ]
    for entries, message in cases:
        with pytest.raises(services.EvaluationError, match=message):
            services.score(cast.leader2, rnd, cast.fagai, entries)
    with pytest.raises(services.EvaluationError, match="“市工业和信息化局”不在您的评价范围内"):
        services.score(cast.leader, rnd, cast.gongxin, {"yan_judged": ("8", "好")})
    with pytest.raises(services.EvaluationError, match="您不是本轮评价人"):
        services.score(cast.department, rnd, cast.fagai, {"yan_judged": ("8", "好")})
    assert not Score.objects.exists()
    services.score(cast.leader, rnd, cast.fagai, {"yan_judged": ("8", "好")})
    services.lock_round(cast.supervisor, rnd)
    with pytest.raises(services.EvaluationError, match="已锁定，不能再评分"):
        services.score(cast.leader, rnd, cast.fagai, {"yan_judged": ("9", "更好")})
    assert list(Score.objects.values_list("value", flat=True)) == [8]


@pytest.mark.django_db
def test_the_scoring_page_refuses_in_chinese(cast, client):
    rnd = _round(cast)
    client.login(username="leader", password=PASSWORD)
    url = reverse("evaluation:score", args=[rnd.pk, cast.fagai.pk])
    page = client.post(url, {"score_yan_judged": "12", "comment_yan_judged": "好"})
    assert page.status_code == 400 and "评分应为 1 到 10 的整数" in page.content.decode()
    page = client.post(
        reverse("evaluation:score", args=[rnd.pk, cast.gongxin.pk]),
        {"score_yan_judged": "8", "comment_yan_judged": "好"},
    )
    assert page.status_code == 400 and "不在您的评价范围内" in page.content.decode()
    assert not Score.objects.exists()
    assert client.post(url, {"score_yan_judged": "8", "comment_yan_judged": "好"}).status_code == 302
    assert Score.objects.count() == 1


@pytest.mark.django_db
def test_lock_publish_reopen_keep_versions_and_cards(cast):
    first = _round(cast, "2026Q1", "一季度评价")
    services.score(cast.leader2, first, cast.gongxin, {"yan_judged": ("9", "好")})
    services.lock_round(cast.supervisor, first)
    services.publish_round(cast.supervisor, first)
    second = _round(cast, "2026Q2", "二季度评价")
    services.score(cast.leader2, second, cast.gongxin, {"yan_judged": ("2", "差")})
    services.score(cast.leader2, second, cast.fagai, {"yan_judged": ("9", "好")})
    snap = services.lock_round(cast.supervisor, second)
    with pytest.raises(services.EvaluationError, match="重新开放评价轮次必须写明原因"):
        services.reopen_round(cast.supervisor, second, " ")
    services.reopen_round(cast.supervisor, second, "补充评分")
    again = services.lock_round(cast.supervisor, second)
    assert (snap.version, again.version) == (1, 2)
    assert RoundSnapshot.objects.filter(round=second).count() == 2
    with pytest.raises(PermissionError):
        RoundResult.objects.filter(snapshot=snap).update(rank=9)
    depts = {r.name: r for r in again.results.filter(kind="department")}
    assert depts["市发展改革委"].rank == 1 and depts["市发展改革委"].prev_rank == 2
    assert depts["市工业和信息化局"].prev_rank == 1
    assert {a for a in AuditLog.objects.values_list("action", flat=True) if a.startswith("evaluation.")} >= {
        "evaluation.open",
        "evaluation.score",
        "evaluation.lock",
        "evaluation.publish",
        "evaluation.reopen",
    }
    with pytest.raises(services.EvaluationError, match="只有督查人员"):
        services.publish_round(cast.leader, second)


@pytest.mark.django_db
def test_red_two_rounds_running_is_on_the_summons_list(cast, client):
    for period, title in (("2026Q1", "一季度评价"), ("2026Q2", "二季度评价")):
        rnd = _round(cast, period, title)
        services.score(cast.leader2, rnd, cast.shizhong, {c: ("2", "差") for c in ("yan_judged",)})
        services.lock_round(cast.supervisor, rnd)
    client.login(username="supervisor", password=PASSWORD)
    page = client.get(reverse("grading:summons") + "?period=2026Q2").content.decode()
    assert "「五比五看」连续两轮有维度为红的单位" in page
    assert "市中区" in page and "比工作标准为红" in page
