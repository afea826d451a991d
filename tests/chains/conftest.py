from __future__ import annotations

import pytest

from tests.cast import Cast
from tests.chains.world import ChainWorld, build_chain


@pytest.fixture
def cw(cast: Cast) -> ChainWorld:
    return build_chain(cast)
