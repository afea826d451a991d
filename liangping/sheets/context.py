"""What an importer is handed: the located table, a reader that collects issues, and the result to fill.

Its own module, below both the registry (which names it in an importer's signature) and the runner
(which builds it), so that neither imports the other for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from liangping.sheets.errors import ImportResult
from liangping.sheets.rows import RowReader
from liangping.sheets.table import Table

if TYPE_CHECKING:
    from liangping.core.models import User

Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    return None


@dataclass
class ImportContext:
    """What an importer gets: the located table, a reader that collects issues, and the result to fill."""

    table: Table
    result: ImportResult
    actor: User | None
    filename: str
    dry_run: bool
    progress: Progress = no_progress
    options: Mapping[str, str] = field(default_factory=dict)
    reader: RowReader = field(init=False)

    def __post_init__(self) -> None:
        self.reader = RowReader(self.table, self.result.errors, self.result.warnings)

    @property
    def reason(self) -> str:
        return f"导入：{self.filename}"

    @property
    def writes(self) -> bool:
        """Write only in a real run of a file without errors."""
        return not self.dry_run and not self.result.errors
