"""The rosters: audited changes, the leader on duty at a moment, and the .xlsx import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.appeals import rosters
from liangping.appeals.models import HotlineDuty, WindowShift
from liangping.core.models import AuditLog
from liangping.sheets.runner import run_import
from tests.sheets.builders import write_xlsx

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 9)


def test_adding_a_duty_is_audited_and_found_at_its_time(cast):
    duty = rosters.add_duty(
        cast.supervisor, date=DAY, start=dt.time(9), end=dt.time(11), leader="王副市长", title="副市长"
    )
    assert AuditLog.objects.filter(action="appeal.duty_create", object_id=str(duty.pk)).exists()
    tz = timezone.get_current_timezone()
    assert rosters.duty_at(dt.datetime(2026, 11, 9, 10, 30, tzinfo=tz)) == duty
    assert rosters.duty_at(dt.datetime(2026, 11, 9, 11, 0, tzinfo=tz)) is None  # the end is not inside
    rosters.delete_duty(cast.supervisor, duty)
    assert AuditLog.objects.filter(action="appeal.duty_delete").exists()
    assert not HotlineDuty.objects.exists()


def test_bad_slots_are_refused_naming_the_field(cast):
    with pytest.raises(rosters.RosterError) as err:
        rosters.add_duty(cast.supervisor, date=DAY, start=dt.time(11), end=dt.time(9), leader="甲")
    assert err.value.field == "end" and "晚于" in str(err.value)
    rosters.add_shift(
        cast.supervisor, date=DAY, start=dt.time(9), end=dt.time(12), window="3号窗口", person="李局长"
    )
    with pytest.raises(rosters.RosterError, match="已有人坐窗"):
        rosters.add_shift(
            cast.supervisor, date=DAY, start=dt.time(9), end=dt.time(12), window="3号窗口", person="张科长"
        )
    with pytest.raises(rosters.RosterError, match="督查人员"):
        rosters.add_duty(cast.department, date=DAY, start=dt.time(9), end=dt.time(11), leader="甲")


def test_the_roster_page_adds_for_the_supervisor_and_shows_others_read_only(client, cast):
    client.force_login(cast.supervisor)
    response = client.post(
        "/appeals/windows/",
        {"date": "2026-11-09", "start": "09:00", "end": "08:00", "window": "5号窗口", "person": "赵局长"},
    )
    assert response.status_code == 200 and "结束时间必须晚于开始时间" in response.content.decode()
    response = client.post(
        "/appeals/windows/",
        {
            "date": "2026-11-09",
            "start": "09:00",
            "end": "12:00",
            "window": "5号窗口",
            "person": "赵局长",
            "title": "局长",
        },
    )
    assert response.status_code == 302 and WindowShift.objects.filter(person="赵局长").exists()
    client.force_login(cast.district)
    page = client.get("/appeals/windows/").content.decode()
    assert "赵局长" in page and 'name="window"' not in page


def test_duty_import_reads_slots_and_is_idempotent(cast, tmp_path):
    path = write_xlsx(
        tmp_path / "duty.xlsx",
        [
            ["2026年11月领导干部接热线安排表"],
            ["值班日期", "时段", "值班领导", "职务", "所在单位"],
            ["2026-11-09", "9:00-11:30", "王副市长", "副市长", "枣庄市"],
            [dt.date(2026, 11, 10), "14:30－17:00", "刘局长", "局长", "市发展改革委"],
        ],
    )
    result = run_import("hotline_duty", path, actor=cast.supervisor)
    assert not result.errors and result.created == 2
    duty = HotlineDuty.objects.get(leader="刘局长")
    assert (duty.start, duty.end, duty.org) == (dt.time(14, 30), dt.time(17), cast.fagai)
    assert AuditLog.objects.filter(action="appeal.duty_import").count() == 2
    again = run_import("hotline_duty", path, actor=cast.supervisor)
    assert again.created == 0 and again.unchanged == 2 and HotlineDuty.objects.count() == 2


def test_shift_import_refuses_the_whole_file_with_row_and_column(cast, tmp_path):
    path = write_xlsx(
        tmp_path / "windows.xlsx",
        [
            ["日期", "开始时间", "结束时间", "窗口", "坐窗人员", "单位"],
            ["2026-11-09", "09:00", "12:00", "3号窗口", "李局长", "市发展改革委"],
            ["2026-11-09", "09:00", "12:00", "3号窗口", "张科长", ""],
            ["2026-11-31", "09:00", "12:00", "4号窗口", "王科长", ""],
            ["2026-11-10", "12:00", "09:00", "4号窗口", "王科长", "不存在局"],
        ],
    )
    result = run_import("window_shift", path, actor=cast.supervisor)
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "窗口"), (4, "日期"), (5, "结束时间"), (5, "单位")} <= found, result.errors
    assert all(
        "请" in e.message or "不存在" in e.message or "重复" in e.message or "晚于" in e.message
        for e in result.errors
    )
    assert not WindowShift.objects.exists()
