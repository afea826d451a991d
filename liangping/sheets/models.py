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
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    message = models.CharField("说明", max_length=255, blank=True)
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

    def counts(self) -> dict[str, Any]:
        return {
            "created": self.created_count,
            "updated": self.updated_count,
            "unchanged": self.unchanged_count,
        }
