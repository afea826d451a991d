"""liangping import KIND FILE [--dry-run] [--json] [--as USERNAME] [--errors-xlsx OUT.xlsx]
[--map 开工时间=计划开工时间 …]
[--layout a|b|c|d] [--period 2022-06] [--indicator 名称] [--confirm] [--file-ranks] [--case-kind appeal]
liangping import recover: take back the imports whose process died (and free their web jobs)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangping.sheets import columns, jobs, registry, undo
from liangping.sheets.cli import ProgressBar, resolve_actor, summary, wants_progress
from liangping.sheets.errors import ImportResult, Issue
from liangping.sheets.mapping import remember
from liangping.sheets.models import ImportJob, JobStatus
from liangping.sheets.runner import run_import
from liangping.sheets.writing import write_issues

OPTION_FLAGS = {
    "layout": "--layout",
    "period": "--period",
    "indicator": "--indicator",
    "confirm": "--confirm",
    "file_ranks": "--file-ranks",
    "case_kind": "--case-kind",
}


def _run_options(entry: registry.Importer, options: dict[str, Any]) -> dict[str, str]:
    """The run options given on the command line; one the importer does not take is refused."""
    out: dict[str, str] = {}
    for name, flag in OPTION_FLAGS.items():
        value = options.get(name)
        if not value:
            continue
        if name not in entry.options:
            raise CommandError(f"{flag} 不适用于{entry.label}导入")
        out[name] = "1" if value is True else str(value)
    return out


class Command(BaseCommand):
    help = "从 Excel/CSV 导入数据（项目台账 projects、月度调度 monthly 等）。有任何错误时不导入任何数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        names = "、".join(i.name for i in registry.importers())
        parser.add_argument("kind", help=f"导入类型：{names}；recover 撤销进程已中断的导入")
        parser.add_argument("file", nargs="?", default="", help=".xlsx、.xls 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--as", dest="username", help="以该用户身份导入（默认：第一个督查人员）")
        parser.add_argument("--errors-xlsx", help="把错误清单另存为 .xlsx 文件")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="列名=字段名",
            help="把文件中未识别的列当作某字段导入，如 --map 开工时间=计划开工时间"
            "（可重复；为导入人所在单位记住）",
        )

        parser.add_argument(
            "--layout",
            help="经济指标表的版式（不指定时按内容识别）：a 长表；b 地区为行、指标为列；"
            "c 指标为行、地区为列；d 期间为行、地区为列",
        )
        parser.add_argument(
            "--period", help="表中没有期间时使用的期间，如 2022-06、2022年1-6月（优先于标题）"
        )
        parser.add_argument(
            "--indicator", help="期间为行的表中只有一个指标时，该指标的名称（标题中没有写时）"
        )
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="已核对提示需确认的行（累计数下降、与相邻数据相差十倍），照常导入",
        )
        parser.add_argument("--case-kind", help="事项分类导入：分类所属的事项类型代码，如 appeal")
        parser.add_argument(
            "--file-ranks", action="store_true", help="以文件中的位次为准（默认按数据计算位次，差异列为提示）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path, as_json = options["kind"], Path(options["file"]), options["json"]
        entry = registry.importer(kind)
        if kind == "recover":
            self._recover(resolve_actor(options["username"]))
            return
        try:
            if entry is None:
                names = "、".join(i.name for i in registry.importers())
                raise CommandError(f"未知的导入类型“{kind}”，可选：{names}")
            if not options["file"] or not path.is_file():
                raise CommandError(f"找不到文件：{path}")
            actor = resolve_actor(options["username"])
            run_options = _run_options(entry, options)
            try:
                chosen = columns.parse_pairs(options["map"], entry.columns)
            except columns.MappingError as exc:
                raise CommandError(str(exc)) from exc
        except CommandError as exc:
            if not as_json:
                raise
            refused = ImportResult(kind=kind, filename=path.name, dry_run=options["dry_run"])
            refused.errors.append(Issue(None, "", str(exc)))
            self._finish(refused, as_json, "", options)
            return
        if not options["dry_run"]:
            self._recover(actor, quiet=True)
        show = wants_progress(as_json)
        bar = ProgressBar(sys.stderr, f"检查{entry.label}") if show else None
        written = ProgressBar(sys.stderr, f"写入{entry.label}") if show else None
        try:
            if chosen:
                remember(actor, kind, chosen, entry.columns)
            result = run_import(
                kind,
                path,
                actor=actor,
                dry_run=options["dry_run"],
                progress=bar,
                write_progress=written,
                mapping=chosen,
                options=run_options,
            )
        finally:
            for each in (bar, written):
                if each is not None:
                    each.close()
        self._finish(result, as_json, entry.label, options)

    def _recover(self, actor: Any, quiet: bool = False) -> None:
        """Revert the runs whose process died, and free web jobs whose worker died before writing."""
        done = 0
        for run, rows in undo.recover_dead(actor):
            done += 1
            self.stderr.write(f"已撤销中断的导入“{run.filename}”（第 {run.pk} 次写入，{rows} 行）")
        for job in ImportJob.objects.filter(status__in=[JobStatus.CHECKING, JobStatus.RUNNING]):
            if jobs.read_progress(job)["stale"] and actor is not None and jobs.recover(job, actor):
                done += 1
                self.stderr.write(f"已清理中断的导入任务“{job.filename}”（任务 {job.pk}）")
        if not quiet:
            self.stdout.write(f"共清理 {done} 个中断的导入" if done else "没有中断的导入")

    def _finish(self, result: ImportResult, as_json: bool, label: str, options: dict[str, Any]) -> None:
        if options.get("errors_xlsx") and result.errors:
            with open(options["errors_xlsx"], "wb") as fh:
                write_issues(fh, result.errors, result.warnings)
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            for line in summary(result, label):
                self.stdout.write(line)
        if not result.ok:
            sys.exit(1)
