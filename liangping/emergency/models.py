"""防汛「叫应」: responsibility points and their 包保 chains, warnings, the 叫应 loop's calls, contacts,
deliveries and its append-only log, the duty roster and duty log, supplies and rescue teams."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from liangping.core.models import Org


class PointKind(models.TextChoices):
    RESERVOIR = "reservoir", "水库"
    RIVER = "river", "河道堤防"
    LOWLAND = "lowland", "低洼村庄"
    UNDERPASS = "underpass", "下穿通道"
    SITE = "site", "在建工地"
    SCHOOL = "school", "学校"
    GEOHAZARD = "geohazard", "地质灾害隐患点"


class Level(models.TextChoices):
    RED = "red", "红色"
    ORANGE = "orange", "橙色"
    YELLOW = "yellow", "黄色"
    BLUE = "blue", "蓝色"


LEVEL_ORDER = {Level.RED: 0, Level.ORANGE: 1, Level.YELLOW: 2, Level.BLUE: 3}


class Hazard(models.TextChoices):
    RAINSTORM = "rainstorm", "暴雨"
    FLOOD = "flood", "洪水"
    DROUGHT = "drought", "干旱"
    GEOLOGICAL = "geological", "地质灾害"


class ChainRole(models.TextChoices):
    FIRST = "first", "第一责任人"
    BACKUP = "backup", "备用责任人"
    TOWN = "town", "镇街包保领导"
    DISTRICT = "district", "区级包保领导"


class Person(models.Model):
    """Someone on a 包保 chain. A village cadre may have no account: a name and a phone are enough."""

    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emergency_persons",
        verbose_name="系统账号",
    )
    post = models.CharField("职务", max_length=60, blank=True)

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["name", "phone"], name="emergency_person_name_phone")
        ]
        verbose_name = "责任人"
        verbose_name_plural = "责任人"

    def __str__(self) -> str:
        return self.name


class PointQuerySet(models.QuerySet["Point"]):
    def active(self) -> PointQuerySet:
        return self.filter(active=True)


class Point(models.Model):
    """A responsibility point (防汛重点部位). The town is an Org where the org tree has it, else a name."""

    code = models.CharField("点位编号", max_length=40, unique=True)
    name = models.CharField("点位名称", max_length=100)
    kind = models.CharField("点位类型", max_length=20, choices=PointKind.choices)
    district = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="emergency_points", verbose_name="所属区（市）"
    )
    town = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="镇街"
    )
    town_name = models.CharField("镇街名称", max_length=60)
    village = models.CharField("村（社区）", max_length=60, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("在用", default=True)
    version = models.PositiveIntegerField(default=1)

    objects = PointQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["district__sort", "town_name", "code"]
        verbose_name = "防汛责任点位"
        verbose_name_plural = "防汛责任点位"

    def __str__(self) -> str:
        return self.name


class ChainLink(models.Model):
    """One person's place on a point's 包保 chain."""

    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links")
    role = models.CharField("职责", max_length=20, choices=ChainRole.choices)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["point", "sort", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["point", "person", "role"], name="emergency_link_unique")
        ]
        verbose_name = "包保责任链"
        verbose_name_plural = "包保责任链"

    def __str__(self) -> str:
        return f"{self.point} {self.get_role_display()} {self.person}"


class Readiness(models.TextChoices):
    READY = "ready", "随时可调"
    STANDBY = "standby", "集结待命"
    UNAVAILABLE = "unavailable", "暂不可调"


class Supply(models.Model):
    """应急物资储备: a store's stock of one item."""

    store = models.CharField("储备库", max_length=100)
    district = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="所属区（市）")
    item = models.CharField("物资名称", max_length=60)
    quantity = models.DecimalField("数量", max_digits=12, decimal_places=2)
    unit = models.CharField("单位", max_length=10)
    keeper = models.CharField("保管人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["district__sort", "store", "item"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["store", "item"], name="emergency_supply_store_item")
        ]
        verbose_name = "应急物资"
        verbose_name_plural = "应急物资"

    def __str__(self) -> str:
        return f"{self.store} {self.item}"


class Team(models.Model):
    """防汛抢险队伍 (召之即来、来之能战)."""

    name = models.CharField("队伍名称", max_length=100, unique=True)
    district = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="所属区（市）")
    leader = models.CharField("队长", max_length=50)
    phone = models.CharField("联系电话", max_length=30)
    readiness = models.CharField(
        "备勤状态", max_length=20, choices=Readiness.choices, default=Readiness.READY
    )
    specialty = models.CharField("专长", max_length=100, blank=True)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        ordering: ClassVar = ["district__sort", "name"]
        verbose_name = "抢险队伍"
        verbose_name_plural = "抢险队伍"

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        ordering: ClassVar = ["team", "id"]
        verbose_name = "队员"
        verbose_name_plural = "队员"

    def __str__(self) -> str:
        return self.name


class WarningStatus(models.TextChoices):
    ACTIVE = "active", "生效中"
    CLOSED = "closed", "已解除"


class WarningSource(models.TextChoices):
    FORM = "form", "值班员发布"
    CAP = "cap", "CAP 1.2 导入"


class WarningQuerySet(models.QuerySet["Warning"]):
    def live(self) -> WarningQuerySet:
        return self.filter(status=WarningStatus.ACTIVE)


class Warning(models.Model):
    """A warning (预警) or a drill (演练) issued to every responsible person of its points."""

    code = models.CharField("预警编号", max_length=30, unique=True)
    level = models.CharField("预警级别", max_length=10, choices=Level.choices)
    hazard = models.CharField("预警类型", max_length=20, choices=Hazard.choices)
    text = models.TextField("预警内容")
    areas = models.CharField("影响区域", max_length=500)
    is_drill = models.BooleanField("演练", default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="发布人"
    )
    issuer_name = models.CharField("发布人姓名", max_length=50)
    issuing_org = models.ForeignKey(Org, null=True, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("发布时间", db_index=True)
    valid_until = models.DateTimeField("有效期至")
    ack_minutes = models.PositiveIntegerField("确认时限（分钟）")
    status = models.CharField(
        "状态", max_length=10, choices=WarningStatus.choices, default=WarningStatus.ACTIVE
    )
    closed_at = models.DateTimeField("解除时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.TextField("解除说明", blank=True)
    source = models.CharField(
        "来源", max_length=10, choices=WarningSource.choices, default=WarningSource.FORM
    )
    cap_identifier = models.CharField("CAP 标识", max_length=200, blank=True)
    cap_sender = models.CharField("CAP 发布机构", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = WarningQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-issued_at", "-id"]
        verbose_name = "预警"
        verbose_name_plural = "预警"

    def __str__(self) -> str:
        return f"{'【演练】' if self.is_drill else ''}{self.title}"

    @property
    def title(self) -> str:
        return f"{self.get_hazard_display()}{self.get_level_display()}预警"

    @property
    def kind_label(self) -> str:
        return "演练" if self.is_drill else "预警"


class CallQuerySet(models.QuerySet["PointCall"]):
    def open(self) -> CallQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class AckVia(models.TextChoices):
    LINK = "link", "一次性链接"
    APP = "app", "系统内确认"
    PHONE = "phone", "值班员电话记录"


class PointCall(models.Model):
    """The 叫应 of one point for one warning: its stage on the chain, the next step's time, the answer.

    Stage 0: the first responsible person was notified; 1: re-sent to them; 2: escalated to the
    backups and the town leader; 3: to the district leader; past the last stage the chain has ended
    and the duty officer is alerted. `next_at` is when the periodic job takes the next step.
    """

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="calls")
    point = models.ForeignKey(Point, on_delete=models.PROTECT, related_name="calls")
    stage = models.PositiveSmallIntegerField("叫应阶段", default=0)
    next_at = models.DateTimeField("下一步时间", null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    ack_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="确认人"
    )
    ack_via = models.CharField("确认方式", max_length=10, choices=AckVia.choices, blank=True)
    ack_note = models.CharField("确认备注", max_length=200, blank=True)
    ack_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField("首次升级时间", null=True, blank=True)
    chain_ended_at = models.DateTimeField("责任链用尽时间", null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["warning", "point"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["warning", "point"], name="emergency_call_warning_point")
        ]
        indexes: ClassVar = [models.Index(fields=["acknowledged_at", "next_at"])]
        verbose_name = "点位叫应"
        verbose_name_plural = "点位叫应"

    def __str__(self) -> str:
        return f"{self.warning_id}:{self.point}"

    @property
    def answered(self) -> bool:
        return self.acknowledged_at is not None


class Contact(models.Model):
    """A person called for a point in a warning, with their own single-use acknowledgement link.

    The link's token is an HMAC of the server's secret key over this row and `nonce`: the database
    holds its SHA-256 (`token_hash`) for look-up, so a copy of the database alone yields no link."""

    call = models.ForeignKey(PointCall, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contacts")
    role = models.CharField("职责", max_length=20, choices=ChainRole.choices)
    stage = models.PositiveSmallIntegerField("加入阶段", default=0)
    added_at = models.DateTimeField("通知时间")
    nonce = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    used_at = models.DateTimeField("链接使用时间", null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["call", "stage", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["call", "person"], name="emergency_contact_call_person")
        ]
        verbose_name = "叫应对象"
        verbose_name_plural = "叫应对象"

    def __str__(self) -> str:
        return f"{self.person} ({self.call})"


class Channel(models.TextChoices):
    APP = "app", "系统消息"
    EMAIL = "email", "电子邮件"
    SMS = "sms", "短信"
    VOICE = "voice", "语音电话"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已送达"
    FAILED = "failed", "发送失败"
    CANCELLED = "cancelled", "已确认，未发送"


class Delivery(models.Model):
    """One message to one person on one channel at one stage. `key` is its idempotency key: stored
    once, and handed to the gateway so a message re-sent after a crash is recognised there."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="deliveries")
    stage = models.PositiveSmallIntegerField("阶段")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    key = models.CharField(max_length=80, unique=True)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED, db_index=True
    )
    queued_at = models.DateTimeField("排队时间")
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)  # the sending worker's mark
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    tries = models.PositiveSmallIntegerField("尝试次数", default=0)
    detail = models.CharField("结果", max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["queued_at", "id"]
        verbose_name = "通知发送"
        verbose_name_plural = "通知发送"

    def __str__(self) -> str:
        return self.key


class LogEvent(models.TextChoices):
    ISSUED = "issued", "发布"
    NOTIFIED = "notified", "首次通知"
    SENT = "sent", "送达"
    FAILED = "failed", "发送失败"
    RESENT = "resent", "再次通知"
    ESCALATED = "escalated", "升级通知"
    ACKNOWLEDGED = "acknowledged", "确认收到"
    CHAIN_ENDED = "chain_ended", "责任链用尽"
    CLOSED = "closed", "解除"


class CallLogQuerySet(models.QuerySet["CallLog"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("叫应记录只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("叫应记录只能追加，不能删除")


class CallLog(models.Model):
    """The append-only proof of the loop: who was reached, on which channel, who answered, when."""

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="log")
    call = models.ForeignKey(PointCall, null=True, blank=True, on_delete=models.PROTECT, related_name="log")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", db_index=True)
    event = models.CharField("事件", max_length=20, choices=LogEvent.choices)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)
    actor_name = models.CharField("操作人", max_length=50, blank=True)

    objects = CallLogQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["at", "id"]
        verbose_name = "叫应记录"
        verbose_name_plural = "叫应记录"

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.get_event_display()} {self.detail}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("叫应记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("叫应记录只能追加，不能删除")


class Shift(models.TextChoices):
    DAY = "day", "白班（8:00—20:00）"
    NIGHT = "night", "夜班（20:00—次日8:00）"
    FULL = "full", "全天（24小时）"


class DutyShift(models.Model):
    """应急值守: who leads and who is on duty for one org (the level: city or district) on one shift."""

    date = models.DateField("日期", db_index=True)
    shift = models.CharField("班次", max_length=10, choices=Shift.choices)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="值守层级")
    leader_name = models.CharField("带班领导", max_length=50)
    leader_phone = models.CharField("带班领导电话", max_length=30, blank=True)
    officer_name = models.CharField("值班员", max_length=50)
    officer_phone = models.CharField("值班员电话", max_length=30, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-date", "org__sort", "shift"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["date", "shift", "org"], name="emergency_shift_unique")
        ]
        verbose_name = "值班安排"
        verbose_name_plural = "值班安排"

    def __str__(self) -> str:
        return f"{self.date} {self.get_shift_display()} {self.org}"


class DutyLogQuerySet(models.QuerySet["DutyLogEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("值班日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("值班日志只能追加，不能删除")


class DutyLogEntry(models.Model):
    """值班日志: what the duty officer did and saw, and what the system did, in order. Append-only."""

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField("记录人", max_length=50)
    warning = models.ForeignKey(Warning, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("内容")

    objects = DutyLogQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        verbose_name = "值班日志"
        verbose_name_plural = "值班日志"

    def __str__(self) -> str:
        return f"{self.at:%m-%d %H:%M} {self.text[:30]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("值班日志只能追加，不能修改")
        super().save(*args, **kwargs)
