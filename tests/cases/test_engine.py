"""The generic engine on a kind that exists only in this test's configuration: registration with the
kind's fields, parties, deadlines in hours and working days, 退单 within its window, transfer,
extension, call back with reopen, one step and one audit entry per action, conflicts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.engine import CaseConflict, CaseError, CaseFieldError
from liangping.cases.kindload import load_text
from liangping.cases.models import Case
from liangping.core.models import AuditLog

HOTLINE = """
code = "hotline_demo"
name = "热线示例"
version = 1
noun = "工单"
initial = "registered"
deadline_label = "办结期限"
[register]
effects = ["start_clock"]
[parties]
dispatcher = ["role:supervisor"]
[scope]
dispatcher = "all"
lead_unit = "subtree"
co_unit = "subtree"
registrar = "own"
[[urgencies]]
code = "urgent"
label = "紧急"
[[urgencies]]
code = "normal"
label = "一般"
[[categories]]
code = "city"
label = "城市管理"
[[categories]]
code = "noise"
label = "噪音"
parent = "city"
[[limits]]
urgency = "urgent"
respond = { hours = 2 }
finish = { workdays = 1 }
[[limits]]
urgency = "normal"
respond = { workdays = 1 }
finish = { workdays = 5 }
[[fields]]
code = "name"
label = "诉求人"
type = "text"
required = true
max_length = 10
[[fields]]
code = "phone"
label = "联系电话"
type = "phone"
required = true
[[fields]]
code = "idno"
label = "身份证号"
type = "idcard"
[[fields]]
code = "floor"
label = "楼层"
type = "number"
[[fields]]
code = "kind"
label = "类型"
type = "choice"
values = [{ code = "day", label = "白天" }, { code = "night", label = "夜间" }]
[[states]]
code = "registered"
label = "待派单"
clock = "run"
[[states]]
code = "dispatched"
label = "已派单"
clock = "run"
[[states]]
code = "returned"
label = "已退单"
clock = "run"
[[states]]
code = "handling"
label = "办理中"
clock = "run"
[[states]]
code = "extending"
label = "延期审批中"
clock = "pause"
[[states]]
code = "replied"
label = "已答复"
clock = "stop"
[[states]]
code = "reopened"
label = "重新办理"
clock = "run"
[[states]]
code = "closed"
label = "已办结"
open = false
clock = "stop"
[[transitions]]
action = "dispatch"
label = "派单"
from = ["registered", "returned"]
to = "dispatched"
by = ["dispatcher"]
needs = ["lead_org"]
optional = ["co_orgs"]
effects = ["assign"]
[[transitions]]
action = "return"
label = "退单"
from = ["dispatched"]
to = "returned"
by = ["lead_unit"]
reason = true
within = { workdays = 1 }
effects = ["unassign", "count_return"]
[[transitions]]
action = "accept"
label = "签收"
from = ["dispatched"]
to = "handling"
by = ["lead_unit"]
effects = ["respond"]
[[transitions]]
action = "transfer"
label = "转办"
from = ["dispatched", "handling"]
to = "dispatched"
by = ["dispatcher"]
needs = ["lead_org"]
reason = true
effects = ["transfer"]
[[transitions]]
action = "extend"
label = "申请延期"
from = ["handling", "reopened"]
to = "extending"
by = ["lead_unit"]
needs = ["days"]
reason = true
effects = ["request_extension"]
[[transitions]]
action = "approve_extension"
label = "同意延期"
from = ["extending"]
to = "handling"
by = ["dispatcher"]
effects = ["approve_extension"]
[[transitions]]
action = "reply"
label = "答复"
from = ["handling", "reopened"]
to = "replied"
by = ["lead_unit", "co_unit"]
reason = true
attachments = "optional"
effects = ["respond", "reply"]
[[transitions]]
action = "callback"
label = "回访"
from = ["replied"]
to = "closed"
by = ["dispatcher"]
needs = ["rating"]
reason_if = ["unsatisfied", "very_unsatisfied"]
reopen = { ratings = ["unsatisfied", "very_unsatisfied"], to = "reopened", max = 1 }
effects = ["close"]
"""
FIELDS = {"name": "张三", "phone": "138 0000 8000", "kind": "夜间"}
# Monday 2026-11-16, 09:00 local: a plain working week.
MONDAY = timezone.make_aware(dt.datetime(2026, 11, 16, 9, 0))


@pytest.fixture
def kind(db):
    return load_text(HOTLINE)


def new(cast, urgency="normal", at=MONDAY, **data):
    return engine.register(
        "hotline_demo",
        actor=cast.supervisor,
        title="夜间施工噪音",
        category="noise",
        urgency=urgency,
        channel="",
        data={**FIELDS, **data},
        at=at,
    )


@pytest.mark.django_db
def test_registration_checks_the_kinds_fields(cast, kind):
    case = new(cast, floor="12")
    assert case.data == {"name": "张三", "phone": "13800008000", "kind": "night", "floor": 12}
    assert case.contact_phone == "13800008000" and len(case.receipt_no) == 12
    assert case.kind_version.version == 1 and case.get_status_display() == "待派单"
    cases = [
        ({"phone": ""}, "phone", "请填写联系电话"),
        ({"phone": "12345"}, "phone", "联系电话格式不对"),
        ({"name": "名" * 11}, "name", "诉求人最多 10 个字"),
        ({"floor": "十二"}, "floor", "楼层应为数字"),
        ({"kind": "下午"}, "kind", "类型只能选：白天、夜间"),
        ({"idno": "110105199001011234"}, "idno", "身份证号校验位不对"),
        ({"colour": "红"}, "colour", "没有“colour”这一项"),
    ]
    for data, field, message in cases:
        with pytest.raises(CaseFieldError, match=message) as err:
            new(cast, **data)
        assert err.value.field == field
    with pytest.raises(CaseFieldError, match="请选择紧急程度") as err:
        new(cast, urgency="")
    assert err.value.field == "urgency"
    with pytest.raises(CaseFieldError, match="分类“lost”不存在"):
        engine.register("hotline_demo", actor=cast.supervisor, title="x", category="lost", urgency="normal",
                        data=FIELDS)  # fmt: skip
    assert Case.objects.of_kind("hotline_demo").count() == 1  # nothing half-saved


@pytest.mark.django_db
def test_deadlines_in_hours_and_working_days(cast, kind):
    urgent = new(cast, urgency="urgent")
    assert urgent.respond_by == MONDAY + dt.timedelta(hours=2)
    assert urgent.deadline == dt.date(2026, 11, 17)
    normal = new(cast)
    assert timezone.localdate(normal.respond_by) == dt.date(2026, 11, 17)
    assert normal.deadline == dt.date(2026, 11, 23)  # 5 working days after Monday
    later = MONDAY + dt.timedelta(hours=3)
    assert urgent.response_overdue(later) and not normal.response_overdue(later)
    assert list(Case.objects.of_kind("hotline_demo").response_overdue(later)) == [urgent]


@pytest.mark.django_db
def test_dispatch_return_transfer_extend_reply_callback_reopen(cast, kind):
    case = new(cast)
    v = case.version
    engine.act(case, "dispatch", actor=cast.supervisor, lead_org=cast.fagai, co_orgs=[cast.gongxin],
               expected_version=v, at=MONDAY + dt.timedelta(hours=1))  # fmt: skip
    soon = MONDAY + dt.timedelta(hours=2)
    assert engine.allowed_actions(cast.department, case, soon) == ["return", "accept"]
    assert engine.allowed_actions(cast.department, case, MONDAY + dt.timedelta(days=3)) == ["accept"]
    assert engine.allowed_actions(cast.district, case, soon) == []
    with pytest.raises(CaseFieldError, match="退单必须写明原因"):
        engine.act(case, "return", actor=cast.department, at=MONDAY + dt.timedelta(hours=2))
    # 退单 only within 1 working day of the dispatch.
    with pytest.raises(CaseError, match="退单须在已派单后 1 个工作日内提出"):
        engine.act(case, "return", actor=cast.department, note="不属本单位", at=MONDAY + dt.timedelta(days=3))
    engine.act(
        case, "return", actor=cast.department, note="不属本单位职责", at=MONDAY + dt.timedelta(hours=2)
    )
    assert case.status == "returned" and case.lead_org is None and case.return_count == 1
    assert list(case.co_orgs.all()) == []
    engine.act(
        case, "dispatch", actor=cast.supervisor, lead_org=cast.tengzhou, at=MONDAY + dt.timedelta(hours=3)
    )
    engine.act(case, "transfer", actor=cast.supervisor, lead_org=cast.fagai, note="应由发改办理",
               at=MONDAY + dt.timedelta(hours=4))  # fmt: skip
    assert case.lead_org == cast.fagai and case.status == "dispatched"
    engine.act(case, "accept", actor=cast.department, at=MONDAY + dt.timedelta(hours=5))
    assert case.responded_at == MONDAY + dt.timedelta(hours=5) and not case.response_overdue()
    with pytest.raises(CaseFieldError, match="请填写天数"):
        engine.act(case, "extend", actor=cast.department, note="需协调")
    # Asked on Tuesday, approved on Thursday: the two working days waited and the three granted both count.
    engine.act(case, "extend", actor=cast.department, note="需协调", days=3, at=MONDAY + dt.timedelta(days=1))
    assert case.paused_at is not None and case.extension_days == 3
    assert not case.is_overdue(dt.date(2026, 11, 30))  # the clock is paused
    engine.act(case, "approve_extension", actor=cast.supervisor, at=MONDAY + dt.timedelta(days=3))
    assert case.deadline == dt.date(2026, 11, 30) and case.extended_days == 3 and case.paused_at is None
    engine.act(case, "reply", actor=cast.department, note="已停工整改", at=MONDAY + dt.timedelta(days=4))
    assert case.finished_at is not None and not case.is_overdue(dt.date(2026, 12, 30))
    with pytest.raises(CaseFieldError, match="请选择满意度"):
        engine.act(case, "callback", actor=cast.supervisor)
    with pytest.raises(CaseFieldError, match="不满意时请写明原因"):
        engine.act(case, "callback", actor=cast.supervisor, rating="unsatisfied")
    engine.act(case, "callback", actor=cast.supervisor, rating="unsatisfied", note="仍有噪音",
               at=MONDAY + dt.timedelta(days=7))  # fmt: skip
    assert case.status == "reopened" and case.reopen_count == 1 and case.finished_at is None
    assert case.deadline == dt.date(2026, 11, 30) + dt.timedelta(
        days=0
    )  # restarted: 5 working days from 11-23
    engine.act(case, "reply", actor=cast.department, note="已再次整改", at=MONDAY + dt.timedelta(days=8))
    # A second 不满意 no longer reopens (once only): it closes with the rating kept.
    engine.act(case, "callback", actor=cast.supervisor, rating="very_unsatisfied", note="仍不满意",
               at=MONDAY + dt.timedelta(days=9))  # fmt: skip
    assert case.status == "closed" and case.closed_at is not None
    steps = list(case.steps.order_by("at", "id"))
    assert [s.action for s in steps] == [
        "register", "dispatch", "return", "dispatch", "transfer", "accept", "extend", "approve_extension",
        "reply", "callback", "reply", "callback",
    ]  # fmt: skip
    assert [s.rating for s in steps if s.action == "callback"] == ["unsatisfied", "very_unsatisfied"]
    assert AuditLog.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == len(steps)
    assert not case.is_overdue() and case.get_status_display() == "已办结"


@pytest.mark.django_db
def test_refusals_change_nothing_and_a_stale_version_conflicts(cast, kind):
    case = new(cast)
    with pytest.raises(CaseError, match="当前状态（待派单）下您不能签收此工单"):
        engine.act(case, "accept", actor=cast.department)
    with pytest.raises(CaseError, match="未知操作"):
        engine.act(case, "fly", actor=cast.supervisor)
    with pytest.raises(CaseFieldError, match="请选择牵头单位"):
        engine.act(case, "dispatch", actor=cast.supervisor)
    stale = Case.objects.get(pk=case.pk)
    read_version = case.version
    engine.act(case, "dispatch", actor=cast.supervisor, lead_org=cast.fagai, expected_version=read_version)
    with pytest.raises(CaseConflict, match="该工单已被他人处理"):  # the form's version is stale
        engine.act(case, "transfer", actor=cast.supervisor, lead_org=cast.gongxin, note="改派",
                   expected_version=read_version)  # fmt: skip
    with pytest.raises(
        CaseConflict
    ):  # two writes racing past the check: the second finds the version moved on
        engine.act(stale, "dispatch", actor=cast.supervisor, lead_org=cast.gongxin)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.lead_org == cast.fagai and fresh.steps.count() == 2


@pytest.mark.django_db
def test_scope_follows_the_kind(cast, kind):
    case = new(cast)
    engine.act(case, "dispatch", actor=cast.supervisor, lead_org=cast.fagai, co_orgs=[cast.gongxin])
    other = new(cast)
    visible = Case.objects.of_kind("hotline_demo").visible_to
    assert set(visible(cast.supervisor)) == {case, other}
    assert list(visible(cast.department)) == [case]
    assert list(visible(cast.district)) == [] and list(visible(cast.leader)) == []
    assert list(visible(cast.sysadmin)) == []


@pytest.mark.django_db
def test_a_changed_file_is_a_new_version_and_old_cases_keep_theirs(cast, kind):
    case = new(cast)
    again = load_text(HOTLINE)
    assert not again.changed and again.version == 1
    changed = load_text(HOTLINE.replace('label = "待派单"', 'label = "待分派"'))
    assert changed.changed and changed.version == 2
    assert Case.objects.get(pk=case.pk).get_status_display() == "待派单"
    assert new(cast).get_status_display() == "待分派"
