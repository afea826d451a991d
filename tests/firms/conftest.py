import pytest

from tests.firms.world import FirmWorld, build_firms


@pytest.fixture
def fw(cast) -> FirmWorld:  # type: ignore[no-untyped-def]
    return build_firms(cast)
