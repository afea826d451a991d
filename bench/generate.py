"""A synthetic province (or city), deterministic from a seed, written through bulk paths.

Every row gets an explicit primary key, so foreign keys are known without reading anything back and
the whole set goes in with one executemany per table and batch. Works on SQLite and PostgreSQL.

    python -m bench.generate province|city|province-quick     (database from DATABASE_URL or
                                                                LIANGPING_SQLITE_PATH, migrated)
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sys
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from bench.sizes import CITY, PROVINCE, QUICK_PROVINCE, SMOKE_CITY, SMOKE_PROVINCE, YEAR, Sizes
from liangping.core.divisions import SHANDONG

CITY_CODES = {name.removesuffix("市"): code for code, name, kind in SHANDONG if kind == "city"}

SUFFIXES = ["中心区", "东城区", "西城区", "南城区", "北城区", "高新区", "新区"]
DEPARTMENTS = [
    "发展改革委",
    "工业和信息化局",
    "住房城乡建设局",
    "自然资源局",
    "生态环境局",
    "交通运输局",
    "商务局",
    "财政局",
    "水务局",
    "农业农村局",
    "文化和旅游局",
    "行政审批服务局",
]
INDUSTRIES = ["高端装备", "新能源", "新材料", "生物医药", "数字经济", "现代物流", "文化旅游", "基础设施"]
STAGES = ["planned", "negotiating", "signed", "construction", "operating", "counted"]
STAGE_WEIGHTS = [5, 5, 10, 55, 20, 5]
CASE_STATUSES = ["registered", "assigned", "handling", "replied", "verified", "closed"]
CASE_WEIGHTS = [5, 10, 15, 10, 5, 55]
BATCH = 5000
# Bump when the generated data changes: the runner rebuilds the data sets it keeps under var/bench/.
GENERATOR_VERSION = 2  # 2: the province's cities are tenants under 山东省
USERS_PER_CITY = {"leader": 8, "specialist": 20}


def _aware(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


class Writer:
    """INSERTs rows given as dicts of attribute name → Python value, one executemany per batch."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.counts: dict[str, int] = {}

    def insert(self, model: Any, rows: Iterable[dict[str, Any]]) -> int:
        from django.db import models

        meta = model._meta
        ops = self.connection.ops
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        fields = [f for f in meta.concrete_fields if not (f.primary_key and f.attname not in first)]
        prep: list[Any] = []
        for f in fields:
            if isinstance(f, models.DateTimeField):
                prep.append(ops.adapt_datetimefield_value)
            elif isinstance(f, models.DateField):
                prep.append(ops.adapt_datefield_value)
            elif isinstance(f, models.DecimalField):
                prep.append(lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
            elif isinstance(f, models.JSONField):
                prep.append(lambda v, f=f: f.get_db_prep_save(v, self.connection))
            else:
                prep.append(None)
        # a column the generator does not name gets the field's default ("" for text), so a field
        # added later does not break the generator
        defaults = [f.get_default() for f in fields]
        qn = ops.quote_name
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        names = [f.attname for f in fields]
        total = 0
        batch: list[list[Any]] = []
        with self.connection.cursor() as cursor:
            for row in itertools.chain([first], rows):
                values = []
                for name, p, default in zip(names, prep, defaults, strict=True):
                    v = row.get(name, default)
                    values.append(p(v) if p is not None and v is not None else v)
                batch.append(values)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    total += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                total += len(batch)
        self.counts[meta.label_lower] = self.counts.get(meta.label_lower, 0) + total
        return total


def _months(sizes: Sizes) -> list[dt.date]:
    return [dt.date(YEAR, m, 1) for m in range(13 - sizes.report_months, 13)]


def generate(sizes: Sizes, *, lock: bool = True) -> dict[str, Any]:
    """Write the data set into an empty, migrated database. Returns row counts and seconds."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from liangping.cases.models import Case, CaseStep
    from liangping.core.models import Org, Period, Role, User
    from liangping.core.tenancy import tenant_for
    from liangping.grading import services
    from liangping.indicators.catalogue import CITIES, HOME_CITY
    from liangping.indicators.models import City, Indicator, IndicatorValue
    from liangping.projects.models import MonthlyReport, Project, StageEvent, Visit
    from liangping.tasks.models import Milestone, Task, TaskReport

    started = time.perf_counter()
    rnd = random.Random(sizes.seed)
    w = Writer()
    city_names = [HOME_CITY] if sizes.cities == 1 else CITIES[: sizes.cities]
    with transaction.atomic():
        # --- orgs: cities, the office, districts, departments, companies ---------------------------
        oid = 0
        orgs: list[dict[str, Any]] = []

        def org(
            name: str, kind: str, parent: dict[str, Any] | None, sort: int = 0, code: str = ""
        ) -> dict[str, Any]:
            """A unit of the tree with its materialised path and its tenant (decision 0007): a city is
            its own, a unit below a city is that city's, the province and its office have none."""
            nonlocal oid
            oid += 1
            path = f"{parent['path'] if parent else '/'}{oid}/"
            tenant = oid if kind == "city" else (parent["tenant_id"] if parent else None)
            row = {"id": oid, "name": name, "kind": kind, "parent_id": parent and parent["id"], "path": path}
            row.update(sort=sort, aliases="", code=code, tenant_id=tenant)
            orgs.append(row)
            return row

        # A province is 16 real tenants under 山东省, its supervision office the province's (it reads
        # every city) and each city with its own office and supervisor; one city stands alone.
        province = org("山东省", "province", None, code="370000") if len(city_names) > 1 else None
        cities = [org(f"{c}市", "city", province, i, CITY_CODES.get(c, "")) for i, c in enumerate(city_names)]
        office = org("督查室", "office", province or cities[0])
        city_offices = [org("市督查室", "office", c) for c in cities] if province else []
        districts = [
            org(f"{c['name'][:-1]}{s}", "district", c, j, f"{c['code'][:4]}{j + 1:02d}" if c["code"] else "")
            for c in cities
            for j, s in enumerate(SUFFIXES[: sizes.districts_per_city])
        ]
        departments = [
            org(f"{c['name']}{d}", "department", c, j)
            for c in cities
            for j, d in enumerate(DEPARTMENTS[: sizes.departments_per_city])
        ]
        n_companies = (sizes.projects + 4) // 5
        nd = len(districts)
        companies = [
            org(f"{districts[k % nd]['name']}第{k + 1}建设公司", "company", districts[k % nd])
            for k in range(n_companies)
        ]
        w.insert(Org, orgs)

        # --- users: one password hash for all ------------------------------------------------------
        password = make_password("Bench#2025")
        users: list[dict[str, Any]] = []

        def user(username: str, role: str, org_row: dict[str, Any], display: str) -> int:
            uid = len(users) + 1
            users.append(
                {
                    "id": uid,
                    "username": username,
                    "password": password,
                    "role": role,
                    "org_id": org_row["id"],
                    "display_name": display,
                    "is_active": True,
                    "date_joined": _aware(dt.date(YEAR, 1, 1)),
                    "first_name": "",
                    "last_name": "",
                    "email": "",
                    "phone": "",
                }
            )
            return uid

        supervisor = user("bench_supervisor", Role.SUPERVISOR, office, "督查员")
        for c, city_office in zip(cities if province else [], city_offices, strict=True):  # each city's own
            user(f"bench_supervisor_{c['code']}", Role.SUPERVISOR, city_office, f"{c['name']}督查员")
        leaders = {
            c["id"]: [
                user(f"leader_{c['id']}_{k}", Role.LEADER, c, f"{c['name']}领导{k + 1}") for k in range(8)
            ]
            for c in cities
        }
        specialists = {
            c["id"]: [
                user(f"specialist_{c['id']}_{k}", Role.SPECIALIST, home, f"{c['name']}专员{k + 1}")
                for k in range(20)
            ]
            for c, home in zip(cities, city_offices or [office], strict=True)
        }
        for d in districts:
            user(f"district_{d['id']}", Role.DISTRICT, d, f"{d['name']}联络员")
        for d in departments:
            user(f"department_{d['id']}", Role.DEPARTMENT, d, f"{d['name']}联络员")
        w.insert(User, users)

        # --- projects, their first stage event, visits ----------------------------------------------
        city_of = {d["id"]: d["parent_id"] for d in districts}
        depts_of: dict[int, list[int]] = {}
        for d in departments:
            depts_of.setdefault(d["parent_id"], []).append(d["id"])
        projects: list[dict[str, Any]] = []
        for i in range(sizes.projects):
            k = i // 5
            district = districts[k % nd]
            cid = city_of[district["id"]]
            total = Decimal(rnd.randint(5_000, 500_000))
            plan = (total * Decimal(rnd.randint(10, 40)) / 100).quantize(Decimal("0.01"))
            stage = rnd.choices(STAGES, STAGE_WEIGHTS)[0]
            # a realistic mix of cards: most projects started on time, a few overdue (red by rule)
            late = rnd.random() < 0.04
            started_yet = STAGES.index(stage) >= 3
            start = dt.date(
                YEAR - rnd.randint(0, 1) if started_yet or late else YEAR + 1, rnd.randint(1, 12), 1
            )
            finish = dt.date(max(start.year, YEAR) + rnd.randint(1, 3), start.month, 1)
            if late and STAGES.index(stage) == 3:
                finish = dt.date(YEAR, rnd.randint(1, 10), 1)
            projects.append(
                {
                    "id": i + 1,
                    "code": f"P{YEAR}{i + 1:06d}",
                    "name": f"{district['name']}{rnd.choice(INDUSTRIES)}项目{i + 1}号",
                    "level": "provincial" if rnd.random() < 0.15 else "city",
                    "district_id": district["id"],
                    "industry": rnd.choice(INDUSTRIES),
                    "unit_id": companies[k]["id"],
                    "total_investment": total,
                    "annual_plan": plan,
                    "plan_year": YEAR,
                    "stage": stage,
                    "planned_start": start,
                    "planned_end": finish,
                    "leader_id": rnd.choice(leaders[cid]),
                    "department_id": rnd.choice(depts_of[cid]),
                    "specialist_id": rnd.choice(specialists[cid]),
                    "contact_name": "联系人",
                    "contact_phone": f"0632-{rnd.randint(1000000, 9999999)}",
                    "sample": False,
                    "created_at": _aware(dt.date(YEAR, 1, 1)),
                    "updated_at": _aware(dt.date(YEAR, 1, 1)),
                    "version": 1,
                }
            )
        w.insert(Project, projects)
        w.insert(
            StageEvent,
            (
                {
                    "id": p["id"],
                    "project_id": p["id"],
                    "from_stage": "",
                    "to_stage": p["stage"],
                    "date": dt.date(YEAR, 1, 1),
                    "author_id": supervisor,
                    "note": "建档",
                    "created_at": _aware(dt.date(YEAR, 1, 1)),
                }
                for p in projects
            ),
        )
        w.insert(
            Visit,
            (
                {
                    "id": n + 1,
                    "project_id": p["id"],
                    "specialist_id": p["specialist_id"],
                    "date": dt.date(YEAR, 1 + n % 12, 1 + n % 28),
                    "findings": "现场施工正常",
                    "created_at": _aware(dt.date(YEAR, 1 + n % 12, 1 + n % 28)),
                }
                for n, p in enumerate(projects[::10])
            ),
        )

        # --- monthly reports: every project, every month ----------------------------------------------
        months = _months(sizes)

        def reports() -> Iterable[dict[str, Any]]:
            rid = 0
            for p in projects:
                ytd = Decimal(0)
                pace = Decimal(rnd.randint(85, 130) if rnd.random() < 0.9 else rnd.randint(40, 95)) / 100
                for m in months:
                    rid += 1
                    amount = (p["annual_plan"] * pace / 12).quantize(Decimal("0.01"))
                    ytd += amount
                    last = m == months[-1]
                    status = (
                        rnd.choices(["submitted", "approved", "returned"], [30, 65, 5])[0]
                        if last
                        else "approved"
                    )
                    submitted = _aware(m + dt.timedelta(days=33))
                    yield {
                        "id": rid,
                        "project_id": p["id"],
                        "month": m,
                        "month_investment": amount,
                        "ytd_investment": ytd,
                        "progress": "按计划推进",
                        "problems": "",
                        "status": status,
                        "submitted_by_id": p["specialist_id"],
                        "submitted_at": submitted,
                        "reviewed_by_id": None if status == "submitted" else supervisor,
                        "reviewed_at": None if status == "submitted" else submitted + dt.timedelta(days=1),
                        "review_note": "请补充" if status == "returned" else "",
                        "version": 1 if status == "submitted" else 2,
                    }

        w.insert(MonthlyReport, reports())

        # --- tasks, milestones, task reports ---------------------------------------------------------
        tasks = []
        for t in range(sizes.tasks):
            c = cities[t % len(cities)]
            tasks.append(
                {
                    "id": t + 1,
                    "code": f"T{YEAR}{t + 1:05d}",
                    "title": f"{c['name']}攻坚事项{t + 1}",
                    "year": YEAR,
                    "leader_id": rnd.choice(leaders[c["id"]]),
                    "lead_department_id": rnd.choice(depts_of[c["id"]]),
                    "goal": "年内完成",
                    "target_value": Decimal(rnd.randint(10, 1000)),
                    "target_unit": "个",
                    "sample": False,
                    "version": 1,
                }
            )
        w.insert(Task, tasks)
        mid = 0
        milestones = []
        for t in tasks:
            for j in range(sizes.milestones_per_task):
                mid += 1
                planned = dt.date(YEAR, min(12, 3 * (j + 1)), 28)
                done = rnd.random() < 0.8 and planned.month < 12
                milestones.append(
                    {
                        "id": mid,
                        "task_id": t["id"],
                        "title": f"节点{j + 1}",
                        "planned_date": planned,
                        "actual_date": planned - dt.timedelta(days=rnd.randint(0, 20)) if done else None,
                        "evidence": "",
                        "note": "",
                        "evidence_name": "",
                        "evidence_type": "",
                        "version": 1,
                    }
                )
        w.insert(Milestone, milestones)
        w.insert(
            TaskReport,
            (
                {
                    "id": n * len(months) + j + 1,
                    "task_id": t["id"],
                    "month": m,
                    "actual_value": (t["target_value"] * (j + 1) / len(months)).quantize(Decimal("0.0001")),
                    "progress": "按计划推进",
                    "status": "approved",
                    "submitted_by_id": supervisor,
                    "submitted_at": _aware(m + dt.timedelta(days=33)),
                    "reviewed_by_id": supervisor,
                    "reviewed_at": _aware(m + dt.timedelta(days=34)),
                    "review_note": "",
                    "version": 2,
                }
                for n, t in enumerate(tasks)
                for j, m in enumerate(months)
            ),
        )

        # --- the case engine: problems on projects, one step each -------------------------------------
        project_ct = ContentType.objects.get_for_model(Project).pk
        cases = []
        for n in range(sizes.cases):
            p = projects[rnd.randrange(len(projects))]
            status = rnd.choices(CASE_STATUSES, CASE_WEIGHTS)[0]
            registered = dt.date(YEAR, rnd.randint(1, 12), rnd.randint(1, 28))
            cases.append(
                {
                    "id": n + 1,
                    "kind": "project_problem",
                    "title": f"{p['name']}用地手续问题",
                    "description": "",
                    "subject_ct_id": project_ct,
                    "subject_id": p["id"],
                    "source": "report",
                    "source_ref": "",
                    "status": status,
                    "lead_org_id": p["department_id"],
                    "registered_by_id": supervisor,
                    "registered_at": _aware(registered),
                    "assigned_at": None if status == "registered" else _aware(registered, 10),
                    "deadline": None if status == "registered" else registered + dt.timedelta(days=15),
                    "deadline_note": "",
                    "replied_at": _aware(registered + dt.timedelta(days=10))
                    if status in ("replied", "verified", "closed")
                    else None,
                    "reply": "",
                    "closed_at": _aware(registered + dt.timedelta(days=14)) if status == "closed" else None,
                    "return_count": 0,
                    "version": 1,
                }
            )
        w.insert(Case, cases)
        w.insert(
            CaseStep,
            (
                {
                    "id": c["id"],
                    "case_id": c["id"],
                    "action": "register",
                    "from_status": "",
                    "to_status": "registered",
                    "actor_id": supervisor,
                    "at": c["registered_at"],
                    "note": "",
                }
                for c in cases
            ),
        )

        # --- indicators: 15 x 16 cities x the periods ending December of YEAR ---------------------------
        indicator_ids = list(Indicator.objects.order_by("sort").values_list("pk", flat=True))
        city_ids = list(City.objects.order_by("sort").values_list("pk", flat=True))
        periods = [(YEAR - k // 12, 12 - k % 12) for k in range(sizes.indicator_periods)][::-1]
        w.insert(
            IndicatorValue,
            (
                {
                    "indicator_id": ind,
                    "city_id": city,
                    "year": y,
                    "month": m,
                    "value": Decimal(rnd.randint(100, 9000)),
                    "growth": Decimal(rnd.randint(-30, 120)) / 10,
                    "updated_at": _aware(dt.date(y, m, 1)),
                    "updated_by_id": None,
                }
                for y, m in periods
                for ind in indicator_ids
                for city in city_ids
            ),
        )

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(),
            [
                Org,
                User,
                Project,
                StageEvent,
                Visit,
                MonthlyReport,
                Task,
                Milestone,
                TaskReport,
                Case,
                CaseStep,
                IndicatorValue,
            ],
        ):
            cursor.execute(sql)
    loaded = time.perf_counter() - started

    locked = 0.0
    if lock:
        # two locked months (so ranks have a previous period and the summons list fills), the last published
        sup = User.objects.get(pk=supervisor)
        t0 = time.perf_counter()
        own = tenant_for(sup)  # the supervisor's periods: their city's, or the province's own
        for month in (10, 11):
            period = services.get_or_create_period(f"{YEAR}-{month:02d}", own)
            services.lock_period(sup, period, confirm_unreviewed=True)
        services.publish_period(sup, Period.objects.get(code=f"{YEAR}-11", tenant_id=own))
        locked = time.perf_counter() - t0
    return {"rows": w.counts, "load_s": round(loaded, 2), "lock_two_periods_s": round(locked, 2)}


SETS: dict[str, Sizes] = {s.name: s for s in (PROVINCE, CITY, QUICK_PROVINCE, SMOKE_CITY, SMOKE_PROVINCE)}


def main(argv: Sequence[str]) -> None:
    import django

    django.setup()
    result = generate(SETS[argv[0]])
    print(result)


if __name__ == "__main__":
    main(sys.argv[1:])
