"""The 稳定 ledger's records besides its items (the items are cases of the `stability` kind, and a
food-safety sweep's items cases of `food_hazard`): sweeps (排查轮次) with the units that must report
and their reports (items, or 无 explicitly), and reception days (公开接待).

Every record belongs to a city through an org (Org.tenant): a city's people see their city's."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from liangping.cases.models import Case
from liangping.core.models import Org, Role
from liangping.core.scope import AnyUser, city_scope, org_path, role_of

# Who works with the internal ledgers: never the administrators, the project units or the specialists.
LEDGER_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT)
UNIT_ROLES = (Role.DEPARTMENT, Role.DISTRICT)


class SweepKind(models.TextChoices):
    STABILITY = "stability", "稳定风险"
    FOOD = "food_hazard", "食品安全"


class SweepQuerySet(models.QuerySet["Sweep"]):
    def visible_to(self, user: AnyUser) -> SweepQuerySet:
        """The supervisor and the leaders: their city's sweeps; a unit: the sweeps it must report to."""
        role = role_of(user)
        if role in (Role.SUPERVISOR, Role.LEADER):
            tenant = city_scope(user)
            return self if tenant is None else self.filter(owner__tenant_id=tenant)
        path = org_path(user)
        if role in UNIT_ROLES and path:
            inside = Sweep.objects.filter(units__path__startswith=path).values("pk")
            return self.filter(pk__in=inside)
        return self.none()


class Sweep(models.Model):
    """A round of 拉网式排查: who must report by when."""

    name = models.CharField("排查名称", max_length=100)
    kind = models.CharField("排查类型", max_length=20, choices=SweepKind.choices)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("截止日期")
    owner = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name="组织单位"
    )  # its tenant is the sweep's city
    units = models.ManyToManyField(Org, related_name="sweeps", verbose_name="须报送单位")
    note = models.TextField("工作要求", blank=True)
    sample = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SweepQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-start_date", "-id"]
        verbose_name = "排查轮次"
        verbose_name_plural = "排查轮次"
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="sweep_dates"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_late(self, today: object | None = None) -> bool:
        return (today or timezone.localdate()) > self.end_date  # type: ignore[operator]


class SweepReport(models.Model):
    """A unit's report to a sweep: its items (SweepItem) or 无 (nil) said explicitly."""

    sweep = models.ForeignKey(Sweep, on_delete=models.CASCADE, related_name="reports")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="报送单位")
    nil = models.BooleanField("无风险事项", default=False)
    note = models.CharField("说明", max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField("报送时间", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["sweep", "org__path"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["sweep", "org"], name="sweep_report_once"),
        ]
        verbose_name = "排查报送"
        verbose_name_plural = "排查报送"

    def __str__(self) -> str:
        return f"{self.sweep} · {self.org}"


class SweepItem(models.Model):
    """An item a unit reported in a sweep (a case of the sweep's kind)."""

    report = models.ForeignKey(SweepReport, on_delete=models.CASCADE, related_name="items")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return f"{self.report} · {self.case_id}"


class ReceptionQuerySet(models.QuerySet["ReceptionDay"]):
    def visible_to(self, user: AnyUser) -> ReceptionQuerySet:
        role = role_of(user)
        if role in (Role.SUPERVISOR, Role.LEADER):
            tenant = city_scope(user)
            return self if tenant is None else self.filter(org__tenant_id=tenant)
        path = org_path(user)
        if role in UNIT_ROLES and path:
            return self.filter(org__path__startswith=path)
        return self.none()


class ReceptionDay(models.Model):
    """A 公开接待 day: a leader receives visitors; the items raised are registered as stability cases
    (channel 公开接待, source_ref reception:<id>)."""

    date = models.DateField("接待日期")
    leader = models.CharField("接待领导", max_length=50)
    place = models.CharField("接待地点", max_length=100)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="接待单位")
    visitors = models.PositiveIntegerField("接待人数", default=0)
    note = models.TextField("接待情况", blank=True)
    sample = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReceptionQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-date", "-id"]
        verbose_name = "公开接待"
        verbose_name_plural = "公开接待"

    def __str__(self) -> str:
        return f"{self.date} {self.leader}"
