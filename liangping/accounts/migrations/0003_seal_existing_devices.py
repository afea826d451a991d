"""Move existing two-factor devices off django-otp's clear-text tables: each TOTPDevice's key is
encrypted into a SealedTOTPDevice, each StaticDevice's recovery codes become digests in a
RecoveryCodeDevice, and the clear-text rows are deleted. Users keep their authenticator app and
their unused recovery codes; a session verified before the move asks for a code once more."""

from binascii import hexlify, unhexlify

from django.db import migrations

from liangping.accounts import sealing

DEVICE_FIELDS = ["user_id", "name", "confirmed", "throttling_failure_timestamp", "throttling_failure_count"]
STAMPS = ["created_at", "last_used_at"]
TOTP_FIELDS = ["step", "t0", "digits", "tolerance", "drift", "last_t"]


def seal_devices(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    SealedTOTPDevice = apps.get_model("accounts", "SealedTOTPDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    RecoveryCode = apps.get_model("accounts", "RecoveryCode")
    for old in TOTPDevice.objects.all():
        values = {f: getattr(old, f) for f in DEVICE_FIELDS + STAMPS + TOTP_FIELDS}
        SealedTOTPDevice.objects.create(sealed_key=sealing.seal(unhexlify(old.key.encode())), **values)
    TOTPDevice.objects.all().delete()
    for old in StaticDevice.objects.all():
        new = RecoveryCodeDevice.objects.create(**{f: getattr(old, f) for f in DEVICE_FIELDS + STAMPS})
        codes = old.token_set.values_list("token", flat=True)
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(device=new, digest=sealing.code_digest(code)) for code in codes]
        )
    StaticDevice.objects.all().delete()  # their tokens go with them (cascade)


def unseal_devices(apps, schema_editor):
    """Backwards: keys go back in clear; recovery codes cannot (only digests exist) and are dropped,
    so their owners make new ones on 账号安全."""
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    SealedTOTPDevice = apps.get_model("accounts", "SealedTOTPDevice")
    RecoveryCodeDevice = apps.get_model("accounts", "RecoveryCodeDevice")
    for new in SealedTOTPDevice.objects.all():
        values = {f: getattr(new, f) for f in DEVICE_FIELDS + STAMPS + TOTP_FIELDS}
        TOTPDevice.objects.create(key=hexlify(sealing.unseal(new.sealed_key)).decode(), **values)
    SealedTOTPDevice.objects.all().delete()
    RecoveryCodeDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_sealed_devices"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal_devices, unseal_devices)]
