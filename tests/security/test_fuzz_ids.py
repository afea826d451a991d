"""Every integer parameter of the API and the pages with a number no record id can be.

`?district=9999999999999999999999` once answered 500 (SQLite refuses the number before the query
runs). Each integer the API takes — path, query and JSON body, read from its own OpenAPI schema —
and each `<int:…>` in the URL configuration, and each filter a page reads from its query string, is
sent far beyond (and far below) the 64-bit range: the answer is 404 or 422, never a 500.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver

from liangping.api import api
from liangping.sheets import registry
from tests.api.test_scope_matrix import ROUTES, _item, _url
from tests.security.test_authz_matrix import walk

BIG = "9999999999999999999999"
NUMBERS = [BIG, "-" + BIG, str(2**63), str(-(2**63) - 1)]
# Every name a page reads a number from its query string (filters, the year of the calendar …), and
# a few it might: sent to every page at once.
PAGE_PARAMS = [
    "district",
    "department",
    "leader",
    "specialist",
    "project",
    "unit",
    "org",
    "year",
    "actor",
    "user",
    "lead_org",
    "page",
    "grade",
    "month",
    "period",
    "status",
    "kind",
    "category",
]


def integer(schema: dict[str, Any]) -> bool:
    kinds = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
    return "integer" in kinds


def operation(method: str, path: str) -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="")["paths"][path][method.lower()]  # type: ignore[no-any-return]


def body_integers(op: dict[str, Any]) -> list[str]:
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return []
    schema = content["schema"]
    if "$ref" in schema:
        components = api.get_openapi_schema(path_prefix="")["components"]["schemas"]
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return [name for name, prop in schema.get("properties", {}).items() if integer(prop)]


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    if method == "GET":
        return client.get(url)
    return getattr(client, method.lower())(url, json.dumps(body or {}), content_type="application/json")


@pytest.mark.django_db
def test_every_integer_of_the_api(cast, ledger):
    client = Client()
    client.force_login(cast.supervisor)  # sees every record: the number itself must be refused
    problems, tried = [], 0
    for route in ROUTES:
        op = operation(route.method, route.path)
        item = _item(cast, ledger, route.item, "inside") if route.item else None
        base_url = "/api/v1" + (_url(route, item) if route.kind == "item" else route.path)
        base_body = route.body(cast, ledger, item) if route.body else {}
        for param in op.get("parameters", []):
            if not integer(param["schema"]):
                continue
            for number in NUMBERS:
                if param["in"] == "path":
                    shape = re.sub(r"{(\w+)}", r"(?P<\1>\\d+)", route.path)
                    found = re.fullmatch(shape, _url(route, item))
                    assert found, (shape, _url(route, item))
                    values = found.groupdict()
                    values[param["name"]] = number
                    url = "/api/v1" + route.path.format(**values)
                else:
                    url = f"{base_url}?{param['name']}={number}"
                response = send(client, route.method, url, base_body)
                tried += 1
                if response.status_code not in (404, 422) or "detail" not in response.json():
                    problems.append(f"{route.method} {url}: {response.status_code}")
        if route.multipart:
            continue
        for name in body_integers(op):
            for number in NUMBERS:
                response = send(client, route.method, base_url, {**base_body, name: int(number)})
                tried += 1
                if response.status_code not in (404, 422):
                    problems.append(f"{route.method} {base_url} {{{name}: {number}}}: {response.status_code}")
    assert tried > 100
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "sysadmin"])
def test_every_integer_in_a_page_path(cast, who):
    client = Client(raise_request_exception=False)
    client.force_login(getattr(cast, who))
    problems, tried = [], 0
    for name, pattern in walk(get_resolver()):
        if "<int:" not in pattern or name.startswith("api:"):
            continue
        for number in NUMBERS[:1]:
            url = "/" + re.sub(r"<int:\w+>", number, pattern)
            url = re.sub(r"<slug:\w+>", "contact_phone", re.sub(r"<(?:str|path):\w+>", "x", url))
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                tried += 1
                if response.status_code not in (404, 405):
                    problems.append(f"{method.upper()} {url} ({name}): {response.status_code}")
    assert tried > 40
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "sysadmin"])
def test_every_page_with_huge_numbers_in_its_query(cast, who):
    client = Client(raise_request_exception=False)
    client.force_login(getattr(cast, who))
    problems, tried = [], 0
    pages = [(name, pattern) for name, pattern in walk(get_resolver()) if "<" not in pattern]
    pages += [("sheets:export", f"sheets/export/{e.name}.xlsx") for e in registry.exporters()]
    for name, pattern in pages:
        if name.startswith("api:") or "logout" in name:
            continue
        for number in (BIG, "-" + BIG, "9" * 5000):  # all at once, in and out of range of int()
            query = "&".join(f"{p}={number}" for p in PAGE_PARAMS)
            for extra in ("", "&start=2025-01-01&days=3"):
                url = f"/{pattern}?{query}{extra}"
                response = client.get(url)
                tried += 1
                if response.status_code >= 500:
                    problems.append(f"GET /{pattern}?…={number[:30]}{extra} ({name}): {response.status_code}")
        for param in PAGE_PARAMS:  # one at a time: a page may stop at the first bad filter
            response = client.get(f"/{pattern}?{param}={BIG}")
            tried += 1
            if response.status_code >= 500:
                problems.append(f"GET /{pattern}?{param}={BIG} ({name}): {response.status_code}")
    assert tried > 100
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_reported_requests(cast):
    """The three requests of the report: the ledger page, the API list and the export."""
    client = Client()
    client.force_login(cast.supervisor)
    assert client.get(f"/projects/?district={BIG}").status_code == 404
    assert client.get(f"/sheets/export/projects.xlsx?district={BIG}").status_code == 404
    response = client.get(f"/api/v1/projects?district={BIG}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "district"
    assert client.get("/projects/?district=3").status_code == 200  # an ordinary id still filters
