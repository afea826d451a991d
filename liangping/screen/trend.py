"""The screen's trend lines: investment completion against time progress and the blue / yellow / red
project counts, one point per published period up to the screen's own, all from published snapshots.

Two queries whatever the number of periods and projects (the current snapshots of the published
periods with their rule sets, then their project items); the screen caches the result with its data.
"""

from __future__ import annotations

from typing import Any

from liangping.core.models import Period, PeriodStatus
from liangping.grading.models import ItemKind, Snapshot, SnapshotItem
from liangping.grading.rules import time_progress_on, with_defaults
from liangping.screen.figures import Tally, exact, fixed


def trend(upto: Period) -> list[dict[str, Any]]:
    """One point per published period of the same tenant not later than `upto`, oldest first (a month
    and a quarter ending together both appear, the month first)."""
    current: dict[int, Snapshot] = {}
    for snap in (
        Snapshot.objects.filter(
            period__status=PeriodStatus.PUBLISHED, period__in=Period.objects.for_tenant(upto.tenant_id)
        )
        .select_related("period", "ruleset")
        .order_by("period_id", "version")
    ):
        current[snap.period_id] = snap  # the highest version wins
    kinds = {"month": 0, "quarter": 1}
    snaps = sorted(
        (s for s in current.values() if (s.period.year, s.period.month) <= (upto.year, upto.month)),
        key=lambda s: (s.period.year, s.period.month, kinds.get(s.period.kind, 9)),
    )
    tallies = {s.pk: Tally() for s in snaps}
    items = SnapshotItem.objects.filter(snapshot_id__in=list(tallies), kind=ItemKind.PROJECT)
    for snapshot_id, grade, figures in items.values_list("snapshot_id", "grade", "figures"):
        tallies[snapshot_id].add(grade, figures)
    out = []
    for s in snaps:
        tp = time_progress_on(s.period.end, with_defaults(s.ruleset.rules))
        t = tallies[s.pk]
        completion = t.completion
        out.append(
            {
                "period": s.period.code,
                "label": s.period.label,
                "completion": exact(completion),
                "completion_text": fixed(completion),
                "time_progress": exact(tp),
                "time_progress_text": fixed(tp),
                "blue": t.counts["blue"],
                "yellow": t.counts["yellow"],
                "red": t.counts["red"],
            }
        )
    return out
