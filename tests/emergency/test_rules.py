"""Bad input and the rules around the loop: a warning goes to all its points or to none; closing with a
point unanswered needs a reason; drills go to the same people, marked, never to the public screen; the
acknowledgement pages; the points import (row and column errors, idempotent)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from liangping.core.config import set_setting
from liangping.core.models import AuditLog
from liangping.emergency import links, loop, services
from liangping.emergency.models import (
    ChainLink,
    ChainRole,
    Contact,
    DutyLogEntry,
    Point,
    PointCall,
    Warning,
    WarningStatus,
)
from liangping.sheets.runner import run_import
from tests.emergency.world import make_point
from tests.sheets.builders import write_xlsx


def draft(**kw):  # type: ignore[no-untyped-def]
    base = {
        "level": "yellow",
        "hazard": "rainstorm",
        "text": "示例黄色暴雨预警",
        "valid_until": timezone.now() + dt.timedelta(hours=3),
        "towns": ["龙阳镇"],
    }
    return services.WarningDraft(**{**base, **kw})


@pytest.fixture
def points(cast):  # type: ignore[no-untyped-def]
    return [make_point(cast.tengzhou, f"R-{i}", f"示例点{i}", "龙阳镇") for i in range(3)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"towns": []}, "没有影响区域"),
        ({"towns": ["不存在镇"]}, "没有在用的防汛责任点位"),
        ({"valid_until": timezone.now() - dt.timedelta(minutes=1)}, "有效期不能早于当前时间"),
        ({"text": "  "}, "请填写预警内容"),
        ({"level": "purple"}, "预警级别"),
    ],
)
def test_a_bad_warning_is_refused_and_nothing_is_written(cast, points, change, message):
    with pytest.raises(services.WarningError, match=message):
        services.issue_warning(cast.district, draft(**change))
    assert not Warning.objects.exists() and not Contact.objects.exists()


@pytest.mark.django_db
def test_one_point_without_a_first_responsible_stops_the_whole_warning(cast, points):
    ChainLink.objects.filter(point=points[1], role=ChainRole.FIRST).delete()
    with pytest.raises(services.WarningError, match="示例点1没有第一责任人"):
        services.issue_warning(cast.district, draft())
    assert not Warning.objects.exists() and not PointCall.objects.exists()


@pytest.mark.django_db
def test_a_district_officer_cannot_warn_points_outside_the_district(cast, points):
    other = make_point(cast.shizhong, "O-1", "区外点", "孟庄镇")
    with pytest.raises(services.WarningError, match="管辖范围"):
        services.issue_warning(cast.district, draft(towns=[], point_ids=[other.pk]))
    with pytest.raises(services.WarningError, match="只有值班员"):
        services.issue_warning(cast.leader, draft())


@pytest.mark.django_db
def test_closing_with_a_point_unanswered_needs_a_reason(cast, points):
    warning = services.issue_warning(cast.district, draft())
    with pytest.raises(services.WarningError, match="尚有 3 个点位未确认收到"):
        services.close_warning(cast.district, warning, "", warning.version)
    closed = services.close_warning(cast.district, warning, "雨势减弱，已电话逐一核实", warning.version)
    assert closed.status == WarningStatus.CLOSED and closed.close_reason.startswith("雨势减弱")
    assert AuditLog.objects.filter(action="emergency.close", reason__startswith="雨势减弱").exists()
    assert DutyLogEntry.objects.filter(warning=warning, text__contains="3 个点位未确认").exists()
    assert loop.advance(timezone.now() + dt.timedelta(hours=1)) == 0  # the loop stops


@pytest.mark.django_db
def test_closing_when_all_answered_needs_no_reason(cast, points):
    warning = services.issue_warning(cast.district, draft())
    for contact in Contact.objects.filter(call__warning=warning).select_related("call__warning", "person"):
        services.acknowledge(contact, "app")
    assert services.close_warning(cast.district, warning, "", warning.version).status == WarningStatus.CLOSED


@pytest.mark.django_db
def test_a_drill_calls_the_same_people_marked_and_has_a_report(cast, points, client):
    drill = services.issue_warning(cast.district, draft(is_drill=True, level="red"))
    assert drill.code.startswith("YL") and str(drill).startswith("【演练】")
    assert Contact.objects.filter(call__warning=drill).count() == 3
    title, text = loop.message_text(drill, "示例点0", 10, 0)
    assert title.startswith("【演练】") and text.startswith("【演练】")
    first = Contact.objects.filter(call__warning=drill).select_related("call__warning", "person").first()
    assert first is not None
    services.acknowledge(first, "link", now=drill.issued_at + dt.timedelta(minutes=4))
    loop.advance(drill.issued_at + dt.timedelta(minutes=20))
    client.force_login(cast.district)
    report = client.get(reverse("emergency:warning_report", args=[drill.pk])).content.decode()
    assert "防汛演练（推演）报告" in report and "4.0 分钟" in report and "始终未确认" in report
    # never on the public screen: its data has no word of it
    screen = Client().get(reverse("screen:data")).content.decode()
    assert drill.code not in screen and "演练" not in screen


@pytest.mark.django_db
def test_the_link_page_acknowledges_once_without_an_account(cast, points):
    warning = services.issue_warning(cast.district, draft())
    contact = Contact.objects.filter(call__warning=warning).first()
    assert contact is not None
    url = reverse("emergency:ack", args=[links.token_for(contact.nonce)])
    anonymous = Client()
    page = anonymous.get(url)
    assert page.status_code == 200 and "收到，已部署" in page.content.decode()
    done = anonymous.post(url, {"note": "已安排人员值守"})
    assert done.status_code == 200 and "已确认收到" in done.content.decode()
    call = PointCall.objects.get(pk=contact.call_id)
    assert (
        call.ack_via == "link"
        and call.ack_note == "已安排人员值守"
        and call.ack_person_id == contact.person_id
    )
    again = anonymous.post(url, {})
    assert again.status_code == 410 and "只能使用一次" in again.content.decode()
    assert anonymous.get(reverse("emergency:ack", args=["x" * 32])).status_code == 404
    assert "链接无效" in anonymous.get(reverse("emergency:ack", args=["x" * 32])).content.decode()
    # the page shows this one notice only, nothing of the ledger
    assert "值班日志" not in page.content.decode() and "示例点1" not in page.content.decode()


@pytest.mark.django_db
def test_the_link_of_a_closed_warning_no_longer_works(cast, points):
    warning = services.issue_warning(cast.district, draft())
    contact = Contact.objects.filter(call__warning=warning).first()
    assert contact is not None
    services.close_warning(cast.district, warning, "解除", warning.version)
    page = Client().post(reverse("emergency:ack", args=[links.token_for(contact.nonce)]))
    assert page.status_code == 410 and "已解除" in page.content.decode()


@pytest.mark.django_db
def test_the_duty_officer_records_a_phone_answer(cast, points):
    warning = services.issue_warning(cast.district, draft())
    call = PointCall.objects.filter(warning=warning).first()
    assert call is not None
    backup = ChainLink.objects.get(point=call.point, role=ChainRole.BACKUP).person
    client = Client()
    client.force_login(cast.district)
    client.post(
        reverse("emergency:call_phone", args=[call.pk]), {"person": backup.pk, "note": "02:14 电话确认"}
    )
    call.refresh_from_db()
    assert call.ack_via == "phone" and call.ack_person == backup and call.ack_recorded_by == cast.district
    assert "值班员电话记录" in client.get(reverse("emergency:warning", args=[warning.pk])).content.decode()


HEADER = [
    "点位编号",
    "点位名称",
    "点位类型",
    "所属区（市）",
    "镇街",
    "村（社区）",
    "第一责任人",
    "第一责任人电话",
    "备用责任人",
    "备用责任人电话",
    "镇街包保领导",
    "区级包保领导",
]


@pytest.mark.django_db
def test_the_points_import_is_all_or_nothing_with_row_and_column(cast, tmp_path):
    rows = [
        ["滕州市防汛重点部位表（示例数据）"],
        HEADER,
        [
            "TZ-101",
            "龙阳水库",
            "水库",
            "滕州",
            "龙阳镇",
            "",
            "张三",
            "13900000001",
            "李四",
            "13900000002",
            "王镇长",
            "赵区长",
        ],
        ["TZ-102", "北辛下穿", "下穿立交", "滕州市", "北辛街道", "", "", "", "", "", "", ""],
        ["TZ-103", "某某工地", "码头", "莱芜区", "姜屯镇", "", "钱五", "", "", "", "", ""],
    ]
    result = run_import("emergency_points", write_xlsx(tmp_path / "bad.xlsx", rows), actor=cast.supervisor)
    found = {(e.row, e.column) for e in result.errors}
    assert (4, "第一责任人") in found and (5, "点位类型") in found and (5, "所属区（市）") in found
    assert not Point.objects.exists()
    good = rows[:3]
    path = write_xlsx(tmp_path / "good.xlsx", good)
    result = run_import("emergency_points", path, actor=cast.supervisor)
    assert result.ok and result.created == 1, [str(e) for e in result.errors]
    point = Point.objects.get(code="TZ-101")
    assert point.district == cast.tengzhou and point.kind == "reservoir"
    roles = list(point.links.order_by("sort").values_list("role", "person__name"))
    assert roles == [("first", "张三"), ("backup", "李四"), ("town", "王镇长"), ("district", "赵区长")]
    again = run_import("emergency_points", path, actor=cast.supervisor)
    assert again.ok and again.created == 0 and again.updated == 0 and again.unchanged == 1


@pytest.mark.django_db
def test_the_limits_are_settings_changed_with_a_reason_and_audited(cast, points):
    set_setting(cast.sysadmin, "emergency_ack_minutes_yellow", 20, "汛期加密")
    warning = services.issue_warning(cast.district, draft())
    assert warning.ack_minutes == 20
    call = PointCall.objects.filter(warning=warning).first()
    assert call is not None and call.next_at == warning.issued_at + dt.timedelta(minutes=20)
    assert AuditLog.objects.filter(action="setting.update", object_id="emergency_ack_minutes_yellow").exists()


@pytest.mark.django_db
def test_the_roster_keeps_one_row_per_day_shift_and_level(cast):
    kw = {
        "date": dt.date(2026, 7, 24),
        "shift": "night",
        "org": cast.tengzhou,
        "leader_phone": "",
        "officer_phone": "",
    }
    services.save_shift(cast.district, leader_name="带班甲", officer_name="值班甲", **kw)
    row = services.save_shift(cast.district, leader_name="带班乙", officer_name="值班乙", **kw)
    assert row.leader_name == "带班乙" and type(row).objects.count() == 1
    with pytest.raises(services.WarningError, match="本级及下级"):
        services.save_shift(
            cast.district, leader_name="甲", officer_name="乙", **{**kw, "org": cast.shizhong}
        )
    with pytest.raises(services.WarningError, match="只有值班员"):
        services.save_shift(cast.leader, leader_name="甲", officer_name="乙", **kw)
