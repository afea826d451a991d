"""Secrets kept in the database, protected by a key kept outside it (settings.FIELD_KEY, from
LIANGPING_FIELD_KEY or var/field_key): authenticator keys are encrypted (Fernet: AES-128-CBC with an
HMAC-SHA256 tag), recovery codes are stored as a keyed digest (HMAC-SHA256) and never in clear.
A copy of the database alone reveals neither."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SealError(ValueError):
    """A sealed value that this key cannot open (another installation's key, or tampering)."""


def _derive(purpose: bytes, key: str | None = None) -> bytes:
    material = (key if key is not None else settings.FIELD_KEY).encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"liangping-field-key", info=purpose).derive(
        material
    )


def _fernet(key: str | None = None) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"totp-key", key)))


def seal(secret: bytes, key: str | None = None) -> str:
    return _fernet(key).encrypt(secret).decode("ascii")


def unseal(sealed: str, key: str | None = None) -> bytes:
    try:
        return _fernet(key).decrypt(sealed.encode("ascii"))
    except (InvalidToken, ValueError) as exc:
        raise SealError(
            "无法解密动态口令密钥：LIANGPING_FIELD_KEY 与加密时不同。"
            "请恢复原密钥，或由安全管理员重置该用户的双因素登录"
        ) from exc


def normalise_code(code: str) -> str:
    """Recovery codes are typed by hand: case, spaces and dashes do not matter."""
    return "".join(code.split()).replace("-", "").lower()


def code_digest(code: str, key: str | None = None) -> str:
    return hmac.new(_derive(b"recovery-code", key), normalise_code(code).encode(), hashlib.sha256).hexdigest()
