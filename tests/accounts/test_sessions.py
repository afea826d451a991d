"""登录连接超时: sign-out after 30 idle minutes and 12 hours after sign-in (both configurable)."""

from __future__ import annotations

import pytest
from django.test import Client

from liangping.accounts.middleware import SEEN, STARTED
from liangping.core.models import AuditLog
from tests.cast import PASSWORD


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR="10.4.4.4")
    assert (
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    return client


def shift(client: Client, key: str, seconds: float) -> None:
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_defaults_are_thirty_minutes_and_twelve_hours(settings):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


@pytest.mark.django_db
def test_an_active_session_stays(cast):
    client = signed_in(cast.supervisor)
    shift(client, SEEN, 29 * 60)
    assert client.get("/projects/").status_code == 200


@pytest.mark.django_db
def test_idle_for_thirty_minutes_signs_out(cast):
    client = signed_in(cast.supervisor)
    shift(client, SEEN, 31 * 60)
    response = client.get("/projects/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/?next=/projects/")
    assert "超过 30 分钟未操作，已自动退出" in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditLog.objects.get(action="user.session_timeout")
    assert entry.actor == cast.supervisor and entry.ip == "10.4.4.4" and "30 分钟" in entry.reason


@pytest.mark.django_db
def test_twelve_hours_after_sign_in_signs_out_however_active(cast):
    client = signed_in(cast.supervisor)
    shift(client, STARTED, 12 * 3600 + 1)
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "12 小时" in AuditLog.objects.get(action="user.session_timeout").reason


@pytest.mark.django_db
def test_the_idle_limit_is_configurable(cast, settings):
    settings.SESSION_IDLE_SECONDS = 60
    client = signed_in(cast.supervisor)
    shift(client, SEEN, 61)
    assert client.get("/projects/").status_code == 302


@pytest.mark.django_db
def test_the_api_and_htmx_get_answers_they_understand(cast):
    client = signed_in(cast.supervisor)
    shift(client, SEEN, 31 * 60)
    response = client.get("/api/v1/projects")
    assert response.status_code == 401 and "请重新登录" in response.json()["detail"]
    client = signed_in(cast.supervisor)
    shift(client, SEEN, 31 * 60)
    response = client.get("/projects/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/accounts/login/"


def test_the_limits_come_from_the_environment(tmp_path):
    from tests.accounts.test_passwords import run_settings

    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS)"
    )
    env = {"LIANGPING_SESSION_IDLE_MINUTES": "10", "LIANGPING_SESSION_MAX_HOURS": "8"}
    result = run_settings(code, env, tmp_path)
    assert result.stdout.split() == ["600", "28800"], result.stderr
