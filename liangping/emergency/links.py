"""The single-use acknowledgement link of one contact: unguessable, for this purpose only.

token = HMAC-SHA256(SECRET_KEY, "liangping.emergency.ack:<nonce>"), base64url, 32 chars (192 bits), with
a random 128-bit nonce per contact. The database keeps the nonce and the token's SHA-256: the token can
be rebuilt only with the server's secret key, and a token made for another purpose never matches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.urls import reverse

PURPOSE = "liangping.emergency.ack"


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(nonce: str) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"{PURPOSE}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:32]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ack_path(nonce: str) -> str:
    return reverse("emergency:ack", args=[token_for(nonce)])


def absolute(path: str) -> str:
    base = str(getattr(settings, "LIANGPING_SITE_URL", "")).rstrip("/")
    return f"{base}{path}" if base else path
