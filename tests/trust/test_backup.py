"""Backups: restore into an empty database brings back every record, and the audit chain still verifies."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

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
