"""The 叫应 loop with a clock: a red warning to 30 points, 25 answer, the other 5 are re-sent at 10 minutes,
escalated at 20, then to the district leader at 30, and their chains end at 40; the duty console says so
at each step."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from liangping.core.models import AuditLog
from liangping.emergency import links, loop, queries, services
from liangping.emergency.models import (
    AckVia,
    CallLog,
    Contact,
    Delivery,
    DeliveryStatus,
    LogEvent,
    PointCall,
)
from tests.emergency.world import thirty_points

T0 = dt.datetime(2026, 7, 24, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def red(cast, **kw):  # type: ignore[no-untyped-def]
    draft = services.WarningDraft(
        level="red",
        hazard="rainstorm",
        text="预计未来3小时降雨量将达100毫米以上，请立即转移低洼地带群众。",
        valid_until=minutes(600),
        towns=["龙阳镇", "姜屯镇", "鲍沟镇"],
        **kw,
    )
    return services.issue_warning(cast.district, draft, now=T0)


def console_text(client: Client) -> str:
    response = client.get(reverse("emergency:duty"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_red_warning_to_30_points_escalates_the_5_that_do_not_answer(cast):
    points = thirty_points(cast)
    client = Client()
    client.force_login(cast.district)
    with time_machine.travel(T0, tick=False) as clock:
        warning = red(cast)
        calls = list(PointCall.objects.filter(warning=warning).select_related("point"))
        assert len(calls) == 30 and warning.ack_minutes == 10
        # every first responsible person has a contact, a link, and queued deliveries (none has an account
        # or e-mail in this world and no gateway is configured: the log says to phone them)
        assert Contact.objects.filter(call__warning=warning).count() == 30
        assert CallLog.objects.filter(warning=warning, event=LogEvent.NOTIFIED).count() == 30

        # 25 answer within 3 minutes through their links
        clock.move_to(minutes(3))
        quiet = {p.code for p in points[-5:]}
        for contact in Contact.objects.filter(call__warning=warning).select_related(
            "call__point", "person", "call__warning"
        ):
            if contact.call.point.code not in quiet:
                services.acknowledge(contact, AckVia.LINK, "已转移群众", now=minutes(3))
        page = console_text(client)
        assert "未确认点位" in page and ">5<" in page.replace("</b>", "<").replace(
            'id="unanswered-count">', ">"
        )
        data = queries.console(cast.district, minutes(3))
        assert [c.point.code for c in data.unanswered] == sorted(
            quiet
        )  # same stage: oldest deadline, then id
        assert all(c.stage == 0 for c in data.unanswered)

        # 9 minutes: nothing yet
        assert loop.advance(minutes(9)) == 0

        # 10 minutes: re-sent to the first responsible person
        clock.move_to(minutes(10))
        assert loop.advance(minutes(10)) == 5
        assert CallLog.objects.filter(warning=warning, event=LogEvent.RESENT).count() == 5
        assert {c.stage for c in PointCall.objects.filter(warning=warning).open()} == {1}
        assert "已再次通知" in console_text(client)
        assert loop.advance(minutes(10)) == 0  # a second run takes no step twice

        # 20 minutes: escalated to the backup and the town leader
        clock.move_to(minutes(20))
        assert loop.advance(minutes(20)) == 5
        escalated = CallLog.objects.filter(warning=warning, event=LogEvent.ESCALATED)
        assert escalated.count() == 10  # backup + town leader for each of the 5
        roles = set(Contact.objects.filter(call__warning=warning, stage=2).values_list("role", flat=True))
        assert roles == {"backup", "town"}
        page = console_text(client)
        assert "已升级（第1级）" in page and "备用责任人" in page and "镇街包保领导" in page
        assert all(c.escalated_at == minutes(20) for c in PointCall.objects.filter(warning=warning).open())

        # 30 minutes: the district leader; 40 minutes: the chain has ended, the duty officer is alerted
        clock.move_to(minutes(30))
        assert loop.advance(minutes(30)) == 5
        assert "已升级（第2级）" in console_text(client)
        clock.move_to(minutes(40))
        assert loop.advance(minutes(40)) == 5
        page = console_text(client)
        assert "责任链上所有人均未确认" in page and 'id="ended-count">5</b>' in page
        assert PointCall.objects.filter(warning=warning, chain_ended_at=minutes(40)).count() == 5
        assert loop.advance(minutes(50)) == 0  # nothing after the end of the chain

    # proof: every step audited, the log append-only
    assert AuditLog.objects.filter(action="emergency.escalate").count() == 15
    assert AuditLog.objects.filter(action="emergency.chain_end").count() == 5
    assert AuditLog.objects.filter(action="emergency.acknowledge").count() == 25
    # the loop's entries (no actor) and the acknowledgements by link are the points' city's
    system = AuditLog.objects.filter(action__startswith="emergency.", actor=None)
    assert set(system.values_list("tenant_id", flat=True)) == {cast.city.pk}
    with pytest.raises(PermissionError):
        CallLog.objects.filter(warning=warning).delete()
    figures = queries.figures(PointCall.objects.filter(warning=warning))
    assert figures.total.called == 30 and figures.total.in_time == 25
    assert figures.total.rate == pytest.approx(100 * 25 / 30)
    assert figures.total.median == 3.0 and figures.total.p95 == 3.0
    assert figures.total.escalated == 5 and figures.total.never == 5


@pytest.mark.django_db
def test_an_answer_stops_the_loop_and_cancels_what_is_queued(cast):
    thirty_points(cast)
    warning = red(cast)
    call = PointCall.objects.filter(warning=warning).first()
    assert call is not None
    contact = call.contacts.get()
    assert Delivery.objects.filter(contact=contact, status=DeliveryStatus.QUEUED).count() == 0  # no channel
    services.acknowledge(contact, AckVia.APP, actor=None, now=minutes(1))
    call.refresh_from_db()
    assert call.acknowledged_at == minutes(1) and call.next_at is None
    loop.advance(minutes(30))
    call.refresh_from_db()
    assert call.stage == 0


@pytest.mark.django_db
def test_link_is_single_use_and_expires_with_the_warning(cast):
    thirty_points(cast)
    warning = red(cast)
    contact = Contact.objects.filter(call__warning=warning).select_related("call__warning", "person").first()
    assert contact is not None
    token = links.token_for(contact.nonce)
    assert len(token) == 32 and links.token_hash(token) == contact.token_hash
    assert token not in contact.nonce and contact.token_hash != token
    found = services.contact_by_token(token)
    assert found is not None and found.pk == contact.pk
    services.acknowledge(found, AckVia.LINK, now=minutes(2))
    again = services.contact_by_token(token)
    assert again is not None
    with pytest.raises(services.WarningError, match="只能使用一次"):
        services.acknowledge(again, AckVia.LINK, now=minutes(3))
    other = (
        Contact.objects.filter(call__warning=warning, used_at__isnull=True)
        .select_related("call__warning")
        .first()
    )
    assert other is not None
    with pytest.raises(services.WarningError, match="过有效期"):
        services.acknowledge(other, AckVia.LINK, now=minutes(601))
