"""登录失败处理: 5 failures lock the account name (and the pair name + address) for 15 minutes; an
address alone is slowed down, never locked; retries during a lockout do not extend it; every attempt
is audited with the client address, which a trusted reverse proxy may pass on."""

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


def fail(username: str, times: int, ip: str = "") -> None:
    """`times` failed sign-ins, each from its own address unless one is given."""
    for n in range(times):
        response = attempt(username, "wrong-Password1", ip or f"10.0.0.{n + 1}")
        assert response.status_code in (200, 429)


def backdate(**delta: float) -> None:
    """Every recorded failure happened `delta` earlier."""
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=row.attempt_time - dt.timedelta(**delta))


@pytest.mark.django_db
def test_four_failures_do_not_lock(cast):
    fail("supervisor", 4)
    assert attempt("supervisor", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_with_the_right_password(cast):
    fail("supervisor", 5)
    response = attempt("supervisor", PASSWORD, ip="10.0.2.9")
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录已暂时锁定" in text and "15 分钟" in text and "连续 5 次登录失败" in text
    assert "_auth_user_id" not in response.client.session
    # another account from the same address is not affected
    assert attempt("leader", PASSWORD, ip="10.0.2.9").status_code == 302


@pytest.mark.django_db
def test_the_address_alone_is_slowed_down_not_locked(cast):
    """Five failures from one address (a shared NAT) on five names: everyone behind it may go on
    signing in after a short, growing wait, not after fifteen minutes."""
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        attempt(name, "wrong-Password1", ip="10.9.9.9")
    slowed = attempt("leader", PASSWORD, ip="10.9.9.9")
    assert slowed.status_code == 429 and slowed["Retry-After"] == "1"
    assert "请 1 秒后再试" in slowed.content.decode()
    assert attempt("leader", PASSWORD, ip="10.9.9.10").status_code == 302  # another address: no wait
    backdate(seconds=2)
    assert attempt("leader", PASSWORD, ip="10.9.9.9").status_code == 302  # not locked for 15 minutes
    # each further failure doubles the wait: 2 more failures → 4 seconds after the last one
    for name in ["a6", "a7"]:
        backdate(seconds=30)
        attempt(name, "wrong-Password1", ip="10.9.9.9")
    slowed = attempt("owner", PASSWORD, ip="10.9.9.9")
    assert slowed.status_code == 429 and slowed["Retry-After"] == "4"
    before = list(AccessAttempt.objects.values_list("failures_since_start", "attempt_time"))
    assert attempt("a8", "wrong-Password1", ip="10.9.9.9").status_code == 429  # too early: not counted
    assert list(AccessAttempt.objects.values_list("failures_since_start", "attempt_time")) == before
    assert AuditLog.objects.filter(action="user.login_throttled", ip="10.9.9.9").count() == 3
    backdate(seconds=5)
    assert attempt("owner", PASSWORD, ip="10.9.9.9").status_code == 302


@pytest.mark.django_db
def test_the_address_wait_has_a_ceiling(settings):
    from liangping.accounts.throttle import delay_after

    assert [delay_after(n) for n in range(4, 9)] == [0, 1, 2, 4, 8]
    assert delay_after(500) == settings.LOGIN_ADDRESS_DELAY_MAX_SECONDS == 60


@pytest.mark.django_db
def test_retries_during_a_lockout_do_not_extend_it(cast):
    fail("supervisor", 5)
    backdate(minutes=10)
    for n in range(3):  # ten minutes into the lockout, three more tries (one with the right password)
        response = attempt("supervisor", PASSWORD if n == 2 else "wrong-Password1", ip=f"10.0.3.{n}")
        assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 5
    backdate(minutes=6)  # sixteen minutes after the fifth failure: over, whatever was tried since
    assert attempt("supervisor", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lock_ends_after_fifteen_minutes(cast, settings):
    assert settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=15)
    fail("supervisor", 5)
    assert attempt("supervisor", PASSWORD).status_code == 429
    backdate(minutes=16)
    assert attempt("supervisor", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_behind_a_reverse_proxy_the_address_it_passes_on_counts(cast, settings):
    """LIANGPING_PROXY_CLIENT_IP_HEADER / LIANGPING_PROXY_COUNT: the entry the trusted proxy wrote is
    the client; what the client wrote itself further left is ignored."""
    settings.PROXY_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.PROXY_COUNT = 1

    def via_proxy(username: str, password: str, forwarded: str):  # type: ignore[no-untyped-def]
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        return client.post(LOGIN, {"username": username, "password": password})

    for name in ["b1", "b2", "b3", "b4", "b5"]:  # one client forging a different address each time
        via_proxy(name, "wrong-Password1", f"198.51.100.{len(name)}{name[-1]}, 10.20.0.1")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.20.0.1"}
    assert via_proxy("leader", PASSWORD, "10.20.0.1").status_code == 429  # that client waits
    assert via_proxy("leader", PASSWORD, "10.20.0.2").status_code == 302  # its neighbour does not
    entry = AuditLog.objects.filter(action="user.login").latest("id")
    assert entry.ip == "10.20.0.2"
    # a header that is not an address, or none at all: the proxy's own address
    assert via_proxy("b6", "wrong-Password1", "not-an-address").status_code == 200
    assert AccessAttempt.objects.filter(ip_address="127.0.0.1").exists()
    # two proxies: the client is the second entry from the right
    settings.PROXY_COUNT = 2
    via_proxy("b7", "wrong-Password1", "203.0.113.9, 10.30.0.5, 172.16.0.1")
    assert AccessAttempt.objects.filter(username="b7", ip_address="10.30.0.5").exists()


@pytest.mark.django_db
def test_without_the_setting_a_forwarded_header_is_ignored(cast):
    client = Client(REMOTE_ADDR="10.40.0.1", HTTP_X_FORWARDED_FOR="10.99.0.1")
    client.post(LOGIN, {"username": "c1", "password": "wrong-Password1"})
    assert AccessAttempt.objects.get(username="c1").ip_address == "10.40.0.1"


@pytest.mark.django_db
def test_failures_and_the_lock_are_audited_with_the_address(cast):
    for _ in range(5):
        backdate(minutes=1)  # spaced out: the address is not slowed down
        attempt("supervisor", "wrong-Password1", ip="10.7.7.7")
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


@pytest.mark.django_db
def test_a_locked_account_gets_the_lockout_page_even_while_its_address_waits(cast):
    for _ in range(5):  # one person, one address, one account: the browser's case
        attempt("supervisor", "wrong-Password1", ip="10.50.0.1")
    response = attempt("supervisor", PASSWORD, ip="10.50.0.1")
    assert response.status_code == 429 and "登录已暂时锁定" in response.content.decode()
    assert attempt("leader", PASSWORD, ip="10.50.0.1").status_code == 429  # the address still waits
