"""Uploaded documents (佐证材料, 答复附件): what may be uploaded, judged by content, not by name."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

ALLOWED_TEXT = "PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）"


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is used when the file is stored


PDF = Kind("PDF", "application/pdf", ("pdf",))
JPEG = Kind("JPG 图片", "image/jpeg", ("jpg", "jpeg"))
PNG = Kind("PNG 图片", "image/png", ("png",))
DOCX = Kind(
    "Word 文档",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = Kind(
    "Excel 表格",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
)
KINDS = (PDF, JPEG, PNG, DOCX, XLSX)
BY_EXTENSION = {ext: kind for kind in KINDS for ext in kind.extensions}
CONTENT_TYPES = {kind.content_type for kind in KINDS}


class UploadError(ValueError):
    """A refused upload, with a message for people."""


def max_bytes() -> int:
    return int(settings.LIANGPING_MAX_UPLOAD_MB) * 1024 * 1024


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _office_kind(data: bytes) -> Kind | None:
    """DOCX or XLSX when the zip holds the parts such a file must have (entries are only listed)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(data: bytes) -> Kind | None:
    """The kind of file the bytes really are, from their signature, or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def check(name: str, data: bytes, size: int | None = None) -> Kind:
    """The kind of an uploaded file, or UploadError saying what is wrong with it.

    `size` is the declared size when only the first bytes were read (a page upload reads at most
    the limit plus one byte, so a huge file is refused without being read whole)."""
    limit_mb = int(settings.LIANGPING_MAX_UPLOAD_MB)
    name = name.strip() or "未命名文件"
    if max(size or 0, len(data)) > max_bytes():
        raise UploadError(f"文件“{name}”超过 {limit_mb} MB，请压缩或拆分后再上传")
    if not data:
        raise UploadError(f"文件“{name}”是空文件，请重新选择")
    expected = BY_EXTENSION.get(extension(name))
    if expected is None:
        raise UploadError(f"不支持文件“{name}”的格式，请上传 {ALLOWED_TEXT} 文件")
    actual = sniff(data)
    if actual is None:
        raise UploadError(
            f"文件“{name}”的内容不是有效的{expected.label}（文件可能已损坏或只是改了扩展名），"
            f"请上传真实的 {ALLOWED_TEXT} 文件"
        )
    if actual is not expected:
        raise UploadError(
            f"文件“{name}”的扩展名是 .{extension(name)}，内容却是{actual.label}，"
            f"请改正扩展名（.{actual.extensions[0]}）后再上传"
        )
    return actual
