"""The API rate limit is one count across processes on Redis too (the database cache fallback is
covered by tests/accounts/test_rate_limit.py)."""

from __future__ import annotations

import pytest

from tests.scaleout.conftest import finish, process_env, python

pytestmark = pytest.mark.scaleout

COUNT = """
import sys
import django
django.setup()
from liangping.accounts.middleware import hit
for _ in range(int(sys.argv[1])):
    n = hit("lp:api-rate:ip:10.8.4.4:1")
print(n)
"""


def test_two_processes_share_one_rate_count_on_redis(tmp_path, redis_url):
    env = process_env(tmp_path, REDIS_URL=redis_url)
    assert finish(python(COUNT, "5", env=env)).strip() == "5"
    assert finish(python(COUNT, "3", env=env)).strip() == "8"  # the other process's five count too
    both = [python(COUNT, "50", env=env) for _ in range(2)]
    assert max(int(finish(p)) for p in both) == 108  # counted at once, nothing lost
