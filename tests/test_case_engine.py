"""The closed loop: register → assign → handle → reply → verify → close, or return with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from liangping.cases import services as cases
from liangping.cases.models import Case, CaseStatus
from liangping.core.models import AuditLog


@pytest.mark.django_db
def test_full_loop_with_a_return(cast):
    case = cases.register(cast.specialist, "土地手续未办结", description="用地预审待批", subject=cast.inside)
    assert case.status == CaseStatus.REGISTERED
    # Tuesday 2025-09-30 + 5 working days skips the National Day holiday.
    cases.assign(cast.supervisor, case, cast.fagai, [cast.gongxin], today=dt.date(2025, 9, 30))
    assert case.deadline == dt.date(2025, 10, 14)
    assert list(case.co_orgs.all()) == [cast.gongxin]
    cases.advance(cast.department, case, "handle", "已对接自然资源部门")
    cases.advance(cast.department, case, "reply", "已报省厅审批")
    cases.advance(cast.supervisor, case, "return", "未附批复文件")
    assert case.status == CaseStatus.HANDLING and case.return_count == 1
    cases.advance(cast.department, case, "reply", "批复文件已上传")
    cases.advance(cast.supervisor, case, "verify", "现场核实")
    cases.advance(cast.supervisor, case, "close", "销号")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    actions = list(case.steps.values_list("action", flat=True))
    assert actions == ["register", "assign", "handle", "reply", "return", "reply", "verify", "close"]
    assert all(case.steps.values_list("actor", flat=True))
    assert AuditLog.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == 8


@pytest.mark.django_db
def test_only_the_lead_unit_handles(cast):
    case = cases.register(cast.supervisor, "电力接入滞后", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.gongxin)
    assert cases.allowed_actions(cast.department, case) == []  # 市发展改革委 is not the lead unit
    with pytest.raises(cases.CaseError, match="不能办理"):
        cases.advance(cast.department, case, "handle")
    with pytest.raises(cases.CaseError, match="不能"):
        cases.advance(cast.specialist, case, "verify")


@pytest.mark.django_db
def test_reply_and_return_need_text(cast):
    case = cases.register(cast.supervisor, "环评未批复", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.fagai)
    with pytest.raises(cases.CaseError, match="答复内容"):
        cases.advance(cast.department, case, "reply", "  ")
    cases.advance(cast.department, case, "reply", "已批复")
    with pytest.raises(cases.CaseError, match="原因"):
        cases.advance(cast.supervisor, case, "return", "")
    with pytest.raises(cases.CaseError, match="请填写问题内容"):
        cases.register(cast.supervisor, " ")


@pytest.mark.django_db
def test_stale_version_is_a_conflict(cast):
    case = cases.register(cast.supervisor, "资金未到位", subject=cast.inside)
    version_in_form = case.version
    cases.assign(cast.supervisor, case, cast.fagai)
    fresh = Case.objects.get(pk=case.pk)
    with pytest.raises(cases.CaseError, match="已被他人处理"):
        cases.advance(cast.department, fresh, "handle", expected_version=version_in_form)
    # Two saves racing past the check: the second write finds the version moved on.
    stale = Case.objects.get(pk=case.pk)
    cases.advance(cast.department, fresh, "handle")
    stale.status = "handling"
    with pytest.raises(cases.CaseError, match="已被他人处理"):
        cases.advance(cast.department, stale, "reply", "已答复")


@pytest.mark.django_db
def test_overdue_flags(cast):
    case = cases.register(cast.supervisor, "审批超时", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.fagai, today=dt.date(2025, 6, 2))
    assert case.deadline == dt.date(2025, 6, 9)
    assert case.is_overdue(dt.date(2025, 6, 10)) and not case.is_overdue(dt.date(2025, 6, 9))
    assert list(Case.objects.overdue(dt.date(2025, 6, 10))) == [case]
    cases.advance(cast.department, case, "reply", "已办结")
    assert not Case.objects.overdue(dt.date(2025, 6, 10)).exists()
