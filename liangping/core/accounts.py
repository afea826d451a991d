"""Administering accounts and the org tree. Each action checks who acts, runs in one transaction
and writes the audit log (old → new)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Q, QuerySet

from liangping.core.audit import diff, record, snapshot
from liangping.core.models import PRIVILEGED_ROLES, Org, OrgKind, Role, User

USER_FIELDS = ["username", "display_name", "phone", "role", "org", "is_active"]
EDITABLE_USER_FIELDS = ["display_name", "phone", "role", "org", "is_active"]
ORG_FIELDS = ["name", "kind", "parent", "aliases", "sort"]
USER_ADMINS = (Role.SYSADMIN, Role.SECADMIN)

# The org kinds a role's account must belong to (a role missing here may sit anywhere, or nowhere).
ROLE_ORG_KINDS: dict[str, tuple[str, ...]] = {
    Role.DEPARTMENT: (OrgKind.DEPARTMENT,),
    Role.DISTRICT: (OrgKind.DISTRICT, OrgKind.TOWN),
    Role.OWNER: (OrgKind.COMPANY,),
}


class AccountError(ValueError):
    """A refused administrative change, with a message for people."""


def can_manage_users(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in USER_ADMINS


def may_manage_roles(actor: User, *roles: str) -> bool:
    """三权分立: the system administrator never manages an auditor account (neither creates, changes,
    resets, disables it, nor makes anyone an auditor or turns an auditor into anything else)."""
    if not can_manage_users(actor):
        return False
    return not (actor.role == Role.SYSADMIN and Role.AUDITOR in roles)


def may_manage(actor: User, target: User) -> bool:
    return may_manage_roles(actor, target.role)


def needs_approval(*roles: str) -> bool:
    """A change touching a privileged account (the three administrators, supervisors) needs a second
    administrator's approval (core.approvals)."""
    return any(role in PRIVILEGED_ROLES for role in roles)


def update_needs_approval(user: User, values: dict[str, Any]) -> bool:
    """A role change to or from a privileged role, or re-enabling a privileged account. Editing the name,
    phone or org, and disabling (which only removes access), take effect at once."""
    new_role = values.get("role", user.role)
    if new_role != user.role and needs_approval(user.role, new_role):
        return True
    return bool(values.get("is_active")) and not user.is_active and needs_approval(user.role)


def can_reset_password(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.SECADMIN


def can_manage_orgs(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.SYSADMIN


def _check_role_org(role: str, org: Org | None) -> None:
    kinds = ROLE_ORG_KINDS.get(role)
    if kinds is None:
        return
    label = Role(role).label
    if org is None:
        raise AccountError(f"“{label}”账号必须选择所属组织")
    if org.kind not in kinds:
        allowed = "、".join(OrgKind(k).label for k in kinds)
        raise AccountError(f"“{label}”账号的所属组织必须是{allowed}，“{org.name}”是{org.get_kind_display()}")


def accounts_seen_by(actor: User) -> QuerySet[User]:
    """The accounts an administrator manages: a city's administrators those of their city (and the
    accounts without an org), the province's every account."""
    tenant = actor.org.tenant_id if actor.org is not None else None
    if tenant is None:
        return User.objects.all()
    return User.objects.filter(Q(org__tenant_id=tenant) | Q(org__isnull=True))


def _place_name(tenant: Org | None) -> str:
    return tenant.name if tenant is not None else "全省"


def _check_city(actor: User, org: Org | None, user: User | None = None) -> None:
    """A user belongs to one city or to the province: a city's administrator gives orgs of that city
    only, and no account moves to another city's org (nor between a city and the province)."""
    if org is None:
        return
    own = actor.org.tenant if actor.org is not None else None
    if own is not None and org.tenant_id != own.pk:
        raise AccountError(f"只能分配{own.name}的组织：“{org.name}”属于{_place_name(org.tenant)}")
    if user is not None and user.org is not None and user.org.tenant_id != org.tenant_id:
        raise AccountError(
            f"该账号属于{_place_name(user.org.tenant)}，不能改到{_place_name(org.tenant)}的“{org.name}”："
            "一个账号只属于一个城市或全省，请在该城市另建账号"
        )


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
) -> User:
    check_create(actor, username=username, role=role, org=org)
    if needs_approval(role):
        raise AccountError(APPROVAL_NEEDED)
    return apply_create(actor, username, display_name, role, org, phone, make_password(password))


APPROVAL_NEEDED = (
    "涉及特权账号（系统管理员、安全管理员、审计管理员、督查人员）的新建、角色变更和重置"
    "须经另一位管理员批准，请提交申请"
)
SYSADMIN_NOT_AUDITOR = "系统管理员不能管理审计管理员账号（三权分立）"


def check_create(actor: User, *, username: str, role: str, org: Org | None) -> None:
    if not can_manage_users(actor):
        raise AccountError("只有系统管理员和安全管理员可以新建账号")
    if role not in Role.values:
        raise AccountError("请选择一个有效的角色")
    if not may_manage_roles(actor, role):
        raise AccountError(SYSADMIN_NOT_AUDITOR)
    _check_role_org(role, org)
    _check_city(actor, org)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError("该用户名已被使用")


def apply_create(
    actor: User | None,
    username: str,
    display_name: str,
    role: str,
    org: Org | None,
    phone: str,
    password_hash: str,
    reason: str = "",
) -> User:
    """Create the account (checks done by the caller): directly, or once a request is approved."""
    user = User(username=username, display_name=display_name, phone=phone, role=role, org=org)
    user.password = password_hash
    user.save()
    record(actor, "user.create", user, changes=diff({}, snapshot(user, USER_FIELDS)), reason=reason)
    return user


@transaction.atomic
def update_user(
    actor: User, user: User, values: dict[str, Any], *, expected_version: int, reason: str = ""
) -> User:
    """Change name, phone, role, org or active flag; refuse if someone saved the account meanwhile."""
    check_update(actor, user, values)
    if update_needs_approval(user, values):
        raise AccountError(APPROVAL_NEEDED)
    return apply_update(actor, user, values, expected_version=expected_version, reason=reason)


def check_update(actor: User, user: User, values: dict[str, Any]) -> None:
    if not can_manage_users(actor):
        raise AccountError("只有系统管理员和安全管理员可以修改账号")
    if not may_manage_roles(actor, user.role, values.get("role", user.role)):
        raise AccountError(SYSADMIN_NOT_AUDITOR)
    unknown = set(values) - set(EDITABLE_USER_FIELDS)
    if unknown:
        raise AccountError(f"不能修改：{'、'.join(sorted(unknown))}")
    if user.pk == actor.pk and (
        values.get("role", user.role) != user.role or not values.get("is_active", True)
    ):
        raise AccountError("不能修改自己的角色，也不能停用自己的账号")
    if values.get("role", user.role) not in Role.values:
        raise AccountError("请选择一个有效的角色")
    _check_role_org(values.get("role", user.role), values.get("org", user.org))
    if "org" in values and values["org"] != user.org:
        _check_city(actor, values["org"], user)
    elif user.org is not None:
        _check_city(actor, user.org)  # a city's administrator changes only that city's accounts


def apply_update(
    actor: User, user: User, values: dict[str, Any], *, expected_version: int, reason: str = ""
) -> User:
    before = snapshot(user, USER_FIELDS)
    for key, value in values.items():
        setattr(user, key, value)
    changes = diff(before, snapshot(user, USER_FIELDS))
    if not changes:
        return user
    updated = User.objects.filter(pk=user.pk, version=expected_version).update(
        **{f: getattr(user, f) for f in EDITABLE_USER_FIELDS}, version=F("version") + 1
    )
    if updated != 1:
        raise AccountError("该账号已被他人修改，您的修改未保存。请刷新页面后重新填写。")
    user.version = expected_version + 1
    record(actor, "user.update", user, changes=changes, reason=reason)
    return user


@transaction.atomic
def reset_password(actor: User, user: User, password: str) -> None:
    check_reset(actor, user)
    if needs_approval(user.role):
        raise AccountError(APPROVAL_NEEDED)
    apply_password(actor, user, make_password(password))


def check_reset(actor: User, user: User) -> None:
    """Resetting a password or two-factor login: the security administrator's, never on his own account
    (he changes his own password on 账号安全)."""
    if not can_reset_password(actor):
        raise AccountError("只有安全管理员可以重置密码和双因素登录")
    if user.pk == actor.pk:
        raise AccountError("不能重置自己的账号，请在“账号安全”中修改密码")


def apply_password(actor: User, user: User, password_hash: str, reason: str = "") -> None:
    User.objects.filter(pk=user.pk).update(password=password_hash, version=F("version") + 1)
    user.password = password_hash
    user.version += 1
    record(actor, "user.password_reset", user, changes={"password": ["******", "（已重置）"]}, reason=reason)


@transaction.atomic
def create_org(
    actor: User,
    *,
    name: str,
    kind: str,
    parent: Org | None,
    aliases: str = "",
    sort: int = 0,
) -> Org:
    if not can_manage_orgs(actor):
        raise AccountError("只有系统管理员可以新增组织")
    name = name.strip()
    if not name:
        raise AccountError("请填写组织名称")
    if kind not in OrgKind.values:
        raise AccountError("请选择有效的组织类型")
    same = Org.objects.filter(kind=kind, name=name)
    if kind != OrgKind.CITY:  # names are unique per kind within a city (two cities may each have a 市中区)
        same = same.filter(tenant_id=parent.tenant_id if parent is not None else None)
    if same.exists():
        raise AccountError(f"已有同名的{OrgKind(kind).label}“{name}”")
    org = Org.under(parent, name=name, kind=kind, aliases=aliases.strip(), sort=sort)
    org.save()
    record(actor, "org.create", org, changes=diff({}, snapshot(org, ORG_FIELDS)))
    return org


def org_tree(orgs: list[Org]) -> list[tuple[Org, int]]:
    """Orgs in tree order (parents before children, siblings by sort), each with its depth."""
    children: dict[int | None, list[Org]] = {}
    ids = {o.pk for o in orgs}
    for org in orgs:
        parent = org.parent_id if org.parent_id in ids else None
        children.setdefault(parent, []).append(org)
    for kids in children.values():
        kids.sort(key=lambda o: (o.sort, o.pk))
    out: list[tuple[Org, int]] = []
    stack: list[tuple[Org, int]] = [(o, 0) for o in reversed(children.get(None, []))]
    while stack:
        org, depth = stack.pop()
        out.append((org, depth))
        stack.extend((kid, depth + 1) for kid in reversed(children.get(org.pk, [])))
    return out
