"""The job queue: SQLite under var/ by default, Redis with REDIS_URL, immediate in tests; the daily
schedule in local time; `liangping worker`; `liangping notices`."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey

from liangping.notices import tasks
from liangping.notices.models import Notification
from liangping.notices.queue import at_local_time, huey_settings

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_sqlite_storage_under_the_data_directory_by_default(tmp_path):
    config = huey_settings("development", tmp_path / "var")
    assert config["huey_class"] == "huey.SqliteHuey"
    assert config["filename"] == str(tmp_path / "var" / "huey.sqlite3")
    assert config["immediate"] is False  # djhuey would otherwise follow DEBUG
    assert (tmp_path / "var").is_dir()


def test_redis_when_redis_url_is_set(tmp_path):
    config = huey_settings("production", tmp_path, "redis://127.0.0.1:6379/3")
    assert config["huey_class"] == "huey.RedisHuey"
    assert config["url"] == "redis://127.0.0.1:6379/3"
    assert "filename" not in config and config["immediate"] is False


def test_immediate_in_tests(tmp_path):
    assert huey_settings("test", tmp_path)["immediate"] is True
    assert huey_settings("test", tmp_path, "redis://localhost:6379/0")["immediate"] is True


def test_a_redis_url_that_is_not_one_is_refused_in_chinese(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="不是 Redis 地址"):
        huey_settings("production", tmp_path, "127.0.0.1:6379")


def _huey_class_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import django; django.setup(); from huey.contrib.djhuey import HUEY; "
        "print(type(HUEY).__name__, HUEY.immediate, type(HUEY.storage).__name__)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_") and k != "REDIS_URL"}
    clean.update(env, DJANGO_SETTINGS_MODULE="liangping.settings")
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60)


def test_the_settings_pick_redis_from_the_environment(tmp_path):
    # RedisStorage only builds a connection pool here: no server is contacted.
    out = _huey_class_in({"REDIS_URL": "redis://127.0.0.1:6399/0", "LIANGPING_VAR_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RedisHuey", "False", "RedisStorage"]


def test_the_settings_default_to_sqlite(tmp_path):
    out = _huey_class_in({"LIANGPING_VAR_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["SqliteHuey", "False", "SqliteStorage"]
    assert (tmp_path / "huey.sqlite3").exists()


def test_schedules_are_in_local_time():
    at_0810 = at_local_time(8, 10, "Asia/Shanghai")
    assert at_0810(dt.datetime(2026, 9, 24, 0, 10))  # huey passes naive UTC: 08:10 in Shanghai
    assert not at_0810(dt.datetime(2026, 9, 24, 8, 10))
    assert at_0810(dt.datetime(2026, 9, 24, 8, 10, tzinfo=SHANGHAI))


def test_the_periodic_tasks_are_registered_on_their_times():
    from huey.contrib.djhuey import HUEY

    def due_at(hour: int, minute: int) -> set[str]:
        """What the consumer's scheduler enqueues at this Shanghai time (it asks with naive UTC)."""
        local = dt.datetime(2026, 9, 24, hour, minute, tzinfo=SHANGHAI)
        return {t.name for t in HUEY.read_periodic(local.astimezone(dt.UTC).replace(tzinfo=None))}

    assert due_at(8, 0) >= {"notices.escalate_overdue_cases"}
    assert due_at(8, 10) >= {"notices.send_report_reminders"}
    assert due_at(8, 30) >= {"notices.send_supervisor_digest"}
    assert not due_at(8, 1) & {"notices.escalate_overdue_cases", "notices.send_report_reminders"}
    assert tasks.send_supervisor_digest_daily.name == "notices.send_supervisor_digest"


@pytest.mark.django_db
def test_the_periodic_reminder_uses_todays_local_date(people):
    # 00:10 UTC on 24 September is already 08:10 on the 24th in Zaozhuang: reminders day.
    with time_machine.travel(dt.datetime(2026, 9, 24, 0, 10, tzinfo=dt.UTC), tick=False):
        tasks.send_report_reminders_daily()
    assert Notification.objects.count() == 3
    # 23 September, the day before, sends nothing
    Notification.objects.all().delete()
    with time_machine.travel(dt.datetime(2026, 9, 23, 0, 10, tzinfo=dt.UTC), tick=False):
        tasks.send_report_reminders_daily()
        tasks.escalate_overdue_cases_daily()
    assert Notification.objects.count() == 0
    with time_machine.travel(dt.datetime(2026, 9, 24, 0, 30, tzinfo=dt.UTC), tick=False):
        tasks.send_supervisor_digest_daily()
    assert list(Notification.objects.values_list("title", flat=True)) == ["每日督查汇总（2026年9月24日）"]


def test_the_worker_command_is_hueys_consumer():
    assert get_commands()["worker"] == "liangping.notices"
    assert isinstance(load_command_class("liangping.notices", "worker"), RunHuey)


def test_liangping_worker_starts_the_consumer(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_") and k != "REDIS_URL"}
    env.update(LIANGPING_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="liangping.settings")
    liangping = os.path.join(os.path.dirname(sys.executable), "liangping")
    proc = subprocess.Popen(
        [liangping, "worker", "--workers", "1", "--logfile", str(tmp_path / "worker.log")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        log = ""
        while time.monotonic() < deadline and "notices.send_supervisor_digest" not in log:
            time.sleep(0.5)
            if (tmp_path / "worker.log").exists():
                log = (tmp_path / "worker.log").read_text()
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "Huey consumer started" in log
    assert "notices.escalate_overdue_cases" in log and "notices.send_report_reminders" in log
    assert (tmp_path / "huey.sqlite3").exists()


@pytest.mark.django_db
def test_liangping_notices_runs_the_jobs_for_a_date(people, capsys):
    call_command("notices", "--date", "2026-09-24")
    out = capsys.readouterr().out
    assert "报送提醒：新发 3 条" in out and "每日督查汇总：新发 1 条" in out
    call_command("notices", "--date", "2026-09-24")
    assert "报送提醒：新发 0 条" in capsys.readouterr().out
    call_command("notices", "--date", "2026-10-03")
    assert "不是工作日" in capsys.readouterr().out
    with pytest.raises(CommandError, match="格式不对"):
        call_command("notices", "--date", "24/09/2026")


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), 1).close()
    except OSError:
        return False
    return True


@pytest.mark.redis
@pytest.mark.skipif(not _redis_answers(), reason="no Redis server on 127.0.0.1:6379")
def test_a_task_goes_through_a_real_redis(tmp_path):
    from huey import RedisHuey

    config = huey_settings("production", tmp_path, "redis://127.0.0.1:6379/15")
    huey = RedisHuey(f"liangping-test-{uuid.uuid4().hex[:8]}", url=config["url"])
    try:

        @huey.task()
        def add(a: int, b: int) -> int:
            return a + b

        result = add(2, 3)
        assert huey.pending_count() == 1
        huey.execute(huey.dequeue())
        assert result.get() == 5
    finally:
        huey.flush()
