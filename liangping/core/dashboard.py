"""The start page's numbers, per role, in a constant number of queries.

`core` imports no other app (ENGINEERING: imports run one way), so the ledger's models are looked
up by label; a missing app simply leaves its numbers out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from liangping.core.models import ADMIN_ROLES, Role, User


def safe_reverse(name: str, query: str = "", *args: Any) -> str:
    """The URL of `name`, or "" while the page does not exist yet."""
    try:
        url = reverse(name, args=args or None)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


@dataclass
class Stat:
    label: str
    value: int
    url: str = ""
    tone: str = ""  # "red" for numbers that need attention


@dataclass
class Home:
    stats: list[Stat] = field(default_factory=list)
    todo: list[Any] = field(default_factory=list)
    todo_title: str = ""
    report_month: dt.date | None = None


def reporting_month(today: dt.date) -> dt.date:
    """The month whose report is due now: the previous month."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def home_for(user: User, today: dt.date | None = None) -> Home:
    today = today or timezone.localdate()
    if user.role in ADMIN_ROLES:
        return Home()
    home = Home(report_month=reporting_month(today))
    project_model = _model("projects.Project")
    report_model = _model("projects.MonthlyReport")
    case_model = _model("cases.Case")
    supervisor = user.role == Role.SUPERVISOR
    projects = project_model.objects.visible_to(user) if project_model else None
    if projects is not None:
        home.stats.append(
            Stat("重点项目" if supervisor else "我的项目", projects.count(), safe_reverse("projects:list"))
        )
    if supervisor and report_model is not None:
        month_start = today.replace(day=1)
        start = dt.datetime.combine(month_start, dt.time.min, tzinfo=timezone.get_current_timezone())
        pending = report_model.objects.filter(status="submitted", submitted_at__gte=start).count()
        home.stats.append(
            Stat("本月待审核调度", pending, safe_reverse("projects:reports", "status=submitted"), "")
        )
    elif projects is not None and report_model is not None:
        done = report_model.objects.filter(
            project=OuterRef("pk"), month=home.report_month, status__in=["submitted", "approved"]
        )
        missing = projects.filter(annual_plan__gt=0).annotate(done=Exists(done)).filter(done=False).count()
        label = "上月调度待报送" if user.role in (Role.OWNER, Role.SPECIALIST) else "上月调度未报送"
        home.stats.append(Stat(label, missing, safe_reverse("projects:reports"), "red" if missing else ""))
    if case_model is not None:
        _case_stats(home, user, case_model, today)
    return home


def _case_stats(home: Home, user: User, case_model: Any, today: dt.date) -> None:
    cases = case_model.objects.visible_to(user)
    list_url = safe_reverse("cases:list")
    open_count = cases.open().count()
    overdue = cases.overdue(today).count()
    home.stats.append(Stat("未销号问题", open_count, f"{list_url}?status=open" if list_url else ""))
    home.stats.append(
        Stat("逾期问题", overdue, f"{list_url}?overdue=1" if list_url else "", "red" if overdue else "")
    )
    if user.role == Role.SUPERVISOR:
        home.todo_title = "待交办、待核实、待销号的问题"
        todo = cases.filter(status__in=["registered", "replied", "verified"])
    elif user.role in (Role.DEPARTMENT, Role.DISTRICT) and user.org is not None:
        home.todo_title = "本单位牵头、待答复的问题"
        todo = cases.filter(Q(lead_org__path__startswith=user.org.path), status__in=["assigned", "handling"])
    else:
        return
    home.todo = list(todo.select_related("lead_org").order_by("deadline", "-registered_at")[:8])
