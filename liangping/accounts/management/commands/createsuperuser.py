"""Django's createsuperuser, refused: a superuser would hold every power at once (三权分立)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "亮屏不使用超级用户：请用 liangping createadmin"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("args", nargs="*")
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument("--noinput", "--no-input", action="store_true")
        parser.add_argument("--database")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(
            "亮屏不使用超级用户（三权分立：系统、安全、审计管理员各司其职）。"
            "请用 liangping createadmin 用户名 --role sysadmin|secadmin|auditor 分别新建三个管理员账号。"
        )
