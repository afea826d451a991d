"""What the case pages show, fetched in a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from liangping.cases.models import Case, CaseCategory, CaseStatus
from liangping.core.dashboard import safe_reverse
from liangping.core.models import Org, OrgKind
from liangping.core.scope import AnyUser

# Where the page of a case's subject lives, by "app_label.model".
SUBJECT_URLS = {"projects.project": "projects:detail"}
# What a case's subject is called on its page, by "app_label.model" (apps register theirs); default 项目.
SUBJECT_LABELS: dict[str, str] = {}
LEAD_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISTRICT)
STATUS_TONES: dict[str, str] = {
    CaseStatus.REGISTERED: "grey",
    CaseStatus.ASSIGNED: "blue",
    CaseStatus.HANDLING: "blue",
    CaseStatus.REPLIED: "yellow",
    CaseStatus.VERIFIED: "yellow",
    CaseStatus.CLOSED: "grey",
}


@dataclass
class Subject:
    text: str
    url: str = ""
    label: str = "项目"


def lead_units(kinds: tuple[str, ...] = LEAD_KINDS) -> QuerySet[Org]:
    """The units a case can be assigned to: city departments and districts unless the kind says more
    (town and street units for appeals)."""
    return Org.objects.filter(kind__in=kinds).order_by("kind", "sort", "id")


def filter_cases(qs: Any, data: dict[str, Any]) -> Any:
    status = data.get("status") or ""
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    if data.get("overdue"):
        qs = qs.overdue()
    if data.get("lead_org"):
        qs = qs.filter(lead_org=data["lead_org"])
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("category"):
        qs = qs.filter(category__path__startswith=_category_path(qs, data["kind"], data["category"]))
    if data.get("urgency"):
        qs = qs.filter(urgency=data["urgency"])
    if data.get("channel"):
        qs = qs.filter(channel=data["channel"])
    if data.get("response_overdue"):
        qs = qs.response_overdue()
    if data.get("q"):
        qs = qs.filter(title__contains=data["q"])
    return qs


def _category_path(qs: Any, kind: str, code: str) -> str:
    """The category's tree path (its children match too); one that does not exist matches nothing."""
    found = CaseCategory.objects.filter(kind__code=kind, code=code).values_list("path", flat=True).first()
    return found or "/-/"


def subjects_of(cases: Iterable[Case], user: AnyUser) -> dict[int, Subject]:
    """case pk → its subject's name and, when the user may open it, its link.

    Two queries per kind of subject (the objects, and which of them the user may see).
    """
    cases = list(cases)
    wanted: dict[int, set[int]] = {}
    for case in cases:
        if case.subject_ct_id and case.subject_id:
            wanted.setdefault(case.subject_ct_id, set()).add(case.subject_id)
    found: dict[tuple[int, int], Subject] = {}
    for ct_id, ids in wanted.items():
        ct = ContentType.objects.get_for_id(ct_id)
        model = ct.model_class()
        if model is None:
            continue
        manager: Any = model._default_manager
        objects = manager.in_bulk(ids)
        all_objects = manager.all()
        if hasattr(all_objects, "visible_to"):
            visible = set(all_objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
        else:
            visible = set()
        url_name = SUBJECT_URLS.get(f"{ct.app_label}.{ct.model}", "")
        for pk, obj in objects.items():
            url = safe_reverse(url_name, "", pk) if url_name and pk in visible else ""
            found[(ct_id, pk)] = Subject(
                str(obj), url, SUBJECT_LABELS.get(f"{ct.app_label}.{ct.model}", "项目")
            )
    out = {}
    for case in cases:
        key = (case.subject_ct_id or 0, case.subject_id or 0)
        if key in found:
            out[case.pk] = found[key]
    return out


# Where a case raised from another record came from (source_ref "kind:pk"): model, page, label.
SOURCES = {
    "visit": ("projects.Visit", "projects:visit_detail", "现场走访"),
    "report": ("projects.MonthlyReport", "projects:report_detail", "月度调度"),
}


def source_of(case: Case, user: AnyUser) -> Subject | None:
    """The record that raised the case (a visit, a report), linked when the user may open it."""
    kind, _, pk = case.source_ref.partition(":")
    if kind not in SOURCES or not pk.isdigit():
        return None
    label, url_name, text = SOURCES[kind]
    try:
        model = apps.get_model(label)
    except LookupError:
        return None
    manager: Any = model._default_manager
    obj = manager.visible_to(user).filter(pk=int(pk)).first()
    if obj is None:
        return Subject(text)
    return Subject(f"{text}（{obj}）", safe_reverse(url_name, "", obj.pk))
