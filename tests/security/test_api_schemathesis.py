"""Property-based tests of the JSON API from its own OpenAPI schema (schemathesis, in-process WSGI).

Every operation gets generated requests — valid and invalid bodies, paths and queries — sent with the
API token of a supervisor (sees everything) and of a project unit (sees its own project only). No
request may produce a 500, and every response must conform to the schema: its documented status
codes, content type and body.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from liangping.core.api import create_token

pytestmark = pytest.mark.django_db

EXAMPLES = 6


@pytest.fixture(autouse=True)
def _one_connection_per_test():
    """The WSGI handler closes old connections at the end of each request, which on PostgreSQL would
    close the test's own (its transaction holds the data); Django's test client unhooks it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["supervisor", "owner"])
def token(request, cast, ledger) -> str:  # type: ignore[no-untyped-def]
    """The raw API token of the cast member (the world holds a report, visit, case and task of each)."""
    user = getattr(cast, request.param)
    _token, raw = create_token(cast.secadmin, user, "接口测试")
    return raw


# Loaded when the module is collected (the schema endpoint reads no data). schemathesis.pytest.from_fixture
# would load it per test, but its lazy loader reads a pytest-internal attribute that pytest 9 dropped.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, token):
    # positive_data_acceptance is left out: business rules (a period code that exists, a month not in
    # the future, an id in the caller's scope) cannot all be told by the schema, and their refusals
    # (404, 409, 422) are checked against the documented responses instead.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )


def test_dates_are_not_read_as_timestamps(api_as):
    """Found by schemathesis: ?until=0 was read as 1970-01-01 (a Unix timestamp) instead of refused."""
    response = api_as("supervisor").get("/visits", until="0")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "until", "message": "until应为日期，格式如 2025-06-30"}]
    assert api_as("supervisor").get("/visits", until="2025-06-30").status_code == 200


def test_every_operation_documents_its_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "404", "422"} <= set(operation["responses"]), f"{method.upper()} {path}"


def test_a_huge_offset_is_refused_not_a_server_error(api_as):
    """Found by schemathesis: ?offset=3097276783706789464135118309050810368 reached the database (500)."""
    client = api_as("supervisor")
    for path in ("/cases", "/projects", "/reports", "/visits", "/tasks"):
        response = client.get(path, offset=str(2**64))
        assert response.status_code == 422, (path, response.content)
        assert response.json()["detail"][0]["field"] == "offset"
    assert client.get("/cases", offset=str(2**31 - 1)).json()["items"] == []
