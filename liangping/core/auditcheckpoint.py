"""Signed checkpoints of the audit chain: what the log held at a moment, kept outside the database.

The keyed chain (core.auditchain) stops anyone without the key from rewriting entries, but removing the
newest entries leaves a shorter chain that still verifies. A checkpoint records the head of the chain
(the id and digest of the newest entry), the number of entries and the time, signed with the audit key;
the audit administrator exports it (the 审计日志 page, or `liangping audit checkpoint FILE`) and keeps it
away from the server. `liangping audit verify --against FILE` then fails when an entry at or before
the checkpoint was deleted, or when the log was rewritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models
from django.utils import timezone

from liangping.core import auditchain, auditkey
from liangping.core.audit import record
from liangping.core.models import AuditLog, User

FORMAT = "liangping-audit-checkpoint"
VERSION = 1
SIGNED_FIELDS = ("format", "version", "count", "first_id", "head_id", "head", "at", "digest")


class CheckpointError(ValueError):
    """A checkpoint that cannot be written or read, with a Chinese message."""


def _message(body: dict[str, Any]) -> bytes:
    payload = {name: body.get(name) for name in SIGNED_FIELDS}
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def make(actor: User | None = None, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Record the export in the log, then sign the chain's head as it stands (including that entry).

    The head entry's own digest is checked (one entry, so the page stays fast); the whole chain is
    checked by `verify --against` whenever the checkpoint is used.
    """
    record(
        actor,
        "audit.checkpoint",
        None,
        object_type="core.auditlog",
        object_repr="导出审计日志签名检查点",
    )
    manager = AuditLog.objects.using(using)
    head = manager.order_by("-id").first()
    if head is None:  # the entry above was just written
        raise CheckpointError("审计日志为空，无法签发检查点")
    if auditchain.digest(head, head.prev_hash) != head.hash:
        raise CheckpointError(
            f"最新一条审计记录（编号 {head.id}）与摘要不符，请先运行 liangping audit verify"
        )
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "count": manager.count(),
        "first_id": manager.order_by("id").values_list("id", flat=True).first(),
        "head_id": head.id,
        "head": head.hash,
        "at": timezone.now().isoformat(timespec="seconds"),
        "digest": auditkey.digest_name(),
    }
    body["signature"] = auditkey.sign(_message(body))
    return body


def dumps(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def loads(text: str) -> dict[str, Any]:
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise CheckpointError("检查点文件不是 JSON：请给出 liangping audit checkpoint 导出的文件") from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise CheckpointError("这不是审计日志检查点文件：请给出 liangping audit checkpoint 导出的文件")
    if body.get("version") != VERSION:
        raise CheckpointError(f"检查点文件的版本 {body.get('version')} 不受支持")
    for name in ("count", "first_id", "head_id"):
        if not isinstance(body.get(name), int) or isinstance(body.get(name), bool):
            raise CheckpointError(f"检查点文件缺少或写错了 {name}")
    return body


@dataclass
class Checked:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    report: auditchain.Report | None = None


def check(
    body: dict[str, Any], model: type[models.Model] = AuditLog, using: str = DEFAULT_DB_ALIAS
) -> Checked:
    """The chain against a checkpoint: the signature, the chain, the head entry, the count."""
    out = Checked()
    if not isinstance(body.get("signature"), str) or not auditkey.signature_matches(
        _message(body), body["signature"]
    ):
        out.problems.append(
            "检查点的签名不符：检查点文件被改动过，"
            "或它不是用本系统的审计密钥签发的（请确认 LIANGPING_AUDIT_KEY）"
        )
        return out
    if body.get("digest") != auditkey.digest_name():
        out.problems.append(
            f"检查点按摘要算法 {body.get('digest')} 签发，而当前配置是 {auditkey.digest_name()}："
            "请用签发时的 LIANGPING_AUDIT_HASH 校验"
        )
        return out
    report = out.report = auditchain.verify(model, using)
    if report.broken is not None:
        out.problems.append(f"审计日志被篡改：第一处断链在记录 {report.broken.id}。{report.broken.reason}")
        return out
    head_id, head, count = body["head_id"], body.get("head"), body["count"]
    manager = model._default_manager.using(using)
    stored = manager.filter(id=head_id).values_list("hash", flat=True).first()
    purged_past_head = report.anchor_id is not None and report.anchor_id >= head_id
    if stored is None and purged_past_head:
        out.notes.append(f"检查点（{body.get('at')}）的记录已按保留期清理，链从清理锚点起完整")
        return out
    if stored is None:
        out.problems.append(
            f"检查点时最新的记录（编号 {head_id}）已不存在：检查点之前的记录被删除了"
            f"（检查点时共 {count} 条，现在链头是编号 {report.head_id or '（空）'}）"
        )
        return out
    if stored != head:
        out.problems.append(
            f"记录 {head_id} 的摘要与检查点不符（检查点 {str(head)[:16]}…，现在 {stored[:16]}…）："
            "检查点之前的记录被改写并重新计算了摘要"
        )
        return out
    first_now = manager.order_by("id").values_list("id", flat=True).first()
    if report.anchor_id is None or first_now == body["first_id"]:
        held = manager.filter(id__lte=head_id).count()
        if held != count:
            out.problems.append(
                f"检查点时编号 {head_id} 及之前共有 {count} 条记录，现在只有 {held} 条：有记录被删除"
            )
            return out
    else:
        out.notes.append(f"检查点之后做过保留期清理（清理到编号 {report.anchor_id}），条数按锚点核对")
    out.notes.append(f"与检查点（{body.get('at')}，{count} 条，链头编号 {head_id}）一致")
    return out
