"""liangping backup FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangping.core.backup import BackupError, backup, vendor


class Command(BaseCommand):
    help = "备份整个数据库到文件（SQLite：在线备份；PostgreSQL：pg_dump -Fc）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件，如 var/backup-2025-06-30.sqlite3 或 .dump")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            held = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已备份 {vendor()} 数据库到 {path}：{sum(held.values())} 条记录（{len(held)} 张表）"
        )
