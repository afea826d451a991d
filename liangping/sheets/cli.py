"""Shared parts of the `liangping import` and `liangping export` commands: actor, progress bar, output."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from django.core.management.base import CommandError

from liangping.core.models import Role, User
from liangping.sheets.errors import ImportResult, unmapped_message


def resolve_actor(username: str | None) -> User | None:
    """--as USERNAME, else the first active supervisor, else None (the system)."""
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"找不到用户“{username}”，请检查 --as 后的用户名")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用，不能以其身份操作")
        return user
    return User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("id").first()


class ProgressBar:
    """rows done / total on a terminal, redrawn in place at most ten times a second."""

    def __init__(self, stream: TextIO, label: str, width: int = 30) -> None:
        self.stream, self.label, self.width = stream, label, width
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = int(self.width * done / total) if total else self.width
        bar = "█" * filled + "·" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} 行")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def wants_progress(json_output: bool) -> bool:
    return not json_output and sys.stderr.isatty()


PREVIEW_LINES = 20


def _cell(value: object, unit: str = "") -> str:
    return "—" if value is None else f"{value}{unit}"


def summary(result: ImportResult, label: str) -> list[str]:
    """The human report of an import: what happened, then every warning and error."""
    head = f"{label}导入{'（试运行，未写入任何数据）' if result.dry_run else ''}：{result.filename}"
    lines = [head]
    if result.ok:
        verb = "将" if result.dry_run else "已"
        lines.append(
            f"{verb}新增 {result.created} 条，{verb}更新 {result.updated} 条，"
            f"{result.unchanged} 条无变化（共 {result.rows_total} 行数据）"
        )
    if result.layout:
        lines.append(f"识别的版式：{result.layout}")
        if result.preview:
            shown = result.preview[:PREVIEW_LINES]
            lines.append(f"读取的数据（共 {result.preview_total} 条，显示前 {len(shown)} 条）：")
            lines.append("  指标 | 地区 | 期间 | 总量 | 增速(%) | 位次 | 行")
            lines += [
                f"  {p['indicator']} | {p['place']} | {p['period']} | "
                f"{_cell(p['value'], p['unit'])} | {_cell(p['growth'])} | {_cell(p['rank'])} | 第{p['row']}行"
                for p in shown
            ]
    if result.unmapped:
        lines.append(
            f"未导入的列 {len(result.unmapped)} 个（可用 --map 列名=字段名 指定对应，并为本单位记住）："
        )
        lines += [f"  第{result.header_row}行 [{u['column']}] {unmapped_message(u)}" for u in result.unmapped]
        if result.layout:
            lines[-len(result.unmapped) - 1] = f"未导入的列 {len(result.unmapped)} 个："
    if result.warnings:
        lines.append(f"提示 {len(result.warnings)} 条：")
        lines += [f"  {w}" for w in result.warnings]
    if result.needs_confirmation:
        lines.append(
            f"以下 {len(result.errors)} 行的数据需要核对，未导入任何数据。"
            "请改正后重新导入；如核对无误，加 --confirm 照常导入："
        )
    elif result.errors:
        lines.append(f"发现 {len(result.errors)} 处错误，未导入任何数据。请改正后重新导入：")
        lines += [str(e) for e in result.errors]
    return lines
