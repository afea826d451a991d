"""The chain map as plain data: one function computes it, and the chain page, its ECharts map, the JSON
endpoint, the firm export and the yearly snapshot all read what it returns.

Queries are constant whatever the number of firms: aggregates per segment and measure are computed by
the database; each segment lists at most `firm_limit` firms (the largest by output), the rest are on
the firm list page. Figures are exact decimals rendered as text (never floats).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber

from liangping.chains.models import (
    ZONE_ORDER,
    Capacity,
    Chain,
    ChainSnapshot,
    Firm,
    FirmSegment,
    Goal,
    Lead,
    Measure,
    ProjectLink,
    Segment,
    Zone,
    ZoneKind,
)
from liangping.core.scope import AnyUser
from liangping.core.tenancy import TenantArg, installation_city_subquery
from liangping.projects.extensions import GRADE, annotate_grades, grade_label
from liangping.projects.models import Project, Stage

FIRM_LIMIT = 60
WAN_PER_YI = Decimal(10000)
DONE_STAGES = (Stage.OPERATING, Stage.COUNTED)  # 投产: their capacity is the firms' now
STAGE_LABELS = dict(Stage.choices)


def num(value: Decimal | int | None, places: str = "0.01") -> str | None:
    """Exact text without trailing zeros: 16, 5.5, 0.25; None stays None."""
    if value is None:
        return None
    q = Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)
    text = format(q.normalize(), "f")
    return text


def yi(wan: Decimal | None) -> str | None:
    """万元 → 亿元 text, two decimals at most."""
    return None if wan is None else num(Decimal(wan) / WAN_PER_YI)


def layout_label(kinds: list[str]) -> str:
    """「1+3+3」 from the zones: how many of each kind, in the order core, support, coordinated."""
    counts = [kinds.count(k) for k in ZONE_ORDER]
    while counts and counts[-1] == 0:
        counts.pop()
    return "+".join(str(c) for c in counts)


def chain_map(
    chain: Chain, user: AnyUser | None, *, firm_limit: int = FIRM_LIMIT, internal: bool = True
) -> dict[str, Any]:
    """Everything the chain page shows. `user` scopes the linked projects (a project outside the user's
    ledger scope is counted in the capacity under construction but not named); `internal` False leaves
    out what is not public: internal firms' names, firm output values, 招商 leads, project grades."""
    segments = list(Segment.objects.filter(chain=chain).order_by("position", "id"))
    measures = list(Measure.objects.filter(segment__chain=chain).order_by("segment__position", "id"))
    seg_stats: dict[int, dict[str, Any]] = {
        row["segment"]: dict(row)
        for row in FirmSegment.objects.filter(segment__chain=chain)
        .values("segment")
        .annotate(
            firms=Count("firm"), output=Sum("firm__output"), key=Count("firm", filter=Q(firm__key=True))
        )
        .order_by()
    }
    cap_sums: dict[int, dict[str, Any]] = {
        row["measure"]: dict(row)
        for row in Capacity.objects.filter(measure__segment__chain=chain)
        .values("measure")
        .annotate(total=Sum("value"), firms=Count("firm"))
        .order_by()
    }
    totals = Firm.objects.of_chain(chain).aggregate(
        firms=Count("id"),
        output=Sum("output"),
        platforms=Sum("platforms"),
        patents=Sum("patents"),
        above_scale=Count("id", filter=Q(above_scale=True)),
        key=Count("id", filter=Q(key=True)),
        internal=Count("id", filter=Q(internal=True)),
    )
    top = list(
        FirmSegment.objects.filter(segment__chain=chain, **({} if internal else {"firm__internal": False}))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("segment")],
                order_by=[F("firm__output").desc(nulls_last=True), F("firm__name").asc(), F("firm_id").asc()],
            )
        )
        .filter(rank__lte=firm_limit)
        .select_related("firm", "firm__district")
    )
    shown_ids = {fs.firm_id for fs in top}
    firm_caps: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for firm_id, measure_id, value in Capacity.objects.filter(
        firm__in=shown_ids, measure__segment__chain=chain
    ).values_list("firm", "measure", "value"):
        firm_caps[firm_id].append((measure_id, value))
    links = list(
        ProjectLink.objects.filter(segment__chain=chain).select_related(
            "project", "project__district", "measure"
        )
    )
    link_ids = [link.project_id for link in links]
    grades: dict[int, str | None] = {}
    grade_period = ""
    if internal and link_ids:
        graded, grade_period = annotate_grades(Project.objects.filter(pk__in=link_ids))
        grades = dict(graded.values_list("pk", GRADE))
    visible = (
        set(Project.objects.visible_to(user).filter(pk__in=link_ids).values_list("pk", flat=True))
        if user is not None and link_ids
        else set(link_ids)
    )
    leads = list(Lead.objects.filter(segment__chain=chain).select_related("department")) if internal else []
    zones = list(Zone.objects.filter(chain=chain).select_related("district"))
    goals = list(Goal.objects.filter(chain=chain).order_by("year"))
    anchors = list(chain.anchors.order_by("name").values_list("name", flat=True))

    measures_of: dict[int, list[Measure]] = defaultdict(list)
    for m in measures:
        measures_of[m.segment_id].append(m)
    building: dict[int, Decimal] = defaultdict(Decimal)
    for link in links:
        if link.measure_id and link.capacity is not None and link.project.stage not in DONE_STAGES:
            building[link.measure_id] += link.capacity

    firms: dict[str, dict[str, Any]] = {}
    seg_firms: dict[int, list[str]] = defaultdict(list)
    measure_by_id = {m.pk: m for m in measures}
    for fs in top:
        f = fs.firm
        key = str(f.pk)
        seg_firms[fs.segment_id].append(key)
        if key in firms:
            continue
        firms[key] = {
            "id": f.pk,
            "name": f.name,
            "credit_code": f.credit_code if internal else None,
            "district": f.district.name if f.district else "",
            "output_yi": yi(f.output) if internal else None,
            "platforms": f.platforms,
            "patents": f.patents,
            "above_scale": f.above_scale,
            "key": f.key,
            "internal": f.internal,
            "sample": f.sample,
            "capacities": [
                {"measure": measure_by_id[m].name, "unit": measure_by_id[m].unit, "value": num(v)}
                for m, v in sorted(firm_caps.get(f.pk, []))
                if m in measure_by_id
            ],
        }

    seg_out = []
    names = {s.pk: s.name for s in segments}
    depth: dict[int, int] = {}
    for s in segments:  # parents come first in a tree built by add_segment; depth by walking up
        d, node, seen = 0, s.parent_id, set()
        parents = {x.pk: x.parent_id for x in segments}
        while node is not None and node not in seen:
            seen.add(node)
            d += 1
            node = parents.get(node)
        depth[s.pk] = d
    for s in segments:
        stats: dict[str, Any] = seg_stats.get(s.pk, {})
        count = stats.get("firms", 0)
        mlist = []
        for m in measures_of.get(s.pk, []):
            now = cap_sums.get(m.pk, {}).get("total")
            now = now if now is not None else Decimal(0)
            gap = (m.target - now) if m.target is not None else None
            mlist.append(
                {
                    "id": m.pk,
                    "name": m.name,
                    "unit": m.unit,
                    "now": num(now),
                    "building": num(building.get(m.pk, Decimal(0))),
                    "firms": cap_sums.get(m.pk, {}).get("firms", 0),
                    "target": num(m.target) if internal else None,
                    "gap": num(gap)
                    if internal and gap is not None and gap > 0
                    else ("0" if internal and gap is not None else None),
                }
            )
        projects = []
        hidden = 0
        for link in links:
            if link.segment_id != s.pk:
                continue
            if link.project_id not in visible:
                hidden += 1
                continue
            p = link.project
            grade = grades.get(p.pk)
            projects.append(
                {
                    "code": p.code,
                    "name": p.name,
                    "district": p.district.name,
                    "stage": STAGE_LABELS.get(p.stage, p.stage),
                    "done": p.stage in DONE_STAGES,
                    "grade": grade or "",
                    "grade_label": grade_label(grade) if grade else "",
                    "measure": link.measure.name if link.measure else "",
                    "capacity": num(link.capacity),
                    "unit": link.measure.unit if link.measure else "",
                    "sample": p.sample,
                    "url_id": p.pk if internal else None,
                    "link_id": link.pk if internal else None,
                }
            )
        tally = [
            {"grade": g, "label": grade_label(g), "n": sum(1 for p in projects if p["grade"] == g)}
            for g in ("red", "yellow", "blue")
        ]
        target_gap = (s.target_firms - count) if s.target_firms is not None else None
        seg_out.append(
            {
                "id": s.pk,
                "name": s.name,
                "parent": names.get(s.parent_id) if s.parent_id else "",
                "parent_id": s.parent_id,
                "depth": depth[s.pk],
                "position": s.position,
                "version": s.version,
                "firm_count": count,
                "key_firms": stats.get("key", 0),
                "output_yi": (yi(stats.get("output")) or "0") if internal else None,
                "target_firms": s.target_firms if internal else None,
                "firm_gap": max(target_gap, 0) if internal and target_gap is not None else None,
                "measures": mlist,
                "firms": seg_firms.get(s.pk, []),
                "more_firms": max(count - len(seg_firms.get(s.pk, [])), 0),
                "projects": projects,
                "hidden_projects": hidden,
                "grade_counts": [t for t in tally if t["n"]] if internal else [],
                "leads": [
                    {
                        "id": lead.pk,
                        "target": lead.target,
                        "department": lead.department.name,
                        "status": lead.get_status_display(),
                        "status_code": lead.status,
                        "note": lead.note,
                        "sample": lead.sample,
                        "version": lead.version,
                    }
                    for lead in leads
                    if lead.segment_id == s.pk
                ],
            }
        )
    output = totals["output"]
    goal_rows = [
        {
            "year": g.year,
            "output_yi": num(g.output),
            "share": num(Decimal(output) / WAN_PER_YI / g.output * 100, "0.1")
            if output and g.output
            else None,
        }
        for g in goals
    ]
    kinds = [z.kind for z in zones]
    summary = {
        "firms": totals["firms"],
        "platforms": totals["platforms"] or 0,
        "patents": totals["patents"] or 0,
        "above_scale": totals["above_scale"],
        "key": totals["key"],
        "output_yi": yi(output) or "0",
        "capacities": [
            {
                "segment": names[m.segment_id],
                "measure": m.name,
                "unit": m.unit,
                "value": num(cap_sums.get(m.pk, {}).get("total") or Decimal(0)),
            }
            for m in measures
        ],
    }
    return {
        "chain": {
            "id": chain.pk,
            "name": chain.name,
            "leader": chain.leader.name if chain.leader else "",
            "anchors": anchors,
            "alliance": chain.alliance,
            "fund": chain.fund,
            "fund_size_yi": num(chain.fund_size),
            "sample": chain.sample,
            "layout": layout_label(kinds),
            "zones": [
                {
                    "kind": z.get_kind_display(),
                    "name": z.name,
                    "district": z.district.name if z.district else "",
                    "sample": z.sample,
                }
                for z in sorted(zones, key=lambda z: (ZONE_ORDER.index(z.kind), z.pk))
            ],
            "zone_kinds": [label for _v, label in ZoneKind.choices],
        },
        "summary": summary,
        "goals": goal_rows,
        "segments": seg_out,
        "firms": firms,
        "grade_period": grade_period,
        "internal": internal,
    }


def public_document(chain: Chain) -> dict[str, Any]:
    """What a yearly snapshot freezes and the public screen may show: figures, public firms' names and
    capacities, the linked projects' names and stages; no grade, firm output, 招商 list or internal firm."""
    data = chain_map(chain, None, firm_limit=10_000, internal=False)
    for firm in data["firms"].values():
        for hidden in ("credit_code", "output_yi", "internal"):
            firm.pop(hidden, None)
    data.pop("grade_period", None)
    for seg in data["segments"]:
        seg.pop("leads", None)
        seg.pop("grade_counts", None)
        for p in seg["projects"]:
            p.pop("url_id", None)
            p.pop("link_id", None)
            p.pop("grade", None)
            p.pop("grade_label", None)
    return data


def comparison(
    chain: Chain, live: dict[str, Any] | None = None, *, published: bool = False
) -> dict[str, Any]:
    """The yearly snapshots side by side (latest version of each year), and the live figures: firms,
    platforms, patents, output and each capacity measure. One query (plus `live`, already computed);
    `published` keeps the published snapshots only."""
    snaps = ChainSnapshot.objects.filter(chain=chain)
    if published:
        snaps = snaps.filter(published_at__isnull=False)
    return compare_snapshots(list(snaps.order_by("year", "version")), live)


def compare_snapshots(snaps: list[ChainSnapshot], live: dict[str, Any] | None = None) -> dict[str, Any]:
    latest: dict[int, ChainSnapshot] = {}
    for snap in snaps:
        latest[snap.year] = snap
    columns = [
        {
            "label": f"{year}年",
            "year": year,
            "version": snap.version,
            "published": snap.published_at is not None,
            "id": snap.pk,
            "summary": snap.data.get("summary", {}),
        }
        for year, snap in sorted(latest.items())
    ]
    if live is not None:
        columns.append(
            {
                "label": "当前",
                "year": None,
                "version": None,
                "published": False,
                "id": None,
                "summary": live["summary"],
            }
        )
    measures: list[tuple[str, str, str]] = []
    for col in columns:
        for cap in col["summary"].get("capacities", []):
            key = (cap["segment"], cap["measure"], cap["unit"])
            if key not in measures:
                measures.append(key)
    rows = [
        {"label": "企业数（家）", "values": [c["summary"].get("firms") for c in columns]},
        {"label": "科研平台（个）", "values": [c["summary"].get("platforms") for c in columns]},
        {"label": "专利（项）", "values": [c["summary"].get("patents") for c in columns]},
        {"label": "规上企业（家）", "values": [c["summary"].get("above_scale") for c in columns]},
        {"label": "产值（亿元）", "values": [c["summary"].get("output_yi") for c in columns]},
    ]
    for segment, measure, unit in measures:
        values = []
        for c in columns:
            caps = c["summary"].get("capacities", [])
            found = next(
                (
                    x["value"]
                    for x in caps
                    if (x["segment"], x["measure"], x["unit"]) == (segment, measure, unit)
                ),
                None,
            )
            values.append(found)
        rows.append({"label": f"{measure}产能（{unit}）", "values": values})
    return {"columns": [{k: v for k, v in c.items() if k != "summary"} for c in columns], "rows": rows}


def published_chains(tenant: TenantArg) -> list[dict[str, Any]]:
    """Every chain of one tenant with a published yearly snapshot: its latest published year's document
    and the comparison of its published years, for the public screen. One query whatever the number of
    chains and years. `tenant`: the city whose chains these are (the chains' tenant key); None: the
    province's own (chains without a city), never every city's; INSTALLATION: the installation's city's
    (core.tenancy), worked out inside the same query."""
    by_chain: dict[int, list[ChainSnapshot]] = defaultdict(list)
    names: dict[int, tuple[int, str]] = {}
    published = ChainSnapshot.objects.filter(published_at__isnull=False)
    if tenant is None:
        published = published.filter(chain__tenant__isnull=True)
    elif isinstance(tenant, int):
        published = published.filter(chain__tenant_id=tenant)
    else:  # the installation's city, or the province's own (0) when there are several cities
        published = published.annotate(owner=Coalesce("chain__tenant_id", 0)).filter(
            owner=Coalesce(installation_city_subquery(), 0)
        )
    for snap in published.select_related("chain").order_by("chain__sort", "chain_id", "year", "version"):
        by_chain[snap.chain_id].append(snap)
        names[snap.chain_id] = (snap.chain.sort, snap.chain.name)
    out = []
    for chain_id, snaps in sorted(by_chain.items(), key=lambda kv: (names[kv[0]], kv[0])):
        latest = snaps[-1]
        for snap in snaps:  # the latest version of the latest year
            if (snap.year, snap.version) > (latest.year, latest.version):
                latest = snap
        out.append(
            {
                "name": names[chain_id][1],
                "year": latest.year,
                "published_at": latest.published_at,
                "data": latest.data,
                "compare": compare_snapshots(snaps),
            }
        )
    return out
