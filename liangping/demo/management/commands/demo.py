"""liangping demo [--province] [--no-serve] [--today YYYY-MM-DD]: migrate, load the demo city (or the demo
province: 枣庄 in full and the other 15 cities), print the logins, serve."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from liangping.demo.loader import LoadResult, load_demo, loaded_anchor
from liangping.demo.management.commands.serve import add_serve_arguments, check_workers
from liangping.demo.names import DEMO_PASSWORD
from liangping.demo.province import load_province
from liangping.demo.serving import serve


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--today 的日期“{text}”无法识别，请写成 2026-11-20") from exc


def width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def login_lines(result: LoadResult) -> list[str]:
    pad = max(width(label) for label, _ in result.logins) + 2
    return [
        f"  {label}{' ' * (pad - width(label))}{username} / {DEMO_PASSWORD}"
        for label, username in result.logins
    ]


class Command(BaseCommand):
    help = "加载示例城市（枣庄）并启动亮屏；再次运行不会重复创建数据"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="只加载数据，不启动服务")
        parser.add_argument(
            "--province",
            action="store_true",
            help="加载示例省：枣庄（完整）、省督查机构和其余15个市的示例台账（每市各自锁定并发布一个考核期）",
        )
        parser.add_argument(
            "--today",
            type=parse_day,
            help="示例数据的“今天”（YYYY-MM-DD）；默认今天，已加载过则沿用当时的日期",
        )
        add_serve_arguments(parser)

    def anchor(self, asked: dt.date | None) -> dt.date:
        """The demo's "today": as asked, else the one this database was loaded with, else today.

        A database holds one demo city: loading a second one as of another day would add a second set of
        visits and problems beside the first, so that is refused.
        """
        loaded = loaded_anchor()
        if asked and loaded and asked != loaded:
            raise CommandError(
                f"该数据库已加载数据截至 {loaded:%Y-%m-%d} 的示例城市，不能再按 {asked:%Y-%m-%d} 加载。"
                "如需换日期，请删除数据库文件（var/liangping.sqlite3）"
                "或用 LIANGPING_SQLITE_PATH 指定新文件后重试。"
            )
        return asked or loaded or timezone.localdate()

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("生产环境不能加载示例城市：示例账号的密码是公开的。")
        workers = check_workers(options["workers"])
        call_command("migrate", interactive=False, verbosity=0)
        today = self.anchor(options["today"])
        if options["province"]:
            self.load_province(today)
        else:
            self.load_city(today)
        if not options["no_serve"]:
            serve(self.stdout, options["bind"], workers, demo=True)

    def summary(self, what: str, result: LoadResult, today: dt.date) -> None:
        """What a load added, or that there was nothing to add."""
        if result.changed:
            made = "，".join(f"{label} {n}" for label, n in result.created.items() if n)
            self.stdout.write(
                f"{what}已加载（数据截至 {today:%Y-%m-%d}，用时 {result.seconds:.1f} 秒）：{made}"
            )
        else:
            self.stdout.write(f"{what}已是最新（数据截至 {today:%Y-%m-%d}），没有需要新增的数据")

    def load_city(self, today: dt.date) -> None:
        result = load_demo(today)
        self.summary("示例城市", result, today)
        self.stdout.write("项目、人员和数字多为示例数据；市领导、专员和联系人均为虚构人物。")
        self.stdout.write("演示账号（各角色一个）：")
        for line in login_lines(result):
            self.stdout.write(line)
        self.stdout.write(
            "注意：示例城市已放宽双因素登录（管理员和督查人员无需绑定动态口令即可登录），"
            "每个页面顶部都有提示；正式环境不会放宽。"
        )

    def load_province(self, today: dt.date) -> None:
        result = load_province(today)
        self.summary("示例省", result, today)
        self.stdout.write(
            "山东省16个市：枣庄为完整示例城市，其余15个市各有少量示例项目和一个已发布的考核期；"
            "项目、人员和数字多为示例数据，市领导、专员和联系人均为虚构人物。"
        )
        self.stdout.write("演示账号（枣庄各角色一个，省督查人员和各市督查人员）：")
        for line in login_lines(result):
            self.stdout.write(line)
        self.stdout.write(
            "省督查人员只读全省各市（/province/ 切换城市）；"
            "各市大屏：/screen/<市代码>/（如 /screen/370100/）。"
        )
        self.stdout.write(
            "注意：示例城市已放宽双因素登录（管理员和督查人员无需绑定动态口令即可登录），"
            "每个页面顶部都有提示；正式环境不会放宽。"
        )
