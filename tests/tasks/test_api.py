"""The task API: the same scope, data and refusals as the pages (the scope matrix in tests/api
checks every route × role × inside/outside; these check the content)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.tasks.conftest import Tasks

pytestmark = pytest.mark.django_db
BASE = "/api/v1"


def post(client, path: str, body) -> object:
    return client.post(BASE + path, json.dumps(body), content_type="application/json")


def test_the_list_carries_milestones_reports_and_the_grade(cast, client, tasks: Tasks):
    client.force_login(cast.supervisor)
    data = client.get(BASE + "/tasks", {"period": "2025-05"}).json()
    assert data["count"] == 2
    inside = next(i for i in data["items"] if i["code"] == "GJ2025-01")
    assert inside["leader"] == {"id": cast.leader.pk, "name": "领导甲"}
    assert inside["lead_department"]["name"] == "市发展改革委"
    assert [o["name"] for o in inside["co_departments"]] == ["市工业和信息化局"]
    assert (inside["target_value"], inside["target_unit"]) == ("200", "个")
    assert inside["next_milestone"]["title"] == "全面完成"
    assert inside["overdue_milestones"] == 1  # 2025-12-31 has passed
    assert inside["latest_report"] == {
        "id": tasks.report_in.pk,
        "month": "2025-05",
        "status": "submitted",
        "status_label": "待审核",
    }
    # May: 80 of 200 = 40 %, time progress 41.67 % → 1.67 points behind → yellow
    assert inside["grade"]["grade"] == "yellow"
    assert inside["grade"]["reason"] == "滞后时序进度1.67个百分点"
    assert inside["grade"]["period"] == "2025-05"

    assert [i["code"] for i in client.get(BASE + "/tasks", {"leader": cast.leader2.pk}).json()["items"]] == [
        "GJ2025-02"
    ]
    assert client.get(BASE + "/tasks", {"department": cast.fagai.pk}).json()["count"] == 1
    assert client.get(BASE + "/tasks", {"year": 2024}).json() == {"items": [], "count": 0}
    assert len(client.get(BASE + "/tasks", {"limit": 1, "offset": 1}).json()["items"]) == 1


def test_the_list_needs_a_constant_number_of_queries(cast, client, tasks: Tasks):
    from tests.tasks.test_list import make_many

    client.force_login(cast.supervisor)
    client.get(BASE + "/tasks", {"period": "2025-06"})
    with CaptureQueriesContext(connection) as few:
        client.get(BASE + "/tasks", {"period": "2025-06"})
    make_many(cast, 30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(BASE + "/tasks", {"period": "2025-06"}).json()["count"] == 32
    assert len(many) == len(few)


def test_the_detail_has_milestones_with_a_scoped_evidence_link_and_reports(cast, client, tasks: Tasks):
    client.force_login(cast.department)
    data = client.get(f"{BASE}/tasks/{tasks.inside.pk}").json()
    first, last = data["milestones"]
    assert first["actual_date"] == "2025-03-20" and not first["overdue"]
    assert first["evidence"] == {
        "name": "签约材料.pdf",
        "content_type": "application/pdf",
        "url": reverse("tasks:evidence", args=[tasks.milestone_in.pk]),
    }
    assert last["evidence"] is None and last["overdue"]
    [report] = data["reports"]
    assert (report["month"], report["actual_value"], report["progress"]) == ("2025-05", "80", "已签约80个")
    assert (data["can_edit"], data["can_submit_report"], data["can_record_milestone"]) == (False, True, True)
    client.force_login(cast.leader)
    data = client.get(f"{BASE}/tasks/{tasks.inside.pk}").json()
    assert (data["can_edit"], data["can_submit_report"], data["can_record_milestone"]) == (
        False,
        False,
        False,
    )


def test_submit_and_resubmit(cast, client, tasks: Tasks):
    client.force_login(cast.department)
    path = f"/tasks/{tasks.inside.pk}/reports"
    created = post(client, path, {"month": "2025-06", "actual_value": "95.5", "progress": "已签约95个"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["month"], body["actual_value"], body["status"], body["version"]) == (
        "2025-06",
        "95.5",
        "submitted",
        1,
    )
    again = post(client, path, {"month": "2025-06", "actual_value": "96", "progress": "更正"})
    assert again.status_code == 409 and "2025年6月的进展已由发改员于" in again.json()["detail"]
    stale = post(client, path, {"month": "2025-06", "actual_value": "96", "progress": "更正", "version": 0})
    assert stale.status_code == 409 and "您的修改未保存" in stale.json()["detail"]
    ok = post(client, path, {"month": "2025-06", "actual_value": 96, "progress": "更正", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"month": "2025-06", "actual_value": "-1", "progress": "x"}, "actual_value", "累计完成值不能为负数"),
        ({"month": "2025-06", "actual_value": "abc", "progress": "x"}, "actual_value", "累计完成值应为数字"),
        (
            {"month": "2025-06", "actual_value": "1.23456", "progress": "x"},
            "actual_value",
            "最多保留 4 位小数",
        ),
        ({"month": "2025-06", "progress": "x"}, "actual_value", "请填写累计完成值（个）"),
        ({"month": "2025-06", "actual_value": "1", "progress": " "}, "progress", "请填写进展情况"),
        ({"month": "2024-12", "actual_value": "1", "progress": "x"}, "month", "只能报送2025年的月份"),
        ({"month": "2025/6", "actual_value": "1", "progress": "x"}, "month", "格式不正确"),
        ({"month": "2025-06", "actual_value": "1", "progress": "x", "extra": 1}, "extra", "不支持的字段"),
    ],
)
def test_invalid_reports_are_422_in_chinese(cast, client, tasks: Tasks, body, field, message):
    client.force_login(cast.department)
    response = post(client, f"/tasks/{tasks.inside.pk}/reports", body)
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert error["field"] == field and message in error["message"]


def test_a_future_month_is_refused(cast, client, tasks: Tasks):
    client.force_login(cast.supervisor)
    response = post(client, f"/tasks/{tasks.inside.pk}/reports", {"month": "2099-01", "progress": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "不能报送未来月份的进展"


def test_review(cast, client, tasks: Tasks):
    client.force_login(cast.supervisor)
    path = f"/task-reports/{tasks.report_in.pk}/review"
    missing = post(client, path, {"approve": False, "note": " ", "version": 1})
    assert missing.status_code == 422 and missing.json()["detail"][0] == {
        "field": "note",
        "message": "退回必须写明原因",
    }
    stale = post(client, path, {"approve": True, "version": 5})
    assert stale.status_code == 409
    returned = post(client, path, {"approve": False, "note": "请附签约清单", "version": 1})
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["review_note"]) == ("returned", "请附签约清单")
    twice = post(client, path, {"approve": True, "version": 2})
    assert twice.status_code == 409 and "不能再次审核" in twice.json()["detail"]


def test_the_schema_tags_the_routes(client):
    schema = client.get(BASE + "/openapi.json").json()
    for path in (
        "/tasks",
        "/tasks/{task_id}",
        "/tasks/{task_id}/reports",
        "/task-reports/{report_id}/review",
    ):
        for operation in schema["paths"][BASE + path].values():
            assert operation["tags"] == ["攻坚事项"]
