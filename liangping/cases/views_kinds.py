"""时限与分类: the system administrator's page for each kind's time limits and category tree."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from liangping.cases import kindadmin
from liangping.cases.engine import CaseError
from liangping.cases.models import CaseCategory, CaseKind, CaseTimeLimit, TimeUnit
from liangping.core.access import roles_required
from liangping.core.models import AuditLog, Role
from liangping.kinds.spec import Duration


def _text(amount: int | None, unit: str) -> str:
    return Duration(amount, unit).text() if amount else "—"


@roles_required(Role.SYSADMIN)
def kinds_admin(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        try:
            _change(user, request.POST)
        except CaseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已保存，对此后登记或开始计时的事项生效。")
        return redirect("cases:kinds")
    kinds = list(CaseKind.objects.filter(active=True).select_related("current").order_by("id"))
    limits = list(
        CaseTimeLimit.objects.select_related("category").order_by("kind", "category__path", "urgency", "id")
    )
    categories = list(CaseCategory.objects.order_by("kind", "path", "sort"))
    recent = list(
        AuditLog.objects.filter(
            action__in=[
                "case_limit.update",
                "case_limit.create",
                "case_category.create",
                "case_category.update",
            ]
        ).order_by("-id")[:10]
    )
    blocks = []
    for kind in kinds:
        spec = kind.load()
        blocks.append(
            {
                "kind": kind,
                "spec": spec,
                "limits": [
                    {
                        "row": li,
                        "category": li.category.name if li.category else "全部分类",
                        "urgency": spec.urgency_label(li.urgency) if li.urgency else "全部",
                        "respond": _text(li.respond_amount, li.respond_unit),
                        "finish": _text(li.finish_amount, li.finish_unit),
                    }
                    for li in limits
                    if li.kind_id == kind.pk
                ],
                "categories": [
                    {"row": c, "depth": c.path.count("/") - 2} for c in categories if c.kind_id == kind.pk
                ],
            }
        )
    return render(
        request, "cases/kinds.html", {"blocks": blocks, "units": TimeUnit.choices, "recent": recent}
    )


def _change(user: Any, data: Any) -> None:
    op = data.get("op", "")
    reason = data.get("reason", "")
    if op == "limit":
        limit = get_object_or_404(CaseTimeLimit, pk=_pk(data.get("limit")))
        kindadmin.set_time_limit(
            user,
            limit,
            respond_amount=data.get("respond_amount"),
            respond_unit=data.get("respond_unit", ""),
            finish_amount=data.get("finish_amount"),
            finish_unit=data.get("finish_unit", ""),
            reason=reason,
            expected_version=_pk(data.get("version")),
        )
    elif op == "limit_add":
        kind = get_object_or_404(CaseKind, pk=_pk(data.get("kind")))
        category = None
        if data.get("category"):
            category = get_object_or_404(CaseCategory, pk=_pk(data.get("category")), kind=kind)
        kindadmin.add_time_limit(
            user,
            kind,
            category=category,
            urgency=data.get("urgency", ""),
            respond_amount=data.get("respond_amount"),
            respond_unit=data.get("respond_unit", ""),
            finish_amount=data.get("finish_amount"),
            finish_unit=data.get("finish_unit", ""),
            reason=reason,
        )
    elif op == "category_add":
        kind = get_object_or_404(CaseKind, pk=_pk(data.get("kind")))
        parent = None
        if data.get("parent"):
            parent = get_object_or_404(CaseCategory, pk=_pk(data.get("parent")), kind=kind)
        kindadmin.add_category(
            user, kind, code=data.get("code", ""), name=data.get("name", ""), parent=parent, reason=reason
        )
    elif op == "category_update":
        category = get_object_or_404(CaseCategory, pk=_pk(data.get("category")))
        new_parent: Any = kindadmin.KEEP
        if "parent" in data:
            new_parent = None
            if data.get("parent"):
                new_parent = get_object_or_404(
                    CaseCategory, pk=_pk(data.get("parent")), kind_id=category.kind_id
                )
        kindadmin.update_category(
            user,
            category,
            name=data.get("name", ""),
            active=data.get("active") == "on",
            reason=reason,
            parent=new_parent,
        )
    else:
        raise CaseError("未知操作，请刷新页面后重试")


def _pk(value: Any) -> int:
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 12:
        raise CaseError("页面已过期，请刷新页面后再操作")
    return int(text)
