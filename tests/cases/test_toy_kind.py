"""A kind added from configuration alone — a TOML string loaded here, no new model, view or URL —
runs through registration (the generated form), transfer, extension, escalation (the notice job),
scope and export (the spreadsheet download)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import get_resolver
from django.utils import timezone
from openpyxl import load_workbook

from liangping.cases.kindload import load_text
from liangping.cases.models import Case, CaseStep
from liangping.notices.jobs import escalate_overdue_cases
from liangping.notices.models import Notification

STREETLIGHT = """
code = "streetlight"
name = "路灯报修"
version = 1
noun = "报修"
initial = "new"
deadline_label = "修复期限"
unit_kinds = ["department", "district"]
[register]
effects = ["start_clock"]
[parties]
dispatcher = ["role:supervisor"]
[scope]
dispatcher = "all"
lead_unit = "subtree"
registrar = "own"
[[categories]]
code = "lamp"
label = "灯具"
[[categories]]
code = "pole"
label = "灯杆"
[[limits]]
finish = { workdays = 3 }
[[limits]]
category = "pole"
finish = { workdays = 5 }
[[reminders]]
after = { workdays = 1 }
[[fields]]
code = "pole_no"
label = "灯杆编号"
type = "text"
required = true
[[fields]]
code = "caller_phone"
label = "报修电话"
type = "phone"
[[states]]
code = "new"
label = "待分派"
clock = "run"
[[states]]
code = "sent"
label = "已分派"
clock = "run"
[[states]]
code = "waiting"
label = "延期待批"
clock = "pause"
[[states]]
code = "fixed"
label = "已修复"
open = false
clock = "stop"
[[transitions]]
action = "send"
label = "分派"
from = ["new"]
to = "sent"
by = ["dispatcher"]
needs = ["lead_org"]
effects = ["assign"]
[[transitions]]
action = "transfer"
label = "转办"
from = ["sent"]
to = "sent"
by = ["dispatcher"]
needs = ["lead_org"]
reason = true
effects = ["transfer"]
[[transitions]]
action = "extend"
label = "申请延期"
from = ["sent"]
to = "waiting"
by = ["lead_unit"]
needs = ["days"]
reason = true
effects = ["request_extension"]
[[transitions]]
action = "approve"
label = "同意延期"
from = ["waiting"]
to = "sent"
by = ["dispatcher"]
effects = ["approve_extension"]
[[transitions]]
action = "fix"
label = "修复"
from = ["sent"]
to = "fixed"
by = ["lead_unit"]
reason = true
effects = ["reply", "close"]
"""


@pytest.mark.django_db
def test_a_kind_from_configuration_alone(client, cast):
    routes_before = len(get_resolver().url_patterns)
    load_text(STREETLIGHT)
    assert len(get_resolver().url_patterns) == routes_before

    # Registration: the form the kind generates, with a field-level error first.
    client.force_login(cast.supervisor)
    page = client.get("/cases/new/?kind=streetlight").content.decode()
    assert "灯杆编号" in page and "报修电话" in page and "灯杆" in page
    form = {"title": "文化路路灯不亮", "category": "pole", "f_pole_no": "WH-017", "f_caller_phone": "12"}
    page = client.post("/cases/new/?kind=streetlight", form).content.decode()
    assert "报修电话格式不对" in page and not Case.objects.of_kind("streetlight").exists()
    response = client.post("/cases/new/?kind=streetlight", {**form, "f_caller_phone": "13912345678"})
    case = Case.objects.of_kind("streetlight").get()
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    assert case.data == {"pole_no": "WH-017", "caller_phone": "13912345678"} and case.category.code == "pole"
    today = timezone.localdate()
    assert case.deadline is not None and (case.deadline - today).days >= 5  # the 灯杆 limit: 5 working days

    # Transfer: sent to 滕州市, transferred to 市发展改革委 with a reason.
    act = f"/cases/{case.pk}/act/"
    client.post(act, {"action": "send", "version": case.version, "lead_org": cast.tengzhou.pk})
    case.refresh_from_db()
    assert case.status == "sent" and case.lead_org == cast.tengzhou
    page = client.post(
        act, {"action": "transfer", "version": case.version, "lead_org": cast.fagai.pk}, follow=True
    )
    assert "转办必须写明原因" in page.content.decode()
    client.post(
        act, {"action": "transfer", "version": case.version, "lead_org": cast.fagai.pk, "note": "属发改"}
    )
    case.refresh_from_db()
    assert case.lead_org == cast.fagai and case.status == "sent"

    # Scope: the lead unit and the dispatcher see it; 滕州市 no longer does (404 on the page too).
    def listed(user) -> list[str]:
        client.force_login(user)
        return [c.title for c in Case.objects.of_kind("streetlight").visible_to(user)]

    assert listed(cast.department) == ["文化路路灯不亮"] and listed(cast.district) == []
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    client.force_login(cast.department)
    page = client.get("/cases/?kind=streetlight").content.decode()
    assert (
        "文化路路灯不亮" in page
        and "灯杆编号" in page
        and "139****5678" in page
        and "13912345678" not in page
    )

    # Extension: asked by the lead unit (3 working days), approved by the dispatcher.
    before = case.deadline
    client.post(act, {"action": "extend", "version": case.version, "days": "3", "note": "等灯杆到货"})
    case.refresh_from_db()
    assert case.status == "waiting" and case.extension_days == 3
    client.force_login(cast.supervisor)
    client.post(act, {"action": "approve", "version": case.version})
    case.refresh_from_db()
    assert case.status == "sent" and case.extended_days == 3 and case.deadline > before

    # Escalation: past its deadline by the kind's one working day, the notice job escalates it.
    deadline = dt.date(2026, 11, 16)  # a Monday; Wednesday is two working days later
    Case.objects.filter(pk=case.pk).update(deadline=deadline, due_at=None)
    escalated = escalate_overdue_cases(dt.date(2026, 11, 18))
    assert [e.case_id for e in escalated] == [case.pk]
    step = CaseStep.objects.get(case=case, action="escalate")
    assert "超过修复期限" in step.note and "2 个工作日" in step.note
    assert Notification.objects.filter(recipient=cast.department, title__startswith="报修超期未答复").exists()

    # Export: the department's download has the kind's fields as columns, the phone masked.
    client.force_login(cast.department)
    response = client.get("/sheets/export/cases.xlsx?kind=streetlight")
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert header[-2:] == ("灯杆编号", "报修电话")
    assert row[3] == "文化路路灯不亮" and row[4] == "已分派" and row[-2:] == ("WH-017", "139****5678")
    assert row[14] == "是"  # overdue
    client.force_login(cast.district)
    other = client.get("/sheets/export/cases.xlsx?kind=streetlight")
    if other.status_code == 200:
        empty = load_workbook(
            io.BytesIO(b"".join(other.streaming_content if other.streaming else [other.content]))
        )
        assert len(list(empty.worksheets[0].iter_rows(values_only=True))) == 1  # the header only
