"""Tokens and sessions, JSON errors in Chinese, and the self-contained docs page."""

import re

import pytest
from django.test import Client

from liangping.core.api import TOKEN_PREFIX, create_token, hash_token, revoke_token, user_for_token
from liangping.core.models import ApiToken, AuditLog
from liangping.projects import services
from tests.api.conftest import BASE
from tests.cast import PASSWORD


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_create_token_stores_only_a_hash(cast):
    token, raw = create_token(cast.secadmin, cast.specialist, " 移动端 ")
    assert raw.startswith(TOKEN_PREFIX) and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw) and raw not in stored.key_hash and stored.name == "移动端"
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert user_for_token(raw) == cast.specialist
    assert AuditLog.objects.filter(action="api_token.create", actor=cast.secadmin).exists()
    with pytest.raises(ValueError, match="令牌名称"):
        create_token(cast.secadmin, cast.specialist, " ")


@pytest.mark.django_db
def test_token_auth_and_revocation(cast):
    token, raw = create_token(cast.secadmin, cast.district, "大屏对接")
    client = bearer(raw)
    me = client.get(BASE + "/me")
    assert me.status_code == 200
    assert me.json() == {
        "id": cast.district.pk,
        "username": "district",
        "name": "滕州员",
        "role": "district",
        "role_label": "区（市）用户",
        "org": {"id": cast.tengzhou.pk, "name": "滕州市", "kind": "district"},
        "sees_ledger": True,
        "auth": "token",
    }
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert client.get(BASE + "/projects").json()["count"] == 1
    revoke_token(cast.secadmin, token, reason="人员调岗")
    refused = client.get(BASE + "/me")
    assert refused.status_code == 401 and refused.json() == {"detail": "请先登录"}
    assert AuditLog.objects.filter(action="api_token.revoke").get().reason == "人员调岗"


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer lp_not-a-real-token", "Bearer ", "Basic Zm9vOmJhcg==", "lp_x"])
def test_bad_credentials_are_401(cast, header):
    response = Client(HTTP_AUTHORIZATION=header).get(BASE + "/projects")
    assert response.status_code == 401 and response.json() == {"detail": "请先登录"}


@pytest.mark.django_db
def test_inactive_users_token_is_refused(cast):
    _, raw = create_token(cast.secadmin, cast.owner, "x")
    cast.owner.is_active = False
    cast.owner.save()
    assert bearer(raw).get(BASE + "/me").status_code == 401


@pytest.mark.django_db
def test_session_needs_csrf_for_unsafe_methods_but_tokens_do_not(cast):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="supervisor", password=PASSWORD)
    assert client.get(BASE + "/me").json()["auth"] == "session"
    url = f"{BASE}/projects/{cast.inside.pk}"
    body = {"version": cast.inside.version, "name": "新名称"}
    refused = client.patch(url, body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert "刷新页面" in refused.json()["detail"]
    client.get(BASE + "/docs")  # sets the CSRF cookie, as the pages do
    token = client.cookies["csrftoken"].value
    accepted = client.patch(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200, accepted.content.decode()
    _, raw = create_token(cast.secadmin, cast.supervisor, "脚本")
    scripted = bearer(raw).patch(
        url, {**body, "version": accepted.json()["version"], "name": "脚本改名"}, "application/json"
    )
    assert scripted.status_code == 200
    # Anonymous unsafe requests are 401, not a CSRF 403.
    assert Client(enforce_csrf_checks=True).patch(url, body, "application/json").status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "status"),
    [(b"{not json", 400), (b"\xff\xfe", 400), (b'{"version": 1,', 400), (b"[1, 2]", 422), (b'"text"', 422)],
)
def test_malformed_bodies_are_not_500(api_as, cast, payload, status):
    response = api_as("supervisor").raw("patch", f"/projects/{cast.inside.pk}", payload)
    assert response.status_code == status, response.content.decode()
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else detail[0]["message"]
    assert re.search(r"[\u4e00-\u9fff]", text), detail


@pytest.mark.django_db
def test_unexpected_errors_are_500_without_a_trace(api_as, cast, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals: /srv/liangping/settings.py")

    monkeypatch.setattr(services, "update_project", boom)
    client = api_as("supervisor")
    client.client.raise_request_exception = False
    response = client.patch(f"/projects/{cast.inside.pk}", {"version": 1, "name": "x"})
    assert response.status_code == 500
    assert response.json() == {"detail": "服务器内部错误"}
    assert b"secret" not in response.content and b"Traceback" not in response.content


@pytest.mark.django_db
def test_missing_records_are_404_in_chinese(api_as, cast):
    for path in ("/projects/999999", "/cases/999999", "/visits/999999/photos/1"):
        response = api_as("supervisor").get(path)
        assert response.status_code == 404 and response.json() == {"detail": "未找到该记录"}


@pytest.mark.django_db
def test_unknown_paths_are_json_404(client):
    for path in ("/nothing", "/projects/", "/projects/1/secrets"):
        response = client.post(BASE + path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "未找到该记录"}


@pytest.mark.django_db
def test_admins_see_no_ledger(api_as, cast, ledger):
    for who in ("sysadmin", "secadmin", "auditor"):
        client = api_as(who)
        assert client.get("/me").json()["sees_ledger"] is False
        for path in ("/projects", "/reports", "/visits", "/cases"):
            assert client.get(path).json() == {"items": [], "count": 0}


def test_openapi_schema_loads(client):
    response = client.get(BASE + "/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "亮屏 liangping API"
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    money = schema["components"]["schemas"]["ProjectOut"]["properties"]["total_investment"]
    assert money["type"] == "string", "amounts are documented as decimal strings"


def test_docs_need_nothing_from_another_origin(client):
    response = client.get(BASE + "/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "http://" not in html and "https://" not in html and "cdn" not in html.lower()
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert int(asset["Content-Length"]) > 0
    assert client.get(BASE + "/docs/assets/..%2Fmain.py").status_code == 404
    assert client.get(BASE + "/docs/assets/redoc.standalone.js").status_code == 404


@pytest.mark.django_db
def test_in_production_the_schema_and_docs_need_a_sign_in(cast, settings):
    from django.test import Client

    from liangping.core.api import create_token

    settings.PRODUCTION = True
    for path in ("/openapi.json", "/docs"):
        response = Client().get(BASE + path)
        assert response.status_code == 401, path
        assert response.json()["detail"] == "请先登录后再查看接口文档"
        # a made-up token is not a sign-in either
        assert Client().get(BASE + path, HTTP_AUTHORIZATION="Bearer lp_made-up").status_code == 401
    session = Client()
    session.force_login(cast.district)
    assert session.get(BASE + "/openapi.json").status_code == 200
    assert session.get(BASE + "/docs").status_code == 200
    _, raw = create_token(cast.secadmin, cast.leader, "文档")
    assert Client().get(BASE + "/openapi.json", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    # outside production they stay open, for developers of client systems
    settings.PRODUCTION = False
    assert Client().get(BASE + "/openapi.json").status_code == 200
