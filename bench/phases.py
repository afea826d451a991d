"""One benchmark phase in its own process, against the database the environment names.

    python -m bench.phases PHASE [ARGS...]

prints one line of JSON with the phase's figures. The runner (bench.run) starts these processes,
so each phase gets a fresh interpreter, its own settings and its own peak-memory counter.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

from bench.sizes import YEAR

LOCK_PERIOD = f"{YEAR}-12"  # open in the generated data
BOARD_PERIOD = f"{YEAR}-11"  # locked and published in the generated data


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter (VmHWM) of this process (Linux ≥ 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def supervisor() -> Any:
    from liangping.core.models import User

    return User.objects.get(username="bench_supervisor")


# --- import and export ------------------------------------------------------------------------------


def write_project_sheet(path: Path, rows: int, seed: int = 7) -> None:
    """A project sheet of `rows` new projects in the small city's districts, as offices send them."""
    from openpyxl import Workbook

    from liangping.core.models import Org, OrgKind, User

    rnd = random.Random(seed)
    districts = list(Org.objects.filter(kind=OrgKind.DISTRICT).order_by("id").values_list("name", flat=True))
    departments = list(
        Org.objects.filter(kind=OrgKind.DEPARTMENT).order_by("id").values_list("name", flat=True)
    )
    leaders = list(User.objects.filter(role="leader").order_by("id").values_list("display_name", flat=True))
    book = Workbook(write_only=True)
    ws = book.create_sheet("项目台账")
    ws.append(["2025年重点项目台账"])
    ws.append(
        [
            "项目编号",
            "项目名称",
            "项目级别",
            "所属区（市）",
            "产业类别",
            "建设单位",
            "总投资（万元）",
            "2025年计划投资（万元）",
            "建设阶段",
            "计划开工时间",
            "计划竣工时间",
            "包保市领导",
            "责任部门",
            "联系人",
            "联系电话",
        ]
    )
    for i in range(rows):
        district = districts[i % len(districts)]
        total = rnd.randint(5_000, 500_000)
        ws.append(
            [
                f"IMP{i + 1:06d}",
                f"{district}导入项目{i + 1}号",
                rnd.choice(["省重点", "市重点"]),
                district,
                rnd.choice(["新能源", "高端装备", "数字经济"]),
                f"{district}第{i % 400 + 1}建设公司",
                total,
                round(total * rnd.randint(10, 40) / 100, 2),
                rnd.choice(["在建", "开工建设", "签约", "竣工投产"]),
                dt.datetime(2025, rnd.randint(1, 12), 1),
                dt.datetime(2027, rnd.randint(1, 12), 1),
                rnd.choice(leaders),
                rnd.choice(departments),
                "联系人",
                f"0632-{rnd.randint(1000000, 9999999)}",
            ]
        )
    book.save(path)


def phase_import(path: str, rows: str, repeat: str = "2") -> dict[str, Any]:
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from liangping.sheets.runner import run_import

    sheet = Path(path)
    if not sheet.exists():
        write_project_sheet(sheet, int(rows))
    reads = []
    for _ in range(3):
        t0 = time.perf_counter()
        data = CalamineWorkbook.from_path(str(sheet)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        reads.append(time.perf_counter() - t0)
    assert len(data) >= int(rows)
    actor = supervisor()
    runs, dry_runs = [], []
    for _ in range(int(repeat)):
        with transaction.atomic():
            t0 = time.perf_counter()
            result = run_import("projects", sheet, actor=actor)
            runs.append(time.perf_counter() - t0)
            if not result.ok:
                raise SystemExit(f"import refused: {[str(e) for e in result.errors[:5]]}")
            assert result.created == int(rows), result.created
            transaction.set_rollback(True)  # the next run imports the same rows again
        t0 = time.perf_counter()
        dry = run_import("projects", sheet, actor=actor, dry_run=True)
        dry_runs.append(time.perf_counter() - t0)
        assert dry.ok
    best_read, best_import = min(reads), min(runs)
    return {
        "calamine_read_10k_s": best_read,
        "import_10k_s": best_import,
        "import_dry_run_10k_s": min(dry_runs),
        "import_vs_calamine": best_import / best_read,
    }


def phase_export(rows: str, path: str, ledger: str = "1") -> dict[str, Any]:
    """The ledger export path (scoped queryset → row iterator → write-only workbook) for `rows` rows:
    the ledger is read as many times as it takes to reach the count."""
    from itertools import chain, islice

    from liangping.projects import exports
    from liangping.projects.models import Project
    from liangping.sheets.writing import write_rows

    wanted = int(rows)
    qs = exports.filter_projects(Project.objects.all(), {}).for_list().order_by("code")
    passes = -(-wanted // max(1, qs.count()))
    base = _rss_kib("VmRSS")
    measured = _reset_peak()
    t0 = time.perf_counter()
    with open(path, "wb") as out:
        n = write_rows(
            out,
            "项目台账",
            exports.PROJECT_EXPORT_COLUMNS,
            islice(chain.from_iterable(exports._rows(qs, None) for _ in range(passes)), wanted),
            total=wanted,
        )
    seconds = time.perf_counter() - t0
    peak = _rss_kib("VmHWM") if measured else 0
    assert n == wanted
    out_data = {
        "export_rows": n,
        "export_100k_s": seconds,
        "export_100k_peak_mib": max(0, peak - base) / 1024 if measured else None,
        "export_file_mib": Path(path).stat().st_size / 1024 / 1024,
    }
    if ledger == "1":  # the real exporter end to end, once, over the whole ledger
        t0 = time.perf_counter()
        with open(path, "wb") as out:
            out_data["export_ledger_rows"] = exports.export_projects(None, {}, out)
        out_data["export_ledger_s"] = time.perf_counter() - t0
    return out_data


# --- grading --------------------------------------------------------------------------------------


def phase_lock() -> dict[str, Any]:
    from django.db import transaction

    from liangping.core.tenancy import tenant_for
    from liangping.grading import services
    from liangping.projects.models import Project

    actor = supervisor()
    runs = []
    items = 0
    for _ in range(2):
        with transaction.atomic():
            period = services.get_or_create_period(LOCK_PERIOD, tenant_for(actor))  # the supervisor's own
            t0 = time.perf_counter()
            snap = services.lock_period(actor, period, confirm_unreviewed=True)
            runs.append(time.perf_counter() - t0)
            items = snap.items.count()
            transaction.set_rollback(True)
    return {"lock_period_s": min(runs), "lock_items": items, "lock_projects": Project.objects.count()}


# --- pages ----------------------------------------------------------------------------------------

PAGES = {
    "list": "/projects/",
    "board": f"/grading/?period={BOARD_PERIOD}",
    "dashboard": f"/screen/dashboard/?period={LOCK_PERIOD}",
    "screen": "/screen/data.json",
}


def phase_pages(samples: str, budget: str) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's response hooks; settings stay the bench's
    client = verified_client(supervisor())
    out: dict[str, Any] = {}
    for name, url in PAGES.items():
        for _ in range(2):  # warm: templates compiled, caches filled
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        executed: list[str] = []

        def count(
            run: Any, sql: str, params: Any, many: bool, context: Any, seen: list[str] = executed
        ) -> Any:
            seen.append(sql)
            return run(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        gc.collect()  # each page starts from a clean heap, not with the garbage of the page before
        times: list[float] = []
        deadline = time.perf_counter() + float(budget)
        # the endpoint answers in about a millisecond: a few samples would make its p95 a coin toss
        wanted = max(int(samples), 300) if name == "screen" else int(samples)
        while len(times) < wanted and (len(times) < 5 or time.perf_counter() < deadline):
            t0 = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - t0)
        out[f"{name}_queries"] = len(executed)
        out[f"{name}_p50_ms"] = statistics.median(times) * 1000
        out[f"{name}_p95_ms"] = _percentile(times, 0.95) * 1000
        out[f"{name}_samples"] = len(times)
    return out


def verified_client(user: Any) -> Any:
    """A test client signed in as `user` past two-factor login (a supervisor must pass it), as a
    browser is after entering its code: the session names the user's authenticator."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# --- concurrent writers ---------------------------------------------------------------------------

POOL = 200  # reports the writers share: enough contention for conflicts, not only for locks
WRITE_MONTH = dt.date(YEAR, 12, 1)


def _writer(index: int, seconds: float, ids: list[int], queue: Any) -> None:
    from django.db import OperationalError, connection

    from liangping.projects.models import MonthlyReport, ReportStatus
    from liangping.projects.services import ConflictError, review_report, submit_report

    connection.close()
    rnd = random.Random(index)
    actor = supervisor()
    counts = {"ok": 0, "conflicts": 0, "locked": 0, "errors": 0, "submit": 0, "review": 0}
    first_error = ""
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        report_id = rnd.choice(ids)
        try:
            report = MonthlyReport.objects.select_related("project").get(pk=report_id)
            if report.status == ReportStatus.SUBMITTED:
                review_report(
                    actor, report, approve=rnd.random() < 0.7, note="请补充", expected_version=report.version
                )
                counts["review"] += 1
            else:
                amount = Decimal(rnd.randint(1, 500))
                submit_report(
                    actor,
                    report.project,
                    report.month,
                    month_investment=amount,
                    ytd_investment=report.ytd_investment + amount,
                    progress=f"写入者{index}",
                    expected_version=report.version,
                )
                counts["submit"] += 1
            counts["ok"] += 1
        except ConflictError:
            counts["conflicts"] += 1
        except OperationalError as exc:
            key = "locked" if "locked" in str(exc) else "errors"
            counts[key] += 1
            first_error = first_error or str(exc)
        except Exception as exc:  # counted and shown: a benchmark must not hide a failure
            counts["errors"] += 1
            first_error = first_error or f"{type(exc).__name__}: {exc}"
    connection.close()
    queue.put({**counts, "first_error": first_error})


def phase_writers(writers: str, seconds: str) -> dict[str, Any]:
    import multiprocessing as mp

    from django.db import connection

    from liangping.core.models import AuditLog
    from liangping.projects.models import MonthlyReport

    reports = MonthlyReport.objects.filter(month=WRITE_MONTH).order_by("project__code")
    ids = list(reports.values_list("pk", flat=True)[:POOL])
    before = sum(MonthlyReport.objects.filter(pk__in=ids).values_list("version", flat=True))
    audit_before = AuditLog.objects.filter(action__startswith="report.").count()
    connection.close()
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(i, float(seconds), ids, queue)) for i in range(int(writers))]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get(timeout=float(seconds) + 120) for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - t0
    after = sum(MonthlyReport.objects.filter(pk__in=ids).values_list("version", flat=True))
    audit_after = AuditLog.objects.filter(action__startswith="report.").count()
    ok = sum(r["ok"] for r in results)
    # every successful submit or review raises its report's version by one and writes one audit
    # entry: a write that vanished shows as a difference between the counts
    lost = max(ok - (after - before), ok - (audit_after - audit_before))
    return {
        "writers": int(writers),
        "seconds": elapsed,
        "ok": ok,
        "ops_per_s": ok / elapsed,
        "submits": sum(r["submit"] for r in results),
        "reviews": sum(r["review"] for r in results),
        "conflicts": sum(r["conflicts"] for r in results),
        "locked_errors": sum(r["locked"] for r in results),
        "other_errors": sum(r["errors"] for r in results),
        "first_error": next((r["first_error"] for r in results if r["first_error"]), ""),
        "version_delta": after - before,
        "audit_delta": audit_after - audit_before,
        "lost_updates": lost,
    }


PHASES = {
    "import": phase_import,
    "export": phase_export,
    "lock": phase_lock,
    "pages": phase_pages,
    "writers": phase_writers,
}


def main(argv: list[str]) -> None:
    django.setup()
    result = PHASES[argv[0]](*argv[1:])
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
