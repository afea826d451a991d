"""In-app notifications (消息提醒) and the record of escalated overdue cases."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from liangping.cases.models import Case


class NoticeKind(models.TextChoices):
    REPORT_DUE = "report_due", "报送提醒"
    ESCALATION = "escalation", "超期升级"
    DIGEST = "digest", "每日汇总"
    CASE_ASSIGNED = "case_assigned", "交办通知"
    CASE_RETURNED = "case_returned", "退回通知"
    EMERGENCY = "emergency", "防汛叫应"
    CASE_DUE = "case_due", "到期提醒"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: object) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user. `key` names what it is about (kind, object, period), so a job run twice
    finds its earlier message and neither stores nor e-mails it again."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="接收人",
    )
    kind = models.CharField("类型", max_length=20, choices=NoticeKind.choices)
    key = models.CharField("去重键", max_length=200)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    links = models.JSONField("相关链接", default=list, blank=True)  # [{"label": ..., "url": ...}]
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_recipient_key")
        ]
        indexes: ClassVar = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = "消息提醒"
        verbose_name_plural = "消息提醒"

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Escalation(models.Model):
    """An overdue case raised to its lead unit's leadership: once per case and deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    deadline = models.DateField("答复期限")
    overdue_workdays = models.PositiveIntegerField("超期工作日数")
    escalated_on = models.DateField("升级日期", db_index=True)
    recipients = models.TextField("通知对象", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-escalated_on", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "deadline"], name="escalation_case_deadline")
        ]
        verbose_name = "超期升级"
        verbose_name_plural = "超期升级"

    def __str__(self) -> str:
        return f"{self.case_id} {self.escalated_on}"


class DueReminder(models.Model):
    """A case's lead unit reminded that its finish deadline is near: once per case and deadline (an
    approved extension or a reopening gives a new deadline, and a new reminder)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="due_reminders")
    due_at = models.DateTimeField("办结期限")
    reminded_at = models.DateTimeField("提醒时间", default=timezone.now)
    recipients = models.TextField("通知对象", blank=True)

    class Meta:
        ordering: ClassVar = ["-reminded_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["case", "due_at"], name="due_reminder_case_due_at")
        ]
        verbose_name = "到期提醒"
        verbose_name_plural = "到期提醒"

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_at:%Y-%m-%d %H:%M}"
