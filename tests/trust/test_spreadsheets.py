"""Spreadsheet hardening: uploads checked by content and size, zip bombs refused before decompression,
and no exported cell is ever a formula (CSV/formula injection)."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liangping.grading.exports import export_grades
from liangping.projects.exports import export_projects
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from liangping.sheets import reading
from liangping.sheets.errors import Issue, SheetError
from liangping.sheets.models import ImportJob
from liangping.sheets.reading import open_workbook, sniff
from liangping.sheets.writing import OutColumn, is_risky_text, write_issues, write_rows

RISKY = [
    '=HYPERLINK("http://evil.example","点我")',
    "=1+1",
    "+1234",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\tleading tab",
    "  =cmd|' /C calc'!A0",
    "＝1+1",
]


def no_formulas(data: bytes) -> list[openpyxl.cell.Cell]:
    """Every cell of every sheet, after checking that none is a formula."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    return cells


def xlsx_with(members: dict[str, bytes], *, stored: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


# --- content checks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.xlsx", b"PK\x03\x04 not really a zip", "不是有效的 Excel"),
        ("a.xlsx", xlsx_with({}).replace(b"[Content_Types].xml", b"[Content_Typex].xml"), "不是有效的 Excel"),
        ("a.xls", b"<html><table><tr><td>1</td></tr></table></html>", "内容不是 Excel"),
        ("a.csv", "项目名称\n".encode() + b"x" * 5000 + b"\xff\xfe\xfa\n", "无法识别为文本"),
        ("a.csv", b"a,b\n" + b"\x00" * 10, "无法识别为文本"),
    ],
)
def test_files_are_judged_by_their_content(name, content, message):
    with pytest.raises(SheetError, match=message):
        sniff(content[:4096], name, whole=content)


def test_real_formats_pass():
    assert (
        sniff(reading.OLE2_MAGIC + b"\x00" * 100, "a.xls", whole=reading.OLE2_MAGIC + b"\x00" * 100) == "xls"
    )
    assert sniff(b"a,b\n1,2\n", "a.csv", whole="项目名称,总投资\n甲,1\n".encode("gb18030")) == "csv"
    assert sniff(b"PK\x03\x04", "a.xlsx", whole=xlsx_with({"xl/workbook.xml": b"<w/>"})) == "xlsx"


def test_a_zip_bomb_is_refused_from_its_directory(settings, tmp_path, monkeypatch):
    bomb = xlsx_with({"xl/worksheets/sheet1.xml": b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024  # 8 MiB of zeros pack to a few KiB
    opened: list[object] = []
    monkeypatch.setattr(reading.CalamineWorkbook, "from_filelike", lambda *a: opened.append(a))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(SheetError, match="压缩比超过 100 倍"):
        open_workbook(path)
    assert opened == []  # refused before anything was decompressed


def test_the_unpacked_size_is_limited(settings):
    settings.LIANGPING_XLSX_MAX_UNPACKED_MB = 1
    big = xlsx_with({"xl/media/image1.bin": os.urandom(2 * 1024 * 1024)}, stored=True)
    with pytest.raises(SheetError, match="超过 1 MB 的上限"):
        sniff(big[:4096], "a.xlsx", whole=big)


def test_too_many_members_are_refused():
    many = xlsx_with({f"x/{i}.xml": b"" for i in range(reading.MAX_ZIP_ENTRIES + 1)}, stored=True)
    with pytest.raises(SheetError, match="部件"):
        sniff(many[:4096], "a.xlsx", whole=many)


@pytest.fixture
def supervisor_client(cast) -> Client:
    client = Client()
    client.force_login(cast.supervisor)
    return client


def test_web_upload_refuses_a_bomb_and_an_oversized_file(supervisor_client, settings):
    bomb = xlsx_with({"xl/worksheets/sheet1.xml": b"\x00" * (8 * 1024 * 1024)})
    response = supervisor_client.post(
        reverse("sheets:import"), {"kind": "projects", "file": SimpleUploadedFile("台账.xlsx", bomb)}
    )
    assert response.status_code == 400 and "压缩炸弹" in response.content.decode()
    assert settings.LIANGPING_MAX_UPLOAD_MB == 20
    settings.LIANGPING_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("台账.csv", b"a,b\n" + b"1,2\n" * 300_000)
    response = supervisor_client.post(reverse("sheets:import"), {"kind": "projects", "file": big})
    assert response.status_code == 400 and "文件超过 1 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


# --- formula injection in every writer -----------------------------------------------------------


def test_risky_text_is_recognised():
    assert all(is_risky_text(v) for v in RISKY)
    assert not any(is_risky_text(v) for v in ["项目", "a=b", "2025-06", "100", "邮箱 a@b.cn"])


def test_write_rows_never_writes_a_formula():
    out = io.BytesIO()
    write_rows(
        out, "表", [OutColumn("值"), OutColumn("金额", kind="money")], [[v, Decimal(1)] for v in RISKY]
    )
    cells = no_formulas(out.getvalue())
    written = [c.value for c in cells if isinstance(c.value, str) and c.value not in ("值", "金额")]
    assert written == RISKY  # the text itself is kept
    assert all(c.data_type == "s" for c in cells if c.value in RISKY)


def test_the_error_list_never_writes_a_formula():
    out = io.BytesIO()
    write_issues(out, [Issue(2, v, f"{v}") for v in RISKY], [Issue(3, "=x", "=warn")])
    no_formulas(out.getvalue())


@pytest.mark.django_db
def test_project_and_grade_exports_never_write_formulas(cast):
    Project.objects.filter(pk=cast.inside.pk).update(
        name=RISKY[0], industry="+产业", contact_name="@某人", contact_phone="-13800138000", plan_year=2025
    )
    out = io.BytesIO()
    export_projects(cast.supervisor, {}, out)
    cells = no_formulas(out.getvalue())
    assert RISKY[0] in [c.value for c in cells]
    MonthlyReport.objects.create(
        project=cast.inside,
        month=dt.date(2025, 6, 1),
        month_investment=Decimal(0),
        ytd_investment=Decimal(1),
        status=ReportStatus.APPROVED,
        submitted_at=timezone.now(),
    )
    out = io.BytesIO()
    export_grades(None, {"period": "2025-06"}, out, None)
    cells = no_formulas(out.getvalue())
    assert RISKY[0] in [c.value for c in cells]
