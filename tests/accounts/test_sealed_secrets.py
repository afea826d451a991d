"""Two-factor secrets at rest: authenticator keys encrypted with a key outside the database, recovery
codes kept as keyed digests; existing clear-text devices are moved over by a data migration and keep
working."""

from __future__ import annotations

import base64
import importlib
from binascii import hexlify

import pytest
from django.apps import apps
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from liangping.accounts import sealing
from liangping.accounts.models import RecoveryCode, RecoveryCodeDevice, SealedTOTPDevice
from tests.accounts.codes import code_for
from tests.accounts.test_two_factor import enrol, sign_in

MIGRATION = importlib.import_module("liangping.accounts.migrations.0003_seal_existing_devices")


def dump() -> str:
    """Every two-factor table as text, as a copy of the database would show them."""
    tables = [
        m._meta.db_table
        for m in (SealedTOTPDevice, RecoveryCodeDevice, RecoveryCode, TOTPDevice, StaticDevice, StaticToken)
    ]
    with connection.cursor() as cursor:
        rows = []
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows += [str(row) for row in cursor.fetchall()]
    return "\n".join(rows)


@pytest.mark.django_db
def test_enrolment_stores_no_secret_in_clear(cast, strict):
    device, codes = enrol(sign_in("supervisor"), cast.supervisor)
    key = device.bin_key
    text = dump()
    assert hexlify(key).decode() not in text.lower()
    assert base64.b32encode(key).decode().rstrip("=") not in text.upper()
    assert not any(code in text.lower() for code in codes)
    assert RecoveryCode.objects.filter(device__user=cast.supervisor).count() == len(codes)
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    # another installation's key opens nothing
    with pytest.raises(sealing.SealError):
        sealing.unseal(SealedTOTPDevice.objects.get(user=cast.supervisor).sealed_key, key="k" * 48)


@pytest.mark.django_db
def test_existing_clear_text_devices_are_moved_and_still_sign_in(cast, strict):
    old = TOTPDevice.objects.create(user=cast.supervisor, name="动态口令", confirmed=True, last_t=5)
    key_hex = old.key
    static = StaticDevice.objects.create(user=cast.supervisor, name="恢复码", confirmed=True)
    StaticToken.objects.bulk_create([StaticToken(device=static, token=t) for t in ("abcd2345", "efgh6723")])

    MIGRATION.seal_devices(apps, None)

    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert not StaticToken.objects.exists()
    device = SealedTOTPDevice.objects.get(user=cast.supervisor)
    assert hexlify(device.bin_key).decode() == key_hex and key_hex not in dump()
    assert (device.confirmed, device.last_t, device.name) == (True, 5, "动态口令")
    assert "abcd2345" not in dump()
    # the authenticator app the user already has signs in, end to end
    client = sign_in("supervisor")
    response = client.post("/accounts/2fa/verify/", {"token": code_for(device), "next": "/projects/"})
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert client.get("/projects/").status_code == 200
    # so does an unused recovery code, once
    other = sign_in("supervisor")
    assert other.post("/accounts/2fa/verify/", {"token": "EFGH 6723"}).status_code == 302
    assert RecoveryCode.objects.filter(device__user=cast.supervisor).count() == 1
    third = sign_in("supervisor")
    assert "动态口令不正确" in third.post("/accounts/2fa/verify/", {"token": "efgh6723"}).content.decode()

    # and backwards: keys back in clear (recovery codes cannot be recovered from digests)
    MIGRATION.unseal_devices(apps, None)
    assert TOTPDevice.objects.get(user=cast.supervisor).key == key_hex
    assert not SealedTOTPDevice.objects.exists() and not RecoveryCodeDevice.objects.exists()
