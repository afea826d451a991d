"""Forms of the campaign pages."""

from __future__ import annotations

from typing import Any

from django import forms

from liangping.core.forms import Form
from liangping.core.models import Org, OrgKind, Role, User
from liangping.foodsafety.models import InspectionResult


class CampaignForm(Form):
    name = forms.CharField(
        label="专项行动名称", max_length=100, error_messages={"required": "请填写专项行动名称"}
    )
    start_date = forms.DateField(
        label="开始日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写开始日期", "invalid": "开始日期格式如 2026-12-06"},
    )
    days = forms.IntegerField(
        label="行动天数",
        initial=100,
        min_value=1,
        max_value=366,
        error_messages={
            "required": "请填写行动天数",
            "min_value": "行动天数至少为 1",
            "max_value": "行动天数不超过 366",
        },
    )
    leader = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="领衔市领导",
        empty_label="请选择",
        error_messages={"required": "请选择领衔市领导"},
    )
    lead_department = forms.ModelChoiceField(
        queryset=Org.objects.none(),
        label="牵头部门",
        empty_label="请选择",
        error_messages={"required": "请选择牵头部门"},
    )
    towns = forms.ModelMultipleChoiceField(
        queryset=Org.objects.none(),
        label="参与镇街",
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={"required": "请选择参与的镇街"},
    )
    departments = forms.ModelMultipleChoiceField(
        queryset=Org.objects.none(),
        label="参与部门",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    firms = forms.CharField(
        label="参与企业（每行：企业名称，镇街，业态[，统一社会信用代码]）",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    targets = forms.CharField(
        label="检查目标（每行：镇街，家次）", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    note = forms.CharField(label="行动目标", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, tenant_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = Org.objects.order_by("path")
        if tenant_id is not None:
            orgs = orgs.filter(tenant_id=tenant_id)
        leaders = User.objects.filter(role=Role.LEADER, is_active=True).order_by("username")
        if tenant_id is not None:
            leaders = leaders.filter(org__tenant_id=tenant_id)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]
        self.fields["lead_department"].queryset = orgs.filter(kind=OrgKind.DEPARTMENT)  # type: ignore[attr-defined]
        self.fields["towns"].queryset = orgs.filter(kind=OrgKind.TOWN)  # type: ignore[attr-defined]
        self.fields["departments"].queryset = orgs.filter(kind=OrgKind.DEPARTMENT)  # type: ignore[attr-defined]


class InspectionForm(Form):
    firm = forms.CharField(label="企业名称", max_length=120, error_messages={"required": "请填写企业名称"})
    date = forms.DateField(
        label="检查日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写检查日期", "invalid": "检查日期格式如 2026-12-06"},
    )
    inspector = forms.CharField(
        label="检查人员", max_length=50, error_messages={"required": "请填写检查人员"}
    )
    result = forms.ChoiceField(
        label="检查结果",
        choices=InspectionResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择检查结果"},
    )
    hazard_title = forms.CharField(label="隐患内容（发现隐患时必填）", max_length=200, required=False)
    note = forms.CharField(label="检查情况", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, firms: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["firm"].widget.attrs["list"] = "campaign-firms"
        self.firm_names = firms or []
