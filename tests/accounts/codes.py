"""The codes an authenticator app would show, computed from a device's key (RFC 6238)."""

from __future__ import annotations

import time

from django_otp.oath import TOTP

from liangping.accounts.models import SealedTOTPDevice as TOTPDevice


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code shown now, or `steps_ahead` 30-second steps later (the server accepts the next step,
    and never a code already used, so a second sign-in within one step uses the next one)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
