"""How long a sign-in and a small write wait while a big project ledger is being imported.

    python bench/import_contention.py [--rows 100000] [--seconds 170] [--out FILE.json]

SQLite in a fresh directory under var/bench/contention/ by default; with DATABASE_URL=postgres://… the
database named there (it is migrated and gets the bench's rows: use a database of its own). The script
writes a ledger of --rows new projects as CSV, starts `liangping import projects FILE` in a process of
its own and, while that runs, signs in through the real login page and saves a small change (a user's
display name with its audit entry) every 0.2 s, timing each. It reports the medians before the import
and the median, 95th percentile and maximum during it (a probe that gave up, e.g. "database is locked"
after the busy timeout, counts with the time it waited, and as gave_up), and stops by itself after
--seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMAND = Path(sys.executable).with_name("liangping")
PASSWORD = "Bench-contention-1"
HEADER = ["项目编号", "项目名称", "所属区（市）", "总投资（万元）", "建设阶段"]


def environment(work: Path) -> dict[str, str]:
    env = dict(os.environ, LIANGPING_ENV="test", LIANGPING_VAR_DIR=str(work), PYTHONPATH=str(REPO))
    env.setdefault("LIANGPING_MEDIA_ROOT", str(work / "media"))
    if not env.get("DATABASE_URL"):
        env["LIANGPING_SQLITE_PATH"] = str(work / "contention.sqlite3")
    return env


def write_ledger(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        stages = ("在建", "签约", "储备")
        for i in range(rows):
            out.writerow([f"BENCH{i:06d}", f"压测项目{i:06d}", "压测区", 1000 + i % 997, stages[i % 3]])
    return path


def seed() -> None:
    """In the bench's database: the district of the ledger and an ordinary account to sign in with."""
    from liangping.core.models import Org, OrgKind, Role, User
    from liangping.projects.models import Project

    Project.objects.filter(code__startswith="BENCH").delete()
    city = Org.objects.filter(kind=OrgKind.CITY).first() or Org.objects.create(
        name="压测市", kind=OrgKind.CITY
    )
    if not Org.objects.filter(name="压测区").exists():
        district = Org.objects.create(name="压测区", kind=OrgKind.DISTRICT, parent=city)
        district.path = f"{city.path or '/'}{district.pk}/"
        district.save(update_fields=["path"])
    user = User.objects.filter(username="bench_signin").first() or User(username="bench_signin")
    user.role, user.display_name, user.is_active = Role.DEPARTMENT, "压测用户", True
    user.org = Org.objects.filter(kind=OrgKind.CITY).first()
    user.set_password(PASSWORD)
    if hasattr(user, "must_change_password"):
        user.must_change_password = False
    user.save()


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def probes():  # type: ignore[no-untyped-def]
    from django.db import transaction
    from django.test import Client

    from liangping.core.audit import record
    from liangping.core.models import User

    user = User.objects.get(username="bench_signin")

    def sign_in() -> None:
        response = Client(HTTP_HOST="127.0.0.1").post(
            "/accounts/login/", {"username": user.username, "password": PASSWORD}
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in answered {response.status_code}")

    def small_write() -> None:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(display_name=f"压测用户{time.time_ns() % 1000}")
            record(None, "bench.write", user, changes={"display_name": ["", ""]}, reason="压测")

    return sign_in, small_write


def summary(samples: list[float]) -> dict[str, float | int]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_s": round(statistics.median(ordered), 3),
        "p95_s": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 3),
        "max_s": round(ordered[-1], 3),
    }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=170)
    parser.add_argument("--work", type=Path, default=REPO / "var" / "bench" / "contention")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed:
        import django

        django.setup()
        seed()
        return {}

    work: Path = args.work
    if not os.environ.get("DATABASE_URL"):
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    env = environment(work)
    subprocess.run([str(COMMAND), "migrate", "--no-input", "-v", "0"], env=env, cwd=REPO, check=True)
    seed_env = dict(env, DJANGO_SETTINGS_MODULE="liangping.settings")
    subprocess.run([sys.executable, __file__, "--seed"], env=seed_env, cwd=REPO, check=True)
    ledger = write_ledger(work / "ledger.csv", args.rows)

    os.environ.update(seed_env)
    import django

    django.setup()
    sign_in, small_write = probes()
    baseline = {
        "sign_in": [timed(sign_in) for _ in range(5)],
        "write": [timed(small_write) for _ in range(5)],
    }

    deadline = time.monotonic() + args.seconds
    started = time.monotonic()
    importer = subprocess.Popen(
        [str(COMMAND), "import", "projects", str(ledger), "--json"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    during: dict[str, list[float]] = {"sign_in": [], "write": []}
    gave_up = {"sign_in": 0, "write": 0}
    failures: list[str] = []
    time.sleep(0.2)
    while importer.poll() is None and time.monotonic() < deadline:
        for name, action in (("sign_in", sign_in), ("write", small_write)):
            begun = time.perf_counter()
            try:
                action()
            except Exception as exc:  # a probe that gave up (e.g. database locked) is a result too
                failures.append(f"{name}: {exc}")
                gave_up[name] += 1
            during[name].append(time.perf_counter() - begun)  # it waited that long before giving up
        time.sleep(0.2)
    timed_out = importer.poll() is None
    if timed_out:
        importer.kill()
    out, err = importer.communicate()
    elapsed = time.monotonic() - started
    try:
        imported = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    except ValueError:
        imported = {}
    report: dict[str, object] = {
        "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "rows": args.rows,
        "chunk_rows": int(os.environ.get("LIANGPING_IMPORT_CHUNK", "1000")),
        "import_s": round(elapsed, 1),
        "import_ok": bool(imported.get("ok")) and not timed_out,
        "import_created": imported.get("created"),
        "timed_out": timed_out,
        "baseline": {k: summary(v) for k, v in baseline.items()},
        "during_import": {k: {**summary(v), "gave_up": gave_up[k]} for k, v in during.items()},
        "probe_failures": failures[:5],
        "import_stderr_tail": err[-300:] if not imported.get("ok") else "",
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
