"""Which period a grading page opens on when the address names none: the latest one with data.

The board, the unit scores and the summons list open on the latest locked or published period (a
month before the quarter ending with it); the ranking on the latest window with indicator values,
as that window's locked period when there is one. Only without any data do they fall back to the
month that ended most recently.
"""

from __future__ import annotations

from liangping.core.models import Period, PeriodKind, PeriodStatus
from liangping.core.periods import period_code
from liangping.core.tenancy import INSTALLATION, TenantArg, resolve
from liangping.grading.queries import default_period_code
from liangping.indicators.models import IndicatorValue

LOCKED = (PeriodStatus.LOCKED, PeriodStatus.PUBLISHED)


def latest_locked_code(tenant: TenantArg = INSTALLATION) -> str:
    periods = Period.objects.for_tenant(resolve(tenant))
    latest = periods.filter(status__in=LOCKED).order_by("-year", "-month", "kind").first()
    return latest.code if latest else default_period_code()


def latest_ranked_code(tenant: TenantArg = INSTALLATION) -> str:
    city = resolve(tenant)
    window = IndicatorValue.objects.order_by("-year", "-month").values_list("year", "month").first()
    if window is None:
        return latest_locked_code(city)
    year, month = window
    periods = Period.objects.for_tenant(city)
    locked = periods.filter(year=year, month=month, status__in=LOCKED).order_by("kind").first()
    return locked.code if locked else period_code(PeriodKind.MONTH, year, month)


def ranked_windows(limit: int = 36, tenant: TenantArg = INSTALLATION) -> list[Period]:
    """The periods the ranking can show, newest first: every stored period, and every window with
    indicator values that has none (as an unsaved open month), so no ranking is reachable only by
    typing its code."""
    city = resolve(tenant)
    stored = list(Period.objects.for_tenant(city)[:limit])
    have = {(p.year, p.month) for p in stored}
    windows = IndicatorValue.objects.order_by("-year", "-month").values_list("year", "month").distinct()
    extra = [Period.build(PeriodKind.MONTH, y, m, city) for y, m in windows[:limit] if (y, m) not in have]
    return sorted(stored + extra, key=lambda p: (p.year, p.month, p.kind != PeriodKind.MONTH), reverse=True)[
        :limit
    ]
