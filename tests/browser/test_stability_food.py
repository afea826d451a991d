"""The internal ledgers in a browser: a town reports its sweep items on the sweep page, the supervisor
assigns a 包案领导 (定责), the town records a follow-up, one item is struck off after 核查 and another
reopened; a food-safety campaign runs from an inspection on a phone to a hazard struck off after
复查. Screenshots at 1920×1080 and 390×844, every page without the internet."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liangping.cases.models import Case
from liangping.core.models import Org, OrgKind, Role
from liangping.foodsafety import services as food
from liangping.stability import services as stab
from tests.browser.conftest import DESKTOP, PHONE
from tests.cast import make_user


def test_a_sweep_and_a_campaign(page, live_server, cast, login, shot, offline, console_errors):
    town = Org.objects.create(name="龙泉街道", kind=OrgKind.TOWN, parent=cast.tengzhou)
    other = Org.objects.create(name="北辛街道", kind=OrgKind.TOWN, parent=cast.tengzhou)
    make_user("longquan", Role.DISTRICT, town, "龙泉街道综治员")
    today = timezone.localdate()
    sweep = stab.open_sweep(
        cast.supervisor,
        name="第四季度矛盾纠纷拉网式排查",
        kind="stability",
        start_date=today - dt.timedelta(days=3),
        end_date=today + dt.timedelta(days=2),
        units=[town, other],
    )
    campaign = food.start_campaign(
        cast.supervisor,
        name="食品生产质量安全“百日攻坚”专项行动",
        start_date=today - dt.timedelta(days=59),
        days=100,
        towns=[town, other],
        leader=cast.leader,
        lead_department=cast.fagai,
        firms_text="示例食品厂，龙泉街道，生产\n示例超市，北辛街道，流通",
        targets_text="龙泉街道，6\n北辛街道，4",
    )
    page.set_viewport_size(DESKTOP)
    signed_in = {"as": ""}

    def as_user(who: str) -> None:
        if signed_in["as"] != who:
            page.context.clear_cookies()
            login(page, who)
            signed_in["as"] = who

    # 1. the town reports two items on the sweep page (the kind's generated form)
    as_user("longquan")
    sweep_url = f"{live_server.url}/stability/sweeps/{sweep.pk}/"
    for title, level, people in (("某小区业主聚集维权", "高", "46"), ("建筑工地农民工讨薪", "中", "23")):
        page.goto(sweep_url)
        form = page.locator("#report-form")
        form.locator("input[name=title]").fill(title)
        form.locator("select[name=category]").select_option(label="劳资纠纷")
        form.locator("select[name=urgency]").select_option(label=level)
        form.locator("select[name=f_town]").select_option(label="龙泉街道")
        form.locator("select[name=f_resp_unit]").select_option(label="龙泉街道")
        form.locator("input[name=f_parties_count]").fill(people)
        form.locator("input[name=f_rep_phone]").fill("13912345678")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
        assert title in page.locator("#items").inner_text()
    shot(page, "stability-sweep-town-1920")
    page.set_viewport_size(PHONE)
    shot(page, "stability-sweep-town-390")
    page.set_viewport_size(DESKTOP)
    first, second = (Case.objects.get(title=t) for t in ("某小区业主聚集维权", "建筑工地农民工讨薪"))

    def act(who: str, case: Case, action: str, state: str, **fill: str) -> None:
        as_user(who)
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        form = page.locator(f"form.action-form:has(input[name=action][value={action}])")
        assert form.count() == 1, f"{who} sees no form for {action}"
        if "lead_org" in fill:
            form.locator("select[name=lead_org]").select_option(label=fill.pop("lead_org"))
        for name, value in fill.items():
            form.locator(f"[name={name}]").fill(value)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
        assert page.locator("h1 .badge").first.inner_text() == state, action

    # 2. the supervisor sees who has not reported, and assigns a 包案领导 to each item
    as_user("supervisor")
    page.goto(sweep_url)
    assert "北辛街道" in page.locator("#units").inner_text() and "未报送 1 个单位" in page.content()
    shot(page, "stability-sweep-supervisor-1920")
    plan = {
        "f_leader": "王副区长（示例）",
        "f_measures": "包案领导约谈开发商，督促退还定金",
        "f_target_date": "2027-01-31",
    }
    act("supervisor", first, "assign", "化解中", lead_org="龙泉街道", note="请龙泉街道牵头化解", **plan)
    act("supervisor", second, "assign", "化解中", lead_org="龙泉街道", **plan)
    # 3. the town records a follow-up (dated); the supervisor checks and strikes one off, reopens the other
    act("longquan", first, "follow_up", "化解中", date=today.isoformat(), note="入户走访 12 户，情绪稳定")
    page.set_viewport_size(PHONE)
    shot(page, "stability-case-390")
    page.set_viewport_size(DESKTOP)
    act("supervisor", first, "verify", "已核查", note="实地核查，已退还定金")
    act("supervisor", first, "close", "已销号")
    act("supervisor", second, "verify", "已核查", note="工资已结清")
    act("supervisor", second, "close", "已销号")
    act("supervisor", second, "reopen", "化解中", note="又有 8 名工人反映仍有欠薪")
    shot(page, "stability-case-reopened-1920")
    steps = list(Case.objects.get(pk=second.pk).steps.values_list("action", flat=True))
    assert steps == ["register", "assign", "verify", "close", "reopen"]
    assert Case.objects.get(pk=first.pk).data["leader"] == "王副区长（示例）"
    page.goto(f"{live_server.url}/stability/")
    assert "镇街 × 风险等级" in page.content()
    shot(page, "stability-index-1920")

    # 4. the campaign: an inspector on a phone records an inspection that finds a hazard
    as_user("longquan")
    page.set_viewport_size(PHONE)
    campaign_url = f"{live_server.url}/foodsafety/{campaign.pk}/"
    page.goto(campaign_url)
    form = page.locator("#inspection-form")
    form.locator("input[name=firm]").fill("示例食品厂")
    form.locator("input[name=inspector]").fill("李检查员")
    form.locator("input[name=result][value=hazard]").check()
    form.locator("input[name=hazard_title]").fill("原料库房未做到离地离墙")
    shot(page, "food-inspection-390")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
    hazard = Case.objects.get(kind="food_hazard")
    page.set_viewport_size(DESKTOP)
    act("supervisor", hazard, "assign", "整改中", lead_org="龙泉街道", note="7 日内整改")
    act("longquan", hazard, "rectify", "待复查", note="已加装货架，原料全部上架")
    act("supervisor", hazard, "review_pass", "复查合格", note="复查合格")
    act("supervisor", hazard, "close", "已销号")
    page.goto(campaign_url)
    page.locator("[data-burndown][data-finished='1']").wait_for()
    text = page.locator("#figures").inner_text()
    assert "第 60 天" in text
    shot(page, "food-campaign-1920")
    page.set_viewport_size(PHONE)
    page.locator("[data-burndown][data-finished='1']").wait_for()
    shot(page, "food-campaign-390")
    assert not [e for e in console_errors if "net::ERR_FAILED" not in e]
