"""The API rate limit keys on who authentication established (token, user) or the client address,
never on a header the client invents, and counts in the shared cache: every process, one limit."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import Client

from liangping.accounts.middleware import ApiRateLimitMiddleware, hit
from liangping.core.api import create_token

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_random_authorization_headers_do_not_reset_the_count(cast, settings):
    settings.API_RATE_PER_MINUTE = 3
    for _ in range(3):
        header = f"Bearer {uuid.uuid4().hex}"
        assert Client(REMOTE_ADDR="10.8.1.1").get("/api/v1/me", HTTP_AUTHORIZATION=header).status_code == 401
    refused = Client(REMOTE_ADDR="10.8.1.1").get("/api/v1/me", HTTP_AUTHORIZATION="Bearer another")
    assert refused.status_code == 429
    # a signed-in user likewise: a made-up header does not give a fresh count
    session = Client()
    session.force_login(cast.district)
    for n in range(3):
        assert session.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer x{n}").status_code == 200
    assert session.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer fresh").status_code == 429


@pytest.mark.django_db
def test_a_valid_token_is_counted_by_its_id(cast, settings):
    settings.API_RATE_PER_MINUTE = 2
    token, raw = create_token(cast.secadmin, cast.supervisor, "脚本")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 429]
    # the same token from another address shares its count
    other = Client(REMOTE_ADDR="10.8.2.2", headers={"Authorization": f"Bearer {raw}"})
    assert other.get("/api/v1/me").status_code == 429
    request = other.get("/api/v1/me").wsgi_request
    assert ApiRateLimitMiddleware.ident(request) == f"token:{token.pk}"


@pytest.mark.django_db
def test_the_count_lives_in_the_shared_cache(cast, settings):
    """A second cache client on the same backend (as another worker process has) sees the count."""
    settings.API_RATE_PER_MINUTE = 3
    assert isinstance(caches["shared"], DatabaseCache)
    client = Client(REMOTE_ADDR="10.8.3.3")
    assert client.get("/api/v1/me").status_code == 401
    key = next(k for k in shared_keys() if "ip:10.8.3.3" in k).removeprefix(":1:")
    elsewhere = DatabaseCache(settings.CACHE_TABLE, {})  # a separate client of the same table
    assert elsewhere.get(key) == 1
    elsewhere.incr(key)
    elsewhere.incr(key)  # two requests served by another process
    assert client.get("/api/v1/me").status_code == 429


def shared_keys() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM liangping_cache")
        return [row[0] for row in cursor.fetchall()]


COUNT = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("createcachetable", verbosity=0)
from liangping.accounts.middleware import hit
for _ in range(int(sys.argv[1])):
    n = hit("lp:api-rate:ip:10.8.4.4:1")
print(n)
"""


def test_two_processes_share_one_count(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        LIANGPING_ENV="test",
        LIANGPING_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        LIANGPING_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="liangping.settings",
        PYTHONPATH=str(REPO),
    )

    def run(times: int) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", COUNT, str(times)], env=env, stdout=subprocess.PIPE, text=True
        )

    first = run(5)
    assert first.communicate(timeout=120)[0].strip() == "5"
    second = run(3)
    assert second.communicate(timeout=120)[0].strip() == "8"  # the other process's five count too
    # and concurrently: two processes counting at once lose nothing on SQLite
    both = [run(20), run(20)]
    results = sorted(int(p.communicate(timeout=120)[0]) for p in both)
    assert results[-1] == 48


@pytest.mark.django_db
def test_hit_counts_from_one(settings):
    assert [hit("lp:test:one") for _ in range(3)] == [1, 2, 3]
