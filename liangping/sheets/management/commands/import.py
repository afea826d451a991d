"""liangping import KIND FILE [--dry-run] [--json] [--as USERNAME] [--errors-xlsx OUT.xlsx]"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangping.sheets import registry
from liangping.sheets.cli import ProgressBar, resolve_actor, summary, wants_progress
from liangping.sheets.errors import ImportResult, Issue
from liangping.sheets.runner import run_import
from liangping.sheets.writing import write_issues


class Command(BaseCommand):
    help = "从 Excel/CSV 导入数据（项目台账 projects、月度调度 monthly 等）。有任何错误时不导入任何数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="导入类型：" + "、".join(i.name for i in registry.importers()))
        parser.add_argument("file", help=".xlsx、.xls 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--as", dest="username", help="以该用户身份导入（默认：第一个督查人员）")
        parser.add_argument("--errors-xlsx", help="把错误清单另存为 .xlsx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path, as_json = options["kind"], Path(options["file"]), options["json"]
        entry = registry.importer(kind)
        try:
            if entry is None:
                names = "、".join(i.name for i in registry.importers())
                raise CommandError(f"未知的导入类型“{kind}”，可选：{names}")
            if not path.is_file():
                raise CommandError(f"找不到文件：{path}")
            actor = resolve_actor(options["username"])
        except CommandError as exc:
            if not as_json:
                raise
            refused = ImportResult(kind=kind, filename=path.name, dry_run=options["dry_run"])
            refused.errors.append(Issue(None, "", str(exc)))
            self._finish(refused, as_json, "", options)
            return
        bar = ProgressBar(sys.stderr, f"导入{entry.label}") if wants_progress(as_json) else None
        try:
            result = run_import(kind, path, actor=actor, dry_run=options["dry_run"], progress=bar)
        finally:
            if bar is not None:
                bar.close()
        self._finish(result, as_json, entry.label, options)

    def _finish(self, result: ImportResult, as_json: bool, label: str, options: dict[str, Any]) -> None:
        if options.get("errors_xlsx") and result.errors:
            with open(options["errors_xlsx"], "wb") as fh:
                write_issues(fh, result.errors, result.warnings)
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            for line in summary(result, label):
                self.stdout.write(line)
        if not result.ok:
            sys.exit(1)
