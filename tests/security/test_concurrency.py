"""Two concurrent saves of one monthly report: one succeeds, the other is told of the conflict, and
the stored report is the winner's whole — never a lost update, never a server error.

Round 0 races two first submissions of the month (no report yet); the next rounds race two
resubmissions made with the same version read before either saved. SQLite: two processes on a
database file. PostgreSQL (`pg`): two threads, each with its own connection.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from decimal import Decimal

import pytest
from django.db import connection

from liangping.projects.models import MonthlyReport
from liangping.tasks import services as tasks
from liangping.tasks.models import TaskReport
from tests.security import processes as proc
from tests.security.race import CONFLICT, OK, attempt, attempt_task, current_version, wait_for

MONTH = dt.date(2024, 1, 1)  # a month without reports in the demo city and the test cast
ROUNDS = 6


def check_round(r: int, results: dict[str, str], read: int | None, stored: tuple[int, Decimal, str]) -> None:
    assert sorted(results.values()) == [CONFLICT, OK], f"第{r}轮：{results}"
    winner = next(me for me, result in results.items() if result == OK)
    version, month_investment, progress = stored
    assert version == (read or 0) + 1, f"第{r}轮：版本 {version}，读到的是 {read}"
    assert month_investment == Decimal(100 * (r + 1) + (1 if winner == "a" else 2)), f"第{r}轮"
    assert f"第{100 * (r + 1) + (1 if winner == 'a' else 2)}次填报" in progress, "the winner's values, whole"


@pytest.mark.slow
def test_two_processes_saving_one_report_on_sqlite(demo_db, tmp_path):
    db = proc.copy_db(demo_db, tmp_path / "race.sqlite3")
    code = str(proc.query(db, "SELECT code FROM projects_project ORDER BY code LIMIT 1")[0][0])
    rundir = tmp_path / "race"
    rundir.mkdir()
    env = {**proc.env_for(db), "DJANGO_SETTINGS_MODULE": "liangping.settings"}
    workers = {
        me: subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.security.race",
                rundir,
                me,
                user,
                code,
                MONTH.isoformat(),
                str(ROUNDS),
            ],
            env=env,
            cwd=proc.REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me, user in (("a", "supervisor"), ("b", "supervisor2"))
    }
    try:
        for r in range(ROUNDS):
            (rundir / f"start-{r}").touch()
            for me in workers:
                wait_for(rundir / f"ready-{r}-{me}")
            (rundir / f"go-{r}").touch()
            lines = {}
            for me, worker in workers.items():
                line = worker.stdout.readline() if worker.stdout else ""
                assert line, worker.stderr.read() if worker.stderr else "no output"
                lines[me] = json.loads(line)
            reads = {line["read"] for line in lines.values()}
            assert len(reads) == 1, "both read the same version before saving"
            stored = proc.query(
                db,
                "SELECT r.version, r.month_investment, r.progress FROM projects_monthlyreport r "
                "JOIN projects_project p ON p.id = r.project_id WHERE p.code = ? AND r.month = ?",
                code,
                MONTH.isoformat(),
            )
            version, amount, progress = stored[0]
            results = {me: line["result"] for me, line in lines.items()}
            check_round(r, results, reads.pop(), (int(version), Decimal(str(amount)), str(progress)))  # type: ignore[call-overload]
    finally:
        for worker in workers.values():
            worker.kill()
            worker.wait()
    assert proc.integrity(db) == "ok"


def race_in_threads(save_one, read_version, users: tuple[str, str], stored) -> None:
    """ROUNDS races of two threads, each with its own connection, released together by a barrier."""
    for r in range(ROUNDS):
        read = read_version()
        barrier = threading.Barrier(2)
        results: dict[str, str] = {}

        def save(me: str, username: str, r: int = r, read=read, barrier=barrier, results=results) -> None:
            try:
                barrier.wait(timeout=30)
                results[me] = save_one(username, 100 * (r + 1) + (1 if me == "a" else 2), read)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=save, args=(me, user)) for me, user in zip("ab", users, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        check_round(r, results, read, stored())


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_one_report_on_postgresql(cast):
    assert connection.vendor == "postgresql"
    code = cast.inside.code

    def stored() -> tuple[int, Decimal, str]:
        report = MonthlyReport.objects.get(project=cast.inside, month=MONTH)
        return report.version, report.month_investment, report.progress

    race_in_threads(
        lambda user, value, read: attempt(user, code, MONTH, value, read),
        lambda: current_version(code, MONTH),
        (cast.owner.username, cast.supervisor.username),
        stored,
    )


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_one_task_report_on_postgresql(cast):
    task = tasks.create_task(
        cast.supervisor,
        {
            "code": "GJ-RACE",
            "title": "并发测试事项",
            "year": 2024,
            "leader": cast.leader,
            "lead_department": cast.fagai,
            "goal": "完成",
        },
    )

    def stored() -> tuple[int, Decimal, str]:
        report = TaskReport.objects.get(task=task, month=MONTH)
        return report.version, report.actual_value or Decimal(0), report.progress

    def version() -> int | None:
        report = TaskReport.objects.filter(task=task, month=MONTH).first()
        return report.version if report else None

    race_in_threads(
        lambda user, value, read: attempt_task(user, task.code, MONTH, value, read),
        version,
        (cast.department.username, cast.supervisor.username),
        stored,
    )
