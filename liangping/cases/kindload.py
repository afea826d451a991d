"""Loading kind files into the database (by migration and by `liangping kinds load`).

Idempotent: an unchanged file changes nothing; a changed file becomes a new stored version (cases
keep the version they were registered under). Categories and time limits the file names are created
when missing; ones the system administrator has edited on the 时限与分类 page stay as edited.
Written against model classes passed in, so the data migration runs it on its historical models.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from liangping.cases.models import CaseCategory, CaseKind, CaseKindVersion, CaseTimeLimit
from liangping.kinds.spec import KindSpec, load_spec, shipped_kinds

# The live models (the data migration passes its historical ones instead).
LIVE = {
    "CaseKind": CaseKind,
    "CaseKindVersion": CaseKindVersion,
    "CaseCategory": CaseCategory,
    "CaseTimeLimit": CaseTimeLimit,
}


@dataclasses.dataclass
class Loaded:
    code: str
    version: int
    created: bool  # a new kind
    changed: bool  # a new version stored
    categories: int  # categories added
    limits: int  # limits added


def sync_kind(spec: KindSpec, models: dict[str, Any]) -> tuple[Any, Loaded]:
    """Store the spec as the kind's current version when it differs from it. `models` maps
    CaseKind, CaseKindVersion, CaseCategory, CaseTimeLimit to their classes."""
    Kind, Version = models["CaseKind"], models["CaseKindVersion"]
    kind = Kind.objects.filter(code=spec.code).first()
    created = kind is None
    if kind is None:
        kind = Kind.objects.create(code=spec.code, name=spec.name, version=spec.version, spec={})
    current = Version.objects.filter(pk=kind.current_id).first() if kind.current_id else None
    changed = False
    stored = spec
    if current is not None:
        stored = dataclasses.replace(spec, version=current.version)
    if current is None or current.digest != stored.digest():
        version = spec.version if current is None else max(spec.version, current.version + 1)
        stored = dataclasses.replace(spec, version=version)
        current = Version.objects.create(
            kind=kind, version=version, digest=stored.digest(), spec=stored.to_json()
        )
        kind.current_id, kind.version, kind.spec, kind.name = current.pk, version, stored.to_json(), spec.name
        kind.save(update_fields=["current", "version", "spec", "name"])
        changed = True
    added_categories = _categories(kind, spec, models["CaseCategory"])
    added_limits = _limits(kind, spec, models["CaseCategory"], models["CaseTimeLimit"])
    return kind, Loaded(spec.code, kind.version, created, changed, added_categories, added_limits)


def _categories(kind: Any, spec: KindSpec, Category: Any) -> int:
    existing = {c.code: c for c in Category.objects.filter(kind=kind)}
    added = 0
    pending = [c for c in spec.categories if c.code not in existing]
    # Parents before children: the file lists them in any order.
    while pending:
        progress = False
        for cat in list(pending):
            parent = existing.get(cat.parent) if cat.parent else None
            if cat.parent and parent is None:
                continue
            order = [c.code for c in spec.categories].index(cat.code)
            row = Category.objects.create(kind=kind, code=cat.code, name=cat.label, parent=parent, sort=order)
            row.path = f"{parent.path if parent else '/'}{row.pk}/"
            row.save(update_fields=["path"])
            existing[cat.code] = row
            pending.remove(cat)
            added += 1
            progress = True
        if not progress:  # pragma: no cover - the spec checks parents exist
            break
    return added


def _limits(kind: Any, spec: KindSpec, Category: Any, Limit: Any) -> int:
    categories = {c.code: c for c in Category.objects.filter(kind=kind)}
    have = {(row.category_id, row.urgency) for row in Limit.objects.filter(kind=kind)}
    added = 0
    for limit in spec.limits:
        category = categories.get(limit.category) if limit.category != "*" else None
        urgency = "" if limit.urgency == "*" else limit.urgency
        key = (category.pk if category else None, urgency)
        if key in have:
            continue
        Limit.objects.create(
            kind=kind,
            category=category,
            urgency=urgency,
            respond_amount=limit.respond.amount if limit.respond else None,
            respond_unit=limit.respond.unit if limit.respond else "workdays",
            finish_amount=limit.finish.amount if limit.finish else None,
            finish_unit=limit.finish.unit if limit.finish else "workdays",
        )
        have.add(key)
        added += 1
    return added


def load_text(text: str) -> Loaded:
    """Check and store a kind from its TOML text (the live models)."""
    return sync_kind(load_spec(text), LIVE)[1]


def load_files(paths: list[Path] | None, models: dict[str, Any]) -> list[Loaded]:
    """Check every file first (nothing is stored when one is refused), then store them."""
    specs = [load_spec(p) for p in (paths if paths is not None else shipped_kinds())]
    return [sync_kind(spec, models)[1] for spec in specs]
