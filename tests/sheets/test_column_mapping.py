"""Columns the importer does not know are never dropped in silence: the preview lists each with the
nearest field (「开工时间」 → 计划开工时间？), the person maps it (web: a select per column; command line:
--map), the mapping is remembered for their office and audited, and a mapped column is checked
like any other."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liangping.core.models import AuditLog
from liangping.projects.imports.ledger import PROJECT_COLUMNS
from liangping.projects.models import Project
from liangping.sheets.columns import nearest
from liangping.sheets.models import ColumnMapping, ImportJob
from liangping.sheets.runner import run_import
from tests.sheets.builders import ledger_row, write_xlsx
from tests.sheets.test_cli import run

pytestmark = pytest.mark.django_db

HEADER = [
    "项目编号",
    "项目名称",
    "所属区（市）",
    "总投资（万元）",
    "建设阶段",
    "开工时间",
    "竣工时间",
    "备注",
]


def row(code: str, start: object = "2025-03", end: object = "2027-06") -> list[object]:
    full = ledger_row(code)
    return [full[0], full[1], full[3], full[6], full[8], start, end, "示例"]


def messy(tmp: Path, *rows: list[object], name: str = "台账.xlsx") -> Path:
    return write_xlsx(tmp / name, [HEADER, *rows])


def test_nearest_field_by_the_synonym_table() -> None:
    assert nearest("开工时间", PROJECT_COLUMNS, set()).label == "计划开工时间"
    assert nearest("竣工时间", PROJECT_COLUMNS, set()).label == "计划竣工时间"
    assert nearest("计划开工", PROJECT_COLUMNS, set()).label == "计划开工时间"
    assert nearest("备注", PROJECT_COLUMNS, set()) is None
    assert nearest("开工时间", PROJECT_COLUMNS, {"planned_start"}).label != "计划开工时间"


def test_the_preview_lists_every_column_it_will_not_import(cast, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "dup.xlsx", [[*HEADER, "项目名称"], [*row("P-1"), "重复"]])
    result = run_import("projects", path, actor=cast.supervisor, dry_run=True)
    listed = {u["column"]: u for u in result.unmapped}
    assert list(listed) == ["开工时间", "竣工时间", "备注", "项目名称"]
    assert listed["开工时间"]["suggestion_label"] == "计划开工时间"
    assert listed["竣工时间"]["suggestion_label"] == "计划竣工时间"
    assert listed["备注"]["suggestion"] == ""
    assert listed["项目名称"]["duplicate_of"] == "项目名称"
    assert ["planned_start", "计划开工时间"] in listed["开工时间"]["choices"]
    assert not any(field == "name" for field, _l in listed["开工时间"]["choices"])  # the file has it
    out = result.as_json()["unmapped"]
    assert {
        "column": "开工时间",
        "suggestion": "计划开工时间",
        "message": "未识别的列，不导入。是否为“计划开工时间”？",
    } in out


def test_a_mapped_column_is_imported_and_checked(cast, tmp_path: Path) -> None:
    mapping = {"开工时间": "planned_start", "竣工时间": "planned_end"}
    bad = messy(tmp_path, row("P-1"), row("P-2", start="明年春天"))
    result = run_import("projects", bad, actor=cast.supervisor, mapping=mapping)
    assert [(e.row, e.column) for e in result.errors] == [(3, "开工时间")]
    good = messy(tmp_path, row("P-1"), name="好.xlsx")
    result = run_import("projects", good, actor=cast.supervisor, mapping=mapping)
    assert result.ok and [u["column"] for u in result.unmapped if not u["mapped"]] == ["备注"]
    project = Project.objects.get(code="P-1")
    assert (project.planned_start, project.planned_end) == (dt.date(2025, 3, 1), dt.date(2027, 6, 1))


def test_the_web_preview_maps_remembers_for_the_office_and_audits(
    client, cast, tmp_path: Path, settings
) -> None:
    settings.LIANGPING_IMPORT_SYNC = True
    client.force_login(cast.supervisor)
    data = messy(tmp_path, row("P-1")).read_bytes()
    upload = SimpleUploadedFile("台账.xlsx", data)
    response = client.post(reverse("sheets:import"), {"kind": "projects", "file": upload}, follow=True)
    html = response.content.decode()
    job = ImportJob.objects.get()
    section = html.split('id="unmapped"')[1].split("</section>")[0]
    assert "未识别的列名（3 个，其中 3 个不导入）" in section and "是否为“计划开工时间”？" in section
    start = next(u for u in job.unmapped if u["column"] == "开工时间")
    assert f'name="map-{start["index"]}"' in section
    assert '<option value="planned_start" selected>计划开工时间</option>' in section
    choices = {f"map-{u['index']}": u["suggestion"] for u in job.unmapped}  # as suggested; 备注: 不导入
    client.post(reverse("sheets:job_map", args=[job.pk]), choices)
    job.refresh_from_db()
    assert [u["column"] for u in job.unmapped if not u["mapped"]] == ["备注"] and job.can_confirm
    html = client.get(reverse("sheets:job", args=[job.pk])).content.decode()
    assert "按本单位的列对应，导入为“计划开工时间”" in html and "其中 1 个不导入" in html
    stored = dict(ColumnMapping.objects.filter(org=cast.supervisor.org).values_list("header", "field"))
    assert stored == {"开工时间": "planned_start", "竣工时间": "planned_end"}
    audit = AuditLog.objects.filter(action="sheets.column_mapping").order_by("id")
    assert [e.changes["field"] for e in audit] == [[None, "计划开工时间"], [None, "计划竣工时间"]]
    # next time, for anyone of the office, without choosing again
    again = run_import("projects", messy(tmp_path, row("P-2"), name="下月.xlsx"), actor=cast.supervisor)
    assert again.ok and Project.objects.get(code="P-2").planned_start == dt.date(2025, 3, 1)
    # another office's import does not use it
    other = run_import("projects", messy(tmp_path, row("P-3"), name="别处.xlsx"), actor=cast.district)
    assert [u["column"] for u in other.unmapped] == ["开工时间", "竣工时间", "备注"]
    # choosing 不导入 forgets it, audited
    keep_end = {f"map-{u['index']}": u["suggestion"] for u in job.unmapped if u["column"] == "竣工时间"}
    client.post(reverse("sheets:job_map", args=[job.pk]), keep_end)
    stored = dict(ColumnMapping.objects.values_list("header", "field"))
    assert stored == {"竣工时间": "planned_end"}
    assert AuditLog.objects.filter(action="sheets.column_mapping").latest("id").changes == {
        "field": ["计划开工时间", None]
    }
    job.refresh_from_db()
    assert [u["column"] for u in job.unmapped if not u["mapped"]] == ["开工时间", "备注"]


def test_the_command_line_maps_with_map(cast, tmp_path: Path, capsys) -> None:
    path = messy(tmp_path, row("P-1"))
    status, out = run(capsys, "import", "projects", str(path), "--dry-run", "--as", "supervisor")
    assert status == 0 and "[开工时间] 未识别的列，不导入。是否为“计划开工时间”？" in out
    status, out = run(
        capsys, "import", "projects", str(path), "--json", "--as", "supervisor",
        "--map", "开工时间=计划开工时间", "--map", "竣工时间=计划竣工日期",
    )  # fmt: skip
    body = json.loads(out)
    assert status == 0 and body["created"] == 1
    assert [u["column"] for u in body["unmapped"]] == ["开工时间", "竣工时间", "备注"]
    assert body["unmapped"][0]["message"] == "按本单位的列对应，导入为“计划开工时间”"
    assert Project.objects.get(code="P-1").planned_end == dt.date(2027, 6, 1)
    assert ColumnMapping.objects.filter(org=cast.supervisor.org).count() == 2
    status, out = run(capsys, "import", "projects", str(path), "--json", "--map", "开工时间=开工吉日")
    assert status == 1 and "“开工吉日”不是可导入的字段" in out
