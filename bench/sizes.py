"""The sizes of the synthetic data sets: a province (the full run), a small city, and the quick run's."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

YEAR = 2025  # the data year: fixed, so a run does not depend on today's date


@dataclass(frozen=True)
class Sizes:
    name: str
    cities: int
    districts_per_city: int
    projects: int
    report_months: int
    tasks: int
    milestones_per_task: int
    cases: int
    indicator_periods: int  # months of indicator values, ending December of YEAR
    departments_per_city: int = 12
    seed: int = 20251

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["reports"] = self.projects * self.report_months
        data["milestones"] = self.tasks * self.milestones_per_task
        data["indicator_values"] = 15 * 16 * self.indicator_periods
        return data


# The province: 16 cities x 7 districts, 30,000 projects, 12 months of reports (360,000),
# 2,000 tasks with milestones, 50,000 problems, 15 indicators x 16 cities x 24 periods.
PROVINCE = Sizes("province", 16, 7, 30_000, 12, 2_000, 4, 50_000, 24)
# The small city: one city of 7 districts and 500 projects, everything else in proportion.
CITY = Sizes("city", 1, 7, 500, 12, 34, 4, 834, 24)
# bench-quick's large set: the same shape as the province at a third of the size, so the
# 500-vs-large comparisons still span a factor of 20 while the whole run stays under five minutes.
QUICK_PROVINCE = Sizes("province-quick", 16, 7, 10_000, 12, 667, 4, 16_667, 24)

# bench-smoke: every phase on tiny sets (two cities of 60 projects against one of 30), in seconds, so a
# change that breaks a phase fails `make test`. Its figures prove that the phases run, nothing else.
SMOKE_CITY = Sizes("smoke-city", 1, 2, 30, 3, 4, 2, 20, 2)
SMOKE_PROVINCE = Sizes("smoke-province", 2, 2, 60, 3, 6, 2, 30, 2)

IMPORT_ROWS = 10_000
EXPORT_ROWS = 100_000
QUICK_EXPORT_ROWS = 20_000
SMOKE_IMPORT_ROWS = 50
SMOKE_EXPORT_ROWS = 150
