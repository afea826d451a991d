"""参数设置 and 节假日调整: audited changes, and the deadline tool across holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from liangping.core.config import get_setting
from liangping.core.models import AuditLog, CalendarDay, CalendarYear


@pytest.mark.django_db
def test_setting_change_needs_a_reason_and_is_audited(client, cast):
    client.force_login(cast.sysadmin)
    page = client.get("/settings/").content.decode()
    assert "项目专员每周走访目标（次）" in page and "尚未修改过" in page
    response = client.post("/settings/", {"key": "visit_target_per_week", "visit_target_per_week-value": "7"})
    assert response.status_code == 200 and "修改参数必须填写原因" in response.content.decode()
    assert get_setting("visit_target_per_week") == 3
    response = client.post(
        "/settings/",
        {
            "key": "visit_target_per_week",
            "visit_target_per_week-value": "7",
            "visit_target_per_week-reason": "市政府办公室通知",
        },
    )
    assert response.status_code == 302
    assert get_setting("visit_target_per_week") == 7
    entry = AuditLog.objects.get(action="setting.update")
    assert entry.changes == {"visit_target_per_week": [3, 7]} and entry.reason == "市政府办公室通知"
    assert entry.actor == cast.sysadmin
    page = client.get("/settings/").content.decode()
    assert "最近修改：系统管理员" in page and "项目专员每周走访目标（次）：3 → 7" in page
    assert "市政府办公室通知" in page


@pytest.mark.django_db
def test_setting_value_is_checked(client, cast):
    client.force_login(cast.sysadmin)
    response = client.post(
        "/settings/",
        {
            "key": "report_due_day",
            "report_due_day-value": "abc",
            "report_due_day-reason": "试试",
        },
    )
    assert response.status_code == 200 and get_setting("report_due_day") == 5
    assert not AuditLog.objects.exists()


def deadline(client, start: str, days: int = 5) -> str:
    return client.get("/calendar/", {"start": start, "days": days}).content.decode()


@pytest.mark.django_db
def test_deadline_tool_skips_national_day(client, cast):
    client.force_login(cast.sysadmin)
    # Tue 30 Sep 2025 + 5: 9, 10, 11 (Saturday, adjusted working day), 13, 14 October.
    page = deadline(client, "2025-09-30")
    assert "期限为 <b>2025年10月14日</b>" in page
    assert "跳过节假日：10月1日、10月2日、10月3日、10月6日、10月7日、10月8日" in page
    assert "调休上班：10月11日" in page
    assert "没有节假日数据" not in page
    # Fri 26 Sep + 5: Sun 28 Sep is a working day, so 28, 29, 30 Sep, 9, 10 Oct.
    page = deadline(client, "2025-09-26")
    assert "期限为 <b>2025年10月10日</b>" in page and "调休上班：9月28日" in page


@pytest.mark.django_db
def test_deadline_tool_warns_for_a_year_without_data(client, cast):
    client.force_login(cast.sysadmin)
    page = deadline(client, "2027-02-01")
    assert "期限为 <b>2027年2月8日</b>" in page
    assert "2027年没有节假日数据" in page
    CalendarYear.objects.create(year=2027)
    assert "没有节假日数据" not in deadline(client, "2027-02-01")


@pytest.mark.django_db
def test_holiday_overrides_are_audited_and_used(client, cast):
    client.force_login(cast.sysadmin)
    response = client.post("/calendar/", {"year-year": "2027", "year-note": "国务院办公厅通知"})
    assert response.status_code == 302
    response = client.post(
        "/calendar/", {"day-date": "2027-02-05", "day-is_workday": "0", "day-note": "春节"}
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=dt.date(2027, 2, 5))
    assert not day.is_workday
    page = deadline(client, "2027-02-01")
    assert "期限为 <b>2027年2月9日</b>" in page and "没有节假日数据" not in page
    # Changing the same date updates it; deleting removes it.
    client.post("/calendar/", {"day-date": "2027-02-05", "day-is_workday": "1", "day-note": "改为上班"})
    day.refresh_from_db()
    assert day.is_workday and CalendarDay.objects.count() == 1
    assert client.post(f"/calendar/days/{day.pk}/delete/").status_code == 302
    assert not CalendarDay.objects.exists()
    response = client.post("/calendar/", {"year-year": "2027"})
    assert "2027年已登记" in response.content.decode()
    year = CalendarYear.objects.get(year=2027)
    assert client.post(f"/calendar/years/{year.pk}/delete/").status_code == 302
    actions = list(AuditLog.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "calendar.year_create",
        "calendar.day_create",
        "calendar.day_update",
        "calendar.day_delete",
        "calendar.year_delete",
    ]
    assert AuditLog.objects.get(action="calendar.day_update").changes == {
        "is_workday": [False, True],
        "note": ["春节", "改为上班"],
    }


@pytest.mark.django_db
def test_calendar_deletes_are_posts_for_sysadmin_only(client, cast):
    day = CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    client.force_login(cast.sysadmin)
    assert client.get(f"/calendar/days/{day.pk}/delete/").status_code == 405
    client.force_login(cast.secadmin)
    assert client.post(f"/calendar/days/{day.pk}/delete/").status_code == 404
    assert CalendarDay.objects.filter(pk=day.pk).exists()
