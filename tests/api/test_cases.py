"""Cases through the API: register on a project, the closed loop, its refusals and filters."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangping.cases import services as cases
from liangping.cases.models import Case, CaseStatus


def act(client, case_id: int, version: int, action: str, **extra):
    return client.post(f"/cases/{case_id}/actions", {"action": action, "version": version, **extra})


@pytest.mark.django_db
def test_the_loop_through_the_api(api_as, cast):
    supervisor, department = api_as("supervisor"), api_as("department")
    created = api_as("specialist").post(
        f"/projects/{cast.inside.pk}/cases", {"title": "土地手续未办结", "description": "用地预审待批"}
    )
    assert created.status_code == 201, created.content.decode()
    case = created.json()
    assert case["status"] == "registered" and case["subject"]["id"] == cast.inside.pk
    assert case["subject"]["type"] == "projects.project" and case["allowed_actions"] == []
    assert [s["action"] for s in case["steps"]] == ["register"]

    assigned = act(
        supervisor, case["id"], case["version"], "assign", lead_org=cast.fagai.pk, co_orgs=[cast.gongxin.pk]
    )
    assert assigned.status_code == 200, assigned.content.decode()
    case = assigned.json()
    assert case["lead_org"]["name"] == "市发展改革委" and [o["name"] for o in case["co_orgs"]] == [
        "市工业和信息化局"
    ]
    assert case["deadline"] is not None

    case = act(department, case["id"], case["version"], "handle", note="已对接").json()
    assert case["allowed_actions"] == ["reply"]
    no_reply = act(department, case["id"], case["version"], "reply", note=" ")
    assert no_reply.status_code == 422 and no_reply.json()["detail"] == [
        {"field": "note", "message": "请填写答复内容"}
    ]
    case = act(department, case["id"], case["version"], "reply", note="已报省厅审批").json()
    no_reason = act(supervisor, case["id"], case["version"], "return")
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["field"] == "note"
    case = act(supervisor, case["id"], case["version"], "verify", note="现场核实").json()
    case = act(supervisor, case["id"], case["version"], "close", note="销号").json()
    assert case["status"] == "closed" and case["closed_at"] is not None
    steps = [(s["action"], s["actor"]["name"]) for s in case["steps"]]
    assert steps == [
        ("register", "专员甲"),
        ("assign", "督查员甲"),
        ("handle", "发改员"),
        ("reply", "发改员"),
        ("verify", "督查员甲"),
        ("close", "督查员甲"),
    ]


@pytest.mark.django_db
def test_refusals_say_why(api_as, cast, ledger):
    case = ledger.case_in  # assigned to 市发展改革委
    supervisor = api_as("supervisor")
    stale = act(supervisor, case.pk, case.version - 1, "reply", note="x")
    assert stale.status_code == 409 and "已被他人处理" in stale.json()["detail"]
    wrong_state = act(supervisor, case.pk, case.version, "close")
    assert wrong_state.status_code == 409 and "不能销号" in wrong_state.json()["detail"]
    not_handler = act(api_as("district"), case.pk, case.version, "handle")
    assert not_handler.status_code == 403 and not_handler.json()["detail"] == "您无权办理此问题"
    not_supervisor = act(api_as("department"), case.pk, case.version, "verify")
    assert not_supervisor.status_code == 403
    unknown = act(supervisor, case.pk, case.version, "delete")
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "action"
    fresh = cases.register(cast.supervisor, "新问题", subject=cast.inside)
    no_lead = act(supervisor, fresh.pk, fresh.version, "assign")
    assert no_lead.json()["detail"] == [{"field": "lead_org", "message": "交办时请选择牵头单位"}]
    company = act(supervisor, fresh.pk, fresh.version, "assign", lead_org=cast.company_a.pk)
    assert company.status_code == 422 and company.json()["detail"][0]["field"] == "lead_org"
    bad_co = act(supervisor, fresh.pk, fresh.version, "assign", lead_org=cast.fagai.pk, co_orgs=[987654])
    assert bad_co.json()["detail"][0]["field"] == "co_orgs"
    empty = api_as("owner").post(f"/projects/{cast.inside.pk}/cases", {"title": "  "})
    assert empty.json()["detail"] == [{"field": "title", "message": "请填写问题内容"}]
    assert Case.objects.get(pk=fresh.pk).status == CaseStatus.REGISTERED


@pytest.mark.django_db
def test_case_filters_and_queries(api_as, cast, ledger):
    client = api_as("supervisor")
    Case.objects.filter(pk=ledger.case_out.pk).update(deadline=dt.date(2020, 1, 1))
    assert [c["id"] for c in client.get("/cases", overdue="true").json()["items"]] == [ledger.case_out.pk]
    assert client.get("/cases", overdue="false").json()["count"] == 1
    assert client.get("/cases", status="assigned").json()["count"] == 2
    assert client.get("/cases", status="closed").json()["count"] == 0
    assert client.get("/cases", project=cast.inside.pk).json()["items"][0]["id"] == ledger.case_in.pk
    overdue = client.get(f"/cases/{ledger.case_out.pk}").json()
    assert overdue["overdue"] is True
    assert client.get("/cases", status="lost").json()["detail"][0]["field"] == "status"

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/cases").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(10):
        c = cases.register(cast.supervisor, f"问题{i}", subject=cast.inside)
        cases.assign(cast.supervisor, c, cast.fagai, [cast.gongxin])
    assert count() == small


@pytest.mark.django_db
def test_feedback_and_verify_close_through_the_api(api_as, cast):
    case = cases.register(cast.supervisor, "用地指标未落实", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.fagai)
    cases.advance(cast.department, case, "reply", "已落实")
    owner, supervisor = api_as("owner"), api_as("supervisor")
    detail = owner.get(f"/cases/{case.pk}").json()
    assert detail["allowed_actions"] == ["feedback"]
    no_verdict = act(owner, case.pk, detail["version"], "feedback")
    assert no_verdict.status_code == 422 and no_verdict.json()["detail"][0]["field"] == "verdict"
    no_reason = act(owner, case.pk, detail["version"], "feedback", verdict="unsatisfied")
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["field"] == "note"
    done = act(owner, case.pk, detail["version"], "feedback", verdict="satisfied")
    assert done.status_code == 200, done.content.decode()
    assert done.json()["steps"][-1]["action_label"] == "项目单位评价"
    refused = act(supervisor, case.pk, done.json()["version"], "feedback", verdict="satisfied")
    assert refused.status_code == 403
    version = supervisor.get(f"/cases/{case.pk}").json()["version"]
    closed = act(supervisor, case.pk, version, "verify_close", note="核实无误").json()
    assert closed["status"] == "closed"
    assert [s["action"] for s in closed["steps"]][-2:] == ["verify", "close"]
