"""Case pages beyond the basic loop: reply attachments, the project unit's feedback, 核实并销号,
the deadline countdown, the escalation trail, the visit ↔ problem links, and the notifications
交办 and 退回 send at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from liangping.cases import services as cases
from liangping.cases.models import Case, CaseAttachment, CaseStatus
from liangping.core.models import AuditLog, Role
from liangping.core.workdays import WorkCalendar
from liangping.notices.case_events import notify_assigned
from liangping.notices.jobs import escalate_overdue_cases
from liangping.notices.models import NoticeKind, Notification
from liangping.projects import services as ledger
from tests.cast import make_user
from tests.tasks.conftest import PDF


def act(client, case: Case, action: str, **data):
    case.refresh_from_db()
    payload = {"action": action, "version": case.version, **data}
    return client.post(f"/cases/{case.pk}/act/", payload, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def replied_case(cast, **reply) -> Case:
    case = cases.register(cast.supervisor, "用地指标未落实", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.fagai, [cast.gongxin])
    cases.advance(cast.department, case, "reply", "已协调落实用地指标", **reply)
    return case


@pytest.mark.django_db
def test_reply_with_attachments_stored_with_the_step_and_served_in_scope(client, cast):
    case = cases.register(cast.supervisor, "用地指标未落实", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.fagai)
    client.force_login(cast.department)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page

    fake = SimpleUploadedFile("批复.pdf", b"not a pdf at all")
    response = act(client, case, "reply", note="已办结", files=[fake])
    assert any("不是有效的PDF" in m for m in messages_of(response))
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSIGNED and not CaseAttachment.objects.exists()

    good = SimpleUploadedFile("用地批复.pdf", PDF)
    response = act(client, case, "reply", note="已办结，附批复", files=[good])
    assert "已答复。" in messages_of(response)
    attachment = CaseAttachment.objects.get()
    assert attachment.step.action == "reply" and attachment.case == case
    assert attachment.name == "用地批复.pdf" and attachment.content_type == "application/pdf"
    url = f"/cases/attachments/{attachment.pk}/"
    assert url in response.content.decode()

    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "private, no-store"
    assert AuditLog.objects.filter(action="download", object_id=str(attachment.pk)).exists()
    client.force_login(cast.outsider)  # a project unit of another project: not its case
    assert client.get(url).status_code == 404
    client.force_login(cast.owner)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_too_many_attachments_are_refused(cast):
    case = cases.register(cast.supervisor, "问题", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.fagai)
    files = [(f"{i}.pdf", PDF, len(PDF)) for i in range(cases.MAX_ATTACHMENTS + 1)]
    with pytest.raises(cases.CaseError, match="最多上传 5 个附件"):
        cases.advance(cast.department, case, "reply", "答复", files=files)


@pytest.mark.django_db
def test_project_unit_gives_feedback_on_a_reply_once(client, cast):
    case = replied_case(cast)
    client.force_login(cast.supervisor)
    assert 'value="feedback"' not in client.get(f"/cases/{case.pk}/").content.decode()
    client.force_login(cast.owner)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="feedback-form"' in page and "满意" in page

    response = act(client, case, "feedback", verdict="unsatisfied", note="")
    assert "不满意时请写明原因" in messages_of(response)
    response = act(client, case, "feedback", verdict="unsatisfied", note="指标只落实了一半")
    assert "已提交评价。" in messages_of(response)
    step = case.steps.get(action="feedback")
    assert step.verdict == "unsatisfied" and step.note == "指标只落实了一半" and step.actor == cast.owner
    case.refresh_from_db()
    assert case.status == CaseStatus.REPLIED
    entry = AuditLog.objects.get(action="case.feedback")
    assert entry.actor == cast.owner and entry.changes == {"verdict": [None, "不满意"]}
    page = response.content.decode()
    assert 'id="feedbacks"' in page and "指标只落实了一半" in page and 'id="feedback-form"' not in page
    response = act(client, case, "feedback", verdict="satisfied")
    assert any("您不能评价此问题" in m for m in messages_of(response))

    client.force_login(cast.outsider)
    assert client.post(f"/cases/{case.pk}/act/", {"action": "feedback"}).status_code == 404


@pytest.mark.django_db
def test_verify_and_close_in_one_step(client, cast):
    case = replied_case(cast)
    client.force_login(cast.supervisor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="verify_close"' in page and "核实并销号" in page
    assert 'value="verify"' not in page and 'value="return"' in page
    response = act(client, case, "verify_close", note="现场核实，用地指标已落实")
    assert "已核实并销号。" in messages_of(response)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None
    steps = list(case.steps.values_list("action", "from_status", "to_status"))
    assert steps[-2:] == [("verify", "replied", "verified"), ("close", "verified", "closed")]
    audited = AuditLog.objects.filter(action__in=["case.verify", "case.close"], object_id=str(case.pk))
    assert audited.count() == 2
    client.force_login(cast.department)  # a handler may not verify
    with pytest.raises(cases.CaseError):
        cases.verify_and_close(cast.department, replied_case(cast))


@pytest.mark.django_db
def test_countdown_in_working_days(cast):
    calendar = WorkCalendar.load()
    case = cases.register(cast.supervisor, "问题", subject=cast.inside)
    assert cases.countdown(case, calendar, dt.date(2026, 11, 16)) == ("", "")
    case.status, case.deadline = CaseStatus.ASSIGNED, dt.date(2026, 11, 20)  # a Friday
    assert cases.countdown(case, calendar, dt.date(2026, 11, 16)) == ("剩余 4 个工作日", "blue")
    assert cases.countdown(case, calendar, dt.date(2026, 11, 19)) == ("剩余 1 个工作日", "yellow")
    assert cases.countdown(case, calendar, dt.date(2026, 11, 20)) == ("今天到期", "yellow")
    assert cases.countdown(case, calendar, dt.date(2026, 11, 21)) == ("已过答复期限", "red")
    assert cases.countdown(case, calendar, dt.date(2026, 11, 24)) == ("已逾期 2 个工作日", "red")
    case.status = CaseStatus.REPLIED
    assert cases.countdown(case, calendar, dt.date(2026, 11, 24)) == ("", "")


@pytest.mark.django_db
def test_page_shows_countdown_and_escalation_trail(client, cast):
    case = cases.register(cast.supervisor, "用地指标未落实", subject=cast.inside)
    cases.assign(cast.supervisor, case, cast.fagai)
    client.force_login(cast.supervisor)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="countdown"' in page and "剩余 " in page and 'id="escalations"' not in page

    calendar = WorkCalendar.load()
    today = calendar.add_workdays(case.deadline, 5)
    assert escalate_overdue_cases(today, calendar)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="escalations"' in page and "超期升级记录" in page and "系统已报市发展改革委负责人" in page
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=14))
    assert "已逾期 " in client.get(f"/cases/{case.pk}/").content.decode()


@pytest.mark.django_db
def test_visit_and_the_problem_it_raised_link_each_other(client, cast):
    visit = ledger.record_visit(
        cast.specialist, cast.inside, dt.date(2026, 11, 2), "塔吊未到位，影响主体施工", raise_problem=True
    )
    case = Case.objects.get(source_ref=f"visit:{visit.pk}")
    client.force_login(cast.specialist)
    page = client.get(f"/projects/visits/{visit.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/" id="visit-problem"' in page
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/projects/visits/{visit.pk}/" id="case-source"' in page
    client.force_login(cast.owner)  # sees the case, not the visit: the source is named, not linked
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "现场走访" in page and 'id="case-source"' not in page


@pytest.mark.django_db
def test_assign_and_return_notify_at_once(cast, django_capture_on_commit_callbacks, mailoutbox):
    cast.department.email = "fagai@example.cn"
    cast.department.save()
    gongxin_user = make_user("gongxin", Role.DEPARTMENT, cast.gongxin, "工信员")
    case = cases.register(cast.supervisor, "用地指标未落实", subject=cast.inside)
    with django_capture_on_commit_callbacks(execute=True):
        cases.assign(cast.supervisor, case, cast.fagai, [cast.gongxin])
    lead = Notification.objects.get(recipient=cast.department)
    assert lead.kind == NoticeKind.CASE_ASSIGNED and lead.url == f"/cases/{case.pk}/"
    assert "市发展改革委牵头办理" in lead.body and "答复期限为" in lead.body
    assert Notification.objects.get(recipient=gongxin_user).title == "协办问题：用地指标未落实"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["fagai@example.cn"]
    assert notify_assigned(case=case, actor=cast.supervisor) == []  # announced twice: nothing new

    cases.advance(cast.department, case, "reply", "已落实")
    with django_capture_on_commit_callbacks(execute=True):
        cases.advance(cast.supervisor, case, "return", "指标未落实到地块")
    returned = Notification.objects.get(recipient=cast.department, kind=NoticeKind.CASE_RETURNED)
    assert "退回原因：指标未落实到地块" in returned.body
    assert not Notification.objects.filter(recipient=cast.supervisor).exists()


@pytest.mark.django_db
def test_a_refused_change_announces_nothing(cast, django_capture_on_commit_callbacks):
    case = cases.register(cast.supervisor, "问题", subject=cast.inside)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(cases.CaseError):
        cases.assign(cast.supervisor, case, cast.fagai, expected_version=case.version + 1)
    assert not Notification.objects.exists()
