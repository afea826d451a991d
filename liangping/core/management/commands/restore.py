"""liangping restore FILE [--force [--reason TEXT]]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangping.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "从 liangping backup 的备份文件恢复数据库；数据库已有数据时须加 --force 才会覆盖；"
        "备份中的审计日志校验不通过时须加 --force --reason。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="liangping backup 生成的备份文件")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据的数据库")
        parser.add_argument(
            "--reason", default="", help="与 --force 一起：恢复审计日志校验不通过的备份的原因（记入审计日志）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            held = restore(path, force=options["force"], reason=options["reason"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已从 {path} 恢复数据库：{sum(held.values())} 条记录。"
            "如备份来自较早的版本，请再运行 liangping migrate；可用 liangping audit verify 校验审计日志。"
        )
