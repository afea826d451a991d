"""liangping serve [--bind 127.0.0.1:8000] [--workers N]: collect static files, then run gunicorn."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liangping.demo.serving import DEFAULT_BIND, DEFAULT_WORKERS, serve


def add_serve_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--bind", default=DEFAULT_BIND, help=f"监听地址，默认 {DEFAULT_BIND}")
    parser.add_argument(
        "--workers", type=int, default=DEFAULT_WORKERS, help=f"工作进程数，默认 {DEFAULT_WORKERS}"
    )


def check_workers(workers: int) -> int:
    if workers < 1:
        raise CommandError("--workers 至少为 1")
    return workers


class Command(BaseCommand):
    help = "用 gunicorn 启动亮屏（先收集静态文件）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        add_serve_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        serve(self.stdout, options["bind"], check_workers(options["workers"]))
