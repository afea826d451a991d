"""The closed-loop case engine (问题闭环): register → assign → handle → reply → verify → close."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from liangping.cases.scope import case_scope_q
from liangping.core.models import Org
from liangping.core.scope import AnyUser


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    ASSIGNED = "assigned", "已交办"
    HANDLING = "handling", "办理中"
    REPLIED = "replied", "已答复"
    VERIFIED = "verified", "已核实"
    CLOSED = "closed", "已销号"


OPEN_STATUSES = [
    CaseStatus.REGISTERED,
    CaseStatus.ASSIGNED,
    CaseStatus.HANDLING,
    CaseStatus.REPLIED,
    CaseStatus.VERIFIED,
]
AWAITING_REPLY = [CaseStatus.ASSIGNED, CaseStatus.HANDLING]


class CaseKind(models.TextChoices):
    PROJECT_PROBLEM = "project_problem", "项目问题"
    APPEAL = "appeal", "群众诉求"
    STABILITY = "stability", "稳定事项"
    SUPERVISION = "supervision", "督办事项"


class Verdict(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    UNSATISFIED = "unsatisfied", "不满意"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: AnyUser) -> CaseQuerySet:
        q = case_scope_q(user)
        return self if q is None else self.filter(pk__in=Case.objects.filter(q).values("pk"))

    def overdue(self, today: dt.date | None = None) -> CaseQuerySet:
        today = today or timezone.localdate()
        return self.filter(status__in=AWAITING_REPLY, deadline__lt=today)

    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)

    def for_subject(self, obj: models.Model) -> CaseQuerySet:
        return self.filter(subject_ct=ContentType.objects.get_for_model(obj), subject_id=obj.pk)


class Case(models.Model):
    kind = models.CharField("类别", max_length=30, choices=CaseKind.choices, default=CaseKind.PROJECT_PROBLEM)
    title = models.CharField("问题", max_length=200)
    description = models.TextField("问题描述", blank=True)
    subject_ct = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_ct", "subject_id")
    source = models.CharField("来源", max_length=30, blank=True)
    source_ref = models.CharField("来源记录", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    lead_org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
        verbose_name="牵头单位",
    )
    co_orgs = models.ManyToManyField(Org, blank=True, related_name="co_cases", verbose_name="协办单位")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField("登记时间", default=timezone.now)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    deadline = models.DateField("答复期限", null=True, blank=True)
    deadline_note = models.CharField(max_length=200, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    reply = models.TextField("答复内容", blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    return_count = models.PositiveIntegerField("退回次数", default=0)
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-registered_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["subject_ct", "subject_id"]),
            models.Index(fields=["status", "deadline"]),
        ]
        verbose_name = "问题"
        verbose_name_plural = "问题"

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in AWAITING_REPLY and self.deadline is not None and self.deadline < today


class CaseStep(models.Model):
    """One step of a case: who did what, when, with which note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField("说明", blank=True)
    # The project unit's verdict on a reply (a "feedback" step): satisfied or not.
    verdict = models.CharField("评价", max_length=20, choices=Verdict.choices, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CaseAttachment(models.Model):
    """A document sent with a step (a reply's 答复附件), served only to those who see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="cases/%Y/")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering: ClassVar = ["id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.name
