"""三权分立 through account management: the two-person rule for privileged accounts.

The bypasses: the system administrator created an auditor or a supervisor, or turned an auditor into a
supervisor; the security administrator reset an auditor's password and two-factor login and then
signed in as them. Now a change to a privileged account waits for a second administrator, and the
system administrator never manages an auditor.
"""

from __future__ import annotations

import pytest
from django.test import Client

from liangping.accounts.models import RecoveryCodeDevice as StaticDevice
from liangping.core import accounts, approvals
from liangping.core.accounts import AccountError
from liangping.core.models import AccountChange, AuditLog, ChangeStatus, Role, User
from tests.cast import PASSWORD, make_user

NEW = "Zaozhuang#2026"


def new_user(**extra):
    data = {
        "username": "shenji2",
        "display_name": "审计乙",
        "phone": "",
        "role": "auditor",
        "org": "",
        "password1": NEW,
        "password2": NEW,
    }
    return data | extra


def edit(user, **extra):
    data = {
        "display_name": user.display_name,
        "role": user.role,
        "org": user.org_id or "",
        "is_active": "on",
        "version": user.version,
    }
    return data | extra


@pytest.fixture
def secadmin2(cast):
    return make_user("secadmin2", Role.SECADMIN, cast.city, "安全管理员乙")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the bypasses of the outside test ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_system_administrator_cannot_create_an_auditor(cast):
    response = signed_in(cast.sysadmin).post("/users/new/", new_user())
    assert response.status_code == 200
    assert "系统管理员不能管理审计管理员账号" in response.content.decode()
    assert not User.objects.filter(username="shenji2").exists()
    assert not AccountChange.objects.exists()
    with pytest.raises(AccountError):
        accounts.create_user(
            cast.sysadmin, username="x", display_name="x", role=Role.AUDITOR, org=None, password=NEW
        )


@pytest.mark.django_db
def test_a_supervisor_created_by_the_system_administrator_waits_for_approval(cast):
    sysadmin = signed_in(cast.sysadmin)
    response = sysadmin.post(
        "/users/new/", new_user(username="ducha2", role="supervisor", org=cast.office.pk)
    )
    assert response.status_code == 302 and response["Location"] == "/users/changes/"
    assert not User.objects.filter(username="ducha2").exists()
    change = AccountChange.objects.get()
    assert (change.kind, change.status, change.requested_by) == ("create", "pending", cast.sysadmin)
    assert NEW not in str(change.payload) and "password" not in str(
        AuditLog.objects.get(action="user.change_request").changes
    )
    # the requester cannot approve his own request
    sysadmin.post(f"/users/changes/{change.pk}/decide/", {"decision": "approve"})
    assert not User.objects.filter(username="ducha2").exists()
    # a second administrator can
    signed_in(cast.secadmin).post(
        f"/users/changes/{change.pk}/decide/", {"decision": "approve", "note": "核实"}
    )
    user = User.objects.get(username="ducha2")
    assert user.role == Role.SUPERVISOR and user.check_password(NEW)
    actions = list(AuditLog.objects.order_by("id").values_list("action", "actor__username"))
    assert actions == [
        ("user.change_request", "sysadmin"),
        ("user.change_approve", "secadmin"),
        ("user.create", "sysadmin"),
    ]
    assert "经安全管理员批准" in AuditLog.objects.get(action="user.create").reason


@pytest.mark.django_db
def test_the_system_administrator_cannot_turn_an_auditor_into_a_supervisor(cast):
    sysadmin = signed_in(cast.sysadmin)
    assert sysadmin.get(f"/users/{cast.auditor.pk}/").status_code == 404
    response = sysadmin.post(f"/users/{cast.auditor.pk}/", edit(cast.auditor, role="supervisor"))
    assert response.status_code == 404
    for values in ({"role": Role.SUPERVISOR}, {"is_active": False}, {"display_name": "改名"}):
        with pytest.raises(AccountError, match="系统管理员不能管理审计管理员"):
            accounts.update_user(cast.sysadmin, cast.auditor, values, expected_version=cast.auditor.version)
    cast.auditor.refresh_from_db()
    assert (cast.auditor.role, cast.auditor.is_active) == (Role.AUDITOR, True)
    # nor make anyone an auditor
    with pytest.raises(AccountError, match="系统管理员不能管理审计管理员"):
        approvals.update_user(
            cast.sysadmin, cast.leader, {"role": Role.AUDITOR, "org": None}, expected_version=1
        )


@pytest.mark.django_db
def test_a_role_change_of_a_privileged_account_waits_for_approval(cast):
    signed_in(cast.secadmin).post(f"/users/{cast.supervisor.pk}/", edit(cast.supervisor, role="leader"))
    cast.supervisor.refresh_from_db()
    assert cast.supervisor.role == Role.SUPERVISOR
    change = AccountChange.objects.get()
    signed_in(cast.sysadmin).post(f"/users/changes/{change.pk}/decide/", {"decision": "approve"})
    cast.supervisor.refresh_from_db()
    assert cast.supervisor.role == Role.LEADER
    # and a plain account made a supervisor waits as well
    with pytest.raises(AccountError, match="须经另一位管理员批准"):
        accounts.update_user(cast.secadmin, cast.leader, {"role": Role.SUPERVISOR}, expected_version=1)


@pytest.mark.django_db
def test_the_security_administrator_cannot_reset_an_auditor_and_sign_in_as_him(cast):
    StaticDevice.objects.create(user=cast.auditor, name="恢复码")
    secadmin = signed_in(cast.secadmin)
    secadmin.post(f"/users/{cast.auditor.pk}/password/", {"password1": NEW, "password2": NEW})
    secadmin.post(f"/accounts/users/{cast.auditor.pk}/2fa-reset/", {"reason": "手机丢失"})
    assert not Client().login(username="auditor", password=NEW)
    assert Client().login(username="auditor", password=PASSWORD)
    assert StaticDevice.objects.filter(user=cast.auditor).exists()
    assert AccountChange.objects.filter(status=ChangeStatus.PENDING).count() == 2
    with pytest.raises(AccountError):
        accounts.reset_password(cast.secadmin, cast.auditor, NEW)
    # the system administrator may not approve anything about an auditor, and does not even see it
    sysadmin = signed_in(cast.sysadmin)
    assert "auditor" not in sysadmin.get("/users/changes/").content.decode()
    for change in AccountChange.objects.all():
        assert (
            sysadmin.post(f"/users/changes/{change.pk}/decide/", {"decision": "approve"}).status_code == 404
        )
        with pytest.raises(AccountError, match="系统管理员不能管理审计管理员"):
            approvals.approve(cast.sysadmin, change)
    assert Client().login(username="auditor", password=PASSWORD)


@pytest.mark.django_db
def test_a_second_security_administrator_approves_an_auditor_reset(cast, secadmin2):
    StaticDevice.objects.create(user=cast.auditor, name="恢复码")
    password = approvals.reset_password(cast.secadmin, cast.auditor, NEW)
    devices = approvals.reset_two_factor(cast.secadmin, cast.auditor, reason="手机丢失")
    assert isinstance(password, AccountChange) and isinstance(devices, AccountChange)
    approvals.approve(secadmin2, password)
    approvals.approve(secadmin2, devices)
    assert Client().login(username="auditor", password=NEW)
    assert not StaticDevice.objects.filter(user=cast.auditor).exists()
    # the applied reset is one an administrator made: the auditor must change the password first
    client = Client()
    client.post("/accounts/login/", {"username": "auditor", "password": NEW})
    assert client.get("/audit/")["Location"].startswith("/accounts/password/")


@pytest.mark.django_db
def test_nobody_approves_his_own_request_or_a_change_to_his_own_account(cast, secadmin2):
    change = approvals.reset_password(cast.secadmin, secadmin2, NEW)
    assert isinstance(change, AccountChange)
    for who, message in [(cast.secadmin, "不能审批自己提交的申请"), (secadmin2, "不能审批涉及自己账号")]:
        with pytest.raises(AccountError, match=message):
            approvals.approve(who, change)
    for who in (cast.auditor, cast.supervisor):
        with pytest.raises(AccountError, match="只有系统管理员和安全管理员"):
            approvals.approve(who, change)
    approvals.reject(cast.sysadmin, change, "未核实身份")
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    assert not Client().login(username="secadmin2", password=NEW)
    with pytest.raises(AccountError, match="已处理"):
        approvals.approve(cast.sysadmin, change)


@pytest.mark.django_db
def test_a_request_on_an_account_changed_meanwhile_is_not_applied(cast):
    change = approvals.reset_password(cast.secadmin, cast.supervisor, NEW)
    approvals.update_user(cast.secadmin, cast.supervisor, {"phone": "13900000000"}, expected_version=1)
    with pytest.raises(AccountError, match="已被修改"):
        approvals.approve(cast.sysadmin, change)  # type: ignore[arg-type]
    change.refresh_from_db()  # type: ignore[union-attr]
    assert change.status == ChangeStatus.PENDING  # type: ignore[union-attr]
    assert not Client().login(username="supervisor", password=NEW)


@pytest.mark.django_db
def test_the_requester_may_withdraw(cast):
    change = approvals.reset_two_factor(cast.secadmin, cast.supervisor)
    signed_in(cast.secadmin).post(f"/users/changes/{change.pk}/decide/", {"decision": "reject"})
    change.refresh_from_db()  # type: ignore[union-attr]
    assert change.status == ChangeStatus.WITHDRAWN  # type: ignore[union-attr]
    assert AuditLog.objects.filter(action="user.change_withdraw").exists()


@pytest.mark.django_db
def test_plain_accounts_are_still_changed_at_once(cast):
    user = approvals.create_user(
        cast.sysadmin, username="qiye", display_name="企业", role=Role.OWNER, org=cast.company_a, password=NEW
    )
    assert isinstance(user, User) and user.pk
    approvals.reset_password(cast.secadmin, cast.owner, NEW)
    assert Client().login(username="owner", password=NEW)
    # disabling a privileged account only removes access: at once, and audited
    approvals.update_user(cast.secadmin, cast.supervisor, {"is_active": False}, expected_version=1)
    cast.supervisor.refresh_from_db()
    assert not cast.supervisor.is_active
    # re-enabling it waits
    again = approvals.update_user(cast.secadmin, cast.supervisor, {"is_active": True}, expected_version=2)
    assert isinstance(again, AccountChange)


@pytest.mark.django_db
def test_the_auditor_sees_privileged_account_events_highlighted(cast):
    approvals.update_user(cast.secadmin, cast.department, {"phone": "13911112222"}, expected_version=1)
    change = approvals.reset_password(cast.secadmin, cast.supervisor, NEW)
    approvals.approve(cast.sysadmin, change)  # type: ignore[arg-type]
    approvals.update_user(cast.secadmin, cast.supervisor, {"phone": "13933334444"}, expected_version=2)
    auditor = signed_in(cast.auditor)
    page = auditor.get("/audit/").content.decode()
    assert page.count('class="privileged"') == 4  # request, approval, reset, edit of the supervisor
    assert "提交特权账号变更申请" in page and "批准特权账号变更" in page
    only = auditor.get("/audit/?privileged=on").content.decode()
    assert only.count('class="privileged"') == 4 and "13911112222" not in only
