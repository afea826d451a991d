"""Cache-Control: private, no-store on every page, download and API answer carrying personal data; the
public screen keeps its own caching."""

from __future__ import annotations

import pytest
from django.test import Client

from liangping.core.api import create_token

PRIVATE = "private, no-store"


@pytest.mark.django_db
def test_signed_in_pages_and_downloads_are_not_stored(cast):
    client = Client()
    client.force_login(cast.supervisor)
    for path in ["/", "/projects/", f"/projects/{cast.inside.pk}/", "/sheets/export/projects.xlsx"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == PRIVATE, path
    client.force_login(cast.secadmin)
    assert client.get("/users/")["Cache-Control"] == PRIVATE


@pytest.mark.django_db
def test_api_answers_are_not_stored(cast):
    _, raw = create_token(cast.secadmin, cast.supervisor, "脚本")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/projects")
    assert response.status_code == 200 and response["Cache-Control"] == PRIVATE
    assert Client().get("/api/v1/projects")["Cache-Control"] == PRIVATE  # even a refusal


@pytest.mark.django_db
def test_the_public_screen_keeps_its_caching(cast):
    client = Client()
    client.force_login(cast.supervisor)
    for path in ["/screen/", "/screen/data.json"]:
        assert client.get(path).get("Cache-Control", "") != PRIVATE, path
