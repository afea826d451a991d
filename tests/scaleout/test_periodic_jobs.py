"""Two workers, one schedule: each periodic job runs once per schedule minute, whichever worker
picks it up, on Redis and on the fallback without Redis (SQLite queue and database cache table)."""

from __future__ import annotations

import datetime as dt
import json
import time
from zoneinfo import ZoneInfo

import pytest

from liangping.notices import tasks
from liangping.notices.periodic import claim_run, schedule_slot
from liangping.notices.queue import at_local_time
from tests.scaleout.conftest import finish, process_env, python

pytestmark = pytest.mark.scaleout

SHANGHAI = ZoneInfo("Asia/Shanghai")
JOBS = ["notices.escalate_overdue_cases", "notices.send_report_reminders", "notices.send_supervisor_digest"]
# the reminders before a deadline run every ten minutes: each scheduler finds them due at 08:00, 08:10
# and 08:30; executed now, the three fall in one ten-minute slot (two if the run straddles a slot's
# end), so one runs across both workers, not six
OFTEN = "notices.remind_due_cases"

# One worker process: its scheduler enqueues the daily jobs and the ten-minute one as at their minutes (huey's
# read_periodic + enqueue, what the consumer's scheduler does each minute), then it executes what
# it dequeues from the shared queue until the queue is empty. The job bodies are replaced by one
# that writes its name to a shared file and takes a moment, so the two workers overlap.
WORKER = """
import datetime as dt, json, os, sys, time
from zoneinfo import ZoneInfo
import django
django.setup()
from django.core.management import call_command
from huey.contrib.djhuey import HUEY
from liangping.notices import tasks

log_path, start_at = sys.argv[1], float(sys.argv[2])

def fake(name):
    def job(*_):
        with open(log_path, "a") as f:
            f.write(name + "\\n")
        time.sleep(0.3)
        return []
    return job

tasks.escalate_overdue_cases = fake("notices.escalate_overdue_cases")
tasks.send_report_reminders = fake("notices.send_report_reminders")
tasks.send_supervisor_digest = fake("notices.send_supervisor_digest")
tasks.remind_due_cases = fake("notices.remind_due_cases")
local = ZoneInfo("Asia/Shanghai")
due = []
for hour, minute in ((8, 0), (8, 10), (8, 30)):
    at = dt.datetime(2026, 9, 24, hour, minute, tzinfo=local).astimezone(dt.UTC).replace(tzinfo=None)
    due += HUEY.read_periodic(at)
while time.time() < start_at:
    time.sleep(0.01)
for task in due:
    HUEY.enqueue(task)
ran = []
while (task := HUEY.dequeue()) is not None:
    ran.append([task.name, HUEY.execute(task)])
print(json.dumps(ran))
"""

SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("createcachetable", verbosity=0)
"""


def test_the_slot_is_the_schedules_last_minute():
    at_0800 = at_local_time(8, 0, "Asia/Shanghai")
    eight = dt.datetime(2026, 9, 24, 0, 0)  # 08:00 in Shanghai, naive UTC as huey passes it
    assert schedule_slot(at_0800, eight) == eight
    # picked up late (queued behind other jobs, or by the second worker a minute later): same run
    assert schedule_slot(at_0800, eight + dt.timedelta(minutes=7, seconds=30)) == eight
    assert schedule_slot(at_0800, eight + dt.timedelta(hours=23, minutes=59)) == eight
    assert schedule_slot(at_0800, eight + dt.timedelta(days=1)) == eight + dt.timedelta(days=1)


@pytest.mark.django_db
def test_a_run_is_claimed_once():
    slot = dt.datetime(2026, 9, 24, 0, 0)
    assert claim_run("notices.test_job", slot) is True
    assert claim_run("notices.test_job", slot) is False
    assert claim_run("notices.test_job", slot + dt.timedelta(days=1)) is True
    assert claim_run("notices.other_job", slot) is True


@pytest.mark.django_db
def test_the_second_call_of_a_periodic_task_skips_its_run(monkeypatch):
    calls: list[dt.date] = []
    monkeypatch.setattr(tasks, "escalate_overdue_cases", lambda today: calls.append(today) or [])
    import time_machine

    with time_machine.travel(dt.datetime(2026, 9, 24, 0, 0, 20, tzinfo=dt.UTC), tick=False):
        tasks.escalate_overdue_cases_daily()
    with time_machine.travel(dt.datetime(2026, 9, 24, 0, 1, 5, tzinfo=dt.UTC), tick=False):
        tasks.escalate_overdue_cases_daily()  # the other worker's copy, a minute later
    with time_machine.travel(dt.datetime(2026, 9, 25, 0, 0, 10, tzinfo=dt.UTC), tick=False):
        tasks.escalate_overdue_cases_daily()  # the next day's run
    assert calls == [dt.date(2026, 9, 24), dt.date(2026, 9, 25)]


def two_workers(env: dict[str, str], log: str) -> list[list[object]]:
    start_at = str(time.time() + 4)  # both processes are up by then and enqueue at once
    workers = [python(WORKER, log, start_at, env=env) for _ in range(2)]
    ran: list[list[object]] = []
    for w in workers:
        ran += json.loads(finish(w).strip().splitlines()[-1])
    return ran


def assert_each_job_ran_once(ran: list[list[object]], log_path: str) -> None:
    # both schedulers enqueued every due run: each daily job twice, the ten-minute one six times ...
    assert sorted(name for name, _ in ran) == sorted(JOBS * 2 + [OFTEN] * 6)
    # ... each daily job ran once and once saw the run claimed; the ten-minute one once in its slot
    did = [name for name, did in ran if did]
    assert sorted(n for n in did if n != OFTEN) == sorted(JOBS) and 1 <= did.count(OFTEN) <= 2
    with open(log_path) as f:
        logged = f.read().split()
    assert sorted(n for n in logged if n != OFTEN) == sorted(JOBS) and logged.count(OFTEN) == did.count(OFTEN)


def test_two_workers_on_redis_run_each_job_once(tmp_path, redis_url):
    env = process_env(tmp_path, REDIS_URL=redis_url)
    log = str(tmp_path / "jobs.log")
    ran = two_workers(env, log)
    assert_each_job_ran_once(ran, log)


def test_two_workers_without_redis_run_each_job_once(tmp_path):
    env = process_env(tmp_path)  # SQLite queue under the shared data directory, database cache table
    finish(python(SETUP, env=env))
    log = str(tmp_path / "jobs.log")
    ran = two_workers(env, log)
    assert_each_job_ran_once(ran, log)
