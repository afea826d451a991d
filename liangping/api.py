"""The JSON API at /api/v1/ (django-ninja); routers live in each app's api.py.

Every error is JSON with a Chinese message: 401 请先登录, 403 for an action the role may not take,
404 未找到该记录 (also for anything outside the user's scope), 409 for a stale version or a state
that no longer allows the action, 422 [{"field", "message"}] for invalid input, 500 without a trace.
"""

import json
import logging
import re
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import ninja
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, RequestDataTooBig, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine
from django.urls import reverse
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import DocsBase

from liangping.cases.api import router as cases_router
from liangping.cases.services import CaseConflict, CaseError, CaseFieldError
from liangping.core.api import AUTH, NOT_FOUND, ApiError, FieldErrors, request_token
from liangping.core.api import router as core_router
from liangping.core.ids import is_out_of_range
from liangping.grading.api import router as grading_router
from liangping.plaintext import refusal
from liangping.projects.api import router as projects_router
from liangping.projects.api_reports import router as reports_router
from liangping.projects.api_visits import router as visits_router
from liangping.projects.services import ConflictError, LedgerError
from liangping.services.api import router as services_router
from liangping.tasks.api import router as tasks_router

logger = logging.getLogger("liangping.api")

# --- docs without any request to another origin ------------------------------------------------
# ninja ships Swagger UI in its package; the docs page loads it from this API, not from a CDN,
# so the docs work on an intranet with no internet access.
SWAGGER_DIR = Path(ninja.__file__).parent / "static" / "ninja"
SWAGGER_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
    "favicon.png": "image/png",
}
DOCS_PAGE = """<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<link rel="stylesheet" href="{{ assets }}swagger-ui.css">
<link rel="icon" href="{{ assets }}favicon.svg" type="image/svg+xml">
</head>
<body data-csrf-token="{{ csrf_token }}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{{ settings|safe }}</script>
<div id="swagger-ui"></div>
<script src="{{ assets }}swagger-ui-bundle.js"></script>
<script src="{{ assets }}swagger-ui-init.js"></script>
</body>
</html>"""


class LocalSwagger(DocsBase):
    """Swagger UI served by this API (no CDN). Signed-in users can try requests: the page carries
    the CSRF token, which ninja's swagger-ui-init.js sends with every request."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        context = Context(
            {
                "title": api.title,
                "assets": reverse(f"{api.urls_namespace}:api-root") + "docs/assets/",
                "settings": json.dumps(settings),
                "csrf_token": get_token(request),
            }
        )
        return HttpResponse(Engine().from_string(DOCS_PAGE).render(context))


def signed_in_in_production(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and the docs page describe every operation: in production only signed-in users
    (a session past the sign-in gate, or an accepted API token) read them; elsewhere they are open."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.PRODUCTION and not (request.user.is_authenticated or request_token(request) is not None):
            return JsonResponse({"detail": "请先登录后再查看接口文档"}, status=401)
        return view(request, *args, **kwargs)

    return guarded


# The errors every operation may answer (see the module docstring), documented in the schema so that
# clients and schema-driven tests know them: {"detail": "…"} or, for 422, [{"field", "message"}].
ERROR_RESPONSES = {
    "400": "请求内容不是有效的 JSON",
    "401": "未登录或接口令牌无效",
    "403": "该角色不能执行此操作",
    "404": "未找到该记录（不存在，或不在您的查看范围内）",
    "409": "记录已被他人修改，或当前状态不允许该操作",
    "422": "填写有误：逐项列出字段和原因",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                            "message": {"type": "string"},
                        },
                        "required": ["field", "message"],
                    },
                },
            ]
        }
    },
    "required": ["detail"],
}


class LiangpingAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, text in ERROR_RESPONSES.items():
                    responses.setdefault(code, {"description": text, "content": error})
        return schema


api = LiangpingAPI(
    title="亮屏 liangping API",
    version="1",
    description=(
        "重点项目台账、月度调度、现场走访与问题闭环的数据接口。认证：`Authorization: Bearer <令牌>`，"
        "或网页登录后的会话（修改类请求需附 CSRF 令牌）。金额单位为万元，以字符串表示的精确小数。"
    ),
    urls_namespace="api",
    auth=AUTH,
    docs=LocalSwagger(),
    docs_decorator=signed_in_in_production,
)
api.add_router("", core_router)
api.add_router("", projects_router)
api.add_router("", reports_router)
api.add_router("", visits_router)
api.add_router("", cases_router)
api.add_router("", grading_router)
api.add_router("", tasks_router)
api.add_router("", services_router)


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs_asset")
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in SWAGGER_ASSETS:
        raise Http404
    response = FileResponse((SWAGGER_DIR / name).open("rb"), content_type=SWAGGER_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


fallback = Router(tags=["其他"])


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    """Anything else under /api/v1/ answers a JSON 404, not the site's HTML page."""
    raise Http404


api.add_router("", fallback)  # last: Django tries URL patterns in order


# --- errors -----------------------------------------------------------------------------------

LOCATIONS = {"body", "query", "path", "form", "file", "header", "cookie"}
EXTRA_LABELS = {
    "version": "版本号",
    "reason": "原因",
    "stage_date": "阶段变更日期",
    "month": "年月",
    "note": "说明",
    "approve": "审核结论",
    "action": "操作",
    "lead_org": "牵头单位",
    "co_orgs": "协办单位",
    "photos": "照片",
    "limit": "每页条数",
    "offset": "跳过条数",
    "ordering": "排序",
    "overdue": "是否超期",
    "title": "问题",
}


def field_label(field: str) -> str:
    from liangping.cases.models import Case
    from liangping.projects.models import MonthlyReport, Project, Visit

    if field in EXTRA_LABELS:
        return EXTRA_LABELS[field]
    for model in (Project, MonthlyReport, Visit, Case):
        try:
            label = str(getattr(model._meta.get_field(field), "verbose_name", field))
        except FieldDoesNotExist:
            continue
        return label.split("（")[0]
    return field


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = list(loc)
    if parts and parts[0] in LOCATIONS:
        source = parts.pop(0)
        if source in {"body", "form"} and len(parts) > 1 and parts[0] == "payload":
            parts.pop(0)
    return ".".join(str(p) for p in parts if p != "payload")


def translate(error: dict[str, Any]) -> tuple[str | None, str]:
    """One pydantic error as (field, Chinese message)."""
    field = _field_of(tuple(error.get("loc", ())))
    base = field.split(".")[0] if field else ""
    label = field_label(base) if base else "请求内容"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in {"value_error", "assertion_error"}:
        message = str(ctx.get("error", error.get("msg", ""))).removeprefix("Value error, ")
    elif kind == "missing":
        message = f"{label}为必填项"
    elif kind == "control_character":
        message = refusal(label, str(ctx.get("char", "")))
    elif kind == "extra_forbidden":
        message = f"不支持的字段：{field}"
    elif kind in {"decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number"}:
        message = f"{label}应为数字"
    elif kind == "decimal_max_places":
        message = f"{label}最多保留 {ctx.get('decimal_places')} 位小数"
    elif kind in {"decimal_max_digits", "decimal_whole_digits"}:
        message = f"{label}数值过大"
    elif kind == "greater_than_equal":
        message = f"{label}不能为负数" if str(ctx.get("ge")) == "0" else f"{label}不能小于 {ctx.get('ge')}"
    elif kind == "greater_than":
        message = f"{label}应大于 {ctx.get('gt')}"
    elif kind in {"less_than_equal", "less_than"}:
        message = f"{label}不能大于 {ctx.get('le', ctx.get('lt'))}"
    elif kind in {"int_parsing", "int_type", "int_from_float"}:
        message = f"{label}应为整数"
    elif kind in {"bool_parsing", "bool_type"}:
        message = f"{label}应为 true 或 false"
    elif kind.startswith("date") or kind.startswith("datetime"):
        message = f"{label}应为日期，格式如 2025-06-30"
    elif kind == "string_too_long":
        message = f"{label}不能超过 {ctx.get('max_length')} 个字"
    elif kind == "string_too_short":
        message = f"{label}不能为空"
    elif kind == "string_type":
        message = f"{label}应为文本"
    elif kind in {"literal_error", "enum"}:
        choices = str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")
        message = f"{label}取值无效，可选：{choices.replace(', ', '、')}"
    elif kind in {"list_type", "tuple_type", "set_type"}:
        message = f"{label}应为列表"
    elif kind in {"model_type", "dict_type", "model_attributes_type"}:
        message = "请求内容应为 JSON 对象" if not field else f"{label}格式不正确"
    elif kind == "json_invalid":
        message = "请求内容不是有效的 JSON，请检查格式后重试"
    else:
        message = f"{label}填写有误"
    return field or None, message


GENERIC = {400: "请求无效", 401: "请先登录", 403: "您无权执行此操作", 404: NOT_FOUND}


def _detail(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


def _fields(request: HttpRequest, errors: list[tuple[str | None, str]]) -> HttpResponse:
    return _detail(request, 422, [{"field": f or None, "message": m} for f, m in errors])


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, 401, "请先登录")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = "请求内容不是有效的 JSON，请检查格式后重试"
    elif exc.status_code == 403 and message.startswith("CSRF"):
        message = "安全校验（CSRF）未通过，请刷新页面后重试，或改用接口令牌"
    elif exc.status_code == 429:
        message = "请求过于频繁，请稍后再试"
    elif not re.search(r"[\u4e00-\u9fff]", message):
        message = GENERIC.get(exc.status_code, "请求无法处理")
    return _detail(request, exc.status_code, message)


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _detail(request, exc.status, exc.detail)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, 404, NOT_FOUND)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _fields(request, [translate(e) for e in exc.errors])


@api.exception_handler(FieldErrors)
def on_field_errors(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
    return _fields(request, exc.errors)


@api.exception_handler(DjangoValidationError)
def on_django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        return _fields(request, [(f, str(m)) for f, msgs in exc.message_dict.items() for m in msgs])
    return _fields(request, [(None, m) for m in exc.messages])


@api.exception_handler(ConflictError)
def on_conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return _detail(request, 409, str(exc))


@api.exception_handler(LedgerError)
def on_ledger_error(request: HttpRequest, exc: LedgerError) -> HttpResponse:
    # With a field: the value is wrong. Without: the record's state refuses the change (routers
    # check permissions before calling a service, so a refusal here is about the state).
    if exc.field:
        return _fields(request, [(exc.field, str(exc))])
    return _detail(request, 409, str(exc))


@api.exception_handler(CaseError)
def on_case_error(request: HttpRequest, exc: CaseError) -> HttpResponse:
    # The case engine's errors carry no code; routers check version, permission and notes first,
    # so what reaches here is a race lost to another user or a refused state.
    message = str(exc)
    if isinstance(exc, CaseFieldError):
        return _fields(request, [(exc.field, message)])
    if isinstance(exc, CaseConflict) or message.startswith("当前状态"):
        return _detail(request, 409, message)
    if "已被他人处理" in message:
        return _detail(request, 409, message)
    return _fields(request, [(None, message)])


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _detail(request, 413, "请求内容过大：除文件外的内容最多 2 MB，请精简后重试")


@api.exception_handler(TooManyFilesSent)
def on_too_many_files(request: HttpRequest, exc: Exception) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    return _detail(request, 413, f"一次请求最多上传 {limit} 个文件，请分几次上传")


@api.exception_handler(Exception)
def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    if is_out_of_range(exc):  # a number no record id can be (liangping.core.ids): not a fault
        return _detail(request, 404, NOT_FOUND)
    logger.exception("API 请求出错：%s %s", request.method, request.path, exc_info=exc)
    return _detail(request, 500, "服务器内部错误")
