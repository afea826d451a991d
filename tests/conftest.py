from __future__ import annotations

import os

import pytest
from django.core.cache import caches

from tests.cast import Cast, build_cast

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Every test starts with an empty per-process cache. Pages cache derived figures under the audit
    log's change stamp, which every service write moves; a test's rolled-back transaction gives the
    next test the same audit ids, and data made by factories writes no audit entry."""
    caches["default"].clear()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing is not under test here (the security suite checks the real hashers).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """The 16 cities and 15 indicators the data migration loads, put back for every database test:
    a transactional test (the browser suite, the fault and backup tests) flushes every table when
    it ends, and whichever test runs after it would otherwise find no cities. One query when present."""
    uses_db = set(request.fixturenames) & {"db", "transactional_db", "live_server"}
    if not (request.node.get_closest_marker("django_db") or uses_db):
        return
    request.getfixturevalue("db")  # transactional when the test asked for it (pytest-django decides)
    from liangping.indicators.catalogue import ensure_reference_data
    from liangping.indicators.models import City, Indicator

    try:
        present = City.objects.exists()
    except RuntimeError:  # the test's own fixture named "db" (a database file for a subprocess)
        return
    if not present:
        ensure_reference_data(City, Indicator)
    _case_kinds()


def _case_kinds() -> None:
    """The case kinds the data migration loads, put back after a transactional test flushed them."""
    from liangping.cases.kindload import LIVE, load_files
    from liangping.cases.models import CaseKind

    if not CaseKind.objects.exists():
        load_files(None, LIVE)
