"""A password set by an administrator (new account, reset) must be changed at the next sign-in."""

from __future__ import annotations

import pytest
from django.test import Client

from liangping.core import accounts
from liangping.core.models import AuditLog, Role

INITIAL = "Chushi#2025"
OWN = "Ziji#Mima2026"


def sign_in(username: str, password: str) -> Client:
    client = Client(REMOTE_ADDR="10.6.6.6")
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


@pytest.mark.django_db
def test_a_new_account_changes_its_password_first(cast):
    accounts.create_user(
        cast.secadmin,
        username="xiaowang",
        display_name="小王",
        role=Role.OWNER,
        org=cast.company_a,
        password=INITIAL,
    )
    client = sign_in("xiaowang", INITIAL)
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
    page = client.get(response["Location"]).content.decode()
    assert "您的密码由管理员设置" in page
    assert client.get("/api/v1/projects").status_code == 401

    refused = client.post(
        "/accounts/password/", {"old_password": INITIAL, "new_password1": "abc", "new_password2": "abc"}
    )
    assert "密码太短" in refused.content.decode()
    same = client.post(
        "/accounts/password/", {"old_password": INITIAL, "new_password1": INITIAL, "new_password2": INITIAL}
    )
    assert "新密码不能与当前密码相同" in same.content.decode()
    done = client.post(
        "/accounts/password/",
        {"old_password": INITIAL, "new_password1": OWN, "new_password2": OWN, "next": "/projects/"},
    )
    assert done.status_code == 302 and done["Location"] == "/projects/"
    assert client.get("/projects/").status_code == 200  # still signed in
    entry = AuditLog.objects.get(action="user.password_change")
    assert entry.actor.username == "xiaowang" and entry.ip == "10.6.6.6"
    assert sign_in("xiaowang", OWN).get("/projects/").status_code == 200  # not asked again


@pytest.mark.django_db
def test_a_reset_password_must_be_changed_again(cast):
    accounts.reset_password(cast.secadmin, cast.owner, INITIAL)
    client = sign_in("owner", INITIAL)
    assert client.get("/")["Location"].startswith("/accounts/password/")


@pytest.mark.django_db
def test_accounts_with_own_passwords_are_not_asked(cast):
    assert sign_in("owner", "Liangping#2025").get("/").status_code == 200


@pytest.mark.django_db
def test_anyone_may_change_their_password(cast):
    client = sign_in("leader", "Liangping#2025")
    assert client.get("/accounts/password/").status_code == 200
    wrong = client.post(
        "/accounts/password/", {"old_password": "nope", "new_password1": OWN, "new_password2": OWN}
    )
    assert "当前密码不正确" in wrong.content.decode()
