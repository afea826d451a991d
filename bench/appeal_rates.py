"""三率 for 100,000 appeals: how long the page's computation takes, against a bare read of the same rows.

    python -m bench.appeal_rates [--appeals 100000]

Builds (once per size and schema) a SQLite database under var/bench/ with one month of appeals across
the demo city's districts and departments (responded, finished and rated in the proportions of the demo
month), then measures, in the same run:

- the bare read: the seven columns of the month's appeals, no Python work (the floor);
- appeal_rows(): the three queries of the 三率 page (appeals, last ratings, the org tree);
- unit_rates(): counting and ranking the plain rows (no database);
- month_ranking(): the page's whole computation (this month and the month before);
- the query count of the appeals list page (/cases/?kind=appeal) at 100 and at the full size.

Writes bench/results/appeal_rates.json. Absolute times on a shared machine are noise; the ratios are
the figures to compare between runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
RATINGS = ["very_satisfied", "satisfied", "satisfied", "basic", "unsatisfied", "very_unsatisfied"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def schema_tag(n: int) -> str:
    h = hashlib.sha256(f"appeals {n} v1".encode())
    for f in sorted((ROOT / "liangping").glob("*/migrations/0*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


def setup(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("LIANGPING_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangping.settings")
    import django

    django.setup()


def generate(n: int, month_start: dt.datetime) -> None:
    from django.core.management import call_command

    from liangping.cases.models import Case, CaseCategory, CaseStep
    from liangping.core.models import Org, OrgKind

    call_command("migrate", verbosity=0)
    rng = random.Random(20261)
    city = Org.objects.create(name="示例市", kind=OrgKind.CITY)
    units = [Org.objects.create(name=f"示例区{i}", kind=OrgKind.DISTRICT, parent=city) for i in range(7)]
    units += [Org.objects.create(name=f"示例局{i}", kind=OrgKind.DEPARTMENT, parent=city) for i in range(30)]
    towns = [
        Org.objects.create(name=f"示例街道{i}", kind=OrgKind.TOWN, parent=units[i % 7]) for i in range(40)
    ]
    categories = list(CaseCategory.objects.filter(kind__code="appeal"))
    hour = dt.timedelta(hours=1)
    cases = []
    for i in range(n):
        registered = month_start + dt.timedelta(minutes=rng.randrange(30 * 24 * 60))
        respond_by, due = registered + 24 * hour, registered + 5 * 24 * hour
        responded = registered + rng.choice((2, 5, 20, 30)) * hour
        finished = registered + rng.choice((30, 60, 100, 150)) * hour if rng.random() < 0.85 else None
        cases.append(
            Case(
                kind="appeal",
                title=f"示例诉求{i}",
                status="closed" if finished else "handling",
                category=rng.choice(categories),
                channel=rng.choice(("hotline", "web", "window", "api", "leader_hotline")),
                lead_org=rng.choice(units + towns),
                registered_at=registered,
                respond_by=respond_by,
                responded_at=responded,
                due_at=due,
                finished_at=finished,
                receipt_no=f"B{i:011d}",
                contact_phone=f"139{i:08d}",
                data={},
            )
        )
    Case.objects.bulk_create(cases, batch_size=2000)
    ids = list(Case.objects.filter(kind="appeal").values_list("pk", "registered_at"))
    steps = [
        CaseStep(
            case_id=pk, action="callback", to_status="closed", at=at + 200 * hour, rating=rng.choice(RATINGS)
        )
        for pk, at in ids
        if rng.random() < 0.7
    ]
    CaseStep.objects.bulk_create(steps, batch_size=2000)


def timed(fn, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def list_queries(n_cases: int) -> int | None:
    """Queries of the appeals list page for a supervisor (None when the page is not there)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from liangping.core.models import Org, Role, User

    user = User.objects.filter(username="bench-supervisor").first() or User.objects.create_user(
        "bench-supervisor", role=Role.SUPERVISOR, org=Org.objects.first()
    )
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/cases/", {"kind": "appeal"}, HTTP_HOST="localhost")
    return len(ctx.captured_queries) if response.status_code == 200 else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=100_000)
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    db = VAR / f"appeals-{args.appeals}-{schema_tag(args.appeals)}.sqlite3"
    fresh = not db.exists()
    setup(db)
    from django.utils import timezone

    from liangping.appeals.queries import Month, appeal_rows, month_ranking
    from liangping.appeals.rates import unit_rates
    from liangping.cases.models import Case

    month = Month(2026, 10)
    start, end = month.bounds()
    if fresh:
        log(f"generating {args.appeals} appeals into {db.name}")
        t = time.perf_counter()
        generate(args.appeals, start)
        log(f"generated in {time.perf_counter() - t:.1f} s")
    now = timezone.now()
    bare_s, _ = timed(
        lambda: list(
            Case.objects.filter(kind="appeal", registered_at__gte=start, registered_at__lt=end).values_list(
                "pk", "lead_org_id", "registered_at", "respond_by", "responded_at", "due_at", "finished_at"
            )
        )
    )
    rows_s, rows = timed(lambda: appeal_rows(month))
    count_s, ranked = timed(lambda: unit_rates(rows, now))  # type: ignore[arg-type]
    page_s, _ = timed(lambda: month_ranking(month, now))
    small = list_queries(100)
    result = {
        "appeals": len(rows),  # type: ignore[arg-type]
        "units": len(ranked),  # type: ignore[arg-type]
        "bare_read_s": round(bare_s, 3),
        "appeal_rows_s": round(rows_s, 3),
        "unit_rates_s": round(count_s, 3),
        "month_ranking_s": round(page_s, 3),
        "rows_vs_bare_read": round(rows_s / bare_s, 2),
        "list_queries": small,
        "database": "sqlite",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "appeal_rates.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
