"""Every file taken out of the system is an audit entry: exports, error lists, evidence, the disclosure."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from liangping.core.auditlog import action_label
from liangping.core.models import AuditLog
from liangping.sheets.models import ImportJob, JobStatus
from tests.screen.world import build_world
from tests.tasks.conftest import make_tasks

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_export_download_records_who_what_and_the_filters(cast):
    response = client_for(cast.department).get(
        reverse("sheets:export", args=["projects"]), {"stage": "construction"}
    )
    assert response.status_code == 200
    entry = AuditLog.objects.get(action="export")
    assert entry.actor == cast.department and entry.object_type == "sheets.projects"
    assert entry.changes["filters"] == {"建设阶段": "开工建设"} and entry.changes["rows"] >= 0
    assert action_label(entry.action) == "导出"


def test_the_error_list_download_is_recorded(cast):
    job = ImportJob.objects.create(
        user=cast.supervisor,
        kind="projects",
        filename="台账.xlsx",
        status=JobStatus.FAILED,
        errors=[{"row": 2, "column": "所属区（市）", "message": "未知的区（市）"}],
    )
    response = client_for(cast.supervisor).get(reverse("sheets:job_errors", args=[job.pk]))
    assert response.status_code == 200
    entry = AuditLog.objects.get(action="download")
    assert entry.actor == cast.supervisor and entry.object_type == "sheets.importjob"
    assert entry.changes == {"file": "台账-错误清单.xlsx"} and action_label("download") == "下载"


def test_an_evidence_download_is_recorded(cast):
    tasks = make_tasks(cast)
    response = client_for(cast.department).get(reverse("tasks:evidence", args=[tasks.milestone_in.pk]))
    assert response.status_code == 200
    entry = AuditLog.objects.get(action="download")
    assert entry.actor == cast.department and entry.object_id == str(tasks.milestone_in.pk)
    assert entry.changes["file"] == "签约材料.pdf"
    # out of scope: 404 and nothing recorded
    assert (
        client_for(cast.department).get(reverse("tasks:evidence", args=[tasks.milestone_out.pk])).status_code
        == 404
    )
    assert AuditLog.objects.filter(action="download").count() == 1


def test_the_disclosure_download_is_recorded(cast):
    cache.clear()
    build_world(cast)
    response = client_for(cast.leader).get(reverse("disclosure:docx", args=["2025Q2"]))
    assert response.status_code == 200
    entry = AuditLog.objects.get(action="download")
    assert entry.actor == cast.leader and entry.changes["filters"] == {"period": "2025Q2"}
    assert entry.changes["file"].endswith(".docx")
    cache.clear()
