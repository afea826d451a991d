"""接口令牌 page: the security administrator issues a token with a scope and an expiry (shown once), lists
and revokes tokens; the API refuses expired and revoked tokens, and writes with a read-only one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from liangping.core import tokens
from liangping.core.accounts import AccountError
from liangping.core.api import READ_ONLY, create_token, hash_token
from liangping.core.models import ApiToken, AuditLog, TokenScope
from tests.api.conftest import BASE


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def secadmin(cast) -> Client:
    client = Client()
    client.force_login(cast.secadmin)
    return client


def issue_on_page(client: Client, user, scope: str, days: int = 30) -> tuple[str, str]:
    until = timezone.localdate() + dt.timedelta(days=days)
    response = client.post(
        "/tokens/", {"user": user.pk, "name": "数据对接", "scope": scope, "until": until.isoformat()}
    )
    assert response.status_code == 200
    page = response.content.decode()
    match = re.search(r'<code class="token-value">(lp_[^<]+)</code>', page)
    assert match, page[:2000]
    return match.group(1), page


@pytest.mark.django_db
def test_the_security_administrator_issues_a_token_shown_once(cast):
    client = secadmin(cast)
    raw, page = issue_on_page(client, cast.district, "read")
    assert "只显示这一次" in page
    token = ApiToken.objects.get()
    assert token.key_hash == hash_token(raw) and token.scope == TokenScope.READ
    assert timezone.localtime(token.expires_at).date() == timezone.localdate() + dt.timedelta(days=31)
    listing = client.get("/tokens/").content.decode()
    assert raw not in listing and "数据对接" in listing and "只读" in listing and "有效" in listing
    entry = AuditLog.objects.get(action="api_token.create")
    assert entry.actor == cast.secadmin and entry.changes["scope"] == [None, "read"]
    assert raw not in str(entry.changes)


@pytest.mark.django_db
def test_a_read_only_token_reads_and_never_writes(cast):
    raw, _ = issue_on_page(secadmin(cast), cast.district, "read")
    client = bearer(raw)
    assert client.get(BASE + "/projects").json()["count"] == 1
    body = {"title": "电力接入滞后", "description": "变电站未建成"}
    response = client.post(f"{BASE}/projects/{cast.inside.pk}/cases", body, content_type="application/json")
    assert response.status_code == 403 and response.json() == {"detail": READ_ONLY}
    write, _ = issue_on_page(secadmin(cast), cast.district, "write")
    response = bearer(write).post(
        f"{BASE}/projects/{cast.inside.pk}/cases", body, content_type="application/json"
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_expired_and_revoked_tokens_are_refused(cast):
    token, raw = create_token(
        cast.secadmin, cast.district, "旧脚本", expires_at=timezone.now() + dt.timedelta(minutes=5)
    )
    assert bearer(raw).get(BASE + "/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = bearer(raw).get(BASE + "/me")
    assert refused.status_code == 401 and refused.json() == {"detail": "请先登录"}
    assert "已过期" in secadmin(cast).get("/tokens/").content.decode()

    client = secadmin(cast)
    raw2, _ = issue_on_page(client, cast.specialist, "write")
    live = ApiToken.objects.get(user=cast.specialist)
    assert bearer(raw2).get(BASE + "/me").status_code == 200
    response = client.post(f"/tokens/{live.pk}/revoke/", {"reason": "人员调岗"})
    assert response.status_code == 302
    assert bearer(raw2).get(BASE + "/me").status_code == 401
    entry = AuditLog.objects.get(action="api_token.revoke")
    assert entry.actor == cast.secadmin and entry.reason == "人员调岗"
    assert "已吊销" in client.get("/tokens/").content.decode()


@pytest.mark.django_db
def test_refusals(cast):
    client = secadmin(cast)
    today = timezone.localdate()
    for data, message in [
        ({"until": today.isoformat()}, "有效期须晚于今天"),
        ({"until": (today + dt.timedelta(days=400)).isoformat()}, "有效期最长"),
    ]:
        body = {"user": cast.district.pk, "name": "x", "scope": "read"} | data
        body.setdefault("until", (today + dt.timedelta(days=3)).isoformat())
        page = client.post("/tokens/", body).content.decode()
        assert message in page, message
    # a privileged account gets no token: whoever issues it would act as that account
    with pytest.raises(AccountError, match="特权账号"):
        tokens.issue(
            cast.secadmin, cast.supervisor, name="x", scope="read", until=today + dt.timedelta(days=3)
        )
    with pytest.raises(AccountError, match="只有安全管理员"):
        tokens.issue(cast.sysadmin, cast.district, name="x", scope="read", until=today + dt.timedelta(days=3))
    assert not ApiToken.objects.exists()
