"""Two-factor devices whose secrets are not stored in clear (liangping.accounts.sealing).

They replace django-otp's TOTPDevice (key in clear hex) and StaticDevice (recovery codes in clear);
a data migration moved existing devices over. django-otp finds them like its own (devices_for_user,
persistent ids in the session), and the TOTP arithmetic is django-otp's.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from liangping.accounts import sealing

KEY_BYTES = 20  # 160 bits, as RFC 4226 recommends and authenticator apps expect


class SealedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238); its key is encrypted with the field key."""

    sealed_key = models.TextField(editable=False)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "动态口令设备"
        verbose_name_plural = "动态口令设备"

    @classmethod
    def new_key(cls) -> str:
        return sealing.seal(os.urandom(KEY_BYTES))

    @property
    def bin_key(self) -> bytes:
        return sealing.unseal(self.sealed_key)

    # django-otp's own verification and provisioning URL, reading bin_key (decrypted only when used)
    verify_token = TOTPDevice.verify_token
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """The user's one-time recovery codes, each kept as a keyed digest."""

    class Meta(Device.Meta):
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))

    def verify_token(self, token: str) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        match = self.codes.filter(digest=sealing.code_digest(str(token))).first()
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return "******"
