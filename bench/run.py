"""Run the benchmarks, print a table and write bench/results/latest.json.

    python -m bench.run            the full run: the province (30,000 projects) against the city (500)
    python -m bench.run --quick    bench-quick: a province of 10,000 projects, shorter loops (< 5 min)
    python -m bench.run --smoke    bench-smoke: every phase on tiny sets in seconds; fails if a phase
                                   breaks or leaves out a figure (part of `make test`)

Data sets are generated once per (size, generator, migrations) and kept under var/bench/; every
figure is measured in this run. The databases are SQLite files unless DATABASE_URL names a
PostgreSQL server, in which case the data sets are databases on it (liangping_bench_<database>_<set>,
named after DATABASE_URL's database, or liangping_bench_<set> for `postgres`). The
concurrent-writers test runs on SQLite and, when a server answers, on PostgreSQL as well.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import load
from bench.sizes import (
    CITY,
    EXPORT_ROWS,
    IMPORT_ROWS,
    PROVINCE,
    QUICK_EXPORT_ROWS,
    QUICK_PROVINCE,
    SMOKE_CITY,
    SMOKE_EXPORT_ROWS,
    SMOKE_IMPORT_ROWS,
    SMOKE_PROVINCE,
    Sizes,
)

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fingerprint() -> str:
    """Changes when the generator, the sizes or the schema change: then the data sets are rebuilt."""
    from bench.generate import GENERATOR_VERSION

    h = hashlib.sha256(f"generator {GENERATOR_VERSION}".encode())
    files = [ROOT / "bench" / "sizes.py"]
    files += sorted((ROOT / "liangping").glob("*/migrations/0*.py"))
    for f in files:
        h.update(f.read_bytes())
    return h.hexdigest()[:10]


def pg_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + name))


def pg_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2).close()
        return True
    except OSError:
        return False


class Target:
    """One data set in one database: the environment that points the application at it."""

    def __init__(self, sizes: Sizes, engine: str, base_url: str = "") -> None:
        self.sizes, self.engine = sizes, engine
        tag = f"{sizes.name}-{fingerprint()}"
        if engine == "sqlite":
            self.path = VAR / f"{tag}.sqlite3"
            self.url = ""
        else:
            # DATABASE_URL's own database names the sets, so two people's runs on one server never
            # share a set: …/lp_alice → liangping_bench_lp_alice_city; …/postgres → liangping_bench_city
            own = urlsplit(base_url).path.strip("/")
            owner = f"{own}_" if own and own != "postgres" else ""
            self.dbname = f"liangping_bench_{owner}{sizes.name}".replace("-", "_")
            self.url = pg_url(base_url, self.dbname)
            self.base_url = base_url
            self.tag = tag

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            DJANGO_SETTINGS_MODULE="liangping.settings",
            LIANGPING_ENV="development",
            LIANGPING_DEBUG="0",
            LIANGPING_LOG_LEVEL="ERROR",
            # plain static names: the pages render without a collectstatic run (no static file is
            # served by the benchmarks; the hashed storage costs one dict look-up per name)
            LIANGPING_STATIC_MANIFEST="0",
            PYTHONWARNINGS="ignore",
        )
        if self.engine == "sqlite":
            env["LIANGPING_SQLITE_PATH"] = str(self.path)
        else:
            env["DATABASE_URL"] = self.url
        env.update(extra)
        return env

    def ready(self) -> bool:
        if self.engine == "sqlite":
            return self.path.exists() and Path(str(self.path) + ".ok").exists()
        return load.pg_marker(self.base_url, self.dbname) == self.tag

    def build(self) -> dict[str, Any]:
        log(f"generating {self.sizes.name} ({self.sizes.projects} projects) on {self.engine}")
        t0 = time.perf_counter()
        if self.engine == "sqlite":
            for suffix in ("", "-wal", "-shm", ".ok"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            VAR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(migrated_sqlite(), self.path)
        else:
            load.pg_recreate(self.base_url, self.dbname)
            run([PYTHON, "-m", "liangping.cli", "migrate", "-v0"], self.env())
        out = run([PYTHON, "-m", "bench.generate", self.sizes.name], self.env())
        if self.engine == "sqlite":
            Path(str(self.path) + ".ok").write_text(out)
        else:
            load.pg_analyze(self.base_url, self.dbname, vacuum=True)
            load.pg_set_marker(self.base_url, self.dbname, self.tag)
        seconds = time.perf_counter() - t0
        log(f"generated {self.sizes.name} in {seconds:.0f} s")
        return {"generate_s": seconds}

    def ensure(self) -> None:
        if not self.ready():
            self.build()
        elif self.engine == "postgresql":
            # fresh statistics for every run: a set made before they were gathered, or written by a
            # phase since (the lock, the writers), is planned as a served database's would be
            load.pg_analyze(self.base_url, self.dbname)

    def scratch_copy(self, name: str) -> Target:
        """A throw-away copy for tests that write (SQLite only: a file copy)."""
        assert self.engine == "sqlite"
        copy = Target(self.sizes, "sqlite")
        copy.path = VAR / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy.path) + suffix).unlink(missing_ok=True)
        run([PYTHON, "-c", CHECKPOINT, str(self.path)], self.env())
        shutil.copyfile(self.path, copy.path)
        return copy


CHECKPOINT = "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA wal_checkpoint(TRUNCATE)')"


def migrated_sqlite() -> Path:
    """An empty SQLite database migrated to the current schema, made once per schema: every data
    set starts as a copy of it (migrating costs seconds per set)."""
    template = VAR / f"migrated-{fingerprint()}.sqlite3"
    if not template.exists():
        VAR.mkdir(parents=True, exist_ok=True)
        making = Target(CITY, "sqlite")
        making.path = VAR / f"migrating-{os.getpid()}.sqlite3"
        run([PYTHON, "-m", "liangping.cli", "migrate", "-v0"], making.env())
        run([PYTHON, "-c", CHECKPOINT, str(making.path)], making.env())
        for suffix in ("-wal", "-shm"):
            Path(str(making.path) + suffix).unlink(missing_ok=True)
        making.path.replace(template)
    return template


def run(cmd: list[str], env: dict[str, str], timeout: float = 3600) -> str:
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return proc.stdout


def phase(target: Target, *args: str, timeout: float = 3600) -> dict[str, Any]:
    out = run([PYTHON, "-m", "bench.phases", *args], target.env(), timeout)
    return json.loads(out.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load_avg = os.getloadavg()[0]
    except OSError:
        load_avg = 0.0
    return {
        "hostname": platform.node(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mib": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": __import__("sqlite3").sqlite_version,
        "load_1min_at_start": round(load_avg, 2),
    }


# Every figure a phase must report: the smoke run fails when one is missing.
EXPECTED = {
    "import": ["import_10k_s", "import_dry_run_10k_s", "import_vs_calamine"],
    "export": ["export_100k_s", "export_rows"],
    "lock": ["lock_period_s", "lock_period_small_s"],
    "pages": [f"{p}_p95_large_vs_small" for p in ("list", "board", "dashboard", "screen")],
    "rps": ["screen_warm_rps", "screen_poll_rps"],
    "writers": ["sqlite_lost_updates"],
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    mode_arg = parser.add_mutually_exclusive_group()
    mode_arg.add_argument("--quick", action="store_true", help="smaller sizes and shorter loops (< 5 min)")
    mode_arg.add_argument("--smoke", action="store_true", help="every phase on tiny sets (seconds)")
    parser.add_argument("--only", default="", help="comma-separated: import,export,lock,pages,rps,writers")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    only = set(filter(None, args.only.split(",")))
    wants = lambda name: not only or name in only  # noqa: E731
    small_sizes, large_sizes = {
        "smoke": (SMOKE_CITY, SMOKE_PROVINCE),
        "quick": (CITY, QUICK_PROVINCE),
        "full": (CITY, PROVINCE),
    }[mode]
    url = os.environ.get("DATABASE_URL", "")
    engine = "postgresql" if url.startswith("postgres") else "sqlite"
    small, large = Target(small_sizes, engine, url), Target(large_sizes, engine, url)
    import_rows = {"smoke": SMOKE_IMPORT_ROWS}.get(mode, IMPORT_ROWS)
    export_rows = {"smoke": SMOKE_EXPORT_ROWS, "quick": QUICK_EXPORT_ROWS}.get(mode, EXPORT_ROWS)
    writers, writer_seconds = {"smoke": (3, 2), "quick": (20, 15)}.get(mode, (20, 60))
    rps_seconds = {"smoke": 1, "quick": 6}.get(mode, 20)
    raw: dict[str, Any] = {}
    for t in (small, large):
        t.ensure()

    if wants("import"):
        log(f"import of a {import_rows}-row project sheet ({small.sizes.name} database)")
        VAR.mkdir(parents=True, exist_ok=True)
        sheet = str(VAR / f"projects-{small.sizes.name}-{import_rows}.xlsx")
        raw["import"] = phase(small, "import", sheet, str(import_rows), "1" if mode == "smoke" else "2")
    if wants("export"):
        log(f"export of {export_rows} rows")
        raw["export"] = phase(
            large, "export", str(export_rows), str(VAR / "export.xlsx"), "0" if mode == "quick" else "1"
        )
    if wants("lock"):
        log(f"lock a period of {large.sizes.projects} projects")
        raw["lock_small"] = phase(small, "lock")
        raw["lock"] = phase(large, "lock")
    if wants("pages"):
        samples, budget = {"smoke": ("3", "1"), "quick": ("15", "8")}.get(mode, ("30", "30"))
        log(f"pages at {small.sizes.projects} projects")
        raw["pages_small"] = phase(small, "pages", samples, budget)
        log(f"pages at {large.sizes.projects} projects")
        raw["pages_large"] = phase(large, "pages", samples, budget)
    if wants("rps"):
        log("screen data endpoint under load (gunicorn)")
        raw["rps"] = load.screen_rps(large.env(), seconds=rps_seconds, warm_seconds=min(5, rps_seconds))
    if wants("writers"):
        log(f"{writers} writers for {writer_seconds} s on SQLite")
        if engine == "sqlite":
            scratch = small.scratch_copy("writers")
        else:
            on_sqlite = Target(small_sizes, "sqlite")
            on_sqlite.ensure()
            scratch = on_sqlite.scratch_copy("writers")
        raw["writers_sqlite"] = phase(scratch, "writers", str(writers), str(writer_seconds))
        pg_base = url if engine == "postgresql" else PG_DEFAULT
        if pg_reachable(pg_base):
            pg = Target(small_sizes, "postgresql", pg_base)
            pg.ensure()
            log(f"{writers} writers for {writer_seconds} s on PostgreSQL")
            raw["writers_pg"] = phase(pg, "writers", str(writers), str(writer_seconds))
        else:
            log("PostgreSQL not reachable: the PostgreSQL writers test is skipped")

    report = build_report(
        raw, small, large, mode, import_rows, export_rows, writers, writer_seconds, rps_seconds
    )
    report["run_seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if mode == "smoke":  # proves the phases run; its figures are no measurement to keep
        (RESULTS / f"smoke-{engine}.json").write_text(text)
    else:
        (RESULTS / "latest.json").write_text(text)
        (RESULTS / f"{mode}-{engine}.json").write_text(text)
    print(table(report))
    print(f"\nwritten: {RESULTS} ({report['run_seconds']} s)")
    figures = report["figures"]
    missing = [f for name, figs in EXPECTED.items() if wants(name) for f in figs if f not in figures]
    if missing:
        raise SystemExit(f"figures missing from the run: {', '.join(missing)}")
    # what must hold at any size: no errors, no lost updates, query counts independent of the size
    broken = [n for n, f in report["figures"].items() if f.get("target") in ("0", "= small") and not f["met"]]
    if broken:
        raise SystemExit(f"figures that must hold at any size do not: {', '.join(broken)}")


def build_report(raw: dict[str, Any], small: Target, large: Target, mode: str, import_rows: int,
                 export_rows: int, writers: int, writer_seconds: int,
                 rps_seconds: int) -> dict[str, Any]:  # fmt: skip
    figures: dict[str, dict[str, Any]] = {}

    def put(name: str, value: Any, unit: str, target: str = "", ok: bool | None = None) -> None:
        if value is None:
            return
        entry: dict[str, Any] = {
            "value": round(value, 3) if isinstance(value, float) else value,
            "unit": unit,
        }
        if target:
            entry["target"] = target
        if ok is not None:
            entry["met"] = ok
        figures[name] = entry

    if imp := raw.get("import"):
        put("calamine_read_10k_s", imp["calamine_read_10k_s"], "s")
        put("import_10k_s", imp["import_10k_s"], "s")
        put("import_dry_run_10k_s", imp["import_dry_run_10k_s"], "s")
        ratio = imp["import_vs_calamine"]
        put("import_vs_calamine", ratio, "ratio", "≤ 3", ratio <= 3)
    if exp := raw.get("export"):
        put("export_100k_s", exp["export_100k_s"], "s")
        put("export_100k_peak_mib", exp["export_100k_peak_mib"], "MiB")
        put("export_rows", exp["export_rows"], "rows")
        put("export_ledger_s", exp.get("export_ledger_s"), "s")
        put("export_ledger_rows", exp.get("export_ledger_rows"), "rows")
    if lock := raw.get("lock"):
        put("lock_period_s", lock["lock_period_s"], "s", "≤ 10", lock["lock_period_s"] <= 10)
        put("lock_projects", lock["lock_projects"], "projects")
    if lock_small := raw.get("lock_small"):
        put("lock_period_small_s", lock_small["lock_period_s"], "s")
    ps, pl = raw.get("pages_small"), raw.get("pages_large")
    if ps and pl:
        for page in ("list", "board", "dashboard", "screen"):
            put(f"{page}_queries_small", ps[f"{page}_queries"], "queries")
            put(f"{page}_queries_large", pl[f"{page}_queries"], "queries", "= small",
                pl[f"{page}_queries"] == ps[f"{page}_queries"])  # fmt: skip
            for size, data in (("small", ps), ("large", pl)):
                put(f"{page}_p50_{size}_ms", data[f"{page}_p50_ms"], "ms")
                put(f"{page}_p95_{size}_ms", data[f"{page}_p95_ms"], "ms")
            ratio = pl[f"{page}_p95_ms"] / ps[f"{page}_p95_ms"]
            put(f"{page}_p95_large_vs_small", ratio, "ratio", "≤ 2", ratio <= 2)
    if rps := raw.get("rps"):
        put("screen_warm_rps", rps["rps"], "req/s", "≥ 1000", rps["rps"] >= 1000)
        put("screen_warm_p95_ms", rps["p95_ms"], "ms")
        put("screen_warm_errors", rps["errors"], "responses")
        put("screen_body_kib", rps["body_bytes"] / 1024, "KiB")
        poll = rps["poll"]
        put("screen_poll_rps", poll["rps"], "req/s (304)", "≥ 1000", poll["rps"] >= 1000)
        put("screen_poll_p95_ms", poll["p95_ms"], "ms")
        put("screen_poll_errors", poll["errors"], "responses")
    for engine, key in (("sqlite", "writers_sqlite"), ("pg", "writers_pg")):
        if w := raw.get(key):
            put(f"{engine}_writes_per_s", w["ops_per_s"], "ops/s")
            put(f"{engine}_conflicts", w["conflicts"], "refused (stale version)")
            put(f"{engine}_locked_errors", w["locked_errors"], "errors", "0", w["locked_errors"] == 0)
            put(f"{engine}_other_errors", w["other_errors"], "errors", "0", w["other_errors"] == 0)
            put(f"{engine}_lost_updates", w["lost_updates"], "updates", "0", w["lost_updates"] == 0)
    return {
        "machine": {
            **machine(),
            **({"postgresql": load.pg_version(small.base_url)} if small.engine == "postgresql" else {}),
        },
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": mode,
        "database": small.engine,
        "sizes": {
            "small": small.sizes.as_json(),
            "large": large.sizes.as_json(),
            "import_rows": import_rows,
            "export_rows": export_rows,
            "writers": writers,
            "writer_seconds": writer_seconds,
            "rps_seconds": rps_seconds,
        },
        "figures": figures,
        "raw": raw,
    }


def table(report: dict[str, Any]) -> str:
    lines = [f"{'figure':34} {'value':>12}  {'unit':24} {'target':8} met"]
    lines.append("-" * len(lines[0]))
    for name, f in report["figures"].items():
        value = f["value"]
        shown = f"{value:,.3f}" if isinstance(value, float) else f"{value:,}"
        met = {True: "yes", False: "NO", None: ""}[f.get("met")]
        lines.append(f"{name:34} {shown:>12}  {f['unit']:24} {f.get('target', ''):8} {met}")
    s = report["sizes"]
    lines.append(
        f"\n{report['mode']} run on {report['database']}: large = {s['large']['projects']:,} projects, "
        f"small = {s['small']['projects']:,}; export {s['export_rows']:,} rows; "
        f"writers {s['writers']} x {s['writer_seconds']} s"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
