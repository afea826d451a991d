"""Forms of the case pages."""

from __future__ import annotations

from typing import Any

from django import forms

from liangping.cases.models import CaseStatus, KindCode, Verdict
from liangping.cases.queries import lead_units
from liangping.core.forms import Form
from liangping.core.models import Org


class OrgSelectMultiple(forms.SelectMultiple):
    """A multi-select of units whose options carry the units' short names (市工信局 for
    市工业和信息化局), so the chip picker finds a unit by either."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        org: Org | None = getattr(option["value"], "instance", None)
        if org is not None and org.aliases:
            option["attrs"]["data-aliases"] = org.aliases
        return option


class CaseFilterForm(Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("open", "未销号"), *CaseStatus.choices]
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)
    lead_org = forms.ModelChoiceField(
        queryset=Org.objects.none(), label="牵头单位", required=False, empty_label="全部"
    )
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *KindCode.choices])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["lead_org"].queryset = lead_units()  # type: ignore[attr-defined]


class RegisterForm(Form):
    project_code = forms.CharField(label="项目编号", max_length=50)
    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(label="问题描述", widget=forms.Textarea, required=False)

    def __init__(self, *args: object, fixed_project: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if fixed_project:
            del self.fields["project_code"]
        self.fields["title"].error_messages["required"] = "请填写问题内容"


class AssignForm(Form):
    lead_org = forms.ModelChoiceField(queryset=Org.objects.none(), label="牵头单位", empty_label="请选择")
    co_orgs = forms.ModelMultipleChoiceField(
        queryset=Org.objects.none(),
        label="协办单位（可多选）",
        required=False,
        # A plain multi-select; cases/chips.js turns it into a searchable chip picker.
        widget=OrgSelectMultiple(attrs={"size": 6, "data-chips": "输入单位名称或简称搜索协办单位"}),
    )
    note = forms.CharField(label="交办意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        units = lead_units()
        self.fields["lead_org"].queryset = units  # type: ignore[attr-defined]
        self.fields["co_orgs"].queryset = units  # type: ignore[attr-defined]
        self.fields["lead_org"].error_messages["required"] = "请选择牵头单位"


class ActionForm(Form):
    """handle, reply, verify, close, return: a note (required for reply and return by the engine)."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class FeedbackForm(Form):
    """The project unit's verdict on a reply."""

    verdict = forms.ChoiceField(label="对答复是否满意", choices=Verdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="评价意见",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "不满意时请写明原因"}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["verdict"].error_messages["required"] = "请选择满意或不满意"
