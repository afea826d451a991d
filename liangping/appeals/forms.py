"""Forms of the appeals pages; labels and messages in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from liangping.core.forms import Form
from liangping.core.models import Org, OrgKind

UNIT_KINDS = (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.OFFICE)


def _org_field() -> forms.ModelChoiceField[Org]:
    return forms.ModelChoiceField(
        label="所在单位",
        queryset=Org.objects.filter(kind__in=UNIT_KINDS),
        required=False,
        empty_label="（不填）",
    )


class SlotForm(Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label="结束时间", widget=forms.TimeInput(attrs={"type": "time"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "结束时间必须晚于开始时间")
        return data


class DutyForm(SlotForm):
    leader = forms.CharField(label="值班领导", max_length=50)
    title = forms.CharField(label="职务", max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = _org_field()


class ShiftForm(SlotForm):
    window = forms.CharField(label="窗口", max_length=60, help_text="如 市民中心3号窗口")
    person = forms.CharField(label="坐窗人员", max_length=50)
    title = forms.CharField(label="职务", max_length=60, required=False, help_text="如 局长、科长")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = _org_field()


class MonthForm(Form):
    month = forms.RegexField(
        label="月份",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        error_messages={"invalid": "月份请写成 2026-12"},
        widget=forms.TextInput(attrs={"type": "month"}),
    )
