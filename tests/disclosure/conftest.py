from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.screen.world import World, build_world


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    """The screen caches per snapshot; test databases reuse ids, so every test starts cold."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(cast) -> World:  # type: ignore[no-untyped-def]
    return build_world(cast)
