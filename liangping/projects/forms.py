"""Forms of the ledger pages. They check what a person typed; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from liangping.core.forms import PlainTextMixin
from liangping.core.models import Org, OrgKind, Role, User
from liangping.projects.models import Project
from liangping.projects.services import PROJECT_FIELDS

MONEY_ERRORS = {
    "invalid": "请输入数字（单位：万元）",
    "max_digits": "金额位数过多，请检查单位是否为万元",
    "max_decimal_places": "金额最多保留两位小数",
}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ProjectForm(PlainTextMixin, forms.ModelForm):
    """All fields of DOMAIN §4, the version that was read, and the reason for a stage change."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="变更原因",
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": "变更建设阶段时必填"}),
    )
    stage_date = forms.DateField(
        label="阶段变更日期", required=False, widget=DateInput(), help_text="变更建设阶段时必填"
    )

    class Meta:
        model = Project
        fields = PROJECT_FIELDS  # the audited fields are the editable ones
        field_classes = {"leader": PersonChoiceField, "specialist": PersonChoiceField}
        widgets = {"planned_start": DateInput(), "planned_end": DateInput()}
        error_messages = {
            "code": {"required": "请填写项目编号", "unique": "该项目编号已被其他项目使用"},
            "name": {"required": "请填写项目名称"},
            "district": {"required": "请选择所属区（市）"},
            "total_investment": {"required": "请填写总投资", **MONEY_ERRORS},
            "annual_plan": MONEY_ERRORS,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        f = self.fields
        # a project stays in its city: the choices are that city's units and people
        tenant = self.instance.district.tenant_id if self.instance.district_id else None
        orgs = Org.objects.all() if tenant is None else Org.objects.filter(tenant_id=tenant)
        f["district"].queryset = orgs.filter(kind=OrgKind.DISTRICT)  # type: ignore[attr-defined]
        f["department"].queryset = orgs.filter(kind=OrgKind.DEPARTMENT)  # type: ignore[attr-defined]
        f["unit"].queryset = orgs.filter(kind=OrgKind.COMPANY)  # type: ignore[attr-defined]
        people = User.objects.filter(is_active=True).order_by("display_name", "username")
        if tenant is not None:
            people = people.filter(org__tenant_id=tenant)
        f["leader"].queryset = people.filter(role=Role.LEADER)  # type: ignore[attr-defined]
        f["specialist"].queryset = people.filter(role=Role.SPECIALIST)  # type: ignore[attr-defined]
        for name in ("district", "department", "unit", "leader", "specialist"):
            f[name].empty_label = "请选择" if name == "district" else "（无）"  # type: ignore[attr-defined]
        f["stage_date"].initial = timezone.localdate()

    def clean_total_investment(self) -> Any:
        value = self.cleaned_data.get("total_investment")
        if value is not None and value < 0:
            raise forms.ValidationError("总投资不能为负数")
        return value

    def clean_annual_plan(self) -> Any:
        value = self.cleaned_data.get("annual_plan")
        if value is not None and value < 0:
            raise forms.ValidationError("年度计划投资不能为负数")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "计划竣工时间不能早于计划开工时间")
        if "stage" in self.changed_data:
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "变更建设阶段必须填写原因")
            when = data.get("stage_date")
            if when is None:
                self.add_error("stage_date", "变更建设阶段必须填写变更日期")
            elif when > timezone.localdate():
                self.add_error("stage_date", "阶段变更日期不能晚于今天")
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    GROUPS = {
        "basic": ["code", "name", "level", "district", "industry", "unit"],
        "money": ["total_investment", "annual_plan", "planned_start", "planned_end"],
        "stage": ["stage", "reason", "stage_date"],
        "people": ["leader", "department", "specialist", "contact_name", "contact_phone"],
    }

    def groups(self) -> dict[str, list[Any]]:
        return {key: [self[name] for name in names] for key, names in self.GROUPS.items()}


class ReportForm(PlainTextMixin, forms.Form):
    """Submit or resubmit a monthly report. `month` only when a new report is written."""

    month = forms.ChoiceField(label="年月")
    month_investment = forms.DecimalField(
        label="本月完成投资（万元）", max_digits=16, decimal_places=2, error_messages=MONEY_ERRORS
    )
    ytd_investment = forms.DecimalField(
        label="累计完成投资（万元）",
        max_digits=16,
        decimal_places=2,
        error_messages=MONEY_ERRORS,
        help_text="本年度 1 月至本月累计",
    )
    progress = forms.CharField(label="形象进度", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(
        label="存在问题",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "没有问题可不填"}),
    )
    raise_problem = forms.BooleanField(
        label="登记为问题（填写了存在问题时，生成一条问题闭环督办）", required=False, initial=True
    )
    correction_reason = forms.CharField(
        label="更正说明（累计完成投资低于上月累计时必填）",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "例如：上月误将总投资填为累计数，现更正"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, months: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        if months is None:
            del self.fields["month"]
        else:
            self.fields["month"].choices = months  # type: ignore[attr-defined]
            self.fields["month"].error_messages["invalid_choice"] = "请选择报送月份"
        self.fields["month_investment"].error_messages["required"] = "请填写本月完成投资"
        self.fields["ytd_investment"].error_messages["required"] = "请填写累计完成投资"

    def groups(self) -> dict[str, list[Any]]:
        return {
            "amounts": [self["month_investment"], self["ytd_investment"]],
            "texts": [self["progress"], self["problems"], self["raise_problem"], self["correction_reason"]],
        }

    def clean_month_investment(self) -> Any:
        value = self.cleaned_data.get("month_investment")
        if value is not None and value < 0:
            raise forms.ValidationError("本月完成投资不能为负数")
        return value

    def clean_ytd_investment(self) -> Any:
        value = self.cleaned_data.get("ytd_investment")
        if value is not None and value < 0:
            raise forms.ValidationError("累计完成投资不能为负数")
        return value


class ReviewForm(PlainTextMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过"), ("return", "退回")])
    note = forms.CharField(required=False, max_length=2000)
    version = forms.IntegerField()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one input; the content is checked by services.record_visit."""

    def __init__(self, *args: Any, max_mb: int = 10, max_count: int = 20, **kwargs: Any) -> None:
        self.max_mb = max_mb
        self.max_count = max_count
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > self.max_count:
            raise forms.ValidationError(f"每次最多上传 {self.max_count} 张照片")
        for f in files:
            # Refuse an oversize file before reading it into memory; the service checks again.
            if f.size > self.max_mb * 1024 * 1024:
                raise forms.ValidationError(f"照片“{f.name}”超过 {self.max_mb} MB，请压缩后再上传")
        return files


class VisitForm(PlainTextMixin, forms.Form):
    date = forms.DateField(label="走访日期", widget=DateInput())
    findings = forms.CharField(
        label="走访情况",
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "现场建设情况、企业反映的问题、协调事项等"}),
    )
    photos = MultipleImageField(label="现场照片（可多选，JPG、PNG 或 WEBP）", required=False)
    raise_problem = forms.BooleanField(label="登记为问题（把走访情况登记为问题闭环督办）", required=False)

    def __init__(self, *args: Any, max_mb: int = 10, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        photos: Any = self.fields["photos"]
        photos.max_mb = max_mb
        photos.help_text = f"每张不超过 {max_mb} MB"
        self.fields["date"].initial = timezone.localdate()
        errors = self.fields["date"].error_messages
        errors.update(required="请填写走访日期", invalid="日期格式应为 2025-06-18")
        self.fields["findings"].error_messages["required"] = "请填写走访情况"

    def clean_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError("走访日期不能晚于今天")
        return value
