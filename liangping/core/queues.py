"""The start page's work queues, per role: 待审核 and 被退回 reports, my open problems with their
deadlines, my red and yellow items. Each queue has its total, its first rows and a 查看全部 link,
scoped to the user, in a constant number of queries (two or three per queue).

`core` imports no other app, so the models are looked up by label (as in dashboard.py); an app
that is not installed leaves its queue out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as DbCase
from django.db.models import F, IntegerField, Value, When

from liangping.core.dashboard import _model, safe_reverse
from liangping.core.models import ADMIN_ROLES, PeriodStatus, Role, User

ROWS = 8
SUBMITTERS = (Role.OWNER, Role.SPECIALIST)


@dataclass
class QueueRow:
    text: str
    url: str
    note: str = ""
    tone: str = ""
    pk: int | None = None
    version: int | None = None


@dataclass
class Queue:
    key: str
    title: str
    total: int
    url: str
    rows: list[QueueRow] = field(default_factory=list)
    batch: bool = False  # rows may be approved together (待审核)
    empty: str = "暂无"


def _month(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def _report_queue(user: User, status: str) -> Queue | None:
    model = _model("projects.MonthlyReport")
    if model is None:
        return None
    reports = model.objects.visible_to(user).filter(status=status)
    total = reports.count()
    rows = list(reports.select_related("project").order_by("month", "submitted_at", "pk")[:ROWS])
    supervisor = user.role == Role.SUPERVISOR
    if status == "submitted":
        title, empty = "待审核的月度调度", "没有待审核的调度"
    else:
        title = "被退回的月度调度" if supervisor else "被退回、待重新报送的调度"
        empty = "没有被退回的调度"
    query = f"status={status}&month={rows[0].month:%Y-%m}" if rows else f"status={status}"
    return Queue(
        key=status,
        title=title,
        total=total,
        url=safe_reverse("projects:reports", query),
        rows=[
            QueueRow(
                f"{r.project.name} · {_month(r.month)}",
                safe_reverse("projects:report_detail", "", r.pk),
                f"退回原因：{r.review_note}" if status == "returned" and r.review_note else "",
                "red" if status == "returned" else "yellow",
                r.pk,
                r.version,
            )
            for r in rows
        ],
        batch=supervisor and status == "submitted" and total > 0,
        empty=empty,
    )


AWAITING_REPLY = ("assigned", "handling")  # cases.models.AWAITING_REPLY, by value (core imports no app)


def _overdue_first(today: dt.date) -> DbCase:
    return DbCase(
        When(status__in=AWAITING_REPLY, deadline__lt=today, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _case_row(c: object, today: dt.date) -> QueueRow:
    case: Any = c
    if case.deadline is None:
        note, tone = f"{case.get_status_display()} · 未定期限", "grey"
    elif case.is_overdue(today):
        note, tone = f"{case.get_status_display()} · 已逾期（期限 {case.deadline:%Y-%m-%d}）", "red"
    else:
        note, tone = f"{case.get_status_display()} · 期限 {case.deadline:%Y-%m-%d}", ""
    return QueueRow(case.title, safe_reverse("cases:detail", "", case.pk), note, tone)


def _latest_snapshot() -> Any:
    model = _model("grading.Snapshot")
    if model is None:
        return None
    return (
        model.objects.filter(period__status__in=[PeriodStatus.LOCKED, PeriodStatus.PUBLISHED])
        .select_related("period")
        .order_by("-period__year", "-period__month", "period__kind", "-version")
        .first()
    )


def _leader_queue(user: User, today: dt.date) -> Queue | None:
    """包保市领导: one queue of their projects' overdue problems, red and yellow cards, other open
    problems — overdue first."""
    case_model, project_model = _model("cases.Case"), _model("projects.Project")
    if case_model is None or project_model is None:
        return None
    mine = project_model.objects.filter(leader=user).values("pk")
    cases = case_model.objects.visible_to(user).open()
    n_cases = cases.count()
    picked = list(
        cases.annotate(late=_overdue_first(today)).order_by("late", F("deadline").asc(nulls_last=True), "pk")[
            :ROWS
        ]
    )
    snapshot = _latest_snapshot()
    items: list[Any] = []
    n_items = 0
    if snapshot is not None:
        graded = snapshot.items.filter(kind="project", grade__in=["red", "yellow"], ref_id__in=mine)
        n_items = graded.count()
        items = list(graded.order_by("grade", "rank", "code")[:ROWS])
    overdue = [c for c in picked if c.is_overdue(today)]
    rest = [c for c in picked if not c.is_overdue(today)]
    rows = [_case_row(c, today) for c in overdue]
    rows += [
        QueueRow(
            i.name,
            safe_reverse("projects:detail", "", i.ref_id) if i.ref_id else "",
            f"{'红牌' if i.grade == 'red' else '黄牌'}（{snapshot.period.label}） · {i.reason}",
            i.grade,
        )
        for i in items
    ]
    rows += [_case_row(c, today) for c in rest]
    return Queue(
        "leader",
        "我包保的项目：逾期问题、红黄牌、未销号问题",
        n_cases + n_items,
        safe_reverse("projects:list", f"leader={user.pk}&grade=red,yellow")
        if n_items
        else safe_reverse("cases:list", "status=open"),
        rows[:ROWS],
        empty="包保项目没有红牌、黄牌和未销号问题",
    )


def _problem_queue(user: User, today: dt.date) -> Queue | None:
    model = _model("cases.Case")
    if model is None:
        return None
    cases = model.objects.visible_to(user).open()
    title = "我的未销号问题"
    if user.role in (Role.DEPARTMENT, Role.DISTRICT) and user.org is not None:
        cases = cases.filter(lead_org__path__startswith=user.org.path)
        title = "本单位牵头的未销号问题"
    elif user.role == Role.SUPERVISOR:
        title = "未销号问题"
    total = cases.count()
    rows = list(cases.select_related("lead_org").order_by(F("deadline").asc(nulls_last=True), "pk")[:ROWS])
    list_url = safe_reverse("cases:list", "status=open")
    out = [_case_row(c, today) for c in rows]
    return Queue("problems", title, total, list_url, out, empty="没有未销号的问题")


def _grade_queue(user: User) -> Queue | None:
    project_model = _model("projects.Project")
    if _model("grading.Snapshot") is None or project_model is None:
        return None
    snapshot = _latest_snapshot()
    title = "红牌、黄牌项目" if user.role == Role.SUPERVISOR else "我的红牌、黄牌项目"
    if snapshot is None:
        return Queue("grades", title, 0, "", empty="尚无锁定的考核期")
    items = snapshot.items.filter(
        kind="project",
        grade__in=["red", "yellow"],
        ref_id__in=project_model.objects.visible_to(user).values("pk"),
    )
    total = items.count()
    rows = list(items.order_by("grade", "rank", "code")[:ROWS])  # "red" sorts before "yellow"
    return Queue(
        "grades",
        f"{title}（{snapshot.period.label}）",
        total,
        safe_reverse("projects:list", "grade=red,yellow"),
        [
            QueueRow(
                i.name,
                safe_reverse("projects:detail", "", i.ref_id) if i.ref_id else "",
                f"{'红牌' if i.grade == 'red' else '黄牌'} · {i.reason}",
                i.grade,
            )
            for i in rows
        ],
        empty="没有红牌、黄牌项目",
    )


def queues_for(user: User, today: dt.date) -> list[Queue]:
    """The queues that fit the user's role, in the order they are worked."""
    if user.role in ADMIN_ROLES:
        return []
    queues: list[Queue | None] = []
    if user.role == Role.SUPERVISOR:
        queues += [_report_queue(user, "submitted"), _report_queue(user, "returned")]
    elif user.role in SUBMITTERS:
        queues.append(_report_queue(user, "returned"))
    if user.role == Role.LEADER:
        queues.append(_leader_queue(user, today))
    else:
        queues += [_problem_queue(user, today), _grade_queue(user)]
    return [q for q in queues if q is not None]
