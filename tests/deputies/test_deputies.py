"""Deputies and members: their roles see the public figures of the projects they are attached to
and nothing personal of others; a visit lands on the project's timeline and may be raised as a
problem; a proposal runs on the case engine (lead department required, 3 months, satisfaction)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.deputies import queries, services
from liangping.deputies.models import ProposalProject, SiteVisit
from tests.cast import PASSWORD
from tests.tasks.conftest import png_bytes


@pytest.fixture
def reps(cast):  # type: ignore[no-untyped-def]
    return cast.deputy, cast.member


@pytest.mark.django_db
def test_a_deputy_reads_public_figures_and_no_personal_data(cast, reps, client):
    client.login(username="deputy", password=PASSWORD)
    home = client.get(reverse("deputies:home")).content.decode()
    assert "示例动力电池项目" in home and "示例智慧物流项目" not in home
    page = client.get(reverse("deputies:project", args=[cast.inside.pk])).content.decode()
    assert "示例动力电池项目" in page and "年度计划投资" in page
    for personal in ("张工", "13800138000", "专员甲", cast.specialist.phone or "专员甲"):
        assert personal not in page
    assert client.get(reverse("deputies:project", args=[cast.outside.pk])).status_code == 404
    assert client.get(reverse("projects:detail", args=[cast.inside.pk])).status_code == 404
    assert client.get(reverse("core:users")).status_code == 404
    assert "13800138000" not in client.get(reverse("projects:list")).content.decode()


@pytest.mark.django_db
def test_a_visit_is_on_the_timeline_and_raised_as_a_problem(cast, reps, client):
    deputy, _member = reps
    client.login(username="deputy", password=PASSWORD)
    url = reverse("deputies:visit_new", args=[cast.inside.pk])
    bad = client.post(url, {"date": "2026-11-01", "findings": " "})
    assert bad.status_code == 400 and "请填写视察情况" in bad.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert "视察日期不能晚于今天" in client.post(url, {"date": future, "findings": "看过"}).content.decode()
    assert not SiteVisit.objects.exists()
    done = client.post(
        url,
        {
            "date": timezone.localdate().isoformat(),
            "findings": "企业反映电力增容审批慢\n现场施工正常",
            "raise_problem": "1",
            "photos": SimpleUploadedFile("现场.png", png_bytes(), "image/png"),
        },
    )
    assert done.status_code == 302
    visit = SiteVisit.objects.get()
    assert visit.photos.count() == 1 and visit.case is not None
    assert visit.case.kind == "project_problem" and visit.case.subject == cast.inside
    assert visit.case.title == "企业反映电力增容审批慢"
    client.logout()
    client.login(username="supervisor", password=PASSWORD)
    timeline = client.get(reverse("projects:detail", args=[cast.inside.pk])).content.decode()
    assert "代表委员视察" in timeline and "代表甲（人大代表）" in timeline
    assert reverse("deputies:photo", args=[visit.photos.get().pk]) in timeline
    assert client.get(reverse("deputies:photo", args=[visit.photos.get().pk])).status_code == 200
    client.logout()
    client.login(username="owner", password=PASSWORD)
    assert client.get(reverse("deputies:visit", args=[visit.pk])).status_code == 404
    with pytest.raises(services.DeputyError, match="未联系该项目"):
        services.record_visit(deputy, cast.outside, timezone.localdate(), "看过")


@pytest.mark.django_db
def test_a_proposal_without_a_lead_department_is_refused(cast, reps, client):
    _deputy, member = reps
    with pytest.raises(services.DeputyError, match="请选择主办单位"):
        services.register_proposal(
            cast.supervisor, proposal_type="proposal", title="加快电力增容", description="", proposer=member
        )
    client.login(username="supervisor", password=PASSWORD)
    page = client.post(
        reverse("deputies:proposal_new"),
        {"proposal_type": "proposal", "title": "加快电力增容", "proposer": member.pk, "lead_org": ""},
    )
    assert page.status_code == 400 and "请选择主办单位" in page.content.decode()
    page = client.post(
        reverse("deputies:proposal_new"),
        {
            "proposal_type": "proposal",
            "title": "加快电力增容",
            "proposer": member.pk,
            "lead_org": cast.fagai.pk,
            "projects": "ZZ-9",
        },
    )
    assert "项目编号“ZZ-9”不存在" in page.content.decode()
    assert not Case.objects.filter(kind="proposal").exists()
    submitted = services.register_proposal(
        member, proposal_type="proposal", title="加快电力增容", description=""
    )
    with pytest.raises(engine.CaseFieldError, match="请选择牵头单位"):
        engine.act(submitted, "assign", actor=cast.supervisor)
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.lead_org is None


@pytest.mark.django_db
def test_a_proposal_is_answered_within_3_months_rated_and_reopened_once(cast, reps):
    deputy, _member = reps
    case = services.register_proposal(
        cast.supervisor,
        proposal_type="suggestion",
        title="优化项目审批",
        description="建议并联审批",
        projects="ZZ-2025-001",
        proposer=deputy,
        lead_org=cast.fagai,
        co_orgs=[cast.gongxin],
    )
    assert case.status == "assigned" and case.requester == deputy
    assert case.finish_unit == "months"
    assert list(ProposalProject.objects.values_list("project__code", flat=True)) == ["ZZ-2025-001"]
    engine.act(case, "accept", actor=cast.department)
    with pytest.raises(engine.CaseError):
        engine.act(case, "reply", actor=cast.district, note="答复")
    engine.act(case, "reply", actor=cast.department, note="已推行并联审批")
    with pytest.raises(engine.CaseFieldError, match="满意、基本满意、不满意"):
        engine.act(case, "rate", actor=deputy, rating="very_satisfied")
    with pytest.raises(engine.CaseFieldError, match="不满意时请写明原因"):
        engine.act(case, "rate", actor=deputy, rating="unsatisfied")
    engine.act(case, "rate", actor=deputy, rating="unsatisfied", note="未落实到位")
    assert case.status == "reopened" and case.reopen_count == 1
    engine.act(case, "reply", actor=cast.department, note="已落实")
    engine.act(case, "rate", actor=deputy, rating="unsatisfied", note="仍不满意")
    assert case.status == "closed"
    rates = queries.department_rates(Case.objects.filter(kind="proposal"))
    assert [(r.org, r.total, r.answered, r.on_time) for r in rates] == [("市发展改革委", 1, 1, 1)]
    assert rates[0].rate == 100


@pytest.mark.django_db
def test_three_months_from_assignment(cast, reps):
    deputy, _member = reps
    case = services.register_proposal(deputy, proposal_type="suggestion", title="建议一件", description="")
    engine.act(
        case,
        "assign",
        actor=cast.supervisor,
        lead_org=cast.fagai,
        at=timezone.make_aware(dt.datetime(2026, 3, 31, 9)),
    )
    assert case.deadline == dt.date(2026, 6, 30)
    assert case.is_overdue(dt.date(2026, 7, 1)) and not case.is_overdue(dt.date(2026, 6, 30))
