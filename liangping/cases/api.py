"""Cases (问题闭环) in the JSON API: list, detail with steps, and the closed-loop actions."""

import datetime as dt
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from liangping.cases import engine, services
from liangping.cases.models import Case, CaseStep, kind_specs
from liangping.cases.scope import may_register
from liangping.core.api import (
    InputSchema,
    OrgRef,
    Pagination,
    QuerySchema,
    UserRef,
    actor,
    conflict,
    field_error,
    forbidden,
    org_ref,
    require_ledger,
    user_ref,
)
from liangping.core.models import Org, OrgKind, Role, User
from liangping.core.privacy import mask_id_number, mask_phone, may_see_full_phone
from liangping.core.scope import sees_ledger

router = Router(tags=["问题闭环"])

STALE = "该问题已被他人处理，请刷新页面后再操作"
HANDLER_KINDS = (OrgKind.DEPARTMENT, OrgKind.DISTRICT, OrgKind.TOWN)


class SubjectRef(Schema):
    type: str
    id: int
    name: str


class CaseStepOut(Schema):
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor: UserRef | None
    at: dt.datetime
    note: str

    @staticmethod
    def resolve_action_label(obj: CaseStep) -> str:
        return services.ACTION_LABELS.get(obj.action, obj.action)

    @staticmethod
    def resolve_actor(obj: CaseStep) -> Any:
        return user_ref(obj.actor)


class CaseOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    description: str
    status: str
    status_label: str
    subject: SubjectRef | None
    source: str
    lead_org: OrgRef | None
    co_orgs: list[OrgRef]
    registered_by: UserRef | None
    registered_at: dt.datetime
    assigned_at: dt.datetime | None
    deadline: dt.date | None
    deadline_note: str
    overdue: bool
    replied_at: dt.datetime | None
    reply: str
    closed_at: dt.datetime | None
    return_count: int
    version: int
    category: str = Field("", description="分类代码")
    category_label: str = ""
    urgency: str = ""
    urgency_label: str = ""
    channel: str = ""
    data: dict[str, Any] = Field(default_factory=dict, description="该类型的事项信息（电话、证件号脱敏）")
    place_org: OrgRef | None = None
    respond_by: dt.datetime | None = None
    responded_at: dt.datetime | None = None
    response_overdue: bool = False
    due_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    reopen_count: int = 0
    spec_version: int = 1

    @staticmethod
    def resolve_category(obj: Case) -> str:
        return obj.category.code if obj.category is not None else ""

    @staticmethod
    def resolve_category_label(obj: Case) -> str:
        return obj.category.name if obj.category is not None else ""

    @staticmethod
    def resolve_urgency_label(obj: Case) -> str:
        return obj.spec.urgency_label(obj.urgency) if obj.urgency else ""

    @staticmethod
    def resolve_data(obj: Case, context: Any) -> dict[str, Any]:
        user = context["request"].auth if context else None
        return shown_data(obj, user)

    @staticmethod
    def resolve_place_org(obj: Case) -> Any:
        return org_ref(obj.place_org)

    @staticmethod
    def resolve_response_overdue(obj: Case) -> bool:
        return obj.response_overdue()

    @staticmethod
    def resolve_kind_label(obj: Case) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj: Case) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_subject(obj: Case) -> Any:
        ct = obj.subject_ct
        if ct is None or obj.subject is None:
            return None
        return {
            "type": f"{ct.app_label}.{ct.model}",
            "id": obj.subject_id,
            "name": str(obj.subject),
        }

    @staticmethod
    def resolve_lead_org(obj: Case) -> Any:
        return org_ref(obj.lead_org)

    @staticmethod
    def resolve_co_orgs(obj: Case) -> Any:
        return [org_ref(o) for o in obj.co_orgs.all()]

    @staticmethod
    def resolve_registered_by(obj: Case) -> Any:
        return user_ref(obj.registered_by)

    @staticmethod
    def resolve_overdue(obj: Case) -> bool:
        return obj.is_overdue()


class CaseDetailOut(CaseOut):
    steps: list[CaseStepOut]
    allowed_actions: list[str]

    @staticmethod
    def resolve_steps(obj: Case) -> Any:
        return list(obj.steps.all())

    @staticmethod
    def resolve_allowed_actions(obj: Case) -> list[str]:
        return getattr(obj, "api_allowed_actions", [])


class CaseIn(InputSchema):
    title: str = Field(..., max_length=200, description="问题（一句话）")
    description: str = Field("", max_length=5000, description="问题描述")


class CaseActionIn(InputSchema):
    action: Literal["assign", "handle", "reply", "verify", "close", "verify_close", "return", "feedback"]
    note: str = Field("", max_length=5000, description="说明；答复和退回必填，不满意的评价必填")
    verdict: Literal["satisfied", "unsatisfied", ""] = Field(
        "", description="项目单位对答复的评价（评价时必填）：满意或不满意"
    )
    lead_org: int | None = Field(None, description="牵头单位（交办时必填）")
    co_orgs: list[int] = Field(default_factory=list, description="协办单位")
    version: int = Field(..., description="读取时的版本号")


class CaseRegisterIn(InputSchema):
    kind: str = Field(..., max_length=40, description="事项类型代码")
    title: str = Field(..., max_length=200, description="标题（一句话）")
    description: str = Field("", max_length=5000, description="详细描述")
    category: str | None = Field(None, max_length=40, description="分类代码（该类型有分类时必填）")
    urgency: str = Field("", max_length=40, description="紧急程度代码（该类型有紧急程度时必填）")
    channel: str = Field("api", max_length=40, description="受理渠道代码")
    data: dict[str, Any] = Field(default_factory=dict, description="该类型的事项信息，键为字段代码")
    place_org: int | None = Field(None, description="发生地（单位 ID）")
    contact_phone: str = Field("", max_length=30, description="联系电话")


class CaseActIn(InputSchema):
    action: str = Field(..., max_length=40, description="操作代码（见该事项的 allowed_actions）")
    note: str = Field("", max_length=5000, description="说明或理由")
    version: int = Field(..., description="读取时的版本号")
    lead_org: int | None = Field(None, description="牵头单位（交办、派单、转办时必填）")
    co_orgs: list[int] = Field(default_factory=list, description="协办单位")
    rating: str = Field("", max_length=20, description="满意度或评价代码")
    days: int | None = Field(None, description="延期天数（工作日）")
    date: dt.date | None = Field(None, description="办理日期（该操作需填日期时；默认今天）")
    data: dict[str, Any] = Field(default_factory=dict, description="该操作要求填写的事项信息，键为字段代码")


class CaseFilters(QuerySchema):
    status: str | None = Field(None, description="状态代码（见各类型配置）")
    kind: str | None = Field(None, description="事项类型代码（见事项类型配置）")
    overdue: bool | None = Field(None, description="只看超期（true）或未超期（false）")
    project: int | None = Field(None, description="项目 ID")


def cases_for(user: User) -> Any:
    return (
        Case.objects.visible_to(user)
        .select_related("lead_org", "registered_by", "subject_ct", "category", "place_org")
        .prefetch_related("co_orgs", "subject")
    )


def shown_data(case: Case, user: Any) -> dict[str, Any]:
    """The kind's fields of a case as the user may see them: phone and ID numbers masked unless the
    user may see them in full (the supervisor sees phones; ID numbers only through the audited 显示)."""
    out: dict[str, Any] = {}
    full_phone = may_see_full_phone(user, own_users=[case.registered_by_id, case.requester_id])
    for f in case.spec.fields:
        if f.code not in case.data:
            continue
        value = case.data[f.code]
        if f.type == "phone" and not full_phone:
            value = mask_phone(str(value))
        elif f.type == "idcard":
            value = mask_id_number(str(value))
        out[f.code] = value
    return out


def case_detail(user: User, pk: int) -> Case:
    """The case with its steps and the actions this user may take now, or 404 outside scope."""
    steps = Prefetch("steps", queryset=CaseStep.objects.select_related("actor"))
    case = get_object_or_404(cases_for(user).prefetch_related(steps), pk=pk)
    case.api_allowed_actions = services.allowed_actions(user, case)  # type: ignore[attr-defined]
    return case


@router.get("/cases", response=list[CaseOut], summary="问题列表（按权限范围）")
@paginate(Pagination)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    user = actor(request)
    if not sees_ledger(user):
        return Case.objects.none()
    qs = cases_for(user)
    specs = kind_specs()
    if filters.kind and filters.kind not in specs:
        raise field_error("kind", f"没有“{filters.kind}”这一事项类型（可选：{'、'.join(specs)}）")
    wanted = [specs[filters.kind]] if filters.kind else list(specs.values())
    if filters.status and not any(s.state(filters.status) for s in wanted):
        raise field_error("status", f"没有“{filters.status}”这一状态")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.overdue is not None:
        overdue = Case.objects.overdue(timezone.localdate()).values("pk")
        qs = qs.filter(pk__in=overdue) if filters.overdue else qs.exclude(pk__in=overdue)
    if filters.project is not None:
        ct = ContentType.objects.get_by_natural_key("projects", "project")
        qs = qs.filter(subject_ct=ct, subject_id=filters.project)
    return qs


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="问题详情与办理记录")
def get_case(request: HttpRequest, case_id: int) -> Case:
    user = require_ledger(request)
    return case_detail(user, case_id)


def _may_ever(user: User, case: Case, action: str) -> bool:
    """Whether this user's role could take the action on this case in some state."""
    if action in ("handle", "reply"):
        return services.is_handler(user, case)
    if action == "feedback":
        return user.role == Role.OWNER
    return user.role == Role.SUPERVISOR


def _orgs(payload: CaseActionIn) -> tuple[Org, list[Org]]:
    if payload.lead_org is None:
        raise field_error("lead_org", "交办时请选择牵头单位")
    wanted = {payload.lead_org, *payload.co_orgs}
    found = {o.pk: o for o in Org.objects.filter(pk__in=wanted, kind__in=HANDLER_KINDS)}
    if payload.lead_org not in found:
        raise field_error("lead_org", "牵头单位不存在，或不是市直部门、区（市）、镇街")
    missing = [pk for pk in payload.co_orgs if pk not in found]
    if missing:
        raise field_error("co_orgs", f"协办单位不存在或类型不符：{'、'.join(map(str, missing))}")
    return found[payload.lead_org], [found[pk] for pk in payload.co_orgs]


@router.post(
    "/cases/{case_id}/actions", response=CaseDetailOut, summary="办理问题：交办、办理、答复、核实、销号或退回"
)
def act_on_case(request: HttpRequest, case_id: int, payload: CaseActionIn) -> Case:
    user = require_ledger(request)
    case = get_object_or_404(Case.objects.visible_to(user).select_related("lead_org"), pk=case_id)
    label = services.ACTION_LABELS[payload.action]
    if not _may_ever(user, case, payload.action):
        raise forbidden(f"您无权{label}此问题")
    if payload.version != case.version:
        raise conflict(STALE)
    if payload.action not in services.allowed_actions(user, case):
        raise conflict(f"该问题当前为“{case.get_status_display()}”，不能{label}")
    if payload.action == "assign":
        lead, co = _orgs(payload)
        services.assign(user, case, lead, co, note=payload.note.strip(), expected_version=payload.version)
    elif payload.action == "feedback":
        if not payload.verdict:
            raise field_error("verdict", "请选择满意或不满意")
        if payload.verdict == "unsatisfied" and not payload.note.strip():
            raise field_error("note", "不满意时请写明原因")
        services.give_feedback(user, case, payload.verdict, payload.note, expected_version=payload.version)
    elif payload.action == "verify_close":
        services.verify_and_close(user, case, payload.note, expected_version=payload.version)
    else:
        if payload.action in ("reply", "return") and not payload.note.strip():
            raise field_error("note", "请填写答复内容" if payload.action == "reply" else "退回必须写明原因")
        services.advance(user, case, payload.action, payload.note, expected_version=payload.version)
    return case_detail(user, case.pk)


@router.post("/cases", response={201: CaseDetailOut}, summary="登记事项（任一类型，字段按该类型配置校验）")
def create_case(request: HttpRequest, payload: CaseRegisterIn) -> tuple[int, Case]:
    user = require_ledger(request)
    try:
        spec = engine.kind_row(payload.kind).load()
    except engine.CaseError as exc:
        raise field_error("kind", str(exc)) from exc
    if not may_register(user, spec):
        raise forbidden(f"您不能登记{spec.name}")
    if spec.subject:
        raise field_error("kind", f"{spec.name}须在所属事项下登记（如项目问题在项目下登记）")
    place = None
    if payload.place_org is not None:
        place = Org.objects.filter(pk=payload.place_org).first()
        if place is None:
            raise field_error("place_org", "发生地单位不存在")
    case = engine.register(
        payload.kind,
        actor=user,
        title=payload.title,
        description=payload.description,
        category=payload.category,
        urgency=payload.urgency,
        channel=payload.channel,
        data=payload.data,
        place_org=place,
        contact_phone=payload.contact_phone,
    )
    return 201, case_detail(user, case.pk)


@router.post("/cases/{case_id}/act", response=CaseDetailOut, summary="办理事项：按该类型配置的任一操作")
def act_generic(request: HttpRequest, case_id: int, payload: CaseActIn) -> Case:
    user = require_ledger(request)
    case = get_object_or_404(Case.objects.visible_to(user).select_related("lead_org"), pk=case_id)
    spec = case.spec
    t = spec.transition(payload.action)
    if t is None:
        raise field_error("action", f"{spec.name}没有“{payload.action}”这一操作")
    if not engine.may_ever(user, case, payload.action):
        raise forbidden(f"您无权{t.verb_text}此{spec.noun}")
    if payload.version != case.version:
        raise conflict(engine.stale_message(spec))
    lead = None
    co: list[Org] = []
    if payload.lead_org is not None or payload.co_orgs:
        wanted = {*payload.co_orgs, payload.lead_org}
        found = {o.pk: o for o in Org.objects.filter(pk__in=[pk for pk in wanted if pk])}
        if payload.lead_org is not None:
            lead = found.get(payload.lead_org)
            if lead is None:
                raise field_error("lead_org", "牵头单位不存在")
        missing = [pk for pk in payload.co_orgs if pk not in found]
        if missing:
            raise field_error("co_orgs", f"协办单位不存在：{'、'.join(map(str, missing))}")
        co = [found[pk] for pk in payload.co_orgs]
    engine.act(
        case,
        payload.action,
        actor=user,
        note=payload.note,
        expected_version=payload.version,
        lead_org=lead,
        co_orgs=co,
        rating=payload.rating,
        days=payload.days,
        data=payload.data,
        date=payload.date,
    )
    return case_detail(user, case.pk)


def register_case(user: User, subject: Any, payload: CaseIn) -> Case:
    """Register a problem on a subject the user can see (called by the subject's router)."""
    if not payload.title.strip():
        raise field_error("title", "请填写问题内容")
    case = services.register(user, payload.title, description=payload.description.strip(), subject=subject)
    return case_detail(user, case.pk)
