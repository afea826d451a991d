"""Forms of the tournament pages. They read what people type; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from liangping.core.forms import Form
from liangping.core.models import Org, OrgKind, Role, User
from liangping.core.scope import city_scope
from liangping.events.models import OfficialKind, Team, TeamKind, Tournament
from liangping.events.standings import CRITERIA

CRITERIA_HELP = "每行一条，从上到下依次比较，最后一条须为“抽签”。可选：" + "、".join(CRITERIA.values())
NUMBER = {"invalid": "请填写整数", "required": "请填写"}


def _int(label: str, low: int, high: int, **kw: Any) -> forms.IntegerField:
    messages = {
        **NUMBER,
        "min_value": f"{label}不能小于 {low}",
        "max_value": f"{label}不能大于 {high}",
        "required": f"请填写{label}",
    }
    return forms.IntegerField(label=label, min_value=low, max_value=high, error_messages=messages, **kw)


class TournamentForm(Form):
    name = forms.CharField(label="赛事名称", max_length=100, error_messages={"required": "请填写赛事名称"})
    org = forms.ModelChoiceField(
        label="主办单位",
        queryset=Org.objects.none(),
        error_messages={"required": "请选择主办单位", "invalid_choice": "请选择列表中的主办单位"},
    )
    description = forms.CharField(label="赛事简介", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    age_group = forms.CharField(label="年龄组", max_length=40, required=False, help_text="如 U12")
    born_from = forms.DateField(
        label="球员出生日期不早于",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请填写有效的日期"},
    )
    start_date = forms.DateField(
        label="开赛日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写开赛日期", "invalid": "请填写有效的日期"},
    )
    days = _int("比赛天数", 1, 30)
    kickoff_times = forms.CharField(
        label="每日开球时间",
        help_text="各场地同时开球，用逗号分开，如 08:00, 09:10, 10:20",
        error_messages={"required": "请填写开球时间"},
    )
    pitches = forms.CharField(
        label="比赛场地",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一块场地，可在场地名后加空格和编号，如“立新小学西校”或“东湖小学 2号场”",
        error_messages={"required": "请至少填写一块比赛场地"},
    )
    match_minutes = _int("每场比赛时长（分钟）", 10, 180, help_text="含中场休息")
    rest_minutes = _int("每队两场之间最少休息（分钟）", 0, 1440)
    group_count = _int("小组数", 1, 16)
    group_size = _int("每组队数", 2, 16)
    advance = _int("每组晋级队数", 1, 16, help_text="交叉淘汰：A组第1名对B组第2名，B组第1名对A组第2名……")
    third_place = forms.BooleanField(label="设三四名决赛", required=False)
    points_win = _int("胜积分", 0, 10)
    points_draw = _int("平积分", 0, 10)
    points_loss = _int("负积分", 0, 10)
    criteria = forms.CharField(
        label="积分相同时的排名规则",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=CRITERIA_HELP,
        error_messages={"required": "请填写排名规则"},
    )
    public = forms.BooleanField(label="在公开页和大屏展示", required=False)
    public_player_names = forms.BooleanField(
        label="公开页显示球员全名", required=False, help_text="默认只显示姓氏（如 张××），保护未成年人信息"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label="修改说明", required=False, max_length=200)

    def __init__(self, *args: Any, user: User, tournament: Tournament | None = None, **kwargs: Any) -> None:
        if tournament is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(tournament)
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        assert isinstance(field, forms.ModelChoiceField)
        if user.role == Role.SUPERVISOR or user.org is None:
            field.queryset = Org.objects.filter(
                kind__in=[OrgKind.CITY, OrgKind.DISTRICT, OrgKind.DEPARTMENT, OrgKind.TOWN]
            )
            city = tournament.org.tenant_id if tournament is not None else city_scope(user)
            if city is not None:  # a tournament stays in its city
                field.queryset = field.queryset.filter(tenant_id=city)
        else:
            field.queryset = Org.objects.subtree(user.org).exclude(kind=OrgKind.COMPANY)
            if not self.is_bound and tournament is None:
                field.initial = user.org.pk
        if tournament is None:
            del self.fields["reason"]

    def clean_criteria(self) -> list[str]:
        names = {label: code for code, label in CRITERIA.items()}
        out = []
        for line in self.cleaned_data["criteria"].replace("、", "\n").replace("，", "\n").splitlines():
            line = line.strip().lstrip("0123456789.、） )")
            if not line:
                continue
            if line not in names and line not in CRITERIA:
                raise forms.ValidationError(f"“{line}”不是可选的排名规则。{CRITERIA_HELP}")
            out.append(names.get(line, line))
        return out

    def clean_pitches(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data["pitches"].splitlines():
            parts = line.strip().split(None, 1)
            if parts:
                out.append((parts[0], parts[1] if len(parts) > 1 else ""))
        return out

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("pitches", "version", "reason"):
            data.pop(name, None)
        return data


def initial_for(t: Tournament) -> dict[str, Any]:
    return {
        **{
            name: getattr(t, name)
            for name in (
                "name",
                "org",
                "description",
                "age_group",
                "born_from",
                "start_date",
                "days",
                "match_minutes",
                "rest_minutes",
                "group_count",
                "group_size",
                "advance",
                "third_place",
                "points_win",
                "points_draw",
                "points_loss",
                "public",
                "public_player_names",
            )
        },
        "kickoff_times": ", ".join(t.kickoff_times),
        "criteria": "\n".join(CRITERIA.get(c, c) for c in t.criteria),
        "pitches": "\n".join(f"{p.venue} {p.name}".strip() for p in t.pitches.all()),
        "version": t.version,
    }


def new_initial() -> dict[str, Any]:
    return {
        "days": 3,
        "kickoff_times": "08:00, 09:10, 10:20, 15:00, 16:10, 17:20",
        "match_minutes": 50,
        "rest_minutes": 60,
        "group_count": 2,
        "group_size": 6,
        "advance": 2,
        "third_place": True,
        "points_win": 3,
        "points_draw": 1,
        "points_loss": 0,
        "criteria": "\n".join(CRITERIA[c] for c in ("h2h_points", "goal_difference", "goals_for", "lots")),
    }


class TeamForm(Form):
    name = forms.CharField(label="队名", max_length=40, error_messages={"required": "请填写队名"})
    city = forms.CharField(label="所在城市", max_length=20, error_messages={"required": "请填写所在城市"})
    kind = forms.ChoiceField(label="单位类型", choices=TeamKind.choices)
    affiliation = forms.CharField(label="所属学校或俱乐部", max_length=60, required=False)
    coach = forms.CharField(label="教练", max_length=30, required=False)
    seeded = forms.BooleanField(label="种子队", required=False)


class PlayerForm(Form):
    name = forms.CharField(label="姓名", max_length=30, error_messages={"required": "请填写姓名"})
    number = _int("号码", 1, 99)
    birth_date = forms.DateField(
        label="出生日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写出生日期", "invalid": "请填写有效的日期"},
    )


class ImportForm(Form):
    file = forms.FileField(
        label="参赛队名单（.xlsx、.xls 或 .csv）",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的，请重新选择"},
    )
    dry_run = forms.BooleanField(label="只检查，不导入", required=False)


class OfficialForm(Form):
    username = forms.CharField(
        label="账号（用户名）", max_length=150, error_messages={"required": "请填写账号"}
    )
    kind = forms.ChoiceField(label="职责", choices=OfficialKind.choices)

    def clean_username(self) -> User:
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(f"没有用户名为“{name}”的账号")
        return user


class ResultForm(Form):
    home_goals = forms.IntegerField(
        label="主队进球", required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
    )
    away_goals = forms.IntegerField(
        label="客队进球", required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
    )
    home_penalties = forms.IntegerField(
        label="主队点球", required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
    )
    away_penalties = forms.IntegerField(
        label="客队点球", required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})
    )
    home_scorers = forms.CharField(label="主队进球队员（号码）", required=False, max_length=100)
    away_scorers = forms.CharField(label="客队进球队员（号码）", required=False, max_length=100)
    reason = forms.CharField(label="更正原因", required=False, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("home_goals", "away_goals", "home_penalties", "away_penalties"):
            self.fields[name].error_messages["invalid"] = "请填写整数"
        self.fields["version"].error_messages["required"] = "页面已过期，请刷新后重新录入"


class TeamChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:  # type: ignore[override]
        return obj.name
