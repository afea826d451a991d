"""One intake for every channel: deadlines from the kind, receipt numbers, the rosters and 扎口."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.appeals import intake, rosters
from liangping.cases import engine
from liangping.cases.models import Case

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()
MONDAY_10 = dt.datetime(2026, 11, 9, 10, 0, tzinfo=TZ)


def web(**over):
    values = {
        "actor": None,
        "channel": "web",
        "category": "urban_sanitation",
        "description": "光明路垃圾桶三天没有清运。气味很大",
        "name": "张三",
        "phone": "138 0632 1234",
        "address": "市中区光明路12号",
        "at": MONDAY_10,
    }
    return intake.file_appeal(**{**values, **over})


def test_a_web_appeal_gets_a_receipt_and_the_kinds_deadlines(cast):
    filed = web()
    case = filed.case
    assert not filed.merged
    assert len(case.receipt_no) == 12 and set(case.receipt_no) <= set(engine.RECEIPT_ALPHABET)
    assert case.contact_phone == "13806321234" and case.channel == "web"
    assert case.title == "光明路垃圾桶三天没有清运"
    assert case.data["requester_name"] == "张三"
    # 一般: respond within 1 working day, finish within 5 (Monday 10:00 → Tuesday, next Monday)
    assert timezone.localtime(case.respond_by).date() == dt.date(2026, 11, 10)
    assert timezone.localtime(case.due_at).date() == dt.date(2026, 11, 16)


def test_the_same_phone_and_category_within_seven_days_is_offered_never_merged(cast):
    first = web().case
    later = MONDAY_10 + dt.timedelta(days=3)
    with pytest.raises(intake.DuplicateOffer) as offer:
        web(at=later, phone="13806321234")
    assert [c.pk for c in offer.value.cases] == [first.pk]
    assert Case.objects.of_kind("appeal").count() == 1  # nothing registered, nothing merged
    # the operator asked the caller: merged at once into the earlier appeal, with the engine's step
    merged = web(
        actor=cast.supervisor, channel="hotline", at=later, merge_into=first, description="又堆了两天"
    )
    assert merged.merged and merged.into == first and merged.case.status == "merged"
    assert merged.case.data["duplicate_of"] == first.receipt_no
    assert merged.case.steps.filter(action="merge", note__contains=first.receipt_no).exists()
    # the public form: the person's choice is recorded, the dispatcher merges
    asked = web(at=later, merge_into=first, description="还是没人管")
    assert asked.merge_requested and asked.case.status == "registered"
    assert asked.case.data["duplicate_of"] == first.receipt_no
    new = web(at=later, confirmed_new=True)
    assert new.case.pk != first.pk and new.case.status == "registered"
    # another category, or after seven days: no offer
    assert web(category="traffic_road").case.pk
    assert first not in intake.open_duplicates(
        "13806321234", "urban_sanitation", MONDAY_10 + dt.timedelta(days=8)
    )


def test_a_call_in_a_leaders_hotline_slot_is_marked_with_the_leader(cast):
    rosters.add_duty(
        cast.supervisor, date=dt.date(2026, 11, 9), start=dt.time(9), end=dt.time(11), leader="王副市长"
    )
    case = web(channel="leader_hotline", actor=cast.supervisor).case
    assert case.channel == "leader_hotline" and case.data["duty_leader"] == "王副市长"
    with pytest.raises(intake.IntakeError, match="没有领导值班") as err:
        web(
            channel="leader_hotline",
            actor=cast.supervisor,
            at=MONDAY_10 + dt.timedelta(hours=3),
            confirmed_new=True,
        )
    assert err.value.field == "channel"


def test_bad_phone_numbers_are_refused_naming_the_field(cast):
    for bad in ("", "12345", "138063212345", "电话"):
        with pytest.raises(intake.IntakeError) as err:
            web(phone=bad)
        assert err.value.field == "phone"
    assert intake.normalise_phone("+86 138-0632-1234") == "13806321234"
    assert intake.normalise_phone("0632-3312345") == "06323312345"
