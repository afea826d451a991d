"""The keyed digest of the audit chain: HMAC over the configured digest with a key outside the database.

A plain digest can be recomputed by anyone who can write the table: change an entry, re-hash every
entry after it, and the chain verifies again. An HMAC needs the key (LIANGPING_AUDIT_KEY, from the
environment or var/audit_key, see liangping.env.audit_key), which the service holds and the database
does not.

LIANGPING_AUDIT_HASH chooses the digest: a hashlib name (sha256, sha512, sm3 …) or a dotted path to
a callable taking bytes and returning a hex string. SM3 (GB/T 32905, 国密) is taken from OpenSSL when
hashlib offers it and from the pure-Python gmssl package otherwise, so the 国密 option works on every
build of Python. HMAC over SM3 and over a callable is RFC 2104 with a 64-byte block, as SM3 has.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string
from gmssl import sm3 as gmssl_sm3_module  # type: ignore[import-untyped]

Hasher = Callable[[bytes], str]
BLOCK_SIZE = 64  # SM3, SHA-256 and their kin hash in 64-byte blocks


def sm3_available_in_hashlib() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


def sm3_pure(data: bytes) -> bytes:
    """SM3 of `data` in pure Python (gmssl), for an OpenSSL built without it."""
    return bytes.fromhex(gmssl_sm3_module.sm3_hash(list(data)))


def _rfc2104(func: Callable[[bytes], bytes], key: bytes, message: bytes) -> str:
    if len(key) > BLOCK_SIZE:
        key = func(key)
    key = key.ljust(BLOCK_SIZE, b"\0")
    inner = func(bytes(b ^ 0x36 for b in key) + message)
    return func(bytes(b ^ 0x5C for b in key) + inner).hex()


@lru_cache(maxsize=16)
def plain_hasher(name: str) -> Hasher:
    """The unkeyed digest `name` (the chain before it was keyed, and a backup's legacy prefix)."""
    if "." in name:
        func = import_string(name)
        return lambda data: str(func(data))
    if name == "sm3" and not sm3_available_in_hashlib():
        return lambda data: sm3_pure(data).hex()
    try:
        hashlib.new(name)
    except ValueError as exc:
        raise ValueError(f"LIANGPING_AUDIT_HASH={name} 不是可用的摘要算法") from exc
    return lambda data: hashlib.new(name, data).hexdigest()


@lru_cache(maxsize=16)
def keyed_hasher(name: str, key: bytes) -> Hasher:
    """HMAC-`name` under `key`, as a function of the message returning hex."""
    if "." in name:
        func = import_string(name)
        return lambda data: _rfc2104(lambda b: bytes.fromhex(str(func(b))), key, data)
    if name == "sm3" and not sm3_available_in_hashlib():
        return lambda data: _rfc2104(sm3_pure, key, data)
    try:
        hashlib.new(name)
    except ValueError as exc:
        raise ValueError(f"LIANGPING_AUDIT_HASH={name} 不是可用的摘要算法") from exc
    return lambda data: hmac.new(key, data, name).hexdigest()


def digest_name() -> str:
    return getattr(settings, "LIANGPING_AUDIT_HASH", "sha256") or "sha256"


def key() -> bytes:
    value = getattr(settings, "LIANGPING_AUDIT_KEY", "") or ""
    if not value:
        raise RuntimeError("没有配置审计日志密钥 LIANGPING_AUDIT_KEY，无法写入或校验审计日志")
    return value.encode()


def mac() -> Hasher:
    """The chain's keyed digest under the configured name and key."""
    return keyed_hasher(digest_name(), key())


def sign(message: bytes) -> str:
    return mac()(message)


def signature_matches(message: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(message), str(signature))
