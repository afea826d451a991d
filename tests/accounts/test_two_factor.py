"""身份鉴别 (two factors): TOTP required of administrators and supervisors, optional for others,
recovery codes that work once; production never relaxes it."""

from __future__ import annotations

import re

import pytest
from django.core.checks import run_checks
from django.test import Client

from liangping.accounts import otp
from liangping.accounts.models import RecoveryCode
from liangping.accounts.models import SealedTOTPDevice as TOTPDevice
from liangping.core import approvals
from liangping.core.models import AccountChange, AuditLog
from tests.accounts.codes import code_for
from tests.accounts.test_passwords import run_settings
from tests.cast import PASSWORD, PRODUCTION_SECRET

ADMINS_AND_SUPERVISOR = ["sysadmin", "secadmin", "auditor", "supervisor"]
OTHERS = ["leader", "department", "district", "specialist", "owner"]


def sign_in(username: str) -> Client:
    client = Client(REMOTE_ADDR="10.5.5.5")
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def enrol(client: Client, user) -> tuple[TOTPDevice, list[str]]:  # type: ignore[no-untyped-def]
    page = client.get("/accounts/2fa/setup/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code is drawn here, not fetched
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/2fa/setup/", {"token": code_for(device), "next": "/"})
    assert response.status_code == 302 and "/accounts/2fa/recovery-codes/" in response["Location"]
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", client.get(response["Location"]).content.decode())
    assert len(codes) == otp.RECOVERY_CODES
    device.refresh_from_db()
    return device, codes


@pytest.mark.django_db
@pytest.mark.parametrize("who", ADMINS_AND_SUPERVISOR)
def test_administrators_and_supervisors_must_enrol(cast, strict, who):
    client = sign_in(who)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/setup/")
    # every page and the API are closed until then
    assert client.get("/audit/")["Location"].startswith("/accounts/2fa/setup/")
    api = client.get("/api/v1/projects")
    assert api.status_code == 401 and "动态口令" in api.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", OTHERS)
def test_two_factor_is_optional_for_the_other_roles(cast, strict, who):
    assert sign_in(who).get("/").status_code == 200


@pytest.mark.django_db
def test_enrolment_then_sign_in_with_a_code(cast, strict):
    client = sign_in("supervisor")
    bad = client.post("/accounts/2fa/setup/", {"token": "000000"})
    assert "动态口令不正确" in bad.content.decode()
    device, _codes = enrol(client, cast.supervisor)
    assert device.confirmed
    assert client.get("/projects/").status_code == 200
    assert AuditLog.objects.filter(action="user.otp_enroll", actor=cast.supervisor).exists()

    again = sign_in("supervisor")
    assert again.get("/projects/")["Location"].startswith("/accounts/2fa/verify/")
    wrong = again.post("/accounts/2fa/verify/", {"token": "123456"})
    assert "动态口令不正确" in wrong.content.decode()
    assert AuditLog.objects.filter(action="user.login_failed", reason="动态口令错误").exists()
    device.throttle_reset()
    response = again.post("/accounts/2fa/verify/", {"token": code_for(device, 1), "next": "/projects/"})
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert again.get("/projects/").status_code == 200


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(cast, strict):
    device, _ = enrol(sign_in("supervisor"), cast.supervisor)
    used = code_for(device)  # the enrolment used the current code
    client = sign_in("supervisor")
    assert "动态口令不正确" in client.post("/accounts/2fa/verify/", {"token": used}).content.decode()


@pytest.mark.django_db
def test_a_recovery_code_works_once(cast, strict):
    _device, codes = enrol(sign_in("supervisor"), cast.supervisor)
    client = sign_in("supervisor")
    assert client.post("/accounts/2fa/verify/", {"token": codes[0].upper()}).status_code == 302
    assert "还剩 9 个" in client.get("/projects/").content.decode()
    other = sign_in("supervisor")
    assert other.post("/accounts/2fa/verify/", {"token": codes[0]}).status_code == 200  # refused
    assert RecoveryCode.objects.filter(device__user=cast.supervisor).count() == otp.RECOVERY_CODES - 1


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(cast, strict):
    client = sign_in("supervisor")
    _device, codes = enrol(client, cast.supervisor)
    response = client.post("/accounts/2fa/recovery-codes/")
    fresh = re.findall(r"<li>([a-z2-7]{8})</li>", client.get(response["Location"]).content.decode())
    assert len(fresh) == otp.RECOVERY_CODES and not set(fresh) & set(codes)
    assert AuditLog.objects.filter(action="user.recovery_codes").exists()


@pytest.mark.django_db
def test_an_optional_user_who_enrolled_must_verify_and_may_disable(cast, strict):
    client = sign_in("leader")
    device, _ = enrol(client, cast.leader)
    again = sign_in("leader")
    assert again.get("/")["Location"].startswith("/accounts/2fa/verify/")
    assert again.post("/accounts/2fa/verify/", {"token": code_for(device, 1)}).status_code == 302
    assert again.post("/accounts/security/", {"password": "wrong"}).status_code == 200
    again.post("/accounts/security/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=cast.leader).exists()
    assert AuditLog.objects.filter(action="user.otp_disable", actor=cast.leader).exists()
    assert sign_in("leader").get("/").status_code == 200


@pytest.mark.django_db
def test_a_required_role_cannot_disable(cast, strict):
    client = sign_in("supervisor")
    enrol(client, cast.supervisor)
    client.post("/accounts/security/", {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=cast.supervisor, confirmed=True).exists()


@pytest.mark.django_db
def test_the_security_administrator_resets_a_lost_phone(cast, strict, settings):
    enrol(sign_in("supervisor"), cast.supervisor)
    settings.TWO_FACTOR_RELAXED = True  # the administrator's own second factor is not under test here
    admin = sign_in("secadmin")
    response = admin.post(f"/accounts/users/{cast.supervisor.pk}/2fa-reset/", {"reason": "手机丢失"})
    assert response.status_code == 302
    # a supervisor's account is privileged: the reset waits for a second administrator
    assert TOTPDevice.objects.filter(user=cast.supervisor).exists()
    change = AccountChange.objects.get(kind="otp_reset")
    sign_in("sysadmin").post(f"/users/changes/{change.pk}/decide/", {"decision": "approve"})
    assert not TOTPDevice.objects.filter(user=cast.supervisor).exists()
    entry = AuditLog.objects.get(action="user.otp_reset")
    assert entry.actor == cast.secadmin and entry.object_id == str(cast.supervisor.pk)
    assert entry.reason.endswith("手机丢失") and entry.ip == "10.5.5.5"
    for who in ["sysadmin", "auditor", "supervisor"]:
        assert sign_in(who).post(f"/accounts/users/{cast.leader.pk}/2fa-reset/").status_code == 404


@pytest.mark.django_db
def test_the_relaxed_test_run_says_so_on_every_page(cast):
    page = sign_in("supervisor").get("/projects/").content.decode()
    assert "演示环境已放宽双因素登录" in page


@pytest.mark.django_db
def test_strict_pages_carry_no_banner(cast, strict):
    assert "已放宽双因素登录" not in sign_in("leader").get("/").content.decode()


def test_production_refuses_to_relax_two_factor_login(tmp_path):
    env = {
        "LIANGPING_ENV": "production",
        "LIANGPING_SECRET_KEY": PRODUCTION_SECRET,
        "LIANGPING_DEMO_RELAX_2FA": "1",
    }
    result = run_settings("import django; django.setup()", env, tmp_path)
    assert result.returncode != 0 and "生产环境不允许放宽双因素登录" in result.stderr


def test_production_is_strict_by_default(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.TWO_FACTOR_RELAXED)"
    )
    result = run_settings(
        code, {"LIANGPING_ENV": "production", "LIANGPING_SECRET_KEY": PRODUCTION_SECRET}, tmp_path
    )
    assert result.stdout.strip() == "False", result.stderr


def test_the_system_check_refuses_a_relaxed_production(settings):
    settings.PRODUCTION = True
    settings.TWO_FACTOR_RELAXED = True
    assert "liangping.E001" in [e.id for e in run_checks()]
    settings.TWO_FACTOR_RELAXED = False
    assert "liangping.E001" not in [e.id for e in run_checks()]


@pytest.mark.django_db
def test_a_reset_during_a_session_sends_the_user_to_enrol_again(cast, strict):
    client = sign_in("supervisor")
    enrol(client, cast.supervisor)
    second = sign_in("supervisor")  # waiting at the code prompt
    approvals.approve(cast.sysadmin, otp.reset(cast.secadmin, cast.supervisor))  # type: ignore[arg-type]
    response = second.get("/accounts/2fa/verify/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/2fa/setup/")


@pytest.mark.django_db
def test_htmx_from_the_set_up_page_does_not_reload_it(cast, strict):
    """The top bar's badge asks from the set-up page: a redirect to that same page would reload it, and
    its badge would ask again, endlessly. From any other page htmx is sent to the set-up step."""
    client = sign_in("supervisor")
    htmx = {"HTTP_HX_REQUEST": "true"}
    on_setup = client.get(
        "/notices/unread/", HTTP_HX_CURRENT_URL="http://testserver/accounts/2fa/setup/?next=/", **htmx
    )
    assert on_setup.status_code == 204 and "HX-Redirect" not in on_setup
    elsewhere = client.get("/notices/unread/", HTTP_HX_CURRENT_URL="http://testserver/projects/", **htmx)
    assert elsewhere.status_code == 204 and elsewhere["HX-Redirect"] == "/accounts/2fa/setup/"
