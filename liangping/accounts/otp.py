"""Two-factor login with an authenticator app (TOTP, RFC 6238) and one-time recovery codes.

Each action runs in one transaction and writes the audit log. Devices (accounts.models) are
django-otp devices whose secrets are not stored in clear: one confirmed SealedTOTPDevice per user
(key encrypted), and one RecoveryCodeDevice holding digests of the unused recovery codes.
"""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticToken

from liangping.accounts.models import RecoveryCode, RecoveryCodeDevice, SealedTOTPDevice
from liangping.accounts.sealing import code_digest
from liangping.core import accounts, approvals
from liangping.core.audit import record
from liangping.core.models import AccountChange, User

RECOVERY_CODES = 10
TOTP_NAME = "动态口令"
STATIC_NAME = "恢复码"


class TwoFactorError(ValueError):
    """A refused two-factor action, with a message for people."""


def pending_device(user: User) -> SealedTOTPDevice:
    """The user's unconfirmed authenticator (made on first visit to the set-up page)."""
    device = SealedTOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = SealedTOTPDevice.objects.create(
            user=user, name=TOTP_NAME, confirmed=False, sealed_key=SealedTOTPDevice.new_key()
        )
    return device


def secret_of(device: SealedTOTPDevice) -> str:
    """The key in base32, grouped by four, for typing into an app by hand."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI, drawn here (no request to any other server)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES fresh ones; each works once."""
    device, _ = RecoveryCodeDevice.objects.get_or_create(user=user, defaults={"name": STATIC_NAME})
    device.codes.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, digest=code_digest(code)) for code in codes]
    )
    return codes


@transaction.atomic
def confirm_enrolment(user: User, device: SealedTOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a code it shows; returns the new recovery codes."""
    if device.user_id != user.pk or device.confirmed:
        raise TwoFactorError("该动态口令设备无效，请刷新页面重新绑定")
    if user_has_device(user, confirmed=True):
        raise TwoFactorError("已绑定动态口令。如需更换，请先停用或请安全管理员重置")
    if not device.verify_token(token):
        raise TwoFactorError("动态口令不正确：请输入验证器应用中当前显示的 6 位数字")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    SealedTOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = new_recovery_codes(user)
    record(user, "user.otp_enroll", user, changes={"two_factor": ["未绑定", "已绑定"]})
    return codes


def verify(user: User, token: str) -> SealedTOTPDevice | RecoveryCodeDevice | None:
    """The device that accepts this code (a 6-digit code or a recovery code), or None."""
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


@transaction.atomic
def regenerate_recovery_codes(user: User) -> list[str]:
    if not user_has_device(user, confirmed=True):
        raise TwoFactorError("请先绑定动态口令")
    codes = new_recovery_codes(user)
    record(user, "user.recovery_codes", user, changes={"recovery_codes": ["******", "（已重新生成）"]})
    return codes


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def _delete_devices(user: User) -> int:
    return sum(device.delete()[0] for device in devices_for_user(user, confirmed=None))


@transaction.atomic
def disable(user: User, *, required: bool) -> None:
    """The owner turns two-factor login off (only where their role does not require it)."""
    if required:
        raise TwoFactorError("您的角色必须使用双因素登录，不能停用")
    if _delete_devices(user):
        record(user, "user.otp_disable", user, changes={"two_factor": ["已绑定", "未绑定"]})


def can_reset(actor: User) -> bool:
    return accounts.can_reset_password(actor)


def reset(actor: User, user: User, reason: str = "") -> User | AccountChange:
    """The security administrator removes a user's authenticator and recovery codes (a lost phone):
    the user enrols again at the next sign-in. For a privileged account this is a request that a second
    administrator must approve (core.approvals)."""
    try:
        return approvals.reset_two_factor(actor, user, reason=reason)
    except accounts.AccountError as exc:
        raise TwoFactorError(str(exc)) from exc
