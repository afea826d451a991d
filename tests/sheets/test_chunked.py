"""Confirmed imports write in short journaled chunks, and are taken back as a whole when they fail midway
or their process dies; the job of a dead worker is recovered at once from its page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from liangping.core.auditchain import verify
from liangping.core.models import AuditLog, Org, User
from liangping.projects.imports import ledger
from liangping.projects.models import Project, StageEvent
from liangping.sheets import bulk, jobs, journal, undo
from liangping.sheets.models import ImportChange, ImportJob, ImportRun, JobStatus, RunStatus
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(settings):
    settings.LIANGPING_IMPORT_CHUNK = 50


def state():
    return (
        sorted(Project.objects.values_list("code", "name", "total_investment", "stage", "version")),
        StageEvent.objects.count(),
        Org.objects.count(),
        User.objects.count(),
    )


def mixed_file(tmp_path, cast, n=300):
    """New projects (with new companies) and an update of an existing one."""
    rows = [ledger_row(f"C{i:04d}", **{"建设单位": f"第{i % 7}号新建设公司"}) for i in range(n)]
    rows.append(
        ledger_row(cast.inside.code, cast.inside.name, **{"总投资（万元）": "99999", "建设阶段": "投产"})
    )
    return write_xlsx(tmp_path / "mixed.xlsx", [LEDGER_HEADER, *rows])


def test_each_chunk_is_its_own_transaction_and_the_journal_is_dropped_after(
    imp, cast, tmp_path, small_chunks
):
    result = imp(mixed_file(tmp_path, cast))
    assert result.ok and (result.created, result.updated) == (300, 1)
    run = ImportRun.objects.get()
    assert run.status == RunStatus.DONE and run.rows_planned == 301
    assert not ImportChange.objects.exists()
    assert Project.objects.get(code=cast.inside.code).total_investment == Decimal("99999")


def test_a_failure_midway_reverts_every_chunk_already_written(imp, cast, tmp_path, small_chunks, monkeypatch):
    before = state()
    audit_before = AuditLog.objects.count()

    def failing(*args, **kwargs):  # the import's audit entry, written last: every chunk is in by then
        assert Project.objects.filter(code__startswith="C").count() == 300
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger, "record_objects", failing)
    with pytest.raises(RuntimeError):
        imp(mixed_file(tmp_path, cast))
    assert state() == before  # created rows deleted, the updated project put back as it was
    run = ImportRun.objects.get()
    assert run.status == RunStatus.REVERTED and not ImportChange.objects.exists()
    revert = AuditLog.objects.get(action="import.revert")
    assert revert.changes["rows"] > 300 and revert.actor == cast.supervisor
    assert AuditLog.objects.count() > audit_before
    assert verify(AuditLog).broken is None


def test_a_dead_workers_job_is_recovered_at_once_and_confirmed_again(client, cast, tmp_path, small_chunks):
    before = state()
    path = mixed_file(tmp_path, cast, n=120)
    with path.open("rb") as fh:
        job = jobs.create_job(cast.supervisor, "projects", SimpleUploadedFile("m.xlsx", fh.read()), sync=True)
    assert job.status == JobStatus.PREVIEWED
    # A worker wrote two chunks and died (its process is gone): what it left is in the journal.
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker="nohost-x:1")
    log = journal.Journal(
        lambda: journal.start_run("projects", "m.xlsx", cast.supervisor, job), lambda: 121, "", print
    )
    with journal.activate(log):
        bulk.insert_rows(
            Project,
            [
                Project(
                    code=f"Z{i}",
                    name="半截",
                    district=cast.inside.district,
                    total_investment=1,
                    stage="signed",
                )
                for i in range(80)
            ],
        )
        bulk.update_rows(Project, [Project(pk=cast.inside.pk, name="写了一半")], ["name"])
    ImportRun.objects.filter(pk=log.run.pk).update(worker=f"{journal.worker_id().rsplit(':', 1)[0]}:999999")
    ImportJob.objects.filter(pk=job.pk).update(worker=f"{journal.worker_id().rsplit(':', 1)[0]}:999999")
    jobs.progress_path(job.pk).parent.mkdir(parents=True, exist_ok=True)
    jobs.ProgressFile(job.pk, "write")(80, 121)  # fresh progress: a time-out would not call it dead yet

    client.force_login(cast.supervisor)
    page = client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    assert "进程已停止" in page and reverse("sheets:job_recover", args=[job.pk]) in page
    assert client.post(reverse("sheets:job_recover", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.PREVIEWED and job.can_confirm
    assert state() == before and undo.unfinished() == []
    jobs.confirm(job, sync=True)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and Project.objects.filter(code__startswith="C").count() == 120


def test_a_live_job_cannot_be_recovered(client, cast, tmp_path):
    path = mixed_file(tmp_path, cast, n=3)
    with path.open("rb") as fh:
        job = jobs.create_job(cast.supervisor, "projects", SimpleUploadedFile("m.xlsx", fh.read()), sync=True)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, worker=journal.worker_id())
    jobs.ProgressFile(job.pk)(1, 3)
    client.force_login(cast.supervisor)
    assert "进程已停止" not in client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    client.post(reverse("sheets:job_recover", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY of rows is PostgreSQL's")
def test_a_journaled_insert_is_a_copy_of_rows_with_keys_drawn_first_whatever_the_chunk(
    imp, cast, tmp_path, settings
):
    """A VALUES list of a thousand rows is a new 25,000-placeholder statement every chunk, parsed afresh
    by the driver (a quarter of a 10,000-row import): each chunk draws its keys from the table's
    sequence and sends its rows by COPY, so no INSERT of projects is ever written out."""
    settings.LIANGPING_IMPORT_CHUNK = 100
    statements: list[str] = []

    def seen(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)  # as written, before the driver binds the parameters
        return execute(sql, params, many, context)

    copies: list[str] = []
    real_copy = psycopg.Cursor.copy

    def copy(self, statement, *args, **kwargs):  # type: ignore[no-untyped-def]
        copies.append(str(statement))
        return real_copy(self, statement, *args, **kwargs)

    with connection.execute_wrapper(seen), mock.patch.object(psycopg.Cursor, "copy", copy):
        result = imp(mixed_file(tmp_path, cast, n=250))
    assert result.ok and result.created == 250
    table = Project._meta.db_table
    assert not [sql for sql in statements if sql.startswith(f'INSERT INTO "{table}"')]
    project_copies = [c for c in copies if c.startswith(f'COPY "{table}"')]
    assert len(project_copies) == 3 and len(set(project_copies)) == 1  # 100 + 100 + 50 rows
    assert len([sql for sql in statements if sql.startswith("SELECT nextval")]) >= 3
    keys = list(Project.objects.filter(code__startswith="C").values_list("pk", flat=True))
    assert len(set(keys)) == 250
    made = Project.objects.select_related("unit", "leader").get(code="C0007")  # through the arrays intact
    assert (made.name, made.stage, made.unit.name, made.leader) == (
        "测试项目C0007",
        "construction",
        "第0号新建设公司",
        cast.leader,
    )
    assert (made.total_investment, made.annual_plan) == (Decimal("12000.50"), Decimal("3000.00"))
    assert (made.planned_start, made.planned_end) == (dt.date(2025, 3, 1), dt.date(2026, 12, 1))
    assert made.contact_phone == "13900000000" and made.created_at and made.version == 1
    assert StageEvent.objects.filter(project=made, to_stage="construction").count() == 1


def test_the_journal_holds_one_entry_per_chunk_of_created_rows(
    imp, cast, tmp_path, small_chunks, monkeypatch
):
    """Rows created together are journaled together (their keys in one entry), an updated row with its
    old values; a row created by the run and then changed by it needs no old values (a revert deletes
    it). A revert still takes every row back."""
    before = state()
    seen = {}

    def failing(*args, **kwargs):
        changes = list(ImportChange.objects.order_by("id"))
        projects = [c for c in changes if c.model == "projects.project"]
        seen["created"] = sorted(pk for c in projects for pk in c.created_pks())
        seen["entries"] = len([c for c in projects if c.before is None])
        seen["updated"] = [c.object_pk for c in projects if c.before is not None]
        seen["org_befores"] = [c for c in changes if c.model == "core.org" and c.before is not None]
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger, "record_objects", failing)
    with pytest.raises(RuntimeError):
        imp(mixed_file(tmp_path, cast))
    assert len(seen["created"]) == 300 and seen["entries"] == 300 // 50
    assert seen["updated"] == [cast.inside.pk]
    assert seen["org_befores"] == []  # the new companies' paths are set after their insert
    assert state() == before
    revert = AuditLog.objects.get(action="import.revert")
    assert revert.changes["rows"] > 300
