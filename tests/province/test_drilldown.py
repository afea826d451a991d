"""The province's office drills down into any city, read-only: it opens the city's ledger, project
pages, grading board, tasks and cases as the city's supervisor sees them, no page offers a change,
and every change it sends (page or API) is refused with nothing written."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from liangping.core.models import Org, OrgKind, Role
from liangping.core.scope import city_scope, is_provincial, read_only
from liangping.projects.models import Project
from tests.cast import make_user
from tests.province.world import build_jinan
from tests.security.conftest import changed_tables, fingerprint

pytestmark = pytest.mark.django_db


def _client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _post_forms(html: str) -> list[str]:
    """The actions of the page's POST forms and hx-post buttons, sign-out aside."""
    forms = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', html, flags=re.I)
    forms += ["(本页)" for _ in re.findall(r'<form(?![^>]*action=)[^>]*method="post"', html, flags=re.I)]
    forms += re.findall(r'hx-post="([^"]*)"', html)
    return [f for f in forms if f != reverse("logout")]


def test_who_is_the_province(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    assert is_provincial(jinan.provincial) and read_only(jinan.provincial)
    assert not is_provincial(cast.supervisor) and not is_provincial(jinan.supervisor)
    # a unit without a parent (a single-city installation's) is not the province's
    lone = Org.objects.create(name="独立督查室", kind=OrgKind.OFFICE)
    assert not is_provincial(make_user("lone", Role.SUPERVISOR, lone, "督查员丙"))


def test_the_switcher_chooses_the_city_the_province_reads(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    client = _client(jinan.provincial)
    page = client.get(reverse("province:board")).content.decode()
    assert "?city=370100" in page and "全省各市" in page
    assert client.get(reverse("province:board") + "?city=370100").status_code == 302
    ledger = client.get(reverse("projects:list")).content.decode()
    assert "济南示例新材料项目" in ledger and "示例动力电池项目" not in ledger
    assert "省级只读查看" in ledger and "济南市" in ledger
    board = client.get(reverse("province:board")).content.decode()
    assert "正在查看 <b>济南市</b>" in board
    client.get(reverse("province:board") + "?city=all")
    ledger = client.get(reverse("projects:list")).content.decode()
    assert "济南示例新材料项目" in ledger and "示例动力电池项目" in ledger
    # the choice is the province's people's only: a city's supervisor keeps their city
    other = _client(cast.supervisor)
    other.get(reverse("province:board") + "?city=370100")
    user = cast.supervisor
    user.drill_city = jinan.city.pk  # even set by hand, a city's person stays in their city
    assert city_scope(user) == cast.supervisor.org.tenant_id


def test_the_province_reads_a_citys_pages_with_nothing_to_change(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    client = _client(jinan.provincial)
    client.get(reverse("province:board") + "?city=370100")
    urls = [
        reverse("projects:list"),
        reverse("projects:detail", args=[jinan.item("project").pk]),
        reverse("projects:report_detail", args=[jinan.item("report").pk]),
        reverse("tasks:list"),
        reverse("tasks:detail", args=[jinan.item("task").pk]),
        reverse("tasks:report_detail", args=[jinan.item("task_report").pk]),
        reverse("cases:list"),
        reverse("cases:detail", args=[jinan.item("case").pk]),
        reverse("grading:board"),
        reverse("chains:detail", args=[jinan.item("chain").pk]),
    ]
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        html = response.content.decode()
        if _post_forms(html):
            problems.append(f"{url}: 提供了修改 {_post_forms(html)}")
        for label in ("编辑</a>", "报送月度调度", "登记走访", "新建攻坚事项", "登记问题"):
            if label in html:
                problems.append(f"{url}: 显示了“{label}”")
    assert not problems, "\n".join(problems)
    # the same pages, to 济南's own supervisor, do offer changes
    mine = _client(jinan.supervisor).get(reverse("projects:detail", args=[jinan.item("project").pk]))
    assert "编辑</a>" in mine.content.decode()


def test_every_change_the_province_sends_is_refused(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    client = _client(jinan.provincial)
    project = jinan.item("project")
    before = fingerprint()
    posts = [
        (reverse("projects:edit", args=[project.pk]), {"name": "篡改"}),
        (reverse("cases:act", args=[jinan.item("case").pk]), {"action": "reply", "note": "篡改"}),
        (reverse("tasks:edit", args=[jinan.item("task").pk]), {"title": "篡改"}),
        (reverse("chains:goal", args=[jinan.item("chain").pk]), {"year": "2030", "output": "1"}),
        (reverse("emergency:warning_close", args=[jinan.item("em_warning").pk]), {"reason": "篡改"}),
    ]
    for url, body in posts:
        assert client.post(url, body).status_code == 404, url
    api = client.patch(
        f"/api/v1/projects/{project.pk}",
        json.dumps({"name": "篡改"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN="x",
    )
    assert api.status_code == 403 and "不能修改" in api.json()["detail"]
    assert not changed_tables(before, fingerprint())
    assert Project.objects.get(pk=project.pk).name == "济南示例新材料项目"
    # their own account stays theirs: signing out works
    assert client.post(reverse("logout")).status_code == 302
