"""Reading what offices send: .xlsx and .xls through calamine, .csv in UTF-8 (with or without BOM) or GBK.

The format is decided by the content, not by the name: a renamed file still reads, a text file named
.xlsx is refused with a message that says so.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook

from liangping.sheets.errors import SheetError

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
EXTENSIONS = (".xlsx", ".xls", ".csv")
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
MIB = 1024 * 1024
# Zip-bomb guard for .xlsx, checked from the zip directory before anything is decompressed. A real
# workbook's XML packs 5 to 30 times; the limits leave room for very repetitive sheets.
MAX_ZIP_ENTRIES = 10_000
RATIO_FLOOR = MIB  # members smaller than this are never refused for their ratio


@dataclass
class RawSheet:
    """A sheet's cells from A1, one list per Excel row (row i of `rows` is Excel row i + 1)."""

    name: str
    rows: list[list[Any]]
    index: int = 0


@dataclass
class Workbook:
    path: Path
    fmt: str  # "xlsx", "xls" or "csv"
    sheet_names: list[str]
    _book: CalamineWorkbook | None = None
    _csv_rows: list[list[Any]] | None = None

    def sheet(self, index: int) -> RawSheet:
        if self._csv_rows is not None:
            return RawSheet(self.sheet_names[0], self._csv_rows, 0)
        assert self._book is not None
        try:
            rows = self._book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        except CalamineError as exc:
            raise SheetError(f"工作表“{self.sheet_names[index]}”无法读取，请用 Excel 另存后再导入") from exc
        return RawSheet(self.sheet_names[index], rows, index)  # type: ignore[arg-type]


def sniff(head: bytes, filename: str, *, whole: bytes | None = None) -> str:
    """The real format of a file from its first bytes ("xlsx", "xls", "csv"), or a SheetError saying why not.

    `whole` (the complete content, when at hand) lets an .xlsx be checked for [Content_Types].xml.
    """
    ext = Path(filename).suffix.lower()
    if ext not in EXTENSIONS:
        raise SheetError("只能导入 Excel（.xlsx、.xls）或 CSV（.csv）文件，请另存为这些格式后再上传")
    if not head:
        raise SheetError("文件是空的，没有可导入的内容")
    if head.startswith(ZIP_MAGIC):
        if whole is not None:
            check_xlsx(whole)
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        return "xls"
    if ext != ".csv":
        raise SheetError(f"文件扩展名是 {ext}，但内容不是 Excel 文件，请用 Excel 打开后另存为 .xlsx 再上传")
    sample = head if whole is None else whole
    if b"\x00" in sample or decode_text(sample, partial=whole is None) is None:
        raise SheetError("CSV 文件无法识别为文本，请另存为“CSV UTF-8”或“CSV（逗号分隔）”后再上传")
    return "csv"


def xlsx_limits() -> tuple[int, int]:
    """(most bytes an .xlsx may unpack to, highest compression ratio of one member), from settings."""
    total_mb = int(getattr(settings, "LIANGPING_XLSX_MAX_UNPACKED_MB", 200))
    ratio = int(getattr(settings, "LIANGPING_XLSX_MAX_RATIO", 100))
    return total_mb * MIB, ratio


def check_xlsx(data: bytes) -> None:
    """An .xlsx is a zip holding [Content_Types].xml whose unpacked size and ratios are sane.

    Only the zip directory is read (infolist): nothing is decompressed before the file passes.
    """
    broken = "文件不是有效的 Excel（.xlsx）文件，可能已损坏，请用 Excel 打开后另存为 .xlsx 再上传"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetError(broken) from exc
    if not any(i.filename == "[Content_Types].xml" for i in infos):
        raise SheetError(broken)
    limit, max_ratio = xlsx_limits()
    bomb = "请用 Excel 打开后另存为 .xlsx 再上传；若确是正常文件，请拆分成几个文件"
    if len(infos) > MAX_ZIP_ENTRIES:
        raise SheetError(
            f"文件内部包含 {len(infos)} 个部件，超过 {MAX_ZIP_ENTRIES} 个，不像正常的 Excel 文件，{bomb}"
        )
    total = sum(i.file_size for i in infos)
    if total > limit:
        raise SheetError(
            f"文件解压后约 {total // MIB} MB，超过 {limit // MIB} MB 的上限（可能是“压缩炸弹”），{bomb}"
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise SheetError(
                f"文件中的 {info.filename} 压缩比超过 {max_ratio} 倍（可能是“压缩炸弹”），{bomb}"
            )


def decode_text(data: bytes, *, partial: bool = False) -> str | None:
    """UTF-8 (BOM or not) first, then GB18030 (a superset of GBK, what Chinese Excel saves)."""
    for encoding in TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            # A sample may end in the middle of a multi-byte character.
            if partial and exc.start >= len(data) - 4:
                return data[: exc.start].decode(encoding, errors="ignore")
    return None


def open_workbook(path: Path, filename: str | None = None) -> Workbook:
    """Open a spreadsheet file; `filename` (the name it was uploaded with) decides what the extension says."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError(f"无法读取文件：{path.name}") from exc
    fmt = sniff(data[:4096], filename or path.name, whole=data)
    if fmt == "csv":
        text = decode_text(data)
        if text is None:
            raise SheetError("CSV 文件的编码无法识别，请另存为“CSV UTF-8”后再上传")
        return Workbook(path, fmt, [path.stem], _csv_rows=read_csv_text(text))
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError as exc:
        raise SheetError(
            "文件无法作为 Excel 读取，可能已损坏或设有密码，请用 Excel 打开后另存再上传"
        ) from exc
    return Workbook(path, fmt, list(book.sheet_names), _book=book)


def read_csv_text(text: str) -> list[list[Any]]:
    head = "\n".join(text.split("\n", 5)[:5])
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
