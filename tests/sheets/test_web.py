"""The import pages: upload → preview → confirm (synchronously and in a background thread), progress,
the jobs list, the error list download; supervisors only. The export download, scoped."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liangping.core.models import AuditLog
from liangping.projects.models import Project
from liangping.sheets import jobs
from liangping.sheets.models import ImportJob, JobStatus
from tests.sheets.builders import LEDGER_HEADER, ledger_row, ledger_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, path, kind="projects", name=None):
    data = SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=XLSX)
    return client.post(reverse("sheets:import"), {"kind": kind, "file": data})


@pytest.fixture
def supervisor_client(client, cast, settings):
    settings.LIANGPING_IMPORT_SYNC = True  # the check and the import run here, not in a thread
    client.force_login(cast.supervisor)
    return client


def test_upload_preview_confirm_sync(supervisor_client, cast, tmp_path, settings):
    settings.LIANGPING_IMPORT_SYNC = True
    path = write_xlsx(
        tmp_path / "台账.xlsx",
        [["标题"], LEDGER_HEADER, *ledger_rows(3), ledger_row("W", **{"责任部门": "市新设局"})],
    )
    page = supervisor_client.get(reverse("sheets:import"))
    assert (
        page.status_code == 200
        and "项目台账" in page.content.decode()
        and "月度调度" in page.content.decode()
    )
    response = upload(supervisor_client, path)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sheets:job", args=[job.pk])
    assert job.status == JobStatus.PREVIEWED and job.user == cast.supervisor and job.filename == "台账.xlsx"
    assert (job.created_count, job.updated_count, job.unchanged_count, job.rows_total) == (4, 0, 0, 4)
    assert job.file.path.startswith(str(settings.MEDIA_ROOT / "imports"))
    assert not Project.objects.filter(code="W").exists()
    preview = supervisor_client.get(response["Location"]).content.decode()
    assert "将新增" in preview and "确认导入" in preview and "市新设局" in preview
    confirmed = supervisor_client.post(reverse("sheets:job_confirm", args=[job.pk]))
    assert confirmed.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.rows_done == 4 and job.finished_at is not None
    assert Project.objects.filter(code__in=["T00001", "W"]).count() == 2
    entry = AuditLog.objects.get(action="project.import", actor=cast.supervisor)
    assert len(entry.changes["objects"]["projects.project"]["created"]) == 4
    done = supervisor_client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    assert "导入完成" in done and "确认导入" not in done
    supervisor_client.post(reverse("sheets:job_confirm", args=[job.pk]))  # a second click does nothing
    assert Project.objects.count() == 6
    listing = supervisor_client.get(reverse("sheets:jobs")).content.decode()
    assert "台账.xlsx" in listing and "已导入" in listing


def test_a_file_with_errors_shows_them_and_offers_the_error_list(supervisor_client, tmp_path):
    rows = [LEDGER_HEADER, ledger_row("A", **{"所属区（市）": "莱芜"}), ledger_row("A")]
    upload(supervisor_client, write_csv(tmp_path / "bad.csv", rows, "gbk"))
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and len(job.errors) == 2
    page = supervisor_client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    assert "莱芜" in page and "与第2行重复" in page and "确认导入" not in page
    assert "未导入任何数据" in page
    download = supervisor_client.get(reverse("sheets:job_errors", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert [c.value for c in sheet[1]] == ["行号", "列", "错误说明"]
    assert [c.value for c in sheet[2]][:2] == [2, "所属区（市）"]
    assert jobs.confirm(job) is None and not Project.objects.filter(code="A").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xlsx", b"hello, this is text", "内容不是 Excel"),
        ("a.pdf", b"%PDF-1.4", "只能导入"),
        ("a.csv", b"\x00\x01\x02\x03", "无法识别为文本"),
        ("a.xlsx", b"", "文件是空的"),
    ],
)
def test_uploads_are_checked_by_content(supervisor_client, name, content, message):
    data = SimpleUploadedFile(name, content)
    response = supervisor_client.post(reverse("sheets:import"), {"kind": "projects", "file": data})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_size_limit(supervisor_client, settings, tmp_path):
    settings.LIANGPING_MAX_UPLOAD_MB = 0
    response = upload(supervisor_client, write_xlsx(tmp_path / "a.xlsx", [LEDGER_HEADER, ledger_row("A")]))
    assert response.status_code == 400 and "文件超过 0 MB" in response.content.decode()


@pytest.mark.parametrize(
    "role", ["leader", "department", "district", "specialist", "owner", "sysadmin", "auditor"]
)
def test_only_supervisors_import(client, cast, role, tmp_path):
    client.force_login(getattr(cast, role))
    if role == "sysadmin":  # the system administrator imports a kind's categories (事项分类) only
        page = client.get(reverse("sheets:import")).content.decode()
        assert "事项分类" in page and "项目台账" not in page
        assert (
            upload(client, write_xlsx(tmp_path / "a.xlsx", [LEDGER_HEADER, ledger_row("A")])).status_code
            == 400
        )
        assert not ImportJob.objects.exists()
        return
    assert client.get(reverse("sheets:import")).status_code == 404
    assert (
        upload(client, write_xlsx(tmp_path / "a.xlsx", [LEDGER_HEADER, ledger_row("A")])).status_code == 404
    )
    assert client.get(reverse("sheets:jobs")).status_code == 404
    assert not ImportJob.objects.exists()


def test_jobs_are_private_to_their_uploader(supervisor_client, cast, tmp_path, client):
    upload(supervisor_client, write_xlsx(tmp_path / "a.xlsx", [LEDGER_HEADER, ledger_row("A")]))
    job = ImportJob.objects.get()
    from tests.cast import make_user

    other = make_user("supervisor2", "supervisor", cast.office, "督查员乙")
    client.force_login(other)
    for name in ("sheets:job", "sheets:job_progress", "sheets:job_errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("sheets:job_confirm", args=[job.pk])).status_code == 404
    client.force_login(cast.department)
    assert client.get(reverse("sheets:job", args=[job.pk])).status_code == 404


def test_anonymous_people_are_sent_to_login(client):
    response = client.get(reverse("sheets:import"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_progress_is_polled_while_running(supervisor_client, tmp_path):
    upload(supervisor_client, write_xlsx(tmp_path / "a.xlsx", [LEDGER_HEADER, *ledger_rows(5)]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    jobs.ProgressFile(job.pk)(3, 5)
    page = supervisor_client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "已处理 3 / 5 行" in page
    fragment = supervisor_client.get(reverse("sheets:job_progress", args=[job.pk]))
    assert "已处理 3 / 5 行" in fragment.content.decode() and "HX-Refresh" not in fragment
    jobs.run_job(job.pk)
    fragment = supervisor_client.get(reverse("sheets:job_progress", args=[job.pk]))
    assert fragment["HX-Refresh"] == "true" and "every 1s" not in fragment.content.decode()
    assert not jobs.progress_path(job.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_confirm_runs_in_a_background_thread(cast, tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [LEDGER_HEADER, *ledger_rows(300)])
    with path.open("rb") as fh:
        job = jobs.create_job(cast.supervisor, "projects", SimpleUploadedFile("t.xlsx", fh.read()), sync=True)
    assert job.status == JobStatus.PREVIEWED
    thread = jobs.confirm(job, sync=False)
    assert thread is not None
    thread.join(timeout=60)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.created_count == 300 and job.rows_done == 300
    assert Project.objects.filter(code__startswith="T").count() == 300


def test_export_download_is_scoped(client, cast):
    client.force_login(cast.department)
    response = client.get(reverse("sheets:export", args=["projects"]))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["项目台账"]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [cast.inside.code]
    client.force_login(cast.supervisor)
    response = client.get(reverse("sheets:export", args=["projects"]) + "?stage=signed&q=物流")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["项目台账"]
    assert [r[0].value for r in sheet.iter_rows(min_row=2)] == [cast.outside.code]
    entry = AuditLog.objects.filter(action="export").first()
    assert entry.changes["filters"] == {"建设阶段": "签约落地", "关键词": "物流"}  # in words


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_admins_without_ledger_get_404_on_export(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("sheets:export", args=["projects"])).status_code == 404


def test_unknown_export_is_404(client, cast):
    client.force_login(cast.supervisor)
    assert client.get("/sheets/export/nothing.xlsx").status_code == 404


def test_job_errors_json_shape(supervisor_client, tmp_path):
    upload(supervisor_client, write_xlsx(tmp_path / "x.xlsx", [["名称"], ["x"]]))
    job = ImportJob.objects.get()
    assert json.loads(json.dumps(job.errors))[0]["row"] is None


def test_a_crash_during_the_import_fails_the_job_with_a_message(supervisor_client, tmp_path, monkeypatch):
    upload(supervisor_client, write_xlsx(tmp_path / "a.xlsx", [LEDGER_HEADER, ledger_row("A")]))
    job = ImportJob.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "run_import", broken)
    jobs.confirm(job, sync=True)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "系统错误" in job.message
    page = supervisor_client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    assert "系统错误" in page and "disk on fire" not in page and "Traceback" not in page
    assert not Project.objects.filter(code="A").exists()


def test_an_interrupted_job_is_shown_as_such(supervisor_client, tmp_path):
    import os
    import time

    upload(supervisor_client, write_xlsx(tmp_path / "a.xlsx", [LEDGER_HEADER, ledger_row("A")]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    jobs.ProgressFile(job.pk)(0, 1)
    old = time.time() - jobs.STALE_AFTER - 60
    os.utime(jobs.progress_path(job.pk), (old, old))
    page = supervisor_client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    assert "可能因服务重启而中断" in page


def test_import_page_offers_no_export_of_an_empty_table(supervisor_client, cast):
    """An export button is offered only for a table with rows: none for an empty ledger."""
    html = supervisor_client.get(reverse("sheets:import")).content.decode()
    assert "下载项目台账（.xlsx）" in html  # the cast's projects
    Project.objects.all().delete()
    html = supervisor_client.get(reverse("sheets:import")).content.decode()
    assert "下载项目台账（.xlsx）" not in html and "下载项目分级（.xlsx）" not in html
