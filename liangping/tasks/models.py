"""Leader-led tasks (市领导领衔攻坚事项), their milestones (节点) and monthly progress (DOMAIN §7)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from liangping.core.models import Org, Role
from liangping.core.scope import AnyUser, city_scope, org_path, role_of, sees_everything


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: AnyUser) -> TaskQuerySet:
        role = role_of(user)
        if role is None:
            return self.none()
        if sees_everything(user):
            return self.in_city(city_scope(user))
        if role == Role.LEADER:
            return self.filter(leader=user)
        path = org_path(user)
        if role == Role.DEPARTMENT and path:
            inside = Q(lead_department__path__startswith=path) | Q(co_departments__path__startswith=path)
            return self.filter(pk__in=Task.objects.filter(inside).values("pk"))
        return self.none()

    def in_city(self, tenant_id: int | None) -> TaskQuerySet:
        """The tasks of one city (the tenant of their lead department); None: every city's."""
        return self if tenant_id is None else self.filter(lead_department__tenant_id=tenant_id)


class Task(models.Model):
    code = models.CharField("事项编号", max_length=30, unique=True)
    title = models.CharField("攻坚事项", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        verbose_name="领衔市领导",
    )
    lead_department = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="lead_tasks", verbose_name="牵头部门"
    )
    co_departments = models.ManyToManyField(Org, blank=True, related_name="co_tasks", verbose_name="配合部门")
    goal = models.TextField("目标")
    target_value = models.DecimalField("目标值", max_digits=16, decimal_places=4, null=True, blank=True)
    target_unit = models.CharField("计量单位", max_length=20, blank=True)
    sample = models.BooleanField("示例数据", default=False)
    version = models.PositiveIntegerField(default=1)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["code"]
        verbose_name = "攻坚事项"
        verbose_name_plural = "攻坚事项"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    planned_date = models.DateField("计划完成日期")
    actual_date = models.DateField("实际完成日期", null=True, blank=True)
    evidence = models.FileField("佐证材料", upload_to="milestones/%Y/", blank=True)
    note = models.CharField("说明", max_length=255, blank=True)
    evidence_name = models.CharField("佐证材料文件名", max_length=200, blank=True)
    evidence_type = models.CharField("佐证材料类型", max_length=100, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["planned_date", "id"]
        verbose_name = "节点"
        verbose_name_plural = "节点"

    def __str__(self) -> str:
        return self.title


class TaskReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"


class TaskReport(models.Model):
    """A task's monthly progress: the cumulative actual value and a narrative, reviewed like a report."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField("年月")
    actual_value = models.DecimalField("累计完成值", max_digits=16, decimal_places=4, null=True, blank=True)
    progress = models.TextField("进展情况")
    status = models.CharField(
        "状态", max_length=20, choices=TaskReportStatus.choices, default=TaskReportStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间")
    first_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["-month"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["task", "month"], name="task_report_month")]

    def __str__(self) -> str:
        return f"{self.task.code} {self.month:%Y-%m}"
