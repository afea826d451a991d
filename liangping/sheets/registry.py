"""Importers and exporters by name. Apps register theirs in AppConfig.ready(); the command line and the
web pages of this app find them here without importing those apps."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from liangping.sheets.context import ImportContext, Progress
from liangping.sheets.table import ColumnSpec

if TYPE_CHECKING:
    from liangping.core.models import User
    from liangping.sheets.reading import Workbook
    from liangping.sheets.table import Table

# An option chosen when the file is uploaded (not read from the file): its label and, for a user, the
# values they may choose with their labels, e.g. {"case_kind": ("事项类型", [("appeal", "群众诉求")])}.
UploadChoices = Callable[["User"], dict[str, tuple[str, list[tuple[str, str]]]]]


def supervisors(user: User) -> bool:
    """Who may import by default: the supervisors (the ledgers' imports)."""
    from liangping.core.scope import is_supervisor

    return bool(is_supervisor(user))


@dataclass(frozen=True)
class Importer:
    name: str  # "projects", "monthly", …
    label: str  # 项目台账
    columns: tuple[ColumnSpec, ...]
    run: Callable[[ImportContext], None]
    description: str = ""
    model: str = ""  # app_label.model of the rows the file holds: counts as written progress
    # Finds the table itself (a layout sheets.table does not read): (workbook, column mapping, options)
    locate: Callable[[Workbook, Mapping[str, str], Mapping[str, str]], Table] | None = None
    options: tuple[str, ...] = ()  # the run options it understands (layout, period, confirm …)
    # Who may use it (the import pages, their jobs): by default the supervisors.
    allowed: Callable[[User], bool] = supervisors
    # Options chosen at upload and carried through the preview and the confirmed run (they must also
    # be in `options`); the upload page offers them, the person cannot change them on the preview.
    upload_choices: UploadChoices | None = None

    @property
    def required(self) -> list[str]:
        return [c.label for c in self.columns if c.required]

    def choices_for(self, user: User) -> dict[str, tuple[str, list[tuple[str, str]]]]:
        return self.upload_choices(user) if self.upload_choices is not None else {}


@dataclass(frozen=True)
class Exporter:
    """`run(user, filters, out, progress)` writes the file and returns the number of rows.

    `user` None means no scope (the command line without --as); the web always passes the person.
    `filename` names the download; `name_for(filters)`, when given, names it after what it holds
    (分级结果_2026年11月.xlsx). `describe(filters)` gives the filters in words, names not ids
    ({"所属区（市）": "薛城区"}), for the file's notes and the audit log. `has_rows(user)`, when
    given, says whether the unfiltered export would hold any row: no page offers an empty table.
    """

    name: str
    label: str
    filename: str
    run: Callable[[User | None, Mapping[str, str], IO[bytes], Progress | None], int]
    allowed: Callable[[User], bool]
    name_for: Callable[[Mapping[str, str]], str] | None = None
    describe: Callable[[Mapping[str, str]], dict[str, str]] | None = None
    has_rows: Callable[[User], bool] | None = None

    def filename_for(self, filters: Mapping[str, str]) -> str:
        return self.name_for(filters) if self.name_for is not None else self.filename

    def offered_to(self, user: User) -> bool:
        """Whether a page offers this export to `user`: allowed, and not an empty table."""
        return self.allowed(user) and (self.has_rows is None or self.has_rows(user))

    def describe_filters(self, filters: Mapping[str, str]) -> dict[str, str]:
        return self.describe(filters) if self.describe is not None else dict(filters)


_importers: dict[str, Importer] = {}
_exporters: dict[str, Exporter] = {}


def register_importer(importer: Importer) -> None:
    _importers[importer.name] = importer


def register_exporter(exporter: Exporter) -> None:
    _exporters[exporter.name] = exporter


def importer(name: str) -> Importer | None:
    return _importers.get(name)


def exporter(name: str) -> Exporter | None:
    return _exporters.get(name)


def importers(user: User | None = None) -> list[Importer]:
    """Every importer, or those `user` may use."""
    return [i for i in _importers.values() if user is None or i.allowed(user)]


def exporters() -> list[Exporter]:
    return list(_exporters.values())
