"""The pages (and, under /api/, the JSON) people get for 403, 404, 500 and a failed CSRF check.

Django's own error views would answer the API with HTML and, with DEBUG on, show the debug page;
these answer in Chinese with a way back, whatever went wrong.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger("liangping.errors")

API_PREFIX = "/api/"
MESSAGES = {
    403: "您无权执行此操作",
    404: "未找到该记录（不存在，或不在您的查看范围内）",
    500: "服务器内部错误，已记录，请稍后再试",
}
CSRF = "页面已过期或安全校验未通过：请刷新页面后重新提交"
# Served when even the 500 template cannot be rendered (a broken template or storage).
BARE_500 = (
    '<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>出错了 · 亮屏重点工作督查</title>'
    '<h1>出错了</h1><p>服务器处理请求时出错，错误已记录。</p><p><a href="/">返回首页</a></p></html>'
)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def _page(request: HttpRequest, template: str, status: int, **context: str) -> HttpResponse:
    body = loader.render_to_string(template, context, request)
    return HttpResponse(body, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return _api(404, MESSAGES[404])
    return _page(request, "404.html", 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return _api(403, MESSAGES[403])
    return _page(request, "403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    logger.warning("CSRF 校验未通过：%s %s（%s）", request.method, request.path, reason)
    if is_api(request):
        return _api(403, CSRF)
    return _page(request, "403.html", 403, reason=CSRF)


def server_error(request: HttpRequest) -> HttpResponse:
    """No request context: whatever failed (the database, a context processor) may fail again."""
    if is_api(request):
        return _api(500, MESSAGES[500])
    try:
        body = loader.get_template("500.html").render()
    except Exception:  # the last resort must not raise
        logger.exception("500 页面无法显示")
        body = BARE_500
    return HttpResponse(body, status=500)
