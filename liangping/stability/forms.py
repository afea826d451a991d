"""Forms of the ledger pages (the items' own form is the case engine's generated form)."""

from __future__ import annotations

from typing import Any

from django import forms

from liangping.core.forms import Form
from liangping.core.models import Org, OrgKind
from liangping.stability.models import SweepKind

UNIT_KINDS = (OrgKind.TOWN, OrgKind.DEPARTMENT, OrgKind.DISTRICT)


def units_of(tenant_id: int | None) -> Any:
    qs = Org.objects.filter(kind__in=UNIT_KINDS).order_by("path")
    return qs if tenant_id is None else qs.filter(tenant_id=tenant_id)


class SweepForm(Form):
    name = forms.CharField(label="排查名称", max_length=100, error_messages={"required": "请填写排查名称"})
    kind = forms.ChoiceField(label="排查类型", choices=SweepKind.choices)
    start_date = forms.DateField(
        label="开始日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写开始日期", "invalid": "开始日期格式如 2026-12-06"},
    )
    end_date = forms.DateField(
        label="截止日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写截止日期", "invalid": "截止日期格式如 2026-12-06"},
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Org.objects.none(),
        label="须报送单位（镇街、部门）",
        widget=forms.SelectMultiple(attrs={"size": 8, "data-chips": "输入单位名称搜索"}),
        error_messages={"required": "请选择须报送的单位（镇街、部门）"},
    )
    note = forms.CharField(label="工作要求", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, tenant_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units_of(tenant_id)  # type: ignore[attr-defined]


class NilForm(Form):
    note = forms.CharField(label="说明", max_length=200, required=False)


class ReceptionForm(Form):
    date = forms.DateField(
        label="接待日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写接待日期", "invalid": "接待日期格式如 2026-12-06"},
    )
    leader = forms.CharField(label="接待领导", max_length=50, error_messages={"required": "请填写接待领导"})
    place = forms.CharField(label="接待地点", max_length=100, error_messages={"required": "请填写接待地点"})
    visitors = forms.IntegerField(
        label="接待人数",
        min_value=0,
        error_messages={
            "required": "请填写接待人数",
            "min_value": "接待人数不能为负数",
            "invalid": "接待人数应为整数",
        },
    )
    note = forms.CharField(label="接待情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)
