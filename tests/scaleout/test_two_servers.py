"""Two application servers (gunicorn on two ports) against one PostgreSQL and one Redis, as a
province runs them behind a load balancer: a session made on one works on the other, the API rate
limit and the lockout counts are one across both, and a period lock started in two processes at
once gives one lock and one refusal."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from liangping.grading.models import Snapshot
from liangping.grading.services import get_or_create_period
from tests.cast import PASSWORD
from tests.scaleout.conftest import REPO, finish, free_port, process_env, python

pytestmark = [
    pytest.mark.scaleout,
    pytest.mark.pg,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the rehearsal runs on PostgreSQL"),
]

RATE = 6


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Server:
    def __init__(self, port: int, proc: subprocess.Popen[bytes]) -> None:
        self.port, self.proc = port, proc

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        data = urlencode(body) if body is not None else None
        sent = {k.replace("_", "-"): v for k, v in headers.items()}
        if data is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, data, sent)
        response = conn.getresponse()
        out = (response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode())
        cookies = SimpleCookie()
        for key, value in response.getheaders():
            if key.lower() == "set-cookie":
                cookies.load(value)
        out[1]["cookies"] = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
        conn.close()
        return out


@pytest.fixture
def servers(transactional_db, cast, redis_url, tmp_path) -> Iterator[tuple[Server, Server]]:  # type: ignore[no-untyped-def]
    # the servers check passwords with the production hashers (the test run uses a fast one)
    for user in (cast.leader, cast.leader2):
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, "scaleoutsalt", iterations=1000)
        user.save(update_fields=["password"])
    env = process_env(
        tmp_path,
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        LIANGPING_STATIC_MANIFEST="0",
        LIANGPING_API_RATE_PER_MINUTE=str(RATE),
        LIANGPING_PROXY_CLIENT_IP_HEADER="X-Forwarded-For",
    )
    # one data directory: the servers share the secret key (sessions), as hosts share their settings
    finish(python("import django; django.setup()", env=env))
    started = []
    for _ in range(2):
        port = free_port()
        cmd = [sys.executable, "-m", "gunicorn", "liangping.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--threads", "2", "--log-level", "warning"]  # fmt: skip
        started.append(Server(port, subprocess.Popen(cmd, env=env, cwd=REPO, stderr=subprocess.PIPE)))
    try:
        for server in started:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", server.port), 0.5).close()
                    break
                except OSError:
                    assert server.proc.poll() is None, server.proc.stderr.read() if server.proc.stderr else ""
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.2)
        yield started[0], started[1]
    finally:
        for server in started:
            server.proc.terminate()
            server.proc.wait(20)


def login(server: Server, username: str, password: str, address: str) -> tuple[int, dict[str, str], str]:
    _, headers, page = server.request("GET", "/accounts/login/", X_Forwarded_For=address)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page[:500]
    form = {"csrfmiddlewaretoken": token[1], "username": username, "password": password}
    return server.request(
        "POST", "/accounts/login/", form, Cookie=headers["cookies"], X_Forwarded_For=address
    )


def check_a_session_made_on_one_server_works_on_the_other(servers, cast):
    a, b = servers
    status, headers, _ = login(a, cast.leader.username, PASSWORD, "10.9.0.1")
    assert status == 302, "the leader signs in on server A"
    session = headers["cookies"]
    assert "sessionid=" in session
    status, _, page = b.request("GET", "/projects/", Cookie=session, X_Forwarded_For="10.9.0.1")
    assert status == 200 and cast.leader.display_name in page  # signed in on B, as the leader
    assert b.request("GET", "/projects/", X_Forwarded_For="10.9.0.1")[0] == 302  # without it: login


def check_the_lockout_count_is_one_across_servers(servers, cast):
    a, b = servers
    # five failures from five addresses, alternating between the servers: neither server saw five,
    # yet the fifth locks the account (django-axes answers it with the lockout page)
    for n in range(5):
        status, _, page = login((a, b)[n % 2], cast.leader2.username, "wrong-password", f"10.9.1.{n + 1}")
        assert (status, "登录已暂时锁定" in page) == ((200, False) if n < 4 else (429, True)), n
    status, _, page = login(b, cast.leader2.username, PASSWORD, "10.9.1.99")
    assert status == 429 and "登录已暂时锁定" in page  # the right password, refused on the other server


def check_the_api_rate_limit_is_one_across_servers(servers):
    a, b = servers
    statuses = [
        (a, b)[n % 2].request("GET", "/api/v1/me", X_Forwarded_For="10.9.2.1")[0] for n in range(RATE + 2)
    ]
    assert 429 not in statuses[:RATE] and statuses[RATE:] == [429, 429]
    assert b.request("GET", "/api/v1/me", X_Forwarded_For="10.9.2.2")[0] != 429  # another caller


LOCK = """
import json, sys, time
import django
django.setup()
from liangping.core.models import Period, User
from liangping.grading import services
actor = User.objects.get(pk=int(sys.argv[1]))
period = Period.objects.get(pk=int(sys.argv[2]))
start_at = float(sys.argv[3])
while time.time() < start_at:
    time.sleep(0.005)
try:
    services.lock_period(actor, period, confirm_unreviewed=True)
    print(json.dumps(["locked", ""]))
except services.GradingError as exc:
    print(json.dumps(["refused", str(exc)]))
"""


def check_a_period_locked_from_two_servers_at_once_is_locked_once(servers, cast, tmp_path):
    period = get_or_create_period("2025-12")
    env = process_env(tmp_path / "lock", DATABASE_URL=database_url())
    finish(python("import django; django.setup()", env=env))
    start_at = str(time.time() + 3)
    procs = [python(LOCK, str(cast.supervisor.pk), str(period.pk), start_at, env=env) for _ in range(2)]
    outcomes = sorted(json.loads(finish(p).strip().splitlines()[-1])[0] for p in procs)
    assert outcomes == ["locked", "refused"]
    assert Snapshot.objects.filter(period=period).count() == 1


def check_the_servers_answer_the_screen_without_django(servers):
    a, b = servers
    first = a.request("GET", "/screen/data.json")
    again = b.request("GET", "/screen/data.json", If_None_Match=first[1]["etag"])
    assert first[0] == 200 and again[0] == 304  # one document: the same ETag from either server
    assert "cookies" in first[1] and first[1]["cookies"] == ""  # no session touched


def test_two_servers_one_database_one_redis(servers, cast, tmp_path):
    """One pair of servers for every check (starting gunicorn twice costs seconds on two cores)."""
    check_a_session_made_on_one_server_works_on_the_other(servers, cast)
    check_the_lockout_count_is_one_across_servers(servers, cast)
    check_the_api_rate_limit_is_one_across_servers(servers)
    check_a_period_locked_from_two_servers_at_once_is_locked_once(servers, cast, tmp_path)
    check_the_servers_answer_the_screen_without_django(servers)
