"""Tournaments the city runs (赛事): teams and players, pitches, the draw, matches with their results,
the drawings of lots that settle a tie, and the officials who enter results from the touchline."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from liangping.core.models import ADMIN_ROLES, Org, Role
from liangping.core.scope import AnyUser, city_scope, org_path, role_of, sees_everything
from liangping.events.standings import DEFAULT_CRITERIA

MANAGER_ROLES = frozenset({Role.SUPERVISOR, Role.DISTRICT, Role.DEPARTMENT})


def default_criteria() -> list[str]:
    return list(DEFAULT_CRITERIA)


def default_times() -> list[str]:
    return ["08:00", "09:10", "10:20", "15:00", "16:10", "17:20"]


class TournamentQuerySet(models.QuerySet["Tournament"]):
    def visible_to(self, user: AnyUser) -> TournamentQuerySet:
        """The supervisor sees every tournament of their city (the province's: every city's; a tournament
        reaches its city through its organising org); a district or department user those its org subtree
        organises; any other signed-in user those they are an official of."""
        role = role_of(user)
        if role is None or role in ADMIN_ROLES:
            return self.none()
        if sees_everything(user):
            return self.in_city(city_scope(user))
        mine = Q(officials__user=user)
        path = org_path(user)
        if role in MANAGER_ROLES and path:
            mine |= Q(org__path__startswith=path)
        return self.filter(pk__in=Tournament.objects.filter(mine).values("pk"))

    def in_city(self, tenant_id: int | None) -> TournamentQuerySet:
        """The tournaments of one city; None: every city's."""
        return self if tenant_id is None else self.filter(org__tenant_id=tenant_id)

    def public(self) -> TournamentQuerySet:
        return self.filter(public=True)


class Tournament(models.Model):
    name = models.CharField("赛事名称", max_length=100)
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="tournaments", verbose_name="主办单位"
    )
    description = models.TextField("赛事简介", blank=True)
    age_group = models.CharField("年龄组", max_length=40, blank=True)
    born_from = models.DateField("出生日期不早于", null=True, blank=True)
    start_date = models.DateField("开赛日期")
    days = models.PositiveSmallIntegerField("比赛天数", default=3)
    kickoff_times = models.JSONField("每日开球时间", default=default_times)
    match_minutes = models.PositiveSmallIntegerField("每场比赛时长（分钟）", default=50)
    rest_minutes = models.PositiveSmallIntegerField("每队两场之间最少休息（分钟）", default=60)
    group_count = models.PositiveSmallIntegerField("小组数", default=2)
    group_size = models.PositiveSmallIntegerField("每组队数", default=6)
    advance = models.PositiveSmallIntegerField("每组晋级队数", default=2)
    third_place = models.BooleanField("设三四名决赛", default=True)
    points_win = models.PositiveSmallIntegerField("胜积分", default=3)
    points_draw = models.PositiveSmallIntegerField("平积分", default=1)
    points_loss = models.PositiveSmallIntegerField("负积分", default=0)
    criteria = models.JSONField("积分相同时的排名规则", default=default_criteria)
    draw_method = models.CharField("分组方式", max_length=10, blank=True)  # "random" / "manual"
    draw_seed = models.CharField("抽签种子", max_length=40, blank=True)
    drawn_at = models.DateTimeField("分组时间", null=True, blank=True)
    public = models.BooleanField("公开展示", default=False)
    public_player_names = models.BooleanField("公开页显示球员全名", default=False)
    sample = models.BooleanField("示例数据", default=False)
    version = models.PositiveIntegerField(default=1)

    objects = TournamentQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-start_date", "id"]
        verbose_name = "赛事"
        verbose_name_plural = "赛事"

    def __str__(self) -> str:
        return self.name

    @property
    def end_date(self) -> dt.date:
        return self.start_date + dt.timedelta(days=max(self.days, 1) - 1)

    @property
    def letters(self) -> list[str]:
        return [chr(ord("A") + i) for i in range(self.group_count)]

    @property
    def team_count(self) -> int:
        return self.group_count * self.group_size


class Pitch(models.Model):
    tournament = models.ForeignKey(Tournament, on_delete=models.CASCADE, related_name="pitches")
    venue = models.CharField("比赛场地", max_length=60)
    name = models.CharField("场地编号", max_length=30, blank=True)
    sort = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        ordering: ClassVar = ["sort", "id"]
        verbose_name = "场地"
        verbose_name_plural = "场地"

    def __str__(self) -> str:
        return f"{self.venue}{self.name}" if self.name else self.venue


class TeamKind(models.TextChoices):
    SCHOOL = "school", "学校"
    CLUB = "club", "俱乐部"
    OTHER = "other", "其他"


class Team(models.Model):
    tournament = models.ForeignKey(Tournament, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField("队名", max_length=40)
    city = models.CharField("所在城市", max_length=20)
    kind = models.CharField("单位类型", max_length=10, choices=TeamKind.choices, default=TeamKind.SCHOOL)
    affiliation = models.CharField("所属学校或俱乐部", max_length=60, blank=True)
    coach = models.CharField("教练", max_length=30, blank=True)
    seeded = models.BooleanField("种子队", default=False)
    group = models.CharField("小组", max_length=2, blank=True)
    group_order = models.PositiveSmallIntegerField("组内签位", default=0)
    sample = models.BooleanField("示例数据", default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["group", "group_order", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tournament", "name"], name="team_tournament_name"),
        ]
        verbose_name = "参赛队"
        verbose_name_plural = "参赛队"

    def __str__(self) -> str:
        return self.name


class Player(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="players")
    name = models.CharField("姓名", max_length=30)
    number = models.PositiveSmallIntegerField("号码")
    birth_date = models.DateField("出生日期")

    class Meta:
        ordering: ClassVar = ["number", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["team", "number"], name="player_team_number"),
        ]
        verbose_name = "球员"
        verbose_name_plural = "球员"

    def __str__(self) -> str:
        return f"{self.number}号 {self.name}"

    def public_name(self, full: bool) -> str:
        """On public pages a minor's name is shown as the family name and ×× unless the organiser
        chose full names."""
        return self.name if full or len(self.name) < 2 else self.name[0] + "×" * (len(self.name) - 1)


class OfficialKind(models.TextChoices):
    REFEREE = "referee", "裁判员"
    TABLE = "table", "记录台"


class Official(models.Model):
    """A person who may enter results of this tournament from the touchline."""

    tournament = models.ForeignKey(Tournament, on_delete=models.CASCADE, related_name="officials")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("职责", max_length=10, choices=OfficialKind.choices, default=OfficialKind.TABLE)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tournament", "user"], name="official_tournament_user"),
        ]
        verbose_name = "赛事工作人员"
        verbose_name_plural = "赛事工作人员"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.user}"


class Stage(models.TextChoices):
    GROUP = "group", "小组赛"
    KNOCKOUT = "knockout", "淘汰赛"


class Match(models.Model):
    tournament = models.ForeignKey(Tournament, on_delete=models.CASCADE, related_name="matches")
    code = models.CharField("编号", max_length=12)  # A-1-2, SF1, 3P, F
    stage = models.CharField("阶段", max_length=10, choices=Stage.choices)
    label = models.CharField("轮次", max_length=20)
    group = models.CharField("小组", max_length=2, blank=True)
    round = models.PositiveSmallIntegerField("轮", default=1)
    number = models.PositiveSmallIntegerField("场序", default=0)
    home = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    away = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    home_source = models.CharField("主队来源", max_length=12, blank=True)
    away_source = models.CharField("客队来源", max_length=12, blank=True)
    pitch = models.ForeignKey(Pitch, null=True, blank=True, on_delete=models.PROTECT, related_name="matches")
    kickoff = models.DateTimeField("开球时间", null=True, blank=True)
    home_goals = models.PositiveSmallIntegerField("主队进球", null=True, blank=True)
    away_goals = models.PositiveSmallIntegerField("客队进球", null=True, blank=True)
    home_penalties = models.PositiveSmallIntegerField("主队点球", null=True, blank=True)
    away_penalties = models.PositiveSmallIntegerField("客队点球", null=True, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_at = models.DateTimeField("录入时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering: ClassVar = ["kickoff", "number", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tournament", "code"], name="match_tournament_code"),
        ]
        verbose_name = "比赛"
        verbose_name_plural = "比赛"

    def __str__(self) -> str:
        home = self.home.name if self.home is not None else self.home_source
        away = self.away.name if self.away is not None else self.away_source
        return f"第{self.number}场 {self.label} {home} 对 {away}"

    @property
    def played(self) -> bool:
        return self.home_goals is not None and self.away_goals is not None

    @property
    def scheduled(self) -> bool:
        return self.kickoff is not None and self.pitch_id is not None

    def winner_id(self) -> int | None:
        if not self.played:
            return None
        assert self.home_goals is not None and self.away_goals is not None
        if self.home_goals != self.away_goals:
            return self.home_id if self.home_goals > self.away_goals else self.away_id
        if self.home_penalties is not None and self.away_penalties is not None:
            return self.home_id if self.home_penalties > self.away_penalties else self.away_id
        return None

    def loser_id(self) -> int | None:
        winner = self.winner_id()
        if winner is None:
            return None
        return self.away_id if winner == self.home_id else self.home_id


class Goal(models.Model):
    """A goal of a played match (for the scorers' list); rewritten when the result is corrected."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="goals")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    player = models.ForeignKey(Player, null=True, blank=True, on_delete=models.CASCADE, related_name="goals")

    class Meta:
        verbose_name = "进球"
        verbose_name_plural = "进球"

    def __str__(self) -> str:
        return f"{self.team_id}:{self.player_id or '—'}"


class ResultEntry(models.Model):
    """Every result as it was entered, in order: the first entry and each correction (never changed)."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="entries")
    home_goals = models.PositiveSmallIntegerField("主队进球")
    away_goals = models.PositiveSmallIntegerField("客队进球")
    home_penalties = models.PositiveSmallIntegerField("主队点球", null=True, blank=True)
    away_penalties = models.PositiveSmallIntegerField("客队点球", null=True, blank=True)
    scorers = models.CharField("进球队员", max_length=200, blank=True)
    reason = models.CharField("更正原因", max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")

    class Meta:
        ordering: ClassVar = ["at", "id"]
        verbose_name = "比分记录"
        verbose_name_plural = "比分记录"

    def __str__(self) -> str:
        return f"{self.home_goals}:{self.away_goals}"


class LotDrawing(models.Model):
    """The order a drawing of lots gave teams still level after every other criterion."""

    tournament = models.ForeignKey(Tournament, on_delete=models.CASCADE, related_name="lots")
    group = models.CharField("小组", max_length=2)
    teams = models.JSONField("球队（抽签结果顺序）")
    seed = models.CharField("抽签种子", max_length=40, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")

    class Meta:
        ordering: ClassVar = ["at", "id"]
        verbose_name = "抽签记录"
        verbose_name_plural = "抽签记录"

    def __str__(self) -> str:
        return f"{self.group}组抽签"
