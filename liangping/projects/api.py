"""Key projects, monthly reports and site visits in the JSON API, scoped like the pages."""

import datetime as dt
import re
from typing import Annotated, Any

from django.db.models import Case as DbCase
from django.db.models import IntegerField, Prefetch, Q, When
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import BeforeValidator, WithJsonSchema

from liangping.cases.api import CaseDetailOut, CaseIn, register_case
from liangping.core.api import (
    Amount,
    AmountIn,
    FieldErrors,
    InputSchema,
    IsoDate,
    OrgRef,
    Pagination,
    QuerySchema,
    UserRef,
    actor,
    field_error,
    forbidden,
    org_ref,
    require_ledger,
    user_ref,
)
from liangping.core.models import Org, OrgKind, Role, User
from liangping.core.scope import sees_ledger
from liangping.projects import services
from liangping.projects.models import (
    LEVEL_SYNONYMS,
    STAGE_ORDER,
    STAGE_SYNONYMS,
    Level,
    Project,
    Stage,
    StageEvent,
)

router = Router(tags=["重点项目"])


# --- input parsing ----------------------------------------------------------------------------


def parse_stage(value: Any) -> str:
    text = str(value).strip()
    if text in STAGE_ORDER:
        return text
    if text in STAGE_SYNONYMS:
        return STAGE_SYNONYMS[text]
    raise ValueError(f"未知的建设阶段“{text}”，可选：{'、'.join(Stage.labels)}")


def parse_level(value: Any) -> str:
    text = str(value).strip()
    if text in Level.values:
        return text
    if text in LEVEL_SYNONYMS:
        return LEVEL_SYNONYMS[text]
    raise ValueError(f"未知的项目级别“{text}”，可选：{'、'.join(Level.labels)}")


def parse_month(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", str(value).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"年月“{value}”格式不正确，应为 YYYY-MM，例如 2025-06")
    return dt.date(int(match[1]), int(match[2]), 1)


StageIn = Annotated[str, BeforeValidator(parse_stage)]
LevelIn = Annotated[str, BeforeValidator(parse_level)]
MonthIn = Annotated[
    dt.date,
    BeforeValidator(parse_month),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{1,2}$", "examples": ["2025-06"]}),
]


# --- projects ---------------------------------------------------------------------------------


class ProjectRef(Schema):
    id: int
    code: str
    name: str


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    level: str
    level_label: str
    district: OrgRef
    industry: str
    unit: OrgRef | None
    total_investment: Amount = Field(..., description="总投资（万元）")
    annual_plan: Amount | None = Field(None, description="年度计划投资（万元）")
    plan_year: int | None
    stage: str
    stage_label: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    leader: UserRef | None
    department: OrgRef | None
    specialist: UserRef | None
    contact_name: str
    contact_phone: str = Field(..., description="联系电话；无权查看完整号码时脱敏为 138****8000 形式")
    sample: bool
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_contact_phone(obj: Project, context: Any) -> str:
        """Masked (138****8000) unless the caller may see it in full (core.privacy)."""
        request = (context or {}).get("request")
        return obj.contact_phone_for(getattr(request, "auth", None))

    @staticmethod
    def resolve_level_label(obj: Project) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_stage_label(obj: Project) -> str:
        return obj.get_stage_display()

    @staticmethod
    def resolve_district(obj: Project) -> Any:
        return org_ref(obj.district)

    @staticmethod
    def resolve_unit(obj: Project) -> Any:
        return org_ref(obj.unit)

    @staticmethod
    def resolve_department(obj: Project) -> Any:
        return org_ref(obj.department)

    @staticmethod
    def resolve_leader(obj: Project) -> Any:
        return user_ref(obj.leader)

    @staticmethod
    def resolve_specialist(obj: Project) -> Any:
        return user_ref(obj.specialist)


class StageEventOut(Schema):
    from_stage: str
    to_stage: str
    to_label: str
    date: dt.date
    author: UserRef | None
    note: str

    @staticmethod
    def resolve_to_label(obj: StageEvent) -> str:
        return obj.get_to_stage_display()

    @staticmethod
    def resolve_author(obj: StageEvent) -> Any:
        return user_ref(obj.author)


class ProjectDetailOut(ProjectOut):
    stage_history: list[StageEventOut]
    can_edit: bool
    can_submit_report: bool
    can_record_visit: bool
    warnings: list[str] = Field(
        [], description="需要核对但不妨碍保存的数据，如年度计划投资大于总投资；没有时为空列表"
    )

    @staticmethod
    def resolve_stage_history(obj: Project) -> Any:
        return list(obj.stage_events.all())

    @staticmethod
    def resolve_warnings(obj: Project) -> list[str]:
        warning = services.plan_warning(obj.total_investment, obj.annual_plan)
        return [warning] if warning else []


ORDERINGS = [
    "code",
    "name",
    "total_investment",
    "annual_plan",
    "stage",
    "planned_start",
    "planned_end",
    "updated_at",
]


class ProjectFilters(QuerySchema):
    district: int | None = Field(None, description="所属区（市）ID")
    stage: StageIn | None = Field(None, description="建设阶段，代码或中文（如 construction、在建）")
    level: LevelIn | None = Field(None, description="项目级别：provincial / city 或 省重点 / 市重点")
    industry: str | None = Field(None, description="产业类别")
    leader: int | None = Field(None, description="包保市领导 ID")
    department: int | None = Field(None, description="责任部门 ID")
    specialist: int | None = Field(None, description="项目专员 ID")
    q: str | None = Field(None, max_length=100, description="按项目名称或编号搜索")
    ordering: str = Field("code", description="排序字段，前加 - 为倒序：" + "、".join(ORDERINGS))


class ProjectPatch(InputSchema):
    version: int = Field(..., description="读取时的版本号")
    reason: str = Field("", max_length=1000, description="修改原因；变更建设阶段时必填")
    stage_date: IsoDate | None = Field(None, description="阶段变更日期，默认今天")
    name: str | None = Field(None, min_length=1, max_length=200)
    level: LevelIn | None = None
    district: int | None = None
    industry: str | None = Field(None, max_length=60)
    unit: int | None = None
    total_investment: AmountIn | None = None
    annual_plan: AmountIn | None = None
    plan_year: int | None = Field(None, ge=2000, le=2100)
    stage: StageIn | None = None
    planned_start: IsoDate | None = None
    planned_end: IsoDate | None = None
    leader: int | None = None
    department: int | None = None
    specialist: int | None = None
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)


NOT_NULL = {
    "name",
    "level",
    "district",
    "industry",
    "total_investment",
    "stage",
    "contact_name",
    "contact_phone",
}
ORG_FIELDS = {"district": OrgKind.DISTRICT, "unit": OrgKind.COMPANY, "department": OrgKind.DEPARTMENT}
USER_FIELDS = {"leader": Role.LEADER, "specialist": Role.SPECIALIST}


def label(name: str) -> str:
    return str(getattr(Project._meta.get_field(name), "verbose_name", name))


def project_values(payload: ProjectPatch, tenant_id: int | None = None) -> dict[str, Any]:
    """The changed fields as model values; every invalid one is a field error (422). `tenant_id`: the
    project's city, whose units and people alone it may be given."""
    given = payload.model_fields_set - {"version", "reason", "stage_date"}
    values = {name: getattr(payload, name) for name in given}
    errors: list[tuple[str | None, str]] = []
    for name in sorted(given & NOT_NULL):
        if values[name] is None:
            errors.append((name, f"{label(name)}不能为空"))
    for name, kind in ORG_FIELDS.items():
        if values.get(name) is not None:
            orgs = Org.objects.filter(pk=values[name], kind=kind)
            values[name] = (orgs if tenant_id is None else orgs.filter(tenant_id=tenant_id)).first()
            if values[name] is None:
                errors.append((name, f"{label(name)}不存在"))
    for name, role in USER_FIELDS.items():
        if values.get(name) is not None:
            people = User.objects.filter(pk=values[name], role=role, is_active=True)
            values[name] = (people if tenant_id is None else people.filter(org__tenant_id=tenant_id)).first()
            if values[name] is None:
                errors.append((name, f"{label(name)}不存在"))
    if errors:
        raise FieldErrors(errors)
    return values


def may_record_visit(user: User, project: Project) -> bool:
    return user.role == Role.SUPERVISOR or (user.role == Role.SPECIALIST and project.specialist_id == user.pk)


def visible_projects(user: User) -> Any:
    return Project.objects.visible_to(user).for_list()


def project_detail(user: User, pk: int) -> Project:
    events = Prefetch("stage_events", queryset=StageEvent.objects.select_related("author"))
    project = get_object_or_404(visible_projects(user).prefetch_related(events), pk=pk)
    project.can_edit = services.can_edit_project(user)  # type: ignore[attr-defined]
    project.can_submit_report = services.can_submit_report(user, project)  # type: ignore[attr-defined]
    project.can_record_visit = may_record_visit(user, project)  # type: ignore[attr-defined]
    return project


@router.get("/projects", response=list[ProjectOut], summary="项目台账（按权限范围）")
@paginate(Pagination)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    user = actor(request)
    if not sees_ledger(user):
        return Project.objects.none()
    qs = visible_projects(user)
    for name in ("district", "leader", "department", "specialist"):
        if getattr(filters, name) is not None:
            qs = qs.filter(**{f"{name}_id": getattr(filters, name)})
    for name in ("stage", "level", "industry"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    if filters.q and filters.q.strip():
        qs = qs.filter(Q(name__icontains=filters.q.strip()) | Q(code__icontains=filters.q.strip()))
    key = filters.ordering.strip()
    if key.lstrip("-") not in ORDERINGS:
        raise field_error("ordering", f"排序字段“{key}”无效，可选：{'、'.join(ORDERINGS)}")
    if key.lstrip("-") == "stage":
        rank = DbCase(
            *[When(stage=s, then=i) for i, s in enumerate(STAGE_ORDER)], output_field=IntegerField()
        )
        qs = qs.annotate(stage_rank=rank)
        key = key.replace("stage", "stage_rank")
    return qs.order_by(key, "code" if key.lstrip("-") != "code" else "id")


@router.get("/projects/{project_id}", response=ProjectDetailOut, summary="项目详情与阶段变更记录")
def get_project(request: HttpRequest, project_id: int) -> Project:
    return project_detail(require_ledger(request), project_id)


@router.patch("/projects/{project_id}", response=ProjectDetailOut, summary="修改项目台账（督查人员）")
def patch_project(request: HttpRequest, project_id: int, payload: ProjectPatch) -> Project:
    user = require_ledger(request)
    project = get_object_or_404(visible_projects(user), pk=project_id)
    if not services.can_edit_project(user):
        raise forbidden("只有督查人员可以修改项目台账")
    values = project_values(payload, project.district.tenant_id)
    start = values.get("planned_start", project.planned_start)
    end = values.get("planned_end", project.planned_end)
    if start and end and end < start:
        raise field_error("planned_end", "计划竣工时间不能早于计划开工时间")
    services.update_project(
        user,
        project,
        values,
        expected_version=payload.version,
        reason=payload.reason.strip(),
        stage_date=payload.stage_date,
    )
    return project_detail(user, project.pk)


@router.post("/projects/{project_id}/cases", response={201: CaseDetailOut}, summary="登记项目问题")
def register_project_case(request: HttpRequest, project_id: int, payload: CaseIn) -> Any:
    user = require_ledger(request)
    project = get_object_or_404(Project.objects.visible_to(user), pk=project_id)
    return Status(201, register_case(user, project, payload))
