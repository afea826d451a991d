"""问题闭环 pages: the loop through the forms, scope, refusals, overdue flags, constant queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from liangping.cases import services as cases
from liangping.cases.models import Case, CaseStatus
from liangping.core.models import AuditLog
from liangping.projects.models import Project


def act(client, case: Case, action: str, **data):
    case.refresh_from_db()
    payload = {"action": action, "version": case.version, **data}
    return client.post(f"/cases/{case.pk}/act/", payload, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_the_whole_loop_through_the_pages(client, cast):
    client.force_login(cast.specialist)
    response = client.post(
        f"/cases/new/?project={cast.inside.pk}", {"title": "土地手续未办结", "description": "用地预审待批"}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.subject == cast.inside and case.registered_by == cast.specialist
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "土地手续未办结" in page and "已登记" in page and 'name="action"' not in page

    client.force_login(cast.supervisor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="assign"' in page and "个工作日" in page
    response = act(
        client, case, "assign", lead_org=cast.fagai.pk, co_orgs=[cast.gongxin.pk], note="请尽快办理"
    )
    assert "已交办" in " ".join(messages_of(response))
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED and case.lead_org == cast.fagai and case.deadline
    assert list(case.co_orgs.all()) == [cast.gongxin]

    client.force_login(cast.department)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="handle"' in page and 'value="reply"' in page and 'value="verify"' not in page
    act(client, case, "handle", note="已对接自然资源部门")
    response = act(client, case, "reply", note="  ")
    assert "请填写答复内容" in messages_of(response)
    act(client, case, "reply", note="已报省厅审批")

    client.force_login(cast.supervisor)
    response = act(client, case, "return", note="")
    assert "退回必须写明原因" in messages_of(response)
    act(client, case, "return", note="未附批复文件")
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDLING and case.return_count == 1

    client.force_login(cast.department)
    act(client, case, "reply", note="批复文件已上传")
    client.force_login(cast.supervisor)
    act(client, case, "verify", note="现场核实")
    response = act(client, case, "close", note="销号")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at

    steps = list(case.steps.values_list("action", "actor__username", "note"))
    assert steps == [
        ("register", "specialist", "用地预审待批"),
        ("assign", "supervisor", "请尽快办理"),
        ("handle", "department", "已对接自然资源部门"),
        ("reply", "department", "已报省厅审批"),
        ("return", "supervisor", "未附批复文件"),
        ("reply", "department", "批复文件已上传"),
        ("verify", "supervisor", "现场核实"),
        ("close", "supervisor", "销号"),
    ]
    assert AuditLog.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == 8
    page = response.content.decode()
    assert "已销号" in page and "未附批复文件" in page and 'name="action"' not in page
    for label in ["登记", "交办", "办理", "答复", "退回", "核实", "销号"]:
        assert f"<b>{label}</b>" in page


@pytest.mark.django_db
def test_a_department_outside_the_lead_unit_cannot_act(client, cast):
    case = cases.register(cast.supervisor, "电力接入滞后", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.gongxin)
    client.force_login(cast.department)  # 市发展改革委 sees the project, but 市工信局 leads
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "电力接入滞后" in page and 'name="action"' not in page and "办理操作" not in page
    response = act(client, case, "handle", note="抢着办")
    assert "当前状态（已交办）下您不能办理此问题" in messages_of(response)
    response = act(client, case, "reply", note="抢着答复")
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED and case.steps.count() == 2


@pytest.mark.django_db
def test_out_of_scope_is_404(client, cast):
    case = cases.register(cast.supervisor, "物流园道路未通", subject=cast.outside)
    client.force_login(cast.department)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.post(f"/cases/{case.pk}/act/", {"action": "handle", "version": 1}).status_code == 404
    assert client.get(f"/cases/new/?project={cast.outside.pk}").status_code == 404
    assert client.post(f"/cases/new/?project={cast.outside.pk}", {"title": "x"}).status_code == 404
    client.force_login(cast.sysadmin)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert not Case.objects.exclude(pk=case.pk).exists()


@pytest.mark.django_db
def test_register_by_project_code(client, cast):
    client.force_login(cast.owner)
    page = client.get("/cases/new/").content.decode()
    assert "项目编号" in page
    response = client.post("/cases/new/", {"project_code": cast.outside.code, "title": "越权登记"})
    assert "未找到该项目编号，或您无权查看该项目" in response.content.decode()
    response = client.post("/cases/new/", {"project_code": cast.inside.code, "title": ""})
    assert "请填写问题内容" in response.content.decode()
    response = client.post("/cases/new/", {"project_code": cast.inside.code, "title": "供电线路未接入"})
    assert response.status_code == 302
    assert Case.objects.get().subject == cast.inside


@pytest.mark.django_db
def test_stale_page_and_bad_input_are_explained(client, cast):
    case = cases.register(cast.supervisor, "资金未到位", subject=cast.inside)
    client.force_login(cast.supervisor)
    stale = case.version
    cases.assign(cast.supervisor, case, cast.fagai)
    response = client.post(
        f"/cases/{case.pk}/act/", {"action": "verify", "version": stale, "note": ""}, follow=True
    )
    assert "该问题已被他人处理，请刷新页面后再操作" in messages_of(response)
    other = cases.register(cast.supervisor, "审批未完成", subject=cast.inside)
    response = act(client, other, "assign", lead_org="")
    assert "请选择牵头单位" in messages_of(response)
    response = act(client, other, "fly")
    assert "未知操作，请刷新页面后重试" in messages_of(response)
    response = client.post(f"/cases/{other.pk}/act/", {"action": "assign", "lead_org": cast.fagai.pk})
    other.refresh_from_db()
    assert other.status == CaseStatus.REGISTERED


@pytest.mark.django_db
def test_overdue_flag_and_filter(client, cast):
    late = cases.register(cast.supervisor, "审批超时", subject=cast.inside)
    cases.assign(cast.supervisor, late, cast.fagai, today=dt.date(2025, 6, 2))
    fresh = cases.register(cast.supervisor, "刚登记", subject=cast.inside)
    cases.assign(cast.supervisor, fresh, cast.fagai)
    client.force_login(cast.supervisor)
    page = client.get("/cases/").content.decode()
    assert page.count('<span class="badge red">逾期</span>') == 1
    assert "2025-06-09" in page
    page = client.get("/cases/", {"overdue": "on"}).content.decode()
    assert "审批超时" in page and "刚登记" not in page
    page = client.get(f"/cases/{late.pk}/").content.decode()
    assert "逾期" in page
    cases.advance(cast.department, late, "reply", "已办结")
    assert "badge red" not in client.get("/cases/").content.decode()


@pytest.mark.django_db
def test_list_filters_and_columns(client, cast):
    a = cases.register(cast.supervisor, "甲问题", subject=cast.inside)
    cases.assign(cast.supervisor, a, cast.fagai)
    b = cases.register(cast.supervisor, "乙问题", subject=cast.outside)
    cases.assign(cast.supervisor, b, cast.gongxin)
    cases.advance(cast.supervisor, b, "reply", "已答复")
    cases.advance(cast.supervisor, b, "return", "不完整")
    c = cases.register(cast.supervisor, "丙问题", subject=cast.inside)
    Case.objects.filter(pk=c.pk).update(status=CaseStatus.CLOSED)
    client.force_login(cast.supervisor)
    get = lambda **q: client.get("/cases/", q).content.decode()  # noqa: E731
    page = get()
    assert all(t in page for t in ["甲问题", "乙问题", "丙问题", "市发展改革委", "市工业和信息化局"])
    assert str(cast.inside) in page and str(cast.outside) in page
    assert '<td class="num hide-phone">1</td>' in page  # 退回次数 of 乙问题
    try:
        url = reverse("projects:detail", args=[cast.inside.pk])
    except NoReverseMatch:
        url = ""
    if url:
        assert f'href="{url}"' in page
    page = get(status="open")
    assert "甲问题" in page and "乙问题" in page and "丙问题" not in page
    page = get(status="handling")
    assert "乙问题" in page and "甲问题" not in page
    page = get(lead_org=cast.fagai.pk)
    assert "甲问题" in page and "乙问题" not in page
    assert "没有符合条件的诉求" in get(kind="appeal")  # the appeals list, empty: no project problem in it


@pytest.mark.django_db
def test_list_is_scoped(client, cast):
    cases.register(cast.supervisor, "本项目问题", subject=cast.inside)
    cases.register(cast.supervisor, "外项目问题", subject=cast.outside)
    expectations = {
        "supervisor": {"本项目问题", "外项目问题"},
        "leader": {"本项目问题"},
        "department": {"本项目问题"},
        "owner": {"本项目问题"},
        "outsider": set(),
    }
    for who, titles in expectations.items():
        client.force_login(getattr(cast, who))
        page = client.get("/cases/").content.decode()
        assert {t for t in ["本项目问题", "外项目问题"] if t in page} == titles, who


def _make_cases(cast, n: int) -> None:
    for i in range(n):
        project = Project.objects.create(
            code=f"Q-{n}-{i}",
            name=f"项目{i}",
            district=cast.tengzhou,
            department=cast.fagai,
            unit=cast.company_a,
            total_investment=Decimal(100),
        )
        case = cases.register(cast.supervisor, f"问题{i}", subject=project)
        cases.assign(cast.supervisor, case, cast.fagai, [cast.gongxin], today=dt.date(2025, 6, 2))


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "department"])
def test_list_queries_do_not_grow(client, cast, who):
    client.force_login(getattr(cast, who))
    _make_cases(cast, 5)
    small = _count_queries(client, "/cases/")
    _make_cases(cast, 45)
    large = _count_queries(client, "/cases/")
    assert small == large
    assert client.get("/cases/").content.decode().count("/cases/") >= 50


@pytest.mark.django_db
def test_detail_queries_do_not_grow_with_steps(client, cast):
    case = cases.register(cast.supervisor, "反复退回", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.fagai)
    client.force_login(cast.supervisor)
    small = _count_queries(client, f"/cases/{case.pk}/")
    for i in range(10):
        cases.advance(cast.department, case, "reply", f"答复{i}")
        cases.advance(cast.supervisor, case, "return", f"退回{i}")
    assert _count_queries(client, f"/cases/{case.pk}/") == small
