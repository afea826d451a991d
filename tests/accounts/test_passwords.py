"""身份鉴别: passwords of 8+ characters using 3 of 4 character classes, hashed with argon2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from liangping.accounts.validators import CharacterClassValidator
from liangping.core.forms import UserCreateForm
from liangping.core.models import Role
from tests.cast import PRODUCTION_SECRET

AUDIT_KEY = "Au7-kV2pL9sR4tW8yZ1bC6dF3gH5jK0mQ2eU7iO9aS4l"
FIELD_KEY = "Fk3-pQ8wR2tY6uI0oP4aS9dG1hJ5kL7zX3cV8bN2mQ6wE0rT"


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("abcdefgh", False),  # one class
        ("abcd1234", False),  # two classes
        ("ABCD#$%&", False),
        ("Abcd1234", True),  # upper, lower, digits
        ("abcd12#$", True),  # lower, digits, symbols
        ("ABCD12#$", True),
        ("Liangping#2025", True),
        ("密码abc123", True),  # a Chinese character counts as a symbol
    ],
)
def test_three_of_four_character_classes(password, ok):
    validator = CharacterClassValidator(min_classes=3)
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError) as exc:
            validator.validate(password)
        assert "至少 3 类" in exc.value.messages[0]


@pytest.mark.django_db
def test_the_configured_validators_refuse_short_and_simple_passwords():
    for weak in ["Ab1#", "abcdefgh", "12345678", "abcd1234"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Zaozhuang#88")


@pytest.mark.django_db
def test_the_account_form_explains_in_chinese(cast):
    form = UserCreateForm(
        {
            "username": "newbie",
            "display_name": "新人",
            "role": Role.SUPERVISOR,
            "password1": "abcd1234",
            "password2": "abcd1234",
        }
    )
    assert not form.is_valid()
    assert "密码须包含大写字母、小写字母、数字、符号四类中的至少 3 类" in form.errors["password2"]


def run_settings(code: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_") and k != "DATABASE_URL"}
    clean.update(env, DJANGO_SETTINGS_MODULE="liangping.settings", LIANGPING_VAR_DIR=str(tmp_path))
    clean.setdefault("LIANGPING_AUDIT_KEY", AUDIT_KEY)  # required in production; "" tests its absence
    clean.setdefault("LIANGPING_FIELD_KEY", FIELD_KEY)  # likewise
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60)


def test_passwords_are_hashed_with_argon2id(tmp_path):
    """The real settings (the test run swaps in a fast hasher, so look at them in a fresh process)."""
    code = (
        "import django; django.setup(); from django.contrib.auth.hashers import make_password; "
        "print(make_password('Liangping#2025'))"
    )
    result = run_settings(
        code, {"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": PRODUCTION_SECRET}, tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("argon2$argon2id$")
