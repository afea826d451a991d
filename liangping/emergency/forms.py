"""Forms of the flood-season pages. Choices are limited to what the user sees."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from liangping.core.models import Org
from liangping.emergency.models import Hazard, Level, PointKind, Readiness, Shift

DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WarningForm(forms.Form):
    level = forms.ChoiceField(label="预警级别", choices=Level.choices, widget=forms.RadioSelect)
    hazard = forms.ChoiceField(label="预警类型", choices=Hazard.choices)
    towns = forms.MultipleChoiceField(
        label="影响镇街", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    points = forms.MultipleChoiceField(label="或指定点位", required=False, choices=())
    text = forms.CharField(label="预警内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    valid_until = forms.DateTimeField(label="有效期至", widget=DT_WIDGET, input_formats=["%Y-%m-%dT%H:%M"])
    is_drill = forms.BooleanField(
        label="演练（推演）：同样叫应责任人，消息标注【演练】，不上公开大屏", required=False
    )
    cap_identifier = forms.CharField(required=False, widget=forms.HiddenInput)
    cap_sender = forms.CharField(required=False, widget=forms.HiddenInput)
    areas = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, towns: list[str], points: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["towns"].choices = [(t, t) for t in towns]  # type: ignore[attr-defined]
        self.fields["points"].choices = [(str(pk), name) for pk, name in points]  # type: ignore[attr-defined]
        self.fields["valid_until"].error_messages["invalid"] = "有效期格式不对，请选择日期和时间"
        self.fields["text"].error_messages["required"] = "请填写预警内容"
        self.fields["level"].error_messages["required"] = "请选择预警级别"


class CapForm(forms.Form):
    cap = forms.FileField(label="CAP 1.2 预警文件（.xml）")


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="解除说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PhoneForm(forms.Form):
    person = forms.IntegerField(label="接听人")
    note = forms.CharField(label="电话记录", max_length=200)


class AckForm(forms.Form):
    note = forms.CharField(label="备注（可不填）", max_length=200, required=False)


class DutyNoteForm(forms.Form):
    text = forms.CharField(label="值班日志", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ShiftForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    shift = forms.ChoiceField(label="班次", choices=Shift.choices)
    org = forms.ModelChoiceField(label="值守层级", queryset=Org.objects.none())
    leader_name = forms.CharField(label="带班领导", max_length=50)
    leader_phone = forms.CharField(label="带班领导电话", max_length=30, required=False)
    officer_name = forms.CharField(label="值班员", max_length=50)
    officer_phone = forms.CharField(label="值班员电话", max_length=30, required=False)

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["date"].initial = timezone.localdate()


class PointForm(forms.Form):
    code = forms.CharField(label="点位编号", max_length=40)
    name = forms.CharField(label="点位名称", max_length=100)
    kind = forms.ChoiceField(label="点位类型", choices=PointKind.choices)
    district = forms.ModelChoiceField(label="所属区（市）", queryset=Org.objects.none())
    town_name = forms.CharField(label="镇街", max_length=60)
    village = forms.CharField(label="村（社区）", max_length=60, required=False)
    first_name = forms.CharField(label="第一责任人", max_length=50)
    first_phone = forms.CharField(label="第一责任人电话", max_length=30)
    backup_name = forms.CharField(label="备用责任人", max_length=50, required=False)
    backup_phone = forms.CharField(label="备用责任人电话", max_length=30, required=False)
    town_leader_name = forms.CharField(label="镇街包保领导", max_length=50, required=False)
    town_leader_phone = forms.CharField(label="镇街包保领导电话", max_length=30, required=False)
    district_leader_name = forms.CharField(label="区级包保领导", max_length=50, required=False)
    district_leader_phone = forms.CharField(label="区级包保领导电话", max_length=30, required=False)

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["first_name"].error_messages["required"] = "点位必须有第一责任人"
        self.fields["first_phone"].error_messages["required"] = "请填写第一责任人的手机号"


class SupplyForm(forms.Form):
    store = forms.CharField(label="储备库", max_length=100)
    district = forms.ModelChoiceField(label="所属区（市）", queryset=Org.objects.none())
    item = forms.CharField(label="物资名称", max_length=60)
    quantity = forms.DecimalField(label="数量", min_value=Decimal(0), max_digits=12, decimal_places=2)
    unit = forms.CharField(label="单位", max_length=10)
    keeper = forms.CharField(label="保管人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


class TeamForm(forms.Form):
    name = forms.CharField(label="队伍名称", max_length=100)
    district = forms.ModelChoiceField(label="所属区（市）", queryset=Org.objects.none())
    leader = forms.CharField(label="队长", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30)
    readiness = forms.ChoiceField(label="备勤状态", choices=Readiness.choices)
    specialty = forms.CharField(label="专长", max_length=100, required=False)
    members = forms.CharField(
        label="队员（每行一人：姓名 电话）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]

    def clean_members(self) -> list[tuple[str, str]]:
        out = []
        for number, line in enumerate(self.cleaned_data["members"].splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) > 2:
                raise forms.ValidationError(f"第{number}行应为“姓名 电话”两项，中间用空格隔开")
            out.append((parts[0][:50], parts[1][:30] if len(parts) > 1 else ""))
        return out
