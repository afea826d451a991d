"""An uploaded spreadsheet on its way in: previewed (dry run), then imported in the background."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


def upload_path(job: ImportJob, filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class JobStatus(models.TextChoices):
    CHECKING = "checking", "检查中"
    PREVIEWED = "previewed", "待确认"
    RUNNING = "running", "导入中"
    DONE = "done", "已导入"
    FAILED = "failed", "未导入"


class ImportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs", verbose_name="导入人"
    )
    kind = models.CharField("类型", max_length=30)
    filename = models.CharField("文件名", max_length=255)
    file = models.FileField("文件", upload_to=upload_path, max_length=255)
    status = models.CharField("状态", max_length=20, choices=JobStatus.choices, default=JobStatus.PREVIEWED)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变化", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    unmapped = models.JSONField("未导入的列", default=list, blank=True)
    # What the person chose for this file (版式, 期间, 已核对 …: Importer.options), and what the check
    # found: the layout in words and the first rows of the long table read from it.
    options = models.JSONField("导入选项", default=dict, blank=True)
    layout = models.CharField("识别的版式", max_length=60, blank=True)
    preview = models.JSONField("读取的数据", default=dict, blank=True)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    message = models.CharField("说明", max_length=255, blank=True)
    worker = models.CharField("执行进程", max_length=150, blank=True)  # host:pid of the running thread
    created_at = models.DateTimeField("上传时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def can_confirm(self) -> bool:
        return self.status == JobStatus.PREVIEWED and not self.errors

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def busy(self) -> bool:
        """Being checked or imported by a worker thread."""
        return self.status in (JobStatus.CHECKING, JobStatus.RUNNING)

    def counts(self) -> dict[str, Any]:
        return {
            "created": self.created_count,
            "updated": self.updated_count,
            "unchanged": self.unchanged_count,
        }


class RunStatus(models.TextChoices):
    RUNNING = "running", "写入中"
    DONE = "done", "已完成"
    REVERTING = "reverting", "撤销中"
    REVERTED = "reverted", "已撤销"


class ImportRun(models.Model):
    """One confirmed import (web or command line) writing in short transactions; see journal.py."""

    kind = models.CharField("类型", max_length=30)
    filename = models.CharField("文件名", max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs")
    status = models.CharField("状态", max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING)
    worker = models.CharField("执行进程", max_length=150)
    heartbeat_at = models.DateTimeField("最近心跳", default=timezone.now)
    started_at = models.DateTimeField("开始时间", default=timezone.now)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    rows_planned = models.PositiveIntegerField("待写入行数", default=0)
    rows_written = models.PositiveIntegerField("已写入行数", default=0)

    class Meta:
        ordering: ClassVar = ["-started_at", "-id"]
        verbose_name = "导入写入记录"
        verbose_name_plural = "导入写入记录"

    def __str__(self) -> str:
        return f"导入{self.filename}（{self.get_status_display()}）"


class ImportChange(models.Model):
    """What an unfinished import wrote: rows it created (before is null; `created` holds the keys of all
    the rows one statement created, object_pk the first of them) or a row it updated (before: its old
    values)."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=100)  # app_label.model_name
    object_pk = models.BigIntegerField()
    before = models.JSONField(null=True, blank=True)
    created = models.JSONField(null=True, blank=True)  # [primary key, …] of the rows created together

    class Meta:
        indexes: ClassVar = [models.Index(fields=["run", "id"])]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_pk}"

    def created_pks(self) -> list[int]:
        """The rows this entry says were created (none for an update)."""
        if self.before is not None:
            return []
        return list(self.created) if self.created is not None else [self.object_pk]


class ColumnMapping(models.Model):
    """An office's choice of the field a header of its files means (开工时间 → planned_start),
    applied to that office's later imports of the same kind. Every change is audited."""

    org = models.ForeignKey(
        "core.Org", on_delete=models.CASCADE, related_name="column_mappings", verbose_name="单位"
    )
    kind = models.CharField("导入类型", max_length=30)
    header = models.CharField("文件中的列名（规范化）", max_length=100)
    field = models.CharField("对应字段", max_length=40)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "kind", "header"], name="column_mapping_org_kind_header")
        ]
        verbose_name = "列对应"
        verbose_name_plural = "列对应"

    def __str__(self) -> str:
        return f"{self.header} → {self.field}"
