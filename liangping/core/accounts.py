"""Administering accounts and the org tree. Each action checks who acts, runs in one transaction
and writes the audit log (old → new)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from liangping.core.audit import diff, record, snapshot
from liangping.core.models import Org, OrgKind, Role, User

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
    if not can_manage_users(actor):
        raise AccountError("只有系统管理员和安全管理员可以新建账号")
    if role not in Role.values:
        raise AccountError("请选择一个有效的角色")
    _check_role_org(role, org)
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError("该用户名已被使用")
    user = User(username=username, display_name=display_name, phone=phone, role=role, org=org)
    user.set_password(password)
    user.save()
    record(actor, "user.create", user, changes=diff({}, snapshot(user, USER_FIELDS)))
    return user


@transaction.atomic
def update_user(
    actor: User, user: User, values: dict[str, Any], *, expected_version: int, reason: str = ""
) -> User:
    """Change name, phone, role, org or active flag; refuse if someone saved the account meanwhile."""
    if not can_manage_users(actor):
        raise AccountError("只有系统管理员和安全管理员可以修改账号")
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
    if not can_reset_password(actor):
        raise AccountError("只有安全管理员可以重置密码")
    user.set_password(password)
    User.objects.filter(pk=user.pk).update(password=user.password, version=F("version") + 1)
    user.version += 1
    record(actor, "user.password_reset", user, changes={"password": ["******", "（已重置）"]})


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
    if Org.objects.filter(kind=kind, name=name).exists():
        raise AccountError(f"已有同名的{OrgKind(kind).label}“{name}”")
    org = Org(name=name, kind=kind, parent=parent, aliases=aliases.strip(), sort=sort)
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
