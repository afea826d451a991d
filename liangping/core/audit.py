"""Writing the audit log: who, when, what changed (old → new), why."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from django.db import connections, models, router, transaction

from liangping.core import auditchain
from liangping.core.models import AuditLog, AuditSubject, User

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value for the log."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.is_relation:
            related = getattr(obj, name)
            out[name] = str(related) if related is not None else None
        else:
            out[name] = plain(getattr(obj, name))
    return out


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed."""
    return {k: [old.get(k), new.get(k)] for k in new if old.get(k) != new.get(k)}


class _Unset:
    """Marks "no tenant given" to record(): the entry's city is found from its actor or object."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
TenantArg = int | None | _Unset

# The foreign keys to a unit that place an object in a city, in the order tenant_of asks them.
ORG_FIELDS = (
    "org",
    "lead_org",
    "place_org",
    "district",
    "city",
    "issuing_org",
    "owner",
    "town",
    "place",
    "unit",
    "department",
    "lead_department",
)
ORG, USER = "core.org", "core.user"
# How many parents tenant_of follows (an attachment → its case; a photo → its visit → its project).
PARENT_DEPTH = 3


def tenant_of(obj: models.Model | None, orgs: Mapping[int, int | None] | None = None) -> int | None:
    """The city (tenant) an object belongs to: its own `tenant` (a city is its own), else its unit's
    (`org`, `lead_org`, `district`, … a person's through their unit), else its parent's (the first
    foreign key to another of the project's records). None where nothing tells: the province's own
    and the installation's records. Loads at most one related row per step it takes; `orgs` ({unit:
    its tenant}) saves loading the units. Models are told by label, so a migration's models do too."""
    for _ in range(PARENT_DEPTH + 1):
        if obj is None:
            return None
        keys = [
            f
            for f in obj._meta.concrete_fields
            if (f.many_to_one or f.one_to_one) and f.related_model is not None
        ]
        if any(f.name == "tenant" and _label(f) == ORG for f in keys):
            return getattr(obj, "tenant_id", None)
        keys = [f for f in keys if getattr(obj, f.attname) is not None]
        units = sorted(
            (f for f in keys if _label(f) == ORG),
            key=lambda f: ORG_FIELDS.index(f.name) if f.name in ORG_FIELDS else len(ORG_FIELDS),
        )
        if units:
            unit_id = getattr(obj, units[0].attname)
            if orgs is not None and unit_id in orgs:
                return orgs[unit_id]
            return getattr(obj, units[0].name).tenant_id  # type: ignore[no-any-return]
        label = obj._meta.label_lower
        parents = (
            f for f in keys if _label(f) not in (USER, label) and not _label(f).startswith("contenttypes.")
        )
        parent = next(parents, None)
        obj = getattr(obj, parent.name) if parent is not None else None
    return None


def _label(field: Any) -> str:
    return str(field.related_model._meta.label_lower)


def entry_tenant(
    actor: User | None, obj: models.Model | None = None, tenant: TenantArg = UNSET
) -> int | None:
    """The city whose auditor reads an entry (AuditLog.tenant): the actor's city when the actor has a
    unit (None for the province's people); otherwise `tenant` when the caller names it (the system's
    jobs, where the object alone does not tell); otherwise the object's (tenant_of)."""
    if actor is not None and actor.pk and actor.org_id is not None:
        return actor.org.tenant_id  # type: ignore[union-attr]  # org_id is set
    if not isinstance(tenant, _Unset):
        return tenant
    return tenant_of(obj)


def record(
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    tenant: TenantArg = UNSET,
) -> AuditLog:
    """Append one entry. `tenant`: the city the entry belongs to when it has no actor with a unit and
    `obj` does not tell (see entry_tenant); None names the province's / the installation's own."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.name if actor is not None and actor.pk else "系统")[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        changes=changes or {},
        reason=reason,
        ip=current_ip.get(),
        tenant_id=entry_tenant(actor, obj, tenant),
    )


def bulk_record(entries: list[AuditLog], write: Callable[[list[AuditLog]], object] | None = None) -> None:
    """Append many entries at once (imports); each already carries its actor and changes.

    They are chained in list order under the chain lock, in one transaction. `write` inserts the sealed
    entries (default: bulk_create); the importers pass their executemany writer. An entry with an actor
    takes its actor's city (entry_tenant); one without keeps the `tenant` its builder gave it.
    """
    ip = current_ip.get()
    for entry in entries:
        entry.ip = ip
        if entry.actor_id is not None and entry.tenant_id is None:
            entry.tenant_id = entry_tenant(entry.actor)
    if not entries:
        return
    using = router.db_for_write(AuditLog)
    with transaction.atomic(using=using):
        auditchain.lock(using)
        auditchain.seal(AuditLog, entries, using)
        if write is None:
            # The manager's bulk_create would seal again; the plain one writes what was sealed here.
            plain_qs: models.QuerySet[AuditLog] = models.QuerySet(AuditLog, using=using)
            plain_qs.bulk_create(entries, batch_size=1000)
        else:
            write(entries)


class ObjectChanges:
    """What one change of many objects did to the objects of one model, for record_objects:
    `created` {primary key: [name, value of each of `fields`, as the log shows values]} (old values
    are empty), `updated` {primary key: [name, {field: [old, new]}]}. A created object's values are a
    list aligned with `fields`, not a dict per object: ten thousand of them serialise, chain and
    parse several times faster (see docs/decisions/0003)."""

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        self.created: dict[str, list[Any]] = {}
        self.updated: dict[str, list[Any]] = {}

    def __bool__(self) -> bool:
        return bool(self.created or self.updated)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fields": self.fields}
        if self.created:
            out["created"] = self.created
        if self.updated:
            out["updated"] = self.updated
        return out


def record_objects(
    actor: User | None,
    action: str,
    objects: dict[str, ObjectChanges],
    *,
    facts: dict[str, Any] | None = None,
    reason: str = "",
    object_type: str = "",
    object_repr: str = "",
    tenant: TenantArg = UNSET,
) -> AuditLog | None:
    """One entry for a change of many objects at once (an import of thousands of rows), or None when
    nothing changed; `tenant` as for record() (an import without an actor names its city).

    `objects` is {model label: ObjectChanges}: the entry's detail lists every object and field, old →
    new, and the chain seals it like any entry. Each object is indexed (AuditSubject) in the same
    transaction, so its history (AuditLog.objects.about, the audit page filtered to it) finds the
    entry; `facts` are the entry's other details (file, rows).
    """
    objects = {label: changes for label, changes in objects.items() if changes}
    if not objects:
        return None
    using = router.db_for_write(AuditLog)
    detail = {**(facts or {}), "objects": {label: c.as_json() for label, c in objects.items()}}
    with transaction.atomic(using=using):
        entry = record(
            actor,
            action,
            None,
            object_type=object_type,
            object_repr=object_repr,
            changes=detail,
            reason=reason,
            tenant=tenant,
        )
        _index_subjects(connections[using], entry, objects)
    return entry


def _index_subjects(connection: Any, entry: AuditLog, objects: dict[str, ObjectChanges]) -> None:
    """One AuditSubject row per object of the entry: one INSERT … SELECT per model, the keys sent as
    one JSON array that the database expands itself: a row per object bound from Python (or a list
    psycopg dumps element by element) costs several times more for an import of ten thousand."""
    qn = connection.ops.quote_name
    meta: Any = AuditSubject._meta
    columns = ", ".join(qn(meta.get_field(n).column) for n in ("entry", "object_type", "object_id"))
    head = f"INSERT INTO {qn(meta.db_table)} ({columns})"
    with connection.cursor() as cursor:
        for label, changes in objects.items():
            keys = [str(pk) for part in (changes.created, changes.updated) for pk in part]
            if not keys:
                continue
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"{head} SELECT %s, %s, jsonb_array_elements_text(%s::jsonb)",
                    [entry.pk, label, json.dumps(keys)],
                )
            elif connection.vendor == "sqlite":
                cursor.execute(
                    f"{head} SELECT %s, %s, value FROM json_each(%s)", [entry.pk, label, json.dumps(keys)]
                )
            else:
                cursor.executemany(f"{head} VALUES (%s, %s, %s)", [(entry.pk, label, key) for key in keys])


def record_download(
    actor: object,
    what: str,
    filename: str,
    obj: models.Model | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
    filters: dict[str, Any] | None = None,
) -> AuditLog:
    """Who took which file out of the system (action "download"): the file, what it holds, the filters."""
    changes: dict[str, Any] = {"file": filename}
    if filters:
        changes["filters"] = {k: plain(v) for k, v in filters.items()}
    return record(
        actor if isinstance(actor, User) else None,
        "download",
        obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=what,
        changes=changes,
    )


def change_stamp() -> int:
    """The id of the latest audit entry: a counter every business write raises (each writes its entry
    in the same transaction), read through the primary key in one step whatever the size of the
    data. Caches of derived figures key on it, so a write makes a new entry and none is stale."""
    latest = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(latest or 0)
