"""Forms of the task pages. They check what a person typed; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from liangping.core.forms import PlainTextMixin
from liangping.core.models import Org, OrgKind, Role, User
from liangping.tasks.models import Task

NUMBER_ERRORS = {
    "invalid": "请输入数字",
    "max_digits": "数值位数过多",
    "max_decimal_places": "最多保留四位小数",
    "max_whole_digits": "数值过大",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class TaskForm(PlainTextMixin, forms.ModelForm):
    """The task's fields (DOMAIN §7) and the version that was read."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label="修改说明", required=False, max_length=255)

    class Meta:
        model = Task
        fields = [
            "code",
            "title",
            "year",
            "leader",
            "lead_department",
            "co_departments",
            "goal",
            "target_value",
            "target_unit",
        ]
        field_classes = {"leader": PersonChoiceField}
        widgets = {
            "co_departments": forms.CheckboxSelectMultiple,
            "goal": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "target_value": "量化目标（如 30 个、60 亿元）；没有量化目标时留空，按节点评定",
            "co_departments": "可多选",
        }
        error_messages = {
            "code": {"required": "请填写事项编号", "unique": "该事项编号已被其他攻坚事项使用"},
            "title": {"required": "请填写攻坚事项名称"},
            "year": {"required": "请填写年度", "invalid": "年度应为整数，例如 2025"},
            "leader": {"required": "请选择领衔市领导"},
            "lead_department": {"required": "请选择牵头部门"},
            "goal": {"required": "请填写攻坚目标"},
            "target_value": NUMBER_ERRORS,
        }

    def __init__(self, *args: Any, tenant: int | None = None, **kwargs: Any) -> None:
        """`tenant`: the city whose departments and leaders are offered (a task stays in its city)."""
        super().__init__(*args, **kwargs)
        f = self.fields
        if self.instance.lead_department_id:
            tenant = self.instance.lead_department.tenant_id
        departments = Org.objects.filter(kind=OrgKind.DEPARTMENT)
        leaders = User.objects.filter(role=Role.LEADER, is_active=True)
        if tenant is not None:
            departments, leaders = departments.filter(tenant_id=tenant), leaders.filter(org__tenant_id=tenant)
        f["lead_department"].queryset = departments  # type: ignore[attr-defined]
        f["co_departments"].queryset = departments  # type: ignore[attr-defined]
        f["leader"].queryset = leaders.order_by("display_name", "username")  # type: ignore[attr-defined]
        f["leader"].empty_label = "请选择"  # type: ignore[attr-defined]
        f["lead_department"].empty_label = "请选择"  # type: ignore[attr-defined]
        if not self.instance.pk:
            f["year"].initial = timezone.localdate().year
            del f["reason"]

    def clean_target_value(self) -> Any:
        value = self.cleaned_data.get("target_value")
        if value is not None and value <= 0:
            raise forms.ValidationError("目标值必须大于 0；没有量化目标时请留空")
        return value

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields if name != "co_departments"}


class MilestoneForm(PlainTextMixin, forms.Form):
    """The supervisor adds or corrects a milestone."""

    title = forms.CharField(label="节点", max_length=200, error_messages={"required": "请填写节点名称"})
    planned_date = forms.DateField(
        label="计划完成日期",
        widget=DateInput(),
        error_messages={"required": "请填写计划完成日期", "invalid": "日期格式应为 2025-06-30"},
    )
    actual_date = forms.DateField(
        label="实际完成日期",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "日期格式应为 2025-06-30"},
    )
    note = forms.CharField(label="说明", max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["actual_date"]


class RecordForm(PlainTextMixin, forms.Form):
    """The lead department records a milestone as done, with evidence."""

    actual_date = forms.DateField(
        label="实际完成日期",
        widget=DateInput(),
        error_messages={"required": "请填写实际完成日期", "invalid": "日期格式应为 2025-06-30"},
    )
    evidence = forms.FileField(
        label="佐证材料",
        required=False,
        help_text="PDF、JPG、PNG、Word（.docx）或 Excel（.xlsx）",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )
    note = forms.CharField(label="说明", max_length=255, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_actual_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["actual_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("实际完成日期不能晚于今天")
        return value


def report_months(task: Task, today: dt.date | None = None) -> list[tuple[str, str]]:
    """The months of the task's year a report may be submitted for: not the future, newest first."""
    today = today or timezone.localdate()
    last = 12 if task.year < today.year else (today.month if task.year == today.year else 0)
    return [(f"{task.year}-{m:02d}", f"{task.year}年{m}月") for m in range(last, 0, -1)]


class ReportForm(PlainTextMixin, forms.Form):
    month = forms.ChoiceField(label="年月", error_messages={"required": "请选择年月"})
    actual_value = forms.DecimalField(
        label="累计完成值",
        required=False,
        max_digits=16,
        decimal_places=4,
        error_messages=NUMBER_ERRORS,
    )
    progress = forms.CharField(
        label="进展情况",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请填写进展情况"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, task: Task, months: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if months is None:
            del self.fields["month"]
        else:
            self.fields["month"].choices = months  # type: ignore[attr-defined]
        if task.target_value is not None:
            unit = f"（{task.target_unit}）" if task.target_unit else ""
            self.fields["actual_value"].label = f"累计完成值{unit}"
            self.fields["actual_value"].required = True
            self.fields["actual_value"].error_messages["required"] = "该事项有量化目标，请填写累计完成值"
            self.fields[
                "actual_value"
            ].help_text = f"年度目标 {task.target_value.normalize():f}{task.target_unit}"

    def clean_actual_value(self) -> Any:
        value = self.cleaned_data.get("actual_value")
        if value is not None and value < 0:
            raise forms.ValidationError("累计完成值不能为负数")
        return value

    def month_date(self) -> dt.date:
        year, month = self.cleaned_data["month"].split("-")
        return dt.date(int(year), int(month), 1)


class ReviewForm(PlainTextMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过"), ("return", "退回")])
    note = forms.CharField(required=False, max_length=5000)
    version = forms.IntegerField()
