"""Two people saving the same monthly report at the same moment.

`attempt` is one save through the report service; `python -m tests.security.race WORKER_ARGS` runs a
series of them in a process of its own, meeting the other process at a file barrier before each.
Nothing here imports Django at module level: the process sets its database up first.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

OK, CONFLICT = "ok", "conflict"


def attempt(username: str, project_code: str, month: dt.date, value: int, expected: int | None) -> str:
    """Save the report of `month` as `username` with the version they read: ok, conflict or the error."""
    from django.db import close_old_connections

    from liangping.core.models import User
    from liangping.projects import services
    from liangping.projects.models import Project

    close_old_connections()
    user = User.objects.get(username=username)
    project = Project.objects.get(code=project_code)
    try:
        services.submit_report(
            user,
            project,
            month,
            month_investment=Decimal(value),
            ytd_investment=Decimal(value * 2),
            progress=f"{username} 第{value}次填报",
            expected_version=expected,
            raise_problem=False,
        )
    except services.ConflictError:
        return CONFLICT
    except Exception as exc:  # what the test reports: anything but ok or conflict is a defect
        return f"error {type(exc).__name__}: {exc}"
    return OK


def attempt_task(username: str, task_code: str, month: dt.date, value: int, expected: int | None) -> str:
    """The same for the monthly progress report of a leader-led task."""
    from django.db import close_old_connections

    from liangping.core.models import User
    from liangping.tasks import services
    from liangping.tasks.models import Task

    close_old_connections()
    user = User.objects.get(username=username)
    task = Task.objects.get(code=task_code)
    try:
        services.submit_report(
            user,
            task,
            month,
            actual_value=Decimal(value),
            progress=f"{username} 第{value}次填报",
            expected_version=expected,
        )
    except services.TaskConflict:
        return CONFLICT
    except Exception as exc:
        return f"error {type(exc).__name__}: {exc}"
    return OK


def current_version(project_code: str, month: dt.date) -> int | None:
    from liangping.projects.models import MonthlyReport

    report = MonthlyReport.objects.filter(project__code=project_code, month=month).first()
    return report.version if report else None


def wait_for(path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(path)
        time.sleep(0.0005)


def worker(rundir: Path, me: str, username: str, project_code: str, month: dt.date, rounds: int) -> None:
    """Each round: read the version (as opening the form), say ready, wait for go, save."""
    import django

    django.setup()
    from django.db import connection

    for r in range(rounds):
        wait_for(rundir / f"start-{r}")
        expected = current_version(project_code, month)
        connection.close()  # the save opens its own connection, as a new request would
        (rundir / f"ready-{r}-{me}").touch()
        wait_for(rundir / f"go-{r}")
        result = attempt(username, project_code, month, 100 * (r + 1) + (1 if me == "a" else 2), expected)
        line: dict[str, Any] = {"round": r, "who": me, "result": result, "read": expected}
        print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    rundir, me, username, code, month, rounds = sys.argv[1:7]
    worker(Path(rundir), me, username, code, dt.date.fromisoformat(month), int(rounds))
