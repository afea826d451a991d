"""Backups: restore into an empty database brings back every record, and the audit chain still verifies."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from liangping.core import auditchain
from liangping.core.audit import record
from liangping.core.backup import counts, is_empty
from liangping.core.models import AuditLog
from liangping.projects.models import Project
from tests.cast import build_cast


def fill() -> None:
    cast = build_cast()
    for i in range(5):
        record(cast.supervisor, "project.update", cast.inside, changes={"name": [f"旧{i}", f"新{i}"]})


def needs_tools() -> None:
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("没有安装 pg_dump/pg_restore（make pg-client 安装 postgresql-client）")


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_finds_every_record(tmp_path):
    needs_tools()
    fill()
    target = tmp_path / "backup.bin"
    out = io.StringIO()
    call_command("backup", str(target), stdout=out)
    assert "已备份" in out.getvalue() and target.stat().st_size > 0
    before = counts()
    assert before["core.AuditLog"] >= 6 and before["projects.Project"] == 2

    # a database with data is not overwritten without --force
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(target))

    call_command("flush", "--no-input")
    assert is_empty() and Project.objects.count() == 0
    call_command("restore", str(target), stdout=io.StringIO())

    after = counts()
    assert after.pop("core.AuditLog") == before.pop("core.AuditLog") + 1  # plus the restore's own entry
    assert after == before
    assert AuditLog.objects.order_by("-id").first().action == "system.restore"
    assert AuditLog.objects.filter(action="system.backup").count() == 1
    report = auditchain.verify(AuditLog)
    assert report.broken is None and report.count == AuditLog.objects.count()


@pytest.mark.django_db(transaction=True)
def test_force_overwrites_and_the_wrong_kind_of_file_is_refused(tmp_path):
    needs_tools()
    fill()
    target = tmp_path / "backup.bin"
    call_command("backup", str(target), stdout=io.StringIO())
    Project.objects.filter(code="ZZ-2025-002").delete()
    call_command("restore", str(target), "--force", stdout=io.StringIO())
    assert Project.objects.filter(code="ZZ-2025-002").exists()
    bogus = tmp_path / "not-a-backup.bin"
    bogus.write_bytes(b"hello")
    with pytest.raises(CommandError, match="不是"):
        call_command("restore", str(bogus), "--force")
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.bin"))
    assert auditchain.verify(AuditLog).broken is None


@pytest.mark.django_db
def test_reference_data_alone_does_not_count_as_data():
    """A freshly migrated database (the 16 cities, the indicator catalogue) may be restored into."""
    from liangping.core.models import User

    assert is_empty()
    User.objects.create(username="someone")
    assert not is_empty()


@pytest.mark.django_db
def test_an_audit_entry_alone_counts_as_data():
    record(None, "x.y", None, object_type="t")
    assert not is_empty()


@pytest.mark.django_db(transaction=True)
def test_a_backup_whose_audit_chain_was_edited_is_refused_unless_forced_with_a_reason(tmp_path):
    needs_tools()
    fill()
    victim = AuditLog.objects.order_by("id")[2]
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    with connection.cursor() as cursor:  # someone edits the log, then a backup is taken of it
        cursor.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", ["改过的原因", victim.pk])
    target = tmp_path / "tampered.bin"
    call_command("backup", str(target), stdout=io.StringIO())
    with pytest.raises(CommandError, match=f"审计日志校验不通过：第一处断链在记录 {victim.pk}") as refused:
        call_command("restore", str(target), "--force")
    assert "--reason" in str(refused.value)
    with pytest.raises(CommandError, match="审计日志校验不通过"):
        call_command("restore", str(target), "--force", "--reason", "  ")
    call_command(
        "restore",
        str(target),
        "--force",
        "--reason",
        "唯一可用的备份，经审计管理员确认",
        stdout=io.StringIO(),
    )
    restored = AuditLog.objects.order_by("-id").first()
    assert restored.action == "system.restore" and restored.reason == "唯一可用的备份，经审计管理员确认"
    assert restored.changes["chain"] == "broken" and str(victim.pk) in restored.changes["problem"]


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_an_intact_chain_restores_and_says_so(tmp_path):
    needs_tools()
    fill()
    target = tmp_path / "good.bin"
    call_command("backup", str(target), stdout=io.StringIO())
    call_command("restore", str(target), "--force", stdout=io.StringIO())
    restored = AuditLog.objects.order_by("-id").first()
    assert restored.changes == {"chain": "keyed", "entries": AuditLog.objects.count() - 1}


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_before_the_keyed_chain_verifies_as_legacy(tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the backup file is edited with sqlite3")
    import sqlite3

    fill()
    target = tmp_path / "old.bin"
    call_command("backup", str(target), stdout=io.StringIO())
    plain = auditchain.legacy_hasher()
    db = sqlite3.connect(target)  # make it what a backup of the unkeyed version held
    db.execute("DELETE FROM django_migrations WHERE app = 'core' AND name = '0005_audit_keyed'")
    prev = ""
    for entry in AuditLog.objects.order_by("id"):
        entry.hash = auditchain.digest(entry, prev, plain)
        db.execute(
            "UPDATE core_auditlog SET prev_hash = ?, hash = ? WHERE id = ?", [prev, entry.hash, entry.pk]
        )
        prev = entry.hash
    db.commit()
    db.close()
    try:
        call_command("restore", str(target), "--force", stdout=io.StringIO())
        assert AuditLog.objects.order_by("-id").first().changes["chain"] == "legacy"
    finally:
        # the restored file lacks 0005 in its migration history: put it back, or every later test of
        # this process that runs `migrate` finds 0006 applied without its dependency
        MigrationRecorder(connection).record_applied("core", "0005_audit_keyed")
