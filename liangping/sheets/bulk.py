"""Writing thousands of rows fast: executemany INSERT/UPDATE (Django's bulk_create and bulk_update
spend more time building SQL than the database spends running it), batches, and audit entries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models

from liangping.core.audit import bulk_record
from liangping.core.models import AuditLog, User

T = TypeVar("T")
BATCH = 500
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def chunks(items: list[T], size: int = BATCH) -> Iterable[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def audit_entry(
    actor: User | None, action: str, obj: models.Model, changes: dict[str, Any], reason: str
) -> AuditLog:
    """An unsaved audit entry for `obj` (saved objects only), as core.audit.record would write it."""
    known = actor is not None and actor.pk is not None
    return AuditLog(
        actor=actor if known else None,
        actor_name=(actor.name if actor is not None and known else "系统")[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        changes=changes,
        reason=reason,
    )


def _preparer(field: Any, connection: Any, *, adding: bool) -> Callable[[Any], Any]:
    """A function giving the database value of `field` for an object being written.

    Text, integers, booleans and foreign keys go to the driver as they are, decimals and dates through
    the backend's adapter; everything else (date-times, JSON, auto_now) through Django's conversion.
    """
    attname = field.attname
    ops = connection.ops
    if isinstance(field, PLAIN_FIELDS):
        return lambda obj: getattr(obj, attname)
    if isinstance(field, models.DecimalField):  # values already quantized by the importer
        return lambda obj: ops.adapt_decimalfield_value(getattr(obj, attname))
    if type(field) is models.DateField and not (field.auto_now or field.auto_now_add):
        return lambda obj: ops.adapt_datefield_value(getattr(obj, attname))
    if adding:
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def update_rows(model: type[models.Model], objs: list[Any], fields: list[str]) -> None:
    """UPDATE each object's `fields` by primary key, one executemany per batch. Call in a transaction."""
    if not objs:
        return
    meta: Any = model._meta
    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is asked for every value
    concrete = [meta.get_field(name) for name in fields]
    prepare = [_preparer(f, connection, adding=False) for f in concrete]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in concrete)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        for batch in chunks(objs, 2000):
            cursor.executemany(sql, [[p(obj) for p in prepare] + [obj.pk] for obj in batch])


def insert_rows(model: type[models.Model], objs: list[Any]) -> None:
    """INSERT unsaved objects, one executemany per batch. Primary keys are NOT set on the objects (look
    them up by a unique field afterwards); auto_now/auto_now_add and defaults apply as in save()."""
    if not objs:
        return
    meta: Any = model._meta
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    prepare = [_preparer(f, connection, adding=True) for f in fields]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for batch in chunks(objs, 2000):
            cursor.executemany(sql, [[p(obj) for p in prepare] for obj in batch])


def record_many(entries: list[AuditLog]) -> None:
    """Append audit entries through core.audit.bulk_record (the request's address, chained under the
    chain lock), written by insert_rows: for ten thousand entries Django's bulk_create costs more than
    the import itself."""
    bulk_record(entries, write=lambda sealed: insert_rows(AuditLog, sealed))
