"""A city is a tenant: its people see and change only their city's ledger; the province sees all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liangping.core import accounts
from liangping.core.accounts import AccountError
from liangping.core.models import Org, OrgKind, Role
from liangping.projects.models import Project
from liangping.sheets.runner import run_import
from liangping.tasks.models import Task
from tests.cast import make_user
from tests.province.world import build_jinan
from tests.sheets.builders import LEDGER_HEADER, MONTHLY_HEADER, ledger_row, write_xlsx

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_each_supervisor_sees_their_city_and_the_province_sees_both(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    codes = lambda user: set(Project.objects.visible_to(user).values_list("code", flat=True))  # noqa: E731
    assert codes(cast.supervisor) == {"ZZ-2025-001", "ZZ-2025-002"}
    assert codes(jinan.supervisor) == {"JN-2025-001"}
    assert codes(jinan.provincial) == {"ZZ-2025-001", "ZZ-2025-002", "JN-2025-001"}
    assert not Task.objects.visible_to(cast.supervisor).filter(code="JN-GJ-1").exists()
    assert Task.objects.visible_to(jinan.provincial).filter(code="JN-GJ-1").exists()
    page = _client(jinan.provincial).get(reverse("projects:list")).content.decode()
    assert "济南示例新材料项目" in page and "示例动力电池项目" in page
    page = _client(cast.supervisor).get(reverse("projects:list")).content.decode()
    assert "济南示例新材料项目" not in page and "示例动力电池项目" in page


def test_a_citys_ledger_page_costs_the_same_queries_beside_another_city(cast, tmp_path):
    def count() -> int:
        client = _client(cast.supervisor)
        client.get(reverse("projects:list"))  # warm the caches a first view fills
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("projects:list")).status_code == 200
        return len(ctx.captured_queries)

    alone = count()
    build_jinan(cast, tmp_path)
    assert count() == alone


def test_a_city_administrator_gives_only_their_citys_orgs(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    with pytest.raises(AccountError, match="只能分配枣庄市的组织：“市中区”属于济南市"):
        accounts.create_user(
            cast.sysadmin,
            username="jn-district",
            display_name="跨市用户",
            role=Role.DISTRICT,
            org=jinan.district,
            password="Chushi#2025",
        )
    province_admin = make_user("province_admin", Role.SYSADMIN, jinan.province, "省系统管理员")
    with pytest.raises(AccountError, match="该账号属于枣庄市，不能改到济南市的“市中区”"):
        accounts.update_user(
            province_admin, cast.district, {"org": jinan.district}, expected_version=cast.district.version
        )
    with pytest.raises(AccountError, match="只能分配枣庄市的组织"):
        accounts.update_user(
            cast.sysadmin, jinan.owner, {"display_name": "改名"}, expected_version=jinan.owner.version
        )
    cast.district.refresh_from_db()
    assert cast.district.org_id == cast.tengzhou.pk
    # within one city the province's administrator may move an account
    moved = accounts.update_user(
        province_admin, cast.district, {"org": cast.shizhong}, expected_version=cast.district.version
    )
    assert moved.org_id == cast.shizhong.pk


def test_imports_stay_in_the_importers_city(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    # 市中区 is 枣庄's for 枣庄's supervisor, though 济南 has one too; 济南's project code is refused
    rows = [ledger_row("ZZ-NEW-1", **{"所属区（市）": "市中区"}), ledger_row("JN-2025-001")]
    path = write_xlsx(tmp_path / "ledger.xlsx", [LEDGER_HEADER, *rows])
    result = run_import("projects", path, actor=cast.supervisor)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "项目编号", "项目编号“JN-2025-001”已被其他城市的项目使用，请核对编号")
    ]
    assert not Project.objects.filter(code="ZZ-NEW-1").exists()
    result = run_import(
        "projects", write_xlsx(tmp_path / "ok.xlsx", [LEDGER_HEADER, rows[0]]), actor=cast.supervisor
    )
    assert result.ok, result.errors
    assert Project.objects.get(code="ZZ-NEW-1").district_id == cast.shizhong.pk
    monthly = [MONTHLY_HEADER, ["JN-2025-001", "2025-06", 10, 4010, "", ""]]
    result = run_import("monthly", write_xlsx(tmp_path / "m.xlsx", monthly), actor=cast.supervisor)
    assert any("JN-2025-001" in e.message and "不存在" in e.message for e in result.errors)
    assert jinan.item("project").reports.filter(month=dt.date(2025, 6, 1)).count() == 0


def test_two_cities_may_each_have_a_district_of_the_same_name(cast, tmp_path):
    build_jinan(cast, tmp_path)
    assert Org.objects.filter(kind=OrgKind.DISTRICT, name="市中区").count() == 2
    with pytest.raises(AccountError, match="已有同名"):
        accounts.create_org(cast.sysadmin, name="市中区", kind=OrgKind.DISTRICT, parent=cast.city)


def test_a_citys_administrators_see_their_citys_accounts_and_orgs(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    client = _client(cast.secadmin)
    page = client.get(reverse("core:users")).content.decode()
    assert "督查员甲" in page and "济南督查员" not in page
    assert client.get(reverse("core:user_edit", args=[jinan.supervisor.pk])).status_code == 404
    orgs = _client(cast.sysadmin).get(reverse("core:orgs")).content.decode()
    assert "滕州市" in orgs and "济南示例材料有限公司" not in orgs
    province_admin = make_user("province_sec", Role.SECADMIN, jinan.province, "省安全管理员")
    page = _client(province_admin).get(reverse("core:users")).content.decode()
    assert "督查员甲" in page and "济南督查员" in page


def test_the_api_answers_within_the_callers_city(cast, tmp_path):
    jinan = build_jinan(cast, tmp_path)
    zaozhuang, province = _client(cast.supervisor), _client(jinan.provincial)
    for kind, path in (("project", "projects"), ("task", "tasks"), ("case", "cases")):
        url = f"/api/v1/{path}/{jinan.item(kind).pk}"
        assert zaozhuang.get(url).status_code == 404, url
        assert province.get(url).status_code == 200, url
    listed = zaozhuang.get("/api/v1/projects").content.decode()
    assert "ZZ-2025-001" in listed and "JN-2025-001" not in listed
    assert "JN-2025-001" in province.get("/api/v1/projects").content.decode()
    patch = zaozhuang.patch(
        f"/api/v1/projects/{cast.inside.pk}",
        {"district": jinan.district.pk, "version": cast.inside.version},
        content_type="application/json",
    )
    assert patch.status_code == 422
    assert patch.json()["detail"] == [{"field": "district", "message": "所属区（市）不存在"}]
    cast.inside.refresh_from_db()
    assert cast.inside.district_id == cast.tengzhou.pk
