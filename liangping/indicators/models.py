"""The main economic indicators, the 16 cities of Shandong and their values per period (DOMAIN §8)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class City(models.Model):
    name = models.CharField("城市", max_length=20, unique=True)
    aliases = models.CharField("别名（逗号分隔）", max_length=100, blank=True)
    is_home = models.BooleanField("本市", default=False)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering: ClassVar = ["sort", "id"]
        verbose_name = "城市"
        verbose_name_plural = "城市"

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class RankBy(models.TextChoices):
    GROWTH = "growth", "按增速"
    VALUE = "value", "按总量"


class Indicator(models.Model):
    name = models.CharField("指标名称", max_length=60, unique=True)
    synonyms = models.CharField("同义名称（逗号分隔）", max_length=200, blank=True)
    unit = models.CharField("数值单位", max_length=20, blank=True)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    rank_by = models.CharField("排名依据", max_length=10, choices=RankBy.choices, default=RankBy.GROWTH)
    cumulative = models.BooleanField(
        "累计值",
        default=True,
        help_text="从年初累计的数（如地区生产总值）在同一年内不应下降；余额类指标不勾选",
    )
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering: ClassVar = ["sort", "id"]
        verbose_name = "指标"
        verbose_name_plural = "指标"

    def __str__(self) -> str:
        return self.name

    @property
    def ranks_by_value(self) -> bool:
        return self.rank_by == RankBy.VALUE

    def synonym_list(self) -> list[str]:
        return [s.strip() for s in self.synonyms.replace("，", ",").split(",") if s.strip()]


class IndicatorValueQuerySet(models.QuerySet["IndicatorValue"]):
    def at(self, year: int, month: int) -> IndicatorValueQuerySet:
        return self.filter(year=year, month=month)


class IndicatorValue(models.Model):
    """A city's value of an indicator for the cumulative window January → `month` of `year` (1-6月 → 6)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField("年份")
    month = models.PositiveSmallIntegerField("截至月份")
    value = models.DecimalField("数值", max_digits=20, decimal_places=6, null=True, blank=True)
    growth = models.DecimalField("增速（%）", max_digits=10, decimal_places=4, null=True, blank=True)
    # The rank the bureau's table gives (位次), and whether it wins over the computed one (the person
    # importing said so): see services.ranking.
    file_rank = models.PositiveSmallIntegerField("文件中的位次", null=True, blank=True)
    file_rank_wins = models.BooleanField("采用文件位次", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["indicator", "-year", "-month", "city"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["indicator", "city", "year", "month"], name="indicator_value_unique"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["year", "month"])]
        verbose_name = "指标数据"
        verbose_name_plural = "指标数据"

    def __str__(self) -> str:
        return f"{self.indicator} {self.city} {self.year}年1-{self.month}月"


class DistrictValueQuerySet(models.QuerySet["DistrictValue"]):
    def at(self, year: int, month: int) -> DistrictValueQuerySet:
        return self.filter(year=year, month=month)


class DistrictValue(models.Model):
    """A district's or county's (区（市）, 开发区) value of an indicator for January → `month` of `year`:
    the city's internal ranking. Places are the org tree's districts."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="district_values")
    place = models.ForeignKey(
        "core.Org", on_delete=models.PROTECT, related_name="indicator_values", verbose_name="区（市）"
    )
    year = models.PositiveSmallIntegerField("年份")
    month = models.PositiveSmallIntegerField("截至月份")
    value = models.DecimalField("数值", max_digits=20, decimal_places=6, null=True, blank=True)
    growth = models.DecimalField("增速（%）", max_digits=10, decimal_places=4, null=True, blank=True)
    file_rank = models.PositiveSmallIntegerField("文件中的位次", null=True, blank=True)
    file_rank_wins = models.BooleanField("采用文件位次", default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DistrictValueQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["indicator", "-year", "-month", "place"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["indicator", "place", "year", "month"], name="district_value_unique"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["year", "month"])]
        verbose_name = "区（市）指标数据"
        verbose_name_plural = "区（市）指标数据"

    def __str__(self) -> str:
        return f"{self.indicator} {self.place} {self.year}年1-{self.month}月"
