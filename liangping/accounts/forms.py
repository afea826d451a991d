"""Forms of sign-in, two-factor login and password change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from liangping.core.forms import Form, LoginForm, chinese_password_errors
from liangping.core.models import User


class SeparatedLoginForm(LoginForm):
    """The login form, refusing accounts that carry Django's superuser or staff flags: such a flag
    would give one account powers beyond its one role (三权分立)."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.is_superuser or user.is_staff:
            raise ValidationError(
                "该账号带有超级用户或后台管理标志，不符合三权分立，不能登录。请联系安全管理员处理。",
                code="separation",
            )


class TokenForm(Form):
    token = forms.CharField(
        label="动态口令",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": "请输入动态口令"},
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split()).lower()


class PasswordChangeForm(Form):
    old_password = forms.CharField(label="当前密码", widget=forms.PasswordInput, strip=False)
    new_password1 = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput,
        strip=False,
        help_text="至少 8 个字符，包含大写字母、小写字母、数字、符号中的至少 3 类",
    )
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput, strip=False)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].error_messages["required"] = f"请输入{self.fields[name].label}"

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise ValidationError("当前密码不正确")
        return old

    def clean_new_password2(self) -> str:
        p1 = self.cleaned_data.get("new_password1") or ""
        p2 = self.cleaned_data.get("new_password2") or ""
        if p1 != p2:
            raise ValidationError("两次输入的新密码不一致")
        if p2 and p2 == self.cleaned_data.get("old_password"):
            raise ValidationError("新密码不能与当前密码相同")
        try:
            validate_password(p2, self.user)
        except ValidationError as exc:
            raise ValidationError(chinese_password_errors(exc)) from exc
        return p2


class ConfirmPasswordForm(Form):
    password = forms.CharField(label="当前密码", widget=forms.PasswordInput, strip=False)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = "请输入当前密码"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("当前密码不正确")
        return password
