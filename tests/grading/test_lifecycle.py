"""Lock → publish → re-open → re-lock; snapshots never change; the summons list and unit scores."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liangping.core.models import AuditLog, PeriodStatus
from liangping.grading import services
from liangping.grading.models import ItemKind, Snapshot, SnapshotItem
from liangping.grading.units import score
from liangping.projects.models import MonthlyReport, Project, ReportStatus


def report(project, month, ytd, status=ReportStatus.APPROVED):
    return MonthlyReport.objects.update_or_create(
        project=project,
        month=month,
        defaults={
            "month_investment": Decimal(0),
            "ytd_investment": Decimal(ytd),
            "status": status,
            "submitted_at": timezone.now(),
        },
    )[0]


@pytest.fixture
def june(cast):
    Project.objects.update(plan_year=2025)
    report(cast.inside, dt.date(2025, 6, 1), "150000")  # 50 % of 300000: blue
    report(cast.outside, dt.date(2025, 6, 1), "2000")  # 10 % of 20000, gap −40: red
    return services.get_or_create_period("2025-06")


@pytest.mark.django_db
def test_lock_freezes_grades_that_later_edits_never_change(cast, june):
    snap = services.lock_period(cast.supervisor, june)
    june.refresh_from_db()
    assert june.status == PeriodStatus.LOCKED and snap.version == 1
    items = {i.code: i for i in snap.items.filter(kind=ItemKind.PROJECT)}
    assert (items["ZZ-2025-001"].grade, items["ZZ-2025-002"].grade) == ("blue", "red")
    assert items["ZZ-2025-002"].reason == "滞后时序进度40个百分点"
    assert items["ZZ-2025-002"].figures["gap"] == "-40"
    assert snap.ruleset.version == 1 and snap.summary["projects"]["red"] == 1
    # a later edit of the report does not touch the snapshot
    report(cast.outside, dt.date(2025, 6, 1), "20000")
    assert SnapshotItem.objects.get(snapshot=snap, code="ZZ-2025-002").grade == "red"
    with pytest.raises(PermissionError):
        items["ZZ-2025-002"].save()
    with pytest.raises(PermissionError):
        SnapshotItem.objects.filter(snapshot=snap).update(grade="blue")
    with pytest.raises(PermissionError):
        Snapshot.objects.filter(pk=snap.pk).delete()
    with pytest.raises(services.GradingError, match="已锁定"):
        services.lock_period(cast.supervisor, june)


@pytest.mark.django_db
def test_unreviewed_reports_need_confirmation(cast, june):
    report(cast.inside, dt.date(2025, 6, 1), "150000", status=ReportStatus.SUBMITTED)
    with pytest.raises(services.NeedsConfirmation) as exc:
        services.lock_period(cast.supervisor, june)
    assert [r.project.code for r in exc.value.reports] == ["ZZ-2025-001"]
    june.refresh_from_db()
    assert june.status == PeriodStatus.OPEN and not Snapshot.objects.exists()
    snap = services.lock_period(cast.supervisor, june, confirm_unreviewed=True)
    assert snap.summary["unreviewed"] == 1


@pytest.mark.django_db
def test_reopen_needs_a_reason_and_relock_makes_a_new_version(cast, june):
    first = services.lock_period(cast.supervisor, june)
    services.publish_period(cast.supervisor, june)
    with pytest.raises(services.GradingError, match="原因"):
        services.reopen_period(cast.supervisor, june, " ")
    services.reopen_period(cast.supervisor, june, "滕州市补报6月调度")
    report(cast.outside, dt.date(2025, 6, 1), "20000")
    second = services.lock_period(cast.supervisor, june)
    assert second.version == 2
    assert SnapshotItem.objects.get(snapshot=first, code="ZZ-2025-002").grade == "red"
    assert SnapshotItem.objects.get(snapshot=second, code="ZZ-2025-002").grade == "blue"
    assert services.current_snapshot(june) == second
    actions = list(
        AuditLog.objects.filter(object_type="core.period")
        .order_by("at", "id")
        .values_list("action", "reason")
    )
    assert actions == [
        ("period.lock", ""),
        ("period.publish", ""),
        ("period.reopen", "滕州市补报6月调度"),
        ("period.lock", ""),
    ]


@pytest.mark.django_db
def test_only_locked_periods_publish_and_only_supervisors_act(cast, june):
    with pytest.raises(services.GradingError, match="尚未锁定"):
        services.publish_period(cast.supervisor, june)
    with pytest.raises(services.GradingError, match="督查"):
        services.lock_period(cast.leader, june)


@pytest.mark.django_db
def test_summons_after_two_red_periods_and_rank_changes(cast, june):
    report(cast.inside, dt.date(2025, 5, 1), "100000")  # May: 33.3 % vs 41.7 %: yellow
    report(cast.outside, dt.date(2025, 5, 1), "1000")  # red
    may = services.get_or_create_period("2025-05")
    services.lock_period(cast.supervisor, may)
    assert services.summons_list(may) == []
    services.lock_period(cast.supervisor, june)
    summons = services.summons_list(june)
    assert [s["code"] for s in summons] == ["ZZ-2025-002"] and summons[0]["leader"] == "领导乙"
    snap = services.current_snapshot(june)
    assert snap is not None
    units = {
        (i.kind, i.name): i for i in snap.items.filter(kind__in=[ItemKind.DISTRICT, ItemKind.DEPARTMENT])
    }
    tz = units[(ItemKind.DISTRICT, "滕州市")]
    assert tz.figures["score"] == "100.00" and tz.rank == 1 and tz.prev_rank == 1
    assert units[(ItemKind.DISTRICT, "市中区")].figures["score"] == "0.00"


def test_unit_score_formula():
    assert score(2, 1, 4) == Decimal("62.5")  # (2·2 + 1) / (2·4) × 100
    assert score(0, 0, 0) is None


@pytest.mark.django_db
def test_summons_for_matches_leaders_by_account_not_name(cast, june):
    report(cast.outside, dt.date(2025, 5, 1), "1000")
    report(cast.inside, dt.date(2025, 5, 1), "100000")
    services.lock_period(cast.supervisor, services.get_or_create_period("2025-05"))
    services.lock_period(cast.supervisor, june)
    june.refresh_from_db()
    cast.leader.display_name = "领导乙"  # a namesake of the leader of the red project
    cast.leader.save()
    assert services.summons_for(cast.leader, june) == []
    assert [r["code"] for r in services.summons_for(cast.leader2, june)] == ["ZZ-2025-002"]
    assert len(services.summons_for(cast.supervisor, june)) == 1
    assert services.summons_for(cast.department, june) == []


@pytest.mark.django_db
def test_summons_needs_the_configured_number_of_red_periods(cast, june):
    from liangping.grading.rules import DEFAULT_RULES

    for month in (4, 5):
        report(cast.outside, dt.date(2025, month, 1), "100")
        report(cast.inside, dt.date(2025, month, 1), "150000")
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["summons"] = {"consecutive_red": 3}
    services.save_ruleset(cast.supervisor, rules, "三期连续红牌才约谈")
    services.lock_period(cast.supervisor, services.get_or_create_period("2025-05"))
    services.lock_period(cast.supervisor, june)
    june.refresh_from_db()
    assert services.summons_list(june) == []  # only two locked periods so far
    services.reopen_period(cast.supervisor, june, "补锁4月")
    services.lock_period(cast.supervisor, services.get_or_create_period("2025-04"))
    services.lock_period(cast.supervisor, june)
    june.refresh_from_db()
    assert [r["code"] for r in services.summons_list(june)] == ["ZZ-2025-002"]


def test_unit_score_weights():
    assert score(2, 1, 4, {"blue": "3", "yellow": "1"}) == Decimal(700) / 12


def _ranked(snapshot, kind=ItemKind.PROJECT):
    return {i.code or i.name: i.prev_rank for i in snapshot.items.filter(kind=kind)}


@pytest.mark.django_db
def test_summons_and_rank_changes_need_the_adjacent_period_not_the_last_locked_one(cast):
    """2022Q2 and 2026Q2 are both red, nothing is locked in between: no run of two, no rank change.
    With 2026Q1 locked the run is consecutive: summoned, and the ranks change against 2026Q1."""
    Project.objects.update(plan_year=None)
    report(cast.outside, dt.date(2022, 6, 1), "1000")  # 5 % against 50 %: red
    report(cast.inside, dt.date(2022, 6, 1), "150000")
    for month in (3, 6):  # `outside` was due to start in 2025-09 and has not: red in 2026
        report(cast.outside, dt.date(2026, month, 1), "100")
        report(cast.inside, dt.date(2026, month, 1), str(25000 * month))
    h1_2022 = services.get_or_create_period("2022Q2")
    services.lock_period(cast.supervisor, h1_2022)
    q2 = services.get_or_create_period("2026Q2")
    snap = services.lock_period(cast.supervisor, q2)
    q2.refresh_from_db()
    red = set(snap.items.filter(kind=ItemKind.PROJECT, grade="red").values_list("code", flat=True))
    assert "ZZ-2025-002" in red
    assert services.summons_list(q2) == []  # 2022Q2 is four years back, not the period before
    assert snap.summary["previous"] is None
    assert set(_ranked(snap).values()) == {None}  # no adjacent snapshot: no rank change (—)
    assert set(_ranked(snap, ItemKind.DISTRICT).values()) == {None}

    services.reopen_period(cast.supervisor, q2, "补锁第一季度")
    q1 = services.lock_period(cast.supervisor, services.get_or_create_period("2026Q1"))
    snap = services.lock_period(cast.supervisor, q2)
    q2.refresh_from_db()
    summons = services.summons_list(q2)
    assert [s["code"] for s in summons] == ["ZZ-2025-002"]
    assert summons[0]["previous_period"] == "2026年第一季度"
    assert snap.summary["previous"] == "2026Q1"
    before = {i.ref_id: i.rank for i in q1.items.filter(kind=ItemKind.PROJECT)}
    now = {i.ref_id: i.prev_rank for i in snap.items.filter(kind=ItemKind.PROJECT)}
    assert now == before and now[cast.inside.pk] is not None
    assert None not in _ranked(snap, ItemKind.DISTRICT).values()


@pytest.mark.django_db
def test_an_open_month_in_between_breaks_the_run(cast):
    Project.objects.update(plan_year=None)
    for month in (4, 5, 6):
        report(cast.outside, dt.date(2026, month, 1), "100")
    services.lock_period(cast.supervisor, services.get_or_create_period("2026-04"))
    may = services.get_or_create_period("2026-05")  # exists, still open
    june = services.get_or_create_period("2026-06")
    snap = services.lock_period(cast.supervisor, june)
    june.refresh_from_db()
    assert services.summons_list(june) == [] and set(_ranked(snap).values()) == {None}
    client = Client()
    client.force_login(cast.supervisor)
    page = client.get(reverse("grading:summons"), {"period": "2026-06"}).content.decode()
    assert "紧邻的上一期" in page and "ZZ-2025-002" not in page
    services.lock_period(cast.supervisor, may)
    services.reopen_period(cast.supervisor, june, "5月已锁定")
    services.lock_period(cast.supervisor, june)
    june.refresh_from_db()
    assert [s["code"] for s in services.summons_list(june)] == ["ZZ-2025-002"]


def test_the_period_before_is_the_adjacent_one_of_the_same_kind():
    from liangping.core.periods import previous_period_end

    assert previous_period_end("quarter", 2026, 6) == (2026, 3)
    assert previous_period_end("quarter", 2026, 3) == (2025, 12)
    assert previous_period_end("month", 2026, 6) == (2026, 5)
    assert previous_period_end("month", 2026, 1) == (2025, 12)
