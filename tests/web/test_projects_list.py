"""项目台账 list: filters, search, sorting, pagination, the report and problem columns, the export
link, and a constant number of queries whether there are 50 or 500 projects."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from liangping.cases import services as cases
from liangping.cases.models import Case, CaseStatus
from liangping.projects.models import Level, MonthlyReport, Project, ReportStatus, Stage
from liangping.projects.queries import latest_due_month
from tests.cast import Cast


def names_in(page: str) -> list[str]:
    """Project names in table order."""
    return re.findall(r'<td class="name"><a href="/projects/\d+/">([^<]+)</a>', page)


def add_projects(cast: Cast, count: int, start: int = 100) -> None:
    stages = list(Stage)
    Project.objects.bulk_create(
        [
            Project(
                code=f"ZZ-T-{i:04d}",
                name=f"批量项目{i:04d}",
                level=Level.CITY,
                district=cast.tengzhou if i % 2 else cast.shizhong,
                industry="装备制造" if i % 3 else "新材料",
                unit=cast.company_a if i % 2 else cast.company_b,
                total_investment=Decimal(1000 + i),
                annual_plan=Decimal(100 + i) if i % 4 else None,
                stage=stages[i % len(stages)],
                leader=cast.leader if i % 2 else cast.leader2,
                department=cast.fagai if i % 2 else cast.gongxin,
                specialist=cast.specialist if i % 2 else cast.specialist2,
            )
            for i in range(start, start + count)
        ]
    )
    projects = list(Project.objects.filter(code__startswith="ZZ-T-"))
    MonthlyReport.objects.bulk_create(
        [
            MonthlyReport(
                project=p,
                month=dt.date(2026, 9, 1),
                month_investment=Decimal("10"),
                ytd_investment=Decimal("90"),
                submitted_at=timezone.now(),
                status=ReportStatus.APPROVED,
            )
            for p in projects[::3]
        ],
        ignore_conflicts=True,
    )


@pytest.mark.django_db
def test_columns_and_scope(client: Client, cast: Cast) -> None:
    client.force_login(cast.district)
    page = client.get("/projects/").content.decode()
    assert names_in(page) == ["示例动力电池项目"]
    for text in ["ZZ-2025-001", "省重点", "滕州市", "开工建设", "2,000,000", "300,000", "领导甲"]:
        assert text in page
    assert "市发展改革委" in page and "专员甲" in page
    assert "示例智慧物流项目" not in page and "市中区" not in page  # filter options are scoped too
    assert 'class="hide-phone"' in page


@pytest.mark.django_db
def test_filters_and_search(client: Client, cast: Cast) -> None:
    client.force_login(cast.supervisor)
    get = lambda **q: names_in(client.get("/projects/", q).content.decode())  # noqa: E731
    both = ["示例动力电池项目", "示例智慧物流项目"]
    assert get() == both
    assert get(district=cast.shizhong.pk) == ["示例智慧物流项目"]
    assert get(stage="construction") == ["示例动力电池项目"]
    assert get(level="city") == ["示例智慧物流项目"]
    assert get(industry="新能源") == ["示例动力电池项目"]
    assert get(leader=cast.leader2.pk) == ["示例智慧物流项目"]
    assert get(department=cast.fagai.pk) == ["示例动力电池项目"]
    assert get(specialist=cast.specialist2.pk) == ["示例智慧物流项目"]
    assert get(q="物流") == ["示例智慧物流项目"]
    assert get(q="zz-2025-001") == ["示例动力电池项目"]
    assert get(q="不存在的项目") == []
    assert get(district=cast.tengzhou.pk, stage="signed") == []
    assert get(stage="nonsense", district="abc") == both  # unknown values are ignored
    page = client.get("/projects/", {"q": "不存在的项目"}).content.decode()
    assert "没有符合条件的项目" in page and "清除筛选" in page


@pytest.mark.django_db
def test_sorting_by_column_headers(client: Client, cast: Cast) -> None:
    add_projects(cast, 6)
    client.force_login(cast.supervisor)
    get = lambda sort: names_in(client.get("/projects/", {"sort": sort}).content.decode())  # noqa: E731
    by_code = get("code")
    assert by_code[:2] == ["示例动力电池项目", "示例智慧物流项目"] and get("-code") == by_code[::-1]
    assert get("total")[-1] == "示例动力电池项目" and get("-total")[0] == "示例动力电池项目"
    assert get("-plan")[0] == "示例动力电池项目"
    stages = Project.objects.in_bulk()
    order = [s.value for s in Stage]
    ranks = [order.index(next(p.stage for p in stages.values() if p.name == n)) for n in get("stage")]
    assert ranks == sorted(ranks)
    assert get("-name") == sorted(get("name"), reverse=True)
    district_first = get("district")[0]
    assert Project.objects.get(name=district_first).district == cast.tengzhou  # 滕州市 was created first
    page = client.get("/projects/", {"sort": "total", "district": cast.tengzhou.pk}).content.decode()
    # the header of the sorted column toggles the direction and keeps the filters
    assert f'href="?district={cast.tengzhou.pk}&amp;sort=-total"' in page
    assert 'aria-sort="ascending"' in page


@pytest.mark.django_db
def test_pagination_50_per_page_with_page_numbers(client: Client, cast: Cast) -> None:
    add_projects(cast, 118)  # 120 projects: pages of 50, 50, 20
    client.force_login(cast.supervisor)
    first = client.get("/projects/").content.decode()
    assert len(names_in(first)) == 50
    assert "共 <b>120</b> 个项目" in first
    assert 'aria-current="page">1<' in first and 'page=2">2</a>' in first and 'page=3">3</a>' in first
    third = client.get("/projects/", {"page": 3, "district": ""}).content.decode()
    assert len(names_in(third)) == 20
    filtered = client.get("/projects/", {"district": cast.tengzhou.pk}).content.decode()
    assert f"district={cast.tengzhou.pk}&amp;page=2" in filtered
    assert len(names_in(client.get("/projects/", {"page": 99}).content.decode())) == 20  # last page


@pytest.mark.django_db
def test_latest_report_missing_badge_and_open_problems(client: Client, cast: Cast) -> None:
    today = timezone.localdate()
    due = latest_due_month(today)  # the latest month whose report deadline has passed
    MonthlyReport.objects.create(
        project=cast.outside,
        month=due,
        month_investment=Decimal("10"),
        ytd_investment=Decimal("20"),
        submitted_at=timezone.now(),
    )
    MonthlyReport.objects.create(
        project=cast.inside,
        month=today.replace(day=1),
        month_investment=Decimal("10"),
        ytd_investment=Decimal("20"),
        submitted_at=timezone.now(),
        status=ReportStatus.APPROVED,
    )
    MonthlyReport.objects.filter(project=cast.inside).update(month=dt.date(2025, 1, 1))
    skipped = Project.objects.get(pk=cast.outside.pk)
    skipped.pk, skipped.code, skipped.name = None, "ZZ-2025-003", "跳报项目"
    skipped.save()
    MonthlyReport.objects.create(  # this month is in, the month that is due is not
        project=skipped,
        month=today.replace(day=1),
        month_investment=Decimal("10"),
        ytd_investment=Decimal("20"),
        submitted_at=timezone.now(),
    )
    a = cases.register(cast.supervisor, "用地手续未办结", subject=cast.inside)
    cases.register(cast.supervisor, "施工许可待办", subject=cast.inside)
    cases.register(cast.supervisor, "已解决的问题", subject=cast.outside)
    Case.objects.filter(title="已解决的问题").update(status=CaseStatus.CLOSED)
    assert a.pk
    client.force_login(cast.supervisor)
    page = client.get("/projects/").content.decode()
    rows = page.split("<tbody>")[1].split("<tr>")[1:]
    inside = next(r for r in rows if "示例动力电池项目" in r)
    outside = next(r for r in rows if "示例智慧物流项目" in r)
    assert "2025-01" in inside and "未报送" in inside  # the latest report is older than the due month
    assert 'title="未销号问题">2<' in inside
    assert "未报送" not in outside and "待审核" in outside and f"{due:%Y-%m}" in outside
    assert '<span class="muted">0</span>' in outside
    skipped_row = next(r for r in rows if "跳报项目" in r)
    assert f"{today:%Y-%m}" in skipped_row and "未报送" in skipped_row


@pytest.mark.django_db
def test_export_link_carries_the_filters(client: Client, cast: Cast) -> None:
    client.force_login(cast.supervisor)
    page = client.get("/projects/", {"district": cast.tengzhou.pk, "q": "电池", "sort": "-total"})
    html = page.content.decode()
    try:
        url = reverse("sheets:export", args=["projects"])
    except NoReverseMatch:
        assert "导出台账" not in html
        return
    assert f'href="{url}?district={cast.tengzhou.pk}&amp;q=%E7%94%B5%E6%B1%A0"' in html
    export = client.get(f"{url}?district={cast.tengzhou.pk}&q=电池")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_htmx_request_gets_only_the_ledger_part(client: Client, cast: Cast) -> None:
    client.force_login(cast.supervisor)
    response = client.get("/projects/", {"stage": "signed"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ledger">') and "<html" not in html
    assert names_in(html) == ["示例智慧物流项目"]
    assert "HX-Request" in response["Vary"]


def count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/projects/", {"sort": "stage"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_constant_queries_at_50_and_500_projects(
    client: Client, cast: Cast, django_assert_max_num_queries
) -> None:
    add_projects(cast, 48)
    for p in Project.objects.all()[:10]:
        cases.register(cast.supervisor, f"问题{p.code}", subject=p)
    client.force_login(cast.supervisor)
    count_queries(client)  # warm caches (content types, session)
    at_50 = count_queries(client)
    add_projects(cast, 450, start=1000)
    assert Project.objects.count() == 500
    with django_assert_max_num_queries(at_50):
        response = client.get("/projects/", {"sort": "stage"})
    assert len(names_in(response.content.decode())) == 50
    at_500 = count_queries(client)
    assert at_500 == at_50, (at_50, at_500)
    print(f"ledger list queries: {at_50} at 50 projects, {at_500} at 500 projects")


def test_filter_options_are_rendered_once_and_mark_the_current_choice() -> None:
    from liangping.projects.queries import LedgerOptions, Option, OptionList
    from liangping.projects.templatetags.ledger import select_options

    plain = [Option("1", "市中区"), Option("2", 'A&B "公司"'), Option("12", "滕州市")]
    options = LedgerOptions(districts=plain)
    assert isinstance(options.districts, OptionList)
    for current in ("", "1", "2", "12", "9", '"><script>'):
        assert select_options(options.districts, current) == select_options(plain, current)
    assert '<option value="12" selected>滕州市</option>' in select_options(options.districts, "12")
    assert "A&amp;B &quot;公司&quot;" in select_options(options.districts, "")


def test_ordering_by_a_required_column_is_a_plain_index_order() -> None:
    from liangping.projects.queries import _ordering

    code, *_ = _ordering("code", False)
    stage, *_ = _ordering("stage", False)
    assert not code.nulls_first and not code.nulls_last and not code.descending
    assert stage.nulls_first  # an annotation keeps its empty values first on every database
    assert _ordering("code", True)[0].descending and not _ordering("code", True)[0].nulls_last
