"""「五比五看」 evaluation: schemes (versioned data), rounds, judged scores, and the frozen results a
lock writes (immutable like the grading's snapshots)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from liangping.core.models import Org, Period
from liangping.grading.models import Immutable, ImmutableQuerySet


class Scheme(models.Model):
    """One version of an evaluation scheme: its dimensions, weights and measures (`dimensions`, checked
    by evaluation.schemes.validate). Versions are never edited: a change writes the next version."""

    tenant = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    key = models.CharField("方案代码", max_length=40)
    name = models.CharField("方案名称", max_length=100)
    version = models.PositiveIntegerField("版本")
    dimensions = models.JSONField("评价维度")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["key", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "key", "version"], name="evaluation_scheme_version"),
        ]
        verbose_name = "评价方案"
        verbose_name_plural = "评价方案"

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class RoundStatus(models.TextChoices):
    OPEN = "open", "评分中"
    LOCKED = "locked", "已锁定"
    PUBLISHED = "published", "已发布"


class Subjects(models.TextChoices):
    UNITS = "units", "单位"
    CADRES = "cadres", "领导干部"


def one_subject(name: str) -> models.CheckConstraint:
    """Exactly one of the unit (org) and the cadre (user) is set."""
    return models.CheckConstraint(
        condition=models.Q(org__isnull=False, cadre__isnull=True)
        | models.Q(org__isnull=True, cadre__isnull=False),
        name=name,
    )


def cadre_label(user: Any) -> str:
    """A cadre as pages show them: name and post, nothing else (no phone, no account name)."""
    return f"{user.name}（{user.get_role_display()}）"


class Round(models.Model):
    """A round of evaluation over a period: the units (or leading cadres) evaluated, the evaluators,
    the scheme version."""

    tenant = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=100)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", verbose_name="考核期")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="rounds")
    status = models.CharField("状态", max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    subjects = models.CharField("评价对象", max_length=10, choices=Subjects.choices, default=Subjects.UNITS)
    opened_at = models.DateTimeField("开启时间", default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-opened_at", "-id"]
        verbose_name = "评价轮次"
        verbose_name_plural = "评价轮次"

    def __str__(self) -> str:
        return self.title

    @property
    def of_cadres(self) -> bool:
        return self.subjects == Subjects.CADRES


class RoundUnit(models.Model):
    """A unit evaluated in a round, with its automatic measures as computed at opening (`auto`:
    measure code → {"value", "score", "inputs"}, Decimal values as text) and refreshed at lock."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="units")
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    auto = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["org__kind", "org__sort", "org__id", "cadre__id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "org"], name="evaluation_round_unit"),
            models.UniqueConstraint(fields=["round", "cadre"], name="evaluation_round_cadre"),
            one_subject("evaluation_round_unit_one_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.subject_id}"

    @property
    def subject_id(self) -> int:
        """The org id (a unit) or the user id (a cadre): the id the pages' addresses carry."""
        return self.org_id if self.org_id is not None else self.cadre_id  # type: ignore[return-value]

    @property
    def label(self) -> str:
        return self.org.name if self.org is not None else cadre_label(self.cadre)


class Evaluator(models.Model):
    """A named evaluator of a round and the units (or cadres) they may score (none listed: every one)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    units = models.ManyToManyField(Org, blank=True, related_name="+")
    cadres = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "user"], name="evaluation_round_evaluator"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} {self.user_id}"


class Score(models.Model):
    """An evaluator's judged score (1–10, with a comment) of one unit on one judged measure."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scores")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    measure = models.CharField("评价项", max_length=40)
    value = models.PositiveSmallIntegerField("评分")
    comment = models.TextField("评语")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["round", "org", "measure", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["round", "evaluator", "org", "measure"], name="evaluation_score_once"
            ),
            models.UniqueConstraint(
                fields=["round", "evaluator", "cadre", "measure"], name="evaluation_score_cadre_once"
            ),
            one_subject("evaluation_score_one_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.value}"


class RoundSnapshot(Immutable):
    """The frozen results of a round at one lock; a lock after a reopen writes the next version."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="snapshots")
    version = models.PositiveIntegerField("版本")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.JSONField(default=dict)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["round", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["round", "version"], name="evaluation_snapshot_version"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} 第{self.version}版"


class RoundResult(Immutable):
    """One unit's frozen result: total, rank, previous rank and each dimension's score and colour."""

    snapshot = models.ForeignKey(RoundSnapshot, on_delete=models.PROTECT, related_name="results")
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20)
    total = models.DecimalField(max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField()
    prev_rank = models.PositiveIntegerField(null=True, blank=True)
    dimensions = models.JSONField(default=dict)  # code → {"score": "…", "grade": "blue|yellow|red"}
    measures = models.JSONField(default=dict)  # code → {"value", "score", "inputs" | "scores"}

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["snapshot", "rank", "name", "id"]
        constraints: ClassVar = [one_subject("evaluation_result_one_subject")]

    def __str__(self) -> str:
        return f"{self.name} {self.rank}"

    @property
    def subject_id(self) -> int:
        return self.org_id if self.org_id is not None else self.cadre_id  # type: ignore[return-value]

    @property
    def reds(self) -> list[str]:
        return [code for code, d in self.dimensions.items() if d.get("grade") == "red"]

    def dimension(self, code: str) -> dict[str, Any]:
        return dict(self.dimensions.get(code, {}))
