"""The demo's government services, holding the seeds' figures: 9,421 依申请 matters in the catalogue,
halls at four levels with their 帮办代办主管 (1+1+1+N; one village hall left without one, so the check
has something to flag), 6 pilot towns with the 50-matter 审批不出镇 guidance catalogue and 1,433 cases
handled there, the 万达广场 便民站 with 5 categories and 35 matters, and the 二手车出口 一件事 of 7
matters of 4 departments with its limits before and after (待出口登记 3 → 1 days, 退税 20 → 3).

Names the seeds give are kept; every other matter, person and case is illustrative (示例数据). Cases
are dated from the demo's day, the 1,433 pilot cases all before the end of the last published quarter so
the screen's frozen figure and the live pages agree. Requests and applications go through the engine.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from liangping.cases import engine
from liangping.core.models import Org, OrgKind, Role, User
from liangping.core.workdays import WorkCalendar
from liangping.demo import names as N
from liangping.demo.grading_demo import quarters_to_publish
from liangping.services import assist, bundles, points
from liangping.services.models import (
    Applicant,
    Bundle,
    HandledCase,
    Matter,
    MatterList,
    MatterType,
    MatterVersion,
    Outcome,
    PointKind,
    PointMatter,
    Post,
    ServicePoint,
    Source,
)

SEED = "liangping-services-1"
TOTAL_MATTERS = 9421  # 全市9421项依申请政务服务事项
PILOT_CASES = 1433  # 审批不出镇累计办理1433件
PILOT_TOWNS = ["阴平镇", "税郭镇", "沙沟镇", "古邵镇", "泥沟镇", "官桥镇"]
LISTED = dt.date(2023, 1, 1)
EXTRA_DEPARTMENTS = [
    ("国家税务总局枣庄市税务局", "市税务局,税务"),
    ("市公安局交通警察支队车辆管理所", "市车管所,车管"),
    ("枣庄海关", "海关"),
    ("市民政局", ""),
    ("市医疗保障局", "市医保局"),
    ("市退役军人事务局", ""),
    ("市残疾人联合会", "市残联"),
    ("市住房公积金管理中心", ""),
]
MARKET, AGRI, LAND = "市市场监督管理局", "市农业农村局", "市自然资源和规划局"
HEALTH, WATER, URBAN = "市卫生健康委员会", "市水务局", "市城市管理局"
HR, CIVIL, EDU = "市人力资源和社会保障局", "市民政局", "市教育局"
L, C, P, S = MatterType.LICENCE, MatterType.CONFIRMATION, MatterType.PAYMENT, MatterType.PUBLIC
# 审批不出镇事项指导目录（50项）: the four the seeds name first
GUIDE: list[tuple[str, str, str, int]] = [
    ("小餐饮登记", MARKET, L, 3),
    ("个体工商户登记注册", MARKET, L, 1),
    ("食品经营许可", MARKET, L, 10),
    ("拖拉机和联合收割机驾驶证核发", AGRI, L, 5),
    ("农民专业合作社设立登记", MARKET, L, 1),
    ("食品小作坊登记", MARKET, L, 5),
    ("小食杂店登记", MARKET, L, 3),
    ("拖拉机和联合收割机登记", AGRI, L, 5),
    ("乡村建设规划许可证核发", LAND, L, 10),
    ("农村村民宅基地审批", LAND, L, 15),
    ("公共场所卫生许可", HEALTH, L, 5),
    ("药品零售企业经营许可", MARKET, L, 15),
    ("烟草专卖零售许可证核发", MARKET, L, 10),
    ("出版物零售单位设立", URBAN, L, 10),
    ("生鲜乳收购站许可", AGRI, L, 10),
    ("动物防疫条件合格证核发", AGRI, L, 10),
    ("农作物种子生产经营许可", AGRI, L, 10),
    ("兽药经营许可证核发", AGRI, L, 10),
    ("林木采伐许可证核发", LAND, L, 5),
    ("临时占用林地审批", LAND, L, 10),
    ("取水许可", WATER, L, 15),
    ("城镇污水排入排水管网许可", WATER, L, 10),
    ("城市建筑垃圾处置核准", URBAN, L, 10),
    ("户外广告设施设置审批", URBAN, L, 5),
    ("临时占用城市道路审批", URBAN, L, 5),
    ("挖掘城市道路审批", URBAN, L, 5),
    ("民办幼儿园设立审批", EDU, L, 20),
    ("托育机构备案", HEALTH, C, 5),
    ("养老机构备案", CIVIL, C, 5),
    ("社会团体登记", CIVIL, L, 20),
    ("民办非企业单位登记", CIVIL, L, 20),
    ("再生育审批", HEALTH, C, 10),
    ("最低生活保障审核", CIVIL, P, 20),
    ("特困人员救助供养审核", CIVIL, P, 20),
    ("临时救助审批", CIVIL, P, 10),
    ("残疾人证办理", "市残疾人联合会", C, 15),
    ("城乡居民养老保险参保登记", HR, S, 1),
    ("城乡居民医疗保险参保登记", "市医疗保障局", S, 1),
    ("就业登记", HR, S, 1),
    ("失业登记", HR, S, 1),
    ("灵活就业人员社保登记", HR, S, 1),
    ("农机购置补贴申领", AGRI, P, 15),
    ("耕地地力保护补贴申领", AGRI, P, 15),
    ("独生子女父母奖励", HEALTH, P, 10),
    ("高龄津贴申领", CIVIL, P, 10),
    ("困难残疾人生活补贴", CIVIL, P, 10),
    ("重度残疾人护理补贴", CIVIL, P, 10),
    ("流动人口婚育证明", HEALTH, C, 3),
    ("殡葬补贴申领", CIVIL, P, 10),
    ("退役军人优待证申领", "市退役军人事务局", S, 10),
]
SEED_MATTERS = GUIDE[:4]
# 政务服务进商超：5类35项 (the seeds name the first three categories)
MALL: dict[str, tuple[str, list[str]]] = {
    "个体工商户登记": (
        MARKET,
        [
            "个体工商户设立登记",
            "个体工商户变更登记",
            "个体工商户注销登记",
            "个体工商户名称自主申报",
            "个体工商户经营者变更",
            "个体工商户年度报告",
            "个体工商户营业执照补领",
        ],
    ),
    "食品经营许可": (
        MARKET,
        [
            "食品经营许可（新办）",
            "食品经营许可（变更）",
            "食品经营许可（延续）",
            "食品经营许可（注销）",
            "食品经营许可证补办",
            "仅销售预包装食品备案",
            "小餐饮登记证补办",
        ],
    ),
    "公共场所卫生许可": (
        HEALTH,
        [
            "公共场所卫生许可（新办）",
            "公共场所卫生许可（变更）",
            "公共场所卫生许可（延续）",
            "公共场所卫生许可（注销）",
            "公共场所卫生许可证补办",
            "美容美发场所卫生许可",
            "住宿场所卫生许可",
        ],
    ),
    "社会保障卡服务": (
        HR,
        [
            "社会保障卡申领",
            "社会保障卡补换",
            "社会保障卡挂失",
            "社会保障卡解挂",
            "社会保障卡密码重置",
            "社会保障卡信息变更",
            "社会保障卡启用",
        ],
    ),
    "住房公积金业务": (
        "市住房公积金管理中心",
        [
            "住房公积金缴存证明",
            "住房公积金提取（租房）",
            "住房公积金提取（购房）",
            "住房公积金提取（退休）",
            "住房公积金账户转移",
            "住房公积金贷款受理",
            "住房公积金缴存登记",
        ],
    ),
}
TAX, TRADE = "国家税务总局枣庄市税务局", "市商务局"
VEHICLE, CUSTOMS = "市公安局交通警察支队车辆管理所", "枣庄海关"
F_FIRM = {"code": "firm", "label": "企业名称"}
F_CREDIT = {"code": "credit_code", "label": "统一社会信用代码"}
F_VIN = {"code": "vin", "label": "车辆识别代号"}
F_PLATE = {"code": "plate", "label": "号牌号码"}
F_COUNTRY = {"code": "country", "label": "目的国（地区）"}
F_CONTRACT = {"code": "contract", "label": "出口合同号"}
F_DECL = {"code": "declaration", "label": "报关单号"}
F_ACCOUNT = {"code": "account", "label": "退税账户"}
# 二手车出口一件事: 4 departments, 7 matters → 1 form; (name, department, fields, old, new days)
CAR_EXPORT: list[tuple[str, str, list[dict[str, str]], int, int]] = [
    ("机动车转让待出口登记", VEHICLE, [F_FIRM, F_CREDIT, F_VIN, F_PLATE], 3, 1),  # seeds: 3 天 → 1 天
    ("机动车出口注销登记", VEHICLE, [F_FIRM, F_VIN, F_PLATE, F_DECL], 2, 1),
    ("二手车出口许可证申领", TRADE, [F_FIRM, F_CREDIT, F_VIN, F_COUNTRY, F_CONTRACT], 5, 1),
    ("二手车出口企业备案", TRADE, [F_FIRM, F_CREDIT], 5, 2),
    ("出口货物报关", CUSTOMS, [F_FIRM, F_CREDIT, F_VIN, F_COUNTRY, F_CONTRACT], 10, 3),  # 通关时间缩短70%
    ("出口退（免）税备案", TAX, [F_FIRM, F_CREDIT, F_ACCOUNT], 3, 1),
    ("出口退税申报", TAX, [F_FIRM, F_CREDIT, F_DECL, F_ACCOUNT], 20, 3),  # seeds: 20 天 → 3 天
]
DEPT_USERS = [(TAX, "dept_tax"), (VEHICLE, "dept_cgs"), (CUSTOMS, "dept_hg"), (TRADE, "dept_swj")]


def _rng(*labels: object) -> random.Random:
    return random.Random(":".join([SEED, *map(str, labels)]))


def _person(rng: random.Random) -> str:
    return rng.choice(N.SURNAMES) + rng.choice(N.GIVEN) + rng.choice(N.GIVEN)


def load_services_demo(today: dt.date) -> dict[str, int]:
    """Write what is missing (idempotent: a second load with the same day writes nothing)."""
    city = Org.objects.get(kind=OrgKind.CITY, name=N.CITY)
    if Matter.objects.filter(tenant=city).exists():
        return {"政务服务事项": 0}
    depts = _departments(city)
    matters = _catalogue(city, depts)
    halls = _points(city, matters, depts)
    calendar = WorkCalendar.load()
    last_end = _last_published_end(today)
    handled = _handled(city, halls, matters, today, last_end, calendar)
    bundle = _bundle(city, halls["window"], matters, today)
    handled += _bundle_history(city, halls["window"], bundle, today, calendar)
    requests = _requests(halls, depts, today)
    applications = _applications(bundle, today, depts)
    return {
        "政务服务事项": len(matters["all"]),
        "服务点": ServicePoint.objects.filter(tenant=city).count(),
        "办件": handled,
        "帮办代办申请": requests,
        "一件事申请": applications,
    }


def _last_published_end(today: dt.date) -> dt.date:
    code = quarters_to_publish(today)[-1]
    year, q = int(code[:4]), int(code[-1])
    return dt.date(year, q * 3, 30 if q in (2, 3) else 31)


def _departments(city: Org) -> dict[str, Org]:
    orgs = {o.name: o for o in Org.objects.filter(kind=OrgKind.DEPARTMENT, tenant=city)}
    for i, (name, aliases) in enumerate(EXTRA_DEPARTMENTS):
        if name not in orgs:
            org = Org.under(city, name=name, kind=OrgKind.DEPARTMENT, aliases=aliases, sort=80 + i)
            org.save()
            orgs[name] = org
    for name in (MARKET, HEALTH, URBAN, HR, EDU, AGRI, LAND, WATER):
        if name not in orgs:  # a database loaded without the appeals' departments
            org = Org.under(city, name=name, kind=OrgKind.DEPARTMENT, sort=90)
            org.save()
            orgs[name] = org
    have = set(
        User.objects.filter(username__in=[u for _d, u in DEPT_USERS]).values_list("username", flat=True)
    )
    rng = _rng("users")
    password = make_password(N.DEMO_PASSWORD)
    User.objects.bulk_create(
        [
            User(username=u, password=password, role=Role.DEPARTMENT, org=orgs[d], display_name=_person(rng))
            for d, u in DEPT_USERS
            if u not in have
        ]
    )
    return orgs


def _catalogue(city: Org, depts: dict[str, Org]) -> dict[str, Any]:
    rng = _rng("catalogue")
    rows: list[Matter] = []
    n = 0

    def add(
        name: str, dept: str, mtype: str, days: int, levels: str, *, sample: bool, fields: Any = ()
    ) -> None:
        nonlocal n
        n += 1
        rows.append(
            Matter(
                tenant=city,
                code=f"37040000{n:05d}",
                name=name,
                department=depts[dept],
                type=mtype,
                legal_days=days * 2 if days > 1 else 5,
                promised_days=days,
                levels=levels,
                listed_on=LISTED,
                fields=list(fields),
                sample=sample,
                materials="申请书\n申请人身份证明" + ("\n营业执照" if mtype == L else ""),
            )
        )

    for i, (name, dept, mtype, days) in enumerate(GUIDE):
        add(name, dept, mtype, days, "district,town,village" if i < 4 else "district,town", sample=i >= 4)
    for _cat, (dept, names) in MALL.items():
        for name in names:
            add(
                name, dept, L if "许可" in name or "登记" in name else S, 3, "city,district,town", sample=True
            )
    for name, dept, fields, _old, new in CAR_EXPORT:
        add(
            name,
            dept,
            L,
            new,
            "district",
            sample=name not in ("机动车转让待出口登记", "出口退税申报"),
            fields=fields,
        )
    pool = sorted(depts)
    types = [L, L, C, P, S, S, MatterType.OTHER_POWER]
    levels = [
        "city",
        "city,district",
        "city,district,town",
        "district,town,village",
        "city,district,town,village",
    ]
    while n < TOTAL_MATTERS:
        dept = pool[n % len(pool)]
        mtype = rng.choice(types)
        label = dict(MatterType.choices)[mtype]
        add(
            f"{dept.removeprefix('市')}{label}示例事项{n + 1:04d}",
            dept,
            mtype,
            rng.choice([1, 3, 5, 10, 15, 20]),
            rng.choice(levels),
            sample=True,
        )
    Matter.objects.bulk_create(rows, batch_size=1000)
    saved = {m.name: m for m in Matter.objects.filter(tenant=city)}
    MatterVersion.objects.bulk_create(
        [
            MatterVersion(
                matter=m,
                valid_from=m.listed_on,
                name=m.name,
                department_id_at=m.department_id,
                type=m.type,
                legal_days=m.legal_days,
                promised_days=m.promised_days,
                materials=m.materials,
                levels=m.levels,
                source="示例数据",
            )
            for m in saved.values()
        ],
        batch_size=1000,
    )
    guide = MatterList.objects.create(tenant=city, code="town_guide", name="“审批不出镇”事项指导目录")
    guide.matters.set([saved[name] for name, *_ in GUIDE])
    return {
        "all": saved,
        "guide": guide,
        "guide_matters": [saved[name] for name, *_ in GUIDE],
        "mall": {cat: [saved[n] for n in names] for cat, (_d, names) in MALL.items()},
        "car": [saved[name] for name, *_ in CAR_EXPORT],
    }


def _points(city: Org, matters: dict[str, Any], depts: dict[str, Org]) -> dict[str, Any]:
    rng = _rng("points")
    hours = "周一至周五 9:00-12:00，13:00-17:00"
    city_hall = points.create_point(None, name="枣庄市政务服务中心", org=city, hours=hours, sample=True)
    for dept in sorted(depts)[:12]:  # N: 审批或业务科长 of the departments, at the city hall
        points.add_staff(None, city_hall, name=_person(rng), post=Post.CHIEF, department=depts[dept])
    district_halls, town_halls, village_halls = [], [], []
    for name, *_rest in N.DISTRICTS:
        org = Org.objects.get(kind=OrgKind.DISTRICT, name=name, tenant=city)
        hall = points.create_point(None, name=f"{name}政务服务中心", org=org, hours=hours, sample=True)
        points.add_staff(None, hall, name=_person(rng), post=Post.LEAD)
        points.add_staff(None, hall, name=_person(rng), post=Post.CHIEF, department=depts[MARKET])
        district_halls.append(hall)
    for town_name, district in N.TOWNS:
        town = Org.objects.filter(
            kind=OrgKind.TOWN, name=town_name, parent__name=district, tenant=city
        ).first()
        if town is None:
            continue
        pilot = town_name in PILOT_TOWNS
        hall = points.create_point(
            None,
            name=f"{district}{town_name}便民服务中心",
            org=town,
            hours=hours,
            pilot=pilot,
            guide=matters["guide"] if pilot else None,
            sample=town_name != "阴平镇",
        )
        points.add_staff(None, hall, name=_person(rng), post=Post.LEAD)
        points.add_staff(None, hall, name=_person(rng), post=Post.HELPER)
        listed = matters["guide_matters"] if pilot else matters["guide_matters"][:20]
        if pilot and town_name != "阴平镇":
            listed = listed[:4] + rng.sample(listed[4:], 36)  # drawn from the guidance catalogue
        PointMatter.objects.bulk_create([PointMatter(point=hall, matter=m) for m in listed])
        town_halls.append(hall)
        if pilot:
            villages = (
                ["大南庄村", "前庄村"]
                if town_name == "阴平镇"
                else [f"{town_name[:2]}东村", f"{town_name[:2]}西村"]
            )
            for v in villages:
                village = Org.objects.filter(kind=OrgKind.VILLAGE, name=v, parent=town).first()
                if village is None:
                    village = Org.under(town, name=v, kind=OrgKind.VILLAGE)
                    village.save()
                vhall = points.create_point(
                    None, name=f"{town_name}{v}便民服务站", org=village, hours=hours, sample=True
                )
                if v != "前庄村":  # 示例: one village hall without its 主管, flagged by the 1+1+1+N check
                    points.add_staff(None, vhall, name=_person(rng), post=Post.LEAD)
                PointMatter.objects.bulk_create([PointMatter(point=vhall, matter=m) for m in listed[:10]])
                village_halls.append(vhall)
    shizhong = Org.objects.get(kind=OrgKind.DISTRICT, name="市中区", tenant=city)
    mall = points.create_point(
        None,
        name="枣庄万达广场政务服务便民站",
        org=shizhong,
        kind=PointKind.MALL,
        hours="周一至周日 10:00-21:00",
        address="枣庄万达广场",
    )
    PointMatter.objects.bulk_create(
        [PointMatter(point=mall, matter=m, category=cat) for cat, ms in matters["mall"].items() for m in ms]
    )
    points.add_staff(None, mall, name=_person(rng), post=Post.HELPER)
    gaoxin = Org.objects.get(kind=OrgKind.DISTRICT, name="枣庄高新区", tenant=city)
    studio = points.create_point(
        None,
        name="高新区大数据产业园企业服务工作室",
        org=gaoxin,
        kind=PointKind.STUDIO,
        hours=hours,
        address="枣庄高新区大数据产业园",
    )
    PointMatter.objects.bulk_create(
        [PointMatter(point=studio, matter=m) for m in matters["mall"]["个体工商户登记"]]
    )
    window = points.create_point(
        None,
        name="中安旧机动车交易市场二手车出口一件事窗口",
        org=shizhong,
        kind=PointKind.BUNDLE,
        hours=hours,
        address="枣庄中安旧机动车交易市场",
    )
    PointMatter.objects.bulk_create([PointMatter(point=window, matter=m) for m in matters["car"]])
    return {
        "city": city_hall,
        "districts": district_halls,
        "towns": town_halls,
        "villages": village_halls,
        "pilot": [h for h in town_halls if h.pilot],
        "mall": mall,
        "window": window,
    }


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(9, 15), rng.choice([0, 15, 30, 45])))
    )


def _case(
    city: Org,
    ref: str,
    point: ServicePoint,
    matter: Matter,
    day: dt.date,
    rng: random.Random,
    calendar: WorkCalendar,
    days: int | None,
) -> HandledCase:
    received = _moment(day, rng)
    finished = None
    if days is not None:
        end_day = calendar.add_workdays(day, days) if days else day
        finished = max(received, _moment(end_day, rng))
    limit = matter.promised_days
    return HandledCase(
        tenant=city,
        ref=ref,
        point=point,
        matter=matter,
        applicant=Applicant.FIRM if rng.random() < 0.35 else Applicant.PERSON,
        received_at=received,
        received_on=day,
        finished_at=finished,
        outcome=Outcome.DONE if finished else "",
        workdays=days,
        on_time=None if days is None or limit is None else days <= limit,
        source=Source.SHEET,
        sample=True,
    )


def _workday_before(day: dt.date, back: int, calendar: WorkCalendar) -> dt.date:
    d = day - dt.timedelta(days=back)
    while not calendar.is_workday(d):
        d -= dt.timedelta(days=1)
    return d


def _handled(
    city: Org,
    halls: dict[str, Any],
    matters: dict[str, Any],
    today: dt.date,
    last_end: dt.date,
    calendar: WorkCalendar,
) -> int:
    rng = _rng("handled")
    rows: list[HandledCase] = []
    pilot = halls["pilot"]
    listed = {
        h.pk: [pm.matter for pm in PointMatter.objects.filter(point=h).select_related("matter")]
        for h in pilot
    }
    seeds = [m for m in matters["guide_matters"][:4]]
    for i in range(PILOT_CASES):
        hall = pilot[i % len(pilot)] if i < 600 else rng.choice(pilot)
        matter = rng.choice(seeds) if rng.random() < 0.6 else rng.choice(listed[hall.pk])
        day = _workday_before(last_end, rng.randint(0, 480), calendar)
        rows.append(
            _case(city, f"SPBCZ-{i + 1:05d}", hall, matter, day, rng, calendar, rng.choice([0, 0, 1, 1, 2]))
        )
    # other halls: the last published quarter and the days since, for the month and level figures
    others = [halls["city"], *halls["districts"], *halls["villages"]]
    span = (today - (last_end - dt.timedelta(days=91))).days
    general = list(matters["all"].values())[:400]
    for i in range(1800):
        hall = rng.choice(others)
        day = _workday_before(today - dt.timedelta(days=1), rng.randint(0, span), calendar)
        pool = general if hall.level in ("city", "district") else matters["guide_matters"][:10]
        days = (
            None
            if day >= today - dt.timedelta(days=3) and rng.random() < 0.5
            else rng.choice([0, 1, 2, 3, 5, 8])
        )
        rows.append(_case(city, f"BJ-{i + 1:05d}", hall, rng.choice(pool), day, rng, calendar, days))
    mall_matters = [m for ms in matters["mall"].values() for m in ms]
    for i in range(420):
        day = _workday_before(today - dt.timedelta(days=1), rng.randint(0, span), calendar)
        rows.append(
            _case(
                city,
                f"SC-{i + 1:05d}",
                halls["mall"],
                rng.choice(mall_matters),
                day,
                rng,
                calendar,
                rng.choice([0, 0, 0, 1]),
            )
        )
    HandledCase.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _bundle(city: Org, window: ServicePoint, matters: dict[str, Any], today: dt.date) -> Bundle:
    return bundles.define_bundle(
        None,
        tenant=city,
        code="car_export",
        name="二手车出口一件事",
        point=window,
        items=[
            bundles.Item(m.code, old, new)
            for m, (_n, _d, _f, old, new) in zip(matters["car"], CAR_EXPORT, strict=True)
        ],
        reformed_on=dt.date(today.year - 1, 6, 1),
        note="税务、商务、车管、海关4个部门打通4个政务系统，7大事项整合为“一张表单”；机动车转让待出口登记从3天缩至1天，"
        "通关时间缩短70%，退税流程从20天减到3天。",
        sample=False,
    )


def _bundle_history(
    city: Org, window: ServicePoint, bundle: Bundle, today: dt.date, calendar: WorkCalendar
) -> int:
    """The 7 matters handled at the window before the reform (near the old limits) and after it."""
    rng = _rng("bundle-history")
    reform = bundle.reformed_on or today
    rows = []
    items = bundles.items_of(bundle)
    for i in range(140):
        bm = items[i % len(items)]
        before = i % 2 == 0
        if before:
            day = _workday_before(reform - dt.timedelta(days=1), rng.randint(0, 250), calendar)
            days = max(0, (bm.old_days or 1) + rng.choice([-1, 0, 0, 1]))
        else:
            day = _workday_before(
                today - dt.timedelta(days=5), rng.randint(0, (today - reform).days - 10), calendar
            )
            days = max(0, (bm.new_days or 1) - rng.choice([0, 0, 1]))
        rows.append(_case(city, f"ESC-{i + 1:05d}", window, bm.matter, day, rng, calendar, days))
    HandledCase.objects.bulk_create(rows)
    return len(rows)


def _requests(halls: dict[str, Any], depts: dict[str, Org], today: dt.date) -> int:
    """帮办代办 at village halls: most handed up to their town and closed 办成, a few still open."""
    rng = _rng("assist")
    count = 0
    staffed = [h for h in halls["villages"] if h.staff.filter(post=Post.LEAD).exists()]
    for i, hall in enumerate(staffed[:10]):
        actor = User.objects.filter(role=Role.DISTRICT, org=hall.org.parent.parent).order_by("id").first()
        if actor is None:
            continue
        matter = ["小餐饮登记", "个体工商户登记注册", "农民专业合作社设立登记", "食品经营许可"][i % 4]
        case = assist.register_request(
            actor,
            hall,
            matter=matter,
            applicant_type="person",
            applicant=f"{_person(rng)}（示例）",
            description="示例数据：申请人不熟悉网上申报，请求帮办",
        )
        engine.act(case, "take", actor=actor)
        if i % 3 != 2:
            engine.act(case, "hand_up", actor=actor, lead_org=hall.org.parent, note="需镇（街道）审批")
            engine.act(case, "take", actor=actor)
        if i < 8:
            engine.act(case, "done", actor=actor, note=f"已办结{matter}，证照已送达（示例）")
        count += 1
    return count


def _applications(bundle: Bundle, today: dt.date, depts: dict[str, Org]) -> int:
    """Three 二手车出口 applications, one form each, fanned out to the 4 departments; two joined."""
    actor = User.objects.filter(role=Role.DISTRICT, org__name="市中区").order_by("id").first()
    if actor is None:
        return 0
    users = {u.org_id: u for u in User.objects.filter(username__in=[u for _d, u in DEPT_USERS])}
    rng = _rng("applications")
    for i in range(3):
        firm = ["中兴汽车（示例）", "示例二手车出口公司", "示例国际贸易公司"][i]
        case = bundles.submit(
            actor,
            bundle,
            {
                "applicant": firm,
                "phone": "",
                "firm": firm,
                "credit_code": f"91370402MA{rng.randint(1000000, 9999999)}X",
                "vin": f"LSVAM4187C{rng.randint(1000000, 9999999)}",
                "plate": f"鲁D{rng.randint(10000, 99999)}",
                "country": ["阿塞拜疆", "哈萨克斯坦", "吉尔吉斯斯坦"][i],
                "contract": f"ZA-{2026 + i}-{rng.randint(100, 999)}",
                "declaration": f"4201{rng.randint(10**13, 10**14 - 1)}",
                "account": "示例银行 6222****",
            },
        )
        if i == 2:
            continue  # still with the departments
        for part in engine.children(case):
            user = users.get(part.lead_org_id or 0)
            if user is not None:
                engine.act(part, "finish", actor=user)
        if engine.allowed_actions(actor, case) == ["join"]:
            engine.act(case, "join", actor=actor)
    return 3
