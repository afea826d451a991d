from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from liangping.sheets.errors import ImportResult
from liangping.sheets.runner import run_import


@pytest.fixture
def imp(cast) -> Callable[..., ImportResult]:  # type: ignore[no-untyped-def]
    """Import a file as the supervisor: imp(path) or imp(path, "monthly", dry_run=True)."""

    def run(path: Path, kind: str = "projects", **options: Any) -> ImportResult:
        options.setdefault("actor", cast.supervisor)
        return run_import(kind, path, **options)

    return run


def issues(result: ImportResult) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]
