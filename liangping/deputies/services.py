"""What deputies, members and the office do here: attach, record a visit, raise a finding as a
problem, register a proposal. One transaction and one audit entry each; bad input raises
DeputyError naming the form field, nothing saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.core import images
from liangping.core.audit import record
from liangping.core.models import Org, OrgKind, Role, User
from liangping.deputies.models import DeputyProject, ProposalProject, SiteVisit, SiteVisitPhoto
from liangping.projects.models import Project
from liangping.projects.services import LedgerError, Photo, check_photo

REPRESENTATIVES = (Role.DEPUTY, Role.MEMBER)
PROPOSAL = "proposal"
TYPES = {"proposal": "政协提案", "suggestion": "人大代表建议"}


class DeputyError(ValueError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def attached_projects(user: User) -> list[Project]:
    return [
        link.project
        for link in DeputyProject.objects.filter(user=user).select_related("project", "project__district")
    ]


def is_attached(user: User, project: Project) -> bool:
    return DeputyProject.objects.filter(user=user, project=project).exists()


@transaction.atomic
def attach(actor: User, deputy: User, project: Project) -> DeputyProject:
    if actor.role != Role.SUPERVISOR:
        raise DeputyError("只有督查人员可以安排联系项目")
    if deputy.role not in REPRESENTATIVES:
        raise DeputyError(f"“{deputy.name}”不是人大代表或政协委员", "user")
    link, created = DeputyProject.objects.get_or_create(user=deputy, project=project)
    if created:
        record(actor, "deputy.attach", link, changes={"user": deputy.name, "project": project.code})
    return link


@transaction.atomic
def record_visit(
    actor: User,
    project: Project,
    date: dt.date,
    findings: str,
    photos: Sequence[Photo] = (),
    *,
    raise_problem: bool = False,
    at: dt.datetime | None = None,
) -> SiteVisit:
    if actor.role not in REPRESENTATIVES:
        raise DeputyError("只有人大代表、政协委员可以登记视察调研")
    if not is_attached(actor, project):
        raise DeputyError("您未联系该项目，不能登记视察")
    if date > timezone.localdate():
        raise DeputyError("视察日期不能晚于今天", "date")
    if not findings.strip():
        raise DeputyError("请填写视察情况", "findings")
    try:
        checked = [(name, source, check_photo(name, source, 10)) for name, source in photos]
    except LedgerError as exc:
        raise DeputyError(str(exc), "photos") from exc
    visit = SiteVisit.objects.create(project=project, visitor=actor, date=date, findings=findings.strip())
    for name, source, ctype in checked:
        data = images.stored_bytes(source)  # without EXIF (no location of the person taking it)
        photo = SiteVisitPhoto(visit=visit, content_type=ctype, size=len(data), original_name=name[:200])
        ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[ctype]
        photo.image.save(f"deputy{visit.pk}.{ext}", ContentFile(data), save=False)
        photo.save()
    record(actor, "deputy.visit", visit, changes={"date": [None, str(date)], "photos": [0, len(checked)]})
    if raise_problem:
        raise_as_problem(actor, visit, at=at)
    return visit


@transaction.atomic
def raise_as_problem(actor: User, visit: SiteVisit, title: str = "", at: dt.datetime | None = None) -> Case:
    """The finding as a project problem (the project_problem kind, through the engine), once."""
    if actor.role != Role.SUPERVISOR and actor.pk != visit.visitor_id:
        raise DeputyError("只有视察人或督查人员可以把视察发现提为问题")
    if visit.case_id is not None:
        assert visit.case is not None
        return visit.case
    text = visit.findings
    case = engine.register(
        "project_problem",
        actor=actor,
        title=(title or text.splitlines()[0])[:200],
        description=text,
        subject=visit.project,
        source="deputy_visit",
        source_ref=f"deputy_visit:{visit.pk}",
        at=at,
    )
    SiteVisit.objects.filter(pk=visit.pk).update(case=case)
    visit.case = case
    return case


def _project_codes(text: str, actor: User) -> list[Project]:
    codes = [c.strip() for c in text.replace("，", ",").replace("、", ",").split(",") if c.strip()]
    if not codes:
        return []
    found = {p.code: p for p in Project.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise DeputyError(f"项目编号“{'、'.join(missing)}”不存在", "projects")
    return [found[c] for c in dict.fromkeys(codes)]


@transaction.atomic
def register_proposal(
    actor: User,
    *,
    proposal_type: str,
    title: str,
    description: str,
    projects: str = "",
    proposer: User | None = None,
    session_no: str = "",
    lead_org: Org | None = None,
    co_orgs: Sequence[Org] = (),
) -> Case:
    """A deputy's suggestion or a member's proposal as a `proposal` case. The office registering one
    on a proposer's behalf hands it to its lead department at once (a lead department is required);
    a deputy or member submits it and the office hands it on."""
    if actor.role in REPRESENTATIVES:
        proposer = actor
    elif actor.role != Role.SUPERVISOR:
        raise DeputyError("只有人大代表、政协委员或督查人员可以登记提案建议")
    if proposer is None or proposer.role not in REPRESENTATIVES:
        raise DeputyError("请选择提出人（人大代表或政协委员）", "proposer")
    if proposal_type not in TYPES:
        raise DeputyError("请选择类别（政协提案或人大代表建议）", "proposal_type")
    if actor.role == Role.SUPERVISOR and lead_org is None:
        raise DeputyError("请选择主办单位：提案建议须有主办单位", "lead_org")
    if lead_org is not None and lead_org.kind not in (OrgKind.DEPARTMENT, OrgKind.DISTRICT):
        raise DeputyError(f"“{lead_org.name}”不是部门或区（市），不能主办", "lead_org")
    linked = _project_codes(projects, actor)
    try:
        case = engine.register(
            PROPOSAL,
            actor=actor,
            title=title,
            description=description,
            data={"proposal_type": proposal_type, "proposer_name": proposer.name, "session_no": session_no},
            requester=proposer,
            source="deputies",
        )
        if lead_org is not None:
            engine.act(case, "assign", actor=actor, lead_org=lead_org, co_orgs=list(co_orgs))
    except engine.CaseFieldError as exc:
        raise DeputyError(str(exc), exc.field) from exc
    except engine.CaseError as exc:
        raise DeputyError(str(exc)) from exc
    ProposalProject.objects.bulk_create([ProposalProject(case=case, project=p) for p in linked])
    if linked:
        record(actor, "proposal.link", case, changes={"projects": [None, [p.code for p in linked]]})
    return case
