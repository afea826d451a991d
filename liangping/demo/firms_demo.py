"""The demo's 企业服务工作室 and 榴花分 incentives.

The seeds: a 企业服务工作室 in the 枣庄高新区 big-data park giving 设立、变更、注销 管家式 service to
700余家 firms, and 600余项 「榴花分」 credit incentive measures. The demo loads the studio with exactly
700 firms and the catalogue with exactly 600 measures; firms, credit codes (valid by GB 32100), credit
levels, scores and measures are generated and marked 示例. Requests go through the case engine (some in
every state) and measures are applied through the same service the pages use.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from liangping.cases import engine
from liangping.chains import creditcode
from liangping.core.audit import record
from liangping.core.models import Org, OrgKind, Role, User
from liangping.demo import names as N
from liangping.firms import services
from liangping.firms.models import Firm, Measure, Studio

SEED = "liangping-firms-1"
FIRMS = 700  # 服务辐射园区及周边700余家企业
MEASURES = 600  # 研究制定“榴花分”信用激励措施600余项
STUDIO = "企业服务工作室"
STUDIO_ORG = "高新区企业服务工作室"
PARK = "枣庄高新区大数据产业园"
BUTLERS = [("studio_gx1", "管家周晓"), ("studio_gx2", "管家孙悦"), ("studio_gx3", "管家马骁")]
WORDS = "云启 数联 智算 星河 海岳 鲁枢 榴信 汇通 博采 华数 擎天 天衡 睿达 青禾".split()
WORDS += "卓越 明德 凯睿 联创 信达 航数".split()
TRADES = [
    "数据科技",
    "信息技术",
    "软件开发",
    "电子商务",
    "智能科技",
    "网络科技",
    "数字服务",
    "云计算",
    "人力资源",
    "商务咨询",
]
SUFFIXES = ["有限公司", "有限责任公司", "股份有限公司"]
# (short name of the benefit, what it gives) — illustrative, as the seeds list none
BENEFITS = [
    ("信用贷款利率优惠", "合作银行发放信用贷款时给予利率优惠"),
    ("审批绿色通道", "办理审批事项时进入绿色通道、优先办理"),
    ("容缺受理", "非关键材料缺失时先行受理、限期补正"),
    ("减少检查频次", "“双随机、一公开”抽查比例和频次适当降低"),
    ("评先评优优先推荐", "评选表彰时同等条件下优先推荐"),
    ("政府采购信用加分", "政府采购评审中给予信用加分"),
    ("财政资金优先扶持", "申报财政专项资金时同等条件下优先支持"),
    ("纳税服务绿色通道", "办税事项优先办理、提供专属服务"),
    ("招投标信用加分", "工程建设招投标中给予信用加分"),
    ("水电气报装优先", "用水、用电、用气报装优先安排"),
    ("人才项目优先推荐", "人才引进和培养项目申报时优先推荐"),
    ("融资担保费率优惠", "政府性融资担保机构降低担保费率"),
]
LEVEL_SHARE = [("A", 0.32), ("B", 0.45), ("C", 0.18), ("D", 0.05)]
LEVEL_SCORE = {"A": (85, 100), "B": (70, 85), "C": (60, 70), "D": (40, 60)}


def credit_code(rng: random.Random, used: set[str]) -> str:
    while True:
        body = "91370400MA" + "".join(rng.choice(creditcode.ALPHABET) for _ in range(7))
        code = body + creditcode.check_char(body)
        if code not in used:
            used.add(code)
            return code


def firm_names(rng: random.Random) -> list[str]:
    names = [f"{p}{w}{t}{s}" for p in ("枣庄", "山东") for w in WORDS for t in TRADES for s in SUFFIXES]
    rng.shuffle(names)
    return names[:FIRMS]


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load_firms_demo(today: dt.date) -> dict[str, int]:
    """Load the studio, its firms, the measures, requests and applied measures once; a database that
    has the studio is left as it is. {} when the city's 枣庄高新区 is not there (nothing to hang it on)."""
    if Studio.objects.filter(name=STUDIO).exists():
        return {}
    city = Org.objects.filter(kind=OrgKind.CITY, name=N.CITY).first()
    district = Org.objects.filter(kind=OrgKind.DISTRICT, name="枣庄高新区", tenant=city).first()
    if city is None or district is None:
        return {}
    departments = [
        o
        for name, *_ in N.DEPARTMENTS
        if (o := Org.objects.filter(kind=OrgKind.DEPARTMENT, name=name, tenant=city).first()) is not None
    ]
    rng = random.Random(SEED)
    with transaction.atomic():
        org = Org.under(district, name=STUDIO_ORG, kind=OrgKind.DEPARTMENT, sort=90)
        org.save()
        studio = Studio.objects.create(name=STUDIO, org=org, park=PARK, sample=True)
        password = make_password(N.DEMO_PASSWORD)
        butlers = [
            User.objects.create(
                username=username, password=password, role=Role.DISTRICT, org=org, display_name=name
            )
            for username, name in BUTLERS
        ]
        firms = _firms(rng, city, studio, today)
        measures = _measures(rng, city, departments, today)
        requests = _requests(rng, firms, butlers, today)
        applied = _applied(rng, firms, measures, butlers, today)
        created = {
            "企业服务工作室": 1,
            "工作室管家": len(butlers),
            "工作室服务企业": len(firms),
            "榴花分激励措施": len(measures),
            "企业服务事项": requests,
            "措施兑现记录": applied,
        }
        record(
            None,
            "demo.firms",
            studio,
            changes={k: [0, v] for k, v in created.items()},
            reason="加载示例企业服务工作室和榴花分激励措施：700家企业、600项措施为示例数据",
        )
    return created


def _firms(rng: random.Random, city: Org, studio: Studio, today: dt.date) -> list[Firm]:
    used: set[str] = set()
    rows = []
    rated = dt.date(today.year, 1, 15)
    for name in firm_names(rng):
        level = rng.choices([lv for lv, _ in LEVEL_SHARE], [w for _, w in LEVEL_SHARE])[0]
        low, high = LEVEL_SCORE[level]
        score = Decimal(rng.randint(low * 10, high * 10 - 1)) / 10
        rows.append(
            Firm(
                tenant=city,
                credit_code=credit_code(rng, used),
                name=name,
                park=PARK,
                studio=studio,
                credit_level=level,
                score=score,
                rated_on=rated,
                sample=True,
            )
        )
    Firm.objects.bulk_create(rows, batch_size=500)
    return list(Firm.objects.filter(studio=studio).order_by("id"))


def _measures(rng: random.Random, city: Org, departments: list[Org], today: dt.date) -> list[Measure]:
    rows = []
    year = today.year
    for i in range(MEASURES):
        dept = departments[i % len(departments)]
        short, benefit = BENEFITS[(i // len(departments)) % len(BENEFITS)]
        kind = i % 4
        levels, low, high = "", None, None
        if kind == 0:
            levels = "A"
        elif kind == 1:
            levels = "AB"
        elif kind == 2:
            low = Decimal(rng.choice([80, 85, 90]))
        else:
            levels, low, high = "AB", Decimal(75), Decimal(rng.choice([90, 95, 100]))
        starts = dt.date(year - 1, 1 + i % 12, 1)
        ends = None if i % 5 else dt.date(year + 1, 12, 31)
        if i % 40 == 7:  # a few have lapsed: the lookup leaves them out
            ends = dt.date(year - 1, 12, 31)
        rows.append(
            Measure(
                tenant=city,
                code=f"LHF-{year}-{i + 1:03d}",
                name=f"{dept.name}{short}",
                department=dept,
                benefit=f"{benefit}（示例）",
                levels=levels,
                score_min=low,
                score_max=high,
                starts_on=starts,
                ends_on=ends,
                sample=True,
            )
        )
    Measure.objects.bulk_create(rows, batch_size=500)
    return list(Measure.objects.filter(tenant=city, sample=True).select_related("department").order_by("id"))


# The path each demo request has taken so far (the states it goes through after 受理).
PATHS: list[list[tuple[str, str]]] = [
    [],  # 待受理
    [("accept", "")],
    [("accept", ""), ("submit", "材料已齐，报送审批")],
    [("accept", ""), ("submit", "已报送"), ("correct", "章程需补签字")],
    [("accept", ""), ("submit", "已报送"), ("correct", "缺股东会决议"), ("resubmit", "已补正")],
    [("accept", ""), ("submit", "已报送"), ("finish", "营业执照已领取")],
    [("accept", ""), ("submit", "已报送"), ("finish", "变更登记已完成")],
    [("accept", ""), ("withdraw", "企业决定暂缓办理")],
]


def _requests(rng: random.Random, firms: list[Firm], butlers: list[User], today: dt.date) -> int:
    categories = ["establish", "change", "cancel"]
    count = 0
    for i, firm in enumerate(firms[:48]):
        assert firm.studio is not None
        butler = butlers[i % len(butlers)]
        path = PATHS[i % len(PATHS)]
        day = today - dt.timedelta(days=2 + (i * 3) % 40)
        case = services.open_request(
            butler,
            firm,
            categories[i % 3],
            butler,
            note="企业来电预约，管家上门指导",
            accept=False,
            at=_moment(day, 9),
        )
        for step, (action, note) in enumerate(path, start=1):
            at = _moment(day, 9 + step)
            if action == "accept":
                engine.act(
                    case, "accept", actor=butler, lead_org=firm.studio.org, note=f"管家：{butler.name}", at=at
                )
            else:
                engine.act(case, action, actor=butler, note=note, at=at)
        count += 1
    return count


def _applied(
    rng: random.Random, firms: list[Firm], measures: list[Measure], butlers: list[User], today: dt.date
) -> int:
    count = 0
    for i, firm in enumerate(f for f in firms if f.credit_level in ("A", "B")):
        if count >= 60:
            break
        day = today - dt.timedelta(days=1 + i % 30)
        fits = [m for m in measures if m.valid(day) and m.qualifies(firm)]
        if not fits:
            continue
        measure = rng.choice(fits)
        services.apply_measure(
            butlers[i % len(butlers)], firm, measure, "已告知企业并协助申请（示例）", at=_moment(day, 15)
        )
        count += 1
    return count
