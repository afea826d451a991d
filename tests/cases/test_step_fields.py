"""Generic step features a kind may configure: a transition that asks for kind fields (stored on the
case, required at that step, audited), a dated step (recorded on the day it happened, never before
the case's latest step), a recurring clock (a self-transition that restarts the finish clock from
the limit of the case's urgency, here in hours) and a kind that names its urgency scale."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.kindload import load_text
from liangping.cases.models import Case, CaseKind
from liangping.core.models import AuditLog
from liangping.kinds.spec import KindConfigError, load_spec, shipped_kinds

WATCH = """
code = "watch"
name = "盯办事项"
version = 1
noun = "事项"
initial = "new"
deadline_label = "下次跟进期限"
urgency_name = "关注等级"
[register]
effects = ["start_clock"]
[parties]
dispatcher = ["role:supervisor"]
[scope]
dispatcher = "all"
lead_unit = "subtree"
[[urgencies]]
code = "hi"
label = "高"
[[urgencies]]
code = "lo"
label = "低"
[[limits]]
urgency = "hi"
finish = { hours = 168 }
[[limits]]
urgency = "lo"
finish = { hours = 720 }
[[fields]]
code = "owner_name"
label = "包案领导"
type = "text"
[[states]]
code = "new"
label = "待定责"
clock = "run"
[[states]]
code = "working"
label = "跟进中"
clock = "run"
[[states]]
code = "done"
label = "已销号"
open = false
clock = "stop"
[[transitions]]
action = "own"
label = "定责"
from = ["new"]
to = "working"
by = ["dispatcher"]
needs = ["lead_org"]
fields = ["owner_name"]
effects = ["assign"]
[[transitions]]
action = "follow"
label = "跟进"
from = ["working"]
to = "working"
by = ["dispatcher", "lead_unit"]
reason = true
dated = true
date_label = "跟进日期"
effects = ["start_clock"]
[[transitions]]
action = "finish"
label = "销号"
from = ["working"]
to = "done"
by = ["dispatcher"]
effects = ["close"]
"""


def _register(cast, at):
    return engine.register("watch", actor=cast.supervisor, title="某小区业主维权", urgency="hi", at=at)


@pytest.mark.django_db
def test_fields_dates_and_a_recurring_clock(cast):
    load_text(WATCH)
    with pytest.raises(engine.CaseFieldError, match="请选择关注等级") as err:
        engine.register("watch", actor=cast.supervisor, title="无等级")
    assert err.value.field == "urgency"
    start = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))
    case = _register(cast, start)
    assert case.due_at == start + dt.timedelta(days=7) and case.finish_unit == "hours"

    # 定责 asks for the 包案领导: missing, refused naming the field; nothing changed.
    with pytest.raises(engine.CaseFieldError, match="定责须填写包案领导") as err:
        engine.act(case, "own", actor=cast.supervisor, lead_org=cast.fagai, at=start)
    assert err.value.field == "owner_name"
    with pytest.raises(engine.CaseFieldError, match="不能填写"):
        engine.act(case, "own", actor=cast.supervisor, lead_org=cast.fagai, data={"x": 1}, at=start)
    case = Case.objects.get(pk=case.pk)
    assert case.status == "new" and case.data == {}
    engine.act(case, "own", actor=cast.supervisor, lead_org=cast.fagai, data={"owner_name": "张某"}, at=start)
    assert case.data == {"owner_name": "张某"} and case.status == "working"
    entry = AuditLog.objects.filter(action="case.own").get()
    assert entry.changes["owner_name"] == [None, "张某"]

    # A follow-up dated before the case (or in the future) is refused, naming the date.
    later = start + dt.timedelta(days=10)
    for day, words in ((dt.date(2026, 11, 1), "不能早于登记日期"), (dt.date(2026, 11, 20), "不能晚于今天")):
        with pytest.raises(engine.CaseFieldError, match=words) as err:
            engine.act(case, "follow", actor=cast.department, note="走访", date=day, at=later)
        assert err.value.field == "date"
    # Missed: 7 days (高) passed without a follow-up, the case is overdue.
    assert case.is_overdue(later)
    assert list(Case.objects.overdue(later)) == [case]
    # A follow-up on the 9th restarts the clock from that day.
    engine.act(case, "follow", actor=cast.department, note="已入户走访", date=dt.date(2026, 11, 9), at=later)
    case = Case.objects.get(pk=case.pk)
    step = case.steps.order_by("-id").first()
    assert step is not None and timezone.localdate(step.at) == dt.date(2026, 11, 9)
    assert timezone.localdate(case.due_at) == dt.date(2026, 11, 16)
    assert not case.is_overdue(later)
    with pytest.raises(engine.CaseFieldError, match="不能早于上一步"):
        engine.act(case, "follow", actor=cast.department, note="补记", date=dt.date(2026, 11, 5), at=later)


@pytest.mark.django_db
def test_the_case_page_and_api_ask_for_step_fields(client, cast):
    load_text(WATCH)
    case = _register(cast, timezone.now())
    client.force_login(cast.supervisor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "包案领导" in page and "关注等级" in page
    act = f"/cases/{case.pk}/act/"
    page = client.post(
        act, {"action": "own", "version": case.version, "lead_org": cast.fagai.pk}, follow=True
    ).content.decode()
    assert "定责须填写包案领导" in page
    client.post(
        act, {"action": "own", "version": case.version, "lead_org": cast.fagai.pk, "f_owner_name": "李某"}
    )
    case.refresh_from_db()
    assert case.status == "working" and case.data["owner_name"] == "李某"
    response = client.post(
        f"/api/v1/cases/{case.pk}/act",
        {"action": "follow", "version": case.version, "note": "电话回访", "date": "2000-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "跟进日期不能早于" in response.json()["detail"][0]["message"]
    response = client.post(
        f"/api/v1/cases/{case.pk}/act",
        {"action": "follow", "version": case.version, "note": "电话回访"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_unknown_step_field_is_refused_and_old_digests_stay():
    bad = WATCH.replace('fields = ["owner_name"]', 'fields = ["nobody"]')
    with pytest.raises(KindConfigError, match="nobody"):
        load_spec(bad)
    # A kind that uses none of the later keys stores none of them (its digest does not move).
    for path in shipped_kinds():
        spec = load_spec(path)
        data = spec.to_json()
        if spec.urgency_name == "紧急程度":
            assert "urgency_name" not in data
        assert all("dated" not in t for t in data["transitions"] if not t.get("dated"))


@pytest.mark.django_db
def test_shipped_kinds_are_loaded():
    assert CaseKind.objects.filter(code="project_problem").exists()
