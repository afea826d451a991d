"""Key projects (重点项目), their stage history, monthly reports and site visits."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from liangping.core.models import Org, Role
from liangping.core.privacy import mask_phone, may_see_full_phone
from liangping.core.scope import AnyUser, city_scope, org_path, role_of, sees_everything


class Stage(models.TextChoices):
    PLANNED = "planned", "谋划储备"
    NEGOTIATING = "negotiating", "洽谈"
    SIGNED = "signed", "签约落地"
    CONSTRUCTION = "construction", "开工建设"
    OPERATING = "operating", "竣工投产"
    COUNTED = "counted", "纳统"


STAGE_ORDER = [s.value for s in Stage]

STAGE_SYNONYMS: dict[str, str] = {
    "谋划储备": "planned",
    "储备": "planned",
    "谋划": "planned",
    "洽谈": "negotiating",
    "在谈": "negotiating",
    "洽谈中": "negotiating",
    "签约落地": "signed",
    "签约": "signed",
    "已签约": "signed",
    "开工建设": "construction",
    "在建": "construction",
    "开工": "construction",
    "新开工": "construction",
    "竣工投产": "operating",
    "投产": "operating",
    "竣工": "operating",
    "建成投产": "operating",
    "已投产": "operating",
    "纳统": "counted",
    "入统": "counted",
    "已纳统": "counted",
}


class Level(models.TextChoices):
    PROVINCIAL = "provincial", "省重点"
    CITY = "city", "市重点"


LEVEL_SYNONYMS = {
    "省重点": "provincial",
    "省级": "provincial",
    "省": "provincial",
    "省重点项目": "provincial",
    "市重点": "city",
    "市级": "city",
    "市": "city",
    "市重点项目": "city",
}


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: AnyUser) -> ProjectQuerySet:
        """Server-side scope of DOMAIN §3; outside it an item does not exist (404)."""
        role = role_of(user)
        if role is None:
            return self.none()
        if sees_everything(user):
            return self.in_city(city_scope(user))
        path = org_path(user)
        if role == Role.LEADER:
            return self.filter(leader=user)
        if role == Role.SPECIALIST:
            return self.filter(specialist=user)
        if path is None:
            return self.none()
        if role == Role.DEPARTMENT:
            return self.filter(department__path__startswith=path)
        if role == Role.DISTRICT:
            return self.filter(district__path__startswith=path)
        if role == Role.OWNER:
            return self.filter(unit__path__startswith=path)
        return self.none()

    def in_city(self, tenant_id: int | None) -> ProjectQuerySet:
        """The projects of one city (a tenant: core.models.Org.tenant); None: every city's."""
        return self if tenant_id is None else self.filter(district__tenant_id=tenant_id)

    def for_list(self) -> ProjectQuerySet:
        return self.select_related("district", "department", "unit", "leader", "specialist")


class Project(models.Model):
    code = models.CharField("项目编号", max_length=50, unique=True)
    name = models.CharField("项目名称", max_length=200)
    level = models.CharField("项目级别", max_length=20, choices=Level.choices, default=Level.CITY)
    district = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="district_projects", verbose_name="所属区（市）"
    )
    industry = models.CharField("产业类别", max_length=60, blank=True)
    unit = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit_projects",
        verbose_name="建设单位",
    )
    total_investment = models.DecimalField("总投资（万元）", max_digits=16, decimal_places=2)
    annual_plan = models.DecimalField(
        "年度计划投资（万元）", max_digits=16, decimal_places=2, null=True, blank=True
    )
    plan_year = models.PositiveSmallIntegerField("计划年度", null=True, blank=True)
    stage = models.CharField("建设阶段", max_length=20, choices=Stage.choices, default=Stage.PLANNED)
    planned_start = models.DateField("计划开工时间", null=True, blank=True)
    planned_end = models.DateField("计划竣工时间", null=True, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name="包保市领导",
    )
    department = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="department_projects",
        verbose_name="责任部门",
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="specialist_projects",
        verbose_name="项目专员",
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    sample = models.BooleanField("示例数据", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["code"]
        indexes: ClassVar = [models.Index(fields=["district", "stage"]), models.Index(fields=["name"])]
        verbose_name = "重点项目"
        verbose_name_plural = "重点项目"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)

    def sees_full_phones(self, user: AnyUser | None) -> bool:
        """Whether `user` sees this project's phone numbers unmasked (core.privacy: the supervisor,
        the project's specialist and its project unit); everyone else gets them masked."""
        return may_see_full_phone(user, own_users=[self.specialist_id], own_orgs=[self.unit_id])

    def contact_phone_for(self, user: AnyUser | None) -> str:
        return self.contact_phone if self.sees_full_phones(user) else mask_phone(self.contact_phone)


class StageEvent(models.Model):
    """A stage change: dated, authored, kept."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_events")
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices)
    date = models.DateField("日期")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("说明", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.from_stage}→{self.to_stage} {self.date}"


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


class MonthlyReportQuerySet(models.QuerySet["MonthlyReport"]):
    def visible_to(self, user: AnyUser) -> MonthlyReportQuerySet:
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))


class MonthlyReport(models.Model):
    """月度调度: one report per project per month (`month` is the first day of the month)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField("年月")
    month_investment = models.DecimalField("本月完成投资（万元）", max_digits=16, decimal_places=2)
    ytd_investment = models.DecimalField("累计完成投资（万元）", max_digits=16, decimal_places=2)
    progress = models.TextField("形象进度", blank=True)
    problems = models.TextField("存在问题", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间")
    # the first submission of the month: lateness is judged by it, so a report sent on time,
    # returned and sent again is not late (null on rows written before it was kept: submitted_*)
    first_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    # why the cumulative figure is below last month's (required then, see services.submit_report)
    correction_reason = models.TextField("更正说明", blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-month", "project__code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["project", "month"], name="report_project_month")
        ]
        indexes: ClassVar = [models.Index(fields=["month", "status"])]
        verbose_name = "月度调度"
        verbose_name_plural = "月度调度"

    def __str__(self) -> str:
        return f"{self.project.code} {self.month:%Y-%m}"

    @property
    def first_at(self) -> dt.datetime:
        """When the month's report first came in (what lateness is judged by)."""
        return self.first_submitted_at or self.submitted_at

    @property
    def first_by(self) -> object:
        return self.first_submitted_by if self.first_submitted_at else self.submitted_by

    @property
    def resubmitted(self) -> bool:
        return self.first_submitted_at is not None and self.first_submitted_at != self.submitted_at


class VisitQuerySet(models.QuerySet["Visit"]):
    def visible_to(self, user: AnyUser) -> VisitQuerySet:
        """Visits are the specialists' working record: project units do not see them."""
        if role_of(user) == Role.OWNER:
            return self.none()
        if role_of(user) == Role.SPECIALIST:
            return self.filter(Q(specialist=user) | Q(project__specialist=user))
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))


class Visit(models.Model):
    """走访: a specialist's site visit."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="visits")
    specialist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField("走访日期")
    findings = models.TextField("走访情况")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-date", "-id"]
        indexes: ClassVar = [models.Index(fields=["specialist", "date"])]
        verbose_name = "现场走访"
        verbose_name_plural = "现场走访"

    def __str__(self) -> str:
        return f"{self.project.code} {self.date}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="visits/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.original_name or str(self.image.name)
