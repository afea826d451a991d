"""Sign-in with lockout, two-factor login, password change and the 账号安全 page."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from liangping.accounts import otp, policy, throttle
from liangping.accounts.forms import ConfirmPasswordForm, PasswordChangeForm, SeparatedLoginForm, TokenForm
from liangping.accounts.middleware import HAS_DEVICE, MUST_CHANGE
from liangping.accounts.models import RecoveryCodeDevice, SealedTOTPDevice
from liangping.core.access import roles_required
from liangping.core.audit import record
from liangping.core.models import AccountChange, Role, User
from liangping.core.views import LoginView as CoreLoginView

RECOVERY_SESSION = "lp_new_recovery_codes"


def next_url(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url(request)})}"


class LoginView(CoreLoginView):
    authentication_form = SeparatedLoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = throttle.wait_seconds(request)
        if wait and not throttle.account_locked(request):
            return slowed_down(request, wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # the account's own failures end with a successful sign-in; the address's failures do not
        AccessAttempt.objects.filter(username=form.get_user().get_username()).delete()
        if policy.must_change_password(form.get_user()):
            self.request.session[MUST_CHANGE] = True
        return response


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """The page django-axes shows once an account or an address is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked.html",
        {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


def slowed_down(request: HttpRequest, wait: int) -> HttpResponse:
    """Too many failures from this address: wait before the next attempt (not counted, not a lock)."""
    username = str(request.POST.get("username") or "")[:150]
    named = User.objects.filter(username=username).values_list("pk", "org__tenant_id").first()
    record(
        None,
        "user.login_throttled",
        object_type=User._meta.label_lower,
        object_id=str(named[0]) if named else "",
        object_repr=username or "（未填写用户名）",
        reason=f"来源地址登录失败次数过多，需等待 {wait} 秒",
        tenant=named[1] if named else None,  # the account's city reads attempts on it
    )
    response = render(request, "accounts/slowed.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


@roles_required()
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in: a code from the authenticator app, or one recovery code."""
    user: Any = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not user_has_device(user, confirmed=True):
        # the authenticator was removed meanwhile (a reset): whoever must have one enrols again
        request.session[HAS_DEVICE] = False
        return redirect(next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.verify(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, RecoveryCodeDevice):
                left = otp.remaining_recovery_codes(user)
                messages.warning(
                    request, f"已使用一个恢复码，还剩 {left} 个。恢复码不足时请在“账号安全”中重新生成。"
                )
            return redirect(next_url(request))
        record(None, "user.login_failed", user, reason="动态口令错误")
        form.add_error(
            "token", "动态口令不正确或已使用过，请输入验证器应用中当前显示的 6 位数字，或一个恢复码"
        )
    return render(request, "accounts/verify.html", {"form": form, "next": next_url(request)})


@roles_required()
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with one code."""
    user: Any = request.user
    if user_has_device(user, confirmed=True):
        if not user.is_verified():
            return redirect(with_next("accounts:verify", request))
        messages.info(request, "已绑定动态口令")
        return redirect("accounts:security")
    device = otp.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = otp.confirm_enrolment(user, device, form.cleaned_data["token"])
        except otp.TwoFactorError as exc:
            form.add_error("token", str(exc))
        else:
            otp_login(request, SealedTOTPDevice.objects.get(pk=device.pk))
            request.session[HAS_DEVICE] = True
            request.session[RECOVERY_SESSION] = codes
            return redirect(with_next("accounts:recovery_codes", request))
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr": otp.qr_data_uri(device.config_url),
            "secret": otp.secret_of(device),
            "required": policy.requires_two_factor(user),
            "next": next_url(request),
        },
    )


@roles_required()
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows freshly made recovery codes once; POST makes a new set (the old ones stop working)."""
    user: Any = request.user
    if request.method == "POST":
        try:
            codes = otp.regenerate_recovery_codes(user)
        except otp.TwoFactorError as exc:
            messages.error(request, str(exc))
            return redirect("accounts:security")
        request.session[RECOVERY_SESSION] = codes
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(RECOVERY_SESSION, None)
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url(request)})


@roles_required()
def password_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    forced = bool(request.session.get(MUST_CHANGE))
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user.set_password(form.cleaned_data["new_password2"])
            user.save(update_fields=["password"])
            record(user, "user.password_change", user, changes={"password": ["******", "（已修改）"]})
        update_session_auth_hash(request, user)
        request.session.pop(MUST_CHANGE, None)
        messages.success(request, "密码已修改")
        return redirect(next_url(request))
    return render(
        request, "accounts/password_change.html", {"form": form, "forced": forced, "next": next_url(request)}
    )


@roles_required()
def security(request: HttpRequest) -> HttpResponse:
    """账号安全: two-factor status, recovery codes, password."""
    user: Any = request.user
    required = policy.requires_two_factor(user)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.disable(user, required=required)
        except otp.TwoFactorError as exc:
            messages.error(request, str(exc))
        else:
            request.session[HAS_DEVICE] = False
            messages.success(request, "已停用双因素登录")
        return redirect("accounts:security")
    return render(
        request,
        "accounts/security.html",
        {
            "enrolled": user_has_device(user, confirmed=True),
            "required": required,
            "relaxed": policy.relaxed(),
            "codes_left": otp.remaining_recovery_codes(user),
            "form": form,
        },
    )


@roles_required(Role.SECADMIN)
@require_POST
def otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """安全管理员 resets a user's two-factor login (lost phone); a privileged account's reset waits for a
    second administrator's approval."""
    target = get_object_or_404(User, pk=pk)
    try:
        outcome = otp.reset(request.user, target, reason=request.POST.get("reason", "").strip())  # type: ignore[arg-type]
    except otp.TwoFactorError as exc:
        messages.error(request, str(exc))
    else:
        if isinstance(outcome, AccountChange):
            messages.info(request, f"已提交重置“{target.username}”双因素登录的申请，待另一位管理员批准后生效")
        else:
            messages.success(
                request, f"已重置账号“{target.username}”的双因素登录，该用户下次登录时需重新绑定"
            )
    return redirect("core:user_edit", pk=target.pk)
