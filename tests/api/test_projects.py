"""Projects through the API: filters, ordering, pagination, constant queries, edits and their errors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangping.core.api import create_token
from liangping.core.models import AuditLog
from liangping.projects import services
from liangping.projects.models import Level, Project, Stage


def add_projects(cast, n: int, prefix: str = "ZZ-T", **overrides) -> list[Project]:
    made = []
    for i in range(n):
        values = {
            "code": f"{prefix}-{i:03d}",
            "name": f"测试项目{i:03d}",
            "level": Level.CITY,
            "district": cast.tengzhou,
            "industry": "高端装备",
            "unit": cast.company_a,
            "total_investment": Decimal("1000") + i,
            "annual_plan": Decimal("100"),
            "stage": Stage.SIGNED,
            "leader": cast.leader,
            "department": cast.fagai,
            "specialist": cast.specialist,
        }
        values.update(overrides)
        made.append(Project.objects.create(**values))
    return made


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [p["code"] for p in response.json()["items"]]


@pytest.mark.django_db
def test_decimals_are_strings_and_refs_are_named(api_as, cast):
    body = api_as("supervisor").get(f"/projects/{cast.inside.pk}").json()
    assert body["total_investment"] == "2000000.00" and body["annual_plan"] == "300000.00"
    assert body["district"] == {"id": cast.tengzhou.pk, "name": "滕州市", "kind": "district"}
    assert body["leader"] == {"id": cast.leader.pk, "name": "领导甲"}
    assert body["stage"] == "construction" and body["stage_label"] == "开工建设"
    assert body["can_edit"] is True and body["stage_history"] == []


@pytest.mark.django_db
def test_filters(api_as, cast):
    add_projects(cast, 3)
    Project.objects.create(
        code="ZZ-T-900",
        name="市中仓储项目",
        district=cast.shizhong,
        industry="现代物流",
        total_investment=Decimal("5"),
        stage=Stage.PLANNED,
        level=Level.PROVINCIAL,
        department=cast.gongxin,
    )
    client = api_as("supervisor")
    assert codes(client.get("/projects", district=cast.shizhong.pk)) == ["ZZ-2025-002", "ZZ-T-900"]
    assert codes(client.get("/projects", stage="储备")) == ["ZZ-T-900"]
    assert codes(client.get("/projects", stage="construction")) == ["ZZ-2025-001"]
    assert codes(client.get("/projects", level="省重点")) == ["ZZ-2025-001", "ZZ-T-900"]
    assert codes(client.get("/projects", industry="现代物流")) == ["ZZ-2025-002", "ZZ-T-900"]
    assert codes(client.get("/projects", leader=cast.leader2.pk)) == ["ZZ-2025-002"]
    assert codes(client.get("/projects", department=cast.gongxin.pk)) == ["ZZ-2025-002", "ZZ-T-900"]
    assert codes(client.get("/projects", specialist=cast.specialist2.pk)) == ["ZZ-2025-002"]
    assert codes(client.get("/projects", q="仓储")) == ["ZZ-T-900"]
    assert codes(client.get("/projects", q="t-00")) == ["ZZ-T-000", "ZZ-T-001", "ZZ-T-002"]
    # Filters narrow the user's scope; they never widen it.
    assert codes(api_as("district").get("/projects", district=cast.shizhong.pk)) == []


@pytest.mark.django_db
def test_ordering_and_pagination(api_as, cast):
    add_projects(cast, 12)
    client = api_as("supervisor")
    page = client.get("/projects", limit=5, offset=10).json()
    assert page["count"] == 14
    assert [p["code"] for p in page["items"]] == ["ZZ-T-008", "ZZ-T-009", "ZZ-T-010", "ZZ-T-011"]
    assert codes(client.get("/projects", limit=2)) == ["ZZ-2025-001", "ZZ-2025-002"]
    assert codes(client.get("/projects", ordering="-total_investment", limit=2)) == [
        "ZZ-2025-001",
        "ZZ-2025-002",
    ]
    by_stage = codes(client.get("/projects", ordering="stage"))
    assert by_stage.index("ZZ-T-000") < by_stage.index("ZZ-2025-001")  # 签约落地 before 开工建设
    bad = client.get("/projects", ordering="password")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "ordering" and "排序字段" in bad.json()["detail"][0]["message"]
    assert client.get("/projects", limit=0).json()["detail"][0]["field"] == "limit"
    assert client.get("/projects", limit=501).status_code == 422


@pytest.mark.django_db
def test_unknown_stage_filter_is_explained(api_as, cast):
    response = api_as("supervisor").get("/projects", stage="施工中")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["field"] == "stage" and "未知的建设阶段“施工中”" in error["message"]


def measure(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def data_queries(client, path: str) -> int:
    """The queries of the answer itself: without the rate limit's count in the shared cache table
    (a constant few per request, whatever the list) and the savepoints around it."""
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    own = [q["sql"] for q in ctx.captured_queries if "liangping_cache" not in q["sql"]]
    return len([sql for sql in own if not sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "district", "department", "owner", "token"])
def test_project_list_queries_do_not_grow(api_as, cast, who, django_assert_max_num_queries):
    if who == "token":
        client = api_as("anonymous")
        _, raw = create_token(cast.sysadmin, cast.district, "测试")
        client.client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    else:
        client = api_as(who)
    add_projects(cast, 3)  # 5 projects in the city, 4 or 5 of them in scope
    before = client.get("/projects").json()["count"]  # also stamps the token's last use
    small = measure(client, "/projects?limit=100")
    add_projects(cast, 45, prefix="ZZ-U")  # 50 projects
    with django_assert_max_num_queries(small):
        large = client.get("/projects?limit=100")
    assert large.json()["count"] == before + 45 and len(large.json()["items"]) == before + 45
    data = data_queries(client, "/projects?limit=100")
    assert data <= 5, f"{who}: {data} queries"
    assert measure(client, "/projects?limit=100") == small


@pytest.mark.django_db
def test_patch_updates_and_audits(api_as, cast):
    client = api_as("supervisor")
    response = client.patch(
        f"/projects/{cast.inside.pk}",
        {
            "version": cast.inside.version,
            "total_investment": "2100000.5",
            "annual_plan": 350000,
            "stage": "已投产",
            "reason": "6月竣工验收",
            "stage_date": "2025-06-20",
            "department": cast.gongxin.pk,
        },
    )
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["total_investment"] == "2100000.50" and body["annual_plan"] == "350000.00"
    assert body["stage"] == "operating" and body["version"] == cast.inside.version + 1
    assert body["department"]["name"] == "市工业和信息化局"
    [event] = body["stage_history"]
    assert event["from_stage"] == "construction" and event["to_stage"] == "operating"
    assert event["date"] == "2025-06-20" and event["author"]["name"] == "督查员甲"
    entry = AuditLog.objects.get(action="project.update")
    assert entry.reason == "6月竣工验收" and entry.changes["total_investment"] == ["2000000", "2100000.5"]


@pytest.mark.django_db
def test_patch_with_a_stale_version_is_a_conflict(api_as, cast):
    client = api_as("supervisor")
    stale = cast.inside.version
    services.update_project(cast.supervisor, cast.inside, {"name": "他人先改"}, expected_version=stale)
    response = client.patch(f"/projects/{cast.inside.pk}", {"version": stale, "name": "我后改"})
    assert response.status_code == 409
    assert "您的修改未保存" in response.json()["detail"]
    assert Project.objects.get(pk=cast.inside.pk).name == "他人先改"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"total_investment": "-1"}, "total_investment", "总投资不能为负数"),
        ({"total_investment": "abc"}, "total_investment", "总投资应为数字"),
        ({"annual_plan": "1.234"}, "annual_plan", "年度计划投资最多保留 2 位小数"),
        ({"stage": "施工中"}, "stage", "未知的建设阶段“施工中”"),
        ({"stage": "counted"}, "reason", "变更建设阶段必须填写原因"),
        ({"level": "国家级"}, "level", "未知的项目级别“国家级”"),
        ({"name": None}, "name", "项目名称不能为空"),
        ({"name": ""}, "name", "项目名称不能为空"),
        ({"name": "   "}, "name", "项目名称不能为空"),
        ({"district": 999999}, "district", "所属区（市）不存在"),
        ({"leader": 1}, "leader", "包保市领导不存在"),
        ({"planned_start": "2025-13-01"}, "planned_start", "计划开工时间应为日期"),
        ({"planned_end": "2020-01-01"}, "planned_end", "计划竣工时间不能早于计划开工时间"),
        ({"stagee": "counted"}, "stagee", "不支持的字段：stagee"),
        ({"version": None}, "version", "版本号应为整数"),
    ],
)
def test_patch_validation_messages(api_as, cast, change, field, message):
    body = {"version": cast.inside.version, **change}
    response = api_as("supervisor").patch(f"/projects/{cast.inside.pk}", body)
    assert response.status_code == 422, response.content.decode()
    errors = response.json()["detail"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
    assert Project.objects.get(pk=cast.inside.pk).version == cast.inside.version


@pytest.mark.django_db
def test_patch_annual_plan_above_total_is_saved_with_a_warning(api_as, cast):
    client = api_as("supervisor")
    body = {"version": cast.inside.version, "total_investment": "100", "annual_plan": "200"}
    response = client.patch(f"/projects/{cast.inside.pk}", body)
    assert response.status_code == 200, response.content.decode()
    assert response.json()["warnings"] == [
        "年度计划投资（200.00 万元）大于总投资（100.00 万元），请核对金额和单位"
    ]
    assert Project.objects.get(pk=cast.inside.pk).annual_plan == 200
    ok = client.patch(
        f"/projects/{cast.inside.pk}", {"version": cast.inside.version + 1, "annual_plan": "50"}
    )
    assert ok.status_code == 200 and ok.json()["warnings"] == []
    refused = client.patch(
        f"/projects/{cast.inside.pk}", {"version": cast.inside.version + 2, "annual_plan": "-1"}
    )
    assert refused.status_code == 422


@pytest.mark.django_db
def test_patch_without_version_is_refused(api_as, cast):
    response = api_as("supervisor").patch(f"/projects/{cast.inside.pk}", {"name": "无版本"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "version", "message": "版本号为必填项"}]


@pytest.mark.django_db
def test_project_detail_includes_stage_history(api_as, cast):
    services.update_project(
        cast.supervisor,
        cast.inside,
        {"stage": Stage.OPERATING},
        expected_version=cast.inside.version,
        reason="竣工",
        stage_date=dt.date(2025, 7, 1),
    )
    body = api_as("leader").get(f"/projects/{cast.inside.pk}").json()
    assert [(e["to_stage"], e["note"]) for e in body["stage_history"]] == [("operating", "竣工")]
    assert body["can_edit"] is False and body["can_submit_report"] is False
