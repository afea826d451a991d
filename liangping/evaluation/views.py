"""「五比五看」 pages: the scheme (weights, measures, formulas), rounds, scoring, lock/publish/reopen,
the ranking with 双亮牌 and each unit's radar profile."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, Org, Period, Role, User
from liangping.core.periods import PeriodCodeError
from liangping.core.scope import city_scope
from liangping.core.tenancy import tenant_for
from liangping.evaluation import measures, queries, schemes, services
from liangping.evaluation.models import Round, RoundStatus, Score, cadre_label
from liangping.grading.services import get_or_create_period

LEDGER_ROLES = tuple(r for r in Role if r not in ADMIN_ROLES)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _round(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(queries.rounds_for(request.user).select_related("scheme", "period"), pk=pk)


def _tenant(request: HttpRequest) -> Org | None:
    tenant = city_scope(request.user)
    return Org.objects.filter(pk=tenant).first() if tenant else None


def _units(request: HttpRequest) -> list[Org]:
    qs = Org.objects.filter(kind__in=services.UNIT_KINDS)
    tenant = city_scope(request.user)
    if tenant is not None:
        qs = qs.filter(tenant_id=tenant)
    return list(qs.order_by("kind", "sort", "id"))


@roles_required(*LEDGER_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    rounds = list(queries.rounds_for(request.user).select_related("scheme", "period"))
    return render(request, "evaluation/index.html", {"rounds": rounds})


@roles_required(Role.SUPERVISOR)
def scheme(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    now = schemes.current(tenant)
    catalogue = schemes.dimension_catalogue()
    weights = {d["code"]: d["weight"] for d in now.dimensions["dimensions"]}
    error = None
    if request.method == "POST":
        data = {
            "dimensions": [
                {**d, "weight": request.POST.get(f"weight_{d['code']}", "0") or "0"} for d in catalogue
            ],
            "thresholds": {"red": request.POST.get("red", ""), "yellow": request.POST.get("yellow", "")},
        }
        try:
            saved = schemes.save_scheme(
                _user(request), tenant, data, request.POST.get("note", "").strip()[:200]
            )
        except schemes.SchemeError as exc:
            error = exc
            weights = {d["code"]: request.POST.get(f"weight_{d['code']}", "") for d in catalogue}
        else:
            if saved.pk == now.pk:
                messages.info(request, "方案没有变化，未生成新版本")
            else:
                messages.success(request, f"已保存为第{saved.version}版方案；已开启的轮次仍按原版本评价")
            return redirect("evaluation:scheme")
    rows = []
    for d in catalogue:
        formulas = [
            schemes.AUTO_METRICS[m["metric"]]["formula"] if m["type"] == "auto" else schemes.JUDGED_FORMULA
            for m in d["measures"]
        ]
        rows.append(
            {
                "dim": d,
                "weight": weights.get(d["code"], "0"),
                "measures": zip(d["measures"], formulas, strict=True),
            }
        )
    context = {
        "scheme": now,
        "rows": rows,
        "error": error,
        "thresholds": now.dimensions["thresholds"]
        if error is None
        else {"red": request.POST.get("red", ""), "yellow": request.POST.get("yellow", "")},
        "versions": list(type(now).objects.filter(tenant=tenant, key=now.key).order_by("-version")[:10]),
        "dimension_formula": schemes.DIMENSION_FORMULA,
        "total_formula": schemes.TOTAL_FORMULA,
        "cadre_scope": schemes.CADRE_SCOPE,
    }
    return render(request, "evaluation/scheme.html", context, status=400 if error else 200)


@roles_required(Role.SUPERVISOR)
def new_round(request: HttpRequest) -> HttpResponse:
    units = _units(request)
    tenant = city_scope(request.user)
    people = User.objects.filter(is_active=True).exclude(role__in=list(ADMIN_ROLES))
    if tenant is not None:
        people = people.filter(org__tenant_id=tenant)
    people_list = list(people.select_related("org").order_by("role", "id"))
    cadres = services.cadres_of(tenant)
    error = None
    if request.method == "POST":
        of_cadres = request.POST.get("subjects") == "cadres"
        # a round of cadres: the ids are users' (the 包保市领导 of the city), else orgs'
        by_id: dict[int, Any] = {c.pk: c for c in cadres} if of_cadres else {o.pk: o for o in units}
        field = "cadres" if of_cadres else "units"
        chosen = [by_id[int(v)] for v in request.POST.getlist(field) if v.isdigit() and int(v) in by_id]
        users = {u.pk: u for u in people_list}
        evaluators = []
        for v in request.POST.getlist("evaluators"):
            if v.isdigit() and int(v) in users:
                prefix = "cadre_scope" if of_cadres else "scope"
                scope = [
                    by_id[int(x)]
                    for x in request.POST.getlist(f"{prefix}_{v}")
                    if x.isdigit() and int(x) in by_id
                ]
                evaluators.append((users[int(v)], scope))
        try:
            period = get_or_create_period(request.POST.get("period", ""), tenant_for(request.user))
            rnd = services.open_round(
                _user(request),
                title=request.POST.get("title", ""),
                period=period,
                scheme=schemes.current(_tenant(request)),
                units=[] if of_cadres else chosen,
                cadres=chosen if of_cadres else [],
                evaluators=evaluators,
            )
        except PeriodCodeError as exc:
            error = services.EvaluationError(str(exc), "period")
        except services.EvaluationError as exc:
            error = exc
        else:
            messages.success(request, f"已开启“{rnd.title}”，自动计算的评价项已算出")
            return redirect("evaluation:round", rnd.pk)
    context = {
        "units": units,
        "cadres": [{"pk": c.pk, "label": cadre_label(c)} for c in cadres],
        "people": people_list,
        "error": error,
        "scheme": schemes.current(_tenant(request)),
        "form": request.POST if request.method == "POST" else {},
        "periods": Period.objects.for_tenant(tenant_for(request.user))[:12],
    }
    return render(request, "evaluation/new.html", context, status=400 if error else 200)


@roles_required(*LEDGER_ROLES)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    snap = queries.latest_snapshot(rnd) if queries.sees_results(request.user, rnd) else None
    scope = services.evaluator_scope(rnd, request.user)
    units = list(rnd.units.select_related("org", "cadre"))
    mine: dict[int, int] = {}
    if scope is not None:
        for subject_id in Score.objects.filter(round=rnd, evaluator=_user(request)).values_list(
            "cadre_id" if rnd.of_cadres else "org_id", flat=True
        ):
            mine[subject_id] = mine.get(subject_id, 0) + 1
    context: dict[str, Any] = {
        "round": rnd,
        "snapshot": snap,
        "board": queries.board(snap) if snap else None,
        "radar": queries.radar(snap) if snap else None,
        "units": units,
        "scope": scope,
        "my_units": [
            {"unit": u, "count": mine.get(u.subject_id, 0)} for u in units if scope and u.subject_id in scope
        ],
        "judged": len(measures.judged_codes(rnd.scheme.dimensions)),
        "is_supervisor": _user(request).role == Role.SUPERVISOR,
        "snapshots": list(rnd.snapshots.order_by("-version")) if snap else [],
        "kinds": queries.unit_kinds(),
        "cadre_scope": schemes.CADRE_SCOPE if rnd.of_cadres else "",
    }
    return render(request, "evaluation/round.html", context)


@roles_required(*LEDGER_ROLES)
def unit_profile(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    if not queries.sees_results(request.user, rnd):
        raise Http404("页面不存在")
    snap = queries.latest_snapshot(rnd)
    if snap is None:
        raise Http404("页面不存在")
    result = get_object_or_404(snap.results.all(), **{"cadre_id" if rnd.of_cadres else "org_id": org_pk})
    context = {
        "round": rnd,
        "snapshot": snap,
        "result": result,
        "card": queries.change_card(queries.rank_change(result.prev_rank, result.rank)),
        "rows": queries.profile(snap, result),
        "radar": queries.radar(snap, result),
        "total_formula": schemes.TOTAL_FORMULA,
        "dimension_formula": schemes.DIMENSION_FORMULA,
        "cadre_scope": schemes.CADRE_SCOPE if rnd.of_cadres else "",
    }
    return render(request, "evaluation/unit.html", context)


@roles_required(*LEDGER_ROLES)
def score(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    rnd = _round(request, pk)
    scope = services.evaluator_scope(rnd, request.user)
    if scope is None:
        raise Http404("页面不存在")
    unit = services.subject_of(rnd, org_pk)
    if unit is None:
        raise Http404("页面不存在")
    judged = measures.judged_codes(rnd.scheme.dimensions)
    mine = Score.objects.filter(round=rnd, evaluator=_user(request))
    mine = mine.filter(cadre_id=org_pk) if rnd.of_cadres else mine.filter(org_id=org_pk)
    existing = {s.measure: s for s in mine}
    error = None
    status = 200
    if request.method == "POST":
        entries = {
            code: (request.POST.get(f"score_{code}", ""), request.POST.get(f"comment_{code}", ""))
            for _d, code, _l in judged
            if request.POST.get(f"score_{code}", "").strip()
            or request.POST.get(f"comment_{code}", "").strip()
        }
        try:
            services.score(_user(request), rnd, unit.cadre or unit.org, entries)  # type: ignore[arg-type]
        except services.EvaluationError as exc:
            error, status = exc, 400
        else:
            messages.success(request, f"已保存对“{unit.label}”的评分")
            return redirect("evaluation:round", rnd.pk)
    posted = request.POST if error else {}
    rows = [
        {
            "dim": d,
            "code": code,
            "label": label,
            "value": posted.get(f"score_{code}", getattr(existing.get(code), "value", "")),
            "comment": posted.get(f"comment_{code}", getattr(existing.get(code), "comment", "")),
        }
        for d, code, label in judged
    ]
    context = {
        "round": rnd,
        "unit": unit,
        "rows": rows,
        "error": error,
        "in_scope": unit.subject_id in scope,
        "open": rnd.status == RoundStatus.OPEN,
        "formula": schemes.JUDGED_FORMULA,
    }
    return render(request, "evaluation/score.html", context, status=status)


@require_POST
@roles_required(Role.SUPERVISOR)
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    rnd = _round(request, pk)
    user = _user(request)
    try:
        if action == "lock":
            snap = services.lock_round(user, rnd)
            messages.success(request, f"{rnd.title}已锁定（第{snap.version}版结果）")
        elif action == "publish":
            services.publish_round(user, rnd)
            messages.success(request, f"{rnd.title}已发布")
        elif action == "reopen":
            services.reopen_round(user, rnd, request.POST.get("reason", ""))
            messages.success(request, f"{rnd.title}已重新开放，旧结果保留可查")
        else:
            raise Http404("未知操作")
    except services.EvaluationError as exc:
        messages.error(request, str(exc))
    return redirect("evaluation:round", rnd.pk)
