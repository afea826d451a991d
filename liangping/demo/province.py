"""The demo province (`liangping demo --province`): 枣庄 in full, as `liangping demo` loads it, and beside it
山东省's provincial office and the other 15 cities, each with a small illustrative ledger (示例数据).

Each of the 15 cities gets its own office, two departments, three real districts (GB/T 2260 codes), twelve
invented key projects (every name 示例, `sample` set), each with its own project unit and owner account,
two months of approved reports and one quarter locked and published in the city's own period, so
`/screen/<code>/` shows that city's figures. The 16-city indicator ranking is the one 枣庄's load writes:
provincial data every city reads (indicators.demo), each city's snapshot ranking itself as its 「home」.

Idempotent like the city: natural keys (org code or (city, kind, name), username, project code,
(project, month), the city's period code); a period already locked is left as it is. Every period, lock
and publish uses the city's own tenant, never the installation's (a province installation's is the
province).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from liangping.core.audit import record
from liangping.core.divisions import PROVINCE_CODE, SHANDONG
from liangping.core.models import AuditLog, Org, OrgKind, PeriodStatus, Role, User
from liangping.demo import names as N
from liangping.demo.grading_demo import quarters_to_publish
from liangping.demo.ledger import build_city
from liangping.demo.loader import LoadResult, demo_logins, load_demo, loaded_anchor
from liangping.demo.plan import Anchor, add_months, wan
from liangping.grading import services as grading
from liangping.projects.models import Level, MonthlyReport, Project, ReportStatus, Stage
from liangping.province.orgimport import move_city

LOAD_ACTION = "demo.load_province"
PROVINCE_OFFICE = "省重点项目推进办公室"
PROVINCE_SUPERVISOR = "province_supervisor"
CITY_OFFICE = "市重点项目推进办公室"
DEPARTMENTS = ("市发展改革委", "市工业和信息化局")
PROJECTS_PER_CITY = 12
HOME_CODE = "370400"  # 枣庄, loaded in full by `load_demo`

# The other 15 cities: username key, project code prefix, and three of their districts (GB/T 2260).
CITIES: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "370100": ("jinan", "JN", (("历下区", "370102"), ("市中区", "370103"), ("历城区", "370112"))),
    "370200": ("qingdao", "QD", (("市南区", "370202"), ("市北区", "370203"), ("黄岛区", "370211"))),
    "370300": ("zibo", "ZB", (("淄川区", "370302"), ("张店区", "370303"), ("博山区", "370304"))),
    "370500": ("dongying", "DY", (("东营区", "370502"), ("河口区", "370503"), ("垦利区", "370505"))),
    "370600": ("yantai", "YT", (("芝罘区", "370602"), ("福山区", "370611"), ("牟平区", "370612"))),
    "370700": ("weifang", "WF", (("潍城区", "370702"), ("寒亭区", "370703"), ("奎文区", "370705"))),
    "370800": ("jining", "JI", (("任城区", "370811"), ("兖州区", "370812"), ("曲阜市", "370881"))),
    "370900": ("taian", "TA", (("泰山区", "370902"), ("岱岳区", "370911"), ("新泰市", "370982"))),
    "371000": ("weihai", "WH", (("环翠区", "371002"), ("文登区", "371003"), ("荣成市", "371082"))),
    "371100": ("rizhao", "RZ", (("东港区", "371102"), ("岚山区", "371103"), ("五莲县", "371121"))),
    "371300": ("linyi", "LY", (("兰山区", "371302"), ("罗庄区", "371311"), ("河东区", "371312"))),
    "371400": ("dezhou", "DZ", (("德城区", "371402"), ("陵城区", "371403"), ("乐陵市", "371481"))),
    "371500": ("liaocheng", "LC", (("东昌府区", "371502"), ("茌平区", "371503"), ("临清市", "371581"))),
    "371600": ("binzhou", "BZ", (("滨城区", "371602"), ("沾化区", "371603"), ("邹平市", "371681"))),
    "371700": ("heze", "HZ", (("牡丹区", "371702"), ("定陶区", "371703"), ("曹县", "371721"))),
}
# (project name after 「<city>示例」, industry, unit name after 「<city>示例」)
THEMES: tuple[tuple[str, str, str], ...] = (
    ("新材料产业园项目", "新材料", "新材料科技有限公司"),
    ("高端装备制造基地项目", "高端装备", "装备制造有限公司"),
    ("新能源储能电站项目", "新能源", "储能科技有限公司"),
    ("生物医药产业园项目", "生物医药", "生物医药有限公司"),
    ("智能制造数字工厂项目", "新一代信息技术", "智能制造有限公司"),
    ("冷链物流园项目", "现代物流", "冷链物流有限公司"),
    ("文旅康养综合体项目", "文化旅游", "文旅发展有限公司"),
    ("现代农业产业园项目", "现代农业", "农业发展有限公司"),
    ("城市更新片区改造项目", "城市更新", "城市建设有限公司"),
    ("污水处理厂提标改造项目", "生态环保", "环保科技有限公司"),
    ("化工新材料升级改造项目", "高端化工", "化工科技有限公司"),
    ("跨境电商产业园项目", "现代服务业", "供应链管理有限公司"),
)
LEVELS = (Level.PROVINCIAL, Level.CITY, Level.CITY)
STAGES = (Stage.CONSTRUCTION,) * 8 + (Stage.SIGNED, Stage.OPERATING)
PACES = (0.55, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2)  # share of time progress a project reaches


@dataclass(frozen=True)
class DemoCity:
    code: str
    name: str  # 济南市
    key: str  # jinan: usernames
    prefix: str  # JN: project codes
    districts: tuple[tuple[str, str], ...]

    @property
    def short(self) -> str:
        return self.name.removesuffix("市")

    @property
    def supervisor(self) -> str:
        return f"{self.key}_supervisor"


def demo_cities() -> list[DemoCity]:
    """The 15 cities beside 枣庄, named and coded by the shipped division table."""
    names = {code: name for code, name, level in SHANDONG if level == OrgKind.CITY}
    return [
        DemoCity(code, names[code], key, prefix, districts)
        for code, (key, prefix, districts) in CITIES.items()
    ]


def published_quarter(today: dt.date) -> str:
    """The quarter each of the 15 cities locks and publishes: the last one ended before `today`."""
    return quarters_to_publish(today)[-1]


def report_months(today: dt.date) -> list[dt.date]:
    """The two months each project reports: the published quarter's last two."""
    code = published_quarter(today)
    end = dt.date(int(code[:4]), int(code[-1]) * 3, 1)
    return [add_months(end, -1), end]


def load_province(today: dt.date) -> LoadResult:
    """Load 枣庄 (when this database has no demo city yet) and the province beside it, as of `today`.

    枣庄 is loaded first, while it is still the only city, exactly as `liangping demo` loads it; once it is
    in the database (from `liangping demo` or an earlier `--province`) it is left as it is. Running it
    again with the same date writes nothing."""
    started = time.monotonic()
    if loaded_anchor() is None:
        result = load_demo(today)
    else:
        result = LoadResult(anchor=today)
    with transaction.atomic():
        created = ProvinceWriter(today).write()
        result.created.update(created)
        if any(created.values()):
            record(
                None,
                LOAD_ACTION,
                None,
                object_type="demo",
                object_id=today.isoformat(),
                object_repr=f"示例省（数据截至 {today:%Y-%m-%d}）",
                changes={label: [0, n] for label, n in created.items() if n},
                reason="加载示例省：省督查机构和枣庄以外15个市的示例台账，项目、人员和数字均为示例数据，仅供演示",
            )
    result.logins = province_logins(result.logins)
    result.seconds = time.monotonic() - started
    return result


def province_loaded() -> bool:
    return AuditLog.objects.filter(action=LOAD_ACTION).exists()


def province_logins(city_logins: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """枣庄's accounts (one per role; the roles' usernames when 枣庄 was loaded before), then the
    province's supervisor and each other city's."""
    logins = city_logins or home_logins()
    logins = [(f"枣庄市{label}", username) for label, username in logins]
    logins.append(("山东省督查人员（全省只读）", PROVINCE_SUPERVISOR))
    logins += [(f"{c.name}督查人员", c.supervisor) for c in demo_cities()]
    return logins


def home_logins() -> list[tuple[str, str]]:
    """枣庄's demo accounts as `load_demo` names them (from the plan of the loaded date)."""
    loaded = loaded_anchor()
    return demo_logins(build_city(Anchor(loaded))) if loaded else []


class ProvinceWriter:
    """Writes the province's missing rows; counts what it wrote by label."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.created = {
            "省市组织": 0,
            "省市用户": 0,
            "各市示例项目": 0,
            "各市示例月度调度": 0,
            "各市已发布考核期": 0,
            "省级已锁定考核期": 0,
        }

    def write(self) -> dict[str, int]:
        province = self._province()
        cities = demo_cities()
        orgs = {c.code: self._city_orgs(c, province) for c in cities}
        users = self._users(province, cities, orgs)
        for city in cities:
            projects = self._projects(city, orgs[city.code], users)
            self._reports(city, projects, users)
        for city in cities:
            self._publish(orgs[city.code]["city"], users[city.supervisor])
        self._lock_province(users[PROVINCE_SUPERVISOR])
        return self.created

    # -- orgs ---------------------------------------------------------------------------------------

    def _org(self, parent: Org | None, name: str, kind: str, code: str = "", sort: int = 0) -> Org:
        found = (
            Org.objects.filter(kind=kind, code=code).first()
            if code
            else Org.objects.filter(kind=kind, name=name, parent=parent).first()
        )
        if found is not None:
            return found
        org = Org.under(parent, name=name, kind=kind, code=code, sort=sort)
        org.save()  # computes the materialised path and a city's tenant
        self.created["省市组织"] += 1
        return org

    def _province(self) -> Org:
        name = next(n for code, n, _level in SHANDONG if code == PROVINCE_CODE)
        province = self._org(None, name, OrgKind.PROVINCE, PROVINCE_CODE)
        self._org(province, PROVINCE_OFFICE, OrgKind.OFFICE, sort=1)
        home = Org.objects.filter(kind=OrgKind.CITY, code=HOME_CODE).first()
        if home is not None and home.parent_id is None:
            move_city(home, province)  # 枣庄 stood alone: it now hangs under its province
        return province

    def _city_orgs(self, c: DemoCity, province: Org) -> dict[str, Org]:
        city = self._org(province, c.name, OrgKind.CITY, c.code, sort=int(c.code[2:4]))
        out = {"city": city, "office": self._org(city, CITY_OFFICE, OrgKind.OFFICE, sort=1)}
        for i, name in enumerate(DEPARTMENTS):
            out[name] = self._org(city, name, OrgKind.DEPARTMENT, sort=30 + i)
        for i, (name, code) in enumerate(c.districts):
            out[name] = self._org(city, name, OrgKind.DISTRICT, code, sort=10 + i)
        for i, (_title, _industry, unit) in enumerate(THEMES):
            district = out[c.districts[i % len(c.districts)][0]]
            out[unit] = self._org(district, f"{c.short}示例{unit}", OrgKind.COMPANY, sort=100 + i)
        return out

    # -- people -------------------------------------------------------------------------------------

    def _users(
        self, province: Org, cities: list[DemoCity], orgs: dict[str, dict[str, Org]]
    ) -> dict[str, User]:
        office = Org.objects.get(kind=OrgKind.OFFICE, name=PROVINCE_OFFICE, parent=province)
        specs: list[tuple[str, str, Org, str]] = [
            (PROVINCE_SUPERVISOR, Role.SUPERVISOR, office, "示例省督查员")
        ]
        for c in cities:
            o = orgs[c.code]
            specs += [
                (c.supervisor, Role.SUPERVISOR, o["office"], f"{c.short}示例督查员"),
                (f"{c.key}_leader", Role.LEADER, o["city"], f"{c.short}示例市领导"),
                (f"{c.key}_specialist", Role.SPECIALIST, o["office"], f"{c.short}示例专员"),
                (f"{c.key}_dept", Role.DEPARTMENT, o[DEPARTMENTS[0]], f"{c.short}示例发改委用户"),
            ]
            specs += [
                (f"{c.key}_district{i + 1}", Role.DISTRICT, o[name], f"{c.short}示例{name}用户")
                for i, (name, _code) in enumerate(c.districts)
            ]
            specs += [
                (f"{c.key}_owner{i + 1:02d}", Role.OWNER, o[unit], f"{c.short}示例项目单位{i + 1}")
                for i, (_t, _ind, unit) in enumerate(THEMES)
            ]
        names = [s[0] for s in specs]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        missing = [s for s in specs if s[0] not in existing]
        if missing:
            encoded = make_password(N.DEMO_PASSWORD)  # one hash of the one shared demo password
            User.objects.bulk_create(
                [
                    User(username=username, password=encoded, role=role, org=org, display_name=display)
                    for username, role, org, display in missing
                ]
            )
        self.created["省市用户"] += len(missing)
        return {u.username: u for u in User.objects.filter(username__in=names)}

    # -- ledger -------------------------------------------------------------------------------------

    def _projects(
        self, c: DemoCity, orgs: dict[str, Org], users: dict[str, User]
    ) -> list[tuple[Project, float]]:
        rng = random.Random(f"{N.SEED}:province:{c.code}")
        year = self.today.year
        specs = []
        for i, (title, industry, unit) in enumerate(THEMES):
            plan = wan(rng.randint(20, 200) * 1000)
            stage = STAGES[rng.randrange(len(STAGES))]
            specs.append(
                Project(
                    code=f"{c.prefix}{year}-{i + 1:03d}",
                    name=f"{c.short}示例{title}",
                    level=LEVELS[i % len(LEVELS)],
                    district=orgs[c.districts[i % len(c.districts)][0]],
                    industry=industry,
                    unit=orgs[unit],
                    total_investment=plan * rng.randint(3, 8),
                    annual_plan=plan,
                    plan_year=year,
                    stage=stage,
                    planned_start=dt.date(year - rng.randint(0, 1), rng.randint(1, 12), 1),
                    planned_end=dt.date(year + rng.randint(1, 3), rng.randint(1, 12), 1),
                    leader=users[f"{c.key}_leader"],
                    department=orgs[DEPARTMENTS[i % len(DEPARTMENTS)]],
                    specialist=users[f"{c.key}_specialist"],
                    contact_name=f"{c.short}示例联系人{i + 1}",
                    sample=True,
                )
            )
        paces = [PACES[rng.randrange(len(PACES))] for _ in specs]
        codes = [p.code for p in specs]
        existing = set(Project.objects.filter(code__in=codes).values_list("code", flat=True))
        missing = [p for p in specs if p.code not in existing]
        Project.objects.bulk_create(missing)
        self.created["各市示例项目"] += len(missing)
        saved = {p.code: p for p in Project.objects.filter(code__in=codes)}
        return [(saved[p.code], pace) for p, pace in zip(specs, paces, strict=True)]

    def _reports(self, c: DemoCity, projects: list[tuple[Project, float]], users: dict[str, User]) -> None:
        months = report_months(self.today)
        existing = set(
            MonthlyReport.objects.filter(project__in=[p for p, _ in projects], month__in=months).values_list(
                "project_id", "month"
            )
        )
        reviewer = users[c.supervisor]
        rows = []
        for i, (project, pace) in enumerate(projects):
            owner = users[f"{c.key}_owner{i + 1:02d}"]
            plan = project.annual_plan or Decimal(0)
            before = wan(plan * Decimal(str(pace)) * (months[0].month - 1) / 12)
            for month in months:
                ytd = wan(plan * Decimal(str(pace)) * month.month / 12)
                submitted = timezone.make_aware(dt.datetime.combine(add_months(month, 1), dt.time(10)))
                if (project.pk, month) not in existing:
                    rows.append(
                        MonthlyReport(
                            project=project,
                            month=month,
                            month_investment=ytd - before,
                            ytd_investment=ytd,
                            progress=f"{month.month}月：按计划推进（示例数据）",
                            status=ReportStatus.APPROVED,
                            submitted_by=owner,
                            submitted_at=submitted,
                            first_submitted_by=owner,
                            first_submitted_at=submitted,
                            reviewed_by=reviewer,
                            reviewed_at=submitted + dt.timedelta(days=1),
                        )
                    )
                before = ytd
        MonthlyReport.objects.bulk_create(rows)
        self.created["各市示例月度调度"] += len(rows)

    def _publish(self, city: Org, supervisor: User) -> None:
        """Lock and publish the city's own period (its tenant, never the installation's)."""
        period = grading.get_or_create_period(published_quarter(self.today), tenant=city.pk)
        if period.status != PeriodStatus.OPEN:
            return
        grading.lock_period(supervisor, period, confirm_unreviewed=True)
        grading.publish_period(supervisor, period)
        self.created["各市已发布考核期"] += 1

    def _lock_province(self, supervisor: User) -> None:
        """The province's own period of the same quarter, locked by its office: it grades every city's
        projects, and the province board (/province/) ranks the cities by it."""
        period = grading.get_or_create_period(published_quarter(self.today), tenant=None)
        if period.status != PeriodStatus.OPEN:
            return
        grading.lock_period(supervisor, period, confirm_unreviewed=True)
        self.created["省级已锁定考核期"] += 1
