"""Government services (政务服务): the matter catalogue (事项目录, versioned by validity dates), service
points at four levels and special points with their matter lists and rosters, handled cases (办件) and
一件事 bundles. 帮办代办 requests and 一件事 applications are cases of the engine (kinds assist, bundle
and bundle_part), not models here."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from liangping.core.models import Org
from liangping.core.scope import AnyUser, city_scope, org_path, role_of


class MatterType(models.TextChoices):
    LICENCE = "licence", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    PAYMENT = "payment", "行政给付"
    RULING = "ruling", "行政裁决"
    REWARD = "reward", "行政奖励"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC = "public", "公共服务"


class Level(models.TextChoices):
    """The four levels of halls, named after the org kind of the hall's division."""

    CITY = "city", "市级"
    DISTRICT = "district", "区（市）级"
    TOWN = "town", "镇（街道）级"
    VILLAGE = "village", "村（社区）级"


LEVEL_ORDER = [lv.value for lv in Level]


class TenantQuerySet(models.QuerySet[Any]):
    def in_city(self, user: AnyUser) -> Any:
        """The rows of the user's city (all of them for the province and a one-city installation)."""
        tenant = city_scope(user)
        return self if tenant is None else self.filter(tenant_id=tenant)


class Matter(models.Model):
    """One 依申请 service matter as currently listed; its history is in MatterVersion. A matter is in
    the catalogue on day D when listed_on <= D and (withdrawn_on is empty or after D)."""

    tenant = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("事项编码", max_length=60)
    name = models.CharField("事项名称", max_length=200)
    department = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="matters", verbose_name="实施部门"
    )
    type = models.CharField("事项类型", max_length=20, choices=MatterType.choices)
    legal_days = models.PositiveIntegerField("法定时限（工作日）", null=True, blank=True)
    promised_days = models.PositiveIntegerField("承诺时限（工作日）", null=True, blank=True)
    materials = models.TextField("申请材料", blank=True)
    levels = models.CharField("办理层级", max_length=60, blank=True)  # city,district,town,village
    fields = models.JSONField("表单字段", default=list, blank=True)  # [{code, label, type}] for 一件事 forms
    listed_on = models.DateField("列入日期")
    withdrawn_on = models.DateField("取消日期", null=True, blank=True)
    sample = models.BooleanField("示例数据", default=False)
    version = models.PositiveIntegerField(default=1)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["code"]
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "code"], name="services_matter_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def level_list(self) -> list[str]:
        return [lv for lv in self.levels.split(",") if lv]

    def level_labels(self) -> str:
        labels = dict(Level.choices)
        return "、".join(labels.get(lv, lv) for lv in self.level_list())

    def materials_list(self) -> list[str]:
        return [m for m in self.materials.splitlines() if m.strip()]


class MatterVersion(models.Model):
    """What a matter said from valid_from until valid_to (exclusive; empty: still so). An import that
    changes a matter closes its current version on the effective day and opens a new one."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    name = models.CharField("事项名称", max_length=200)
    department_id_at = models.IntegerField(null=True, blank=True)
    type = models.CharField("事项类型", max_length=20)
    legal_days = models.PositiveIntegerField(null=True, blank=True)
    promised_days = models.PositiveIntegerField(null=True, blank=True)
    materials = models.TextField(blank=True)
    levels = models.CharField(max_length=60, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["matter", "valid_from", "id"]
        indexes: ClassVar = [models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.name} {self.valid_from}"


class MatterList(models.Model):
    """A named list of matters drawn from the catalogue, e.g. the 50-matter 审批不出镇 guidance catalogue."""

    tenant = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("目录代码", max_length=40)
    name = models.CharField("目录名称", max_length=100)
    matters: models.ManyToManyField[Any, Any] = models.ManyToManyField(Matter, blank=True, related_name="+")
    sample = models.BooleanField("示例数据", default=False)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "code"], name="services_list_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PointKind(models.TextChoices):
    HALL = "hall", "政务服务大厅"
    MALL = "mall", "便民站"
    STUDIO = "studio", "企业服务工作室"
    BUNDLE = "bundle", "一件事窗口"


class PointQuerySet(TenantQuerySet):
    def visible_to(self, user: AnyUser) -> Any:
        """The city's supervisor, leaders and departments see every point of their city; a district or
        town account the points of its subtree."""
        role = role_of(user)
        if role in ("supervisor", "leader", "department"):
            return self.in_city(user)
        if role == "district":
            path = org_path(user)
            return self.filter(org__path__startswith=path) if path else self.none()
        return self.none()


class ServicePoint(models.Model):
    """A place that handles matters: a hall of a division (市/区/镇/村) or a special point under one."""

    tenant = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("服务点名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=PointKind.choices, default=PointKind.HALL)
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="service_points", verbose_name="所属区划"
    )
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    address = models.CharField("地址", max_length=200, blank=True)
    hours = models.CharField("开放时间", max_length=200, blank=True)
    guide = models.ForeignKey(
        MatterList,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points",
        verbose_name="指导目录",
    )
    pilot = models.BooleanField("审批不出镇试点", default=False)
    sample = models.BooleanField("示例数据", default=False)
    version = models.PositiveIntegerField(default=1)
    matters: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        Matter, through="PointMatter", blank=True, related_name="points"
    )

    objects = PointQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["id"]
        verbose_name = "服务点"
        verbose_name_plural = "服务点"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "name"], name="services_point_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PointMatter(models.Model):
    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="listed")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="+")
    category = models.CharField("类别", max_length=40, blank=True)  # 进商超: 个体工商户登记, 食品经营许可 …

    class Meta:
        ordering: ClassVar = ["category", "matter__code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["point", "matter"], name="services_point_matter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id}·{self.matter_id}"


class Post(models.TextChoices):
    LEAD = "lead", "帮办代办主管"
    HELPER = "helper", "帮办代办员"
    CHIEF = "chief", "审批业务科长"


class PointStaff(models.Model):
    """The roster of a point: 1 帮办代办主管 per district, town and village hall, helpers, and the N
    cross-department 科长 (1+1+1+N)."""

    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("岗位", max_length=10, choices=Post.choices)
    department = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所在部门"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    hours = models.CharField("在岗时间", max_length=100, blank=True)

    class Meta:
        ordering: ClassVar = ["point", "post", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"


class Applicant(models.TextChoices):
    PERSON = "person", "个人"
    FIRM = "firm", "企业"


class Outcome(models.TextChoices):
    DONE = "done", "办结"
    REFUSED = "refused", "不予许可"
    WITHDRAWN = "withdrawn", "撤回"


class Source(models.TextChoices):
    FORM = "form", "页面登记"
    API = "api", "接口"
    SHEET = "sheet", "表格导入"


class HandledQuerySet(TenantQuerySet):
    def visible_to(self, user: AnyUser) -> Any:
        return self.filter(point__in=ServicePoint.objects.visible_to(user))

    def between(self, start: dt.date, end: dt.date) -> Any:
        """Received on a day from start to end (inclusive)."""
        return self.filter(received_on__gte=start, received_on__lte=end)


class HandledCase(models.Model):
    """One matter handled at a point (办件), from a form, the API or the hall's daily spreadsheet."""

    tenant = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField("办件编号", max_length=60)
    point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT, related_name="handled")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="handled")
    applicant = models.CharField("申请人类型", max_length=10, choices=Applicant.choices)
    received_at = models.DateTimeField("受理时间")
    received_on = models.DateField("受理日期", db_index=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    outcome = models.CharField("办理结果", max_length=10, choices=Outcome.choices, blank=True)
    workdays = models.PositiveIntegerField("用时（工作日）", null=True, blank=True)
    on_time = models.BooleanField("承诺时限内办结", null=True)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.FORM)
    sample = models.BooleanField("示例数据", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = HandledQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-received_at", "-id"]
        verbose_name = "办件"
        verbose_name_plural = "办件"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "ref"], name="services_handled_ref_unique"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("received_at")),
                name="services_handled_finished_after_received",
            ),
        ]

    def __str__(self) -> str:
        return self.ref


class Bundle(models.Model):
    """A 一件事: matters of several departments handled as one application with one form."""

    tenant = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("代码", max_length=40)
    name = models.CharField("一件事名称", max_length=100)
    point = models.ForeignKey(
        ServicePoint,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bundles",
        verbose_name="受理窗口",
    )
    old_days = models.PositiveIntegerField("改革前总时限（工作日）", null=True, blank=True)
    new_days = models.PositiveIntegerField("改革后总时限（工作日）", null=True, blank=True)
    reformed_on = models.DateField("改革实施日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    sample = models.BooleanField("示例数据", default=False)
    version = models.PositiveIntegerField(default=1)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["id"]
        verbose_name = "一件事"
        verbose_name_plural = "一件事"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "code"], name="services_bundle_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class BundleMatter(models.Model):
    """A matter of a bundle, with its time limit before and after the reform (working days)."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="items")
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="+")
    old_days = models.PositiveIntegerField("改革前时限（工作日）", null=True, blank=True)
    new_days = models.PositiveIntegerField("改革后时限（工作日）", null=True, blank=True)
    sort = models.IntegerField("排序", default=0)

    class Meta:
        ordering: ClassVar = ["bundle", "sort", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["bundle", "matter"], name="services_bundle_matter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id}·{self.matter_id}"
