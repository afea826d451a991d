"""Serving liangping with gunicorn: the command line, and the step that replaces this process with it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from io import TextIOBase
from typing import NoReturn

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from liangping.notices.queue import STOP_WITH

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_WORKERS = 2
THREADS = 4


def gunicorn_argv(
    bind: str = DEFAULT_BIND, workers: int = DEFAULT_WORKERS, threads: int = THREADS
) -> list[str]:
    """gunicorn serving liangping.wsgi with threaded workers and the access log on stdout."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "liangping.wsgi:application",
        "--config",
        "python:liangping.demo.gunicorn_config",  # no Server header
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        # No control socket under $HOME: two servers on one machine would share it, and a service
        # account may have no writable home.
        "--no-control-socket",
    ]


def serve_env(base: Mapping[str, str], *, demo: bool = False) -> dict[str, str]:
    env = dict(base)
    env.setdefault("DJANGO_SETTINGS_MODULE", "liangping.settings")
    # the served site shows the 403/404/500 pages, never the debug page, and its static files come
    # hashed and compressed (LIANGPING_DEBUG=1 still turns debugging on)
    env.setdefault("LIANGPING_DEBUG", "0")
    if demo:
        env["LIANGPING_DEMO"] = "1"  # the served pages show the demo banner
        # one command, no phone needed: administrators and supervisors may skip two-factor login,
        # and every page says so (production refuses this variable)
        env["LIANGPING_DEMO_RELAX_2FA"] = "1"
    return env


def worker_argv() -> list[str]:
    """The job queue's consumer (`liangping worker`) with one thread: enough for a demo."""
    return [sys.executable, "-m", "liangping.cli", "worker", "--workers", "1", "--worker-type", "thread"]


def start_worker(env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start the consumer beside the server so reminders and escalations arrive in the demo.

    This process becomes the server (exec keeps its id); the consumer stops once that process is
    gone, however the server was stopped (Ctrl+C also reaches both)."""
    return subprocess.Popen(worker_argv(), env={**env, STOP_WITH: str(os.getpid())})


def pending_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def url_of(bind: str) -> str:
    host, _, port = bind.rpartition(":")
    if bind.startswith("unix:") or not port:
        return bind
    return f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}/"


def serve(
    stdout: TextIOBase, bind: str = DEFAULT_BIND, workers: int = DEFAULT_WORKERS, *, demo: bool = False
) -> NoReturn:
    """Collect static files quietly, make sure the shared cache's table exists (the API rate limit
    counts there when Redis is not configured), then become gunicorn (this process is replaced)."""
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    if pending := pending_migrations():
        stdout.write(f"注意：数据库还有 {pending} 个迁移未执行，请先运行 liangping migrate\n")
    argv = gunicorn_argv(bind, workers)
    stdout.write(f"亮屏正在启动：{url_of(bind)}（{workers} 个进程 × {THREADS} 个线程，按 Ctrl+C 停止）\n")
    env = serve_env(os.environ, demo=demo)
    if demo:
        worker = start_worker(env)
        stdout.write(
            f"后台任务已随之启动（进程 {worker.pid}）：超期升级、报送提醒和每日汇总按时送达，随服务一起停止\n"
        )
    stdout.flush()
    connections.close_all()
    os.execve(argv[0], argv, env)
