from __future__ import annotations

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _public_limits(request: pytest.FixtureRequest) -> None:
    """The public pages count requests per address in the shared cache (a database table here): every
    test starts at zero, and may file more than five appeals an hour (the limit has its own test)."""
    if not {"db", "transactional_db", "live_server", "cast"} & set(request.fixturenames):
        return
    from liangping.core.models import Setting

    caches["shared"].clear()
    Setting.objects.update_or_create(key="appeal_public_per_hour", defaults={"value": 100})
