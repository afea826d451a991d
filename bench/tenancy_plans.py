"""The ledger page of one city at 1 tenant and at 16: query plans (PostgreSQL), queries and time.

    DATABASE_URL=postgres://…/lp_bench_tenancy python bench/tenancy_plans.py [--projects 500]

Use a database of its own: it is migrated and gets the bench's rows (its org and project tables are
emptied first). Builds 枣庄 alone with --projects projects and three monthly reports each, measures its
supervisor's ledger page (the first page of projects.queries.ledger_queryset, as the list view runs it),
then adds the other 15 cities of Shandong with as many projects each and measures the same page
again. Reports the queries and the median time of each and the ratio (same run, same machine), and
writes EXPLAIN (ANALYZE, BUFFERS) of the page's query at 16 tenants beside the JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangping.settings")
os.environ.setdefault("LIANGPING_ENV", "test")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "tenancy-plans.json"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("需要 PostgreSQL：DATABASE_URL=postgres://…（使用一个单独的数据库）")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liangping.core.divisions import SHANDONG
    from liangping.core.models import Org, OrgKind, Role, User
    from liangping.projects.models import MonthlyReport, Project, ReportStatus
    from liangping.projects.queries import ledger_queryset

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE projects_monthlyreport, projects_stageevent, projects_visitphoto, projects_visit, "
            "projects_project CASCADE"
        )
    User.objects.filter(username__startswith="bench_").delete()
    Org.objects.filter(kind=OrgKind.COMPANY, name__startswith="压测").delete()
    cities = [(code, name) for code, name, kind in SHANDONG if kind == "city"]
    province, _ = Org.objects.get_or_create(kind=OrgKind.PROVINCE, name="山东省", defaults={"code": "370000"})

    def build_city(code: str, name: str) -> Org:
        city = Org.objects.filter(code=code).first() or Org.under(
            province, name=name, kind=OrgKind.CITY, code=code
        )
        city.save()
        districts = []
        for i in range(1, 7):
            d = Org.objects.filter(parent=city, kind=OrgKind.DISTRICT, name=f"{name}第{i}区").first()
            if d is None:
                d = Org.under(city, name=f"{name}第{i}区", kind=OrgKind.DISTRICT, code=f"{code[:4]}{i:02d}")
                d.save()
            districts.append(d)
        month = dt.date(2025, 5, 1)
        submitted = dt.datetime(2025, 5, 28, 9, tzinfo=dt.UTC)
        projects = [
            Project(
                code=f"{code}-{n:05d}",
                name=f"{name}压测项目{n}",
                district=districts[n % len(districts)],
                total_investment=Decimal(10000 + n),
                annual_plan=Decimal(5000),
                plan_year=2025,
            )
            for n in range(args.projects)
        ]
        Project.objects.bulk_create(projects, batch_size=1000)
        reports = [
            MonthlyReport(
                project=p,
                month=month.replace(month=m),
                month_investment=Decimal(100),
                ytd_investment=Decimal(100 * m),
                status=ReportStatus.APPROVED,
                submitted_at=submitted,
            )
            for p in projects
            for m in (3, 4, 5)
        ]
        MonthlyReport.objects.bulk_create(reports, batch_size=2000)
        return city

    def measure(user: User) -> dict[str, float | int]:
        times = []
        count = 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                qs, _label = ledger_queryset(user, {})
                page = list(qs[:50])
            times.append(time.perf_counter() - start)
            count = len(ctx.captured_queries)
            assert len(page) == 50
        return {"queries": count, "median_ms": round(statistics.median(times) * 1000, 2)}

    home = build_city("370400", "枣庄市")
    office = Org.objects.filter(parent=home, kind=OrgKind.OFFICE).first()
    if office is None:
        office = Org.under(home, name="市城市转型促进中心", kind=OrgKind.OFFICE)
        office.save()
    supervisor = User.objects.create(username="bench_supervisor", role=Role.SUPERVISOR, org=office)
    connection.cursor().execute("ANALYZE")
    alone = measure(supervisor)
    for code, name in cities:
        if code != "370400":
            build_city(code, name)
    connection.cursor().execute("ANALYZE")
    at16 = measure(supervisor)
    qs, _label = ledger_queryset(supervisor, {})
    plan = qs[:50].explain(analyze=True, buffers=True)
    visible = Project.objects.visible_to(supervisor).count()
    result = {
        "projects_per_city": args.projects,
        "visible_to_the_zaozhuang_supervisor": visible,
        "projects_in_database": Project.objects.count(),
        "alone": alone,
        "at_16_tenants": at16,
        "time_ratio_16_to_1": round(at16["median_ms"] / alone["median_ms"], 2),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    out.with_suffix(".plan.txt").write_text(plan + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(plan)


if __name__ == "__main__":
    main()
