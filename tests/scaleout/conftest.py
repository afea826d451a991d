"""Several processes against one Redis and one database: a private Redis server per module (the
machine's redis-server on a free port, no persistence), so nothing is shared with another run."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (make test installs it)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    cmd = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--dir", str(workdir)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("the private redis-server did not start")
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def process_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a separate application process: development settings on its own SQLite
    file and data directory (never the test run's DATABASE_URL or REDIS_URL unless given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        LIANGPING_ENV="development",
        LIANGPING_DEBUG="0",
        LIANGPING_LOG_LEVEL="WARNING",
        LIANGPING_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        LIANGPING_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="liangping.settings",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


def python(code: str, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out
