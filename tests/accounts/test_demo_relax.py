"""The demo city relaxes two-factor login to stay one command, and says so; production never does."""

from __future__ import annotations

from liangping.accounts.validators import CharacterClassValidator
from liangping.demo import serving
from liangping.demo.names import DEMO_PASSWORD


def test_the_served_demo_relaxes_two_factor_login():
    assert serving.serve_env({}, demo=True)["LIANGPING_DEMO_RELAX_2FA"] == "1"
    assert "LIANGPING_DEMO_RELAX_2FA" not in serving.serve_env({})


def test_the_demo_password_meets_the_policy():
    CharacterClassValidator().validate(DEMO_PASSWORD)
