"""Rule-set versions and the immutable snapshots that locking a period writes."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from liangping.core.models import Period


class RuleSet(models.Model):
    """A version of the grading rules; the newest is in force. Versions are never edited.

    The province's rule sets (tenant null) are the defaults; a city grades with the newest of its own
    when it has any, else with the province's newest (`grading.services.active_ruleset`)."""

    version = models.PositiveIntegerField("版本")
    tenant = models.ForeignKey(
        "core.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属城市"
    )
    rules = models.JSONField("规则")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-version", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "version"],
                condition=models.Q(tenant__isnull=False),
                name="ruleset_tenant_version",
            ),
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(tenant__isnull=True), name="ruleset_province_version"
            ),
        ]
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


# The grading board's order: red, yellow, blue, ungraded; within a colour the rank descending (the gap
# ascending; unranked last), then the code. The page query orders by exactly these expressions and an
# index holds them, so a page of a 30,000-item snapshot is an index range scan, not a sort.
BOARD_GRADE_ORDER = {"red": 0, "yellow": 1, "blue": 2, "none": 3}


def board_order() -> tuple[Any, ...]:
    grade = models.Case(
        *(models.When(grade=g, then=models.Value(n)) for g, n in BOARD_GRADE_ORDER.items()),
        default=models.Value(9),
        output_field=models.IntegerField(),
    )
    return (grade, Coalesce(models.F("rank"), models.Value(-1)).desc(), models.F("code").asc())


def board_order_sql() -> tuple[Any, ...]:
    """`board_order` as the page query writes it: the same expressions with their constants in the
    SQL text (bound parameters would keep SQLite from matching the index)."""
    whens = " ".join(f"WHEN \"grade\" = '{g}' THEN {n}" for g, n in BOARD_GRADE_ORDER.items())
    return (
        RawSQL(f"CASE {whens} ELSE 9 END", []).asc(),
        RawSQL('COALESCE("rank", -1)', []).desc(),
        models.F("code").asc(),
    )


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
            models.Index(models.F("snapshot"), models.F("kind"), *board_order(), name="grading_item_board"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.grade}"
