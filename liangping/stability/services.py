"""The 稳定 ledger's actions: opening a sweep, a unit reporting its items or 无, reception days, and
the reminders to units that have not reported. Each runs in one transaction and is audited; the items
themselves are registered through the case engine (no per-kind code in it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.core.audit import record
from liangping.core.models import Org, OrgKind, User
from liangping.notices.models import NoticeKind
from liangping.notices.services import Draft, notify
from liangping.stability.models import UNIT_ROLES, ReceptionDay, Sweep, SweepItem, SweepKind, SweepReport

SWEEP_UNIT_KINDS = (OrgKind.TOWN, OrgKind.DEPARTMENT, OrgKind.DISTRICT)
REMIND_DAYS_BEFORE = 2  # remind units that have not reported this many days before the deadline
RISK_TONES = {"high": "red", "medium": "yellow", "low": "blue"}
RISK_CARDS = {"high": "红", "medium": "黄", "low": "蓝"}


class LedgerError(ValueError):
    """A refused action, with a Chinese message naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class ItemInput:
    """One item as a form, the API or a spreadsheet row gives it (the kind's fields by code)."""

    title: str
    category: str | None
    urgency: str
    data: dict[str, Any]
    description: str = ""
    place_org: Org | None = None


@transaction.atomic
def open_sweep(
    actor: User,
    *,
    name: str,
    kind: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
    units: Sequence[Org],
    note: str = "",
    sample: bool = False,
) -> Sweep:
    name = name.strip()
    if not name:
        raise LedgerError("name", "请填写排查名称")
    if kind not in SweepKind.values:
        raise LedgerError("kind", "请选择排查类型（稳定风险或食品安全）")
    if start_date is None:
        raise LedgerError("start_date", "请填写开始日期")
    if end_date is None:
        raise LedgerError("end_date", "请填写截止日期")
    if end_date < start_date:
        raise LedgerError("end_date", "截止日期不能早于开始日期")
    if not units:
        raise LedgerError("units", "请选择须报送的单位（镇街、部门）")
    wrong = [u.name for u in units if u.kind not in SWEEP_UNIT_KINDS]
    if wrong:
        raise LedgerError("units", f"须报送单位只能是镇街、区（市）或部门：{'、'.join(wrong)}")
    owner = actor.org
    if owner is None:
        raise LedgerError("name", "您的账号没有所属单位，不能组织排查")
    tenant = owner.tenant_id
    outside = [u.name for u in units if tenant is not None and u.tenant_id not in (tenant, None)]
    if outside:
        raise LedgerError("units", f"这些单位不属于本市：{'、'.join(outside)}")
    sweep = Sweep.objects.create(
        name=name[:100],
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        owner=owner,
        note=note,
        sample=sample,
        created_by=actor,
    )
    sweep.units.set(units)
    record(
        actor,
        "sweep.open",
        sweep,
        changes={"排查名称": [None, sweep.name], "须报送单位": [None, "、".join(u.name for u in units)]},
    )
    return sweep


def reporting_unit(user: User, sweep: Sweep) -> Org | None:
    """The sweep unit a unit account reports for: its own org or the one above it in the sweep."""
    if user.role not in UNIT_ROLES or user.org is None:
        return None
    units = list(sweep.units.all())
    own = user.org
    for unit in sorted(units, key=lambda u: -len(u.path)):
        if own.path.startswith(unit.path):
            return unit
    return None


def _report(sweep: Sweep, org: Org, actor: User) -> SweepReport:
    report = SweepReport.objects.filter(sweep=sweep, org=org).first()
    if report is None:
        report = SweepReport.objects.create(sweep=sweep, org=org, reported_by=actor)
    return report


def may_report(actor: User, sweep: Sweep, org: Org) -> bool:
    if actor.role == "supervisor":
        return sweep.units.filter(pk=org.pk).exists()
    return reporting_unit(actor, sweep) == org


@transaction.atomic
def report_items(
    actor: User,
    sweep: Sweep,
    org: Org,
    items: Iterable[ItemInput],
    *,
    channel: str = "sweep",
    at: dt.datetime | None = None,
) -> list[Case]:
    """Register the unit's items in the sweep (all or none): the engine checks every value."""
    if not may_report(actor, sweep, org):
        raise LedgerError("org", f"{org.name}不是本次排查的报送单位")
    spec = engine.kind_row(sweep.kind).load()
    if spec.subject:  # the kind's items belong to a record the sweep does not have (a campaign)
        raise LedgerError(
            "kind",
            f"排查类型为“{sweep.get_kind_display()}”的排查不能直接报送{spec.name}："
            f"{spec.noun}须在所属的专项行动中登记（在参与企业的检查记录中），本次排查请报送“无”或说明情况",
        )
    report = _report(sweep, org, actor)
    if report.nil:
        raise LedgerError("nil", f"{org.name}已报送“无”，如有新发现请先撤回“无”的报送")
    cases = []
    for item in items:
        case = engine.register(
            sweep.kind,
            actor=actor,
            title=item.title,
            description=item.description,
            category=item.category,
            urgency=item.urgency,
            channel=channel,
            data=item.data,
            place_org=item.place_org or _place(item.data),
            source="sweep",
            source_ref=f"sweep:{sweep.pk}",
            at=at,
        )
        SweepItem.objects.create(report=report, case=case)
        cases.append(case)
    if not cases:
        raise LedgerError("title", "没有要报送的事项；没有发现风险事项请报送“无”")
    report.reported_at, report.reported_by = at or timezone.now(), actor
    report.save(update_fields=["reported_at", "reported_by"])
    record(actor, "sweep.report", report, changes={"报送事项": [None, len(cases)]})
    return cases


def _place(data: dict[str, Any]) -> Org | None:
    town = data.get("town")
    return Org.objects.filter(pk=town).first() if isinstance(town, int) else None


@transaction.atomic
def report_nil(
    actor: User, sweep: Sweep, org: Org, note: str = "", *, at: dt.datetime | None = None
) -> SweepReport:
    """The unit says explicitly that it found nothing (无)."""
    if not may_report(actor, sweep, org):
        raise LedgerError("org", f"{org.name}不是本次排查的报送单位")
    report = _report(sweep, org, actor)
    if report.items.exists():
        raise LedgerError("nil", f"{org.name}已报送风险事项，不能再报“无”")
    report.nil, report.note = True, note.strip()[:200]
    report.reported_at, report.reported_by = at or timezone.now(), actor
    report.save(update_fields=["nil", "note", "reported_at", "reported_by"])
    record(actor, "sweep.report_nil", report, changes={"报送": [None, "无"]}, reason=report.note)
    return report


def sweep_rows(sweep: Sweep, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each unit of the sweep: reported (items or 无), when, how many items, late or still due.
    Three queries."""
    today = today or timezone.localdate()
    reports = {r.org_id: r for r in SweepReport.objects.filter(sweep=sweep)}
    counts: dict[int, int] = {}
    for org_id in SweepItem.objects.filter(report__sweep=sweep).values_list("report__org", flat=True):
        counts[org_id] = counts.get(org_id, 0) + 1
    rows = []
    for unit in sweep.units.order_by("path"):
        report = reports.get(unit.pk)
        done = report is not None and (report.nil or counts.get(unit.pk, 0) > 0)
        late = (not done and today > sweep.end_date) or (
            done and report is not None and timezone.localdate(report.reported_at) > sweep.end_date
        )
        rows.append(
            {
                "org": unit,
                "done": done,
                "nil": bool(report and report.nil),
                "items": counts.get(unit.pk, 0),
                "reported_at": report.reported_at if done and report else None,
                "late": late,
            }
        )
    return rows


def remind_sweep(sweep: Sweep, today: dt.date, *, force: bool = False) -> list[Any]:
    """A notice to every account of each unit that has not reported: from two days before the
    deadline (and every day once late), or whenever the supervisor asks (`force`); once a day each."""
    if not force and (sweep.end_date - today).days > REMIND_DAYS_BEFORE:
        return []
    missing = [row["org"] for row in sweep_rows(sweep, today) if not row["done"]]
    if not missing:
        return []
    late = today > sweep.end_date
    drafts = [
        Draft(
            recipient=user,
            kind=NoticeKind.REPORT_DUE,
            key=f"sweep:{sweep.pk}:{user.org_id}:{today.isoformat()}",
            title=f"排查报送{'已逾期' if late else '即将截止'}：{sweep.name}",
            body=f"截止日期 {sweep.end_date.isoformat()}，请报送排查到的事项；没有发现请报送“无”。",
            url=reverse("stability:sweep", args=[sweep.pk]),
        )
        for user in User.objects.filter(org__in=missing, role__in=UNIT_ROLES, is_active=True)
    ]
    return notify(drafts)


def remind_sweeps(today: dt.date) -> list[Any]:
    """The daily job: every sweep started and not more than 30 days past its deadline."""
    sent: list[Any] = []
    sweeps = Sweep.objects.filter(start_date__lte=today, end_date__gte=today - dt.timedelta(days=30))
    for sweep in sweeps:
        sent += remind_sweep(sweep, today)
    return sent


@transaction.atomic
def add_reception(
    actor: User,
    *,
    date: dt.date | None,
    leader: str,
    place: str,
    org: Org | None,
    visitors: int | None,
    note: str = "",
    sample: bool = False,
) -> ReceptionDay:
    if date is None:
        raise LedgerError("date", "请填写接待日期")
    if not leader.strip():
        raise LedgerError("leader", "请填写接待领导")
    if not place.strip():
        raise LedgerError("place", "请填写接待地点")
    org = org or actor.org
    if org is None:
        raise LedgerError("org", "请选择接待单位")
    if visitors is None or visitors < 0:
        raise LedgerError("visitors", "接待人数应为不小于 0 的整数")
    day = ReceptionDay.objects.create(
        date=date,
        leader=leader.strip()[:50],
        place=place.strip()[:100],
        org=org,
        visitors=visitors,
        note=note,
        sample=sample,
        created_by=actor,
    )
    record(
        actor, "reception.add", day, changes={"接待领导": [None, day.leader], "接待人数": [None, visitors]}
    )
    return day


@transaction.atomic
def register_from_reception(actor: User, day: ReceptionDay, item: ItemInput) -> Case:
    case = engine.register(
        "stability",
        actor=actor,
        title=item.title,
        description=item.description,
        category=item.category,
        urgency=item.urgency,
        channel="reception",
        data=item.data,
        place_org=item.place_org or _place(item.data),
        source="reception",
        source_ref=f"reception:{day.pk}",
    )
    return case
