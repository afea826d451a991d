"""The food-safety campaign (食品生产质量安全“百日攻坚”专项行动): its participating towns, departments
and firms, inspection targets per town, and inspections. The hazards an inspection finds are cases
of the `food_hazard` kind whose subject is the campaign; the campaign itself is a leader-led task
(tasks.Task) with its milestones, graded like every task."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from liangping.cases.models import Case
from liangping.core.models import Org, Role
from liangping.core.scope import AnyUser, city_scope, org_path, role_of
from liangping.tasks.models import Task

UNIT_ROLES = (Role.DEPARTMENT, Role.DISTRICT)


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: AnyUser) -> CampaignQuerySet:
        """The supervisor and the leaders: their city's campaigns; a unit: those it takes part in."""
        role = role_of(user)
        if role in (Role.SUPERVISOR, Role.LEADER):
            tenant = city_scope(user)
            return self if tenant is None else self.filter(owner__tenant_id=tenant)
        path = org_path(user)
        if role in UNIT_ROLES and path:
            inside = Campaign.objects.filter(
                Q(towns__path__startswith=path)
                | Q(departments__path__startswith=path)
                | Q(owner__path__startswith=path)
            ).values("pk")
            return self.filter(pk__in=inside)
        return self.none()


class Campaign(models.Model):
    name = models.CharField("专项行动", max_length=100)
    owner = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    start_date = models.DateField("开始日期")
    days = models.PositiveIntegerField("行动天数", default=100)
    towns = models.ManyToManyField(Org, related_name="food_campaigns", verbose_name="参与镇街")
    departments = models.ManyToManyField(Org, related_name="+", blank=True, verbose_name="参与部门")
    task = models.OneToOneField(
        Task,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign",
        verbose_name="攻坚事项",
    )
    note = models.TextField("行动目标", blank=True)
    sample = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-start_date", "-id"]
        verbose_name = "专项行动"
        verbose_name_plural = "专项行动"

    def __str__(self) -> str:
        return self.name

    @property
    def end_date(self) -> dt.date:
        return self.start_date + dt.timedelta(days=self.days - 1)

    def day_number(self, today: dt.date | None = None) -> int:
        """Day N of the campaign (0 before it starts, capped at its length)."""
        today = today or timezone.localdate()
        return max(0, min(self.days, (today - self.start_date).days + 1))


class FirmCategory(models.TextChoices):
    """The food_hazard kind's categories (a firm's hazards are filed under its category)."""

    PRODUCTION = "production", "生产"
    CIRCULATION = "circulation", "流通"
    CATERING = "catering", "餐饮"
    RURAL = "rural_fake", "农村假冒伪劣食品"


class CampaignFirm(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="firms")
    name = models.CharField("企业名称", max_length=120)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    town = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="所在镇街")
    category = models.CharField("业态", max_length=20, choices=FirmCategory.choices)

    class Meta:
        ordering: ClassVar = ["campaign", "town__path", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["campaign", "name"], name="campaign_firm_name"),
        ]
        verbose_name = "参与企业"
        verbose_name_plural = "参与企业"

    def __str__(self) -> str:
        return self.name


class CampaignTarget(models.Model):
    """How many firms a town must inspect in the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    town = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="镇街")
    target = models.PositiveIntegerField("检查目标（家次）")

    class Meta:
        ordering: ClassVar = ["campaign", "town__path"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["campaign", "town"], name="campaign_target_town"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.town}"


class InspectionResult(models.TextChoices):
    PASSED = "passed", "未发现问题"
    HAZARD = "hazard", "发现隐患"


class Inspection(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="inspections")
    firm = models.ForeignKey(CampaignFirm, on_delete=models.PROTECT, related_name="inspections")
    date = models.DateField("检查日期")
    inspector = models.CharField("检查人员", max_length=50)
    result = models.CharField("检查结果", max_length=10, choices=InspectionResult.choices)
    note = models.TextField("检查情况", blank=True)
    photo = models.FileField("现场照片", upload_to="inspections/%Y/", blank=True)
    hazard = models.OneToOneField(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering: ClassVar = ["-date", "-id"]
        verbose_name = "检查记录"
        verbose_name_plural = "检查记录"

    def __str__(self) -> str:
        return f"{self.date} {self.firm}"
