"""Sign-in, sign-out and the role-aware start page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from liangping.cases import services as cases
from liangping.cases.models import Case
from liangping.core.dashboard import reporting_month
from liangping.projects.models import MonthlyReport, Project
from tests.cast import PASSWORD


@pytest.mark.django_db
def test_login_lands_on_home(client, cast):
    response = client.post("/accounts/login/", {"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "督查员甲" in page and "未销号问题" in page


@pytest.mark.django_db
def test_wrong_password_is_refused_in_chinese(client, cast):
    response = client.post("/accounts/login/", {"username": "supervisor", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(client, cast):
    cast.owner.is_active = False
    cast.owner.save()
    response = client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_deactivated_session_loses_access(client, cast):
    client.force_login(cast.department)
    assert client.get("/cases/").status_code == 200
    cast.department.is_active = False
    cast.department.save()
    assert client.get("/cases/").status_code == 302


@pytest.mark.django_db
def test_logout_is_a_post(client, cast):
    client.force_login(cast.supervisor)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_login_keeps_next(client, cast):
    response = client.post(
        "/accounts/login/?next=/cases/", {"username": "supervisor", "password": PASSWORD, "next": "/cases/"}
    )
    assert response["Location"] == "/cases/"


def _stat(page: str, label: str) -> int:
    """The number shown above `label` on the home page."""
    before = page.split(label)[0]
    return int(before.rsplit("<b", 1)[1].split(">", 1)[1].split("<", 1)[0])


@pytest.mark.django_db
def test_supervisor_home_counts(client, cast):
    open_case = cases.register(cast.supervisor, "电力接入滞后", subject=cast.inside)
    late = cases.register(cast.supervisor, "环评未批复", subject=cast.outside)
    cases.assign(cast.supervisor, late, cast.gongxin, today=dt.date(2025, 1, 2))
    closed = cases.register(cast.supervisor, "已解决", subject=cast.inside)
    Case.objects.filter(pk=closed.pk).update(status="closed")
    MonthlyReport.objects.create(
        project=cast.inside,
        month=reporting_month(timezone.localdate()),
        month_investment=Decimal(10),
        ytd_investment=Decimal(100),
        submitted_at=timezone.now(),
    )
    client.force_login(cast.supervisor)
    page = client.get("/").content.decode()
    assert _stat(page, "重点项目") == 2
    assert _stat(page, "本月待审核调度") == 1
    assert _stat(page, "未销号问题") == 2
    assert _stat(page, "逾期问题") == 1
    assert open_case.title in page  # awaiting assignment: in the to-do list
    assert "/cases/?overdue=1" in page


@pytest.mark.django_db
def test_department_home_counts(client, cast):
    mine = cases.register(cast.supervisor, "用地预审", subject=cast.inside)
    cases.assign(cast.supervisor, mine, cast.fagai, today=dt.date(2025, 1, 2))
    cases.register(cast.supervisor, "别人的问题", subject=cast.outside)
    client.force_login(cast.department)
    page = client.get("/").content.decode()
    assert _stat(page, "我的项目") == 1
    assert _stat(page, "上月调度未报送") == 1
    assert _stat(page, "未销号问题") == 1
    assert _stat(page, "逾期问题") == 1
    assert "本单位牵头、待答复的问题" in page and "用地预审" in page and "别人的问题" not in page


@pytest.mark.django_db
def test_owner_home_shows_reports_to_submit(client, cast):
    client.force_login(cast.owner)
    page = client.get("/").content.decode()
    assert _stat(page, "我的项目") == 1
    assert _stat(page, "上月调度待报送") == 1
    MonthlyReport.objects.create(
        project=cast.inside,
        month=reporting_month(timezone.localdate()),
        month_investment=Decimal(10),
        ytd_investment=Decimal(100),
        submitted_at=timezone.now(),
    )
    assert _stat(client.get("/").content.decode(), "上月调度待报送") == 0


@pytest.mark.django_db
def test_admin_home_lists_the_menu(client, cast):
    client.force_login(cast.auditor)
    page = client.get("/").content.decode()
    assert "审计日志" in page and "/audit/" in page and "重点项目" not in page
    client.force_login(cast.sysadmin)
    page = client.get("/").content.decode()
    assert "/users/" in page and "/settings/" in page and "/calendar/" in page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["supervisor", "department", "owner", "sysadmin"])
def test_home_queries_do_not_grow(client, cast, who, django_assert_max_num_queries):
    user = getattr(cast, who)
    client.force_login(user)
    for i in range(30):
        project = Project.objects.create(
            code=f"X-{i}",
            name=f"项目{i}",
            district=cast.tengzhou,
            unit=cast.company_a,
            department=cast.fagai,
            total_investment=Decimal(100),
            annual_plan=Decimal(10),
        )
        case = cases.register(cast.supervisor, f"问题{i}", subject=project)
        cases.assign(cast.supervisor, case, cast.fagai, today=dt.date(2025, 1, 2))
    # 15 measured for the supervisor: the numbers, the problem list, and the four queues (total and rows each)
    with django_assert_max_num_queries(16):
        assert client.get("/").status_code == 200
