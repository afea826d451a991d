"""The services pages' forms; labels and messages in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from liangping.core.forms import Form
from liangping.core.models import Org, OrgKind
from liangping.services.models import Applicant, Outcome, Post

DT = {"type": "datetime-local"}


class HandledForm(Form):
    ref = forms.CharField(label="办件编号", max_length=60, error_messages={"required": "请填写办件编号"})
    point: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="服务点", empty_label="请选择", error_messages={"required": "请选择服务点"}
    )
    matter = forms.CharField(label="事项编码", max_length=60, error_messages={"required": "请填写事项编码"})
    applicant = forms.ChoiceField(label="申请人类型", choices=Applicant.choices, initial=Applicant.PERSON)
    received_at = forms.DateTimeField(
        label="受理时间",
        widget=forms.DateTimeInput(attrs=DT, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "请填写受理时间", "invalid": "受理时间格式不对，请写成 2026-12-07 09:30"},
    )
    finished_at = forms.DateTimeField(
        label="办结时间",
        required=False,
        widget=forms.DateTimeInput(attrs=DT, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "办结时间格式不对，请写成 2026-12-07 15:30"},
    )
    outcome = forms.ChoiceField(label="办理结果", choices=[("", "未办结"), *Outcome.choices], required=False)

    def __init__(self, *args: Any, points: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points  # type: ignore[attr-defined]


class AssistForm(Form):
    point: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        label="受理服务点",
        empty_label="请选择",
        error_messages={"required": "请选择受理服务点"},
    )
    matter = forms.CharField(
        label="办理事项（事项编码或名称）", max_length=200, error_messages={"required": "请填写办理事项"}
    )
    applicant_type = forms.ChoiceField(
        label="申请人类型", choices=Applicant.choices, initial=Applicant.PERSON
    )
    applicant = forms.CharField(label="申请人", max_length=100, error_messages={"required": "请填写申请人"})
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    description = forms.CharField(
        label="需要帮办的内容", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, points: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points  # type: ignore[attr-defined]


class PointMattersForm(Form):
    codes = forms.CharField(
        label="事项清单（每行一个事项编码，可在编码后空格写类别）",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=200000,
    )


class StaffForm(Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写姓名"})
    post = forms.ChoiceField(label="岗位", choices=Post.choices)
    department = forms.ModelChoiceField(
        queryset=Org.objects.filter(kind=OrgKind.DEPARTMENT), label="所在部门（科长填写）", required=False
    )
    phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(self, *args: Any, tenant: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if tenant is not None:
            self.fields["department"].queryset = Org.objects.filter(kind=OrgKind.DEPARTMENT, tenant_id=tenant)  # type: ignore[attr-defined]
