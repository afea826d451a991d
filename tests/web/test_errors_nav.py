"""The pages people land on when something is missing, refused or broken, the site icon, and the
grouped menu every role sees."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from liangping.core import errors
from liangping.core.context import MENUS

EVERYONE = ["supervisor", "leader", "department", "district", "specialist", "owner", "outsider"]
EVERYONE += ["sysadmin", "secadmin", "auditor"]


@pytest.mark.django_db
def test_404_is_chinese_with_a_way_home(client, cast):
    client.force_login(cast.leader)
    for url in ["/no/such/page/", f"/projects/{cast.outside.pk}/"]:  # missing, and outside the scope
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 404, url
        assert "无权查看或不存在" in body and 'href="/"' in body and "返回首页" in body
        assert 'aria-label="主菜单"' in body  # the page keeps the site's menu
        assert "Page not found" not in body and "Not Found" not in body
    anonymous = Client().get("/no/such/page/")
    assert anonymous.status_code == 404 and "无权查看或不存在" in anonymous.content.decode()


@pytest.mark.django_db
def test_403_and_a_failed_csrf_check_are_chinese(cast, rf):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.supervisor)
    response = strict.post("/cases/new/", {"title": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "请刷新页面后重试" in body and "返回首页" in body and "CSRF verification failed" not in body
    request = rf.get("/projects/")
    request.user = cast.supervisor
    denied = errors.permission_denied(request, PermissionError())
    assert denied.status_code == 403 and "无权查看或操作" in denied.content.decode()


def test_500_says_it_was_recorded_and_never_shows_a_trace(rf):
    response = errors.server_error(rf.get("/projects/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "出错了" in body and "已自动记录" in body and 'href="/"' in body
    assert "Traceback" not in body and "Server Error" not in body


@pytest.mark.django_db
def test_a_failing_page_answers_the_500_page(cast, monkeypatch):
    def broken(path: str) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr("liangping.core.views_site.finders.find", broken)
    response = Client(raise_request_exception=False).get("/favicon.ico")
    assert response.status_code == 500
    assert "错误已自动记录" in response.content.decode() and "boom" not in response.content.decode()


def test_the_api_gets_json_errors_with_chinese_messages(rf):
    for view, status in [
        (lambda r: errors.page_not_found(r, None), 404),
        (lambda r: errors.permission_denied(r, None), 403),
        (errors.server_error, 500),
        (lambda r: errors.csrf_failure(r, "CSRF cookie not set."), 403),
    ]:
        response = view(rf.get("/api/v1/whatever"))
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        detail = json.loads(response.content)["detail"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in detail), detail


@pytest.mark.django_db
def test_favicon_is_linked_and_served(client, cast):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    client.force_login(cast.supervisor)
    page = client.get("/projects/").content.decode()
    assert 'rel="icon" href="/static/liangping/favicon.svg"' in page
    assert client.get("/static/liangping/favicon.svg").status_code == 200


@pytest.mark.django_db
def test_the_supervisor_menu_is_grouped(client, cast):
    client.force_login(cast.supervisor)
    response = client.get("/grading/ranking/")
    groups = response.context["menu_groups"]
    # 赛事活动 stands on its own (a group without a label), between the groups
    assert [g["label"] for g in groups] == [
        "台账调度",
        "诉求办理",
        "政务服务",
        "分级考核",
        "防汛值守",
        "企业服务",
        "",
        "公开",
        "设置",
    ]
    assert [i["label"] for i in groups[6]["items"]] == ["赛事活动"]
    assert sum(len(g["items"]) for g in groups) >= 15
    assert [g["label"] for g in groups if g["active"]] == ["分级考核"]
    body = response.content.decode()
    assert body.count('<details class="menu-group') == 8 and 'aria-current="page">指标排名<' in body


@pytest.mark.django_db
@pytest.mark.parametrize("who", EVERYONE)
def test_every_menu_entry_opens_for_its_role(client, cast, who):
    """No role is offered a page it cannot open."""
    user = getattr(cast, who)
    client.force_login(user)
    items = client.get("/").context["menu_items"]
    assert len(items) == sum(len(entries) for _g, entries in MENUS[user.role])
    refused = {i["label"]: s for i in items if (s := client.get(i["url"]).status_code) != 200}
    assert not refused


@pytest.mark.django_db
def test_only_specialists_get_the_bottom_bar(client, cast):
    client.force_login(cast.specialist)
    body = client.get("/projects/visits/").content.decode()
    assert 'class="bottom-bar"' in body
    assert 'aria-current="page">走访</a>' in body and ">调度</a>" in body and ">问题</a>" in body
    for who in ["supervisor", "owner", "district"]:
        client.force_login(getattr(cast, who))
        assert "bottom-bar" not in client.get("/projects/").content.decode()


@pytest.mark.django_db
def test_demo_notes_take_one_line(client, cast, settings):
    settings.DEMO = True
    client.force_login(cast.leader)
    body = client.get("/projects/").content.decode()
    assert body.count('class="demo-banner"') == 1
    assert "示例城市" in body and "演示环境已放宽双因素登录" in body
