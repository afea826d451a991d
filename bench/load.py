"""PostgreSQL databases for the data sets, and a bounded load loop against gunicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
MARKER_TABLE = "bench_marker"


# --- PostgreSQL ---------------------------------------------------------------------------------------


def _admin(base_url: str) -> Any:
    import psycopg

    parts = urlsplit(base_url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def pg_version(base_url: str) -> str:
    with _admin(base_url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]).split()[0] if row else ""


def pg_recreate(base_url: str, name: str) -> None:
    assert name.startswith("liangping_bench"), name  # never touch another database
    with _admin(base_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def pg_marker(base_url: str, name: str) -> str | None:
    import psycopg

    parts = urlsplit(base_url)
    try:
        with psycopg.connect(urlunsplit(parts._replace(path="/" + name)), autocommit=True) as conn:
            row = conn.execute(f"SELECT tag FROM {MARKER_TABLE}").fetchone()
            return row[0] if row else None
    except psycopg.Error:
        return None


def pg_set_marker(base_url: str, name: str, tag: str) -> None:
    import psycopg

    parts = urlsplit(base_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/" + name)), autocommit=True) as conn:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (tag text)")
        conn.execute(f"DELETE FROM {MARKER_TABLE}")
        conn.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s)", [tag])


def pg_analyze(base_url: str, name: str, vacuum: bool = False) -> None:
    """Planner statistics for every table of a data set, as autovacuum keeps them on a served database
    (a server without autovacuum never gathers them: PostgreSQL then plans a 30,000-project page as if
    the tables were empty). `vacuum` also marks the pages all-visible, as after a settled load."""
    import psycopg

    assert name.startswith("liangping_bench"), name
    parts = urlsplit(base_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/" + name)), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")


# --- the load loop ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _client(
    port: int, path: str, stop: float, limit: int, latencies: list[float], errors: list[str], etag: str
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    conditional = f"If-None-Match: {etag}\r\n" if etag else ""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n{conditional}\r\n"
    ).encode()
    expected = b"304" if etag else b"200"
    try:
        while time.perf_counter() < stop and len(latencies) < limit:
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            length = 0
            close = False
            for line in head.split(b"\r\n")[1:]:
                key, _, value = line.partition(b":")
                if key.lower() == b"content-length":
                    length = int(value)
                elif key.lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            if status != expected:
                errors.append(status.decode())
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def _load(
    port: int, path: str, seconds: float, clients: int, limit: int, etag: str = ""
) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    t0 = time.perf_counter()
    stop = t0 + seconds
    await asyncio.gather(*(_client(port, path, stop, limit, latencies, errors, etag) for _ in range(clients)))
    return latencies, errors, time.perf_counter() - t0


def wait_for(port: int, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _figures(latencies: list[float], errors: list[str], elapsed: float) -> dict[str, Any]:
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": p(0.5),
        "p95_ms": p(0.95),
        "errors": len(errors),
    }


def screen_rps(
    env: dict[str, str], *, seconds: float, warm_seconds: float = 5, clients: int = 16, workers: int = 2
) -> dict[str, Any]:
    """Requests per second and latency of /screen/data.json with a warm cache: gunicorn (gthread,
    keep-alive) with `workers` processes, `clients` keep-alive connections from one asyncio loop,
    bounded by time and by a request count. Measured twice in the same run: full bodies (a client
    without the data, 200) and the kiosk's conditional polls (If-None-Match with the current ETag, 304)."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "liangping.wsgi:application", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--worker-class", "gthread", "--threads", "4", "--keep-alive", "30",
           "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    try:
        wait_for(port)
        path = "/screen/data.json"
        # warm every worker's cache (a worker computes the body once per snapshot, then reads it back)
        asyncio.run(_load(port, path, warm_seconds, clients, 200))
        full = _figures(*asyncio.run(_load(port, path, seconds, clients, 1_000_000)))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        body, etag = response.read(), response.getheader("ETag", "")
        conn.close()
        polls = _figures(*asyncio.run(_load(port, path, seconds, clients, 1_000_000, etag)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    return {
        **full,
        "body_bytes": len(body),
        "poll": polls,
        "clients": clients,
        "workers": workers,
        "worker_class": "gthread x4",
    }
