"""liangping disclosure PERIOD FILE.docx — the quarterly disclosure of a published period as Word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangping.disclosure.document import docx_bytes
from liangping.screen.data import NotPublished, payload_for, published_snapshot


class Command(BaseCommand):
    help = "生成已发布考核期的双公开报告（.docx），如：liangping disclosure 2026Q3 报告.docx"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="2026Q3（季度）或 2026-09（月）")
        parser.add_argument("file", help="输出文件，扩展名 .docx")

    def handle(self, *args: Any, **opts: Any) -> None:
        target = Path(opts["file"])
        if target.suffix.lower() != ".docx":
            raise CommandError(f"输出文件须以 .docx 结尾：{target}")
        try:
            snapshot = published_snapshot(opts["period"])
        except NotPublished as exc:
            raise CommandError(str(exc)) from exc
        data, _body = payload_for(snapshot)
        try:
            target.write_bytes(docx_bytes(data))
        except OSError as exc:
            raise CommandError(f"无法写入 {target}：{exc.strerror or exc}") from exc
        self.stdout.write(f"已生成《{data['title']}》（快照第{data['as_of']['version']}版）：{target}")
