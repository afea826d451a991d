"""What the ledger pages show, as plain data fetched in a constant number of queries.

The list filters are the export's (`exports.filter_projects`), so the download link of the list
page carries the same query string and gives the same projects.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case as DbCase
from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape

from liangping.cases.models import Case, CaseStatus
from liangping.core import reporting
from liangping.core.audit import change_stamp
from liangping.core.dashboard import safe_reverse
from liangping.core.models import Org, Role, User
from liangping.core.scope import AnyUser, city_scope, read_only, role_of, sees_everything
from liangping.core.tenancy import INSTALLATION, TenantArg, tenant_for
from liangping.projects import services
from liangping.projects.exports import filter_projects
from liangping.projects.extensions import (
    COMPLETION,
    GRADE,
    GRADE_FILTERS,
    GRADE_REASON,
    annotate_grades,
    grade_label,
    timeline_sources,
)
from liangping.projects.models import (
    STAGE_ORDER,
    Level,
    MonthlyReport,
    Project,
    ProjectQuerySet,
    ReportStatus,
    Stage,
    Visit,
    VisitPhoto,
)
from liangping.projects.templatetags.ledger import wan

PAGE_SIZE = 50
STAGE_LABELS: dict[str, str] = dict(Stage.choices)
REPORT_LABELS: dict[str, str] = dict(ReportStatus.choices)
REPORT_TONES: dict[str, str] = {
    ReportStatus.SUBMITTED: "yellow",
    ReportStatus.APPROVED: "blue",
    ReportStatus.RETURNED: "red",
}


# --- months -----------------------------------------------------------------------------------


def parse_month(text: str | None) -> dt.date | None:
    """The first day of "2025-06" (also "2025年6月", "2025/6"), or None."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*月?\s*", text or "")
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


def month_code(month: dt.date) -> str:
    return f"{month:%Y-%m}"


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def shift_month(month: dt.date, delta: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + delta
    return dt.date(index // 12, index % 12 + 1, 1)


def reporting_month(today: dt.date | None = None) -> dt.date:
    """The month whose report is being collected now: last month."""
    return shift_month((today or timezone.localdate()).replace(day=1), -1)


def latest_due_month(today: dt.date | None = None) -> dt.date:
    """The latest month whose report deadline has passed."""
    today = today or timezone.localdate()
    month = reporting_month(today)
    while services.report_due_date(month) >= today:
        month = shift_month(month, -1)
    return month


def recent_months(today: dt.date | None = None, count: int = 24) -> list[tuple[str, str]]:
    """(code, label) of this month and the `count - 1` before it, newest first."""
    this = (today or timezone.localdate()).replace(day=1)
    return [(month_code(m), month_label(m)) for m in (shift_month(this, -i) for i in range(count))]


def due_deadline(month: dt.date) -> dt.datetime:
    """The first moment after the due day: a report submitted from then on is late."""
    return reporting.due_deadline(month)


# --- who may do what --------------------------------------------------------------------------


def sees_visits(user: AnyUser) -> bool:
    """Site visits are the supervision side's notes: not shown to the project units (their menu)."""
    role = role_of(user)
    return role is not None and role in (
        Role.SUPERVISOR,
        Role.LEADER,
        Role.DEPARTMENT,
        Role.DISTRICT,
        Role.SPECIALIST,
    )


def may_record_visit(user: User, project: Project) -> bool:
    if read_only(user):  # the province's office reads
        return False
    return user.role == Role.SUPERVISOR or (user.role == Role.SPECIALIST and project.specialist_id == user.pk)


# --- the ledger list --------------------------------------------------------------------------

SORTS: dict[str, list[str]] = {
    "code": ["code"],
    "name": ["name", "code"],
    "total": ["total_investment", "code"],
    "plan": ["annual_plan", "code"],
    "stage": ["stage_rank", "code"],
    "district": ["district__sort", "district__id", "code"],
}
SORT_LABELS = [
    ("code", "项目编号"),
    ("name", "项目名称"),
    ("district", "区（市）"),
    ("stage", "阶段"),
    ("total", "总投资（万元）"),
    ("plan", "年度计划（万元）"),
]


def parse_sort(text: str | None) -> tuple[str, bool]:
    """(key, descending) of "total" or "-total"; unknown keys sort by 项目编号."""
    text = (text or "").strip()
    desc = text.startswith("-")
    key = text.lstrip("-")
    return (key, desc) if key in SORTS else ("code", False)


def _ordering(key: str, desc: bool) -> list[Any]:
    first, *rest = SORTS[key]
    if not _nullable(first):
        # no empty values to place: a plain order, which PostgreSQL reads from the column's index
        # (NULLS FIRST on an ascending index made it sort every visible project for each page)
        head = F(first).desc() if desc else F(first).asc()
    else:
        head = F(first).desc(nulls_last=True) if desc else F(first).asc(nulls_first=True)
    return [head, *(F(name).asc() for name in rest)]


def _nullable(path: str) -> bool:
    """Whether the project field `path` (district__sort) can be empty; an annotation counts as one."""
    model: Any = Project
    for part in path.split("__"):
        try:
            found = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True
        if found.null:
            return True
        model = found.related_model
    return False


def stage_rank() -> DbCase:
    return DbCase(
        *[When(stage=s, then=Value(i)) for i, s in enumerate(STAGE_ORDER)],
        default=Value(99),
        output_field=IntegerField(),
    )


def open_problem_count() -> Subquery:
    cases = (
        Case.objects.filter(
            subject_ct__app_label="projects", subject_ct__model="project", subject_id=OuterRef("pk")
        )
        .exclude(status=CaseStatus.CLOSED)
        .order_by()
        .values("subject_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(cases, output_field=IntegerField())


def _annotate_rows(qs: ProjectQuerySet, due_month: dt.date) -> ProjectQuerySet:
    """The latest report, whether the report of `due_month` is in, and the open problems."""
    reports = MonthlyReport.objects.filter(project=OuterRef("pk"))
    latest = reports.order_by("-month")
    return qs.annotate(
        latest_month=Subquery(latest.values("month")[:1]),
        latest_status=Subquery(latest.values("status")[:1]),
        due_reported=Exists(reports.filter(month=due_month)),
        open_problems=Coalesce(open_problem_count(), Value(0)),
    )


def ledger_queryset(
    user: AnyUser, filters: Mapping[str, str], sort: str = "", due_month: dt.date | None = None
) -> tuple[ProjectQuerySet, str]:
    """The visible projects after the list filters, with their latest report, whether the report
    of `due_month` (default: the latest one past its deadline) is in, their open problems and their
    grade and completion in the latest locked period (whose label comes second)."""
    due_month = due_month or latest_due_month()
    qs = filter_projects(Project.objects.visible_to(user), filters).for_list()
    qs, graded_period = annotate_grades(qs, filters.get("grade", ""), tenant_for(user))
    qs = _annotate_rows(qs, due_month)
    key, desc = parse_sort(sort)
    if key == "stage":
        qs = qs.annotate(stage_rank=stage_rank())
    return qs.order_by(*_ordering(key, desc)), graded_period


def ledger_ids(user: AnyUser, filters: Mapping[str, str], sort: str = "") -> tuple[QuerySet[Any], str]:
    """The ids of the visible projects after the list filters, in the list's order, and the label
    of the graded period. The list pages over these (the projects table and its indexes alone:
    no join, no per-row subquery for the rows before the page) and annotates only the page's rows
    (`ledger_rows`)."""
    qs = filter_projects(Project.objects.visible_to(user), filters)
    qs, graded_period = annotate_grades(qs, filters.get("grade", ""), tenant_for(user))
    key, desc = parse_sort(sort)
    if key == "stage":
        qs = qs.annotate(stage_rank=stage_rank())
    return qs.order_by(*_ordering(key, desc)).values_list("pk", flat=True), graded_period


def ledger_rows(ids: list[int], due_month: dt.date, tenant: TenantArg = INSTALLATION) -> list[Project]:
    """The projects of `ids` in that order, with what `ledger_queryset` annotates (one query)."""
    qs, _ = annotate_grades(Project.objects.filter(pk__in=ids).for_list(), "", tenant)
    by_id = {p.pk: p for p in _annotate_rows(qs, due_month)}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass
class Option:
    value: str
    label: str


class OptionList(list[Option]):
    """A filter's choices with their <option> elements rendered once, when the list is made (and
    cached with it): a province's ledger offers hundreds of leaders, departments and specialists,
    escaped afresh on every view before. The template tag `select_options` marks the current one."""

    html: str

    def __init__(self, items: Iterable[Option] = ()) -> None:
        super().__init__(items)
        self.html = "".join(f'<option value="{escape(o.value)}">{escape(o.label)}</option>' for o in self)


@dataclass
class LedgerOptions:
    districts: list[Option] = field(default_factory=list)
    stages: list[Option] = field(default_factory=list)
    levels: list[Option] = field(default_factory=list)
    industries: list[Option] = field(default_factory=list)
    leaders: list[Option] = field(default_factory=list)
    departments: list[Option] = field(default_factory=list)
    specialists: list[Option] = field(default_factory=list)
    grades: list[Option] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, OptionList(getattr(self, name)))


def _orgs(ids: QuerySet[Any]) -> list[Option]:
    return [Option(str(o.pk), o.name) for o in Org.objects.filter(pk__in=ids).order_by("sort", "id")]


def _users(ids: QuerySet[Any]) -> list[Option]:
    users = (
        User.objects.filter(pk__in=ids)
        .only("pk", "display_name", "username")
        .order_by("display_name", "username")
    )
    return [Option(str(u.pk), u.name) for u in users]


OPTIONS_CACHE_SECONDS = 600


def ledger_options(user: AnyUser) -> LedgerOptions:
    """Filter choices limited to what the user can see, cached per scope under the audit log's
    change stamp (one indexed query; five over the ledger when the stamp has moved)."""
    scope = f"all:{city_scope(user)}" if sees_everything(user) else f"user:{getattr(user, 'pk', None)}"
    key = f"ledger:options:{scope}:{change_stamp()}"
    options = cache.get(key)
    if options is None:
        options = _ledger_options(user)
        cache.set(key, options, OPTIONS_CACHE_SECONDS)
    return cast(LedgerOptions, options)


def _ledger_options(user: AnyUser) -> LedgerOptions:
    visible = Project.objects.visible_to(user).order_by()
    industries = visible.exclude(industry="").values_list("industry", flat=True).distinct()
    return LedgerOptions(
        districts=_orgs(visible.values("district_id")),
        stages=[Option(v, label) for v, label in Stage.choices],
        levels=[Option(v, label) for v, label in Level.choices],
        industries=[Option(i, i) for i in sorted(industries)],
        leaders=_users(visible.values("leader_id")),
        departments=_orgs(visible.values("department_id")),
        specialists=_users(visible.values("specialist_id")),
        grades=[
            Option("red,yellow", "红牌和黄牌"),
            *(Option(v, f"{label}牌" if v != "none" else label) for v, label in GRADE_FILTERS.items()),
        ],
    )


@dataclass
class ReportBadge:
    label: str
    tone: str
    month: str = ""


def report_badge(project: Any) -> ReportBadge | None:
    """The latest report's month and status, or 未报送 when a project with an annual plan has not
    reported the latest month past its deadline (`ledger_queryset` annotations)."""
    latest: dt.date | None = project.latest_month
    required = project.annual_plan is not None and project.annual_plan > 0
    shown = month_code(latest) if latest else ""
    if required and not project.due_reported:
        return ReportBadge("未报送", "red", shown)
    if latest is None:
        return None
    status = project.latest_status
    return ReportBadge(REPORT_LABELS.get(status, status), REPORT_TONES.get(status, "grey"), shown)


@dataclass
class GradeBadge:
    label: str
    tone: str
    reason: str
    completion: str


def grade_badge(project: Any) -> GradeBadge | None:
    """The grade, its reason and the completion of the latest locked period (`annotate_grades`)."""
    grade = getattr(project, GRADE, None)
    completion = getattr(project, COMPLETION, None)
    if not grade:
        return None
    shown = f"{Decimal(completion).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%" if completion else ""
    tone = grade if grade in ("red", "yellow", "blue") else "grey"
    return GradeBadge(grade_label(grade), tone, getattr(project, GRADE_REASON, "") or "", shown)


def sort_headers(params: Mapping[str, str], sort: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (toggling the direction) and an arrow."""
    key, desc = parse_sort(sort)
    base = {k: v for k, v in params.items() if k not in ("sort", "page") and v}
    out = {}
    for name, label in SORT_LABELS:
        active = name == key
        target = f"-{name}" if active and not desc else name
        out[name] = {
            "label": label,
            "url": "?" + urlencode({**base, "sort": target}),
            "arrow": ("▼" if desc else "▲") if active else "",
            "aria": ("descending" if desc else "ascending") if active else "none",
        }
    return out


def export_url(params: Mapping[str, str]) -> str:
    """The ledger export with the list's filters, or "" while the export page does not exist."""
    query = urlencode({k: v for k, v in params.items() if k not in ("sort", "page") and v})
    url = safe_reverse("sheets:export", "", "projects")
    return f"{url}?{query}" if url and query else url


# --- one project ------------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of a project's timeline."""

    kind: str
    when: dt.date
    at: dt.datetime
    author: str
    text: str
    url: str = ""
    badge: str = ""
    tone: str = ""
    photos: list[int] = field(default_factory=list)
    photo_urls: list[str] = field(default_factory=list)  # photos served by another app


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


TIMELINE_KINDS = {"report": "月度调度", "visit": "现场走访", "stage": "阶段变更", "problem": "问题"}


def timeline_kinds() -> dict[str, str]:
    """The timeline's kinds: its own, then those other apps add (projects.extensions)."""
    return {**TIMELINE_KINDS, **{k: label for k, (label, _f) in timeline_sources().items()}}


def timeline(user: AnyUser, project: Project, kind: str = "") -> list[Entry]:
    """Stage changes, reports and their reviews, visits and problems of a project, newest first;
    only one of them when `kind` is one of TIMELINE_KINDS."""
    entries: list[Entry] = []
    kinds = timeline_kinds()
    wanted = set(kinds) if kind not in kinds else {kind}
    for key, (_label, source) in timeline_sources().items():
        if key in wanted:
            entries += source(user, project)
    stages = project.stage_events.select_related("author") if "stage" in wanted else []
    for e in stages:
        if e.from_stage:
            text = f"建设阶段由“{STAGE_LABELS.get(e.from_stage)}”变更为“{STAGE_LABELS.get(e.to_stage)}”"
        else:
            text = f"建档，建设阶段“{STAGE_LABELS.get(e.to_stage)}”"
        if e.note and e.note != "建档":
            text += f"。原因：{e.note}"
        entries.append(Entry("阶段变更", e.date, e.created_at, e.author.name if e.author else "系统", text))
    reports = project.reports.select_related("submitted_by", "reviewed_by") if "report" in wanted else []
    for r in reports:
        text = (
            f"{month_label(r.month)}调度：本月完成投资 {wan(r.month_investment)} 万元，"
            f"累计完成投资 {wan(r.ytd_investment)} 万元"
        )
        if r.progress:
            text += f"。形象进度：{_short(r.progress, 60)}"
        url = safe_reverse("projects:report_detail", "", r.pk)
        author = r.submitted_by.name if r.submitted_by else "—"
        entries.append(
            Entry(
                "月度调度",
                _local_date(r.submitted_at),
                r.submitted_at,
                author,
                text,
                url,
                REPORT_LABELS.get(r.status, r.status),
                REPORT_TONES.get(r.status, "grey"),
            )
        )
        if r.reviewed_at and r.status != ReportStatus.SUBMITTED:
            verdict = "审核通过" if r.status == ReportStatus.APPROVED else "退回"
            note = f"：{_short(r.review_note, 80)}" if r.review_note else ""
            entries.append(
                Entry(
                    "调度审核",
                    _local_date(r.reviewed_at),
                    r.reviewed_at,
                    r.reviewed_by.name if r.reviewed_by else "—",
                    f"{month_label(r.month)}调度{verdict}{note}",
                    url,
                )
            )
    if sees_visits(user) and "visit" in wanted:
        visits = Visit.objects.visible_to(user).filter(project=project)
        for v in visits.select_related("specialist").prefetch_related("photos"):
            entries.append(
                Entry(
                    "现场走访",
                    v.date,
                    v.created_at,
                    v.specialist.name,
                    _short(v.findings),
                    safe_reverse("projects:visit_detail", "", v.pk),
                    photos=[p.pk for p in v.photos.all()],
                )
            )
    cases = (
        Case.objects.visible_to(user).for_subject(project).select_related("registered_by")
        if "problem" in wanted
        else []
    )
    for c in cases:
        entries.append(
            Entry(
                "问题",
                _local_date(c.registered_at),
                c.registered_at,
                c.registered_by.name if c.registered_by else "—",
                _short(c.title),
                safe_reverse("cases:detail", "", c.pk),
                c.get_status_display(),
                "grey" if c.status == CaseStatus.CLOSED else "yellow",
            )
        )
    entries.sort(key=lambda e: (e.when, e.at), reverse=True)
    return entries


def open_problems(user: AnyUser, project: Project) -> list[Case]:
    """The project's problems not yet closed, the nearest deadline first."""
    cases = Case.objects.visible_to(user).for_subject(project).exclude(status=CaseStatus.CLOSED)
    return list(cases.select_related("lead_org").order_by(F("deadline").asc(nulls_last=True), "pk"))


def latest_photos(user: AnyUser, project: Project, count: int = 8) -> list[VisitPhoto]:
    """The newest site-visit photos of the project, for those who see visits."""
    if not sees_visits(user):
        return []
    photos = VisitPhoto.objects.filter(visit__in=Visit.objects.visible_to(user).filter(project=project))
    return list(photos.select_related("visit").order_by("-visit__date", "-pk")[:count])
