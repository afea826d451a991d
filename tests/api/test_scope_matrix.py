"""Every endpoint × every cast member × an item inside and outside their scope → the expected status.

The table below is the contract. A route added to the API without a row here fails
`test_every_route_is_in_the_table`, so nobody can ship an endpoint whose scope was never checked.
Outside scope is always 404 (indistinguishable from a record that does not exist); 403 only for
an action the role may not take on an item it can see; 401 for anonymous callers.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from liangping.api import api
from tests.api.conftest import BASE, Ledger
from tests.cast import Cast
from tests.services.world import handled_body

ROLES = [
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
    "anonymous",
]
SEES = {
    "inside": {"supervisor", "leader", "department", "district", "specialist", "owner"},
    "outside": {"supervisor"},
}
# Leader-led tasks are seen by the supervisor, their leading city leader and the users of their lead
# or co-departments only (DOMAIN §3, §7): no district, specialist or project-unit user sees a task.
TASK_SEES = {
    "inside": {"supervisor", "leader", "department"},
    "outside": {"supervisor"},
}
# Site visits are the specialists' working record: the project unit is not shown them.
VISIT_SEES = {
    "inside": {"supervisor", "leader", "department", "district", "specialist"},
    "outside": {"supervisor"},
}
SEES_BY_KIND = {"task": TASK_SEES, "task_report": TASK_SEES, "visit": VISIT_SEES}


def sees(kind: str, where: str) -> set[str]:
    """Who sees the item of `kind` inside / outside scope (projects and their records: SEES)."""
    return SEES_BY_KIND.get(kind, SEES)[where]


def register_body() -> dict[str, Any]:
    """A case of the kind the ledger fixture loads (tests/api/conftest.py: MATRIX_KIND)."""
    return {"kind": "matrix_demo", "title": "路灯不亮", "data": {"phone": "13800008000"}}


EVERYONE = frozenset(ROLES)
ADMINS = frozenset({"sysadmin", "secadmin", "auditor"})

# Known defects outside the API, kept visible: (role, where, item kind) → reason. strict xfail, so
# the cell turns red the day the defect is fixed and the entry must be removed.
KNOWN_DEFECTS: dict[tuple[str, str, str], str] = {}

Body = Callable[[Cast, Ledger, Any], Any]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as in the OpenAPI schema, below /api/v1
    kind: str  # "self": about the caller; "list": a scoped list; "item": one record
    item: str = ""  # project | report | visit | case | task | task_report
    ok: int = 200
    may: frozenset[str] = EVERYONE  # who may act on an item they can see
    body: Body | None = field(default=None, compare=False)
    multipart: bool = False
    refused: frozenset[str] = frozenset()  # for "self" routes: who gets 404


ROUTES = [
    Route("GET", "/me", "self"),
    Route("GET", "/projects", "list", "project"),
    Route("GET", "/projects/{project_id}", "item", "project"),
    Route(
        "PATCH",
        "/projects/{project_id}",
        "item",
        "project",
        may=frozenset({"supervisor"}),
        body=lambda cast, ledger, p: {"version": p.version, "name": "改名后的项目"},
    ),
    Route(
        "POST",
        "/projects/{project_id}/cases",
        "item",
        "project",
        ok=201,
        body=lambda cast, ledger, p: {"title": "电力接入滞后", "description": "变电站未建成"},
    ),
    Route("GET", "/reports", "list", "report"),
    Route(
        "POST",
        "/projects/{project_id}/reports",
        "item",
        "project",
        ok=201,
        may=frozenset({"supervisor", "specialist", "owner"}),
        body=lambda cast, ledger, p: {"month": "2025-04", "month_investment": "10", "ytd_investment": "20"},
    ),
    Route(
        "POST",
        "/reports/{report_id}/review",
        "item",
        "report",
        may=frozenset({"supervisor"}),
        body=lambda cast, ledger, r: {"approve": True, "note": "", "version": r.version},
    ),
    Route("GET", "/visits", "list", "visit"),
    Route(
        "POST",
        "/projects/{project_id}/visits",
        "item",
        "project",
        ok=201,
        may=frozenset({"supervisor", "specialist"}),
        body=lambda cast, ledger, p: {"date": "2025-05-21", "findings": "复工情况良好"},
        multipart=True,
    ),
    Route("GET", "/visits/{visit_id}/photos/{photo_id}", "item", "visit"),
    Route("GET", "/cases", "list", "case"),
    Route("GET", "/cases/{case_id}", "item", "case"),
    Route(
        "POST",
        "/cases/{case_id}/actions",
        "item",
        "case",
        may=frozenset({"supervisor", "department"}),  # 市发展改革委 leads case_in
        body=lambda cast, ledger, c: {"action": "handle", "note": "已对接", "version": c.version},
    ),
    Route(
        "POST",
        "/cases/{case_id}/act",
        "item",
        "case",
        may=frozenset({"supervisor", "department"}),  # 市发展改革委 leads case_in
        body=lambda cast, ledger, c: {"action": "handle", "note": "已对接", "version": c.version},
    ),
    # Any signed-in ledger user may register a kind open to "anyone"; the administrators see no ledger.
    Route("POST", "/cases", "self", ok=201, refused=ADMINS, body=lambda cast, ledger, _: register_body()),
    # a hall's system reports handled cases: the supervisor and the halls' (district) accounts
    Route(
        "POST",
        "/services/handled",
        "self",
        ok=201,
        refused=EVERYONE - {"supervisor", "district", "anonymous"},
        body=handled_body,
    ),
    Route("GET", "/grading/board", "list", "project"),  # items carry the project id
    # published to the media: every signed-in user but the three administrators (三权分立)
    Route("GET", "/grading/ranking", "self", refused=ADMINS),
    Route("GET", "/grading/units", "self", refused=ADMINS),
    Route("GET", "/grading/summons", "self"),  # filtered inside: supervisor all, a leader their own
    Route("GET", "/grading/periods", "self", refused=ADMINS),
    Route("GET", "/tasks", "list", "task"),
    Route("GET", "/tasks/{task_id}", "item", "task"),
    Route(
        "POST",
        "/tasks/{task_id}/reports",
        "item",
        "task",
        ok=201,
        may=frozenset({"supervisor", "department"}),  # 市发展改革委 leads task_in
        body=lambda cast, ledger, t: {"month": "2025-04", "actual_value": "8", "progress": "已签约8个"},
    ),
    Route(
        "POST",
        "/task-reports/{report_id}/review",
        "item",
        "task_report",
        may=frozenset({"supervisor"}),
        body=lambda cast, ledger, r: {"approve": True, "note": "", "version": r.version},
    ),
]

# Served by the API but not part of its schema: the docs, their assets, the schema, the root, and
# the JSON 404 for any other path.
UNSCHEMED = {"/openapi.json", "/docs", "/docs/assets/{name}", "", "/{rest}"}


def expected_status(route: Route, who: str, where: str) -> int:
    if who == "anonymous":
        return 401
    if who not in sees(route.item, where):
        return 404
    return route.ok if who in route.may else 403


def known_defect(route: Route, who: str, where: str) -> str | None:
    places = ["inside", "outside"] if where == "-" else [where]  # a list shows both
    reasons = [KNOWN_DEFECTS.get((who, place, route.item)) for place in places]
    return next((r for r in reasons if r), None)


def _cases() -> list[Any]:
    params = []
    for route in ROUTES:
        for who in ROLES:
            for where in ["inside", "outside"] if route.kind == "item" else ["-"]:
                reason = known_defect(route, who, where)
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                ident = f"{route.method} {route.path} | {who} | {where}"
                params.append(pytest.param(route, who, where, id=ident, marks=marks))
    return params


def _item(cast: Cast, ledger: Ledger, kind: str, where: str) -> Any:
    return getattr(cast, where) if kind == "project" else ledger.item(kind, where)


def _url(route: Route, item: Any) -> str:
    ids = {
        "project_id": getattr(item, "pk", None),
        "report_id": getattr(item, "pk", None),
        "case_id": getattr(item, "pk", None),
        "visit_id": getattr(item, "pk", None),
        "task_id": getattr(item, "pk", None),
        "photo_id": item.photos.first().pk if route.item == "visit" else None,
    }
    return route.path.format(**ids)


def _ids(items: list[Any], cast: Cast, ledger: Ledger, kind: str) -> set[str]:
    names = {_item(cast, ledger, kind, where).pk: where for where in ("inside", "outside")}
    return {names[i["id"]] for i in items if i["id"] in names}


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "who", "where"), _cases())
def test_scope_matrix(api_as, cast, ledger, route, who, where):
    client = api_as(who)
    if route.kind == "item":
        item = _item(cast, ledger, route.item, where)
        url = _url(route, item)
        body = route.body(cast, ledger, item) if route.body else None
    else:
        url, body = route.path, route.body(cast, ledger, None) if route.body else None
    if route.method == "GET":
        response = client.get(url)
    elif route.multipart:
        response = client.multipart(url, body)
    else:
        response = getattr(client, route.method.lower())(url, body)

    if route.kind == "item":
        assert response.status_code == expected_status(route, who, where), response.content.decode()
    else:
        wanted = 401 if who == "anonymous" else 404 if who in route.refused else route.ok
        assert response.status_code == wanted, response.content.decode()
    if response.status_code >= 400:
        detail = response.json()["detail"]
        assert detail == {401: "请先登录", 404: "未找到该记录"}.get(response.status_code, detail)
        assert re.search(r"[\u4e00-\u9fff]", str(detail)), "error messages are in Chinese"
    elif route.kind == "list":
        seen = _ids(response.json()["items"], cast, ledger, route.item)
        assert seen == {w for w in ("inside", "outside") if who in sees(route.item, w)}


def test_every_route_is_in_the_table(client):
    schema = client.get(BASE + "/openapi.json").json()
    in_schema = {(m.upper(), p.removeprefix(BASE)) for p, ops in schema["paths"].items() for m in ops}
    assert in_schema == {(r.method, r.path) for r in ROUTES}

    patterns = {"/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(u.pattern)) for u in api.urls[0]}
    patterns = {p.rstrip("/") if p != "/" else "" for p in patterns}
    assert patterns == {r.path for r in ROUTES} | UNSCHEMED
