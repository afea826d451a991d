"""The 百日攻坚 campaign: started as a leader-led task with milestones; inspections against targets per
town; a hazard found becomes a food_hazard case of the campaign (发现 → 整改 → 复查 → 销号, a failed
复查 back to 整改); a hazard on a firm outside the campaign is refused; the page and its burn-down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.foodsafety import queries, services
from liangping.foodsafety.models import Inspection
from liangping.tasks.models import Milestone


@pytest.fixture
def campaign(cast, towns):
    start = timezone.localdate() - dt.timedelta(days=59)
    return services.start_campaign(
        cast.supervisor,
        name="食品生产质量安全“百日攻坚”专项行动",
        start_date=start,
        days=100,
        towns=[towns.longquan, towns.beixin],
        departments=[cast.gongxin],
        leader=cast.leader,
        lead_department=cast.fagai,
        firms_text="示例食品厂，龙泉街道，生产\n示例超市，北辛街道，流通\n示例饭店，龙泉街道，餐饮",
        targets_text="龙泉街道，2\n北辛街道，3",
    )


@pytest.mark.django_db
def test_a_campaign_is_a_task_with_milestones(campaign):
    assert campaign.day_number() == 60 and campaign.days == 100
    task = campaign.task
    assert task is not None and task.title == campaign.name
    titles = list(
        Milestone.objects.filter(task=task).order_by("planned_date").values_list("title", flat=True)
    )
    assert titles == ["动员部署", "排查整治", "攻坚提升", "总结验收"]
    assert Milestone.objects.get(task=task, title="总结验收").planned_date == campaign.end_date


@pytest.mark.django_db
def test_bad_campaign_lines_name_the_line(cast, towns):
    with pytest.raises(services.CampaignError, match="参与企业第2行：镇街“峄城”") as err:
        services.start_campaign(
            cast.supervisor,
            name="x",
            start_date=timezone.localdate(),
            days=100,
            towns=[towns.longquan],
            leader=cast.leader,
            lead_department=cast.fagai,
            firms_text="甲厂，龙泉街道，生产\n乙厂，峄城，生产",
        )
    assert err.value.field == "firms"


@pytest.mark.django_db
def test_inspection_to_hazard_struck_off_after_review(cast, towns, campaign):
    day = timezone.localdate() - dt.timedelta(days=3)
    services.record_inspection(
        towns.longquan_user, campaign, firm_name="示例饭店", date=day, inspector="李某", result="passed"
    )
    inspection = services.record_inspection(
        towns.longquan_user,
        campaign,
        firm_name="示例食品厂",
        date=day,
        inspector="李某",
        result="hazard",
        hazard_title="原料库房未做到离地离墙",
    )
    hazard = inspection.hazard
    assert hazard is not None and hazard.kind == "food_hazard" and hazard.subject == campaign
    assert hazard.category.name == "生产" and hazard.data["firm"] == "示例食品厂"
    # 生产: 15 days to fix, from the day it was found.
    assert hazard.deadline == day + dt.timedelta(days=15)
    engine.act(hazard, "assign", actor=cast.supervisor, lead_org=towns.longquan)
    engine.act(hazard, "rectify", actor=towns.longquan_user, note="已加装货架")
    engine.act(hazard, "review_fail", actor=cast.supervisor, note="仍有原料堆放在地面")
    assert hazard.status == "rectifying"
    engine.act(hazard, "rectify", actor=towns.longquan_user, note="全部上架")
    with pytest.raises(engine.CaseFieldError, match="请填写复查意见"):
        engine.act(hazard, "review_pass", actor=cast.supervisor)
    engine.act(hazard, "review_pass", actor=cast.supervisor, note="复查合格")
    engine.act(hazard, "close", actor=cast.supervisor)
    assert hazard.status == "closed"
    figures = queries.campaign_figures(campaign, cast.supervisor)
    assert (figures["found"], figures["fixed"], figures["overdue"], figures["inspections"]) == (1, 1, 0, 2)
    longquan = next(t for t in figures["towns"] if t["town"] == towns.longquan)
    assert (longquan["done"], longquan["target"], longquan["share"]) == (2, 2, 100)
    assert figures["burndown"]["found"][-1] == 1 and figures["burndown"]["open"][-1] == 0
    assert len(figures["burndown"]["days"]) == 60


@pytest.mark.django_db
def test_a_hazard_on_a_firm_outside_the_campaign_is_refused(client, cast, towns, campaign):
    with pytest.raises(services.CampaignError, match="不是本次专项行动的参与企业") as err:
        services.record_inspection(
            towns.longquan_user,
            campaign,
            firm_name="外来食品厂",
            date=timezone.localdate(),
            inspector="李某",
            result="hazard",
            hazard_title="无证生产",
        )
    assert err.value.field == "firm"
    client.force_login(towns.longquan_user)
    page = client.post(
        f"/foodsafety/{campaign.pk}/inspections/",
        {
            "firm": "外来食品厂",
            "date": timezone.localdate().isoformat(),
            "inspector": "李某",
            "result": "hazard",
            "hazard_title": "无证生产",
        },
    ).content.decode()
    assert "外来食品厂”不是本次专项行动的参与企业" in page
    assert not Case.objects.of_kind("food_hazard").exists() and not Inspection.objects.exists()


@pytest.mark.django_db
def test_the_campaign_page(client, cast, towns, campaign):
    client.force_login(towns.longquan_user)
    response = client.post(
        f"/foodsafety/{campaign.pk}/inspections/",
        {
            "firm": "示例超市",
            "date": timezone.localdate().isoformat(),
            "inspector": "赵某",
            "result": "hazard",
            "hazard_title": "过期食品未下架",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/foodsafety/{campaign.pk}/").content.decode()
    assert "第 60 天" in page and "燃尽图" in page and "过期食品未下架" in page and "北辛街道" in page
    data = client.get(f"/foodsafety/{campaign.pk}/data.json").json()
    assert data["found"][-1] == 1 and data["total"] == 100
    client.force_login(cast.owner)
    assert client.get(f"/foodsafety/{campaign.pk}/").status_code == 404
    client.force_login(cast.leader)
    assert client.get("/tasks/").status_code == 200
    assert campaign.name in client.get(f"/tasks/{campaign.task.pk}/").content.decode()


@pytest.mark.django_db
def test_the_dashboard_shows_both_ledgers_within_scope(client, cast, towns, campaign):
    client.force_login(cast.supervisor)
    page = client.get("/screen/dashboard/").content.decode()
    assert "稳定风险台账" in page and campaign.name in page and "第 60 天" in page
    client.force_login(cast.specialist)
    page = client.get("/screen/dashboard/").content.decode()
    assert "稳定风险台账" not in page and campaign.name not in page


@pytest.mark.django_db
def test_a_food_safety_sweep_refuses_hazards_without_a_campaign(cast, towns):
    """A 食品安全 sweep has no campaign: a hazard belongs to a campaign's participating firm, so a unit
    reporting one in the sweep is refused with a message naming the sweep's 排查类型 (nothing saved,
    neither from the service nor from the page); the unit may still report 无."""
    from django.test import Client

    from liangping.core.models import AuditLog
    from liangping.stability import services as stab
    from liangping.stability.models import SweepReport

    today = timezone.localdate()
    sweep = stab.open_sweep(
        cast.supervisor,
        name="示例食品安全排查",
        kind="food_hazard",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=5),
        units=[towns.longquan],
    )
    item = stab.ItemInput(
        title="示例食品厂未落实进货查验",
        category="production",
        urgency="",
        data={"firm": "示例食品厂", "town": towns.longquan.pk},
    )
    before = (Case.objects.count(), AuditLog.objects.count(), SweepReport.objects.count())
    with pytest.raises(stab.LedgerError) as refused:
        stab.report_items(towns.longquan_user, sweep, towns.longquan, [item])
    message = str(refused.value)
    assert refused.value.field == "kind" and "排查类型" in message and "专项行动" in message
    client = Client()
    client.force_login(towns.longquan_user)
    page = client.post(
        f"/stability/sweeps/{sweep.pk}/report/",
        {"title": "示例食品厂未落实进货查验", "category": "production", "f_firm": "示例食品厂"},
    )
    assert page.status_code == 200 and "排查类型" in page.content.decode()
    assert (Case.objects.count(), AuditLog.objects.count(), SweepReport.objects.count()) == before
    stab.report_nil(towns.longquan_user, sweep, towns.longquan, "经排查无")
    assert SweepReport.objects.get(sweep=sweep).nil
