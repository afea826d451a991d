"""The evaluation's part of the 约谈 list: units red on any dimension two rounds running."""

from __future__ import annotations

from typing import Any

from liangping.core.models import Period, Role
from liangping.core.scope import AnyUser, city_scope, role_of
from liangping.evaluation.models import Round, RoundStatus, Subjects
from liangping.evaluation.services import summons_rows
from liangping.grading.extensions import register_summons


def section(user: AnyUser, period: Period) -> dict[str, Any] | None:
    if role_of(user) != Role.SUPERVISOR or period.pk is None:
        return None
    rounds = Round.objects.filter(
        period=period, subjects=Subjects.UNITS, status__in=[RoundStatus.LOCKED, RoundStatus.PUBLISHED]
    )
    tenant = city_scope(user)
    if tenant is not None:
        rounds = rounds.filter(tenant_id=tenant)
    rows = [row for rnd in rounds.select_related("scheme") for row in summons_rows(rnd)]
    return {
        "title": "「五比五看」连续两轮有维度为红的单位",
        "columns": ["单位", "本轮", "本轮红色维度", "上一轮", "上一轮红色维度"],
        "rows": [[r["name"], r["round"], r["reason"], r["previous_round"], r["previous"]] for r in rows],
        "empty": "本期没有连续两轮有维度为红的单位。",
    }


def register() -> None:
    register_summons(section)
