"""Two-person rule for privileged accounts (docs/decisions/0001-two-person-rule.md).

Creating, changing the role of, re-enabling, or resetting (password, two-factor login) an account of
the three administrators or a supervisor is stored as a pending AccountChange; a second administrator
approves or rejects it. Nothing happens to the account until approved. Each step is audited.

Who may decide: an active system or security administrator who is neither the requester nor the
account concerned, and who may manage every role involved (so never a system administrator when an
auditor account is involved). Changes to other accounts take effect at once (core.accounts).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp import devices_for_user

from liangping.core import accounts
from liangping.core.accounts import AccountError
from liangping.core.audit import record
from liangping.core.models import AccountChange, ChangeKind, ChangeStatus, Org, Role, User

Outcome = User | AccountChange


def _request(
    actor: User,
    kind: str,
    *,
    target: User | None,
    target_name: str,
    roles: list[str],
    payload: dict[str, Any],
    reason: str,
) -> AccountChange:
    change = AccountChange.objects.create(
        kind=kind,
        target=target,
        target_name=target_name,
        roles=",".join(dict.fromkeys(roles)),
        payload=payload,
        # a password or field change applies to the account as it was when asked; a two-factor reset only
        # removes devices (and a password reset approved first must not make it stale)
        target_version=target.version if target is not None and kind != ChangeKind.OTP_RESET else None,
        reason=reason,
        requested_by=actor,
    )
    record(actor, "user.change_request", change, changes=_summary(change), reason=reason)
    return change


LABELS = {
    "username": "用户名",
    "display_name": "姓名",
    "phone": "联系电话",
    "role": "角色",
    "org": "所属组织",
    "is_active": "启用",
}


def describe(change: AccountChange, orgs: dict[int, str] | None = None) -> list[tuple[str, str]]:
    """The requested values in Chinese (never the password hash)."""
    out = []
    for key, value in change.payload.items():
        if key not in LABELS:
            continue
        if key == "role":
            text = Role(value).label
        elif key == "org":
            text = (orgs or {}).get(value, f"#{value}") if value else "（无）"
        elif isinstance(value, bool):
            text = "是" if value else "否"
        else:
            text = str(value) if value else "（空）"
        out.append((LABELS[key], text))
    return out


def _summary(change: AccountChange) -> dict[str, Any]:
    """What the audit log shows of a request: never the password hash."""
    orgs = dict(Org.objects.filter(pk=change.payload.get("org") or 0).values_list("pk", "name"))
    out: dict[str, Any] = {"kind": change.get_kind_display(), "target_name": change.target_name}
    out["roles"] = change.role_labels()
    out.update({label: text for label, text in describe(change, orgs)})
    return out


@transaction.atomic
def create_user(
    actor: User,
    *,
    username: str,
    display_name: str,
    role: str,
    org: Org | None,
    password: str,
    phone: str = "",
    reason: str = "",
) -> Outcome:
    """Create the account now, or (a privileged role) ask a second administrator to approve it."""
    accounts.check_create(actor, username=username, role=role, org=org)
    password_hash = make_password(password)
    if not accounts.needs_approval(role):
        return accounts.apply_create(actor, username, display_name, role, org, phone, password_hash)
    payload = {
        "username": username,
        "display_name": display_name,
        "role": role,
        "org": org.pk if org else None,
        "phone": phone,
        "password_hash": password_hash,
    }
    return _request(
        actor,
        ChangeKind.CREATE,
        target=None,
        target_name=username,
        roles=[role],
        payload=payload,
        reason=reason,
    )


@transaction.atomic
def update_user(
    actor: User, user: User, values: dict[str, Any], *, expected_version: int, reason: str = ""
) -> Outcome:
    accounts.check_update(actor, user, values)
    if not accounts.update_needs_approval(user, values):
        return accounts.apply_update(actor, user, values, expected_version=expected_version, reason=reason)
    if user.version != expected_version:
        raise AccountError("该账号已被他人修改，您的修改未保存。请刷新页面后重新填写。")
    payload = {k: (v.pk if isinstance(v, Org) else v) for k, v in values.items()}
    return _request(
        actor,
        ChangeKind.UPDATE,
        target=user,
        target_name=user.username,
        roles=[user.role, values.get("role", user.role)],
        payload=payload,
        reason=reason,
    )


@transaction.atomic
def reset_password(actor: User, user: User, password: str, reason: str = "") -> Outcome:
    accounts.check_reset(actor, user)
    password_hash = make_password(password)
    if not accounts.needs_approval(user.role):
        accounts.apply_password(actor, user, password_hash)
        return user
    return _request(
        actor,
        ChangeKind.PASSWORD_RESET,
        target=user,
        target_name=user.username,
        roles=[user.role],
        payload={"password_hash": password_hash},
        reason=reason,
    )


@transaction.atomic
def reset_two_factor(actor: User, user: User, reason: str = "") -> Outcome:
    """A lost phone: remove the user's authenticator and recovery codes (enrol again at next sign-in)."""
    accounts.check_reset(actor, user)
    if not accounts.needs_approval(user.role):
        apply_two_factor_reset(actor, user, reason)
        return user
    return _request(
        actor,
        ChangeKind.OTP_RESET,
        target=user,
        target_name=user.username,
        roles=[user.role],
        payload={},
        reason=reason,
    )


def apply_two_factor_reset(actor: User, user: User, reason: str = "") -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    record(actor, "user.otp_reset", user, changes={"two_factor": ["（原设备）", "已重置"]}, reason=reason)


# --- deciding ----------------------------------------------------------------------------------


def refusal(actor: User, change: AccountChange) -> str:
    """Why `actor` may not approve or reject `change` ("" when he may)."""
    if change.status != ChangeStatus.PENDING:
        return "该申请已处理，不能再次审批"
    if not accounts.can_manage_users(actor):
        return "只有系统管理员和安全管理员可以审批账号变更"
    if actor.pk == change.requested_by_id:
        return "不能审批自己提交的申请（须由另一位管理员审批）"
    if actor.pk == change.target_id:
        return "不能审批涉及自己账号的申请"
    if not accounts.may_manage_roles(actor, *change.role_list()):
        return accounts.SYSADMIN_NOT_AUDITOR
    return ""


def may_see(actor: User, change: AccountChange) -> bool:
    return accounts.may_manage_roles(actor, *change.role_list()) or actor.pk == change.requested_by_id


def visible_to(actor: User) -> QuerySet[AccountChange]:
    """The requests an administrator sees: a system administrator none involving an auditor."""
    qs = AccountChange.objects.select_related("requested_by", "decided_by", "target")
    if actor.role == Role.SYSADMIN:
        qs = qs.exclude(roles__contains=Role.AUDITOR)
    return qs


def _decide(actor: User, change: AccountChange, status: str, note: str) -> None:
    claimed = AccountChange.objects.filter(pk=change.pk, status=ChangeStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=timezone.now(), note=note
    )
    if claimed != 1:
        raise AccountError("该申请已处理，不能再次审批")
    change.status, change.decided_by, change.note = status, actor, note


@transaction.atomic
def approve(actor: User, change: AccountChange, note: str = "") -> Outcome:
    """Approve and carry out the change, in one transaction (a failure leaves it pending)."""
    why = refusal(actor, change)
    if why:
        raise AccountError(why)
    _decide(actor, change, ChangeStatus.APPROVED, note)
    record(actor, "user.change_approve", change, changes=_summary(change), reason=note)
    requester = change.requested_by
    reason = f"经{actor.name}批准（变更申请 #{change.pk}）{('：' + change.reason) if change.reason else ''}"
    data = change.payload
    if change.kind == ChangeKind.CREATE:
        org = Org.objects.filter(pk=data["org"]).first() if data.get("org") else None
        accounts.check_create(requester, username=data["username"], role=data["role"], org=org)
        return accounts.apply_create(
            requester,
            data["username"],
            data["display_name"],
            data["role"],
            org,
            data.get("phone", ""),
            data["password_hash"],
            reason=reason,
        )
    user = User.objects.select_related("org").filter(pk=change.target_id or 0).first()
    if user is None:
        raise AccountError("该账号已不存在，请驳回此申请")
    stale = change.target_version is not None and user.version != change.target_version
    if stale or user.role not in change.role_list():
        raise AccountError("申请提交后该账号已被修改，请驳回后重新提交申请")
    if change.kind == ChangeKind.UPDATE:
        values = dict(data)
        if "org" in values:
            values["org"] = Org.objects.filter(pk=values["org"]).first() if values["org"] else None
        accounts.check_update(requester, user, values)
        return accounts.apply_update(requester, user, values, expected_version=user.version, reason=reason)
    accounts.check_reset(requester, user)
    if change.kind == ChangeKind.PASSWORD_RESET:
        accounts.apply_password(requester, user, data["password_hash"], reason=reason)
    else:
        apply_two_factor_reset(requester, user, reason)
    return user


@transaction.atomic
def reject(actor: User, change: AccountChange, note: str = "") -> None:
    """Another administrator rejects the request; its requester may withdraw it."""
    if change.status == ChangeStatus.PENDING and actor.pk == change.requested_by_id:
        _decide(actor, change, ChangeStatus.WITHDRAWN, note)
        record(actor, "user.change_withdraw", change, changes=_summary(change), reason=note)
        return
    why = refusal(actor, change)
    if why:
        raise AccountError(why)
    _decide(actor, change, ChangeStatus.REJECTED, note)
    record(actor, "user.change_reject", change, changes=_summary(change), reason=note)
