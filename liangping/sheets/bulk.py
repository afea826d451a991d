"""Writing thousands of rows fast: executemany INSERT/UPDATE (Django's bulk_create and bulk_update
spend more time building SQL than the database spends running it), batches, and audit entries.

Each batch is one transaction (a savepoint inside an outer one). Under an import's journal (journal.py)
a batch is a journaled chunk: what it created or changed is recorded with it, so the import can be
taken back as a whole."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from operator import methodcaller
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from liangping.core.audit import bulk_record, entry_tenant
from liangping.core.models import AuditLog, User
from liangping.sheets import journal

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
        tenant_id=entry_tenant(actor, obj),
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
    """UPDATE each object's `fields` by primary key, one executemany per batch and transaction."""
    if not objs:
        return
    write = _updater(model, fields)
    log = journal.active()
    for batch in chunks(objs, journal.chunk_size()):
        with journal.chunk():
            if log is not None:
                log.before_update(model, [obj.pk for obj in batch], fields)
            write(batch)


def restore_rows(model: type[models.Model], objs: list[Any], fields: list[str]) -> None:
    """UPDATE without journal or batching: a revert putting back recorded values (call in a transaction)."""
    if objs:
        _updater(model, fields)(objs)


def _updater(model: type[models.Model], fields: list[str]) -> Callable[[list[Any]], None]:
    meta: Any = model._meta
    connection = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is asked for every value
    concrete = [meta.get_field(name) for name in fields]
    prepare = [_preparer(f, connection, adding=False) for f in concrete]
    qn = connection.ops.quote_name
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    unnest_json = _unnest_json([*concrete, meta.pk], connection)
    if unnest_json is not None:
        # PostgreSQL: one statement per batch, each column a JSON array (see _insert); psycopg's
        # executemany costs a round trip per row (2,700 new companies' paths: a tenth of an import)
        names = [f"c{i}" for i in range(len(concrete))]
        assignments = ", ".join(f"{qn(f.column)} = v.{name}" for f, name in zip(concrete, names, strict=True))
        sql = (
            f"UPDATE {table} SET {assignments} FROM (SELECT * FROM UNNEST({unnest_json})) "
            f"AS v({', '.join(names)}, pk) WHERE {table}.{pk} = v.pk"
        )

        def write_arrays(batch: list[Any]) -> None:
            columns = [[p(obj) for obj in batch] for p in prepare] + [[obj.pk for obj in batch]]
            try:
                params = [json.dumps(c, default=str, allow_nan=False, ensure_ascii=False) for c in columns]
            except ValueError:  # an infinite or NaN float: row by row
                write_rows(batch)
                return
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

        write_rows = _row_updater(connection, table, pk, concrete, prepare)
        return write_arrays
    return _row_updater(connection, table, pk, concrete, prepare)


def _row_updater(
    connection: Any, table: str, pk: str, concrete: list[Any], prepare: list[Callable[[Any], Any]]
) -> Callable[[list[Any]], None]:
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in concrete)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"

    def write(batch: list[Any]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(sql, [[p(obj) for p in prepare] + [obj.pk] for obj in batch])

    return write


def insert_rows(model: type[models.Model], objs: list[Any]) -> list[Any]:
    """INSERT unsaved objects, one statement per batch and transaction; returns their primary keys in
    order (they are NOT set on the objects: see create_rows). auto_now/auto_now_add and defaults apply
    as in save(). A batch is one INSERT … RETURNING (of UNNESTed arrays on PostgreSQL, of a multi-row
    VALUES list elsewhere); under a journal it records the new keys."""
    if not objs:
        return []
    meta: Any = model._meta
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    prepare = [_preparer(f, connection, adding=True) for f in fields]
    return _insert(model, fields, [[p(obj) for p in prepare] for obj in objs])


def create_rows(model: type[models.Model], objs: list[Any]) -> None:
    """insert_rows, then the primary keys are set on the objects (as bulk_create does, without its cost
    of building the SQL value by value). No save() runs: the caller does what it would."""
    for obj, pk in zip(objs, insert_rows(model, objs), strict=True):
        obj.pk = pk
        obj._state.adding = False


def insert_values(model: type[models.Model], items: list[dict[str, Any]]) -> list[Any]:
    """insert_rows for rows given as {field name: value} (a related object or its key for a foreign
    key), without building a model instance per row: a missing field takes its default, auto_now and
    auto_now_add fields the same time for every row. Returns the new primary keys in order."""
    if not items:
        return []
    meta: Any = model._meta
    connection = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    given = set().union(*items)  # the names the rows use
    columns: list[list[Any]] = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            columns.append([f.get_db_prep_save(now, connection)] * len(items))
            continue
        name, attname = f.name, f.attname
        default = f.get_default()
        if name == attname or name not in given or attname not in given:  # the rows use one name
            key = attname if attname in given else name
            raw = list(map(methodcaller("get", key, default), items))
        else:
            missing = object()
            raw = [
                v if (v := item.get(name, missing)) is not missing else item.get(attname, default)
                for item in items
            ]
        if f.is_relation:  # related objects repeat (a district, a leader): each key looked up once
            keys: dict[int, Any] = {}
            raw = [
                (k if (k := keys.get(id(v), v)) is not v else keys.setdefault(id(v), v.pk))
                if isinstance(v, models.Model)
                else v
                for v in raw
            ]
            columns.append(raw)
        elif isinstance(f, PLAIN_FIELDS):
            columns.append(raw)
        elif isinstance(f, models.DecimalField):
            columns.append([connection.ops.adapt_decimalfield_value(v) for v in raw])
        elif type(f) is models.DateField:  # a few dozen distinct dates: each adapted once
            adapted = {v: connection.ops.adapt_datefield_value(v) for v in set(raw)}
            columns.append(list(map(adapted.__getitem__, raw)))
        else:
            columns.append([f.get_db_prep_save(v, connection) for v in raw])
    return _insert(model, fields, [list(row) for row in zip(*columns, strict=True)])


def _insert(model: type[models.Model], fields: list[Any], rows: list[list[Any]]) -> list[Any]:
    """INSERT rows of database values of `fields`, in batches (see insert_rows); their new keys."""
    meta: Any = model._meta
    connection = connections[DEFAULT_DB_ALIAS]
    qn = connection.ops.quote_name
    log = journal.active()
    columns = ", ".join(qn(f.column) for f in fields)
    head, returning = f"INSERT INTO {qn(meta.db_table)} ({columns})", f"RETURNING {qn(meta.pk.column)}"
    pks: list[Any] = []
    unnest_json = _unnest_json(fields, connection)
    if unnest_json is not None and isinstance(meta.pk, models.AutoField):
        # PostgreSQL, plain columns, a key from a sequence: the keys are drawn first, then the rows travel
        # with them by COPY, which the server loads with far less work per row than an INSERT … SELECT
        # (a 10,000-project import: 0.4 s instead of 0.7 s).
        table, key = meta.db_table, str(meta.pk.column)
        copy_sql = f"COPY {qn(table)} ({qn(key)}, {columns}) FROM STDIN"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [qn(table), key])
            (sequence,) = cursor.fetchone()
        for batch in chunks(rows, journal.chunk_size()):
            with journal.chunk(), connection.cursor() as cursor:
                cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(batch)])
                new = [pk for (pk,) in cursor.fetchall()]
                with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
                    for pk, row in zip(new, batch, strict=True):
                        copy.write_row([pk, *row])
                if log is not None:
                    log.created(model, new)
            pks += new
        return pks
    if unnest_json is not None:
        # PostgreSQL, plain columns: each column travels as one JSON array that the server turns into
        # the array UNNEST takes. psycopg dumps a Python list to an array literal element by element
        # in Python: for 10,000 rows of 21 columns that took a third of the import.
        sql = f"{head} SELECT * FROM UNNEST({unnest_json}) {returning}"
        for batch in chunks(rows, journal.chunk_size()):
            columns_of = [list(column) for column in zip(*batch, strict=True)]
            try:
                params: list[Any] = [
                    json.dumps(column, default=str, allow_nan=False, ensure_ascii=False)
                    for column in columns_of
                ]
                statement = sql
            except ValueError:  # an infinite or NaN float: JSON cannot carry it, an array can
                params, statement = (
                    columns_of,
                    f"{head} SELECT * FROM UNNEST({_unnest(fields, connection)}) {returning}",
                )
            with journal.chunk(), connection.cursor() as cursor:
                cursor.execute(statement, params)
                new = [pk for (pk,) in cursor.fetchall()]
                if log is not None:
                    log.created(model, new)
            pks += new
        return pks
    unnest = _unnest(fields, connection)
    if unnest is not None:
        # PostgreSQL: one array per column, so the statement is short and the same for every chunk. A
        # VALUES list of a thousand rows is a new statement of 25,000 placeholders each time, which the
        # driver parses afresh: a quarter of a 10,000-row import.
        sql = f"{head} SELECT * FROM UNNEST({unnest}) {returning}"
        for batch in chunks(rows, journal.chunk_size()):
            with journal.chunk(), connection.cursor() as cursor:
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
                new = [pk for (pk,) in cursor.fetchall()]
                if log is not None:
                    log.created(model, new)
            pks += new
        return pks
    sqlite = connection.vendor == "sqlite"
    mark = "?" if sqlite else "%s"
    marks = "(" + ", ".join([mark] * len(fields)) + ")"
    size = max(1, min(journal.chunk_size(), 30000 // len(fields)))  # SQLite binds at most 32766 values
    for batch in chunks(rows, size):
        values = ", ".join([marks] * len(batch))
        with journal.chunk(), connection.cursor() as cursor:
            sql, params = f"{head} VALUES {values} {returning}", [v for row in batch for v in row]
            if sqlite:
                # The driver's own cursor takes "?" marks: Django's would rewrite each of the 30,000
                # "%s" of the statement with a regular expression first (5 % of a 10,000-row import).
                with connection.wrap_database_errors:
                    sqlite3.Cursor.execute(cursor.cursor, sql, params)
            else:
                cursor.execute(sql, params)
            new = [pk for (pk,) in cursor.fetchall()]
            if log is not None:
                log.created(model, new)
        pks += new
    return pks


def existing_values(model: type[models.Model], field: str, values: list[Any]) -> set[Any]:
    """Which of `values` some row of `model` holds in `field` (an indexed column such as a code): one
    statement per 900 values on SQLite, one JSON array on PostgreSQL, without building a queryset."""
    if not values:
        return set()
    meta: Any = model._meta
    connection = connections[DEFAULT_DB_ALIAS]
    qn = connection.ops.quote_name
    column = qn(meta.get_field(field).column)
    head = f"SELECT {column} FROM {qn(meta.db_table)} WHERE {column}"
    found: set[Any] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one JSON array: psycopg dumps a list in Python
            kind = meta.get_field(field).db_type(connection).split("(")[0]
            cursor.execute(
                f"{head} IN (SELECT value::{kind} FROM jsonb_array_elements_text(%s::jsonb) AS value)",
                [json.dumps(list(values), default=str, ensure_ascii=False)],
            )
            found.update(v for (v,) in cursor.fetchall())
            return found
        for batch in chunks(values, 900):
            cursor.execute(f"{head} IN ({', '.join(['%s'] * len(batch))})", batch)
            found.update(v for (v,) in cursor.fetchall())
    return found


# Fields whose database value (get_db_prep_save, the backend's adapters) is text, a number, a boolean,
# a date or a date-time: what JSON carries (dates and Decimals as their text) and a cast reads back.
JSON_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _unnest_json(fields: list[Any], connection: Any) -> str | None:
    """On PostgreSQL, the UNNEST arguments that take each of `fields` from one JSON array (a parameter),
    in its order; None elsewhere or when a field's value is not plain (JSON, binary, a custom type)."""
    if connection.vendor != "postgresql":
        return None
    for f in fields:
        target = f.target_field if f.is_relation else f
        if hasattr(f, "get_placeholder") or target.get_internal_type() not in JSON_TYPES:
            return None
    return ", ".join(
        f"ARRAY(SELECT value::{f.db_type(connection).split('(')[0]} FROM jsonb_array_elements_text(%s::jsonb)"
        " WITH ORDINALITY AS cells(value, n) ORDER BY n)"
        for f in fields
    )


def _unnest(fields: list[Any], connection: Any) -> str | None:
    """The UNNEST arguments ("%s::varchar[], …") that insert `fields` on PostgreSQL, as Django's own
    bulk_create builds them; None elsewhere or for a field that cannot travel as an array."""
    if connection.vendor != "postgresql":
        return None
    for f in fields:
        target = f.target_field if f.is_relation else f
        if hasattr(f, "get_placeholder") or target.get_internal_type() not in connection.data_types:
            return None
    # without the type's parameters: varchar[] rather than varchar(50)[] (no silent truncation)
    return ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)


def create_objects(model: type[models.Model], objs: list[Any]) -> None:
    """bulk_create in batches, each its own (journaled) transaction; primary keys are set on the objects."""
    for batch in chunks(objs, min(BATCH, journal.chunk_size())):
        with journal.chunk():
            model._default_manager.bulk_create(batch)
            log = journal.active()
            if log is not None:
                log.created(model, [obj.pk for obj in batch])


def record_many(entries: list[AuditLog]) -> None:
    """Append audit entries through core.audit.bulk_record (the request's address, chained under the
    chain lock), written by insert_rows: for ten thousand entries Django's bulk_create costs more than
    the import itself."""
    for batch in chunks(entries, journal.chunk_size()):
        with journal.chunk():
            bulk_record(batch, write=lambda sealed: _insert_plain(AuditLog, sealed))


def _insert_plain(model: type[models.Model], objs: list[Any]) -> None:
    """executemany INSERT of one batch, never journaled (the audit log is not taken back)."""
    meta: Any = model._meta
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    prepare = [_preparer(f, connection, adding=True) for f in fields]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})",
            [[p(obj) for p in prepare] for obj in objs],
        )
