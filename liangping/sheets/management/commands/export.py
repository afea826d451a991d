"""liangping export KIND FILE.xlsx [--as USERNAME] [--filter NAME=VALUE ...]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangping.core.scope import sees_ledger
from liangping.sheets import registry
from liangping.sheets.cli import ProgressBar, resolve_actor, wants_progress
from liangping.sheets.runner import run_export


class Command(BaseCommand):
    help = "导出为带格式的 .xlsx（如项目台账 projects）。用 --as 按该用户的权限范围导出。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="导出类型：" + "、".join(e.name for e in registry.exporters()))
        parser.add_argument("file", help="输出的 .xlsx 文件")
        parser.add_argument("--as", dest="username", help="只导出该用户能看到的数据（默认：全部）")
        parser.add_argument("--period", help="考核期（分级、排名导出用），如 2025-06 或 2025Q2；默认上月")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="筛选条件，可多次使用：district、stage、level、industry、leader、department、specialist、q",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], Path(options["file"])
        entry = registry.exporter(kind)
        if entry is None:
            names = "、".join(e.name for e in registry.exporters())
            raise CommandError(f"未知的导出类型“{kind}”，可选：{names}")
        if path.suffix.lower() != ".xlsx":
            raise CommandError("导出文件名须以 .xlsx 结尾")
        filters = {}
        for item in options["filter"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"筛选条件“{item}”应写成 名称=值")
            filters[name.strip()] = value.strip()
        if options["period"]:
            filters["period"] = options["period"]
        scoped = bool(options["username"])
        actor = resolve_actor(options["username"])
        if scoped and (actor is None or not sees_ledger(actor)):
            raise CommandError("该用户没有查看台账的权限")
        bar = ProgressBar(sys.stderr, f"导出{entry.label}") if wants_progress(False) else None
        try:
            with open(path, "wb") as out:
                count = run_export(
                    kind, out, user=actor if scoped else None, actor=actor, filters=filters, progress=bar
                )
        except ValueError as exc:  # a filter the exporter cannot use, e.g. an unknown period
            path.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(f"已导出{entry.label} {count} 条：{path}")
