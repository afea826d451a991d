"""The services API: a hall's own system reports each handled case (办件) as it happens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from liangping.core.api import NOT_FOUND, ApiError, InputSchema, field_error, require_ledger
from liangping.services import handled as handled_svc
from liangping.services.models import HandledCase, Matter, ServicePoint, Source
from liangping.services.permissions import records

router = Router(tags=["政务服务"])


class HandledIn(InputSchema):
    ref: str = Field(description="办件编号（本市唯一）", max_length=60)
    point: int = Field(description="服务点编号")
    matter: str = Field(description="事项编码", max_length=60)
    applicant: str = Field("person", description="申请人类型：person 个人，firm 企业")
    received_at: dt.datetime = Field(description="受理时间")
    finished_at: dt.datetime | None = Field(None, description="办结时间（不得早于受理时间）")
    outcome: str = Field("", description="办理结果：done 办结，refused 不予许可，withdrawn 撤回")


class HandledOut(Schema):
    id: int
    ref: str
    point: str
    matter: str
    workdays: int | None
    on_time: bool | None


@router.post("/services/handled", response={201: HandledOut}, summary="登记办件（大厅业务系统按件报送）")
def create_handled(request: HttpRequest, payload: HandledIn) -> Any:
    user = require_ledger(request)
    if not records(user):
        raise ApiError(404, NOT_FOUND)
    point = ServicePoint.objects.visible_to(user).filter(pk=payload.point).first()
    if point is None:
        raise field_error("point", "服务点不存在或不在您的范围内")
    matter = Matter.objects.filter(tenant_id=point.tenant_id, code=payload.matter.strip()).first()
    if matter is None:
        raise field_error("matter", f"事项编码“{payload.matter.strip()}”不在事项目录中")
    item = handled_svc.HandledInput(
        payload.ref,
        point,
        matter,
        payload.applicant,
        payload.received_at,
        payload.finished_at,
        payload.outcome,
    )
    try:
        row: HandledCase = handled_svc.record_handled(user, item, Source.API)
    except handled_svc.HandledError as exc:
        raise field_error(exc.field, str(exc)) from exc
    return Status(
        201,
        {
            "id": row.pk,
            "ref": row.ref,
            "point": point.name,
            "matter": matter.code,
            "workdays": row.workdays,
            "on_time": row.on_time,
        },
    )
