"""Control characters: refused where text comes in (API, forms, imports); the .xlsx and .docx writers
survive any value already stored."""

from __future__ import annotations

import io
import json

import docx
import openpyxl
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from liangping.cases.models import Case
from liangping.plaintext import control_char, xml_safe
from liangping.projects.models import Project
from liangping.sheets.runner import run_export, run_import
from tests.screen.world import build_world
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_csv
from tests.sheets.conftest import issues

pytestmark = pytest.mark.django_db


def test_which_characters_are_refused():
    assert control_char("第一行\n第二行\r\n第三行\t列") is None
    for bad in ("\x00", "\x0b", "\x0c", "\x1f", "\r", "a\rb"):
        assert control_char(f"名称{bad}") is not None
    assert xml_safe("甲\x00乙\x0b丙\ufffe丁\n") == "甲乙丙丁\n"


def test_the_api_refuses_a_nul_with_the_field_named(cast):
    client = Client()
    client.force_login(cast.owner)
    response = client.post(
        f"/api/v1/projects/{cast.inside.pk}/cases",
        json.dumps({"title": "供电\u0000线路未接入"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "title" and "控制字符（U+0000）" in error["message"]
    assert not Case.objects.exists()


def test_the_visit_api_refuses_control_characters_in_findings(cast):
    client = Client()
    client.force_login(cast.specialist)
    response = client.post(
        f"/api/v1/projects/{cast.inside.pk}/visits", {"date": "2025-06-03", "findings": "现场\x0b正常"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "findings"
    assert "“走访情况”含有不可见的控制字符（U+000B）" in response.json()["detail"][0]["message"]


def test_a_form_refuses_a_vertical_tab_on_the_field(client, cast):
    client.force_login(cast.owner)
    response = client.post("/cases/new/", {"project_code": cast.inside.code, "title": "供电\x0b线路"})
    assert response.status_code == 200
    assert "含有不可见的控制字符（U+000B）" in response.content.decode()
    assert not Case.objects.exists()
    ok = client.post("/cases/new/", {"project_code": cast.inside.code, "title": "供电线路"})
    assert ok.status_code == 302


def test_an_import_refuses_a_vertical_tab_at_its_row_and_column(cast, tmp_path):
    rows = [LEDGER_HEADER, ledger_row("T00001", "正常项目"), ledger_row("T00002", "坏\x0b项目")]
    result = run_import("projects", write_csv(tmp_path / "bad.csv", rows), actor=cast.supervisor)
    assert not result.ok
    [(row, column, message)] = issues(result)
    assert (row, column) == (3, "项目名称") and "控制字符（U+000B）" in message
    assert not Project.objects.filter(code__in=["T00001", "T00002"]).exists()


def test_the_ledger_export_survives_a_stored_control_character(cast):
    Project.objects.filter(pk=cast.inside.pk).update(name="示例\x0b动力\x1f电池项目", contact_name="王\x0c工")
    out = io.BytesIO()
    run_export("projects", out, user=cast.supervisor, actor=cast.supervisor, filters={})
    out.seek(0)
    sheet = openpyxl.load_workbook(out)["项目台账"]
    names = [r[1].value for r in sheet.iter_rows(min_row=2)]
    assert "示例动力电池项目" in names


def test_grades_export_and_disclosure_survive_a_value_frozen_in_the_snapshot(cast, tmp_path):
    """The value is stored (as before the fix) and then frozen into the published snapshot."""
    Project.objects.filter(pk=cast.outside.pk).update(name="示例\x0b智慧物流项目")  # red: listed
    cache.clear()
    build_world(cast)
    grades = tmp_path / "grades.xlsx"
    call_command("export", "grades", str(grades), "--period", "2025Q2", stdout=io.StringIO())
    values = [c.value for row in openpyxl.load_workbook(grades).active.iter_rows() for c in row]
    assert "示例智慧物流项目" in values
    target = tmp_path / "disclosure.docx"
    call_command("disclosure", "2025Q2", str(target), stdout=io.StringIO())
    document = docx.Document(str(target))
    text = "".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "示例智慧物流项目" in text
    client = Client()
    client.force_login(cast.supervisor)
    assert client.get("/sheets/export/grades.xlsx", {"period": "2025Q2"}).status_code == 200
