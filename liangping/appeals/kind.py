"""The appeal kind as the engine stores it: its spec (states, urgencies, fields) and its categories."""

from __future__ import annotations

from liangping.cases.engine import CaseError, kind_row
from liangping.cases.models import CaseCategory
from liangping.kinds.spec import FieldSpec, KindSpec

KIND = "appeal"
CaseInputError = CaseError


def spec() -> KindSpec:
    """The kind's current configuration (parsed once per content; one query)."""
    return kind_row(KIND).load()


def closed_states() -> list[str]:
    return [s.code for s in spec().states if not s.open]


def urgencies() -> list[tuple[str, str]]:
    return list(spec().urgencies)


def fields() -> list[FieldSpec]:
    return list(spec().fields)


def categories() -> list[dict[str, str]]:
    """The active categories appeals are filed under (the leaves of the tree), their parents as groups.
    The table, not the file: the system administrator edits it."""
    rows = list(
        CaseCategory.objects.filter(kind__code=KIND, active=True)
        .select_related("parent")
        .order_by("path", "sort", "id")
    )
    parents = {r.parent_id for r in rows if r.parent_id}
    return [
        {"code": r.code, "name": r.name, "group": r.parent.name if r.parent else ""}
        for r in rows
        if r.pk not in parents
    ]


def category_choices() -> list[tuple[str, str]]:
    return [(c["code"], f"{c['group']} · {c['name']}" if c["group"] else c["name"]) for c in categories()]


def category_label(code: str) -> str:
    return next((c["name"] for c in categories() if c["code"] == code), code)
