"""The system administrator's changes to a kind's time limits and categories: each in one
transaction, audited with its reason. A case copies its deadlines when its clock starts, so a
changed limit counts for new cases only; a category in use is deactivated, never deleted."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from liangping.cases.engine import CaseFieldError
from liangping.cases.models import CaseCategory, CaseKind, CaseTimeLimit, TimeUnit
from liangping.core.audit import record
from liangping.core.models import User
from liangping.kinds.spec import CODE_RE


def _amount(field: str, label: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise CaseFieldError(field, f"{label}应为正整数") from exc
    if number <= 0 or number > 999:
        raise CaseFieldError(field, f"{label}应在 1 到 999 之间")
    return number


def _unit(field: str, value: str) -> str:
    if value not in TimeUnit.values:
        raise CaseFieldError(field, "时限单位只能是工作日、小时、自然日或月")
    return value


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CaseFieldError("reason", "修改时限或分类必须填写原因")
    return reason


@transaction.atomic
def set_time_limit(
    actor: User,
    limit: CaseTimeLimit,
    *,
    respond_amount: Any,
    respond_unit: str,
    finish_amount: Any,
    finish_unit: str,
    reason: str,
    expected_version: int | None = None,
) -> CaseTimeLimit:
    reason = _reason(reason)
    respond = _amount("respond_amount", "响应时限", respond_amount)
    finish = _amount("finish_amount", "办结时限", finish_amount)
    if respond is None and finish is None:
        raise CaseFieldError("finish_amount", "响应时限和办结时限至少填一个")
    new = {
        "respond_amount": respond,
        "respond_unit": _unit("respond_unit", respond_unit),
        "finish_amount": finish,
        "finish_unit": _unit("finish_unit", finish_unit),
    }
    changes = {k: [getattr(limit, k), v] for k, v in new.items() if getattr(limit, k) != v}
    if not changes:
        return limit
    updated = CaseTimeLimit.objects.filter(
        pk=limit.pk, version=limit.version if expected_version is None else expected_version
    )
    if updated.update(**new, version=limit.version + 1) != 1:
        raise CaseFieldError("version", "该时限已被他人修改，请刷新页面后再改")
    limit.refresh_from_db()
    record(actor, "case_limit.update", limit, changes=changes, reason=reason)
    return limit


@transaction.atomic
def add_time_limit(
    actor: User,
    kind: CaseKind,
    *,
    category: CaseCategory | None,
    urgency: str,
    respond_amount: Any,
    respond_unit: str,
    finish_amount: Any,
    finish_unit: str,
    reason: str,
) -> CaseTimeLimit:
    """A limit for a category/urgency pair that has none yet (None and "" mean any). Counts for
    cases whose clock starts afterwards."""
    reason = _reason(reason)
    if category is not None and category.kind_id != kind.pk:
        raise CaseFieldError("category", "该分类不属于此事项类型")
    urgency = urgency.strip()
    spec = kind.load()
    if urgency and urgency not in dict(spec.urgencies):
        raise CaseFieldError("urgency", f"紧急程度“{urgency}”不存在")
    respond = _amount("respond_amount", "响应时限", respond_amount)
    finish = _amount("finish_amount", "办结时限", finish_amount)
    if respond is None and finish is None:
        raise CaseFieldError("finish_amount", "响应时限和办结时限至少填一个")
    # Locked so two administrators adding the same pair cannot both pass the check (a NULL
    # category escapes the unique constraint).
    CaseKind.objects.select_for_update().filter(pk=kind.pk).first()
    if CaseTimeLimit.objects.filter(kind=kind, category=category, urgency=urgency).exists():
        raise CaseFieldError("category", "该分类和紧急程度已有时限，请直接修改原有时限")
    row = CaseTimeLimit.objects.create(
        kind=kind,
        category=category,
        urgency=urgency,
        respond_amount=respond,
        respond_unit=_unit("respond_unit", respond_unit),
        finish_amount=finish,
        finish_unit=_unit("finish_unit", finish_unit),
    )
    record(
        actor,
        "case_limit.create",
        row,
        changes={
            "category": [None, category.code if category else "*"],
            "urgency": [None, urgency or "*"],
            "respond_amount": [None, respond],
            "respond_unit": [None, row.respond_unit],
            "finish_amount": [None, finish],
            "finish_unit": [None, row.finish_unit],
        },
        reason=reason,
    )
    return row


@transaction.atomic
def add_category(
    actor: User, kind: CaseKind, *, code: str, name: str, parent: CaseCategory | None, reason: str
) -> CaseCategory:
    reason = _reason(reason)
    code, name = code.strip(), name.strip()
    if not CODE_RE.match(code):
        raise CaseFieldError("code", "分类代码只能用小写字母、数字和下划线，以字母开头")
    if not name:
        raise CaseFieldError("name", "请填写分类名称")
    if CaseCategory.objects.filter(kind=kind, code=code).exists():
        raise CaseFieldError("code", f"分类代码“{code}”已存在")
    if parent is not None and parent.kind_id != kind.pk:
        raise CaseFieldError("parent", "上级分类不属于该事项类型")
    row = CaseCategory.objects.create(kind=kind, code=code, name=name[:100], parent=parent)
    row.path = f"{parent.path if parent else '/'}{row.pk}/"
    row.save(update_fields=["path"])
    record(
        actor,
        "case_category.create",
        row,
        changes={"code": [None, code], "name": [None, row.name]},
        reason=reason,
    )
    return row


@transaction.atomic
def update_category(
    actor: User, category: CaseCategory, *, name: str, active: bool, reason: str
) -> CaseCategory:
    reason = _reason(reason)
    name = name.strip()
    if not name:
        raise CaseFieldError("name", "请填写分类名称")
    changes: dict[str, list[Any]] = {}
    if name != category.name:
        changes["name"] = [category.name, name]
    if active != category.active:
        changes["active"] = [category.active, active]
    if not changes:
        return category
    category.name, category.active = name[:100], active
    category.save(update_fields=["name", "active"])
    record(actor, "case_category.update", category, changes=changes, reason=reason)
    return category
