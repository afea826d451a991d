"""The audit log as a hash chain: writes chain, verify finds the first broken link, purge keeps the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from liangping.core import auditchain
from liangping.core.audit import bulk_record, record
from liangping.core.auditpurge import purge_before
from liangping.core.models import AuditLog
from liangping.sheets.bulk import audit_entry, record_many

pytestmark = pytest.mark.django_db


def verify_cli() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def raw_update(entry_id: int, column: str, value: object) -> None:
    """What an intruder with database access does: bypass the append-only queryset."""
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s", [value, entry_id]
        )


def raw_delete(entry_id: int) -> None:
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry_id])


def write_some(cast, n: int = 5) -> list[AuditLog]:
    return [
        record(
            cast.supervisor,
            "project.update",
            cast.inside,
            changes={"name": [f"旧{i}", f"新{i}"]},
            reason="更正",
        )
        for i in range(n)
    ]


def test_each_entry_links_to_the_one_before(cast):
    entries = write_some(cast, 3)
    assert entries[0].prev_hash == AuditLog.objects.order_by("id").first().prev_hash
    for before, after in pairwise(entries):
        assert after.prev_hash == before.hash
        assert len(after.hash) == 64
    stored = AuditLog.objects.get(pk=entries[-1].pk)
    assert stored.hash == auditchain.digest(stored, stored.prev_hash)


def test_verify_reports_an_intact_log(cast):
    write_some(cast, 4)
    code, out, _ = verify_cli()
    assert code == 0
    assert f"审计日志完整：{AuditLog.objects.count()} 条" in out


def test_verify_names_the_entry_whose_content_changed(cast):
    entries = write_some(cast, 5)
    raw_update(entries[2].pk, "reason", "悄悄改掉")
    code, _, err = verify_cli()
    assert code == 1
    assert f"第一处断链在记录 {entries[2].pk}" in err and "内容与摘要不符" in err


def test_verify_finds_a_deleted_entry(cast):
    entries = write_some(cast, 5)
    raw_delete(entries[2].pk)
    code, _, err = verify_cli()
    assert code == 1
    assert f"记录 {entries[3].pk}" in err and f"前一条记录（编号 {entries[1].pk}）" in err


def test_verify_finds_a_rewritten_hash(cast):
    """Recomputing one entry's digest after changing it still breaks the link of the next entry."""
    entries = write_some(cast, 4)
    target = AuditLog.objects.get(pk=entries[1].pk)
    target.reason = "伪造"
    raw_update(target.pk, "reason", "伪造")
    raw_update(target.pk, "hash", auditchain.digest(target, target.prev_hash))
    code, _, err = verify_cli()
    assert code == 1 and f"第一处断链在记录 {entries[2].pk}" in err


def test_bulk_paths_chain_in_order(cast):
    first = write_some(cast, 1)[0]
    bulk_record(
        [
            audit_entry(cast.supervisor, "project.import", cast.inside, {"n": [None, i]}, "导入")
            for i in range(3)
        ]
    )
    record_many(
        [
            audit_entry(cast.supervisor, "project.import", cast.outside, {"n": [None, i]}, "导入")
            for i in range(3)
        ]
    )
    AuditLog.objects.bulk_create([AuditLog(action="x.y", object_type="t") for _ in range(2)])
    rows = list(AuditLog.objects.filter(id__gte=first.pk).order_by("id"))
    assert len(rows) == 9
    for before, after in pairwise(rows):
        assert after.prev_hash == before.hash
    assert auditchain.verify(AuditLog).broken is None


def test_canonical_form_is_stable_across_the_database(cast):
    """What is hashed at write time is what is read back: key order, times in UTC, JSON round trip."""
    entry = record(
        cast.supervisor,
        "project.update",
        cast.inside,
        changes={"z": [1, 2.5], "a": ["甲", None], "m": {"y": 1, "b": [True, False]}},
    )
    stored = AuditLog.objects.get(pk=entry.pk)
    assert auditchain.canonical(stored) == auditchain.canonical(entry)
    assert b'"a":["\xe7\x94\xb2",null]' in auditchain.canonical(stored)
    odd = record(
        cast.supervisor, "x.y", None, object_type="t", changes={2: ("a", 1), 10: "b", "k": {3: None}}
    )
    assert auditchain.canonical(AuditLog.objects.get(pk=odd.pk)) == auditchain.canonical(odd)
    assert auditchain.verify(AuditLog).broken is None


def test_the_hash_algorithm_is_a_setting(cast, settings):
    """The digest is an HMAC under the audit key over the configured hash function."""
    settings.LIANGPING_AUDIT_HASH = "sha512"
    key = settings.LIANGPING_AUDIT_KEY.encode()
    entry = record(cast.supervisor, "project.update", cast.inside)
    assert len(entry.hash) == 128
    message = entry.prev_hash.encode() + b"\n" + auditchain.canonical(entry)
    assert entry.hash == hmac.new(key, message, "sha512").hexdigest()
    assert entry.hash != hashlib.sha512(message).hexdigest()
    settings.LIANGPING_AUDIT_HASH = "tests.trust.test_audit_chain.reverse_sha256"
    entry = record(cast.supervisor, "project.update", cast.inside)
    message = entry.prev_hash.encode() + b"\n" + auditchain.canonical(entry)
    # RFC 2104 over the pluggable function, 64-byte block
    padded = key.ljust(64, b"\0")
    inner = bytes.fromhex(reverse_sha256(bytes(b ^ 0x36 for b in padded) + message))
    assert entry.hash == reverse_sha256(bytes(b ^ 0x5C for b in padded) + inner)


def reverse_sha256(data: bytes) -> str:
    """A stand-in for a pluggable algorithm (SM3 through gmssl in production)."""
    return hashlib.sha256(data[::-1]).hexdigest()


def age(entries: list[AuditLog], days: int) -> None:
    when = timezone.now() - dt.timedelta(days=days)
    for e in entries:
        e.at = when
        raw_update(e.pk, "at", when)
        raw_update(e.pk, "hash", auditchain.digest(e, e.prev_hash))
    # re-link the entries after them: age() stands for entries that really were written long ago
    prev = ""
    for e in AuditLog.objects.order_by("id"):
        e.prev_hash = prev
        e.hash = auditchain.digest(e, prev)
        raw_update(e.pk, "prev_hash", e.prev_hash)
        raw_update(e.pk, "hash", e.hash)
        prev = e.hash


def test_purge_refuses_entries_younger_than_180_days(cast):
    write_some(cast, 2)
    too_recent = (timezone.localdate() - dt.timedelta(days=179)).isoformat()
    with pytest.raises(CommandError, match="至少保留 180 天"):
        call_command("audit", "purge", "--before", too_recent)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit", "purge", "--before", "去年")


def test_purge_keeps_the_chain_verifiable_and_is_audited(cast):
    old = write_some(cast, 4)
    age(old, 400)
    young = write_some(cast, 2)
    before = (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    out = io.StringIO()
    call_command("audit", "purge", "--before", before, stdout=out)
    assert "已清理审计日志" in out.getvalue()
    assert not AuditLog.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditLog.objects.filter(pk__in=[e.pk for e in young]).count() == 2
    purge = AuditLog.objects.get(action=auditchain.PURGE_ACTION)
    assert purge.changes["through_id"] == old[-1].pk and purge.changes["count"] >= 4
    code, out_text, _ = verify_cli()
    assert code == 0 and "审计日志完整" in out_text
    # removing the purge record (or any entry after the anchor) is still found
    raw_delete(young[0].pk)
    assert verify_cli()[0] == 1


def test_purging_everything_leaves_the_purge_record_anchored(cast):
    age(write_some(cast, 3), 365)
    result = purge_before(timezone.localdate() - dt.timedelta(days=180))
    assert result.count == 3
    assert AuditLog.objects.count() == 1
    report = auditchain.verify(AuditLog)
    assert report.broken is None and report.anchor_id == result.through_id


def test_deleting_the_head_of_the_log_is_found(cast):
    entries = write_some(cast, 3)
    for e in AuditLog.objects.filter(id__lte=entries[0].pk):
        raw_delete(e.pk)
    report = auditchain.verify(AuditLog)
    assert report.broken is not None and report.broken.id == entries[1].pk
    assert "链首的记录被删除" in report.broken.reason


def test_sm3_is_available_by_name(cast, settings):
    settings.LIANGPING_AUDIT_HASH = "sm3"
    write_some(cast, 3)
    assert auditchain.verify(AuditLog).broken is None


@pytest.mark.django_db
def test_an_entry_of_many_objects_is_sealed_as_stored_and_purged_with_its_index(cast):
    """An import's one entry (record_objects) verifies after the round trip through the JSON column,
    also when a caller gave numbers as keys; its objects' history finds it; a purge drops the index."""
    from liangping.core.audit import ObjectChanges, record_objects
    from liangping.core.models import AuditSubject

    projects = ObjectChanges(["name", "stage"])
    projects.created = {str(i): [f"P{i}", f"项目{i}", "signed"] for i in range(1, 300)}
    projects.updated = {"300": ["P300", {"stage": ["signed", "construction"]}]}
    odd = ObjectChanges(["name"])
    odd.created = {7: ["七", "七"], 10: ["十", "十"]}  # type: ignore[dict-item]  # keys that are no strings
    entry = record_objects(
        cast.supervisor,
        "project.import",
        {"projects.project": projects, "core.org": odd},
        facts={"rows": 300},
    )
    assert entry is not None and AuditSubject.objects.filter(entry_id=entry.pk).count() == 302
    assert auditchain.verify(AuditLog).broken is None
    assert AuditLog.objects.about("projects.project", 300).get() == entry
    assert AuditLog.objects.about("core.org", 10).get() == entry
    assert record_objects(cast.supervisor, "project.import", {"projects.project": ObjectChanges([])}) is None
    age([entry], 365)
    purge_before(timezone.localdate() - dt.timedelta(days=180))
    assert not AuditSubject.objects.exists() and auditchain.verify(AuditLog).broken is None
