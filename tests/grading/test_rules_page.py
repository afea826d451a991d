"""The rule editor: preview which projects change colour, save a new version, refuse conflicts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liangping.core.models import AuditLog
from liangping.grading.models import RuleSet
from liangping.projects.models import MonthlyReport, Project, ReportStatus


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def form(**changes):
    data = {
        "order_overdue_start": 1,
        "order_overdue_finish": 2,
        "order_no_report": 3,
        "order_progress": 4,
        "grade_overdue_start": "red",
        "reason_overdue_start": "逾期未开工",
        "grade_overdue_finish": "red",
        "reason_overdue_finish": "逾期未竣工",
        "grade_no_report": "yellow",
        "reason_no_report": "未按时报送",
        "time_progress": "month",
        "consecutive_red": 2,
        "blue_weight": "2",
        "yellow_weight": "1",
        "red_below": "-10",
        "yellow_below": "0",
        "blue_max_rank": 5,
        "yellow_max_rank": 10,
        "due_soon_workdays": 3,
        "preview_period": "2025-06",
        "note": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def june(cast):
    Project.objects.update(plan_year=2025)
    # inside: 45 % vs 50 % → gap −5: yellow now, red if the red line moves to −4
    MonthlyReport.objects.create(
        project=cast.inside,
        month=dt.date(2025, 6, 1),
        month_investment=Decimal(0),
        ytd_investment=Decimal(135000),
        status=ReportStatus.APPROVED,
        submitted_at=timezone.now(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 200), ("sysadmin", 200), ("leader", 404), ("auditor", 404), ("department", 404)],
)
def test_who_may_edit_rules(cast, who, status):
    assert client_for(getattr(cast, who)).get(reverse("grading:rules")).status_code == status


@pytest.mark.django_db
def test_preview_then_save(cast, june):
    c = client_for(cast.supervisor)
    page = c.post(reverse("grading:rules"), form(red_below="-4", action="preview")).content.decode()
    assert "有 1 个项目变色" in page and "ZZ-2025-001" in page and "滞后时序进度5个百分点" in page
    assert RuleSet.objects.count() == 1  # the preview saved nothing
    c.post(reverse("grading:rules"), form(red_below="-4", action="save", note="从严"))
    latest = RuleSet.objects.order_by("-version").first()
    assert latest is not None and latest.version == 2 and latest.rules["progress"]["red_below"] == "-4"
    entry = AuditLog.objects.get(action="ruleset.create")
    assert entry.reason == "从严" and entry.actor == cast.supervisor


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"red_below": "5", "yellow_below": "0"}, "重叠"),
        ({"blue_max_rank": 11, "yellow_max_rank": 10}, "冲突"),
        ({"order_no_report": 1}, "不能重复"),
        ({"blue_weight": "1", "yellow_weight": "2"}, "单位得分权重冲突"),
    ],
)
def test_conflicts_are_refused_by_name(cast, changes, message):
    page = client_for(cast.supervisor).post(reverse("grading:rules"), form(action="save", **changes))
    assert message in page.content.decode()
    assert RuleSet.objects.count() <= 1


@pytest.mark.django_db
def test_reordering_changes_the_winner(cast, june):
    Project.objects.filter(pk=cast.inside.pk).update(stage="signed", planned_start=dt.date(2025, 1, 1))
    MonthlyReport.objects.all().delete()
    c = client_for(cast.supervisor)
    page = c.post(
        reverse("grading:rules"),
        form(order_no_report=1, order_overdue_start=3, grade_no_report="red", action="preview"),
    ).content.decode()
    assert "未按时报送" in page


@pytest.mark.django_db
def test_defaults_of_domain_are_editable_and_versioned(cast, june):
    c = client_for(cast.supervisor)
    c.post(
        reverse("grading:rules"),
        form(
            time_progress="day",
            consecutive_red=3,
            blue_weight="3",
            yellow_weight="1",
            action="save",
            note="按日计算",
        ),
    )
    rules = RuleSet.objects.order_by("-version").first().rules
    assert rules["time_progress"] == "day" and rules["summons"] == {"consecutive_red": 3}
    assert rules["unit_score"] == {"blue": "3", "yellow": "1"}
    page = c.get(reverse("grading:rules")).content.decode()
    assert 'value="day" selected' in page
