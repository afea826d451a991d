"""Evidence is judged by its content and size, not by its name (PDF, JPEG, PNG, .docx, .xlsx)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from PIL import Image

from liangping.core import uploads as evidence
from liangping.tasks import services
from liangping.tasks.services import TaskError
from tests.tasks.conftest import PDF, docx_bytes, jpeg_bytes, png_bytes, xlsx_bytes
from tests.trust.test_uploads import GPS_TAG, bomb_png, gps_jpeg

pytestmark = pytest.mark.django_db


def record(cast, tasks, name: str, data: bytes, size: int | None = None):
    milestone = tasks.inside.milestones.get(title="全面完成")
    return services.record_milestone(
        cast.department,
        milestone,
        actual_date=dt.date(2025, 6, 1),
        upload=(name, data),
        upload_size=size,
        expected_version=milestone.version,
    )


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("完成报告.pdf", lambda: PDF, "application/pdf"),
        ("现场.JPG", jpeg_bytes, "image/jpeg"),
        ("现场.jpeg", jpeg_bytes, "image/jpeg"),
        ("现场.png", png_bytes, "image/png"),
        ("说明.docx", docx_bytes, evidence.DOCX.content_type),
        ("台账.xlsx", xlsx_bytes, evidence.XLSX.content_type),
    ],
)
def test_real_files_are_accepted(cast, tasks, name, make, content_type):
    milestone = record(cast, tasks, name, make())
    assert (milestone.evidence_name, milestone.evidence_type) == (name, content_type)


def test_a_real_pdf_header_is_accepted(cast, tasks):
    milestone = record(cast, tasks, "批复.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 100)
    assert milestone.evidence_type == "application/pdf"


def test_a_text_file_named_pdf_is_refused_in_chinese(cast, tasks):
    with pytest.raises(TaskError) as caught:
        record(cast, tasks, "批复.pdf", "这只是一段文字，并不是 PDF".encode())
    assert caught.value.field == "evidence"
    assert "不是有效的PDF" in str(caught.value)
    milestone = tasks.inside.milestones.get(title="全面完成")
    assert (milestone.actual_date, milestone.evidence.name, milestone.version) == (None, "", 1)


def test_an_oversize_file_is_refused(cast, tasks, settings):
    settings.LIANGPING_MAX_UPLOAD_MB = 1
    data = PDF + b"0" * (1024 * 1024)
    with pytest.raises(TaskError, match="超过 1 MB") as caught:
        record(cast, tasks, "扫描件.pdf", data)
    assert caught.value.field == "evidence"


def test_the_declared_size_counts_when_only_the_start_was_read(cast, tasks, settings):
    settings.LIANGPING_MAX_UPLOAD_MB = 1
    with pytest.raises(TaskError, match="超过 1 MB"):
        record(cast, tasks, "扫描件.pdf", PDF, size=50 * 1024 * 1024)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("程序.exe", b"MZ\x90\x00", "不支持文件“程序.exe”的格式"),
        ("无扩展名", PDF, "不支持"),
        ("空.pdf", b"", "空文件"),
        ("照片.png", PDF, "内容却是PDF"),
        ("照片.jpg", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "内容却是PNG"),
        ("伪装.docx", b"PK\x03\x04not really a zip", "不是有效的Word 文档"),
        ("表格.xlsx", None, "内容却是Word 文档"),
        ("压缩包.docx", "plain-zip", "不是有效的Word 文档"),
    ],
)
def test_mismatched_or_unknown_files_are_refused(cast, tasks, name, data, message):
    if data is None:
        data = docx_bytes()
    elif data == "plain-zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "hello")
        data = out.getvalue()
    with pytest.raises(TaskError, match=message):
        record(cast, tasks, name, data)


def test_replaced_and_deleted_evidence_leaves_the_disk(cast, tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = record(cast, tasks, "完成报告.pdf", PDF)
    first_name = first.evidence.name
    storage = first.evidence.storage
    assert storage.exists(first_name)
    with django_capture_on_commit_callbacks(execute=True):
        second = record(cast, tasks, "现场.png", png_bytes())
    assert second.evidence.name != first_name
    assert not storage.exists(first_name) and storage.exists(second.evidence.name)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_milestone(cast.supervisor, second, expected_version=second.version, reason="节点重复")
    assert not storage.exists(second.evidence.name)


def test_a_refused_replacement_keeps_the_old_file(cast, tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = record(cast, tasks, "完成报告.pdf", PDF)
    with pytest.raises(TaskError), django_capture_on_commit_callbacks(execute=True):
        record(cast, tasks, "坏.pdf", b"not a pdf")
    assert first.evidence.storage.exists(first.evidence.name)


def test_evidence_photos_lose_their_exif(cast, tasks):
    milestone = record(cast, tasks, "现场.jpg", gps_jpeg())
    with milestone.evidence.open("rb") as handle:
        kept = Image.open(io.BytesIO(handle.read()))
    assert kept.size == (20, 40) and not kept.getexif().get_ifd(GPS_TAG) and dict(kept.getexif()) == {}
    with pytest.raises(TaskError, match="像素过大"):
        record(cast, tasks, "炸弹.png", bomb_png())
