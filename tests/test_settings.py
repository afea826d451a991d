"""Settings come from the environment; production refuses DEBUG and a missing secret key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHECK = "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_") and k != "DATABASE_URL"}
    clean.update(env, DJANGO_SETTINGS_MODULE="liangping.settings")
    return subprocess.run(
        [sys.executable, "-c", CHECK], env=clean, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LIANGPING_ENV": "production"}, "LIANGPING_SECRET_KEY"),
        (
            {"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": "x" * 50, "LIANGPING_DEBUG": "1"},
            "调试模式",
        ),
        ({"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": "short"}, "太短"),
        ({"LIANGPING_DEBUG": "maybe"}, "不是布尔值"),
    ],
)
def test_production_refuses_unsafe_settings(env, message, tmp_path):
    result = run({**env, "LIANGPING_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_secret_key(tmp_path):
    result = run(
        {"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": "k" * 50, "LIANGPING_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_database_url_selects_postgresql(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_")}
    env.update(
        DJANGO_SETTINGS_MODULE="liangping.settings",
        DATABASE_URL="postgres://u@127.0.0.1:5432/db",
        LIANGPING_VAR_DIR=str(tmp_path),
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "django.db.backends.postgresql"
