"""月度调度 pages: the month's states and badges, submitting, resubmitting after a return,
reviewing, concurrent edits, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liangping.cases.models import Case
from liangping.projects import services
from liangping.projects.models import MonthlyReport, Project, ReportStatus
from liangping.projects.queries import month_code, month_label, reporting_month, shift_month
from tests.cast import Cast
from tests.web.test_projects_list import add_projects

SEPTEMBER = dt.date(2026, 9, 1)  # due by 2026-10-05 (report_due_day 5), long past


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def report(cast: Cast, project: Project, submitted: dt.date, status: str = "submitted") -> MonthlyReport:
    r = MonthlyReport.objects.create(
        project=project,
        month=SEPTEMBER,
        month_investment=Decimal("1500"),
        ytd_investment=Decimal("12000.5"),
        progress="厂房封顶",
        submitted_by=cast.specialist,
        submitted_at=at(submitted),
        status=status,
    )
    return r


def clone(cast: Cast, code: str, name: str, annual_plan: Decimal | None = Decimal("100")) -> Project:
    p = Project.objects.get(pk=cast.outside.pk)
    p.pk = None
    p.code, p.name, p.annual_plan = code, name, annual_plan
    p.save()
    return p


def rows_of(html: str) -> dict[str, str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return {m[0]: m[1] for m in re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', body, re.S)}


def stat(html: str, key: str) -> int:
    match = re.search(rf'data-state="{key}"><span class="muted">[^<]+</span><b>(\d+)</b>', html)
    assert match, key
    return int(match[1])


@pytest.mark.django_db
def test_month_states_badges_counts_and_filters(client: Client, cast: Cast) -> None:
    report(cast, cast.outside, dt.date(2026, 10, 9))  # after the due date: 待审核 + 逾期报送
    ontime = clone(cast, "ZZ-2025-003", "按时项目")
    report(cast, ontime, dt.date(2026, 10, 5), ReportStatus.APPROVED)  # on the due day: on time
    returned = clone(cast, "ZZ-2025-004", "退回项目")
    report(cast, returned, dt.date(2026, 10, 2), ReportStatus.RETURNED)
    clone(cast, "ZZ-2025-005", "储备项目", annual_plan=None)
    client.force_login(cast.supervisor)
    html = client.get("/projects/reports/", {"month": "2026-09"}).content.decode()
    assert "月度调度 · 2026年9月" in html and "应于 2026年10月5日 前报送" in html
    rows = rows_of(html)
    assert '<span class="badge red">未报送</span>' in rows["ZZ-2025-001"]  # inside: nothing submitted
    assert "待审核" in rows["ZZ-2025-002"] and "逾期报送" in rows["ZZ-2025-002"]
    assert "已通过" in rows["ZZ-2025-003"] and "逾期报送" not in rows["ZZ-2025-003"]
    assert "已退回" in rows["ZZ-2025-004"]
    assert "无需报送" in rows["ZZ-2025-005"] and "未报送" not in rows["ZZ-2025-005"]
    assert "1,500" in rows["ZZ-2025-002"] and "12,000.50" in rows["ZZ-2025-002"]
    counts = {
        k: stat(html, k) for k in ["all", "submitted", "approved", "returned", "missing", "late", "exempt"]
    }
    assert counts == {
        "all": 5,
        "submitted": 1,
        "approved": 1,
        "returned": 1,
        "missing": 1,
        "late": 1,
        "exempt": 1,
    }

    def only(status: str) -> set[str]:
        html = client.get("/projects/reports/", {"month": "2026-09", "status": status}).content.decode()
        return set(rows_of(html))

    assert only("missing") == {"ZZ-2025-001"}
    assert only("late") == {"ZZ-2025-002"}
    assert only("submitted") == {"ZZ-2025-002"}
    assert only("returned") == {"ZZ-2025-004"}
    html = client.get("/projects/reports/", {"month": "2026-09", "q": "项目", "status": "approved"}).content
    assert set(rows_of(html.decode())) == {"ZZ-2025-003"}


@pytest.mark.django_db
def test_scoped_rows_and_submit_links(client: Client, cast: Cast) -> None:
    client.force_login(cast.owner)
    html = client.get("/projects/reports/", {"month": "2026-09"}).content.decode()
    rows = rows_of(html)
    assert set(rows) == {"ZZ-2025-001"}
    assert f'href="/projects/{cast.inside.pk}/reports/new/?month=2026-09">报送<' in rows["ZZ-2025-001"]
    client.force_login(cast.leader)
    rows = rows_of(client.get("/projects/reports/", {"month": "2026-09"}).content.decode())
    assert set(rows) == {"ZZ-2025-001"} and ">报送<" not in rows["ZZ-2025-001"]


@pytest.mark.django_db
def test_default_month_is_last_month_and_before_the_due_date_nothing_is_missing(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.supervisor)
    html = client.get("/projects/reports/").content.decode()
    assert f"月度调度 · {month_label(reporting_month())}" in html
    this_month = timezone.localdate().replace(day=1)
    html = client.get("/projects/reports/", {"month": month_code(this_month)}).content.decode()
    rows = rows_of(html)
    assert "待报送" in rows["ZZ-2025-001"] and "未报送" not in rows["ZZ-2025-001"]
    assert "尚未到报送期限" in html


def count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/projects/reports/", {"month": "2026-09"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_constant_queries_at_50_and_500_projects(client: Client, cast: Cast) -> None:
    add_projects(cast, 48)  # a third of them reported 2026-09
    client.force_login(cast.supervisor)
    count_queries(client)
    at_50 = count_queries(client)
    add_projects(cast, 450, start=1000)
    at_500 = count_queries(client)
    assert at_500 == at_50, (at_50, at_500)


def post_new(client: Client, project: Project, **data: str) -> str:
    values = {
        "month": "2026-10",
        "month_investment": "800",
        "ytd_investment": "9800",
        "progress": "钢结构吊装",
    }
    values.update(data)
    response = client.post(f"/projects/{project.pk}/reports/new/", values, follow=True)
    return response.content.decode()


@pytest.mark.django_db
def test_submit_with_problem_raises_a_case(client: Client, cast: Cast) -> None:
    client.force_login(cast.specialist)
    form = client.get(f"/projects/{cast.inside.pk}/reports/new/?month=2026-10").content.decode()
    assert '<option value="2026-10" selected>2026年10月</option>' in form
    assert 'name="raise_problem"' in form and re.search(r'name="raise_problem"[^>]*checked', form)
    html = post_new(client, cast.inside, problems="电力增容未落实\n影响设备调试", raise_problem="on")
    r = MonthlyReport.objects.get(project=cast.inside)
    assert (r.month, r.status, r.submitted_by, r.ytd_investment) == (
        dt.date(2026, 10, 1),
        "submitted",
        cast.specialist,
        Decimal("9800"),
    )
    assert "已报送2026年10月调度" in html and "已登记为问题闭环" in html
    case = Case.objects.get(source_ref=f"report:{r.pk}")
    assert case.title == "电力增容未落实" and case.subject == cast.inside
    assert "电力增容未落实" in html  # the case is linked from the report
    # a second look at the new form for the same month goes to the existing report
    response = client.get(f"/projects/{cast.inside.pk}/reports/new/?month=2026-10")
    assert response.status_code == 302 and response["Location"] == f"/projects/reports/{r.pk}/edit/"


@pytest.mark.django_db
def test_submit_without_raising_a_problem(client: Client, cast: Cast) -> None:
    client.force_login(cast.owner)
    post_new(client, cast.inside, problems="资金到位慢")  # checkbox left off
    assert MonthlyReport.objects.get().problems == "资金到位慢"
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_field_errors_in_chinese(client: Client, cast: Cast) -> None:
    client.force_login(cast.specialist)
    html = post_new(client, cast.inside, month_investment="-1", ytd_investment="abc")
    assert "本月完成投资不能为负数" in html and "请输入数字（单位：万元）" in html
    html = post_new(client, cast.inside, month_investment="900", ytd_investment="100")
    assert "累计完成投资不能小于本月完成投资" in html
    html = post_new(client, cast.inside, month="2030-01")
    assert "请选择报送月份" in html
    assert not MonthlyReport.objects.exists()


@pytest.mark.django_db
def test_two_people_writing_the_same_new_report(cast: Cast) -> None:
    first, second = Client(), Client()
    first.force_login(cast.specialist)
    second.force_login(cast.owner)
    post_new(first, cast.inside, ytd_investment="9800")
    html = post_new(second, cast.inside, ytd_investment="1111")
    assert "该记录已被专员甲于" in html and "您的修改未保存" in html and "查看已报送的2026年10月调度" in html
    assert MonthlyReport.objects.get().ytd_investment == Decimal("9800")


@pytest.mark.django_db
def test_concurrent_resubmissions_second_gets_the_conflict(cast: Cast) -> None:
    r = services.submit_report(
        cast.specialist, cast.inside, SEPTEMBER, month_investment=Decimal("1"), ytd_investment=Decimal("2")
    )
    first, second = Client(), Client()
    first.force_login(cast.specialist)
    second.force_login(cast.owner)
    url = f"/projects/reports/{r.pk}/edit/"
    for c in (first, second):
        assert f'name="version" value="{r.version}"' in c.get(url).content.decode()
    data = {"month_investment": "10", "ytd_investment": "20", "version": r.version}
    assert first.post(url, data).status_code == 302
    html = second.post(url, {**data, "ytd_investment": "99"}).content.decode()
    assert "该记录已被专员甲于" in html and "您的修改未保存" in html and "打开最新内容" in html
    r.refresh_from_db()
    assert (r.ytd_investment, r.version) == (Decimal("20"), 2)


@pytest.mark.django_db
def test_return_with_reason_resubmit_and_approve(client: Client, cast: Cast) -> None:
    r = services.submit_report(
        cast.specialist, cast.inside, SEPTEMBER, month_investment=Decimal("1"), ytd_investment=Decimal("2")
    )
    detail = f"/projects/reports/{r.pk}/"
    review = f"/projects/reports/{r.pk}/review/"
    client.force_login(cast.specialist)
    assert "退回</button>" not in client.get(detail).content.decode()

    client.force_login(cast.supervisor)
    html = client.get(detail).content.decode()
    assert ">通过</button>" in html and ">退回</button>" in html
    html = client.post(
        review, {"decision": "return", "note": " ", "version": 1}, follow=True
    ).content.decode()
    assert "退回必须写明原因" in html
    r.refresh_from_db()
    assert r.status == "submitted"
    html = client.post(review, {"decision": "return", "note": "累计完成投资有误", "version": 1}, follow=True)
    assert "调度已退回" in html.content.decode()
    r.refresh_from_db()
    assert (r.status, r.review_note, r.reviewed_by) == ("returned", "累计完成投资有误", cast.supervisor)

    client.force_login(cast.specialist)
    html = client.get(detail).content.decode()
    assert "退回原因：</b>累计完成投资有误" in html and "修改后重新报送" in html
    form = client.get(f"/projects/reports/{r.pk}/edit/").content.decode()
    assert "该调度已被退回" in form and "退回原因：累计完成投资有误" in form
    data = {"month_investment": "1", "ytd_investment": "20", "version": r.version}
    assert client.post(f"/projects/reports/{r.pk}/edit/", data).status_code == 302
    r.refresh_from_db()
    assert (r.status, r.ytd_investment, r.review_note) == ("submitted", Decimal("20"), "")

    client.force_login(cast.supervisor)
    stale = {"decision": "approve", "note": "", "version": 1}
    html = client.post(review, stale, follow=True).content.decode()
    assert "您的修改未保存" in html  # the page was opened before the resubmission
    client.post(review, {"decision": "approve", "note": "", "version": r.version})
    r.refresh_from_db()
    assert r.status == "approved"
    html = client.get(detail).content.decode()
    assert ">通过</button>" not in html and "已通过" in html

    client.force_login(cast.specialist)
    response = client.get(f"/projects/reports/{r.pk}/edit/", follow=True)
    assert "该月调度已审核通过" in response.content.decode()


@pytest.mark.django_db
def test_new_report_defaults_to_the_month_not_yet_reported(client: Client, cast: Cast) -> None:
    """The month that is due, never one that has not ended: last month, else an earlier one still
    missing, else last month's report to correct."""
    last = reporting_month()
    before = shift_month(last, -1)
    client.force_login(cast.specialist)
    url = f"/projects/{cast.inside.pk}/reports/new/"
    assert f'<option value="{month_code(last)}" selected>' in client.get(url).content.decode()
    services.submit_report(
        cast.specialist, cast.inside, last, month_investment=Decimal("1"), ytd_investment=Decimal("2")
    )
    html = client.get(url).content.decode()
    assert f'<option value="{month_code(before)}" selected>' in html
    assert f'<option value="{month_code(timezone.localdate())}" selected>' not in html
    for back in (before, shift_month(last, -2)):
        MonthlyReport.objects.create(
            project=cast.inside, month=back, month_investment=Decimal("1"), ytd_investment=Decimal("1"),
            submitted_at=timezone.now(),
        )  # fmt: skip
    response = client.get(url)
    assert response.status_code == 302 and "/edit/" in response["Location"]
    detail = client.get(f"/projects/{cast.inside.pk}/").content.decode()
    assert f'href="{url}">报送月度调度<' in detail
