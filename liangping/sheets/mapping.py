"""The column mappings an office keeps (sheets.models.ColumnMapping): read for each import of the
office's people, changed from the preview page or `liangping import --map`, every change audited."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from liangping.core.audit import record
from liangping.core.models import User
from liangping.sheets.models import ColumnMapping
from liangping.sheets.table import ColumnSpec


def stored(actor: User | None, kind: str) -> dict[str, str]:
    """{normalised header: field} the actor's office chose for imports of `kind`."""
    if actor is None or actor.org_id is None:
        return {}
    rows = ColumnMapping.objects.filter(org_id=actor.org_id, kind=kind)
    return dict(rows.values_list("header", "field"))


@transaction.atomic
def remember(actor: User | None, kind: str, chosen: Mapping[str, str], specs: tuple[ColumnSpec, ...]) -> int:
    """Store the office's choices ({normalised header: field, or "" to stop mapping it}); returns how
    many changed. Without an office (the system) nothing is stored."""
    if actor is None or actor.org_id is None:
        return 0
    labels = {s.field: s.label for s in specs}
    existing = {m.header: m for m in ColumnMapping.objects.filter(org_id=actor.org_id, kind=kind)}
    changed = 0
    for header, field in chosen.items():
        header = header[:100]
        old = existing.get(header)
        if field and field not in labels:
            continue
        if old is not None and old.field == field:
            continue
        if not field and old is None:
            continue
        if not field:
            assert old is not None
            old.delete()
        elif old is None:
            ColumnMapping.objects.create(
                org_id=actor.org_id, kind=kind, header=header, field=field, updated_by=actor
            )
        else:
            old.field, old.updated_by, old.updated_at = field, actor, timezone.now()
            old.save(update_fields=["field", "updated_by", "updated_at"])
        before = labels.get(old.field, old.field) if old is not None else None
        after = labels.get(field) if field else None
        record(
            actor,
            "sheets.column_mapping",
            None,
            object_type="sheets.columnmapping",
            object_id=f"{actor.org_id}:{kind}:{header}"[:64],
            object_repr=f"导入列对应：“{header}”",
            changes={"field": [before, after]},
            reason="导入预览中选择列对应",
        )
        changed += 1
    return changed
