import pytest

from tests.services.world import World, build


@pytest.fixture
def svc(cast) -> World:
    return build(cast)
