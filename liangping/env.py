"""Typed access to the environment variables that configure liangping.

Every setting that may differ between a laptop, CI and a city's intranet is read here, once,
so settings.py stays declarative and a typo in a variable name fails loudly.
"""

from __future__ import annotations

import math
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 不是布尔值，请写 1/0、true/false 或 yes/no")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 不是整数") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


MIN_DISTINCT = 10
MIN_BITS = 128
MIN_DISTINCT_TRIGRAMS = 0.75


def key_weakness(key: str) -> str:
    """Why `key` cannot be a production secret ("" when it can): too few different characters, too
    little entropy for its length (estimated as length × log2(distinct characters)), or a repeated
    pattern (most three-character pieces occur more than once). A random key passes all three: 43
    URL-safe characters from secrets.token_urlsafe, 64 hex digits from secrets.token_hex(32)."""
    distinct = len(set(key))
    if distinct < MIN_DISTINCT:
        return f"只有 {distinct} 种不同的字符（至少需要 {MIN_DISTINCT} 种）"
    bits = len(key) * math.log2(distinct)
    if bits < MIN_BITS:
        return f"估计只有 {bits:.0f} 位熵（至少需要 {MIN_BITS} 位）"
    trigrams = [key[i : i + 3] for i in range(len(key) - 2)]
    if len(set(trigrams)) < MIN_DISTINCT_TRIGRAMS * len(trigrams):
        return "由重复的片段组成"
    return ""


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """Create `path` (and missing parents) readable by the service account only (0700); with `tighten`
    an existing directory of the service's own (var/) is made so too."""
    missing = [p for p in [path, *path.parents] if not p.exists()]
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    for made in [*missing, *([path] if tighten and path.stat().st_uid == os.getuid() else [])]:
        made.chmod(PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Make sure `path` exists and is readable by the service account only (0600), before anything
    (SQLite, pg_dump) writes to it: SQLite gives its -wal and -shm files the database file's mode."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE)
    os.close(fd)
    path.chmod(PRIVATE_FILE)
    return path


def _key_file(var_dir: Path, name: str, make: str) -> str:
    path = var_dir / name
    if path.exists():
        return path.read_text().strip()
    private_dir(var_dir)
    private_file(path)
    path.write_text(make)
    return make


def field_key(production: bool, var_dir: Path) -> str:
    """The key that encrypts secrets stored in the database (two-factor keys), kept outside it:
    required from the environment in production, else generated into var/field_key (0600)."""
    key = os.environ.get("LIANGPING_FIELD_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("LIANGPING_FIELD_KEY 太短：至少需要 32 个字符")
        weakness = key_weakness(key) if production else ""
        if weakness:
            raise ImproperlyConfigured(f"LIANGPING_FIELD_KEY 太简单：{weakness}。请用随机生成的密钥")
        return key
    if production:
        raise ImproperlyConfigured(
            "生产环境必须设置 LIANGPING_FIELD_KEY（用于加密数据库中的动态口令密钥，须与数据库分开保管；"
            "可用 python -c 'import secrets; print(secrets.token_urlsafe(48))' 生成）"
        )
    return _key_file(var_dir, "field_key", secrets.token_urlsafe(48))


def secret_key(production: bool, var_dir: Path) -> str:
    """The secret key: required from the environment in production, else kept under var/."""
    key = os.environ.get("LIANGPING_SECRET_KEY", "")
    if key:
        if production and len(key) < 32:
            raise ImproperlyConfigured("LIANGPING_SECRET_KEY 太短：生产环境至少需要 32 个字符")
        if production and (weakness := key_weakness(key)):
            raise ImproperlyConfigured(
                f"LIANGPING_SECRET_KEY 太简单：{weakness}。请用随机生成的密钥"
                "（可用 python -c 'import secrets; print(secrets.token_urlsafe(50))' 生成）"
            )
        return key
    if production:
        raise ImproperlyConfigured(
            "生产环境必须设置 LIANGPING_SECRET_KEY"
            "（可用 python -c 'import secrets; print(secrets.token_urlsafe(50))' 生成）"
        )
    return _key_file(var_dir, "secret_key", secrets.token_urlsafe(50))


def audit_key(production: bool, var_dir: Path) -> str:
    """The key of the audit chain's HMAC (LIANGPING_AUDIT_KEY), kept out of the database.

    Required from the environment in production (at least 32 characters); elsewhere generated once into
    var/audit_key, readable by the service's user alone. Whoever holds it can re-seal the audit log, so
    it belongs with the service, not with the database administrators; a backup restored elsewhere needs
    the same key to verify.
    """
    key = os.environ.get("LIANGPING_AUDIT_KEY", "")
    if key:
        if production and len(key) < 32:
            raise ImproperlyConfigured("LIANGPING_AUDIT_KEY 太短：生产环境至少需要 32 个字符")
        return key
    if production:
        raise ImproperlyConfigured(
            "生产环境必须设置 LIANGPING_AUDIT_KEY（审计日志摘要链的密钥，不存放在数据库中；"
            "可用 python -c 'import secrets; print(secrets.token_urlsafe(48))' 生成，并妥善备份）"
        )
    path = var_dir / "audit_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
