"""A month of demo appeals (示例数据) through the real intake and the case engine.

Every appeal is filed with `appeals.intake.file_appeal` at its moment and walked through the engine's
own actions (派单, 签收, 退单, 申请延期/同意延期, 答复, 回访 …) at their moments, so deadlines,
steps, audit entries and 三率 are exactly what the system computes. The mix gives every page data:
on time, accepted late, finished late, returned as misrouted and dispatched again, extended,
reopened after 不满意, rated on all five levels, and some still open. The rosters (领导干部接热线,
局长科长坐窗口) cover the same days. Names, phones and texts are invented (示例数据).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from liangping.appeals import intake
from liangping.appeals.models import HotlineDuty, WindowShift
from liangping.cases import engine
from liangping.cases.models import Case
from liangping.core.models import Org, OrgKind, Role, User
from liangping.demo import names as N
from liangping.demo.plan import rng_for

DAYS = 40
PER_DAY = (2, 6)
# City departments appeals are dispatched to that the project ledger does not name (name, alias, user).
DEPARTMENTS = [
    ("市城市管理局", "市城管局", "cgj"),
    ("市市场监督管理局", "市市场监管局", "scjg"),
    ("市人力资源和社会保障局", "市人社局", "rsj"),
    ("市教育局", "", "jyj"),
    ("市卫生健康委员会", "市卫健委", "wjw"),
]
# Towns and streets with their own accounts: appeals are dispatched down to them.
TOWN_USERS = [("光明路街道", "town_gml"), ("荆河街道", "town_jh"), ("临城街道", "town_lc")]
BY_CATEGORY = {
    "urban": "市城市管理局",
    "construction": "市住房城乡建设局",
    "traffic": "市交通运输局",
    "environment": "市生态环境局",
    "market": "市市场监督管理局",
    "labor": "市人力资源和社会保障局",
    "education": "市教育局",
    "health": "市卫生健康委员会",
    "agriculture": "市农业农村局",
    "business": "市行政审批服务局",
    "public_service": "市行政审批服务局",
}
CATEGORIES = [
    ("urban_sanitation", "小区门口垃圾清运不及时", 9),
    ("urban_vending", "路口流动摊贩占道经营", 6),
    ("urban_building", "楼顶私搭乱建", 3),
    ("construction_property", "物业不维修楼道照明", 7),
    ("construction_utility", "冬季供暖温度不达标", 8),
    ("construction_housing", "新房墙体开裂渗水", 3),
    ("traffic_road", "道路井盖缺失存在安全隐患", 6),
    ("traffic_transit", "公交班次间隔过长", 4),
    ("environment_noise", "夜间施工噪声扰民", 6),
    ("environment_pollution", "餐馆油烟直排", 4),
    ("market_food", "超市销售过期食品", 3),
    ("market_consumer", "预付卡商家关门无法退费", 4),
    ("labor_wage", "工地拖欠农民工工资", 5),
    ("labor_insurance", "社保转移接续办理慢", 3),
    ("education", "学校课后服务收费咨询", 3),
    ("health", "社区医院疫苗预约咨询", 2),
    ("agriculture", "农田灌溉渠道堵塞", 2),
    ("business_approval", "企业开办审批材料反复补正", 3),
    ("business_policy", "惠企补贴申请进度咨询", 3),
    ("public_service", "不动产登记预约难", 3),
]
CHANNELS = [("hotline", 45), ("web", 18), ("window", 14), ("leader_hotline", 8), ("api", 15)]
OUTCOMES = [
    ("on_time", 44),
    ("late_accept", 8),
    ("late_finish", 8),
    ("returned", 8),
    ("extended", 7),
    ("reopened", 8),
    ("consult", 7),
    ("open", 10),
]
GOOD = ["very_satisfied", "satisfied", "satisfied", "satisfied", "basic"]
BAD = ["unsatisfied", "very_unsatisfied"]
WINDOWS = ["市民中心1号窗口", "市民中心2号窗口", "市民中心3号窗口"]
HOUR = dt.timedelta(hours=1)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


@dataclass
class Cast:
    supervisor: User
    units: dict[str, User]  # org name → an account of that unit
    orgs: dict[str, Org]


def _orgs_and_users(today: dt.date) -> Cast:
    city = Org.objects.get(kind=OrgKind.CITY, name=N.CITY)
    orgs = {o.name: o for o in Org.objects.filter(tenant=city.tenant_id or city.pk)} | {city.name: city}
    for i, (name, alias, _u) in enumerate(DEPARTMENTS):
        if name not in orgs:
            org = Org(name=name, kind=OrgKind.DEPARTMENT, parent=city, aliases=alias, sort=50 + i)
            org.save()
            orgs[name] = org
    wanted = [(f"dept_{u}", name) for name, _a, u in DEPARTMENTS] + [(u, t) for t, u in TOWN_USERS]
    existing = set(
        User.objects.filter(username__in=[u for u, _o in wanted]).values_list("username", flat=True)
    )
    rng = rng_for("appeal-users", today)
    password = make_password(N.DEMO_PASSWORD)
    new = [
        User(
            username=u,
            password=password,
            role=Role.DEPARTMENT if u.startswith("dept_") else Role.DISTRICT,
            org=orgs[o],
            display_name=rng.choice(N.SURNAMES) + rng.choice(N.GIVEN) + rng.choice(N.GIVEN),
        )
        for u, o in wanted
        if u not in existing and o in orgs
    ]
    User.objects.bulk_create(new)
    units: dict[str, User] = {}
    for user in (
        User.objects.filter(role__in=(Role.DEPARTMENT, Role.DISTRICT), org__isnull=False)
        .select_related("org")
        .order_by("id")
    ):
        units.setdefault(user.org.name, user)  # type: ignore[union-attr]
    return Cast(User.objects.get(username="supervisor"), units, orgs)


def _rosters(today: dt.date, first: dt.date) -> int:
    if HotlineDuty.objects.exists() or WindowShift.objects.exists():
        return 0
    duties, shifts = [], []
    day, i = first, 0
    while day <= today + dt.timedelta(days=7):
        if day.weekday() < 5:
            duties.append(
                HotlineDuty(
                    date=day,
                    start=dt.time(9),
                    end=dt.time(11),
                    leader=N.LEADERS[i % len(N.LEADERS)],
                    title="副市长（示例数据）",
                )
            )
            for w, window in enumerate(WINDOWS):
                shifts.append(
                    WindowShift(
                        date=day,
                        start=dt.time(9),
                        end=dt.time(12),
                        window=window,
                        person=f"{N.SURNAMES[(i + w) % len(N.SURNAMES)]}局长",
                        title="局长（示例数据）",
                    )
                )
            i += 1
        day += dt.timedelta(days=1)
    HotlineDuty.objects.bulk_create(duties)
    WindowShift.objects.bulk_create(shifts)
    return len(duties) + len(shifts)


def load_appeals(today: dt.date) -> dict[str, int]:
    """File and walk the demo month of appeals; nothing when appeals exist already."""
    if Case.objects.filter(kind="appeal").exists():
        return {}
    first = today - dt.timedelta(days=DAYS)
    cast = _orgs_and_users(today)
    rosters = _rosters(today, first)
    end = timezone.make_aware(dt.datetime.combine(today, dt.time(0)))
    rng = rng_for("appeals", today)
    towns = [(t, d) for t, d in N.TOWNS if t in cast.orgs]
    count = 0
    for offset in range(DAYS):
        day = first + dt.timedelta(days=offset)
        for _ in range(rng.randint(*PER_DAY)):
            count += _one(rng, cast, towns, day, end, count)
    return {"群众诉求（示例数据）": count, "接热线与坐窗口排班": rosters}


def _one(
    rng: random.Random, cast: Cast, towns: list[tuple[str, str]], day: dt.date, end: dt.datetime, n: int
) -> int:
    code, text, _w = rng.choices(CATEGORIES, weights=[c[2] for c in CATEGORIES])[0]
    outcome = _pick(rng, OUTCOMES)
    channel = _pick(rng, CHANNELS)
    if day.weekday() >= 5 and channel in ("leader_hotline", "window"):  # no duty, windows closed
        channel = "hotline" if channel == "leader_hotline" else "web"
    hour = 9 + rng.randrange(2) if channel in ("leader_hotline", "window") else rng.randint(8, 20)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))))
    if moment >= end:
        return 0
    town, district = rng.choice(towns)
    place = cast.orgs.get(town) or cast.orgs[district]
    extra = {"window": rng.choice(WINDOWS)} if channel == "window" else None
    filed = intake.file_appeal(
        actor=None if channel in ("web", "api") else cast.supervisor,
        channel=channel,
        category=code,
        urgency="consult" if outcome == "consult" else ("urgent" if rng.random() < 0.12 else "normal"),
        description=f"{text}（示例数据）。地点在{district}{town}附近，希望尽快处理。",
        name=rng.choice(N.SURNAMES) + rng.choice(N.GIVEN),
        phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}0632{n:04d}",
        address=f"{district}{town}示例路{rng.randint(1, 200)}号",
        place_org=place,
        extra=extra,
        at=moment,
        confirmed_new=True,
    )
    _walk(rng, cast, filed.case, outcome, code, district, town, end)
    return 1


def _lead(rng: random.Random, cast: Cast, code: str, district: str, town: str) -> Org:
    top = code.split("_")[0]
    if town in cast.units and rng.random() < 0.5:
        return cast.orgs[town]
    if top in BY_CATEGORY and rng.random() < 0.45:
        return cast.orgs[BY_CATEGORY[top]]
    return cast.orgs[district]


def _walk(
    rng: random.Random,
    cast: Cast,
    case: Case,
    outcome: str,
    code: str,
    district: str,
    town: str,
    end: dt.datetime,
) -> None:
    sup = cast.supervisor
    t = case.registered_at

    def step(action: str, after_hours: float, actor: User, **kw: object) -> bool:
        nonlocal t, case
        at = t + dt.timedelta(hours=after_hours)
        if at >= end:
            return False
        case = engine.act(case, action, actor=actor, expected_version=None, at=at, **kw)  # type: ignore[arg-type]
        t = at
        return True

    if outcome == "consult":
        if step("answer", rng.uniform(0.5, 6), sup, note="已电话解答政策口径（示例数据）"):
            step(
                "callback", rng.uniform(20, 50), sup, rating=rng.choice(GOOD), note="回访：已了解（示例数据）"
            )
        return
    lead = _lead(rng, cast, code, district, town)
    if outcome == "returned":
        wrong = (
            cast.orgs[district]
            if lead != cast.orgs[district]
            else cast.orgs[BY_CATEGORY.get(code.split("_")[0], "市城市管理局")]
        )
        if not step("dispatch", rng.uniform(0.3, 2), sup, lead_org=wrong, note="请核实办理（示例数据）"):
            return
        if not step(
            "return", rng.uniform(1, 6), cast.units[wrong.name], note="该事项不属于本单位职责（示例数据）"
        ):
            return
    if not step("dispatch", rng.uniform(0.3, 2), sup, lead_org=lead, note="请按时限办理（示例数据）"):
        return
    unit = cast.units[lead.name]
    respond_hours = (case.respond_by - t).total_seconds() / 3600 if case.respond_by else 8
    accept_after = (
        respond_hours + rng.uniform(2, 20)
        if outcome == "late_accept"
        else rng.uniform(0.2, max(0.3, respond_hours * 0.8))
    )
    if not step("accept", accept_after, unit, note="已签收（示例数据）"):
        return
    if outcome == "open":
        return
    if outcome == "extended":
        if not step("extend", rng.uniform(10, 40), unit, days=3, note="需协调多个部门，申请延期（示例数据）"):
            return
        if not step("approve_extension", rng.uniform(1, 8), sup, note="同意延期（示例数据）"):
            return
    due_hours = (case.due_at - t).total_seconds() / 3600 if case.due_at else 48
    reply_after = (
        due_hours + rng.uniform(10, 60)
        if outcome == "late_finish"
        else rng.uniform(2, max(3, due_hours * 0.9))
    )
    if not step("reply", reply_after, unit, note="已现场处理完毕，并告知诉求人（示例数据）"):
        return
    if outcome == "reopened":
        if not step(
            "callback",
            rng.uniform(18, 40),
            sup,
            rating=rng.choice(BAD),
            note="诉求人反映问题仍未解决（示例数据）",
        ):
            return
        if not step("reply", rng.uniform(20, 60), unit, note="已重新整改到位（示例数据）"):
            return
    rating = rng.choice(GOOD) if outcome == "reopened" or rng.random() > 0.08 else "unsatisfied"
    note = "回访记录（示例数据）" if rating in GOOD else "诉求人认为处理不到位（示例数据）"
    step("callback", rng.uniform(18, 40), sup, rating=rating, note=note)
