"""Spreadsheet importers of the projects app, registered with liangping.sheets by name."""

from __future__ import annotations

from liangping.projects.imports.ledger import PROJECT_COLUMNS, import_projects
from liangping.projects.imports.monthly import MONTHLY_COLUMNS, import_monthly
from liangping.sheets.registry import Importer, register_importer

__all__ = ["MONTHLY_COLUMNS", "PROJECT_COLUMNS", "import_monthly", "import_projects", "register"]


def register() -> None:
    register_importer(
        Importer(
            "projects",
            "项目台账",
            PROJECT_COLUMNS,
            import_projects,
            "按项目编号新增或更新重点项目；同一文件重复导入不会产生任何变化。",
            model="projects.project",
        )
    )
    register_importer(
        Importer(
            "monthly",
            "月度调度",
            MONTHLY_COLUMNS,
            import_monthly,
            "按项目编号和年月新增或更新月度调度；填写了“存在问题”的将登记到问题闭环。",
            model="projects.monthlyreport",
        )
    )
