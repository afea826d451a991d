"""登录失败处理: 5 failures lock the account and the address for 15 minutes; every attempt is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client

from liangping.core.models import AuditLog
from tests.cast import PASSWORD

LOGIN = "/accounts/login/"


def attempt(username: str, password: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def fail(username: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = attempt(username, "wrong-Password1", ip)
        assert response.status_code in (200, 429)


@pytest.mark.django_db
def test_four_failures_do_not_lock(cast):
    fail("supervisor", 4)
    assert attempt("supervisor", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_signing_in_to_ones_own_account_does_not_clear_the_address_count(cast):
    fail("supervisor", 4, ip="10.1.1.1")
    assert attempt("leader", PASSWORD, ip="10.1.1.1").status_code == 302
    fail("specialist", 1, ip="10.1.1.1")  # the fifth failure from this address
    assert attempt("owner", PASSWORD, ip="10.1.1.1").status_code == 429


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_with_the_right_password(cast):
    fail("supervisor", 5)
    response = attempt("supervisor", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录已暂时锁定" in text and "15 分钟" in text and "连续 5 次登录失败" in text
    assert "_auth_user_id" not in response.client.session


@pytest.mark.django_db
def test_the_account_lock_holds_from_another_address(cast):
    for n in range(5):
        attempt("supervisor", "wrong-Password1", ip=f"10.0.1.{n}")
    assert attempt("supervisor", PASSWORD, ip="10.0.2.9").status_code == 429
    # another account from a fresh address is not affected
    assert attempt("leader", PASSWORD, ip="10.0.2.9").status_code == 302


@pytest.mark.django_db
def test_the_address_lock_holds_for_another_account(cast):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        attempt(name, "wrong-Password1", ip="10.9.9.9")
    assert attempt("leader", PASSWORD, ip="10.9.9.9").status_code == 429
    assert attempt("leader", PASSWORD, ip="10.9.9.10").status_code == 302


@pytest.mark.django_db
def test_the_lock_ends_after_fifteen_minutes(cast, settings):
    assert settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=15)
    fail("supervisor", 5)
    assert attempt("supervisor", PASSWORD).status_code == 429
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    for row in AccessAttempt.objects.all():  # the attempts happened 16 minutes ago
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=earlier)
    assert attempt("supervisor", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failures_and_the_lock_are_audited_with_the_address(cast):
    fail("supervisor", 5, ip="10.7.7.7")
    entries = AuditLog.objects.filter(action="user.login_failed")
    assert entries.count() == 5
    entry = entries.first()
    assert entry is not None
    assert entry.ip == "10.7.7.7" and entry.object_repr == "supervisor"
    assert entry.object_id == str(cast.supervisor.pk)
    locked = AuditLog.objects.get(action="user.locked_out")
    assert locked.ip == "10.7.7.7" and locked.object_repr == "supervisor"


@pytest.mark.django_db
def test_sign_in_and_sign_out_are_audited_with_the_address(cast):
    client = Client(REMOTE_ADDR="10.3.3.3")
    assert client.post(LOGIN, {"username": "leader", "password": PASSWORD}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    login, logout = AuditLog.objects.filter(action__in=["user.login", "user.logout"]).order_by("id")
    assert (login.action, login.actor, login.ip) == ("user.login", cast.leader, "10.3.3.3")
    assert (logout.action, logout.actor, logout.ip) == ("user.logout", cast.leader, "10.3.3.3")
