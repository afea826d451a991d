"""Site visits (现场走访) in the JSON API: list, record with photos, download a photo."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from liangping.core.api import (
    IsoDate,
    Pagination,
    QuerySchema,
    UserRef,
    actor,
    field_error,
    forbidden,
    require_ledger,
    user_ref,
)
from liangping.core.models import User
from liangping.core.scope import sees_ledger
from liangping.plaintext import control_char, refusal
from liangping.projects import services
from liangping.projects.api import ProjectRef, may_record_visit
from liangping.projects.models import Project, Visit, VisitPhoto

router = Router(tags=["现场走访"])
MAX_PHOTOS = 20


class PhotoOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class VisitOut(Schema):
    id: int
    project: ProjectRef
    specialist: UserRef
    date: dt.date
    findings: str
    photos: list[PhotoOut]
    created_at: dt.datetime

    @staticmethod
    def resolve_specialist(obj: Visit) -> Any:
        return user_ref(obj.specialist)

    @staticmethod
    def resolve_photos(obj: Visit) -> Any:
        return [
            {
                "id": p.pk,
                "name": p.original_name,
                "content_type": p.content_type,
                "size": p.size,
                "url": reverse("api:visit_photo", kwargs={"visit_id": obj.pk, "photo_id": p.pk}),
            }
            for p in obj.photos.all()
        ]


class VisitFilters(QuerySchema):
    project: int | None = Field(None, description="项目 ID")
    specialist: int | None = Field(None, description="项目专员 ID")
    since: IsoDate | None = Field(None, description="走访日期不早于")
    until: IsoDate | None = Field(None, description="走访日期不晚于")


def visits_for(user: User) -> Any:
    return Visit.objects.visible_to(user).select_related("project", "specialist").prefetch_related("photos")


@router.get("/visits", response=list[VisitOut], summary="现场走访（按权限范围）")
@paginate(Pagination)
def list_visits(request: HttpRequest, filters: Query[VisitFilters]) -> Any:
    user = actor(request)
    if not sees_ledger(user):
        return Visit.objects.none()
    qs = visits_for(user)
    if filters.project is not None:
        qs = qs.filter(project_id=filters.project)
    if filters.specialist is not None:
        qs = qs.filter(specialist_id=filters.specialist)
    if filters.since:
        qs = qs.filter(date__gte=filters.since)
    if filters.until:
        qs = qs.filter(date__lte=filters.until)
    return qs


@router.post(
    "/projects/{project_id}/visits",
    response={201: VisitOut},
    summary="登记现场走访（可附照片）",
)
def record_visit(
    request: HttpRequest,
    project_id: int,
    date: Form[dt.date],
    findings: Form[str],
    photos: list[UploadedFile] = File(default=None, description="现场照片（JPG、PNG、WEBP）"),  # noqa: B008
) -> Any:
    user = require_ledger(request)
    project = get_object_or_404(Project.objects.visible_to(user), pk=project_id)
    if not may_record_visit(user, project):
        raise forbidden("只有该项目的项目专员或督查人员可以登记走访")
    bad = control_char(findings)
    if bad is not None:
        raise field_error("findings", refusal("走访情况", bad))
    files = list(photos or [])
    if len(files) > MAX_PHOTOS:
        raise field_error("photos", f"每次最多上传 {MAX_PHOTOS} 张照片")
    # Each file as Django spooled it (to a temporary file beyond FILE_UPLOAD_MAX_MEMORY_SIZE): its size
    # is checked before it is read, and photos are read one at a time.
    visit = services.record_visit(
        user,
        project,
        date,
        findings,
        [(f.name or "photo", f) for f in files],
        max_photo_mb=settings.LIANGPING_MAX_PHOTO_MB,
    )
    return Status(201, visits_for(user).get(pk=visit.pk))


@router.get("/visits/{visit_id}/photos/{photo_id}", response={200: None}, summary="下载走访照片")
def visit_photo(request: HttpRequest, visit_id: int, photo_id: int) -> FileResponse:
    user = require_ledger(request)
    visit = get_object_or_404(Visit.objects.visible_to(user), pk=visit_id)
    photo = get_object_or_404(VisitPhoto, pk=photo_id, visit=visit)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
