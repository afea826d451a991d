"""三权分立: one role per account, no superuser or staff flag, the auditor reads the audit log only."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from liangping.core.api import create_token
from liangping.core.models import AuditLog, Role, User
from tests.cast import PASSWORD


def test_one_role_column_holds_one_value():
    field = User._meta.get_field("role")
    assert field.get_internal_type() == "CharField" and not field.many_to_many
    assert {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR} <= set(Role.values)


@pytest.mark.django_db
def test_no_account_of_the_cast_or_made_by_an_administrator_carries_extra_powers(cast):
    from liangping.core import accounts

    accounts.create_user(
        cast.sysadmin, username="x1", display_name="甲", role=Role.LEADER, org=None, password=PASSWORD
    )
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("flag", ["is_superuser", "is_staff"])
def test_a_superuser_or_staff_flag_cannot_sign_in(cast, flag):
    User.objects.filter(pk=cast.sysadmin.pk).update(**{flag: True})
    response = Client().post("/accounts/login/", {"username": "sysadmin", "password": PASSWORD})
    assert response.status_code == 200
    assert "不符合三权分立" in response.content.decode()


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, str]]:
    """(path template, name) of every page, with the API left out (it is tested on its own)."""
    resolver = resolver or get_resolver()
    out = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("api/"):
                continue
            out += _routes(entry, route)
        elif isinstance(entry, URLPattern):
            out.append((route, entry.name or ""))
    return out


# What the audit administrator may open besides the audit log: his start page, his own account's pages,
# signing out, and what the public sees anyway (the screen, the published disclosure, the site icon).
AUDITOR_MAY = {
    "",
    "favicon.ico",
    "audit/",
    "audit/checkpoint/",
    "accounts/login/",
    "accounts/logout/",
    "accounts/security/",
    "accounts/password/",
    "accounts/2fa/setup/",
    "accounts/2fa/verify/",
    "accounts/2fa/recovery-codes/",
}
PUBLIC_PREFIXES = ("screen/", "disclosure/", "appeals/public/", "open311/", "events/public/")


@pytest.mark.django_db
def test_the_auditor_is_refused_every_other_page(cast):
    client = Client()
    client.force_login(cast.auditor)
    checked = 0
    for route, _name in _routes():
        path = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route)
        if route in AUDITOR_MAY:
            continue
        response = client.get(path)
        if route.startswith(PUBLIC_PREFIXES):
            # public pages: the auditor sees no more than an anonymous visitor (internal ones: 404)
            anonymous = Client().get(path)
            assert response.status_code in (anonymous.status_code, 404), route
            continue
        assert response.status_code in (404, 405), (route, response.status_code)
        if response.status_code == 405:  # POST-only actions are refused as well
            assert client.post(path).status_code == 404, route
        checked += 1
    assert checked > 40
    assert client.get("/audit/").status_code == 200


API_AUDITOR_MAY = {"/api/v1/me"}  # who am I: his own name and role


@pytest.mark.django_db
@pytest.mark.parametrize("auth", ["session", "token"])
def test_the_auditor_is_refused_every_api_operation(cast, auth):
    from liangping.api import api

    client = Client()
    if auth == "session":
        client.force_login(cast.auditor)
        headers = {}
    else:
        _, raw = create_token(cast.secadmin, cast.auditor, "审计对接")
        headers = {"Authorization": f"Bearer {raw}"}
    schema = api.get_openapi_schema()
    checked = 0
    for path, operations in schema["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            if path in API_AUDITOR_MAY:
                continue
            response = getattr(client, method)(url, headers=headers, content_type="application/json", data={})
            if response.status_code == 200 and method == "get":
                # a scoped list answers, empty: the administrators' scope holds no ledger item
                body = response.json()
                lists = [v for v in body.values() if isinstance(v, list)]
                assert lists and not any(lists) and not body.get("count"), (path, body)
                checked += 1
                continue
            assert response.status_code in (401, 403, 404, 422), (method, path, response.status_code)
            if response.status_code == 422:
                # the body is checked before the role: with a role check the answer is never a success
                assert method != "get", path
            checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_every_administrative_action_is_audited(cast, settings):
    """user create / edit / disable / role change, password reset, 2FA reset, setting change."""
    from liangping.accounts import otp
    from liangping.core import accounts
    from liangping.core.config import set_setting

    user = accounts.create_user(
        cast.secadmin,
        username="x2",
        display_name="乙",
        role=Role.OWNER,
        org=cast.company_a,
        password=PASSWORD,
    )
    accounts.update_user(cast.secadmin, user, {"display_name": "乙二"}, expected_version=user.version)
    accounts.update_user(
        cast.secadmin,
        user,
        {"role": Role.SPECIALIST, "org": None},
        expected_version=user.version,
        reason="调岗",
    )
    accounts.update_user(cast.sysadmin, user, {"is_active": False}, expected_version=user.version)
    accounts.reset_password(cast.secadmin, user, "Xin#Mima2026")
    otp.reset(cast.secadmin, user, reason="手机丢失")
    set_setting(cast.sysadmin, "visit_target_per_week", 7, reason="调整")
    entries = list(AuditLog.objects.order_by("id").values_list("action", "actor__username"))
    assert entries == [
        ("user.create", "secadmin"),
        ("user.update", "secadmin"),
        ("user.update", "secadmin"),
        ("user.update", "sysadmin"),
        ("user.password_reset", "secadmin"),
        ("user.otp_reset", "secadmin"),
        ("setting.update", "sysadmin"),
    ]
    role_change = AuditLog.objects.filter(action="user.update").order_by("id")[1]
    assert role_change.changes["role"] == ["owner", "specialist"]
    disable = AuditLog.objects.filter(action="user.update").order_by("id")[2]
    assert disable.changes["is_active"] == [True, False]


@pytest.mark.django_db
def test_createsuperuser_is_refused():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="三权分立"):
        call_command("createsuperuser", "--noinput", "--username", "root")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createadmin_makes_one_role_and_forces_a_password_change():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("createadmin", "anquan", "--role", "secadmin", "--name", "安全员", stdout=out)
    password = out.getvalue().split("：")[1].split()[0]
    user = User.objects.get(username="anquan")
    assert (user.role, user.is_superuser, user.is_staff) == (Role.SECADMIN, False, False)
    assert AuditLog.objects.get(action="user.create").actor is None
    client = Client()
    assert client.post("/accounts/login/", {"username": "anquan", "password": password}).status_code == 302
    assert client.get("/")["Location"].startswith("/accounts/password/")
