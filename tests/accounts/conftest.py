"""Fixtures of the account-security tests: strict two-factor login, a clean cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture
def strict(settings):  # type: ignore[no-untyped-def]
    """Two-factor login as in production (the test run relaxes it by default)."""
    settings.TWO_FACTOR_RELAXED = False
    return settings


@pytest.fixture(autouse=True)
def _clean_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()
