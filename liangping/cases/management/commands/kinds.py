"""liangping kinds load [FILE …] | liangping kinds check FILE …"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from liangping.cases.kindload import LIVE, load_files
from liangping.cases.models import CaseKind
from liangping.core.audit import record
from liangping.kinds.spec import KindConfigError, load_spec


class Command(BaseCommand):
    help = (
        "事项类型配置：load 载入随代码发布的类型文件（或指定的文件；"
        "内容变了就存为新版本，已登记的事项仍按原版本办理）；check 只检查文件，不载入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        load = sub.add_parser("load", help="载入类型配置（默认载入 liangping/kinds/ 下的全部文件）")
        load.add_argument("files", nargs="*", help="类型配置文件（TOML）")
        check = sub.add_parser("check", help="检查类型配置文件")
        check.add_argument("files", nargs="+", help="类型配置文件（TOML）")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(f) for f in options["files"]] or None
        try:
            if options["action"] == "check":
                for path in paths or []:
                    spec = load_spec(path)
                    self.stdout.write(f"{path}：{spec.name}（{spec.code}）配置无误")
                return
            with transaction.atomic():
                loaded = load_files(paths, LIVE)
                for item in loaded:
                    if item.changed or item.categories or item.limits:
                        kind = CaseKind.objects.get(code=item.code)
                        record(
                            None,
                            "case_kind.load",
                            kind,
                            changes={
                                "version": [None, item.version],
                                "categories_added": [None, item.categories],
                                "limits_added": [None, item.limits],
                            },
                            reason="liangping kinds load",
                        )
        except (KindConfigError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for item in loaded:
            state = "新增" if item.created else ("已更新为新版本" if item.changed else "未变")
            self.stdout.write(
                f"{item.code}：{state}（第 {item.version} 版），"
                f"新增分类 {item.categories} 个，新增时限 {item.limits} 条"
            )
