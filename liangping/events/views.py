"""赛事 pages for organisers and officials: the list, set-up, teams and players, the draw, the
schedule, results and drawings of lots. Everything outside a user's tournaments is 404; the public
pages are in views_public.py."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liangping.core.access import roles_required
from liangping.core.models import ADMIN_ROLES, Role, User
from liangping.events import imports, services, tables
from liangping.events.forms import (
    ImportForm,
    OfficialForm,
    PlayerForm,
    ResultForm,
    TeamForm,
    TournamentForm,
    new_initial,
)
from liangping.events.models import Match, Official, Pitch, Player, Stage, Team, Tournament
from liangping.events.scheduling import ScheduleConflict
from liangping.sheets.jobs import UploadError, check_upload

LEDGER_ROLES = tuple(r for r in Role if r not in ADMIN_ROLES)
ledger_page = roles_required(*LEDGER_ROLES)


def actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def visible(user: User, pk: int) -> Tournament:
    tournament = Tournament.objects.visible_to(user).select_related("org").filter(pk=pk).first()
    if tournament is None:
        raise Http404("页面不存在")
    return tournament


def managed(user: User, pk: int) -> Tournament:
    tournament = visible(user, pk)
    if not services.can_manage(user, tournament):
        raise Http404("页面不存在")
    return tournament


def form_error(form: Any, exc: services.EventError) -> None:
    conflict = isinstance(exc, services.EventConflict)
    form.add_error(exc.field if exc.field in form.fields and not conflict else None, str(exc))


def steps(t: Tournament, teams: int, matches: int, played: int) -> list[dict[str, Any]]:
    return [
        {"label": "设置赛制", "done": True},
        {"label": f"参赛队 {teams}/{t.team_count}", "done": teams == t.team_count},
        {"label": "分组", "done": t.drawn_at is not None},
        {"label": f"赛程 {matches} 场" if matches else "赛程", "done": matches > 0},
        {
            "label": f"比分 {played}/{matches}" if matches else "比分",
            "done": matches > 0 and played == matches,
        },
    ]


@ledger_page
def tournament_list(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    rows = list(Tournament.objects.visible_to(user).select_related("org"))
    return render(
        request,
        "events/list.html",
        {"rows": rows, "can_create": services.can_create(user)},
    )


@ledger_page
def tournament_new(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not services.can_create(user):
        raise Http404("页面不存在")
    form = TournamentForm(request.POST or None, user=user, initial=None if request.POST else new_initial())
    if request.method == "POST" and form.is_valid():
        try:
            t = services.create_tournament(user, form.values(), form.cleaned_data["pitches"])
        except services.EventError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"已新建赛事“{t.name}”，请继续添加参赛队")
            return redirect("events:teams", pk=t.pk)
    return render(request, "events/form.html", {"form": form, "tournament": None})


@ledger_page
def tournament_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    t = managed(user, pk)
    form = TournamentForm(request.POST or None, user=user, tournament=t)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        try:
            services.update_tournament(
                user,
                t,
                form.values(),
                expected_version=version if version is not None else -1,
                pitches=form.cleaned_data["pitches"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except services.EventError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "已保存赛事设置")
            return redirect("events:detail", pk=t.pk)
    return render(request, "events/form.html", {"form": form, "tournament": t})


@ledger_page
def tournament_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    t = visible(user, pk)
    board = tables.board(t)
    played = sum(1 for m in board.matches if m.played)
    can_manage = services.can_manage(user, t)
    today = timezone.localdate()
    context = {
        "t": t,
        "board": board,
        "steps": steps(t, len(board.teams), len(board.matches), played),
        "can_manage": can_manage,
        "can_score": can_manage or services.can_score(user, t),
        "officials": list(t.officials.select_related("user")),
        "pitches": list(t.pitches.all()),
        "rounds": [
            (name, [(m, board.slot_name(m, "home"), board.slot_name(m, "away")) for m in ms])
            for name, ms in board.rounds()
        ],
        "today_matches": [
            m for m in board.matches if m.kickoff and timezone.localtime(m.kickoff).date() == today
        ],
    }
    return render(request, "events/detail.html", context)


# --- teams and players ------------------------------------------------------------------------------


@ledger_page
def teams(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    t = managed(user, pk)
    team_form = TeamForm(prefix="team")
    import_form = ImportForm(prefix="imp")
    result = None
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "add":
        team_form = TeamForm(request.POST, prefix="team")
        if team_form.is_valid():
            try:
                team = services.save_team(user, t, team_form.cleaned_data)
            except services.EventError as exc:
                form_error(team_form, exc)
            else:
                messages.success(request, f"已添加参赛队“{team.name}”")
                return redirect("events:teams", pk=t.pk)
    elif request.method == "POST" and action == "import":
        import_form = ImportForm(request.POST, request.FILES, prefix="imp")
        if import_form.is_valid():
            upload = import_form.cleaned_data["file"]
            try:
                check_upload(upload)
            except UploadError as exc:
                import_form.add_error("file", str(exc))
            else:
                result = _run_import(user, t, upload, bool(import_form.cleaned_data["dry_run"]))
                if result.ok and not result.dry_run:
                    messages.success(
                        request,
                        f"已导入：新增 {result.created} 条，更新 {result.updated} 条，"
                        f"未变 {result.unchanged} 条",
                    )
                    return redirect("events:teams", pk=t.pk)
    elif request.method == "POST":
        raise Http404("页面不存在")
    rows = list(t.teams.all().prefetch_related("players"))
    context = {
        "t": t,
        "rows": rows,
        "team_form": team_form,
        "import_form": import_form,
        "result": result,
        "room": t.team_count - len(rows),
        "columns": [c.label for c in imports.COLUMNS],
    }
    status = 400 if (team_form.errors or import_form.errors or (result and not result.ok)) else 200
    return render(request, "events/teams.html", context, status=status)


def _run_import(user: User, t: Tournament, upload: Any, dry_run: bool) -> Any:
    name = Path(upload.name or "upload.xlsx").name
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("upload" + Path(name).suffix.lower())
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return imports.import_teams(user, t, path, name, dry_run=dry_run)


@ledger_page
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    team = get_object_or_404(Team.objects.select_related("tournament"), pk=pk)
    t = managed(user, team.tournament_id)
    team_form = TeamForm(
        prefix="team",
        initial={k: getattr(team, k) for k in ("name", "city", "kind", "affiliation", "coach", "seeded")},
    )
    player_form = PlayerForm(prefix="player")
    action = request.POST.get("action", "")
    try:
        if request.method == "POST" and action == "team":
            team_form = TeamForm(request.POST, prefix="team")
            if team_form.is_valid():
                services.save_team(user, t, team_form.cleaned_data, team)
                messages.success(request, "已保存球队信息")
                return redirect("events:team", pk=team.pk)
        elif request.method == "POST" and action == "player":
            player_form = PlayerForm(request.POST, prefix="player")
            if player_form.is_valid():
                player = services.save_player(user, team, player_form.cleaned_data)
                messages.success(request, f"已添加球员 {player}")
                return redirect("events:team", pk=team.pk)
        elif request.method == "POST" and action.startswith("delete-player-"):
            player = get_object_or_404(
                Player,
                pk=int(action.rsplit("-", 1)[1]) if action.rsplit("-", 1)[1].isdigit() else 0,
                team=team,
            )
            services.delete_player(user, player)
            messages.success(request, f"已删除球员 {player.number}号")
            return redirect("events:team", pk=team.pk)
        elif request.method == "POST" and action == "delete-team":
            services.delete_team(user, team)
            messages.success(request, f"已删除参赛队“{team.name}”")
            return redirect("events:teams", pk=t.pk)
        elif request.method == "POST":
            raise Http404("页面不存在")
    except services.EventError as exc:
        target = player_form if action == "player" else team_form
        form_error(target, exc)
    context = {
        "t": t,
        "team": team,
        "players": list(team.players.all()),
        "team_form": team_form,
        "player_form": player_form,
    }
    status = 400 if (team_form.errors or player_form.errors) else 200
    return render(request, "events/team.html", context, status=status)


# --- officials --------------------------------------------------------------------------------------


@ledger_page
def officials(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    t = managed(user, pk)
    form = OfficialForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action.startswith("remove-"):
            key = action.removeprefix("remove-")
            official = get_object_or_404(Official, pk=int(key) if key.isdigit() else 0, tournament=t)
            try:
                services.remove_official(user, official)
            except services.EventError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"已取消 {official.user.name} 的赛事工作人员身份")
            return redirect("events:officials", pk=t.pk)
        form = OfficialForm(request.POST)
        if form.is_valid():
            try:
                services.add_official(user, t, form.cleaned_data["username"], form.cleaned_data["kind"])
            except services.EventError as exc:
                form_error(form, exc)
            else:
                messages.success(request, "已添加赛事工作人员，对方登录后即可在手机上录入比分")
                return redirect("events:officials", pk=t.pk)
    rows = list(t.officials.select_related("user", "user__org"))
    return render(
        request,
        "events/officials.html",
        {"t": t, "rows": rows, "form": form},
        status=400 if form.errors else 200,
    )


# --- the draw ----------------------------------------------------------------------------------------


@ledger_page
def draw(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    t = managed(user, pk)
    team_list = list(t.teams.all())
    error = ""
    if request.method == "POST":
        method = request.POST.get("method", "")
        try:
            if method == "random":
                services.draw_groups(user, t, method="random", seed=request.POST.get("seed", ""))
            else:
                by_pk = {str(team.pk): team for team in team_list}
                groups: dict[str, list[Team]] = {}
                for letter in t.letters:
                    for i in range(1, t.group_size + 1):
                        chosen = request.POST.get(f"g-{letter}-{i}", "")
                        if chosen:
                            if chosen not in by_pk:
                                raise services.EventError("请从列表中选择球队", field="groups")
                            groups.setdefault(letter, []).append(by_pk[chosen])
                services.draw_groups(user, t, method="manual", groups=groups)
        except services.EventError as exc:
            error = str(exc)
        else:
            t.refresh_from_db()
            how = f"随机抽签（种子 {t.draw_seed}）" if t.draw_method == "random" else "手工分组"
            messages.success(request, f"已完成分组：{how}")
            return redirect("events:draw", pk=t.pk)
    groups_now = {letter: [team for team in team_list if team.group == letter] for letter in t.letters}
    # the hand-draw form: each slot's choice as posted (after a refusal) or as drawn now
    manual = [
        (
            letter,
            [
                (
                    i,
                    request.POST.get(f"g-{letter}-{i}", "")
                    if error
                    else next((str(x.pk) for x in groups_now[letter] if x.group_order == i), ""),
                )
                for i in range(1, t.group_size + 1)
            ],
        )
        for letter in t.letters
    ]
    context = {
        "t": t,
        "teams": team_list,
        "groups": groups_now,
        "error": error,
        "has_schedule": t.matches.exists(),
        "manual": manual,
    }
    return render(request, "events/draw.html", context, status=400 if error else 200)


# --- the schedule -------------------------------------------------------------------------------------


@ledger_page
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    t = visible(user, pk)
    can_manage = services.can_manage(user, t)
    error = ""
    if request.method == "POST":
        if not can_manage:
            raise Http404("页面不存在")
        action = request.POST.get("action", "")
        try:
            if action == "generate":
                made = services.generate_schedule(user, t)
                messages.success(request, f"已生成赛程：共 {len(made)} 场比赛")
            elif action == "clear":
                services.clear_schedule(user, t)
                messages.success(request, "已清除赛程")
            elif action == "move":
                match = get_object_or_404(Match, pk=_int(request.POST.get("match")), tournament=t)
                pitch = get_object_or_404(Pitch, pk=_int(request.POST.get("pitch")), tournament=t)
                kickoff = _kickoff(request.POST.get("kickoff", ""))
                services.move_match(
                    user, match, kickoff, pitch, expected_version=_int(request.POST.get("version"))
                )
                messages.success(request, f"已调整第{match.number}场的时间和场地")
            else:
                raise Http404("页面不存在")
        except services.EventError as exc:
            error = str(exc)
        else:
            return redirect("events:schedule", pk=t.pk)
    board = tables.board(t, scorers=False)
    pitches = list(t.pitches.all())
    days: list[dict[str, Any]] = []
    for m in board.matches:
        if m.kickoff is None:
            continue
        local = timezone.localtime(m.kickoff)
        if not days or days[-1]["date"] != local.date():
            days.append({"date": local.date(), "rows": []})
        days[-1]["rows"].append((m, board.slot_name(m, "home"), board.slot_name(m, "away")))
    try:
        slot_choices = [s.start for s in services.slots_for(t)]
    except ScheduleConflict:
        slot_choices = []
    context = {
        "t": t,
        "days": days,
        "pitches": pitches,
        "slot_choices": slot_choices,
        "can_manage": can_manage,
        "can_score": can_manage or services.can_score(user, t),
        "error": error,
        "has_results": any(m.played for m in board.matches),
    }
    return render(request, "events/schedule.html", context, status=400 if error else 200)


def _int(raw: Any) -> int:
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return -1


def _kickoff(raw: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise services.EventError("请选择开球时间", field="kickoff") from exc


# --- lots ---------------------------------------------------------------------------------------------


@require_POST
@ledger_page
def lots(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    t = managed(user, pk)
    group = request.POST.get("group", "")
    if group not in t.letters:
        raise Http404("页面不存在")
    order = None
    if request.POST.get("method") == "manual":
        by_pk = {str(team.pk): team for team in t.teams.all()}
        picked = [by_pk.get(v) for v in request.POST.getlist("order") if v]
        order = [team for team in picked if team is not None]
    try:
        lot = services.record_lots(user, t, group, order, seed=request.POST.get("seed", ""))
    except services.EventError as exc:
        messages.error(request, str(exc))
    else:
        names = "、".join(team.name for team in Team.objects.filter(pk__in=lot.teams))
        how = f"（种子 {lot.seed}）" if lot.seed else "（现场抽签结果）"
        messages.success(request, f"已记录{group}组抽签{how}：{names}")
    return redirect("events:detail", pk=t.pk)


# --- results from the touchline -------------------------------------------------------------------------


@ledger_page
def match_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor(request)
    match = get_object_or_404(Match.objects.select_related("tournament", "home", "away", "pitch"), pk=pk)
    t = visible(user, match.tournament_id)
    if not services.can_score(user, t):
        raise Http404("页面不存在")
    initial = _score_initial(match)
    form = ResultForm(request.POST or None, initial=initial)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enter_result(
                user,
                match,
                home_goals=data["home_goals"],
                away_goals=data["away_goals"],
                home_penalties=data["home_penalties"],
                away_penalties=data["away_penalties"],
                home_scorers=data["home_scorers"],
                away_scorers=data["away_scorers"],
                expected_version=data["version"],
                reason=data.get("reason", ""),
            )
        except services.EventConflict as exc:
            # the other entry stands: show it, with what this person typed, on a fresh form
            match.refresh_from_db()
            typed = f"{data['home_goals']}:{data['away_goals']}"
            conflict = f"{exc}（您填写的是 {typed}，未保存）"
            form = ResultForm(initial={**initial, **_score_initial(match)})
        except services.EventError as exc:
            form_error(form, exc)
        else:
            match.refresh_from_db()
            messages.success(request, f"已保存第{match.number}场比分 {match.home_goals}:{match.away_goals}")
            return redirect("events:match", pk=match.pk)
    board = tables.board(t, scorers=False)
    entries = list(match.entries.select_related("by"))
    context = {
        "t": t,
        "m": match,
        "form": form,
        "home": board.slot_name(match, "home"),
        "away": board.slot_name(match, "away"),
        "entries": entries,
        "knockout": match.stage == Stage.KNOCKOUT,
        "home_players": list(Player.objects.filter(team_id=match.home_id)) if match.home_id else [],
        "away_players": list(Player.objects.filter(team_id=match.away_id)) if match.away_id else [],
        "conflict": conflict,
        "next_matches": [
            m for m in board.matches if not m.played and m.home_id and m.away_id and m.pk != match.pk
        ][:4],
    }
    return render(request, "events/match.html", context, status=400 if form.errors or conflict else 200)


def _score_initial(match: Match) -> dict[str, Any]:
    return {
        "version": match.version,
        "home_goals": match.home_goals,
        "away_goals": match.away_goals,
        "home_penalties": match.home_penalties,
        "away_penalties": match.away_penalties,
    }
