"""Rule-set versions and the immutable snapshots that locking a period writes."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from liangping.core.models import Period


class RuleSet(models.Model):
    """A version of the grading rules; the newest is in force. Versions are never edited."""

    version = models.PositiveIntegerField("版本", unique=True)
    rules = models.JSONField("规则")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-version"]
        verbose_name = "分级规则"
        verbose_name_plural = "分级规则"

    def __str__(self) -> str:
        return f"第{self.version}版"


class ImmutableQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("已锁定的快照不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("已锁定的快照不能删除")


class Immutable(models.Model):
    """Written once, never changed or deleted through the application."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("已锁定的快照不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("已锁定的快照不能删除")


class Snapshot(Immutable):
    """The frozen grades and ranks of a period at one lock. A re-lock writes a new version."""

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveIntegerField("版本")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="snapshots")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.JSONField("汇总", default=dict)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["period", "version"], name="snapshot_version")
        ]
        verbose_name = "快照"
        verbose_name_plural = "快照"

    def __str__(self) -> str:
        return f"{self.period} 第{self.version}版"


class ItemKind(models.TextChoices):
    PROJECT = "project", "重点项目"
    TASK = "task", "攻坚事项"
    INDICATOR = "indicator", "经济指标"
    DISTRICT = "district", "区（市）"
    DEPARTMENT = "department", "市直部门"


class SnapshotItem(Immutable):
    """One graded or ranked item of a snapshot, with the figures it came from."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(max_length=20, choices=ItemKind.choices)
    ref_id = models.PositiveBigIntegerField(null=True, blank=True)
    code = models.CharField(max_length=60, blank=True)
    name = models.CharField(max_length=200)
    district = models.CharField(max_length=60, blank=True)
    department = models.CharField(max_length=60, blank=True)
    leader = models.CharField(max_length=60, blank=True)
    grade = models.CharField(max_length=10)
    reason = models.CharField(max_length=200, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    prev_rank = models.PositiveIntegerField(null=True, blank=True)
    figures = models.JSONField(default=dict)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["kind", "rank", "code", "id"]
        indexes: ClassVar = [
            models.Index(fields=["snapshot", "kind", "grade"]),
            # one item by its project or task: the ledger's grade column for the rows of a page
            models.Index(fields=["snapshot", "kind", "ref_id"], name="grading_item_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.grade}"
