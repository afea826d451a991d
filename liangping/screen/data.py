"""The plain data of a published snapshot: what the public screen draws and the disclosure prints.

Only published periods are read, and only from their frozen snapshot: never live grades, never a
locked-but-unpublished or open period, whatever a caller asks. `snapshot_data(snapshot)` is the one
function both the screen and the disclosure build on, so their numbers agree by construction.
Queries are constant whatever the number of projects; the result is cached per snapshot.
The data is public: it names everything by its natural key (项目编号 and task codes, indicator, org and
unit names, the period code and the snapshot's version), never by a database id.
"""

from __future__ import annotations

import functools
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from liangping.core.models import Org, OrgKind, Period, PeriodStatus
from liangping.core.periods import PeriodCodeError, parse_period_code, period_label
from liangping.core.tenancy import INSTALLATION, TenantArg, resolve
from liangping.grading import queries, services
from liangping.grading.models import ItemKind, Snapshot
from liangping.grading.rules import NONE, consecutive_red, summons_phrase, time_progress_on, with_defaults
from liangping.screen.figures import (
    CARD_LABELS,
    GRADE_KEYS,
    Tally,
    dec,
    distance_text,
    exact,
    fixed,
    grade_label,
    points,
)
from liangping.screen.trend import trend

SCHEMA = 5  # bump when the shape of the data changes: old cache entries and ETags then miss
CACHE_SECONDS = 24 * 3600
SCREEN_LIST_MAX = 100  # rows of each list the lobby screen rotates through
NOT_PUBLISHED: dict[str, Any] = {"published": False}
# what the public may see of the summons list: names and reasons, never internal account ids
SUMMONS_FIELDS = ("code", "name", "leader", "department", "district", "reason", "previous_period")


class NotPublished(LookupError):
    """The period is unknown or not published; the message is for people."""


@functools.cache
def _latest_sql(vendor: str, installation: bool) -> str:
    """The ORM's query below, written out once per database vendor: on the public endpoint's hot
    path, compiling the ORM query costs ten times as much as running it. The periods are the
    tenant's (a parameter: a city's id, 0 for the province), or with `installation` the installation's
    city's, worked out inside the same query (its only city, else the province: core.tenancy)."""
    s, p, o = Snapshot._meta, Period._meta, Org._meta
    col = lambda meta, name: connection.ops.quote_name(meta.get_field(name).column)  # noqa: E731
    period_table = connection.ops.quote_name(p.db_table)
    org_table = connection.ops.quote_name(o.db_table)
    tenant = (
        f"(SELECT CASE WHEN COUNT(*) = 1 THEN MIN({col(o, 'id')}) ELSE 0 END FROM {org_table} "
        f"WHERE {col(o, 'kind')} = 'city')"
        if installation
        else "%s"
    )
    mine = f"COALESCE({col(p, 'tenant')}, 0) = {tenant}"
    # how many of the tenant's periods are published and when the last was: a period before the latest
    # reopened or published again changes them, and with them the ETag (the trend lines run over all)
    published = (
        f"(SELECT COUNT(*) FROM {period_table} WHERE {col(p, 'status')} = %s AND {mine}) AS published_count, "
        f"(SELECT MAX({col(p, 'published_at')}) FROM {period_table} "
        f"WHERE {col(p, 'status')} = %s AND {mine}) AS published_last "
    )
    mine_p = f"COALESCE(p.{col(p, 'tenant')}, 0) = {tenant}"
    return (
        f"SELECT s.{col(s, 'id')}, s.{col(s, 'version')}, s.{col(s, 'created_at')}, s.{col(s, 'period')}, "
        f"{published}"
        f"FROM {connection.ops.quote_name(s.db_table)} s "
        f"JOIN {connection.ops.quote_name(p.db_table)} p ON p.{col(p, 'id')} = s.{col(s, 'period')} "
        f"WHERE p.{col(p, 'status')} = %s AND {mine_p} "
        f"ORDER BY p.{col(p, 'year')} DESC, p.{col(p, 'month')} DESC, p.{col(p, 'published_at')} DESC, "
        f"p.{col(p, 'id')} DESC, s.{col(s, 'version')} DESC LIMIT 1"
    )


def latest_published_snapshot(tenant: TenantArg = INSTALLATION) -> Snapshot | None:
    """The current snapshot of the tenant's published period with the greatest (year, month), the most
    recently published on a tie of a month and a quarter: one query (the period loads lazily), the
    same as
    Snapshot.objects.filter(period__status="published", period__tenant=tenant)
        .order_by("-period__year", "-period__month", "-period__published_at", "-period__id", "-version")
        .first()
    The default is the installation's city (its only city, else the province)."""
    status = PeriodStatus.PUBLISHED.value
    if isinstance(tenant, int) or tenant is None:
        mine = tenant or 0
        sql = _latest_sql(connection.vendor, False)
        params: list[Any] = [status, mine, status, mine, status, mine]
    else:
        sql, params = _latest_sql(connection.vendor, True), [status, status, status]
    found = list(Snapshot.objects.raw(sql, params))
    return found[0] if found else None


def published_snapshot(code: str, tenant: TenantArg = INSTALLATION) -> Snapshot:
    """The snapshot of a tenant's published period named by its code (2026Q3, 2026-09, 2026年第三季度)."""
    try:
        kind, year, month = parse_period_code(code)
    except PeriodCodeError as exc:
        raise NotPublished(str(exc)) from exc
    periods = Period.objects.for_tenant(resolve(tenant))
    snap = (
        Snapshot.objects.filter(period__in=periods, period__kind=kind, period__year=year, period__month=month)
        .select_related("period")
        .order_by("-version")
        .first()
    )
    if snap is None or snap.period.status != PeriodStatus.PUBLISHED:
        raise NotPublished(f"{period_label(kind, year, month)}尚未发布：只有已发布考核期的数据可以公开")
    return snap


def etag_for(snapshot: Snapshot | None) -> str:
    """A strong ETag: a hash of the snapshot id and version, salted with the data schema and the
    snapshot's creation time (so a rebuilt database never matches an old tag or cache entry)."""
    key = (
        "none" if snapshot is None else f"{snapshot.pk}:{snapshot.version}:{snapshot.created_at.timestamp()}"
    )
    published = getattr(snapshot, "published_count", None), getattr(snapshot, "published_last", None)
    if published != (None, None):
        key += f":{published[0]}:{published[1]}"
    return '"' + hashlib.sha256(f"screen:{SCHEMA}:{key}".encode()).hexdigest()[:32] + '"'


def _iso(value: Any) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


def _as_of(snapshot: Snapshot) -> dict[str, Any]:
    period = snapshot.period
    locked = timezone.localtime(snapshot.created_at)
    published = timezone.localtime(period.published_at) if period.published_at else None
    when = f"{published:%Y-%m-%d %H:%M} 发布" if published else f"{locked:%Y-%m-%d %H:%M} 锁定"
    text = f"{period.label}（{when}）"
    end = period.end
    return {
        # the day the figures run to, said outright (数据截至 2026年9月30日), beside when they were published
        "cutoff": end.isoformat(),
        "cutoff_text": f"{end.year}年{end.month}月{end.day}日",
        "when": when,
        "period": period.code,
        "label": period.label,
        "kind": period.kind,
        "version": snapshot.version,
        "locked_at": _iso(snapshot.created_at),
        "published_at": _iso(period.published_at),
        "text": text,
    }


def _project_row(code: str, name: str, district: str, department: str, leader: str, reason: str,
                 figures: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    completion, gap = dec(figures.get("completion")), dec(figures.get("gap"))
    return {
        "code": code,
        "name": name,
        "district": district,
        "department": department,
        "leader": leader,
        "reason": reason,
        "completion": fixed(completion),
        "gap": points(gap),
    }


def _projects(snapshot: Snapshot, tp: Decimal) -> dict[str, Any]:
    """Overview sums, the district breakdown and the red and yellow lists: one query for the items,
    one for the order of the districts."""
    overall = Tally()
    by_district: dict[str, Tally] = {}
    lists: dict[str, list[tuple[Decimal, dict[str, Any]]]] = {"red": [], "yellow": []}
    for code, name, district, department, leader, grade, reason, figures in snapshot.items.filter(
        kind=ItemKind.PROJECT
    ).values_list("code", "name", "district", "department", "leader", "grade", "reason", "figures"):
        overall.add(grade, figures)
        by_district.setdefault(district or "未填写", Tally()).add(grade, figures)
        if grade in lists:
            gap = dec(figures.get("gap"))
            row = _project_row(code, name, district, department, leader, reason, figures)
            lists[grade].append((gap if gap is not None else Decimal(0), row))
    places = Org.objects.filter(kind=OrgKind.DISTRICT)
    if snapshot.period.tenant_id is not None:
        places = places.filter(tenant_id=snapshot.period.tenant_id)
    order = {n: i for i, n in enumerate(places.values_list("name", flat=True))}
    districts = []
    for name in sorted(by_district, key=lambda n: (order.get(n, len(order)), n)):
        data = by_district[name].as_data(tp)
        districts.append({"name": name, **data})
    return {
        "overview": overall.as_data(tp),
        "districts": districts,
        # the furthest behind first; ties by project code
        "red": [row for _gap, row in sorted(lists["red"], key=lambda x: (x[0], x[1]["code"]))],
        "yellow": [row for _gap, row in sorted(lists["yellow"], key=lambda x: (x[0], x[1]["code"]))],
    }


def _tasks(snapshot: Snapshot) -> dict[str, Any]:
    counts = dict.fromkeys(GRADE_KEYS, 0)
    rows = []
    order = {"red": 0, "yellow": 1, "blue": 2, NONE: 3}
    items = snapshot.items.filter(kind=ItemKind.TASK).values_list(
        "code", "name", "grade", "reason", "leader", "department", "figures"
    )
    for code, name, grade, reason, leader, department, figures in sorted(
        items, key=lambda i: (order.get(i[2], 9), i[0])
    ):
        counts[grade if grade in counts else NONE] += 1
        rows.append(
            {
                "code": code,
                "name": name,
                "grade": grade,
                "card": CARD_LABELS.get(grade, ""),
                "reason": reason,
                "leader": leader,
                "department": department,
                "completion": fixed(dec(figures.get("completion"))),
            }
        )
    return {"counts": {**counts, "total": len(rows)}, "rows": rows}


def _ranking(snapshot: Snapshot) -> dict[str, Any]:
    boards, _provisional = queries.ranking_board(snapshot.period)
    indicators: list[dict[str, Any]] = []
    city = ""
    for b in boards:
        home = b.home
        if home is None:
            continue
        city = home.city
        indicators.append(
            {
                "name": b.name,
                "unit": b.unit,
                "growth": exact(home.growth),
                "growth_text": fixed(home.growth, Decimal("0.1")),
                "rank": home.rank,
                "prev_rank": home.prev_rank,
                "change": home.change,
                "change_card": home.change_card,
                "grade": home.grade,
                "card": CARD_LABELS.get(home.grade, ""),
                "grade_label": grade_label(home.grade),
                "cities": len(b.rows),
                "distances": {str(k): exact(v) for k, v in sorted(b.distances.items(), reverse=True)},
                "distance_text": {
                    str(k): distance_text(v) for k, v in sorted(b.distances.items(), reverse=True)
                },
            }
        )
    ranks: list[int] = [i["rank"] for i in indicators]
    changes: list[int] = [i["change"] or 0 for i in indicators]
    return {
        "city": city,
        "indicators": indicators,
        "count": len(indicators),
        "top10": sum(1 for r in ranks if r <= 10),
        "top5": sum(1 for r in ranks if r <= 5),
        "top3": sum(1 for r in ranks if r <= 3),
        "up": sum(1 for c in changes if c > 0),
        "down": sum(1 for c in changes if c < 0),
    }


def _units(snapshot: Snapshot) -> dict[str, Any]:
    districts, departments, _provisional = queries.unit_board(snapshot.period)

    def rows(units: list[queries.UnitRow]) -> list[dict[str, Any]]:
        return [
            {
                "name": u.name,
                "score": exact(u.score),
                "score_text": fixed(u.score),
                "rank": u.rank,
                "prev_rank": u.prev_rank,
                "change": None if u.rank is None or u.prev_rank is None else u.prev_rank - u.rank,
                "change_card": u.change_card,
                "blue": u.blue,
                "yellow": u.yellow,
                "red": u.red,
                "graded": u.graded,
            }
            for u in units
        ]

    return {"districts": rows(districts), "departments": rows(departments)}


def snapshot_data(snapshot: Snapshot) -> dict[str, Any]:
    """Everything the screen and the disclosure show of one snapshot, as JSON-able plain data.

    The snapshot must be its period's current version (a published period's always is): the
    ranking and the unit scores are read through the grading queries, which read that version."""
    period = snapshot.period
    current = services.current_snapshot(period)
    if current is None or current.pk != snapshot.pk:
        raise ValueError(f"{snapshot} 不是{period.label}的当前快照")
    # the time progress the snapshot's own rule set graded with (month or day mode)
    tp = time_progress_on(period.end, with_defaults(snapshot.ruleset.rules))
    projects = _projects(snapshot, tp)
    tasks = _tasks(snapshot)
    ranking = _ranking(snapshot)
    consecutive = consecutive_red(snapshot.ruleset.rules)
    overview = projects["overview"]
    overview["tasks"] = tasks["counts"]
    overview["indicators"] = {k: ranking[k] for k in ("count", "top10", "top5", "top3", "up", "down")}
    return {
        "published": True,
        "schema": SCHEMA,
        "title": f"{period.label}重点工作进展情况",
        "city": ranking["city"],
        "as_of": _as_of(snapshot),
        # rule S thresholds of the rule set that graded the snapshot: the charts colour gaps with them
        "progress_rule": {k: str(v) for k, v in snapshot.ruleset.rules.get("progress", {}).items()},
        "overview": overview,
        "districts": projects["districts"],
        "red": projects["red"],
        "yellow": projects["yellow"],
        "tasks": tasks,
        "ranking": ranking,
        "units": _units(snapshot),
        "summons": [{k: row.get(k, "") for k in SUMMONS_FIELDS} for row in services.summons_list(period)],
        # the summons rule of the rule set that graded the snapshot: how many red periods in a row
        "summons_rule": {"consecutive_red": consecutive, "label": summons_phrase(consecutive)},
        # 政务服务, frozen at the lock (aggregates only); None for a snapshot locked without them
        "services": current.summary.get("services"),
    }


def body_for(snapshot: Snapshot | None) -> bytes:
    """The JSON body of a snapshot's data, cached per snapshot version (bytes: cheap to read back)."""
    if snapshot is None:
        return json.dumps(NOT_PUBLISHED).encode()
    key = f"screen:body:{etag_for(snapshot)}"
    body = cache.get(key)
    if body is None:
        body = json.dumps(snapshot_data(snapshot), ensure_ascii=False, separators=(",", ":")).encode()
        cache.set(key, body, CACHE_SECONDS)
    return body


def screen_lists(data: dict[str, Any]) -> dict[str, Any]:
    """The lobby screen's share of the data: the red and yellow lists (furthest behind first), the
    summons list and the task rows (red first) cut to their first SCREEN_LIST_MAX rows, with the full
    lengths as *_total (tasks: tasks.counts.total). A
    province-sized ledger made the complete lists megabytes per poll; the disclosure keeps them whole."""
    if not data.get("published"):
        return data
    out = dict(data)
    for key in ("red", "yellow", "summons"):
        out[f"{key}_total"] = len(data[key])
        out[key] = data[key][:SCREEN_LIST_MAX]
    # tasks come red first; their full count is tasks.counts.total
    out["tasks"] = {**data["tasks"], "rows": data["tasks"]["rows"][:SCREEN_LIST_MAX]}
    return out


def screen_body_for(snapshot: Snapshot | None) -> bytes:
    """The JSON body the screen polls: `screen_lists` of the snapshot's data, cached per snapshot."""
    if snapshot is None:
        return json.dumps(NOT_PUBLISHED).encode()
    key = f"screen:lists:{etag_for(snapshot)}"
    body = cache.get(key)
    if body is None:
        data = screen_lists(json.loads(body_for(snapshot)))
        data["trend"] = trend(snapshot.period)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        cache.set(key, body, CACHE_SECONDS)
    return body


def payload_for(snapshot: Snapshot | None) -> tuple[dict[str, Any], bytes]:
    """(data, JSON body) of a snapshot; the data is read back from the body, so the page, the endpoint
    and the disclosure hold exactly the same thing. {"published": false} for None."""
    body = body_for(snapshot)
    return json.loads(body), body


def screen_data(tenant: TenantArg = INSTALLATION) -> dict[str, Any]:
    """The tenant's latest published snapshot's screen data (`screen_lists`), or {"published": False}
    when nothing is published. Warm, this costs one query (which snapshot is the latest) and one cache
    read."""
    return screen_data_of(latest_published_snapshot(tenant))


def screen_data_of(snapshot: Snapshot | None) -> dict[str, Any]:
    """`screen_data` of a snapshot already found (None: nothing published)."""
    return json.loads(screen_body_for(snapshot))
