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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern): a list of files, or []."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [] if data in (None, "") else [single(data, initial)]


def _say_what_to_fix(form: forms.Form) -> None:
    """Required fields say which one: 请填写诉求内容 / 请选择诉求类别."""
    for field in form.fields.values():
        verb = "请选择" if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) else "请填写"
        field.error_messages["required"] = f"{verb}{field.label}"


class PublicAppealForm(Form):
    """The public web form: anyone, no account."""

    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=20, help_text="用于回访，不会公开")
    category = forms.ChoiceField(label="诉求类别")
    place = forms.ModelChoiceField(
        label="所在区（市）、镇街",
        queryset=Org.objects.none(),
        required=False,
        empty_label="（不清楚可不选）",
    )
    address = forms.CharField(label="地点", max_length=200, help_text="如 市中区光明路与建设路路口")
    description = forms.CharField(label="诉求内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))
    photos = MultipleFileField(
        label="照片（选填，最多3张，JPG 或 PNG）",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "请选择"), *categories]
        place = self.fields["place"]
        assert isinstance(place, forms.ModelChoiceField)
        place.queryset = Org.objects.filter(kind__in=(OrgKind.DISTRICT, OrgKind.TOWN)).order_by("path")
        _say_what_to_fix(self)


class LookupForm(Form):
    no = forms.CharField(label="受理编号", max_length=20)


class StaffAppealForm(Form):
    """The hotline seat's and the window's quick entry."""

    channel = forms.ChoiceField(label="受理渠道")
    window = forms.CharField(
        label="窗口", max_length=60, required=False, help_text="窗口受理时填写，如 市民中心3号窗口"
    )
    name = forms.CharField(label="诉求人", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=20)
    category = forms.ChoiceField(label="诉求类别")
    urgency = forms.ChoiceField(label="紧急程度")
    place = forms.ModelChoiceField(
        label="所在区（市）、镇街",
        queryset=Org.objects.none(),
        required=False,
        empty_label="（不清楚可不选）",
    )
    address = forms.CharField(label="地点", max_length=200, required=False)
    description = forms.CharField(label="诉求内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(
        self,
        *args: Any,
        channels: list[tuple[str, str]],
        categories: list[tuple[str, str]],
        urgencies: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("channel", channels),
            ("category", [("", "请选择"), *categories]),
            ("urgency", urgencies),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        self.fields["urgency"].initial = "normal"
        place = self.fields["place"]
        assert isinstance(place, forms.ModelChoiceField)
        place.queryset = Org.objects.filter(kind__in=(OrgKind.DISTRICT, OrgKind.TOWN)).order_by("path")
        _say_what_to_fix(self)
