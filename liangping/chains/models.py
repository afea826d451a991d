"""Industrial chains (链长制): a chain, its ordered segments, the capacity measures of each segment,
the firms serving them, key projects tagged to them, 招商 leads, goals, and frozen yearly snapshots."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from liangping.core.models import Org
from liangping.core.scope import installation_city
from liangping.projects.models import Project


class Chain(models.Model):
    """One industrial chain: 链长 (a city leader), 链主 (anchor firms), 联盟 and 基金.

    A chain is its city's (`tenant`, decision 0007): it has no org of its own, so it carries the key
    that its segments, measures, goals, zones, leads, project links and snapshots reach it through."""

    tenant = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "city"},
        verbose_name="所属城市",
    )
    name = models.CharField("产业链", max_length=60)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_chains",
        verbose_name="链长",
    )
    anchors: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "Firm", blank=True, related_name="anchored_chains", verbose_name="链主企业"
    )
    alliance = models.CharField("产业联盟", max_length=100, blank=True)
    fund = models.CharField("产业基金", max_length=100, blank=True)
    fund_size = models.DecimalField(
        "基金规模（亿元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.TextField("说明", blank=True)
    sort = models.IntegerField("排序", default=0)
    sample = models.BooleanField("示例数据", default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["sort", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "name"], name="chain_tenant_name_unique")
        ]
        verbose_name = "产业链"
        verbose_name_plural = "产业链"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # a chain written without its city (a single-city installation's tools) is the installation's city's
        if self.tenant_id is None:
            self.tenant_id = installation_city()
        super().save(*args, **kwargs)


class ZoneKind(models.TextChoices):
    CORE = "core", "核心基地"
    SUPPORT = "support", "产业配套区"
    COORDINATED = "coordinated", "协调发展区"


ZONE_ORDER = [z.value for z in ZoneKind]


class Zone(models.Model):
    """A place of the chain's layout; the 「1+3+3」 label is counted from these rows."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="zones")
    kind = models.CharField("类型", max_length=20, choices=ZoneKind.choices)
    name = models.CharField("名称", max_length=100)
    district = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属区（市）"
    )
    sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering: ClassVar = ["chain", "kind", "id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["chain", "name"], name="zone_chain_name")]
        verbose_name = "产业布局"
        verbose_name_plural = "产业布局"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class Goal(models.Model):
    """A chain-level output goal of a year (800亿 by 2025, 1,500亿 by 2030)."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="goals")
    year = models.PositiveSmallIntegerField("年份")
    output = models.DecimalField("产值目标（亿元）", max_digits=12, decimal_places=2)

    class Meta:
        ordering: ClassVar = ["chain", "year"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["chain", "year"], name="goal_chain_year")]
        verbose_name = "产值目标"
        verbose_name_plural = "产值目标"

    def __str__(self) -> str:
        return f"{self.chain} {self.year}年 {self.output}亿元"


class Segment(models.Model):
    """A link of the chain, upstream → downstream by `position`; a sub-segment has a parent."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="segments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级环节",
    )
    name = models.CharField("环节", max_length=60)
    position = models.PositiveSmallIntegerField("次序（上游在前）", default=0)
    target_firms = models.PositiveIntegerField("目标企业数", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["chain", "position", "id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["chain", "name"], name="segment_chain_name")]
        verbose_name = "产业链环节"
        verbose_name_plural = "产业链环节"

    def __str__(self) -> str:
        return self.name


class Measure(models.Model):
    """A capacity measure of a segment with its unit (正极材料 万吨, 隔膜 亿㎡, 电芯 GWh)."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField("产能名称", max_length=60)
    unit = models.CharField("单位", max_length=20)
    target = models.DecimalField("目标产能", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["segment", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["segment", "name"], name="measure_segment_name")
        ]
        verbose_name = "产能指标"
        verbose_name_plural = "产能指标"

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class FirmQuerySet(models.QuerySet["Firm"]):
    def of_chain(self, chain: Chain) -> FirmQuerySet:
        return self.filter(pk__in=FirmSegment.objects.filter(segment__chain=chain).values("firm"))


class Firm(models.Model):
    """A firm of one or more chains, once however many segments it serves (key: 统一社会信用代码)."""

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=120)
    district = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="所属区（市）"
    )
    output = models.DecimalField("产值（万元）", max_digits=16, decimal_places=2, null=True, blank=True)
    platforms = models.PositiveIntegerField("研发平台数", default=0)
    patents = models.PositiveIntegerField("专利数", default=0)
    above_scale = models.BooleanField("规上企业", default=False)
    key = models.BooleanField("重点企业", default=False)
    internal = models.BooleanField("仅内部", default=False)  # never on the public screen
    sample = models.BooleanField("示例数据", default=False)
    segments = models.ManyToManyField(Segment, through="FirmSegment", related_name="firms")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = FirmQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name", "id"]
        verbose_name = "企业"
        verbose_name_plural = "企业"

    def __str__(self) -> str:
        return self.name


class FirmSegment(models.Model):
    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="links")
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="firm_links")

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["firm", "segment"], name="firm_segment")]

    def __str__(self) -> str:
        return f"{self.firm_id}→{self.segment_id}"


class Capacity(models.Model):
    """A firm's capacity in one measure, in the measure's unit."""

    firm = models.ForeignKey(Firm, on_delete=models.CASCADE, related_name="capacities")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="capacities")
    value = models.DecimalField("产能", max_digits=14, decimal_places=2)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["firm", "measure"], name="capacity_firm_measure")
        ]
        verbose_name = "产能"
        verbose_name_plural = "产能"

    def __str__(self) -> str:
        return f"{self.firm_id} {self.measure_id} {self.value}"


class ProjectLink(models.Model):
    """A key project tagged to a segment it adds to, with the capacity it adds when done."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="chain_links")
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="project_links")
    measure = models.ForeignKey(Measure, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    capacity = models.DecimalField("新增产能", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["segment", "project__code"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["project", "segment"], name="project_link_segment")
        ]
        verbose_name = "项目关联环节"
        verbose_name_plural = "项目关联环节"

    def __str__(self) -> str:
        return f"{self.project_id}→{self.segment_id}"


class LeadStatus(models.TextChoices):
    TRACKING = "tracking", "跟踪中"
    TALKING = "talking", "洽谈中"
    SIGNED = "signed", "已签约"
    LANDED = "landed", "已落地"
    DROPPED = "dropped", "已放弃"


class Lead(models.Model):
    """招商 to fill a gap: a target firm or product wanted for a segment, its owner department, status.
    Internal: never on the public screen."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="leads")
    target = models.CharField("目标企业或产品", max_length=120)
    department = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="责任部门")
    status = models.CharField("状态", max_length=20, choices=LeadStatus.choices, default=LeadStatus.TRACKING)
    note = models.CharField("说明", max_length=200, blank=True)
    sample = models.BooleanField("示例数据", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["segment", "id"]
        verbose_name = "招商目标"
        verbose_name_plural = "招商目标"

    def __str__(self) -> str:
        return self.target


class ChainSnapshot(models.Model):
    """The chain's figures of a year, frozen: the public part (`data`) never changes once taken.
    Publishing shows it on the public screen."""

    chain = models.ForeignKey(Chain, on_delete=models.PROTECT, related_name="snapshots")
    year = models.PositiveSmallIntegerField("年份")
    version = models.PositiveIntegerField("版本", default=1)
    data = models.JSONField("数据")
    taken_at = models.DateTimeField("生成时间")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["chain", "year", "version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["chain", "year", "version"], name="chain_snapshot_version")
        ]
        verbose_name = "产业链年度快照"
        verbose_name_plural = "产业链年度快照"

    def __str__(self) -> str:
        return f"{self.chain} {self.year}年"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("update_fields") == ["published_at"]:
            raise PermissionError("产业链快照生成后不能修改")
        super().save(*args, **kwargs)
