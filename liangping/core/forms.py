"""Forms of the login and administration pages. Labels and messages are in Chinese."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from liangping.core.holidays import WEEKDAYS
from liangping.core.models import PRIVILEGED_ROLES, Org, OrgKind, Role, TokenScope, User
from liangping.plaintext import control_char, refusal


def weekday(day: dt.date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


class PlainTextMixin:
    """Refuses control characters (liangping.plaintext) in every text a form accepts, as an error on
    the field that names it. Put it first among the bases of any form that takes typed text."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        cleaned = getattr(self, "cleaned_data", None)
        if not cleaned:
            return
        for name, value in list(cleaned.items()):
            texts = value if isinstance(value, list | tuple) else [value]
            found = next((c for t in texts if isinstance(t, str) and (c := control_char(t))), None)
            if found is not None:
                field = self.fields.get(name)  # type: ignore[attr-defined]
                label = str(field.label) if field is not None and field.label else name
                self.add_error(name, refusal(label, found))  # type: ignore[attr-defined]


class Form(PlainTextMixin, forms.Form):
    """A form whose labels carry no ASCII colon (Chinese labels stand on their own) and whose text
    holds no control characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入。",
        "inactive": "用户名或密码错误，请重新输入。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "请输入用户名"
        self.fields["password"].error_messages["required"] = "请输入密码"


class SingleValueSelect(forms.Select):
    """A select that hands every submitted value to the field, so two values fail validation
    instead of the last one silently winning."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getlist = getattr(data, "getlist", None)
        if getlist is not None:
            values = getlist(name)
            if len(values) > 1:
                return values
        return super().value_from_datadict(data, files, name)


class RoleField(forms.ChoiceField):
    """One account, one role (三权分立): a single choice, never a list."""

    widget = SingleValueSelect

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Role.choices, label="角色", **kwargs)

    def to_python(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            raise ValidationError("一个账号只能有一个角色（三权分立），请只选择一个角色。")
        return super().to_python(value)


def org_field(required: bool = False, label: str = "所属组织") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Org.objects.order_by("path"),
        required=required,
        label=label,
        empty_label="（无）",
    )


class PasswordPairMixin(Form):
    password1 = forms.CharField(label="密码", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput, strip=False)

    def clean_password2(self) -> str:
        p1 = self.cleaned_data.get("password1") or ""
        p2 = self.cleaned_data.get("password2") or ""
        if p1 != p2:
            raise ValidationError("两次输入的密码不一致")
        try:
            validate_password(p2)
        except ValidationError as exc:
            raise ValidationError(_chinese_password_errors(exc)) from exc
        return p2


def _chinese_password_errors(exc: ValidationError) -> list[str]:
    words = {
        "password_too_short": "密码太短，至少需要 8 个字符",
        "password_too_common": "密码太常见，请换一个",
        "password_entirely_numeric": "密码不能全是数字",
        "password_too_similar": "密码与账号信息太相似",
    }
    return [words.get(e.code or "") or " ".join(e.messages) or "密码不符合要求" for e in exc.error_list]


chinese_password_errors = _chinese_password_errors


class UserCreateForm(PasswordPairMixin):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    role = RoleField()
    org = org_field()

    field_order = ["username", "display_name", "phone", "role", "org", "password1", "password2"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("该用户名已被使用")
        return username


class UserEditForm(Form):
    display_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    role = RoleField()
    org = org_field()
    is_active = forms.BooleanField(label="启用", required=False)
    reason = forms.CharField(label="修改原因", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PasswordResetForm(PasswordPairMixin):
    password1 = forms.CharField(label="新密码", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput, strip=False)


class TokenIssueForm(Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).exclude(role__in=PRIVILEGED_ROLES).order_by("username"),
        label="账号",
        empty_label="（请选择）",
    )
    name = forms.CharField(label="名称（用途或对接系统）", max_length=100)
    scope = forms.ChoiceField(label="权限", choices=TokenScope.choices, initial=TokenScope.READ)
    until = forms.DateField(label="有效期至", widget=forms.DateInput(attrs={"type": "date"}))


class UserFilterForm(Form):
    q = forms.CharField(label="用户名或姓名", required=False)
    role = forms.ChoiceField(label="角色", choices=[("", "全部"), *Role.choices], required=False)
    org = forms.ModelChoiceField(
        queryset=Org.objects.exclude(kind=OrgKind.COMPANY).order_by("path"),
        required=False,
        label="所属组织（含下级）",
        empty_label="全部",
    )


class OrgForm(Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=OrgKind.choices)
    parent = forms.ModelChoiceField(
        queryset=Org.objects.exclude(kind=OrgKind.COMPANY).order_by("path"),
        required=False,
        label="上级组织",
        empty_label="（无，顶级）",
    )
    aliases = forms.CharField(label="别名（逗号分隔）", max_length=255, required=False)
    sort = forms.IntegerField(label="排序", initial=0, required=False)


class SettingForm(Form):
    value = forms.IntegerField(label="新值", min_value=0)
    reason = forms.CharField(label="修改原因", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "修改参数必须填写原因"


class CalendarDayForm(Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label="类型",
        choices=[("0", "休息（节假日）"), ("1", "上班（调休工作日）")],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label="说明", max_length=60, required=False)


class CalendarYearForm(Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    note = forms.CharField(label="说明", max_length=100, required=False)


class DeadlineForm(Form):
    start = forms.DateField(label="起算日期", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="工作日数", min_value=1, max_value=365, initial=5)


class AuditFilterForm(Form):
    actor = forms.CharField(label="操作人", required=False)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", required=False)
    action = forms.ChoiceField(label="操作", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    privileged = forms.BooleanField(label="只看特权账号事件", required=False)

    def __init__(
        self,
        *args: Any,
        object_types: list[tuple[str, str]],
        actions: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", "全部"), *object_types]  # type: ignore[attr-defined]
        self.fields["action"].choices = [("", "全部"), *actions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since: dt.date | None = data.get("since")
        until: dt.date | None = data.get("until")
        if since and until and since > until:
            raise ValidationError("起始日期不能晚于截止日期")
        return data
