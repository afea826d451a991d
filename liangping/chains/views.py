"""The chain pages: the list of chains, a chain's map page, its data as JSON, its firm list, and the
supervisor's actions (segments, project links, 招商 leads, goals, yearly snapshots)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from liangping.chains import services
from liangping.chains.mapdata import chain_map, comparison, num, public_document, yi
from liangping.chains.models import (
    ZONE_ORDER,
    Capacity,
    Chain,
    ChainSnapshot,
    Firm,
    FirmSegment,
    Lead,
    LeadStatus,
    ProjectLink,
    Segment,
    ZoneKind,
)
from liangping.chains.permissions import CHAIN_ROLES, EDIT_ROLES, chains_for, edits_chains
from liangping.chains.services import ChainError
from liangping.core.access import roles_required
from liangping.core.ids import parse_id
from liangping.core.models import Org, OrgKind, Role, User
from liangping.core.scope import tenant_of
from liangping.projects.models import Project

FIELD_LABELS = {
    "segment": "环节",
    "capacity": "新增产能",
    "unit": "单位",
    "measure": "产能指标",
    "project": "项目编号",
    "target": "目标企业或产品",
    "department": "责任部门",
    "status": "状态",
    "year": "年份",
    "output": "产值目标",
    "parent": "上级环节",
    "position": "次序",
    "target_firms": "目标企业数",
    "version": "版本",
    "name": "名称",
}
PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _chain(request: HttpRequest, pk: int) -> Chain:
    """A chain of the reader's city (another city's: 404)."""
    return get_object_or_404(chains_for(request.user).select_related("leader"), pk=pk)


def _fail(request: HttpRequest, exc: ChainError) -> None:
    label = FIELD_LABELS.get(exc.field.split("_")[0] if exc.field.startswith("target_") else exc.field, "")
    messages.error(request, f"【{label}】{exc}" if label else str(exc))


@roles_required(*CHAIN_ROLES)
def chain_list(request: HttpRequest) -> HttpResponse:
    mine = chains_for(request.user)
    chains = list(mine.select_related("leader").order_by("sort", "id"))
    firms_of: dict[int, dict[int, Decimal]] = {}
    for chain_id, firm_id, output in (
        FirmSegment.objects.filter(segment__chain__in=mine)
        .values_list("segment__chain", "firm", "firm__output")
        .distinct()
        .order_by()
    ):
        firms_of.setdefault(chain_id, {})[firm_id] = output or Decimal(0)
    segs = dict(
        Segment.objects.filter(chain__in=mine)
        .values("chain")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("chain", "n")
    )
    rows = [
        {
            "chain": c,
            "firms": len(firms_of.get(c.pk, {})),
            "segments": segs.get(c.pk, 0),
            "output_yi": yi(sum(firms_of.get(c.pk, {}).values(), Decimal(0))),
        }
        for c in chains
    ]
    return render(request, "chains/list.html", {"rows": rows, "editing": edits_chains(request.user)})


def _detail_context(request: HttpRequest, chain: Chain) -> dict[str, Any]:
    data = chain_map(chain, request.user)
    editing = edits_chains(request.user)
    context: dict[str, Any] = {
        "chain": chain,
        "data": data,
        "compare": comparison(chain, data),
        "editing": editing,
        "lead_statuses": LeadStatus.choices,
        "export_url": reverse("sheets:export", args=["firms"]) + f"?chain={chain.pk}",
    }
    if editing:
        context["departments"] = list(
            Org.objects.filter(kind=OrgKind.DEPARTMENT, tenant_id=chain.tenant_id).order_by("sort", "id")
        )
        context["snapshots"] = list(
            ChainSnapshot.objects.filter(chain=chain).order_by("-year", "-version").defer("data")
        )
    return context


@roles_required(*CHAIN_ROLES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    return render(request, "chains/detail.html", _detail_context(request, chain))


@roles_required(*CHAIN_ROLES)
def data_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The same data the page draws, as JSON (the chain page's API)."""
    chain = _chain(request, pk)
    data = chain_map(chain, request.user)
    return JsonResponse(
        {**data, "compare": comparison(chain, data)}, json_dumps_params={"ensure_ascii": False}
    )


@roles_required(*CHAIN_ROLES)
def firms(request: HttpRequest, pk: int) -> HttpResponse:
    """Every firm of the chain, a page at a time, optionally of one segment (the map lists the largest)."""
    chain = _chain(request, pk)
    qs = Firm.objects.of_chain(chain).select_related("district")
    segment_id = parse_id(request.GET.get("segment"))
    segment = Segment.objects.filter(chain=chain, pk=segment_id).first() if segment_id is not None else None
    if segment is not None:
        qs = qs.filter(links__segment=segment)
    query = (request.GET.get("q") or "").strip()[:60]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(credit_code__icontains=query.upper()))
    page = Paginator(qs.order_by("-output", "name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [f.pk for f in page.object_list]
    segs: dict[int, list[str]] = {}
    for firm_id, name in (
        FirmSegment.objects.filter(firm__in=ids, segment__chain=chain)
        .values_list("firm", "segment__name")
        .order_by("segment__position", "segment_id")
    ):
        segs.setdefault(firm_id, []).append(name)
    caps: dict[int, list[str]] = {}
    from_caps = Capacity.objects.filter(firm__in=ids, measure__segment__chain=chain)
    for firm_id, name, unit, value in from_caps.values_list(
        "firm", "measure__name", "measure__unit", "value"
    ).order_by("measure__segment__position", "measure_id"):
        caps.setdefault(firm_id, []).append(f"{name} {num(value)}{unit}")
    rows = [
        {
            "firm": f,
            "segments": "、".join(segs.get(f.pk, [])),
            "capacities": "；".join(caps.get(f.pk, [])),
            "output_yi": yi(f.output),
        }
        for f in page.object_list
    ]
    return render(
        request,
        "chains/firms.html",
        {
            "chain": chain,
            "page": page,
            "rows": rows,
            "segment": segment,
            "segments": list(Segment.objects.filter(chain=chain).order_by("position", "id")),
            "q": query,
            "export_url": reverse("sheets:export", args=["firms"]) + f"?chain={chain.pk}",
        },
    )


@roles_required(*EDIT_ROLES)
def segment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_object_or_404(
        Segment.objects.filter(chain__in=chains_for(request.user)).select_related("chain"), pk=pk
    )
    measures = list(segment.measures.all())
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "parent": str(segment.parent_id or ""),
        "position": str(segment.position),
        "target_firms": "" if segment.target_firms is None else str(segment.target_firms),
        **{f"target_{m.pk}": "" if m.target is None else num(m.target) for m in measures},
    }
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in values}
        try:
            parent_id = parse_id(values["parent"]) if values["parent"] else None
            if values["parent"] and parent_id is None:
                raise ChainError("请从列表中选择上级环节", "parent")
            if not values["position"].isdigit():
                raise ChainError("次序应为 0—999 的整数", "position")
            target_firms = None
            if values["target_firms"]:
                if not values["target_firms"].isdigit():
                    raise ChainError("目标企业数应为非负整数", "target_firms")
                target_firms = int(values["target_firms"])
            version = parse_id(request.POST.get("version")) or 0
            services.update_segment(
                _actor(request),
                segment,
                parent_id=parent_id,
                position=int(values["position"]),
                target_firms=target_firms,
                targets={m.pk: values[f"target_{m.pk}"] for m in measures},
                expected_version=version,
            )
        except ChainError as exc:
            errors[exc.field or "form"] = str(exc)
        else:
            messages.success(request, f"已保存环节“{segment.name}”")
            return redirect("chains:detail", segment.chain_id)
    others = Segment.objects.filter(chain=segment.chain).exclude(pk=segment.pk).order_by("position", "id")
    return render(
        request,
        "chains/segment.html",
        {
            "segment": segment,
            "measures": [(m, values[f"target_{m.pk}"], errors.get(f"target_{m.pk}", "")) for m in measures],
            "others": others,
            "values": values,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@roles_required(*EDIT_ROLES)
@require_POST
def link_project(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    code = (request.POST.get("project") or "").strip()
    projects = Project.objects.visible_to(request.user).in_city(chain.tenant_id)
    project = projects.filter(code=code).first() if code else None
    try:
        if project is None:
            raise ChainError(
                f"没有项目编号为“{code[:30]}”的重点项目" if code else "请填写项目编号", "project"
            )
        segment_id = request.POST.get("segment")
        if segment_id and not Segment.objects.filter(pk=parse_id(segment_id) or 0, chain=chain).exists():
            raise ChainError("所选环节不属于本产业链", "segment")
        services.link_project(
            _actor(request),
            project,
            segment_id,
            capacity=(request.POST.get("capacity") or "").strip(),
            unit=(request.POST.get("unit") or "").strip(),
            measure_id=(request.POST.get("measure") or "").strip() or None,
        )
    except ChainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"已将“{project.name}”关联到产业链环节")
    return redirect(reverse("chains:detail", args=[chain.pk]) + "#links")


@roles_required(*EDIT_ROLES)
@require_POST
def unlink_project(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(
        ProjectLink.objects.filter(segment__chain__in=chains_for(request.user)).select_related(
            "project", "segment"
        ),
        pk=pk,
    )
    chain_id = link.segment.chain_id
    services.unlink_project(_actor(request), link)
    messages.success(request, f"已取消“{link.project.name}”与“{link.segment.name}”的关联")
    return redirect(reverse("chains:detail", args=[chain_id]) + "#links")


@roles_required(*EDIT_ROLES)
@require_POST
def lead_new(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    segment = Segment.objects.filter(chain=chain, pk=parse_id(request.POST.get("segment")) or 0).first()
    department = Org.objects.filter(
        pk=parse_id(request.POST.get("department")) or 0, tenant_id=chain.tenant_id
    ).first()
    try:
        if segment is None:
            raise ChainError("请选择本产业链的环节", "segment")
        services.add_lead(
            _actor(request),
            segment,
            request.POST.get("target") or "",
            department,
            status=request.POST.get("status") or LeadStatus.TRACKING,
            note=(request.POST.get("note") or "").strip()[:200],
        )
    except ChainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "已添加招商目标")
    return redirect(reverse("chains:detail", args=[chain.pk]) + "#leads")


@roles_required(*EDIT_ROLES)
@require_POST
def lead_status(request: HttpRequest, pk: int) -> HttpResponse:
    lead = get_object_or_404(
        Lead.objects.filter(segment__chain__in=chains_for(request.user)).select_related("segment"), pk=pk
    )
    try:
        services.set_lead_status(
            _actor(request),
            lead,
            request.POST.get("status") or "",
            expected_version=parse_id(request.POST.get("version")) or 0,
            note=(request.POST.get("note") or "").strip()[:200],
        )
    except ChainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"已更新“{lead.target}”的状态")
    return redirect(reverse("chains:detail", args=[lead.segment.chain_id]) + "#leads")


@roles_required(*EDIT_ROLES)
@require_POST
def goal(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    try:
        services.set_goal(
            _actor(request), chain, request.POST.get("year") or "", request.POST.get("output") or ""
        )
    except ChainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "已保存产值目标")
    return redirect(reverse("chains:detail", args=[chain.pk]) + "#goals")


@roles_required(*EDIT_ROLES)
@require_POST
def snapshot(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    try:
        snap = services.take_snapshot(
            _actor(request), chain, request.POST.get("year") or "", public_document(chain)
        )
    except ChainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"已生成{snap.year}年快照（第{snap.version}版），发布后在公开大屏显示")
    return redirect(reverse("chains:detail", args=[chain.pk]) + "#compare")


@roles_required(*EDIT_ROLES)
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    snap = get_object_or_404(
        ChainSnapshot.objects.filter(chain__in=chains_for(request.user)).defer("data"), pk=pk
    )
    try:
        services.publish_snapshot(_actor(request), snap)
    except ChainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"已发布{snap.year}年快照")
    return redirect(reverse("chains:detail", args=[snap.chain_id]) + "#compare")


def _zones_text(chain: Chain) -> str:
    return "\n".join(
        f"{z.get_kind_display()} {z.name}" + (f" {z.district.name}" if z.district else "")
        for z in sorted(
            chain.zones.select_related("district"), key=lambda z: (ZONE_ORDER.index(z.kind), z.pk)
        )
    )


@roles_required(*EDIT_ROLES)
def chain_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a chain, or change its 链长, 链主, alliance, fund and layout zones."""
    chain = _chain(request, pk) if pk is not None else None
    city = chain.tenant_id if chain is not None else tenant_of(request.user)
    people = User.objects.filter(role=Role.LEADER, is_active=True)
    leaders = list((people if city is None else people.filter(org__tenant_id=city)).order_by("id"))
    values = {
        "name": chain.name if chain else "",
        "leader": str(chain.leader_id or "") if chain else "",
        "alliance": chain.alliance if chain else "",
        "fund": chain.fund if chain else "",
        "fund_size": num(chain.fund_size) or "" if chain else "",
        "anchors": "、".join(chain.anchors.order_by("name").values_list("credit_code", flat=True))
        if chain
        else "",
        "zones": _zones_text(chain) if chain else "",
        "note": chain.note if chain else "",
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip() for k in values}
        leader = next((u for u in leaders if str(u.pk) == values["leader"]), None)
        try:
            if values["leader"] and leader is None:
                raise ChainError("请从列表中选择链长（市领导）", "leader")
            zones = services.parse_zones(values["zones"])
            saved = services.save_chain(
                _actor(request),
                chain,
                tenant=city,
                name=values["name"],
                leader=leader,
                alliance=values["alliance"][:100],
                fund=values["fund"][:100],
                fund_size=values["fund_size"],
                anchors=values["anchors"],
                zones=zones,
                note=values["note"][:1000],
            )
        except ChainError as exc:
            errors[exc.field or "form"] = str(exc)
        else:
            messages.success(request, f"已保存产业链“{saved.name}”")
            return redirect("chains:detail", saved.pk)
    return render(
        request,
        "chains/chain_edit.html",
        {
            "chain": chain,
            "values": values,
            "errors": errors,
            "leaders": leaders,
            "zone_kinds": ZoneKind.choices,
        },
        status=400 if errors else 200,
    )


@roles_required(*EDIT_ROLES)
@require_POST
def segment_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a segment (or a sub-segment) with an optional capacity measure."""
    chain = _chain(request, pk)
    parent_id = parse_id(request.POST.get("parent")) if request.POST.get("parent") else None
    parent = Segment.objects.filter(pk=parent_id or 0, chain=chain).first() if parent_id else None
    position = (request.POST.get("position") or "").strip()
    measure = (request.POST.get("measure") or "").strip()
    unit = (request.POST.get("unit") or "").strip()
    try:
        if parent_id and parent is None:
            raise ChainError("所选上级环节不属于本产业链", "parent")
        if not position.isdigit() or int(position) > 999:
            raise ChainError("次序应为 0—999 的整数", "position")
        if bool(measure) != bool(unit):
            raise ChainError("产能名称和单位要一起填写（如 正极材料、万吨）", "unit")
        services.add_segment(
            _actor(request),
            chain,
            (request.POST.get("name") or "")[:60],
            position=int(position),
            parent=parent,
            measures=[(measure[:60], unit[:20])] if measure else [],
        )
    except ChainError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "已添加环节")
    return redirect(reverse("chains:detail", args=[chain.pk]) + "#segments")
