"""消息提醒 pages: one's own notifications only, opening and marking read, the top-bar counter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangping.notices.jobs import escalate_overdue_cases
from liangping.notices.models import NoticeKind, Notification
from liangping.notices.services import Draft, notify

from .conftest import overdue_case

pytestmark = pytest.mark.django_db


def give(user, n: int = 1, url: str = "/cases/") -> list[Notification]:
    start = Notification.objects.count()
    return notify(
        Draft(user, NoticeKind.REPORT_DUE, f"test:{start + i}", f"提醒{start + i}", "请及时报送", url)
        for i in range(n)
    )


def test_the_list_shows_only_ones_own(client, cast):
    give(cast.owner)
    notify([Draft(cast.specialist, NoticeKind.REPORT_DUE, "other", "专员的提醒", "别人的内容")])
    client.force_login(cast.owner)
    page = client.get("/notices/").content.decode()
    assert "提醒0" in page and "专员的提醒" not in page
    assert "1 条未读" in page


def test_another_users_notification_does_not_exist(client, cast):
    [theirs] = notify([Draft(cast.specialist, NoticeKind.REPORT_DUE, "k", "专员的提醒", url="/cases/")])
    client.force_login(cast.owner)
    assert client.get(f"/notices/{theirs.pk}/").status_code == 404
    assert client.post(f"/notices/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_marks_read_and_follows_the_link(client, cast):
    [note] = give(cast.owner, url=f"/projects/{cast.inside.pk}/")
    client.force_login(cast.owner)
    response = client.get(f"/notices/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/projects/{cast.inside.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_off_the_site_is_not_followed(client, cast):
    [note] = give(cast.owner, url="https://elsewhere.example/")
    client.force_login(cast.owner)
    assert client.get(f"/notices/{note.pk}/")["Location"] == "/notices/"


def test_mark_one_and_mark_all_read(client, cast):
    notes = give(cast.owner, 3)
    [theirs] = notify([Draft(cast.specialist, NoticeKind.REPORT_DUE, "k", "专员的提醒")])
    client.force_login(cast.owner)
    response = client.post(f"/notices/{notes[0].pk}/read/", {"next": "/notices/?unread=1"})
    assert response["Location"] == "/notices/?unread=1"
    assert Notification.objects.filter(recipient=cast.owner, read_at__isnull=True).count() == 2
    page = client.get("/notices/?unread=1").content.decode()
    assert "提醒0" not in page and "提醒1" in page
    response = client.post("/notices/read-all/", follow=True)
    assert "已将 2 条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=cast.owner, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None  # someone else's stays unread
    assert client.get("/notices/read-all/").status_code == 405


def test_the_top_bar_counts_unread(client, cast):
    give(cast.owner, 2)
    client.force_login(cast.owner)
    page = client.get("/").content.decode()
    assert 'href="/notices/" class="notices-link"' in page and 'hx-get="/notices/unread/"' in page
    badge = client.get("/notices/unread/")
    assert badge.content.decode().strip() == '消息 <b class="badge red" aria-label="2 条未读">2</b>'
    assert "no-store" in badge["Cache-Control"]
    Notification.objects.update(read_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert client.get("/notices/unread/").content.decode().strip() == "消息"


def test_pages_pay_nothing_for_the_counter(client, cast):
    give(cast.supervisor, 3)
    client.force_login(cast.supervisor)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    assert not [q for q in ctx.captured_queries if "notices_notification" in q["sql"]]


def test_the_counter_costs_one_query_whatever_the_count(client, cast):
    client.force_login(cast.owner)
    client.get("/notices/unread/")  # warm the session
    give(cast.owner, 1)
    with CaptureQueriesContext(connection) as few:
        client.get("/notices/unread/")
    give(cast.owner, 40)
    with CaptureQueriesContext(connection) as many:
        assert "41" in client.get("/notices/unread/").content.decode()
    assert len(many) == len(few) <= 3  # session, user, the count
    notices = [q for q in many.captured_queries if "notices_notification" in q["sql"]]
    assert len(notices) == 1


def test_the_list_page_queries_do_not_grow(client, cast):
    client.force_login(cast.owner)
    client.get("/notices/")
    give(cast.owner, 2)
    with CaptureQueriesContext(connection) as few:
        client.get("/notices/")
    give(cast.owner, 25)
    with CaptureQueriesContext(connection) as many:
        client.get("/notices/")
    assert len(many) == len(few)


def test_signed_out_or_administrators_get_no_badge(client, cast):
    assert client.get("/notices/unread/").status_code == 204  # htmx then leaves the link alone
    client.force_login(cast.auditor)
    assert client.get("/notices/unread/").status_code == 404  # no notifications, like every ledger page


def test_administrators_have_no_notifications_page(client, cast):
    client.force_login(cast.sysadmin)
    assert client.get("/notices/").status_code == 404
    assert 'href="/notices/"' not in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/notices/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_escalation_shows_in_the_case_timeline(client, cast):
    case = overdue_case(cast)
    escalate_overdue_cases(dt.date(2026, 10, 10))
    client.force_login(cast.department)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "<b>超期升级</b>" in page and "系统" in page
    notices = client.get("/notices/").content.decode()
    assert "问题超期未答复：施工用电接入滞后" in notices
