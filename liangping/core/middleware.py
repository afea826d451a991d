from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from liangping.core.audit import current_ip
from liangping.core.clientaddr import client_address
from liangping.core.ids import is_out_of_range


class AuditContextMiddleware:
    """Makes the client address available to audit entries written during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class RequestSizeMiddleware:
    """Refuses a request whose declared body is larger than LIANGPING_MAX_REQUEST_BYTES (413), from its
    Content-Length, before anything reads the body: an oversize upload never reaches memory or disk.

    A body without a Content-Length is not read by Django under WSGI at all (it reads Content-Length
    bytes), so the declared length is the one to check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            return self._refuse(request, 400, "请求头 Content-Length 无效")
        limit = int(settings.LIANGPING_MAX_REQUEST_BYTES)
        if length > limit:
            upload_mb = int(settings.LIANGPING_MAX_UPLOAD_MB)
            return self._refuse(
                request,
                413,
                f"上传内容过大：一次请求最多 {upload_mb} MB（本次约 {length / 1024 / 1024:.0f} MB），"
                "请压缩文件或分几次上传",
            )
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class OutOfRangeMiddleware:
    """A number no record id can be, wherever a page met it (a filter, a path), is a 404, not a 500
    (liangping.core.ids)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_out_of_range(exception):
            raise Http404("编号超出范围") from exception
        return None
