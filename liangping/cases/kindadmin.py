"""The system administrator's changes to a kind's time limits and categories: each in one
transaction, audited with its reason. A case copies its deadlines when its clock starts, so a
changed limit counts for new cases only; a category in use is deactivated, never deleted.

A category needs no limit of its own: like the kind file (spec.find_limit), a case's limit is its
category's, else its nearest ancestor's, else the kind's 全部分类 one. A category that would find
none for some urgency (added, or moved under another parent) is refused, naming it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def uncovered(
    kind: CaseKind,
    parents: Mapping[str, str],
    codes: Iterable[str],
    limits: Iterable[tuple[str, str]] | None = None,
) -> list[tuple[str, str]]:
    """(category code, urgency code or "") of `codes` that no time limit would cover in the tree
    `parents` (code → parent code, "" at the top). `limits` are (category code or "", urgency or "")
    pairs, by default the kind's stored rows. A kind without any limit (no clock) covers nothing and
    needs nothing."""
    if limits is None:
        limits = [
            (row.category.code if row.category else "", row.urgency)
            for row in CaseTimeLimit.objects.filter(kind=kind).select_related("category")
        ]
    have = set(limits)
    if not have:
        return []
    urgencies = [u for u, _ in kind.load().urgencies] or [""]
    out = []
    for code in codes:
        chain, at = [], code
        while at and at not in chain:
            chain.append(at)
            at = parents.get(at, "")
        for urgency in urgencies:
            wanted = [(c, u) for c in [*chain, ""] for u in ([urgency, ""] if urgency else [""])]
            if not any(pair in have for pair in wanted):
                out.append((code, urgency))
    return out


def uncovered_message(kind: CaseKind, name: str, urgency: str) -> str:
    what = f"（{kind.load().urgency_label(urgency)}）" if urgency else ""
    return (
        f"分类“{name}”{what}没有办结时限：它、它的上级分类和“全部分类”都没有对应的时限。"
        "请先在时限与分类页面为上级分类或全部分类添加时限"
    )


def _check_covered(kind: CaseKind, codes: list[str], field: str) -> None:
    rows = list(CaseCategory.objects.filter(kind=kind).select_related("parent"))
    parents = {c.code: c.parent.code if c.parent else "" for c in rows}
    names = {c.code: c.name for c in rows}
    for code, urgency in uncovered(kind, parents, codes)[:1]:
        raise CaseFieldError(field, uncovered_message(kind, names.get(code, code), urgency))


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
    _check_covered(kind, [code], "parent")
    record(
        actor,
        "case_category.create",
        row,
        changes={
            "code": [None, code],
            "name": [None, row.name],
            "parent": [None, parent.code if parent else ""],
        },
        reason=reason,
    )
    return row


KEEP: Any = object()  # update_category(parent=KEEP): the parent stays


@transaction.atomic
def update_category(
    actor: User,
    category: CaseCategory,
    *,
    name: str,
    active: bool,
    reason: str,
    parent: CaseCategory | None = KEEP,
) -> CaseCategory:
    """Rename, (de)activate or move a category. Moving it under another parent (None: to the top)
    rewrites the paths of its whole subtree; a parent inside that subtree (a cycle) is refused."""
    reason = _reason(reason)
    name = name.strip()
    if not name:
        raise CaseFieldError("name", "请填写分类名称")
    changes: dict[str, list[Any]] = {}
    if name != category.name:
        changes["name"] = [category.name, name]
    if active != category.active:
        changes["active"] = [category.active, active]
    moved = parent is not KEEP and (parent.pk if parent else None) != category.parent_id
    if moved:
        if parent is not None and parent.kind_id != category.kind_id:
            raise CaseFieldError("parent", "上级分类不属于该事项类型")
        if parent is not None and (parent.pk == category.pk or parent.path.startswith(category.path)):
            raise CaseFieldError(
                "parent", f"不能把分类“{category.name}”移到它自己或它的下级分类“{parent.name}”之下"
            )
        old = category.parent.code if category.parent_id is not None and category.parent else ""
        changes["parent"] = [old, parent.code if parent else ""]
    if not changes:
        return category
    category.name, category.active = name[:100], active
    fields = ["name", "active"]
    if moved:
        old_path = category.path
        new_path = f"{parent.path if parent else '/'}{category.pk}/"
        below = list(
            CaseCategory.objects.filter(kind_id=category.kind_id, path__startswith=old_path).exclude(
                pk=category.pk
            )
        )
        for row in below:
            row.path = new_path + row.path[len(old_path) :]
        CaseCategory.objects.bulk_update(below, ["path"])
        category.parent, category.path = parent, new_path
        fields += ["parent", "path"]
    category.save(update_fields=fields)
    if moved:
        _check_covered(category.kind, [category.code, *(r.code for r in below)], "parent")
    record(actor, "case_category.update", category, changes=changes, reason=reason)
    return category
