"""liangping audit verify [--against CHECKPOINT] | audit checkpoint FILE | audit purge --before YYYY-MM-DD"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangping.core import auditchain, auditcheckpoint
from liangping.core.auditcheckpoint import CheckpointError
from liangping.core.auditpurge import PurgeRefused, purge_before, retention_days
from liangping.core.models import AuditLog, User


class Command(BaseCommand):
    help = (
        "审计日志：verify 校验摘要链是否完整（--against 对照签名检查点）；checkpoint 文件 导出签名检查点；"
        "purge --before 日期 清理超过保留期的记录。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        verify = sub.add_parser("verify", help="按编号顺序校验审计日志的摘要链")
        verify.add_argument("--chunk-size", type=int, default=2000, help="每次读取的条数（默认 2000）")
        verify.add_argument(
            "--against", metavar="CHECKPOINT", help="对照 liangping audit checkpoint 导出的签名检查点文件"
        )
        checkpoint = sub.add_parser(
            "checkpoint", help="导出签名检查点（链头摘要、条数、时间），由审计管理员保管"
        )
        checkpoint.add_argument("file", help="检查点文件（JSON）")
        checkpoint.add_argument("--as", dest="username", help="以该用户的名义记录这次导出（默认：系统）")
        purge = sub.add_parser("purge", help=f"清理某日之前的审计日志（至少保留 {retention_days()} 天）")
        purge.add_argument("--before", required=True, help="清理该日（YYYY-MM-DD）零点之前的记录")
        purge.add_argument("--as", dest="username", help="以该用户的名义记录这次清理（默认：系统）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            if options["against"]:
                self.verify_against(Path(options["against"]))
            else:
                self.verify(options["chunk_size"])
        elif options["action"] == "checkpoint":
            self.checkpoint(Path(options["file"]), options["username"])
        else:
            self.purge(options["before"], options["username"])

    def verify(self, chunk_size: int) -> None:
        report = auditchain.verify(AuditLog, chunk_size=max(1, chunk_size))
        if report.broken is not None:
            self.stderr.write(f"审计日志被篡改：第一处断链在记录 {report.broken.id}。{report.broken.reason}")
            raise SystemExit(1)
        self.stdout.write(f"审计日志完整：{report.count} 条")
        if report.count:
            start = f"（自清理锚点，已清理到编号 {report.anchor_id}）" if report.anchor_id else ""
            self.stdout.write(f"链头摘要：{report.head}{start}")

    def verify_against(self, path: Path) -> None:
        try:
            body = auditcheckpoint.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"读不到检查点文件 {path}：{exc.strerror}") from exc
        except (CheckpointError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        checked = auditcheckpoint.check(body)
        if checked.problems:
            for problem in checked.problems:
                self.stderr.write(f"审计日志与检查点不符：{problem}")
            raise SystemExit(1)
        report = checked.report
        self.stdout.write(f"审计日志完整：{report.count if report else 0} 条")
        for note in checked.notes:
            self.stdout.write(note)

    def checkpoint(self, path: Path, username: str | None) -> None:
        actor = self.actor(username)
        try:
            body = auditcheckpoint.make(actor)
        except CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(auditcheckpoint.dumps(body), encoding="utf-8")
        self.stdout.write(
            f"已导出签名检查点到 {path}：{body['count']} 条，链头编号 {body['head_id']}，"
            "请把它保存在服务器以外的地方"
        )

    def actor(self, username: str | None) -> User | None:
        if not username:
            return None
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有用户“{username}”或该用户已停用")
        return actor

    def purge(self, before_text: str, username: str | None) -> None:
        try:
            before = dt.date.fromisoformat(before_text)
        except ValueError as exc:
            raise CommandError(f"日期“{before_text}”无法识别，请写成 YYYY-MM-DD，如 2025-01-01") from exc
        actor = self.actor(username)
        try:
            result = purge_before(before, actor)
        except PurgeRefused as exc:
            raise CommandError(str(exc)) from exc
        if not result.count:
            self.stdout.write(f"{before:%Y-%m-%d} 之前没有审计日志，未清理")
            return
        self.stdout.write(
            f"已清理审计日志 {result.count} 条（编号至 {result.through_id}），锚点摘要：{result.anchor_hash}"
        )
