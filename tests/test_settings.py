"""Settings come from the environment; production refuses DEBUG and a missing secret key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cast import PRODUCTION_SECRET

CHECK = "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)"

AUDIT_KEY = "Au7-kV2pL9sR4tW8yZ1bC6dF3gH5jK0mQ2eU7iO9aS4l"
FIELD_KEY = "Fk3-pQ8wR2tY6uI0oP4aS9dG1hJ5kL7zX3cV8bN2mQ6wE0rT"


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_") and k != "DATABASE_URL"}
    clean.update(env, DJANGO_SETTINGS_MODULE="liangping.settings")
    clean.setdefault("LIANGPING_AUDIT_KEY", AUDIT_KEY)  # required in production; "" tests its absence
    clean.setdefault("LIANGPING_FIELD_KEY", FIELD_KEY)  # likewise
    return subprocess.run(
        [sys.executable, "-c", CHECK], env=clean, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LIANGPING_ENV": "production"}, "LIANGPING_SECRET_KEY"),
        (
            {
                "LIANGPING_ENV": "production",
                "LIANGPING_SECRET_KEY": "x" * 50,
                "LIANGPING_DEBUG": "1",
            },
            "调试模式",
        ),
        ({"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": "short"}, "太短"),
        # long enough, but no secret: one character, two, a repeated pattern
        ({"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": "k" * 50}, "只有 1 种不同的字符"),
        ({"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": "ab" * 30}, "只有 2 种不同的字符"),
        ({"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": "0123456789abcdef" * 4}, "重复的片段"),
        ({"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": "abcdefghijk" * 3}, "位熵"),
        (
            {
                "LIANGPING_ENV": "production",
                "LIANGPING_SECRET_KEY": PRODUCTION_SECRET,
                "LIANGPING_FIELD_KEY": "",
            },
            "LIANGPING_FIELD_KEY",
        ),
        (
            {
                "LIANGPING_ENV": "production",
                "LIANGPING_SECRET_KEY": PRODUCTION_SECRET,
                "LIANGPING_FIELD_KEY": "short",
            },
            "LIANGPING_FIELD_KEY 太短",
        ),
        (
            {
                "LIANGPING_ENV": "production",
                "LIANGPING_SECRET_KEY": PRODUCTION_SECRET,
                "LIANGPING_FIELD_KEY": "f" * 48,
            },
            "LIANGPING_FIELD_KEY 太简单",
        ),
        ({"LIANGPING_DEBUG": "maybe"}, "不是布尔值"),
        (
            {
                "LIANGPING_ENV": "production",
                "LIANGPING_SECRET_KEY": PRODUCTION_SECRET,
                "LIANGPING_AUDIT_KEY": "",
            },
            "LIANGPING_AUDIT_KEY",
        ),
        (
            {
                "LIANGPING_ENV": "production",
                "LIANGPING_SECRET_KEY": PRODUCTION_SECRET,
                "LIANGPING_AUDIT_KEY": "short",
            },
            "LIANGPING_AUDIT_KEY 太短",
        ),
    ],
)
def test_production_refuses_unsafe_settings(env, message, tmp_path):
    result = run({**env, "LIANGPING_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert message in result.stderr


def test_random_keys_pass_the_entropy_check():
    import secrets

    from liangping.env import key_weakness

    for _ in range(200):
        assert key_weakness(secrets.token_urlsafe(50)) == ""
        assert key_weakness(secrets.token_hex(32)) == ""
        assert key_weakness(secrets.token_urlsafe(24)) == ""  # 32 characters, the shortest allowed


def test_production_starts_with_a_secret_key(tmp_path):
    result = run(
        {
            "LIANGPING_ENV": "production",
            "LIANGPING_SECRET_KEY": PRODUCTION_SECRET,
            "LIANGPING_VAR_DIR": str(tmp_path),
        }
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


def test_outside_production_the_audit_key_is_generated_for_the_service_alone(tmp_path):
    code = (
        "import django; from django.conf import settings; django.setup(); print(settings.LIANGPING_AUDIT_KEY)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_") and k != "DATABASE_URL"}
    clean.update(DJANGO_SETTINGS_MODULE="liangping.settings", LIANGPING_VAR_DIR=str(tmp_path))
    first = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )
    again = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "audit_key"
    assert (key_file.stat().st_mode & 0o777) == 0o600
    assert first.stdout.strip() == again.stdout.strip() == key_file.read_text().strip()
    assert len(first.stdout.strip()) >= 32


@pytest.mark.parametrize(("environment", "debug"), [("test", "False"), ("development", "True")])
def test_debug_is_on_only_while_developing(environment, debug, tmp_path):
    """The test run (and production, above) show the 404/500 pages, never Django's debug page."""
    result = run({"LIANGPING_ENV": environment, "LIANGPING_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == debug


def test_served_sites_use_hashed_compressed_static_files(tmp_path):
    """`liangping serve` and `liangping demo` run gunicorn without debugging, so pages name the hashed,
    compressed files collectstatic wrote (tests/web/test_static.py serves them)."""
    from liangping.demo.serving import serve_env

    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DEBUG, settings.STORAGES['staticfiles']['BACKEND'], settings.WHITENOISE_USE_FINDERS)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_") and k != "DATABASE_URL"}
    env = serve_env({**env, "LIANGPING_VAR_DIR": str(tmp_path)}, demo=True)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "whitenoise.storage.CompressedManifestStaticFilesStorage", "False"]
