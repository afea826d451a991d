"""The flood season of the demo city (示例数据): responsibility points with 包保 chains in every district,
supplies and rescue teams, a duty roster around the anchor day, last season's warnings run through the
real 叫应 loop (with a clock), the 7月24日 drill of 市中区 (the seeds' 防汛抗旱工作推演), and one drill live
right now so the duty console has something to show.

Every point, person and figure here is illustrative; the town names are the districts' real towns. The
warnings go through emergency.services and emergency.loop, so the figures are what the code computes.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from liangping.core.models import Org, OrgKind, User
from liangping.demo.plan import NameMaker
from liangping.emergency import loop, services
from liangping.emergency.models import (
    AckVia,
    ChainLink,
    ChainRole,
    Contact,
    DutyShift,
    Person,
    Point,
    PointCall,
    PointKind,
    Readiness,
    Shift,
    Supply,
    Team,
    TeamMember,
    Warning,
)

SAMPLE = "示例数据"
# district → (duty account, towns)
TOWNS: dict[str, tuple[str, list[str]]] = {
    "市中区": ("district_sz", ["光明路街道", "文化路街道", "孟庄镇", "税郭镇", "西王庄镇", "永安镇"]),
    "薛城区": ("district_xc", ["临城街道", "沙沟镇", "周营镇", "邹坞镇"]),
    "峄城区": ("district_yc", ["坛山街道", "阴平镇", "古邵镇"]),
    "台儿庄区": ("district_tez", ["运河街道", "张山子镇", "涧头集镇"]),
    "山亭区": ("district_st", ["山城街道", "店子镇", "水泉镇", "北庄镇"]),
    "滕州市": ("district_tz", ["龙阳镇", "姜屯镇", "鲍沟镇", "级索镇", "东郭镇"]),
}
KIND_NAMES = {
    PointKind.RESERVOIR: "{}水库",
    PointKind.RIVER: "{}河段堤防",
    PointKind.LOWLAND: "{}低洼片区",
    PointKind.UNDERPASS: "{}下穿通道",
    PointKind.SITE: "{}在建工地",
    PointKind.SCHOOL: "{}中心小学",
    PointKind.GEOHAZARD: "{}地质灾害隐患点",
}
VILLAGES = "东 西 南 北 前 后 大 小 新 老 王 李 张 刘 孙 高".split()
SUPPLIES = [
    ("编织袋", "条", 20000),
    ("救生衣", "件", 600),
    ("冲锋舟", "艘", 6),
    ("发电机", "台", 12),
    ("抽水泵", "台", 30),
]


def _anchor_season(today: dt.date) -> int:
    return today.year if today.month >= 8 else today.year - 1


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def load_emergency_demo(today: dt.date) -> dict[str, int]:
    """Idempotent: a database that already has the demo points gets nothing new."""
    if Point.objects.filter(code__startswith="FX-").exists():
        return {}
    rng = random.Random(f"emergency:{today.isoformat()}")
    names = NameMaker(rng, set(Person.objects.values_list("name", flat=True)))
    districts = {o.name: o for o in Org.objects.filter(kind=OrgKind.DISTRICT, name__in=TOWNS)}
    users = {u.username: u for u in User.objects.filter(username__in=[v[0] for v in TOWNS.values()])}
    if len(districts) < len(TOWNS) or len(users) < len(TOWNS):
        return {}
    counts: dict[str, int] = {}
    with transaction.atomic():
        counts["防汛责任点位"] = _points(rng, names, districts, users)
        counts["应急物资"], counts["抢险队伍"] = _supplies_and_teams(rng, names, districts)
        counts["值班安排"] = _roster(rng, names, districts, today)
        counts["预警和演练"] = _season(rng, users, today)
    return counts


def _points(rng: random.Random, names: NameMaker, districts: dict[str, Org], users: dict[str, User]) -> int:
    towns = {(o.parent_id, o.name): o for o in Org.objects.filter(kind=OrgKind.TOWN)}
    n = 0
    for district_name, (username, town_names) in TOWNS.items():
        district = districts[district_name]
        account = users[username]
        leader = Person.objects.create(
            name=account.name,
            phone=account.phone,
            email=account.email,
            user=account,
            post="区防汛抗旱指挥部值班",
        )
        for town in town_names:
            town_leader = Person.objects.create(name=names(), phone=names.phone(), post=f"{town}包保领导")
            kinds = rng.sample(list(KIND_NAMES), 2)
            for kind in kinds:
                n += 1
                village = rng.choice(VILLAGES) + rng.choice(["庄村", "楼村", "集村", "屯村", "社区"])
                point = Point.objects.create(
                    code=f"FX-{n:03d}",
                    name=KIND_NAMES[kind].format(village.removesuffix("社区").removesuffix("村")),
                    kind=kind,
                    district=district,
                    town=towns.get((district.pk, town)),
                    town_name=town,
                    village=village,
                    note=SAMPLE,
                )
                first = Person.objects.create(name=names(), phone=names.phone(), post=f"{village}党支部书记")
                backup = Person.objects.create(name=names(), phone=names.phone(), post=f"{village}网格员")
                ChainLink.objects.bulk_create(
                    [
                        ChainLink(point=point, person=first, role=ChainRole.FIRST, sort=0),
                        ChainLink(point=point, person=backup, role=ChainRole.BACKUP, sort=1),
                        ChainLink(point=point, person=town_leader, role=ChainRole.TOWN, sort=2),
                        ChainLink(point=point, person=leader, role=ChainRole.DISTRICT, sort=3),
                    ]
                )
    return n


def _supplies_and_teams(rng: random.Random, names: NameMaker, districts: dict[str, Org]) -> tuple[int, int]:
    supplies, teams = [], 0
    for name, district in districts.items():
        store = f"{name}防汛物资储备库（示例）"
        keeper = names()
        for item, unit, base in SUPPLIES:
            quantity = Decimal(int(base * rng.uniform(0.6, 1.4)))
            supplies.append(
                Supply(store=store, district=district, item=item, quantity=quantity, unit=unit, keeper=keeper)
            )
        team = Team.objects.create(
            name=f"{name}防汛抢险突击队（示例）",
            district=district,
            leader=names(),
            phone=names.phone(),
            readiness=rng.choice([Readiness.READY, Readiness.READY, Readiness.STANDBY]),
            specialty="抢险堵口、排涝、转移群众",
        )
        TeamMember.objects.bulk_create(
            [TeamMember(team=team, name=names(), phone=names.phone()) for _ in range(rng.randint(20, 40))]
        )
        teams += 1
    Supply.objects.bulk_create(supplies)
    return len(supplies), teams


def _roster(rng: random.Random, names: NameMaker, districts: dict[str, Org], today: dt.date) -> int:
    city = Org.objects.filter(kind=OrgKind.CITY).first()
    levels = [city, *districts.values()] if city else list(districts.values())
    rows = []
    for offset in range(-3, 8):
        day = today + dt.timedelta(days=offset)
        for org in levels:
            for shift in (Shift.DAY, Shift.NIGHT):
                rows.append(
                    DutyShift(
                        date=day,
                        shift=shift,
                        org=org,
                        leader_name=names(),
                        leader_phone=names.phone(),
                        officer_name=names(),
                        officer_phone=names.phone(),
                    )
                )
    DutyShift.objects.bulk_create(rows)
    return len(rows)


def _season(rng: random.Random, users: dict[str, User], today: dt.date) -> int:
    year = _anchor_season(today)
    sz, tz, st = users["district_sz"], users["district_tz"], users["district_st"]
    runs = [
        (
            st,
            dt.date(year, 6, 28),
            16,
            "blue",
            "geological",
            ["山城街道", "店子镇", "水泉镇", "北庄镇"],
            False,
        ),
        (sz, dt.date(year, 7, 12), 2, "red", "rainstorm", TOWNS["市中区"][1], False),
        (sz, dt.date(year, 7, 24), 9, "red", "rainstorm", TOWNS["市中区"][1], True),  # 防汛抗旱工作推演
        (tz, dt.date(year, 8, 3), 5, "orange", "flood", ["龙阳镇", "姜屯镇", "鲍沟镇"], False),
    ]
    texts = {
        "geological": "受持续降雨影响，山区地质灾害气象风险较高，请立即巡查隐患点，必要时转移受威胁群众。",
        "rainstorm": "预计未来3小时降雨量将达100毫米以上，请立即转移低洼地带群众，关闭下穿通道。",
        "flood": "受上游来水影响，河道水位持续上涨，请加强堤防巡查，做好抢险准备。",
    }
    for officer, day, hour, level, hazard, towns, drill in runs:
        start = _at(day, hour)
        draft = services.WarningDraft(
            level=level,
            hazard=hazard,
            text=("【推演】" if drill else "") + texts[hazard],
            valid_until=start + dt.timedelta(hours=8),
            towns=towns,
            is_drill=drill,
        )
        warning = services.issue_warning(officer, draft, now=start)
        _play(rng, warning.pk, start, warning.ack_minutes, officer, close_after=dt.timedelta(hours=6))
    now = timezone.now()
    start = now - dt.timedelta(minutes=25)
    live = services.WarningDraft(
        level="red",
        hazard="rainstorm",
        text="【演练】汛前防汛叫应演练：请各点位责任人确认收到并按预案部署。",
        valid_until=now + dt.timedelta(hours=12),
        towns=TOWNS["滕州市"][1],
        is_drill=True,
    )
    warning = services.issue_warning(tz, live, now=start)
    _play(rng, warning.pk, start, warning.ack_minutes, tz, close_after=None, until=now)
    return len(runs) + 1


def _play(
    rng: random.Random,
    warning_id: int,
    start: dt.datetime,
    limit: int,
    officer: User,
    close_after: dt.timedelta | None,
    until: dt.datetime | None = None,
) -> None:
    """Answer the warning's calls as people do — most within the limit, some after the re-send, a few
    only after escalation or by the duty officer's phone call, one or two never — with the loop's
    steps taken at their times."""
    calls = list(PointCall.objects.filter(warning_id=warning_id).order_by("pk"))
    plan: list[tuple[dt.datetime, int, str]] = []
    how: str
    for call in calls:
        draw = rng.random()
        if draw < 0.78:
            at, how = start + dt.timedelta(minutes=rng.uniform(0.5, limit * 0.9)), AckVia.LINK
        elif draw < 0.88:
            at, how = start + dt.timedelta(minutes=rng.uniform(limit, limit * 1.8)), AckVia.APP
        elif draw < 0.96:
            at, how = start + dt.timedelta(minutes=rng.uniform(limit * 2.1, limit * 3.5)), AckVia.PHONE
        else:
            continue
        plan.append((at, call.pk, how))
    plan.sort()
    steps = [start + dt.timedelta(minutes=limit * k) for k in range(1, 5)]
    end = until or (start + (close_after or dt.timedelta(hours=1)))
    moments = sorted(
        [(t, 0, "") for t in steps if t <= end] + [(t, pk, how) for t, pk, how in plan if t <= end]
    )
    for at, pk, how in moments:
        if not pk:
            loop.advance(at)
            loop.dispatch(at)
            continue
        if how == AckVia.PHONE:
            contact = Contact.objects.filter(call_id=pk).select_related("call__warning", "call__point").last()
            if contact is not None:
                call = contact.call
                services.record_phone_ack(officer, call, contact.person_id, "值班员电话叫应，已部署", now=at)
            continue
        contact = (
            Contact.objects.filter(call_id=pk, role=ChainRole.FIRST)
            .select_related("person", "call__warning", "call__point")
            .first()
        )
        if contact is not None:
            services.acknowledge(contact, how, rng.choice(["", "已安排人员巡查", "群众已转移"]), now=at)
    if close_after is not None:
        warning = Warning.objects.get(pk=warning_id)
        open_calls = PointCall.objects.filter(warning_id=warning_id).open().count()
        reason = "雨势减弱，未确认点位已由镇街逐一电话核实" if open_calls else ""
        services.close_warning(officer, warning, reason, warning.version, now=start + close_after)
