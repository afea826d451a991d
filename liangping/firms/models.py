"""企业服务工作室 and 榴花分: the studio, the register of firms it serves (with their credit level and
榴花分 score, imported), the catalogue of incentive measures, and the append-only log of measures applied.

A studio's requests (设立、变更、注销) are cases of the `firm_service` kind about a firm (the case
subject); there is no request model here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from liangping.core.models import Org, Role
from liangping.core.scope import AnyUser, city_scope, org_path, role_of

CREDIT_LEVELS = ("A", "B", "C", "D")
LEVEL_LABELS = {"A": "A级（诚信）", "B": "B级（良好）", "C": "C级（警示）", "D": "D级（失信）"}
# Who reads the register and the catalogue: the city government (a district: the studios in it).
FIRM_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT)


class Studio(models.Model):
    """A 企业服务工作室: a unit of the org tree (its staff are that unit's accounts) in a park."""

    name = models.CharField("工作室", max_length=100)
    org = models.OneToOneField(Org, on_delete=models.PROTECT, related_name="studio", verbose_name="所属单位")
    park = models.CharField("所在园区", max_length=100, blank=True)
    sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering: ClassVar = ["id"]
        verbose_name = "企业服务工作室"
        verbose_name_plural = "企业服务工作室"

    def __str__(self) -> str:
        return self.name


class RegisterQuerySet(models.QuerySet["Firm"]):
    def visible_to(self, user: AnyUser) -> RegisterQuerySet:
        """The city's firms for the supervisor, leaders and departments (the province's office: every
        city's); for a district or a studio's staff, the firms of the studios in their org subtree."""
        role = role_of(user)
        if role not in FIRM_ROLES:
            return self.none()
        qs = self
        city = city_scope(user)
        if city is not None:
            qs = qs.filter(tenant_id=city)
        elif role != Role.SUPERVISOR:
            return self.none()
        if role == Role.DISTRICT:
            path = org_path(user)
            if not path:
                return self.none()
            qs = qs.filter(studio__org__path__startswith=path)
        return qs


class Firm(models.Model):
    """A firm of a city, once (key: its 统一社会信用代码 within the city). `studio` is set for the
    firms a studio serves; the credit level and the 榴花分 score are imported as published."""

    tenant = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="所属城市")
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    name = models.CharField("企业名称", max_length=120)
    park = models.CharField("所在园区", max_length=100, blank=True)
    studio = models.ForeignKey(
        Studio,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="firms",
        verbose_name="服务工作室",
    )
    credit_level = models.CharField("信用等级", max_length=1, blank=True)
    score = models.DecimalField("榴花分", max_digits=7, decimal_places=2, null=True, blank=True)
    rated_on = models.DateField("评价日期", null=True, blank=True)
    sample = models.BooleanField("示例数据", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "credit_code"], name="firms_firm_city_code")
        ]
        verbose_name = "企业"
        verbose_name_plural = "企业"

    def __str__(self) -> str:
        return self.name

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.credit_level, "")

    @property
    def score_text(self) -> str:
        return num(self.score)


class MeasureQuerySet(models.QuerySet["Measure"]):
    def visible_to(self, user: AnyUser) -> MeasureQuerySet:
        """The catalogue is the city's: every reader of the register reads all of it."""
        if role_of(user) not in FIRM_ROLES:
            return self.none()
        city = city_scope(user)
        if city is not None:
            return self.filter(tenant_id=city)
        return self if role_of(user) == Role.SUPERVISOR else self.none()

    def valid_on(self, day: dt.date) -> MeasureQuerySet:
        return self.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))

    def for_firm(self, firm: Firm) -> MeasureQuerySet:
        """The measures the firm qualifies for: every condition a measure names is met (its credit levels,
        its score band, both ends included). A firm without a level or a score meets no such condition."""
        level = Q(levels="")
        if firm.credit_level:
            level |= Q(levels__contains=firm.credit_level)
        band = Q(score_min__isnull=True, score_max__isnull=True)
        if firm.score is not None:
            band |= (Q(score_min__isnull=True) | Q(score_min__lte=firm.score)) & (
                Q(score_max__isnull=True) | Q(score_max__gte=firm.score)
            )
        return self.filter(tenant_id=firm.tenant_id).filter(level).filter(band)


class Measure(models.Model):
    """A 榴花分 incentive measure: who grants it, what it gives, who qualifies, when it is valid.
    Qualification is by credit levels (`levels`, e.g. "AB"), by a score band, or both."""

    tenant = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="所属城市")
    code = models.CharField("措施编号", max_length=30)
    name = models.CharField("措施名称", max_length=120)
    department = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="实施部门")
    benefit = models.CharField("激励内容", max_length=300)
    levels = models.CharField("适用信用等级", max_length=4, blank=True)
    score_min = models.DecimalField("榴花分下限", max_digits=7, decimal_places=2, null=True, blank=True)
    score_max = models.DecimalField("榴花分上限", max_digits=7, decimal_places=2, null=True, blank=True)
    starts_on = models.DateField("生效日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    sample = models.BooleanField("示例数据", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["code", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "code"], name="firms_measure_city_code")
        ]
        verbose_name = "激励措施"
        verbose_name_plural = "激励措施"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def levels_text(self) -> str:
        return "、".join(self.levels)

    @property
    def band_text(self) -> str:
        if self.score_min is None and self.score_max is None:
            return ""
        low = f"{num(self.score_min)}分" if self.score_min is not None else ""
        high = f"{num(self.score_max)}分" if self.score_max is not None else ""
        if low and high:
            return f"{low}至{high}"
        return f"{low}及以上" if low else f"{high}及以下"

    def qualifies(self, firm: Firm) -> bool:
        """The same rule as MeasureQuerySet.for_firm, for one measure in hand."""
        if self.levels and (not firm.credit_level or firm.credit_level not in self.levels):
            return False
        if self.score_min is not None or self.score_max is not None:
            if firm.score is None:
                return False
            if self.score_min is not None and firm.score < self.score_min:
                return False
            if self.score_max is not None and firm.score > self.score_max:
                return False
        return True

    def valid(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def num(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


class Application(models.Model):
    """One measure applied to one firm: who, when, with what note. Append-only: never changed or
    deleted (a mistake is answered by a new entry that says so)."""

    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="applications", verbose_name="企业")
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="applications", verbose_name="激励措施"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="经办人"
    )
    applied_at = models.DateTimeField("兑现时间")
    note = models.CharField("兑现说明", max_length=300, blank=True)
    sample = models.BooleanField("示例数据", default=False)

    class Meta:
        ordering: ClassVar = ["-applied_at", "-id"]
        verbose_name = "措施兑现记录"
        verbose_name_plural = "措施兑现记录"

    def __str__(self) -> str:
        return f"{self.firm_id}←{self.measure_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("措施兑现记录只能新增，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("措施兑现记录只能新增，不能删除")
