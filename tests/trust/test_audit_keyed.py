"""The keyed audit chain and its signed checkpoints: truncation and re-hashing are found."""

from __future__ import annotations

import hashlib
import hmac
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from liangping.core import auditchain, auditkey
from liangping.core.models import AuditLog
from tests.trust.test_audit_chain import raw_delete, raw_update, write_some

pytestmark = pytest.mark.django_db

SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"  # GB/T 32905 A.1


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def export_checkpoint(tmp_path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "checkpoint.json"
    code, out, _ = run("checkpoint", str(path))
    assert code == 0 and "已导出签名检查点" in out
    return str(path)


def test_a_checkpoint_of_an_intact_log_verifies(cast, tmp_path):
    write_some(cast, 5)
    checkpoint = export_checkpoint(tmp_path)
    body = json.loads(open(checkpoint, encoding="utf-8").read())
    assert body["count"] == AuditLog.objects.count() and body["signature"]
    assert AuditLog.objects.filter(action="audit.checkpoint").exists()  # the export is itself audited
    write_some(cast, 3)  # entries after the checkpoint are fine
    code, out, err = run("verify", "--against", checkpoint)
    assert code == 0, err
    assert "审计日志完整" in out and "与检查点" in out


def test_truncating_the_newest_20_entries_fails_against_the_checkpoint(cast, tmp_path):
    write_some(cast, 30)
    checkpoint = export_checkpoint(tmp_path)
    for entry_id in AuditLog.objects.order_by("-id").values_list("id", flat=True)[:20]:
        raw_delete(entry_id)
    assert run("verify")[0] == 0  # a shorter chain is still a chain …
    code, _, err = run("verify", "--against", checkpoint)
    assert code == 1  # … but not the one the checkpoint signed
    assert "审计日志与检查点不符" in err and "检查点之前的记录被删除" in err


def test_editing_one_entry_and_rehashing_with_the_plain_digest_fails(cast, tmp_path):
    """What someone with database access but without the key can do: recompute every digest."""
    write_some(cast, 6)
    checkpoint = export_checkpoint(tmp_path)
    target = AuditLog.objects.order_by("id")[2]
    raw_update(target.pk, "reason", "伪造的原因")
    plain = auditkey.plain_hasher(auditkey.digest_name())  # the application's own digest, unkeyed
    prev = auditchain.GENESIS
    for entry in AuditLog.objects.order_by("id"):
        entry.prev_hash = prev
        entry.hash = auditchain.digest(entry, prev, plain)
        raw_update(entry.pk, "prev_hash", entry.prev_hash)
        raw_update(entry.pk, "hash", entry.hash)
        prev = entry.hash
    code, _, err = run("verify")
    assert code == 1 and "内容与摘要不符" in err
    code, _, err = run("verify", "--against", checkpoint)
    assert code == 1 and "审计日志被篡改" in err


def test_a_checkpoint_edited_or_signed_with_another_key_is_refused(cast, tmp_path, settings):
    write_some(cast, 3)
    checkpoint = export_checkpoint(tmp_path)
    body = json.loads(open(checkpoint, encoding="utf-8").read())
    body["count"] -= 1
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(body), encoding="utf-8")
    code, _, err = run("verify", "--against", str(forged))
    assert code == 1 and "签名不符" in err
    (tmp_path / "junk.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="不是审计日志检查点文件"):
        run("verify", "--against", str(tmp_path / "junk.json"))


def test_the_chain_needs_the_key(cast, settings):
    write_some(cast, 3)
    assert auditchain.verify(AuditLog).broken is None
    settings.LIANGPING_AUDIT_KEY = "another-key-" + "x" * 40
    report = auditchain.verify(AuditLog)
    assert report.broken is not None and "审计密钥" in report.broken.reason


def test_the_auditor_downloads_a_checkpoint_from_the_audit_page(cast, tmp_path):
    write_some(cast, 4)
    client = Client()
    client.force_login(cast.auditor)
    page = client.get(reverse("core:audit"))
    assert reverse("core:audit_checkpoint") in page.content.decode()
    response = client.get(reverse("core:audit_checkpoint"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="audit-checkpoint-')
    path = tmp_path / "downloaded.json"
    path.write_bytes(response.content)
    entry = AuditLog.objects.filter(action="audit.checkpoint").get()
    assert entry.actor_id == cast.auditor.pk
    assert run("verify", "--against", str(path))[0] == 0
    raw_delete(entry.pk)  # the newest entry, the checkpoint's own record
    assert run("verify", "--against", str(path))[0] == 1


def test_sm3_vector_and_hmac_sm3_without_openssl(monkeypatch):
    assert auditkey.sm3_pure(b"abc").hex() == SM3_ABC
    assert auditchain.gmssl_sm3(b"abc") == SM3_ABC
    key, message = b"k" * 70, b"liangping audit"  # a key longer than the block is hashed first
    with_openssl = auditkey.keyed_hasher("sm3", key)(message) if auditkey.sm3_available_in_hashlib() else None
    monkeypatch.setattr(auditkey, "sm3_available_in_hashlib", lambda: False)
    auditkey.keyed_hasher.cache_clear()
    auditkey.plain_hasher.cache_clear()
    try:
        assert auditkey.plain_hasher("sm3")(b"abc") == SM3_ABC
        pure = auditkey.keyed_hasher("sm3", key)(message)
    finally:
        auditkey.keyed_hasher.cache_clear()
        auditkey.plain_hasher.cache_clear()
    if with_openssl is not None:
        assert pure == with_openssl == hmac.new(key, message, "sm3").hexdigest()
    # RFC 2104 by hand over the SM3 vector's function
    padded = auditkey.sm3_pure(key).ljust(64, b"\0")
    inner = auditkey.sm3_pure(bytes(b ^ 0x36 for b in padded) + message)
    assert pure == auditkey.sm3_pure(bytes(b ^ 0x5C for b in padded) + inner).hex()


def test_the_chain_seals_with_pure_python_sm3(cast, settings, monkeypatch):
    settings.LIANGPING_AUDIT_HASH = "sm3"
    monkeypatch.setattr(auditkey, "sm3_available_in_hashlib", lambda: False)
    auditkey.keyed_hasher.cache_clear()
    try:
        write_some(cast, 3)
        assert auditchain.verify(AuditLog).broken is None
        entry = AuditLog.objects.order_by("-id").first()
        key = settings.LIANGPING_AUDIT_KEY.encode()
        message = entry.prev_hash.encode() + b"\n" + auditchain.canonical(entry)
        if "sm3" in hashlib.algorithms_available:
            assert entry.hash == hmac.new(key, message, "sm3").hexdigest()
    finally:
        auditkey.keyed_hasher.cache_clear()
