"""The authorisation matrix, generated from the URL configuration.

Every URL pattern of the site (django.urls.get_resolver(), walked recursively) and every operation of
the JSON API must have a row in PAGES / API_EXTRA below, or be in the API suite's own table
(tests/api/test_scope_matrix.py). A route nobody registered fails `test_every_route_is_registered`
with "新路由未登记权限：…".

Each row says how to build the URL for an object inside and outside each role's scope and who gets
through. The expected status of every cast member follows from it (DOMAIN §3):

- anonymous: 302 to the login page (the public screen: 200);
- a role without the page, or an object outside the user's scope: 404 — pages outside a role do not
  exist (core.access.roles_required), so the web answers 404 where the API answers 403;
- GET on a POST-only endpoint the user may reach: 405.

For every unsafe endpoint each refused request is also sent as a POST and must change nothing
(a digest of every table before and after); one allowed request proves the same body does change it.
Every 200 page is checked for leaks: no name of an item outside the user's scope appears in it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from liangping.api import api
from liangping.core.models import Role
from tests.api.test_scope_matrix import ROUTES as API_ROUTES
from tests.api.test_scope_matrix import expected_status as api_expected_status
from tests.security.conftest import World, changed_tables, fingerprint
from tests.sheets.builders import LEDGER_HEADER

ROLES = [
    "anonymous",
    "supervisor",
    "leader",
    "department",
    "district",
    "specialist",
    "owner",
    "outsider",
    "sysadmin",
    "secadmin",
    "auditor",
    "deputy",
    "member",
]
ADMINS = frozenset({"sysadmin", "secadmin", "auditor"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
LEDGER = SIGNED_IN - ADMINS  # supervisor … project units (outsider is a project unit)
VISITORS = frozenset({"supervisor", "leader", "department", "district", "specialist"})
TASK_ROLES = frozenset({"supervisor", "leader", "department"})
SUPERVISOR = frozenset({"supervisor"})
EM_VIEW = frozenset({"supervisor", "leader", "district", "department"})  # the flood-season ledger
EM_DUTY = frozenset({"supervisor", "district"})  # duty officers
EM_SEES = {"inside": {"supervisor", "leader", "district"}, "outside": {"supervisor", "leader"}}
ROSTER_VIEWERS = frozenset({"supervisor", "leader", "department", "district"})
ORGANISERS = frozenset({"supervisor", "district", "department"})  # may create tournaments
EVENT_MANAGERS = frozenset({"supervisor", "district"})  # manage the tournament of 滕州市
EVENT_SCORERS = EVENT_MANAGERS | {"specialist"}  # the specialist is its table official
CHAIN_ROLES = frozenset({"supervisor", "leader", "department", "district"})
FIRM_ROLES = CHAIN_ROLES  # the studio's register and the incentives: a district the studios in it
LEDGER_UNITS = frozenset({"department", "district"})  # report to sweeps, record inspections
STAB_WRITERS = frozenset({"supervisor", "department", "district"})  # register items, inspect
SVC = frozenset({"supervisor", "leader", "department", "district"})  # 政务服务 pages
SVC_RECORDERS = frozenset({"supervisor", "district"})  # record handled cases, take 帮办代办 requests

PROJECT_SEES = {
    "inside": {"supervisor", "leader", "department", "district", "specialist", "owner"},
    "outside": {"supervisor"},
}
VISIT_SEES = {"inside": set(VISITORS), "outside": {"supervisor"}}
TASK_SEES = {"inside": set(TASK_ROLES), "outside": {"supervisor"}}
EVENT_SEES = {"inside": set(EVENT_SCORERS), "outside": {"supervisor"}}
SEES: dict[str, dict[str, set[str]]] = {
    "project": PROJECT_SEES,
    "report": PROJECT_SEES,
    "case": PROJECT_SEES,
    "attachment": PROJECT_SEES,  # a case's attachment: whoever sees the case
    "visit": VISIT_SEES,
    "photo": VISIT_SEES,
    "task": TASK_SEES,
    "task_report": TASK_SEES,
    "milestone": TASK_SEES,
    "job": {"inside": {"supervisor"}, "outside": set()},  # an import job is its uploader's alone
    "em_point": EM_SEES,
    "em_warning": EM_SEES,
    "em_call": EM_SEES,
    # a notice's contact row: the person's own (cast.leader is the inside point's first responsible)
    "em_contact": {"inside": {"leader"}, "outside": set()},
    "tournament": EVENT_SEES,
    "team": EVENT_SEES,
    "match": EVENT_SEES,
    "firm": {"inside": set(FIRM_ROLES), "outside": {"supervisor", "leader", "department"}},
    # the internal ledgers (inside: 滕州市 and 市发展改革委 take part; outside: 市中区)
    "sweep": {"inside": set(CHAIN_ROLES), "outside": {"supervisor", "leader"}},
    "reception": {"inside": {"supervisor", "leader", "district"}, "outside": {"supervisor", "leader"}},
    "campaign": {"inside": set(CHAIN_ROLES), "outside": {"supervisor", "leader"}},
    "stab_case": {"inside": {"supervisor", "leader", "district"}, "outside": {"supervisor", "leader"}},
    # a chain is the city government's view of an industry: the whole city's, no outside within it
    "chain": {"inside": set(CHAIN_ROLES)},
    "chain_segment": {"inside": set(CHAIN_ROLES)},
    "chain_link": {"inside": set(CHAIN_ROLES)},
    "chain_lead": {"inside": set(CHAIN_ROLES)},
    "chain_snapshot": {"inside": set(CHAIN_ROLES)},
    # service points: the city's supervisor, leaders and departments; a district user its subtree's
    "svc_point": {"inside": set(SVC), "outside": {"supervisor", "leader", "department"}},
    # 帮办代办 requests (kind assist): the dispatcher and the lead unit's subtree
    "svc_assist": {"inside": {"supervisor", "district"}, "outside": {"supervisor"}},
    # deputies and members: the projects they are attached to (both to `inside`), their own visits;
    # a deputy's visit on a project is seen by whoever sees the project's site visits
    "deputy_project": {"inside": {"supervisor", "deputy", "member"}, "outside": {"supervisor"}},
    "deputy_visit": {"inside": set(VISITORS) | {"deputy"}, "outside": {"supervisor"}},
    "deputy_photo": {"inside": set(VISITORS) | {"deputy"}, "outside": {"supervisor"}},
}
REPS = frozenset({"deputy", "member"})
# the inside project's name and code: its people, and the deputy and member attached to it (their pages)
SEES["project_name"] = {"inside": PROJECT_SEES["inside"] | REPS, "outside": PROJECT_SEES["outside"]}

# Text that names an item: it must not appear on a page shown to someone outside the item's scope.
MARKERS = [
    ("示例动力电池项目", "project_name", "inside"),
    ("ZZ-2025-001", "project_name", "inside"),
    ("示例智慧物流项目", "project", "outside"),
    ("ZZ-2025-002", "project", "outside"),
    ("用地指标未落实", "case", "inside"),
    ("施工许可未办理", "case", "outside"),
    ("现场施工正常", "visit", "inside"),
    ("土地平整中", "visit", "outside"),
    ("示例攻坚事项（范围内）", "task", "inside"),
    ("示例攻坚事项（范围外）", "task", "outside"),
    ("示例水库（范围内）", "em_point", "inside"),
    ("示例水库（范围外）", "em_point", "outside"),
    ("滕州测试邀请赛", "tournament", "inside"),
    ("市中区测试邀请赛", "tournament", "outside"),
    ("示例数据科技有限公司", "firm", "inside"),
    ("示例园外商贸有限公司", "firm", "outside"),
    ("示例排查（范围内）", "sweep", "inside"),
    ("示例排查（范围外）", "sweep", "outside"),
    ("示例接待地点（范围外）", "reception", "outside"),
    ("示例专项行动（范围外）", "campaign", "outside"),
    ("示例稳定风险（范围内）", "stab_case", "inside"),
    ("示例稳定风险（范围外）", "stab_case", "outside"),
]

Url = Callable[[World, str], str]
Body = Callable[[World, str], dict[str, Any]]


def fixed(name: str, *args: Any, query: str = "") -> Url:
    return lambda w, where: reverse(name, args=args) + query


def of(name: str, kind: str) -> Url:
    """The URL of the item of `kind` inside or outside scope."""
    return lambda w, where: reverse(name, args=[w.item(kind, where).pk])


def of_object(name: str, attr: str) -> Url:
    return lambda w, where: reverse(name, args=[getattr(w, attr).pk])


def _firms(w: World) -> Any:
    assert w.firms is not None
    return w.firms


def _svc(w: World) -> Any:
    assert w.services is not None
    return w.services


def tampering(w: World, where: str) -> dict[str, Any]:
    """A form post that would change things if the page let it through."""
    return {"name": "篡改", "title": "篡改", "version": "1", "reason": "篡改", "note": "篡改"}


@dataclass(frozen=True)
class Page:
    url: Url
    roles: frozenset[str]  # who gets past the page's role check
    item: str = ""  # kind of the object in the URL ("" for none)
    may: frozenset[str] | None = None  # who may act on a visible item (default: `roles`)
    ok: int = 200
    post_only: bool = False
    get_status: dict[str, int] = field(default_factory=dict)  # per-role GET answer overriding the rules
    post: Body | None = None  # body of a POST that must change nothing when refused
    post_may: frozenset[str] | None = None  # who may send that POST (default: `may`)
    post_refused: int = 404  # the answer to a POST of a role that sees the page but may not send it
    post_actor: str = ""  # this role's POST (inside scope) must succeed and change something
    shows_all: str = ""  # why the page may name any item (no leak check)
    published_ok: bool = False  # may name what the public screen shows anonymous visitors

    def places(self) -> list[str]:
        return list(SEES[self.item]) if self.item else ["-"]

    def sees(self, who: str, where: str) -> bool:
        return not self.item or who in SEES[self.item][where]

    def expected_get(self, who: str, where: str) -> int:
        if who in self.get_status:
            return self.get_status[who]
        if who == "anonymous":
            return 302
        if who not in self.roles or not self.sees(who, where):
            return 404
        if who not in (self.may if self.may is not None else self.roles):
            return 404
        return 405 if self.post_only else self.ok

    def may_get(self, who: str) -> bool:
        return who in (self.may if self.may is not None else self.roles)

    def may_post(self, who: str, where: str) -> bool:
        allowed = self.post_may if self.post_may is not None else self.may
        return self.may_get(who) and self.sees(who, where) and (allowed is None or who in allowed)

    def expected_post(self, who: str, where: str) -> int:
        if who == "anonymous":
            return 302
        if who not in self.roles or not self.sees(who, where) or not self.may_get(who):
            return 404
        return self.post_refused


def review(kind: str) -> Body:
    return lambda w, where: {"decision": "approve", "note": "", "version": w.item(kind, where).version}


PAGES: dict[str, Page] = {
    # -- signing in and the start page -----------------------------------------------------------
    "login": Page(fixed("login"), SIGNED_IN, get_status={"anonymous": 200} | dict.fromkeys(SIGNED_IN, 302)),
    "logout": Page(fixed("logout"), SIGNED_IN, get_status=dict.fromkeys(ROLES, 405)),  # POST only
    "home": Page(fixed("home"), SIGNED_IN),
    # -- the province's board: the provincial office's supervisors only (none in the cast's city) ----
    "province:board": Page(fixed("province:board"), frozenset()),
    "favicon": Page(fixed("favicon"), SIGNED_IN, get_status=dict.fromkeys(ROLES, 200)),  # the site icon
    # -- administration: users, orgs, settings, calendar, audit log --------------------------------
    "core:users": Page(fixed("core:users"), frozenset({"sysadmin", "secadmin"})),
    "core:user_new": Page(fixed("core:user_new"), frozenset({"sysadmin", "secadmin"}), post=tampering),
    "core:user_edit": Page(
        lambda w, where: reverse("core:user_edit", args=[w.cast.owner.pk]),
        frozenset({"sysadmin", "secadmin"}),
        post=tampering,
    ),
    "core:user_password": Page(
        lambda w, where: reverse("core:user_password", args=[w.cast.owner.pk]),
        frozenset({"secadmin"}),
        post_only=True,
        post=lambda w, where: {"password1": "Zq7#mVt2!pLs", "password2": "Zq7#mVt2!pLs"},
        post_actor="secadmin",
    ),
    "core:account_changes": Page(fixed("core:account_changes"), frozenset({"sysadmin", "secadmin"})),
    "core:account_change_decide": Page(
        of_object("core:account_change_decide", "account_change"),
        frozenset({"sysadmin", "secadmin"}),
        post_only=True,
        post=lambda w, where: {"decision": "approve"},
        post_actor="sysadmin",
    ),
    "core:tokens": Page(
        fixed("core:tokens"),
        frozenset({"secadmin"}),
        post=lambda w, where: {
            "user": w.cast.department.pk,
            "name": "篡改",
            "scope": "write",
            "until": "2099-01-01",
        },
        post_refused=404,
    ),
    "core:token_revoke": Page(
        of_object("core:token_revoke", "api_token"),
        frozenset({"secadmin"}),
        post_only=True,
        post=lambda w, where: {"reason": "矩阵"},
        post_actor="secadmin",
    ),
    "core:orgs": Page(
        fixed("core:orgs"), frozenset({"sysadmin", "secadmin"}), post=lambda w, where: {"name": "篡改局"}
    ),
    "core:settings": Page(fixed("core:settings"), frozenset({"sysadmin"}), post=tampering),
    "core:calendar": Page(fixed("core:calendar"), frozenset({"sysadmin"}), post=tampering),
    "core:calendar_day_delete": Page(
        of_object("core:calendar_day_delete", "day"),
        frozenset({"sysadmin"}),
        post_only=True,
        post=lambda w, where: {},
        post_actor="sysadmin",
    ),
    "core:calendar_year_delete": Page(
        of_object("core:calendar_year_delete", "year"),
        frozenset({"sysadmin"}),
        post_only=True,
        post=lambda w, where: {},
        post_actor="sysadmin",
    ),
    "core:audit": Page(
        fixed("core:audit"), frozenset({"auditor"}), shows_all="审计管理员查阅全部审计日志（DOMAIN §3）"
    ),
    "core:audit_checkpoint": Page(fixed("core:audit_checkpoint"), frozenset({"auditor"})),
    # -- the project ledger, monthly reports, site visits -------------------------------------------
    "projects:list": Page(fixed("projects:list"), LEDGER),
    "projects:detail": Page(of("projects:detail", "project"), LEDGER, "project"),
    "projects:edit": Page(of("projects:edit", "project"), SUPERVISOR, "project", post=tampering),
    "projects:report_new": Page(
        of("projects:report_new", "project"),
        LEDGER,
        "project",
        may=frozenset({"supervisor", "specialist", "owner"}),
        post=tampering,
    ),
    "projects:visit_new": Page(
        of("projects:visit_new", "project"),
        VISITORS,
        "project",
        may=frozenset({"supervisor", "specialist"}),
        post=tampering,
    ),
    "projects:reports": Page(fixed("projects:reports", query="?month=2025-05"), LEDGER),
    "projects:report_detail": Page(of("projects:report_detail", "report"), LEDGER, "report"),
    "projects:report_edit": Page(
        of("projects:report_edit", "report"),
        LEDGER,
        "report",
        may=frozenset({"supervisor", "specialist", "owner"}),
        post=tampering,
    ),
    "projects:report_review": Page(
        of("projects:report_review", "report"),
        SUPERVISOR,
        "report",
        post_only=True,
        post=review("report"),
        post_actor="supervisor",
    ),
    "projects:report_batch_approve": Page(
        fixed("projects:report_batch_approve"),
        SUPERVISOR,
        post_only=True,
        post=lambda w, where: {
            "report": f"{w.item('report', 'inside').pk}:{w.item('report', 'inside').version}"
        },
    ),
    "projects:visits": Page(fixed("projects:visits"), VISITORS),
    "projects:visit_stats": Page(fixed("projects:visit_stats"), frozenset({"supervisor", "specialist"})),
    "projects:visit_detail": Page(of("projects:visit_detail", "visit"), VISITORS, "visit"),
    "projects:visit_photo": Page(of("projects:visit_photo", "photo"), VISITORS, "photo"),
    # -- cases ----------------------------------------------------------------------------------
    "cases:list": Page(fixed("cases:list"), LEDGER),
    "cases:new": Page(
        lambda w, where: reverse("cases:new") + f"?project={w.item('project', where).pk}",
        LEDGER,
        "project",
        post=lambda w, where: {"title": "篡改", "description": "篡改"},
    ),
    "cases:detail": Page(of("cases:detail", "case"), LEDGER, "case"),
    "cases:kinds": Page(fixed("cases:kinds"), frozenset({"sysadmin"}), post=tampering),
    "cases:attachment": Page(of("cases:attachment", "attachment"), LEDGER, "attachment"),
    "cases:act": Page(
        of("cases:act", "case"),
        LEDGER,
        "case",
        post_only=True,
        get_status=dict.fromkeys(LEDGER, 405),  # require_POST answers before the case is looked up
        post=lambda w, where: {
            "action": "handle",
            "note": "已对接",
            "version": w.item("case", where).version,
        },
        post_may=frozenset({"supervisor", "department"}),  # the handlers: 市发展改革委 leads case_in
        post_refused=302,  # the case page again, with the refusal as a message
        post_actor="department",
    ),
    # -- appeals (枣解决·枣满意): 三率 and the intake rosters ----------------------------------------
    "appeals:duty": Page(
        fixed("appeals:duty"),
        ROSTER_VIEWERS,
        post=lambda w, where: {"date": "2026-10-13", "start": "09:00", "end": "11:00", "leader": "篡改"},
        post_may=SUPERVISOR,
        post_refused=200,  # the roster again, read-only, nothing added
        post_actor="supervisor",
    ),
    "appeals:duty_delete": Page(
        of_object("appeals:duty_delete", "duty"),
        SUPERVISOR,
        post_only=True,
        post=lambda w, where: {},
        post_actor="supervisor",
    ),
    "appeals:windows": Page(
        fixed("appeals:windows"),
        ROSTER_VIEWERS,
        post=lambda w, where: {
            "date": "2026-10-13",
            "start": "09:00",
            "end": "11:00",
            "window": "篡改",
            "person": "篡改",
        },
        post_may=SUPERVISOR,
        post_refused=200,
        post_actor="supervisor",
    ),
    "appeals:rates": Page(fixed("appeals:rates"), LEDGER),
    "appeals:intake": Page(fixed("appeals:intake"), SUPERVISOR, post=tampering, post_refused=400),
    # Public: anyone may file an appeal and follow it by its receipt number; no personal data shown.
    "appeals:public_new": Page(
        fixed("appeals:public_new"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 200)
    ),
    "appeals:public_lookup": Page(
        fixed("appeals:public_lookup", query="?no=AAAAAAAAAAAA"),
        frozenset(ROLES),
        get_status=dict.fromkeys(ROLES, 200),
    ),
    "appeals_screen:index": Page(
        fixed("appeals_screen:index"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 200)
    ),
    "appeals_screen:data": Page(
        fixed("appeals_screen:data"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 200)
    ),
    # Open311 GeoReport v2: public by the standard; requests only by their receipt numbers.
    "open311:services": Page(
        fixed("open311:services"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 200)
    ),
    "open311:service": Page(
        fixed("open311:service", "urban_sanitation"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 200)
    ),
    "open311:requests": Page(
        fixed("open311:requests"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 400)
    ),
    "open311:request": Page(
        fixed("open311:request", "AAAAAAAAAAAA"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 404)
    ),
    "open311:unknown": Page(
        fixed("open311:unknown", "x.json"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 404)
    ),
    # the same resources in XML
    "open311:services_xml": Page(
        fixed("open311:services_xml"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 200)
    ),
    "open311:service_xml": Page(
        fixed("open311:service_xml", "urban_sanitation"),
        frozenset(ROLES),
        get_status=dict.fromkeys(ROLES, 200),
    ),
    "open311:requests_xml": Page(
        fixed("open311:requests_xml"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 400)
    ),
    "open311:request_xml": Page(
        fixed("open311:request_xml", "AAAAAAAAAAAA"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 404)
    ),
    "appeals:window_delete": Page(
        of_object("appeals:window_delete", "shift"),
        SUPERVISOR,
        post_only=True,
        post=lambda w, where: {},
        post_actor="supervisor",
    ),
    # -- leader-led tasks -----------------------------------------------------------------------
    "tasks:list": Page(fixed("tasks:list"), TASK_ROLES),
    "tasks:new": Page(fixed("tasks:new"), SUPERVISOR, post=tampering),
    "tasks:detail": Page(of("tasks:detail", "task"), TASK_ROLES, "task"),
    "tasks:edit": Page(of("tasks:edit", "task"), SUPERVISOR, "task", post=tampering),
    "tasks:milestone_new": Page(of("tasks:milestone_new", "task"), SUPERVISOR, "task", post=tampering),
    "tasks:report_new": Page(
        of("tasks:report_new", "task"),
        TASK_ROLES,
        "task",
        may=frozenset({"supervisor", "department"}),
        post=tampering,
    ),
    "tasks:milestone": Page(
        of("tasks:milestone", "milestone"),
        TASK_ROLES,
        "milestone",
        may=frozenset({"supervisor", "department"}),
        post=lambda w, where: {"action": "delete", "version": w.item("milestone", where).version},
        post_may=SUPERVISOR,  # the lead department records a milestone; only the supervisor deletes it
        post_refused=200,  # the page again, nothing deleted
    ),
    "tasks:evidence": Page(of("tasks:evidence", "milestone"), TASK_ROLES, "milestone"),
    "tasks:report_detail": Page(
        of("tasks:report_detail", "task_report"),
        TASK_ROLES,
        "task_report",
        post=review("task_report"),
        post_may=SUPERVISOR,  # everyone who sees it reads it here; only the supervisor reviews
        post_actor="supervisor",
    ),
    "tasks:report_edit": Page(
        of("tasks:report_edit", "task_report"),
        TASK_ROLES,
        "task_report",
        may=frozenset({"supervisor", "department"}),
        post=tampering,
    ),
    # -- spreadsheets ---------------------------------------------------------------------------
    # the supervisors' ledger imports, and the system administrator's category import (事项分类)
    "sheets:import": Page(fixed("sheets:import"), SUPERVISOR | {"sysadmin"}, post=tampering),
    "sheets:jobs": Page(fixed("sheets:jobs"), SUPERVISOR | {"sysadmin"}),
    "sheets:job": Page(of("sheets:job", "job"), SUPERVISOR, "job"),
    "sheets:job_progress": Page(of("sheets:job_progress", "job"), SUPERVISOR, "job"),
    "sheets:job_confirm": Page(
        of("sheets:job_confirm", "job"),
        SUPERVISOR,
        "job",
        post_only=True,
        get_status=dict.fromkeys(SIGNED_IN, 405),  # require_POST answers before the job is looked up
        post=lambda w, where: {},
        post_actor="supervisor",
    ),
    "sheets:job_recover": Page(
        of("sheets:job_recover", "job"),
        SUPERVISOR,
        "job",
        post_only=True,
        get_status=dict.fromkeys(SIGNED_IN, 405),
        post=lambda w, where: {},  # the world's jobs are healthy: recovering one changes nothing
    ),
    "sheets:job_map": Page(
        of("sheets:job_map", "job"),
        SUPERVISOR,
        "job",
        post_only=True,
        get_status=dict.fromkeys(SIGNED_IN, 405),  # require_POST answers before the job is looked up
        post=lambda w, where: {f"map-{len(LEDGER_HEADER)}": "plan_year"},
        post_actor="supervisor",
    ),
    "sheets:job_options": Page(
        of("sheets:job_options", "job"),
        SUPERVISOR,
        "job",
        post_only=True,
        get_status=dict.fromkeys(SIGNED_IN, 405),  # require_POST answers before the job is looked up
        # the world's job is a project ledger, which takes no reading options: its uploader's post is
        # a no-op (tests/indicators/test_districts.py posts options to an indicator job)
        post=lambda w, where: {"layout": "a", "period": "2025-06"},
    ),
    "sheets:job_errors": Page(of("sheets:job_errors", "job"), SUPERVISOR, "job"),
    "sheets:export": Page(fixed("sheets:export", "projects"), LEDGER),
    # -- grading --------------------------------------------------------------------------------
    "grading:board": Page(fixed("grading:board", query="?period=2025-05"), LEDGER),
    "grading:periods": Page(fixed("grading:periods"), SUPERVISOR),
    "grading:period_action": Page(
        fixed("grading:period_action", "lock"),
        SUPERVISOR,
        post_only=True,
        get_status=dict.fromkeys(ROLES, 405),  # require_POST comes first, even before sign-in
        post=lambda w, where: {"period": "2025-06", "confirm": "1"},
        post_actor="supervisor",
    ),
    "grading:snapshot": Page(of_object("grading:snapshot", "snapshot"), LEDGER),
    "grading:ranking": Page(fixed("grading:ranking"), LEDGER),
    "grading:indicator": Page(of_object("grading:indicator", "indicator"), LEDGER),
    "indicators:districts": Page(fixed("indicators:districts"), LEDGER),
    "grading:units": Page(fixed("grading:units"), LEDGER),
    "grading:summons": Page(fixed("grading:summons"), frozenset({"supervisor", "leader"})),
    "grading:rules": Page(fixed("grading:rules"), frozenset({"supervisor", "sysadmin"}), post=tampering),
    # -- 「五比五看」: the world's round is published (every ledger role reads it); cast.leader scores ----
    "evaluation:index": Page(fixed("evaluation:index"), LEDGER),
    "evaluation:scheme": Page(fixed("evaluation:scheme"), SUPERVISOR, post=tampering),
    "evaluation:new": Page(fixed("evaluation:new"), SUPERVISOR, post=tampering),
    "evaluation:round": Page(of_object("evaluation:round", "eval_round"), LEDGER),
    "evaluation:unit": Page(
        lambda w, where: reverse("evaluation:unit", args=[w.eval_round.pk, w.cast.fagai.pk]), LEDGER
    ),
    "evaluation:score": Page(
        lambda w, where: reverse("evaluation:score", args=[w.eval_round.pk, w.cast.fagai.pk]),
        LEDGER,
        may=frozenset({"leader"}),  # the round's evaluator (published: the form refuses, nothing saved)
        post=lambda w, where: {"score_yan_judged": "8", "comment_yan_judged": "篡改"},
    ),
    "evaluation:action": Page(
        lambda w, where: reverse("evaluation:action", args=[w.eval_round.pk, "reopen"]),
        SUPERVISOR,
        post_only=True,
        get_status=dict.fromkeys(ROLES, 405),  # require_POST comes first, even before sign-in
        post=lambda w, where: {"reason": "矩阵"},
        post_actor="supervisor",
    ),
    # -- deputies and members ------------------------------------------------------------------
    "deputies:home": Page(fixed("deputies:home"), SUPERVISOR | REPS),
    "deputies:attach": Page(
        fixed("deputies:attach"),
        SUPERVISOR,
        post_only=True,
        get_status=dict.fromkeys(ROLES, 405),
        post=lambda w, where: {"user": w.cast.deputy.pk, "project": w.cast.outside.code},
        post_actor="supervisor",
    ),
    "deputies:project": Page(of("deputies:project", "deputy_project"), SUPERVISOR | REPS, "deputy_project"),
    "deputies:visit_new": Page(
        of("deputies:visit_new", "deputy_project"), REPS, "deputy_project", post=tampering
    ),
    "deputies:visit": Page(of("deputies:visit", "deputy_visit"), VISITORS | REPS, "deputy_visit"),
    "deputies:photo": Page(of("deputies:photo", "deputy_photo"), VISITORS | REPS, "deputy_photo"),
    "deputies:raise": Page(
        of("deputies:raise", "deputy_visit"),
        SUPERVISOR | REPS,
        "deputy_visit",
        post_only=True,
        get_status=dict.fromkeys(ROLES, 405),
        post=lambda w, where: {"title": "篡改"},
        post_actor="deputy",
    ),
    "deputies:proposals": Page(fixed("deputies:proposals"), TASK_ROLES | {"district"} | REPS),
    "deputies:proposal_new": Page(fixed("deputies:proposal_new"), SUPERVISOR | REPS, post=tampering),
    # -- indicators -----------------------------------------------------------------------------
    "indicators:catalogue": Page(
        fixed("indicators:catalogue"), frozenset({"supervisor", "sysadmin"}), post=tampering
    ),
    "indicators:edit": Page(
        of_object("indicators:edit", "indicator"), frozenset({"supervisor", "sysadmin"}), post=tampering
    ),
    # -- industrial chains: read by the city government, changed by the supervisor ---------------------
    # The chain pages name only the linked projects inside the reader's scope (the leak check holds).
    "chains:list": Page(fixed("chains:list"), CHAIN_ROLES),
    "chains:detail": Page(of("chains:detail", "chain"), CHAIN_ROLES, "chain"),
    "chains:data": Page(of("chains:data", "chain"), CHAIN_ROLES, "chain"),
    "chains:firms": Page(of("chains:firms", "chain"), CHAIN_ROLES, "chain"),
    "chains:segment": Page(
        of("chains:segment", "chain_segment"),
        SUPERVISOR,
        "chain_segment",
        post=lambda w, where: {"parent": "", "position": "1", "target_firms": "9", "version": "1"},
    ),
    "chains:new": Page(
        fixed("chains:new"),
        SUPERVISOR,
        post=lambda w, where: {"name": "篡改链", "zones": "", "anchors": "", "fund_size": ""},
    ),
    "chains:edit": Page(
        of("chains:edit", "chain"),
        SUPERVISOR,
        "chain",
        post=lambda w, where: {"name": "篡改链", "zones": "", "anchors": "", "fund_size": ""},
    ),
    "chains:segment_new": Page(
        of("chains:segment_new", "chain"),
        SUPERVISOR,
        "chain",
        post_only=True,
        post=lambda w, where: {"name": "篡改环节", "position": "5"},
        post_actor="supervisor",
    ),
    "chains:link": Page(
        of("chains:link", "chain"),
        SUPERVISOR,
        "chain",
        post_only=True,
        post=lambda w, where: {
            "project": w.cast.inside.code,
            "segment": w.chain_part("cathode", where).pk,
            "capacity": "2",
            "unit": "万吨",
        },
        post_actor="supervisor",
    ),
    "chains:unlink": Page(
        of("chains:unlink", "chain_link"),
        SUPERVISOR,
        "chain_link",
        post_only=True,
        post=lambda w, where: {},
        post_actor="supervisor",
    ),
    "chains:lead_new": Page(
        of("chains:lead_new", "chain"),
        SUPERVISOR,
        "chain",
        post_only=True,
        post=lambda w, where: {
            "segment": w.chain_part("cell", where).pk,
            "target": "篡改",
            "department": w.cast.fagai.pk,
        },
        post_actor="supervisor",
    ),
    "chains:lead": Page(
        of("chains:lead", "chain_lead"),
        SUPERVISOR,
        "chain_lead",
        post_only=True,
        post=lambda w, where: {"status": "signed", "version": w.item("chain_lead", where).version},
        post_actor="supervisor",
    ),
    "chains:goal": Page(
        of("chains:goal", "chain"),
        SUPERVISOR,
        "chain",
        post_only=True,
        post=lambda w, where: {"year": "2030", "output": "1500"},
        post_actor="supervisor",
    ),
    "chains:snapshot": Page(
        of("chains:snapshot", "chain"),
        SUPERVISOR,
        "chain",
        post_only=True,
        post=lambda w, where: {"year": "2022"},
        post_actor="supervisor",
    ),
    "chains:publish": Page(
        of("chains:publish", "chain_snapshot"),
        SUPERVISOR,
        "chain_snapshot",
        post_only=True,
        post=lambda w, where: {},
        post_actor="supervisor",
    ),
    # -- 企业服务工作室 and 榴花分: read by the city government (a district: the studios in it) ----------
    "firms:list": Page(fixed("firms:list"), FIRM_ROLES),
    "firms:detail": Page(of("firms:detail", "firm"), FIRM_ROLES, "firm"),
    "firms:measures": Page(fixed("firms:measures"), FIRM_ROLES),
    "firms:lookup": Page(fixed("firms:lookup"), FIRM_ROLES),
    "firms:applied": Page(fixed("firms:applied"), FIRM_ROLES),
    # the studio (the district above the inside one) and the supervisor open requests
    "firms:request_new": Page(
        of("firms:request_new", "firm"),
        FIRM_ROLES,
        "firm",
        may=frozenset({"supervisor", "district"}),
        post_only=True,
        get_status=dict.fromkeys(FIRM_ROLES, 405),
        post=lambda w, where: {"category": "establish", "butler": _firms(w).staff.pk, "note": "矩阵"},
        post_actor="supervisor",
    ),
    # a measure of 市工业和信息化局 applied to the inside firm: its studio (the district) or the supervisor
    "firms:apply": Page(
        fixed("firms:apply"),
        FIRM_ROLES,
        may=frozenset({"supervisor", "district"}),
        post_only=True,
        get_status=dict.fromkeys(FIRM_ROLES, 405),
        post=lambda w, where: {"firm": _firms(w).firm_in.pk, "measure": _firms(w).measure_band.pk},
        post_actor="supervisor",
    ),
    # -- the internal ledgers: 稳定 sweeps and reception days, the food-safety campaign --------------
    "stability:index": Page(fixed("stability:index"), CHAIN_ROLES),
    "stability:sweeps": Page(fixed("stability:sweeps"), CHAIN_ROLES, post=tampering, post_may=SUPERVISOR),
    "stability:sweep": Page(of("stability:sweep", "sweep"), CHAIN_ROLES, "sweep"),
    "stability:sweep_report": Page(
        of("stability:sweep_report", "sweep"),
        LEDGER_UNITS,
        "sweep",
        post_only=True,
        get_status=dict.fromkeys(LEDGER_UNITS, 405),  # require_POST answers before the sweep is looked up
        post=tampering,
    ),
    "stability:sweep_nil": Page(
        of("stability:sweep_nil", "sweep"),
        LEDGER_UNITS,
        "sweep",
        post_only=True,
        get_status=dict.fromkeys(LEDGER_UNITS, 405),
        post=lambda w, where: {"note": "经排查无"},
        post_actor="district",
    ),
    "stability:sweep_remind": Page(
        of("stability:sweep_remind", "sweep"),
        SUPERVISOR,
        "sweep",
        post_only=True,
        get_status={"supervisor": 405},
        post=lambda w, where: {},
        post_actor="supervisor",
    ),
    "stability:receptions": Page(
        fixed("stability:receptions"), CHAIN_ROLES, post=tampering, post_may=STAB_WRITERS
    ),
    "stability:reception": Page(
        of("stability:reception", "reception"),
        CHAIN_ROLES,
        "reception",
        post=tampering,
        post_may=STAB_WRITERS,
    ),
    "foodsafety:list": Page(fixed("foodsafety:list"), CHAIN_ROLES, post=tampering, post_may=SUPERVISOR),
    "foodsafety:detail": Page(of("foodsafety:detail", "campaign"), CHAIN_ROLES, "campaign"),
    "foodsafety:data": Page(of("foodsafety:data", "campaign"), CHAIN_ROLES, "campaign"),
    "foodsafety:inspect": Page(
        of("foodsafety:inspect", "campaign"),
        STAB_WRITERS,
        "campaign",
        post_only=True,
        get_status=dict.fromkeys(STAB_WRITERS, 405),
        post=lambda w, where: {
            "firm": "示例食品厂（矩阵）",
            "date": dt.date.today().isoformat(),
            "inspector": "检查员甲",
            "result": "passed",
        },
        post_actor="district",
    ),
    # -- 政务服务: catalogue, points, handled cases, 帮办代办, 一件事 ------------------------------------
    "services:index": Page(fixed("services:index"), SVC),
    "services:matters": Page(fixed("services:matters"), SVC),
    "services:points": Page(fixed("services:points"), SVC),
    "services:rule": Page(fixed("services:rule"), SVC),
    "services:handled": Page(fixed("services:handled"), SVC, post=tampering, post_may=SVC_RECORDERS),
    "services:assist_list": Page(fixed("services:assist_list"), SVC),
    "services:assist_new": Page(fixed("services:assist_new"), SVC, may=SVC_RECORDERS, post=tampering),
    "services:assist": Page(of("services:assist", "svc_assist"), SVC, "svc_assist"),
    "services:point": Page(of("services:point", "svc_point"), SVC, "svc_point"),
    "services:point_matters": Page(
        of("services:point_matters", "svc_point"),
        SVC,
        "svc_point",
        post_only=True,
        get_status=dict.fromkeys(SVC, 405),  # require_POST answers before the point is looked up
        post=lambda w, where: {"codes": "M001"},
        post_may=SUPERVISOR,
        post_actor="supervisor",
    ),
    "services:point_staff": Page(
        of("services:point_staff", "svc_point"),
        SVC,
        "svc_point",
        post_only=True,
        get_status=dict.fromkeys(SVC, 405),
        post=lambda w, where: {"name": "篡改", "post": "helper"},
        post_may=SUPERVISOR,
        post_actor="supervisor",
    ),
    "services:bundles": Page(fixed("services:bundles"), SVC),
    "services:bundle": Page(lambda w, where: reverse("services:bundle", args=[_svc(w).world.bundle.pk]), SVC),
    "services:bundle_apply": Page(
        lambda w, where: reverse("services:bundle_apply", args=[_svc(w).world.bundle.pk]), SVC, post=tampering
    ),
    # an application is its registrar's (the district user), the dispatcher's and its departments'
    "services:application": Page(
        lambda w, where: reverse("services:application", args=[_svc(w).application.pk]),
        SVC,
        get_status={"leader": 404, "department": 404},
    ),
    "screen:services": Page(fixed("screen:services"), frozenset(ROLES), get_status=dict.fromkeys(ROLES, 200)),
    # -- masked personal data, shown in full on an audited request ------------------------------
    "projects:show": Page(
        lambda w, where: reverse("projects:show", args=[w.item("project", where).pk, "contact_phone"]),
        LEDGER,
        "project",
        post_only=True,
        get_status=dict.fromkeys(LEDGER, 405),  # require_POST answers before the project is looked up
        post=lambda w, where: {},
    ),
    # -- one's own account: password and two-factor login (everyone signed in) --------------------
    "accounts:security": Page(fixed("accounts:security"), SIGNED_IN),
    "accounts:password_change": Page(fixed("accounts:password_change"), SIGNED_IN),
    "accounts:setup": Page(fixed("accounts:setup"), SIGNED_IN),
    # no authenticator yet / no fresh recovery codes in the session: back to where one came from
    "accounts:verify": Page(fixed("accounts:verify"), SIGNED_IN, ok=302),
    "accounts:recovery_codes": Page(fixed("accounts:recovery_codes"), SIGNED_IN, ok=302),
    "accounts:otp_reset": Page(
        lambda w, where: reverse("accounts:otp_reset", args=[w.cast.owner.pk]),
        frozenset({"secadmin"}),
        post_only=True,
        post=lambda w, where: {"reason": "篡改"},
    ),
    # -- notifications: each person's own -----------------------------------------------------------
    "notices:list": Page(fixed("notices:list"), LEDGER),
    "notices:unread": Page(fixed("notices:unread"), LEDGER, get_status={"anonymous": 204}),
    "notices:open": Page(of_object("notices:open", "notice"), frozenset({"owner"}), ok=302),
    "notices:read": Page(
        of_object("notices:read", "notice"),
        LEDGER,
        post_only=True,
        get_status=dict.fromkeys(LEDGER, 405),  # require_POST answers before the notice is looked up
        post=lambda w, where: {},
        post_may=frozenset({"owner"}),
        post_actor="owner",
    ),
    "notices:read_all": Page(
        fixed("notices:read_all"),
        LEDGER,
        post_only=True,
        post=lambda w, where: {},
        post_may=frozenset({"owner"}),  # the others have nothing unread: their POST changes nothing
        post_refused=302,
        post_actor="owner",
    ),
    # -- 防汛叫应 and 应急值守: an internal ledger (never anonymous) ---------------------------------
    "emergency:index": Page(fixed("emergency:index"), EM_VIEW),
    "emergency:duty": Page(fixed("emergency:duty"), EM_VIEW),
    "emergency:duty_note": Page(
        fixed("emergency:duty_note"),
        EM_DUTY,
        post_only=True,
        post=lambda w, where: {"text": "矩阵：值班日志"},
        post_actor="district",
    ),
    "emergency:roster": Page(
        fixed("emergency:roster"),
        EM_VIEW,
        post=lambda w, where: {
            "date": "2026-07-24",
            "shift": "night",
            "org": w.cast.tengzhou.pk,
            "leader_name": "带班甲",
            "officer_name": "值班甲",
        },
        post_may=EM_DUTY,
        post_actor="district",
    ),
    "emergency:warnings": Page(fixed("emergency:warnings"), EM_VIEW),
    "emergency:warning_new": Page(fixed("emergency:warning_new"), EM_DUTY, post=tampering),
    "emergency:warning": Page(of("emergency:warning", "em_warning"), EM_VIEW, "em_warning"),
    "emergency:warning_report": Page(of("emergency:warning_report", "em_warning"), EM_VIEW, "em_warning"),
    "emergency:warning_close": Page(
        of("emergency:warning_close", "em_warning"),
        EM_DUTY,
        "em_warning",
        post_only=True,
        get_status=dict.fromkeys(EM_DUTY, 405),  # require_POST answers before the warning is looked up
        post=lambda w, where: {"reason": "矩阵：雨势减弱", "version": w.item("em_warning", where).version},
        post_actor="district",
    ),
    "emergency:call_phone": Page(
        of("emergency:call_phone", "em_call"),
        EM_DUTY,
        "em_call",
        post_only=True,
        get_status=dict.fromkeys(EM_DUTY, 405),
        post=lambda w, where: {
            "person": w.item("em_contact", where).person_id,
            "note": "矩阵：电话已通知",
        },
        post_actor="district",
    ),
    "emergency:points": Page(fixed("emergency:points"), EM_VIEW),
    "emergency:point_new": Page(fixed("emergency:point_new"), EM_DUTY, post=tampering),
    "emergency:point": Page(of("emergency:point", "em_point"), EM_VIEW, "em_point"),
    "emergency:supplies": Page(fixed("emergency:supplies"), EM_VIEW, post=tampering, post_may=EM_DUTY),
    "emergency:teams": Page(fixed("emergency:teams"), EM_VIEW, post=tampering, post_may=EM_DUTY),
    # one's own notices: anyone with a ledger role may be on a chain (the administrators are not)
    "emergency:mine": Page(fixed("emergency:mine"), LEDGER),
    "emergency:mine_ack": Page(
        of("emergency:mine_ack", "em_contact"),
        LEDGER,
        "em_contact",
        post_only=True,
        get_status=dict.fromkeys(LEDGER, 405),
        post=lambda w, where: {"note": "矩阵"},
        post_actor="leader",
    ),
    # the one-time link works without an account and shows its holder's one notice, nothing else
    "emergency:ack": Page(
        lambda w, where: reverse("emergency:ack", args=[w.emergency.token(where)]),
        frozenset(ROLES),
        "em_contact",
        get_status=dict.fromkeys(ROLES, 200),
        shows_all="一次性确认链接只显示链接持有人本人的这一条通知",
    ),
    # -- tournaments: organisers manage, officials enter results, everyone reads a public one ------
    "events:list": Page(fixed("events:list"), LEDGER),
    "events:new": Page(fixed("events:new"), LEDGER, may=ORGANISERS, post=tampering),
    "events:detail": Page(of("events:detail", "tournament"), LEDGER, "tournament"),
    "events:edit": Page(
        of("events:edit", "tournament"), LEDGER, "tournament", may=EVENT_MANAGERS, post=tampering
    ),
    "events:teams": Page(
        of("events:teams", "tournament"), LEDGER, "tournament", may=EVENT_MANAGERS, post=tampering
    ),
    "events:officials": Page(
        of("events:officials", "tournament"),
        LEDGER,
        "tournament",
        may=EVENT_MANAGERS,
        post=lambda w, where: {"username": "owner", "kind": "table"},
        post_actor="district",
    ),
    "events:draw": Page(
        of("events:draw", "tournament"),
        LEDGER,
        "tournament",
        may=EVENT_MANAGERS,
        post=lambda w, where: {"method": "random", "seed": "tamper"},
    ),
    "events:schedule": Page(
        of("events:schedule", "tournament"),
        LEDGER,
        "tournament",
        post=lambda w, where: {"action": "clear"},
        post_may=EVENT_MANAGERS,  # officials read the schedule; only organisers change it
    ),
    "events:lots": Page(
        of("events:lots", "tournament"),
        LEDGER,
        "tournament",
        may=EVENT_MANAGERS,
        post_only=True,
        get_status=dict.fromkeys(ROLES, 405),  # require_POST answers before sign-in
        post=lambda w, where: {"group": "A", "method": "random"},
    ),
    "events:team": Page(
        of("events:team", "team"),
        LEDGER,
        "team",
        may=EVENT_MANAGERS,
        post=lambda w, where: {"action": "delete-team"},
    ),
    "events:match": Page(
        of("events:match", "match"),
        LEDGER,
        "match",
        post=lambda w, where: {
            "home_goals": "3",
            "away_goals": "0",
            "version": w.item("match", where).version,
        },
        post_actor="specialist",
    ),
    "events:public": Page(
        lambda w, where: reverse("events:public", args=[w.tournament_in.pk]),
        SIGNED_IN,
        get_status=dict.fromkeys(ROLES, 200),
        shows_all="已公开赛事的公开页面",
    ),
    "events:screen": Page(
        lambda w, where: reverse("events:screen", args=[w.tournament_in.pk]),
        SIGNED_IN,
        get_status=dict.fromkeys(ROLES, 200),
        shows_all="已公开赛事的大屏",
    ),
    "events:data": Page(
        lambda w, where: reverse("events:data", args=[w.tournament_in.pk]),
        SIGNED_IN,
        get_status=dict.fromkeys(ROLES, 200),
        shows_all="已公开赛事的大屏数据",
    ),
    # -- the public screen and the disclosure of published periods -------------------------------
    "screen:index": Page(
        fixed("screen:index"),
        SIGNED_IN,
        get_status={"anonymous": 200},
        shows_all="公开大屏只展示已发布快照",
    ),
    "screen:data": Page(
        fixed("screen:data"), SIGNED_IN, get_status={"anonymous": 200}, shows_all="公开大屏只展示已发布快照"
    ),
    # A city's screen by its division code: its own latest published snapshot only.
    "screen:place": Page(
        fixed("screen:place", "370400"),
        SIGNED_IN,
        get_status={"anonymous": 200},
        shows_all="公开大屏只展示已发布快照",
    ),
    "screen:place_data": Page(
        fixed("screen:place_data", "370400"),
        SIGNED_IN,
        get_status={"anonymous": 200},
        shows_all="公开大屏只展示已发布快照",
    ),
    # A place's other screens by its division code: that city's own published snapshot, chains and
    # appeals' aggregates only (tests/security/test_tenant_matrix.py: nothing of another city's).
    **{
        f"screen:place_{name}": Page(
            fixed(f"screen:place_{name}", "370400"),
            SIGNED_IN,
            get_status={"anonymous": 200},
        )
        for name in ("districts", "chains", "services", "appeals", "appeals_data")
    },
    # The chains' page of the screen: published yearly snapshots and published grades only.
    "screen:chains": Page(
        fixed("screen:chains"), SIGNED_IN, get_status={"anonymous": 200}, shows_all="公开大屏只展示已发布快照"
    ),
    # The districts' page of the screen: the ranking frozen in the latest published snapshot only.
    "screen:districts": Page(
        fixed("screen:districts"),
        SIGNED_IN,
        get_status={"anonymous": 200},
        shows_all="公开大屏只展示已发布快照",
    ),
    # The dashboard's published half is the public screen's data; its live half is scoped.
    "screen:dashboard": Page(fixed("screen:dashboard"), LEDGER, published_ok=True),
    "disclosure:index": Page(fixed("disclosure:index"), LEDGER),
    "disclosure:docx": Page(fixed("disclosure:docx", "2025-05"), LEDGER, shows_all="已发布考核期的公开文件"),
    "disclosure:report": Page(
        fixed("disclosure:report", "2025-05"), LEDGER, shows_all="已发布考核期的公开页面"
    ),
    # A city's public page of its published period, by the city's division code.
    "disclosure:public_place": Page(
        fixed("disclosure:public_place", "370400", "2025-05"),
        frozenset(ROLES),
        get_status={"anonymous": 200},
        shows_all="已发布考核期的公开页面",
    ),
    # The public page of a published period: anyone, signed in or not (an unpublished one: 404).
    "disclosure:public": Page(
        fixed("disclosure:public", "2025-05"),
        frozenset(ROLES),
        get_status={"anonymous": 200},
        shows_all="已发布考核期的公开页面",
    ),
}

# API paths that are not operations of the schema: the schema itself, the docs and their assets,
# the root, and the JSON 404 for any other path. Per role: the status of GET.
API_EXTRA: dict[str, tuple[str, dict[str, int]]] = {
    "/openapi.json": ("/openapi.json", dict.fromkeys(ROLES, 200)),
    "/docs": ("/docs", dict.fromkeys(ROLES, 200)),
    "/docs/assets/{name}": ("/docs/assets/swagger-ui.css", dict.fromkeys(ROLES, 200)),
    "": ("/", dict.fromkeys(ROLES, 404)),
    "/{rest}": ("/no/such/thing", dict.fromkeys(ROLES, 404)),
}


# -- the URL configuration ----------------------------------------------------------------------


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(route name with its namespace, pattern) of every URL pattern, recursively."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(n for n in (namespace, entry.name or "") if n)
            yield name, prefix + str(entry.pattern)


def api_operations() -> set[str]:
    """Every operation of the JSON API, as "METHOD /path" (the path below /api/v1)."""
    schema = api.get_openapi_schema(path_prefix="")
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def api_path(pattern: str) -> str:
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern.removeprefix("api/v1/"))
    return "" if path == "/" else path


def test_every_route_is_registered():
    missing = []
    schemed = api_operations()
    api_table = {f"{r.method} {r.path}" for r in API_ROUTES}
    schemed_paths = {op.split(" ", 1)[1] for op in schemed}
    for name, pattern in walk(get_resolver()):
        if name.startswith("api:"):
            path = api_path(pattern)
            if path in schemed_paths:
                missing += [op for op in schemed if op.endswith(f" {path}") and op not in api_table]
            elif path not in API_EXTRA:
                missing.append(f"{name} /{pattern}")
        elif name not in PAGES:
            missing.append(f"{name or '(无名称)'} /{pattern}")
    assert not missing, "新路由未登记权限：" + "、".join(sorted(set(missing)))
    names = {name for name, _p in walk(get_resolver())}
    assert not set(PAGES) - names, f"权限表中有已不存在的路由：{sorted(set(PAGES) - names)}"


def test_the_walk_finds_nested_routes_and_api_operations():
    """The generator itself: it sees namespaced routes and API operations, not only the top level."""
    names = {name for name, _p in walk(get_resolver())}
    assert {"projects:report_review", "tasks:evidence", "api:unknown_path"} <= names
    assert "POST /reports/{report_id}/review" in api_operations()


# -- the matrix ---------------------------------------------------------------------------------


def clients(w: World) -> dict[str, Client]:
    out = {}
    for who in ROLES:
        client = Client()
        if who != "anonymous":
            client.force_login(getattr(w.cast, who))
        out[who] = client
    return out


def body_text(response: Any) -> str:
    """The text of a page, or of every cell of an .xlsx download."""
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        data = b"".join(response.streaming_content) if response.streaming else response.content
        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(str(c) for s in book for row in s.iter_rows(values_only=True) for c in row if c)
    if content_type.startswith(("text/", "application/json")):
        return response.content.decode()
    return ""


def leaks(page: Page, who: str, text: str, public: str) -> list[str]:
    if page.shows_all or not text:
        return []
    hidden = [m for m, kind, where in MARKERS if who not in SEES[kind][where]]
    return [m for m in hidden if m in text and not (page.published_ok and m in public)]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_matrix(world, name):
    page = PAGES[name]
    users = clients(world)
    public = users["anonymous"].get(reverse("screen:data")).content.decode() if page.published_ok else ""
    problems = []
    for who in ROLES:
        for where in page.places():
            url = page.url(world, where)
            response = users[who].get(url)
            want = page.expected_get(who, where)
            if response.status_code != want:
                problems.append(f"GET {url} | {who} | {where}: {response.status_code}，应为 {want}")
            elif want == 302 and who == "anonymous" and "/accounts/login/" not in response["Location"]:
                problems.append(f"GET {url} | anonymous: 跳转到 {response['Location']}，应为登录页")
            elif response.status_code == 200:
                problems += [
                    f"GET {url} | {who}: 泄露了“{m}”" for m in leaks(page, who, body_text(response), public)
                ]
    assert not problems, "\n".join(problems)


POSTS = sorted(name for name, page in PAGES.items() if page.post is not None)


@pytest.mark.django_db
@pytest.mark.parametrize("name", POSTS)
def test_refused_posts_change_nothing(world, name):
    page = PAGES[name]
    assert page.post is not None
    users = clients(world)
    problems = []
    before = fingerprint()
    for who in ROLES:
        for where in page.places():
            want = page.expected_post(who, where)
            if who != "anonymous" and page.may_post(who, where):
                continue  # a permitted post: only `post_actor` sends it, below
            url, body = page.url(world, where), page.post(world, where)
            response = users[who].post(url, body)
            if response.status_code != want:
                problems.append(f"POST {url} | {who} | {where}: {response.status_code}，应为 {want}")
            changed = changed_tables(before, fingerprint())
            if changed:
                problems.append(f"POST {url} | {who} | {where}: 被拒绝却改动了 {changed}")
    if page.post_actor:
        where = "inside" if page.item else "-"
        before = fingerprint()
        response = users[page.post_actor].post(page.url(world, where), page.post(world, where))
        assert response.status_code == 302, response.content.decode()[:500]
        assert changed_tables(before, fingerprint()), f"{page.post_actor} 的同一请求应当生效"
    assert not problems, "\n".join(problems)


# -- unsafe API operations: refused requests change nothing --------------------------------------

UNSAFE_API = [r for r in API_ROUTES if r.method != "GET"]


@pytest.mark.django_db
@pytest.mark.parametrize("route", UNSAFE_API, ids=lambda r: f"{r.method} {r.path}")
def test_refused_api_calls_change_nothing(world, api_as, route):
    from tests.api.test_scope_matrix import ROLES as API_ROLES
    from tests.api.test_scope_matrix import _item, _url

    problems = []
    users = {who: api_as(who) for who in API_ROLES}  # signing in touches the user rows
    before = fingerprint()
    for who in API_ROLES:
        client = users[who]
        for where in ("inside", "outside") if route.kind == "item" else ("-",):
            if route.kind == "item":
                want = api_expected_status(route, who, where)
                item = _item(world.cast, world.ledger, route.item, where)
                url = _url(route, item)
            else:  # about the caller: refused to the anonymous and to the roles the route names
                want = 401 if who == "anonymous" else 404 if who in route.refused else route.ok
                item, url = None, route.path
            if want < 400:
                continue
            body = route.body(world.cast, world.ledger, item) if route.body else None
            if route.multipart:
                response = client.multipart(url, body)
            else:
                response = getattr(client, route.method.lower())(url, body)
            if response.status_code != want:
                problems.append(
                    f"{route.method} {url} | {who} | {where}: {response.status_code}，应为 {want}"
                )
            changed = changed_tables(before, fingerprint())
            if changed:
                problems.append(f"{route.method} {url} | {who} | {where}: 被拒绝却改动了 {changed}")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(API_EXTRA))
def test_api_paths_outside_the_schema(world, path):
    url, statuses = API_EXTRA[path]
    users = clients(world)
    problems = []
    for who in ROLES:
        response = users[who].get("/api/v1" + url)
        if response.status_code != statuses[who]:
            problems.append(f"GET /api/v1{url} | {who}: {response.status_code}，应为 {statuses[who]}")
    assert not problems, "\n".join(problems)


# -- every API operation from a session that has not passed the sign-in gate ---------------------

GATE_HEADERS = ["", "x", "Bearer bogus", "Bearer lp_forged", "Basic eDp5"]


def half_signed_in(username: str, password: str) -> Client:
    """A session past the password step only, with the CSRF token it would send."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302, response.content.decode()[:300]
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("pending", ["two_factor", "password"])
def test_every_api_operation_refuses_a_half_signed_in_session(world, settings, pending):
    """With any Authorization header that is not an accepted token: 401 on every operation of the
    schema, and nothing changes."""
    from liangping.core import accounts
    from tests.api.test_scope_matrix import _item, _url
    from tests.cast import PASSWORD

    settings.TWO_FACTOR_RELAXED = False
    if pending == "two_factor":
        client, expected = half_signed_in("supervisor", PASSWORD), "动态口令"
    else:
        accounts.create_user(
            world.cast.secadmin,
            username="gate-new",
            display_name="新部门用户",
            role=Role.DEPARTMENT,
            org=world.cast.fagai,
            password="Chushi#2025",
        )
        client, expected = half_signed_in("gate-new", "Chushi#2025"), "修改初始密码"
    csrf = client.cookies["csrftoken"].value
    operations = api_operations()
    covered = {f"{r.method} {r.path}" for r in API_ROUTES}
    assert operations <= covered, f"未覆盖的接口：{sorted(operations - covered)}"
    problems = []
    before = fingerprint()
    for route in API_ROUTES:
        item = _item(world.cast, world.ledger, route.item, "inside") if route.item else None
        url = "/api/v1" + (_url(route, item) if route.kind == "item" else route.path)
        body = route.body(world.cast, world.ledger, item) if route.body else None
        for header in GATE_HEADERS:
            extra = {"HTTP_AUTHORIZATION": header, "HTTP_X_CSRFTOKEN": csrf}
            if route.method == "GET":
                response = client.get(url, **extra)
            elif route.multipart:
                response = client.post(url, body, **extra)
            else:
                send = getattr(client, route.method.lower())
                response = send(url, json.dumps(body), content_type="application/json", **extra)
            detail = (
                response.json().get("detail", "")
                if response.get("Content-Type") == "application/json"
                else ""
            )
            if response.status_code != 401 or expected not in str(detail):
                problems.append(
                    f"{route.method} {url} | {header!r}: {response.status_code} {str(detail)[:60]}"
                )
    changed = changed_tables(before, fingerprint())
    assert not changed, f"被拒绝却改动了 {changed}"
    assert not problems, "\n".join(problems)
