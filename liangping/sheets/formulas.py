"""Formula cells of an .xlsx sheet (calamine returns computed values only, so the XML is read).

Only the columns that matter are reported. A sheet without any `<f>` element is recognised by a
byte search and costs one decompression; otherwise the sheet XML is streamed with iterparse.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CELL_REF = re.compile(r"([A-Z]+)(\d+)")
HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def sheet_xml_path(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The part name (xl/worksheets/sheetN.xml) of the sheet called `sheet_name`."""
    rid = None
    with zf.open("xl/workbook.xml") as fh:
        for _event, el in iterparse(fh):
            if el.tag == f"{MAIN}sheet" and el.get("name") == sheet_name:
                rid = el.get(f"{REL}id")
                break
    if rid is None:
        return None
    with zf.open("xl/_rels/workbook.xml.rels") as fh:
        for _event, el in iterparse(fh):
            if el.tag == f"{PKG_REL}Relationship" and el.get("Id") == rid:
                target = el.get("Target", "")
                if target.startswith("/"):
                    return target.lstrip("/")
                return posixpath.normpath(posixpath.join("xl", target))
    return None


def formula_cells(path: Path, sheet_name: str, columns: set[int]) -> set[tuple[int, int]]:
    """{(Excel row number, column index)} of the cells in `columns` that hold a formula."""
    found: set[tuple[int, int]] = set()
    if not columns:
        return found
    try:
        with zipfile.ZipFile(path) as zf:
            part = sheet_xml_path(zf, sheet_name)
            if part is None or part not in zf.namelist():
                return found
            xml = zf.read(part)
            # a formula element is "<f" or a prefixed "<x:f": without either byte pair there is none
            # (two scans at C speed, where the pattern's search costs a tenth of the import's read)
            if (b"<f" not in xml and b":f" not in xml) or not HAS_FORMULA.search(xml):
                return found
            with zf.open(part) as fh:
                for _event, el in iterparse(fh):
                    if el.tag != f"{MAIN}c":
                        continue
                    if el.find(f"{MAIN}f") is not None:
                        match = CELL_REF.fullmatch(el.get("r", ""))
                        if match:
                            col = column_index(match.group(1))
                            if col in columns:
                                found.add((int(match.group(2)), col))
                    el.clear()
    except (zipfile.BadZipFile, KeyError, SyntaxError):
        return found
    return found
