"""The audit log as a hash chain (等保2.0 三级 安全审计: protection of audit records).

Every entry carries the digest of the entry before it (`prev_hash`) and its own digest (`hash`), taken
over a canonical JSON of its content and `prev_hash`. Changing, inserting or removing an entry in the
middle breaks the link of the entry after it; `liangping audit verify` walks the chain and names the
first broken link.

The digest is an HMAC keyed with LIANGPING_AUDIT_KEY, a key kept outside the database (core.auditkey),
so someone who can write the table cannot re-hash a changed chain. Its hash function is SHA-256 unless
LIANGPING_AUDIT_HASH names another hashlib algorithm ("sha512", "sm3": from OpenSSL or, lacking it,
pure Python) or a dotted path to a callable taking bytes and returning a hex string. Removing the newest
entries leaves a shorter chain that still verifies: a signed checkpoint (core.auditcheckpoint), exported
by the auditor, catches that.

What is sealed is what an entry says (HASHED_FIELDS). Its `tenant`, the city whose auditor reads it,
is not: it is an index for reading, derived when the entry is written (core.audit.entry_tenant) and
filled in afterwards for the entries written before it existed (core migration 0015), which a sealed
field could not be without re-sealing the chain. Old and new entries therefore verify alike. Changing
it in the database moves an entry between the cities' auditors' views, never out of the province's
auditor's, who reads every entry, nor out of the chain.

Concurrency: the previous digest is read inside the writing transaction after taking the chain lock,
so two writers can never link to the same predecessor. On SQLite every transaction of this project
begins IMMEDIATE (settings.py), which already holds the single write lock; on PostgreSQL a
transaction-scoped advisory lock serialises the writers of the log until they commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections, models

from liangping.core import auditkey

# pg_advisory_xact_lock key: "liangping audit chain" folded into a signed 64-bit integer.
PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"liangping audit chain").digest()[:8], "big", signed=True)
GENESIS = ""
PURGE_ACTION = "audit.purge"
# `tenant` is deliberately not among them (see above).
HASHED_FIELDS = (
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "reason",
    "ip",
    "at",
)

Hasher = Callable[[bytes], str]


def hasher() -> Hasher:
    """The chain's digest: HMAC keyed with LIANGPING_AUDIT_KEY over LIANGPING_AUDIT_HASH (core.auditkey)."""
    return auditkey.mac()


def legacy_hasher() -> Hasher:
    """The unkeyed digest the chain used before it was keyed (migration 0005 re-seals such a chain)."""
    return auditkey.plain_hasher(auditkey.digest_name())


def gmssl_sm3(data: bytes) -> str:
    """SM3 (GB/T 32905) in pure Python, as a dotted-path digest (LIANGPING_AUDIT_HASH=sm3 already
    falls back to it when OpenSSL lacks SM3)."""
    return auditkey.sm3_pure(data).hex()


def _utc_iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return str(value)


def _str_keys(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _str_keys(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_str_keys(v) for v in value)
    return True


SCALARS = frozenset({str, int, float, bool, type(None)})


def _as_stored(changes: Any) -> Any:
    """`changes` as the JSON column gives it back. Tuples already serialise as lists; only keys that
    are not strings (numbers become strings and sort differently) need the round trip. An entry of
    many objects (an import: core.audit.record_objects) is checked level by level, its lists of
    plain values at C speed."""
    if isinstance(changes, dict) and isinstance(changes.get("objects"), dict):
        return changes if _objects_str_keys(changes) else json.loads(json.dumps(changes))
    return changes if _str_keys(changes) else json.loads(json.dumps(changes))


def _objects_str_keys(changes: dict[str, Any]) -> bool:
    rest = {k: v for k, v in changes.items() if k != "objects"}
    if not all(isinstance(k, str) for k in changes) or not _str_keys(rest):
        return False
    for part in changes["objects"].values():
        if not isinstance(part, dict):
            if not _str_keys(part):
                return False
            continue
        for key, value in part.items():
            if not isinstance(key, str):
                return False
            if key != "created" or not isinstance(value, dict):
                if not _str_keys(value):
                    return False
                continue
            if not all(isinstance(k, str) for k in value):
                return False
            for row in value.values():  # [name, value, value, …]: plain values need no walk
                if not isinstance(row, list) or not set(map(type, row)) <= SCALARS:
                    if not _str_keys(row):
                        return False
    return True


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def changes_json(entry: Any) -> str:
    """The entry's `changes` as the database keeps them (keys become strings, tuples lists), in the
    canonical form: sorted keys, no spaces, characters as they are. PostgreSQL's jsonb reorders keys,
    sorting undoes it."""
    return _dumps(_as_stored(entry.changes if entry.changes is not None else {}))


# In the canonical text the changes take the place of this value: encoded as "\u0000changes\u0000",
# which no other field's encoding can contain after "changes": (a JSON string escapes its quotes).
_CHANGES_MARK = "\x00changes\x00"
_CHANGES_SLOT = '"changes":' + json.dumps(_CHANGES_MARK)


def canonical(entry: Any, changes: str | None = None) -> bytes:
    """A stable serialisation of what an entry says: sorted keys, no spaces, UTF-8, times in UTC.
    `changes`: changes_json(entry) when the caller has it (a JSON encoding is compositional: the
    entry's text is its other fields' with the changes' text in its place)."""
    payload = {
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name or "",
        "action": entry.action or "",
        "object_type": entry.object_type or "",
        "object_id": str(entry.object_id or ""),
        "object_repr": entry.object_repr or "",
        "changes": _CHANGES_MARK,
        "reason": entry.reason or "",
        "ip": _ip(entry.ip),
        "at": _utc_iso(entry.at),
    }
    text = changes_json(entry) if changes is None else changes
    return _dumps(payload).replace(_CHANGES_SLOT, '"changes":' + text, 1).encode()


def digest(entry: Any, prev_hash: str, hash_func: Hasher | None = None, changes: str | None = None) -> str:
    return (hash_func or hasher())(prev_hash.encode() + b"\n" + canonical(entry, changes))


def lock(using: str) -> None:
    """Take the chain lock for the rest of the current transaction (call inside transaction.atomic)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])
    # SQLite: BEGIN IMMEDIATE (transaction_mode in settings) already holds the database write lock.


def head(model: type[models.Model], using: str) -> str:
    """The digest of the newest entry (the chain head), or GENESIS for an empty log."""
    last = model._default_manager.using(using).order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS


def seal(model: type[models.Model], entries: Iterable[Any], using: str) -> None:
    """Give each unsaved entry its prev_hash and hash, in order. Call inside the transaction, after lock()."""
    hash_func = hasher()
    prev = head(model, using)
    for entry in entries:
        changes = changes_json(entry)
        # what the entry's JSON column writes (core.fields.SealedJSONField): encoded once, not twice
        entry._sealed_changes = (entry.changes, changes)
        entry.prev_hash = prev
        entry.hash = digest(entry, prev, hash_func, changes)
        prev = entry.hash


@dataclass
class Broken:
    id: int
    reason: str


@dataclass
class Report:
    count: int
    head: str
    broken: Broken | None = None
    anchor_id: int | None = None
    head_id: int | None = None


def anchors(model: type[models.Model], using: str = "default") -> dict[str, int]:
    """{digest of the last purged entry: id of the last purged entry}, from the purge records."""
    out: dict[str, int] = {}
    rows = model._default_manager.using(using).filter(action=PURGE_ACTION).values_list("changes", flat=True)
    for changes in rows:
        if isinstance(changes, dict) and changes.get("anchor_hash"):
            out[str(changes["anchor_hash"])] = int(changes.get("through_id") or 0)
    return out


def _entries(model: type[models.Model], using: str, chunk_size: int) -> Iterator[Any]:
    fields = ["id", "prev_hash", "hash", *HASHED_FIELDS]
    qs = model._default_manager.using(using).order_by("id").only(*fields)
    return qs.iterator(chunk_size=chunk_size)


def _differs(entry: Any, hash_func: Hasher) -> str:
    computed = digest(entry, entry.prev_hash, hash_func)
    return (
        f"内容与摘要不符（记录的摘要 {entry.hash[:16]}…，按内容计算为 {computed[:16]}…），"
        "该条的内容已被改动，或摘要不是用本系统的审计密钥计算的"
    )


def verify(model: type[models.Model], using: str = "default", chunk_size: int = 2000) -> Report:
    """Walk the chain in id order; the first broken link, if any."""
    return walk(_entries(model, using, chunk_size), anchors(model, using))


def walk(entries: Iterable[Any], known_anchors: dict[str, int], hash_func: Hasher | None = None) -> Report:
    """Check entries given in id order (objects with id, prev_hash, hash and the hashed fields)."""
    hash_func = hash_func or hasher()
    prev: str | None = None
    prev_id: int | None = None
    count = 0
    report = Report(0, GENESIS)
    for entry in entries:
        count += 1
        if prev is None:  # the first entry: the genesis, or the anchor a purge left behind
            if entry.prev_hash != GENESIS:
                through = known_anchors.get(entry.prev_hash)
                if through is None or through >= entry.id:
                    report.broken = Broken(
                        entry.id,
                        f"第一条记录（编号 {entry.id}）的前一条摘要 {entry.prev_hash[:16]}… "
                        "既不是链首，也不是任何一次清理留下的锚点：链首的记录被删除了",
                    )
                    break
                report.anchor_id = through
        elif entry.prev_hash != prev:
            report.broken = Broken(
                entry.id,
                f"记录 {entry.id} 的前一条摘要是 {entry.prev_hash[:16]}…，"
                f"但前一条记录（编号 {prev_id}）的摘要是 {prev[:16]}…：两者之间的记录被删除、插入或改动",
            )
            break
        if digest(entry, entry.prev_hash, hash_func) != entry.hash:
            report.broken = Broken(entry.id, f"记录 {entry.id} {_differs(entry, hash_func)}")
            break
        prev, prev_id = entry.hash, entry.id
    report.count = count
    report.head = prev or GENESIS
    report.head_id = prev_id
    return report
