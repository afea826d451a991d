"""The demo city tells the newspaper's story: the published 2022 H1 period (2022Q2) reads like the article,
on the screen's data, on the public page and in the .docx; every published period has yellow cards."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from liangping.core.models import Period, PeriodStatus
from liangping.disclosure.document import docx_bytes
from liangping.grading import services
from liangping.screen.data import published_snapshot, snapshot_data
from liangping.tasks.models import Task, TaskReport

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", "--no-serve", "--today", "2026-11-20", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def h1(demo):  # type: ignore[no-untyped-def]
    return snapshot_data(published_snapshot("2022Q2"))


def test_207_projects_completed_360_odd_yi_over_80_percent_30_points_ahead(h1):
    ov = h1["overview"]
    assert h1["as_of"]["cutoff_text"] == "2022年6月30日"
    assert ov["projects"]["total"] == ov["projects"]["graded"] == 207
    assert Decimal("3600000") <= Decimal(ov["ytd_investment"]) < Decimal("3700000")  # 360余亿元 (万元)
    assert ov["display"]["ytd_investment"].startswith("360.")
    assert Decimal(ov["time_progress"]) == 50
    assert Decimal(ov["completion"]) > 80  # 达到年度计划的80%以上
    assert Decimal(ov["gap"]) > 30  # 超时间进度30个百分点以上


def test_14_of_15_indicators_in_the_top_ten_with_the_articles_ranks(h1):
    ranking = h1["ranking"]
    assert ranking["count"] == 15 and ranking["top10"] == 14
    rank = {i["name"]: i["rank"] for i in ranking["indicators"]}
    growth = {i["name"]: i["growth"] for i in ranking["indicators"]}
    assert rank["地区生产总值"] == 3 and Decimal(growth["地区生产总值"]) == Decimal("4.1")
    for name in ("一般公共预算收入", "金融机构本外币贷款余额", "货物进出口总额"):
        assert rank[name] == 1, name
    for name in ("税收收入", "实际使用外资", "全社会用电量", "工业用电量"):
        assert rank[name] == 2, name


def test_the_docx_and_the_public_page_read_like_the_article(h1):
    document = docx.Document(io.BytesIO(docx_bytes(h1)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "2022年第二季度重点工作进展情况"
    assert "数据截至：2022年6月30日" in document.paragraphs[1].text
    ov = h1["overview"]["display"]
    assert "全市重点项目207个" in text and f"累计完成投资{ov['ytd_investment']}亿元" in text
    assert f"超过时序进度{ov['gap'].lstrip('+')}个百分点" in text
    assert "主要经济指标15项中，14项居全省16市前十位" in text
    html = Client().get(reverse("disclosure:public", args=["2022Q2"])).content.decode()
    assert f"累计完成投资{ov['ytd_investment']}亿元" in html and "14项居全省16市前十位" in html


def test_every_published_period_has_yellow_cards_and_runs_need_the_adjacent_quarter(demo):
    published = Period.objects.filter(status=PeriodStatus.PUBLISHED).order_by("year", "month")
    assert [p.code for p in published] == ["2022Q2", "2026Q2", "2026Q3"]
    for period in published:
        data = snapshot_data(services.current_snapshot(period))
        assert data["overview"]["projects"]["yellow"] > 0 and data["yellow"], period.code
        assert data["overview"]["projects"]["red"] > 0, period.code
    # a run of red cards or a rank change needs the adjacent quarter: 2026Q3 follows 2026Q2, but
    # 2026Q2 does not follow 2022Q2
    assert services.adjacent_locked(published[2]) == published[1]
    assert services.adjacent_locked(published[1]) is None


def test_2022_plans_stay_in_the_snapshot_and_the_ledger_is_back_in_the_demo_year(demo):
    from liangping.projects.models import MonthlyReport, Project

    assert set(Project.objects.values_list("plan_year", flat=True)) == {2026}
    reports = MonthlyReport.objects.filter(month__year=2022)
    assert reports.count() == 207 * 6 and set(reports.values_list("status", flat=True)) == {"approved"}
    assert not reports.filter(month__gt=dt.date(2022, 6, 1)).exists()


def test_task_texts_read_the_article_right(demo):
    town = Task.objects.get(title="“审批不出镇”改革")
    assert "事项指导目录50项" in town.goal and town.target_unit == "项"
    latest = TaskReport.objects.filter(task=town).order_by("-month").first()
    assert "1433件" in latest.progress
    one = Task.objects.get(title="二手车出口“一件事”改革")
    assert "退税流程由20天减至3天" in one.goal
    assert "办理时限由20天" not in one.goal
