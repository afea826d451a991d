"""E-mail settings from the environment, and a mail server that is down."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from liangping.notices.jobs import send_report_reminders
from liangping.notices.models import Notification
from tests.cast import PRODUCTION_SECRET

SHOW = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, "
    "s.DEFAULT_FROM_EMAIL)"
)

AUDIT_KEY = "Au7-kV2pL9sR4tW8yZ1bC6dF3gH5jK0mQ2eU7iO9aS4l"
FIELD_KEY = "Fk3-pQ8wR2tY6uI0oP4aS9dG1hJ5kL7zX3cV8bN2mQ6wE0rT"


def run(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_") and k != "REDIS_URL"}
    clean.update(env, DJANGO_SETTINGS_MODULE="liangping.settings", LIANGPING_VAR_DIR=str(tmp_path))
    clean.setdefault("LIANGPING_AUDIT_KEY", AUDIT_KEY)  # required in production; "" tests its absence
    clean.setdefault("LIANGPING_FIELD_KEY", FIELD_KEY)  # likewise
    return subprocess.run([sys.executable, "-c", SHOW], env=clean, capture_output=True, text=True, timeout=60)


def test_console_in_development(tmp_path):
    out = run({}, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "django.core.mail.backends.console.EmailBackend"


def test_smtp_from_the_environment_in_production(tmp_path):
    out = run(
        {
            "LIANGPING_ENV": "production",
            "LIANGPING_SECRET_KEY": PRODUCTION_SECRET,
            "LIANGPING_EMAIL_HOST": "smtp.zaozhuang.example",
            "LIANGPING_EMAIL_PORT": "587",
            "LIANGPING_EMAIL_USER": "duban",
            "LIANGPING_EMAIL_PASSWORD": "secret",
            "LIANGPING_EMAIL_USE_TLS": "1",
            "LIANGPING_DEFAULT_FROM_EMAIL": "duban@zaozhuang.example",
        },
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.zaozhuang.example",
        "587",
        "duban",
        "True",
        "duban@zaozhuang.example",
    ]


def test_tls_and_ssl_together_are_refused_in_chinese(tmp_path):
    out = run({"LIANGPING_EMAIL_USE_TLS": "1", "LIANGPING_EMAIL_USE_SSL": "1"}, tmp_path)
    assert out.returncode != 0 and "只能开启一个" in out.stderr


def test_a_port_that_is_not_a_number_is_refused(tmp_path):
    out = run({"LIANGPING_EMAIL_PORT": "smtp"}, tmp_path)
    assert out.returncode != 0 and "LIANGPING_EMAIL_PORT" in out.stderr and "不是整数" in out.stderr


@pytest.mark.django_db
def test_a_mail_server_that_is_down_leaves_the_in_app_notices(people, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert len(send_report_reminders(dt.date(2026, 9, 24))) == 3
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 3
    assert "请检查 LIANGPING_EMAIL_" in caplog.text
    # the next run does not store or retry them as new messages
    assert send_report_reminders(dt.date(2026, 9, 28)) == []
