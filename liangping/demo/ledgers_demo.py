"""The demo city's internal ledgers (示例数据): a 稳定 sweep of 滕州市's towns with a nil report and a
late unit, 40 stability items across the three levels (some struck off, some reopened, some with a
missed follow-up), two reception days, and a 100-day food-safety campaign at its 60th day with
inspections and hazards in every state. Everything goes through the real services and the case
engine (with past dates), so the figures are what the code computes. Every name of a person, firm or
item here is invented and marked 示例; the towns are real.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.core.models import Org, OrgKind, Role, User
from liangping.demo import names as N
from liangping.foodsafety import services as food
from liangping.foodsafety.models import Campaign, Inspection
from liangping.stability import services as stab
from liangping.stability.models import Sweep, SweepKind

# The sweep's units: the three towns with accounts of their own (appeals_demo) and two departments.
SWEEP_TOWNS = ["光明路街道", "荆河街道", "临城街道"]
SWEEP_DEPARTMENTS = {"市人力资源和社会保障局": "dept_rsj", "市市场监督管理局": "dept_scjg"}
TOWN_USERS = {"光明路街道": "town_gml", "荆河街道": "town_jh", "临城街道": "town_lc"}
CAMPAIGN_TOWNS = ["荆河街道", "龙泉街道", "北辛街道", "善南街道", "官桥镇"]  # 滕州市
ITEMS = [
    ("labor", "某建筑工地农民工工资拖欠"),
    ("labor", "某服装厂停产后职工社保补缴诉求"),
    ("land", "某村土地征收补偿标准争议"),
    ("land", "某片区旧城改造安置房交付延期"),
    ("finance", "某理财公司兑付逾期涉众投资人聚集"),
    ("finance", "某养老服务机构预收费用退费纠纷"),
    ("petition", "某小区业主对规划调整的重复信访"),
    ("petition", "某企业改制遗留职工待遇信访"),
    ("neighbour", "宅基地边界相邻纠纷"),
    ("neighbour", "楼上漏水引发的邻里矛盾"),
    ("other", "某商业街商户与物业收费矛盾"),
    ("other", "某学校周边道路施工引发的家长诉求"),
]
LEVELS = ["high", "medium", "medium", "low", "low", "medium", "high", "low"]
FIRM_KINDS = [
    ("食品厂", "生产"),
    ("副食品店", "流通"),
    ("饭店", "餐饮"),
    ("超市", "流通"),
    ("农贸小卖部", "农村"),
]
FOLLOW_UPS = [
    "入户走访，当事人情绪稳定",
    "召开协调会，提出化解方案",
    "电话回访，诉求正在办理",
    "联合相关部门现场调处",
]
HAZARDS = [
    "原料库房未做到离地离墙",
    "从业人员健康证过期",
    "过期食品未及时下架",
    "进货查验记录不全",
    "后厨防蝇防鼠设施缺失",
    "标签标识不规范的“山寨”饮料",
    "餐具消毒记录缺失",
    "生产车间更衣室设置不规范",
]


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    """That hour of that day, never later than now (a step is never in the future)."""
    return min(timezone.now(), timezone.make_aware(dt.datetime.combine(day, dt.time(hour))))


def _unit_users() -> dict[str, User]:
    """The accounts of the sweep's units (the demo city's own: none is added here)."""
    wanted = {**TOWN_USERS, **SWEEP_DEPARTMENTS}
    have = {u.username: u for u in User.objects.filter(username__in=wanted.values())}
    return {unit: have[u] for unit, u in wanted.items() if u in have}


def load_ledgers_demo(today: dt.date) -> dict[str, int]:
    """Idempotent: a database that already has the demo sweep gets nothing new."""
    if Sweep.objects.filter(sample=True).exists():
        return {}
    supervisor = User.objects.filter(username="supervisor").first()
    leader = User.objects.filter(role=Role.LEADER, is_active=True).order_by("username").first()
    market = Org.objects.filter(kind=OrgKind.DEPARTMENT, name="市市场监督管理局").first()
    towns = {o.name: o for o in Org.objects.filter(kind=OrgKind.TOWN)}
    departments = {o.name: o for o in Org.objects.filter(kind=OrgKind.DEPARTMENT, name__in=SWEEP_DEPARTMENTS)}
    users = _unit_users()
    wanted = [*SWEEP_TOWNS, *CAMPAIGN_TOWNS]
    if supervisor is None or leader is None or market is None or not all(t in towns for t in wanted):
        return {}
    if len(users) < len(TOWN_USERS) + len(SWEEP_DEPARTMENTS) or len(departments) < len(SWEEP_DEPARTMENTS):
        return {}
    rng = random.Random(f"ledgers:{today.isoformat()}")
    units = {**towns, **departments}
    with transaction.atomic():
        counts = _stability(rng, today, supervisor, users, units)
        counts.update(_campaign(rng, today, supervisor, leader, market, towns, users))
    return counts


def _person(rng: random.Random) -> str:
    return f"{rng.choice(N.SURNAMES)}{rng.choice(N.GIVEN)}（示例）"


def _item(rng: random.Random, n: int, town: Org) -> stab.ItemInput:
    category, text = ITEMS[n % len(ITEMS)]
    data: dict[str, Any] = {
        "town": town.pk,
        "resp_unit": town.pk,
        "village": rng.choice(["东", "西", "南", "北", "前", "后"]) + rng.choice(["庄村", "楼村", "社区"]),
        "grid": f"第{rng.randint(1, 12)}网格",
        "parties_count": rng.choice([3, 5, 8, 12, 20, 36, 60, 120]),
        "representatives": _person(rng),
        "rep_phone": f"139{rng.randint(10000000, 99999999)}",
    }
    return stab.ItemInput(f"{text}（示例）", category, LEVELS[n % len(LEVELS)], data, description="示例数据")


def _stability(
    rng: random.Random, today: dt.date, supervisor: User, users: dict[str, User], towns: dict[str, Org]
) -> dict[str, int]:
    start = today - dt.timedelta(days=12)
    sweep = stab.open_sweep(
        supervisor,
        name="滕州市矛盾纠纷和稳定风险拉网式排查（示例）",
        kind=SweepKind.STABILITY,
        start_date=start,
        end_date=today - dt.timedelta(days=2),
        units=[towns[t] for t in [*SWEEP_TOWNS, *SWEEP_DEPARTMENTS]],
        note="各镇街逐村逐网格排查，发现一件登记一件；没有发现的报送“无”。（示例数据）",
        sample=True,
    )
    Sweep.objects.filter(pk=sweep.pk).update(created_at=_moment(start, 9))
    cases: list[Case] = []
    n = 0
    # the three towns report items; 市人社局 reports 无; 市市场监管局 has not reported (late).
    for k, town_name in enumerate(SWEEP_TOWNS):
        user = users[town_name]
        town = towns[town_name]
        items = []
        for _ in range(4):
            items.append(_item(rng, n, town))
            n += 1
        cases += stab.report_items(user, sweep, town, items, at=_moment(start + dt.timedelta(days=3 + k), 16))
    stab.report_nil(
        users["市人力资源和社会保障局"],
        sweep,
        towns["市人力资源和社会保障局"],
        "经排查，本系统未发现新的稳定风险（示例）",
        at=_moment(start + dt.timedelta(days=4), 10),
    )
    receptions = 0
    for days_ago, place, town_name in (
        (20, "市信访接待中心", "龙泉街道"),
        (6, "滕州市群众来访接待中心", "荆河街道"),
    ):
        reception = stab.add_reception(
            supervisor,
            date=today - dt.timedelta(days=days_ago),
            leader=_person(rng),
            place=place,
            org=towns[town_name].parent or towns[town_name],
            visitors=rng.randint(6, 15),
            note="领导干部公开接待日（示例数据）",
            sample=True,
        )
        receptions += 1
        for _ in range(2):
            cases.append(stab.register_from_reception(supervisor, reception, _item(rng, n, towns[town_name])))
            n += 1
    others = [t for t in towns.values() if t.kind == OrgKind.TOWN and t.name not in SWEEP_TOWNS]
    while n < 40:
        town = others[n % len(others)]
        item = _item(rng, n, town)
        at = _moment(today - dt.timedelta(days=rng.randint(15, 70)))
        cases.append(
            engine.register(
                "stability",
                actor=supervisor,
                title=item.title,
                description=item.description,
                category=item.category,
                urgency=item.urgency,
                data=item.data,
                place_org=town,
                at=at,
                channel="staff",
            )
        )
        n += 1
    struck = reopened = overdue = 0
    for i, case in enumerate(cases):
        if i % 10 == 9:
            continue  # still waiting for 定责
        registered = timezone.localdate(case.registered_at)
        assigned = min(today, registered + dt.timedelta(days=1))
        town = Org.objects.get(pk=case.data["town"])
        engine.act(
            case,
            "assign",
            actor=supervisor,
            lead_org=town,
            at=_moment(assigned, 11),
            data={
                "leader": _person(rng),
                "measures": "包案领导牵头，逐户走访、依法依规化解（示例）",
                "target_date": (registered + dt.timedelta(days=90)).isoformat(),
            },
        )
        interval = {"high": 7, "medium": 15, "low": 30}[case.urgency]
        day = assigned
        missed = i % 6 == 2  # these units stopped following up: the item is overdue
        while True:
            nxt = day + dt.timedelta(days=interval - rng.randint(0, 2))
            if nxt >= today or (missed and nxt > today - dt.timedelta(days=interval + 3)):
                break
            note = rng.choice(FOLLOW_UPS) + "（示例）"
            engine.act(case, "follow_up", actor=supervisor, note=note, date=nxt, at=_moment(nxt, 15))
            day = nxt
        if case.is_overdue(today):
            overdue += 1
        if i % 5 == 0 and day < today:
            done = min(today, day + dt.timedelta(days=1))
            engine.act(
                case,
                "verify",
                actor=supervisor,
                note="实地核查，矛盾已化解，当事人签字确认（示例）",
                at=_moment(done, 16),
            )
            engine.act(case, "close", actor=supervisor, note="同意销号", at=_moment(done, 17))
            struck += 1
            if i % 10 == 0 and done < today:
                engine.act(
                    case,
                    "reopen",
                    actor=supervisor,
                    note="当事人再次聚集反映，重新启动化解（示例）",
                    at=_moment(today, 9),
                )
                reopened += 1
    return {
        "排查轮次": 1,
        "稳定风险事项": len(cases),
        "公开接待日": receptions,
        "已销号": struck,
        "重新启动": reopened,
        "跟进超期": overdue,
    }


def _campaign(
    rng: random.Random,
    today: dt.date,
    supervisor: User,
    leader: User,
    market: Org,
    towns: dict[str, Org],
    users: dict[str, User],
) -> dict[str, int]:
    start = today - dt.timedelta(days=59)
    part = [towns[t] for t in CAMPAIGN_TOWNS]
    firms = []
    for i in range(30):
        town = part[i % len(part)]
        kind, category = FIRM_KINDS[i % len(FIRM_KINDS)]
        firms.append((f"示例{rng.choice(N.SURNAMES)}记{kind}{i + 1:02d}", town.name, category))
    campaign = food.start_campaign(
        supervisor,
        name="食品生产质量安全“百日攻坚”专项行动（示例）",
        start_date=start,
        days=100,
        towns=part,
        departments=[market],
        leader=leader,
        lead_department=market,
        firms_text="\n".join("，".join(f) for f in firms),
        targets_text="\n".join(f"{t.name}，{rng.choice([10, 12, 14])}" for t in part),
        note="全面排查食品生产经营主体，发现隐患限期整改、复查销号，百日内清零（示例数据）",
        sample=True,
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=_moment(start, 9))
    inspections = hazards = 0
    # states to reach, in order: closed ×6, passed ×2, reviewing ×2, rectifying ×4 (2 overdue), found ×2
    plan = ["closed"] * 6 + ["passed"] * 2 + ["reviewing"] * 2 + ["rectifying"] * 4 + ["found"] * 2
    hazard_at = sorted(rng.sample(range(3, 56), len(plan)))
    hazard_days = dict(zip(hazard_at, plan, strict=True))
    for d in range(1, 58):
        day = start + dt.timedelta(days=d)
        for _ in range(rng.randint(0, 2) if d not in hazard_days else 0):
            name, town_name, _c = rng.choice(firms)
            food.record_inspection(
                users.get(town_name, supervisor),
                campaign,
                firm_name=name,
                date=day,
                inspector=_person(rng),
                result="passed",
                note="未发现问题（示例）",
                at=_moment(today, 8),
                sample=True,
            )
            inspections += 1
        if d in hazard_days:
            goal = hazard_days[d]
            name, town_name, _c = rng.choice(firms)
            actor = users.get(town_name, supervisor)
            inspection = food.record_inspection(
                actor,
                campaign,
                firm_name=name,
                date=day,
                inspector=_person(rng),
                result="hazard",
                hazard_title=f"{rng.choice(HAZARDS)}（示例）",
                note="现场检查发现（示例）",
                at=_moment(day, 10),
                sample=True,
            )
            inspections += 1
            hazards += 1
            case = inspection.hazard
            assert case is not None
            _drive(case, goal, day, today, supervisor, actor, towns[town_name], rng)
    return {"专项行动": 1, "检查记录": inspections, "食品安全隐患": hazards}


def _drive(
    case: Case, goal: str, found: dt.date, today: dt.date, supervisor: User, unit_user: User, town: Org,
    rng: random.Random,
) -> None:  # fmt: skip
    """Move a hazard along 发现 → 整改 → 复查 → 销号 up to `goal`, on plausible past days."""
    if goal == "found":
        return
    day = min(today, found + dt.timedelta(days=1))
    engine.act(case, "assign", actor=supervisor, lead_org=town, note="限期整改（示例）", at=_moment(day, 11))
    if goal == "rectifying":
        return
    day = min(today, day + dt.timedelta(days=rng.randint(2, 6)))
    engine.act(case, "rectify", actor=unit_user, note="已按要求整改并上传照片（示例）", at=_moment(day, 15))
    if goal == "reviewing":
        return
    day = min(today, day + dt.timedelta(days=1))
    if rng.random() < 0.4:  # a first 复查 that failed, then fixed again
        engine.act(
            case, "review_fail", actor=supervisor, note="整改不彻底，退回整改（示例）", at=_moment(day, 10)
        )
        day = min(today, day + dt.timedelta(days=2))
        engine.act(case, "rectify", actor=unit_user, note="再次整改完毕（示例）", at=_moment(day, 15))
        day = min(today, day + dt.timedelta(days=1))
    engine.act(case, "review_pass", actor=supervisor, note="复查合格（示例）", at=_moment(day, 16))
    if goal == "passed":
        return
    engine.act(case, "close", actor=supervisor, note="同意销号（示例）", at=_moment(day, 17))


__all__ = ["Inspection", "load_ledgers_demo"]
