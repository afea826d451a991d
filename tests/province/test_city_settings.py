"""Settings and holiday overrides per city: a city's own value overrides the installation's (the
province's); each change is audited; a city's administrator never sees or removes another city's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from liangping.core import holidays, reporting
from liangping.core.config import SettingRefused, all_settings, clear_setting, get_setting, set_setting
from liangping.core.models import AuditLog, CalendarDay, Role, Setting
from liangping.core.workdays import WorkCalendar
from liangping.projects.queries_visits import visit_stats
from tests.cast import make_user
from tests.province.cities import build_second_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins(cast):
    jn = build_second_city(cast)
    return (
        jn,
        make_user("jn_sysadmin", Role.SYSADMIN, jn.city, "济南系统管理员"),
        make_user("prov_sysadmin", Role.SYSADMIN, jn.province, "省系统管理员"),
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_citys_setting_overrides_the_installations(cast, admins):
    jn, jn_admin, province_admin = admins
    key = "visit_target_per_week"
    assert get_setting(key, jn.city.pk) == get_setting(key, cast.city.pk) == 3  # shipped default
    set_setting(province_admin, key, 4, "全省统一为4次")
    assert get_setting(key, jn.city.pk) == get_setting(key, cast.city.pk) == get_setting(key, None) == 4
    set_setting(jn_admin, key, 6, "济南增至6次")
    assert (get_setting(key, jn.city.pk), get_setting(key, cast.city.pk), get_setting(key)) == (6, 4, 4)
    row = {r["key"]: r for r in all_settings(jn.city.pk)}[key]
    assert (row["value"], row["source"], row["inherited"]) == (6, "本市设置", 4)
    assert {r["key"]: r for r in all_settings(cast.city.pk)}[key]["source"] == "全省统一设置"
    # the city's own target is the one its people's visits are counted against
    assert visit_stats(jn.supervisor)["target"] == 6 and visit_stats(cast.supervisor)["target"] == 4
    # each change is audited at its level; 枣庄's page shows the province's change, never 济南's
    ids = set(AuditLog.objects.filter(action="setting.update").values_list("object_id", flat=True))
    assert ids == {key, f"{key}@{jn.city.pk}"}
    page = _client(cast.sysadmin).get(reverse("core:settings")).content.decode()
    assert "全省统一为4次" in page and "济南增至6次" not in page
    assert "济南增至6次" in _client(jn_admin).get(reverse("core:settings")).content.decode()
    # 枣庄 sets its own; 济南 goes back to the province's
    set_setting(cast.sysadmin, key, 2, "枣庄减少")
    assert (get_setting(key, cast.city.pk), get_setting(key, jn.city.pk)) == (2, 6)
    response = _client(jn_admin).post(reverse("core:settings"), {"key": key, "action": "inherit"})
    assert response.status_code == 302
    assert (get_setting(key, jn.city.pk), get_setting(key, cast.city.pk)) == (4, 2)
    assert AuditLog.objects.filter(action="setting.update", object_id=f"{key}@{jn.city.pk}").count() == 2
    assert not clear_setting(province_admin, key)  # the province's value is not an override


def test_the_report_due_day_is_the_provinces_alone(cast, admins):
    """Every late flag reads one due day: among several cities no city sets its own (nothing would
    read it); the province's administrator sets it for all."""
    jn, jn_admin, province_admin = admins
    with pytest.raises(SettingRefused, match="全省统一设置"):
        set_setting(jn_admin, "report_due_day", 10, "济南延至10日")
    page = _client(jn_admin).post(
        reverse("core:settings"),
        {"key": "report_due_day", "report_due_day-value": "10", "report_due_day-reason": "延后"},
    )
    assert page.status_code == 200 and "本市不能单独修改" in page.content.decode()
    assert not Setting.objects.filter(key="report_due_day").exists()
    assert not AuditLog.objects.filter(action="setting.update").exists()
    set_setting(province_admin, "report_due_day", 8, "全省统一为8日")
    assert get_setting("report_due_day", jn.city.pk) == get_setting("report_due_day") == 8
    assert reporting.due_date(dt.date(2026, 9, 1)) == dt.date(2026, 10, 8)


def test_a_citys_holidays_override_the_installations(cast, admins):
    jn, jn_admin, province_admin = admins
    monday = dt.date(2030, 1, 7)
    assert WorkCalendar.load(cast.city.pk).is_workday(monday)
    holidays.set_day(province_admin, monday, False, "全省休息")
    holidays.set_day(jn_admin, monday, True, "济南调休上班")
    assert not WorkCalendar.load(cast.city.pk).is_workday(monday)
    assert WorkCalendar.load(jn.city.pk).is_workday(monday)
    assert not WorkCalendar.load(None).is_workday(monday)
    holidays.add_year(jn_admin, 2030, "济南已录入")
    assert WorkCalendar.load(jn.city.pk).has_data(2030) and not WorkCalendar.load(cast.city.pk).has_data(2030)
    assert holidays.compute_deadline(dt.date(2030, 1, 4), 1, jn.city.pk).deadline == monday
    assert holidays.compute_deadline(dt.date(2030, 1, 4), 1, cast.city.pk).deadline == dt.date(2030, 1, 8)
    # 枣庄's administrator sees the province's day, not 济南's, and removes neither
    zz = _client(cast.sysadmin)
    page = zz.get(reverse("core:calendar") + "?year=2030").content.decode()
    assert "全省休息" in page and "济南调休上班" not in page and "济南已录入" not in page
    theirs = CalendarDay.objects.get(tenant=jn.city)
    provinces = CalendarDay.objects.get(tenant__isnull=True)
    for day in (theirs, provinces):
        assert zz.post(reverse("core:calendar_day_delete", args=[day.pk])).status_code == 404
    assert CalendarDay.objects.count() == 2
    assert _client(jn_admin).post(reverse("core:calendar_day_delete", args=[theirs.pk])).status_code == 302
    assert WorkCalendar.load(jn.city.pk).is_workday(monday) is False  # back to the province's
    actions = list(
        AuditLog.objects.filter(object_type__startswith="core.calendar").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        ["calendar.day_create", "calendar.day_create", "calendar.year_create", "calendar.day_delete"]
    )


def test_a_citys_row_of_a_provincial_setting_counts_for_nothing(cast, admins):
    """A row a city kept from before it shared the installation: read by nothing, shown as the
    province's value."""
    jn, jn_admin, _ = admins
    Setting.objects.create(key="report_due_day", value=12, tenant=jn.city)
    assert get_setting("report_due_day", jn.city.pk) == 5
    row = {r["key"]: r for r in all_settings(jn.city.pk)}["report_due_day"]
    assert (row["value"], row["source"]) == (5, "系统默认")
    page = _client(jn_admin).get(reverse("core:settings")).content.decode()
    assert "本市不能单独修改" in page
