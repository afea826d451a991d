"""Site-wide answers that belong to no page: the icon browsers ask for at /favicon.ico."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.views.decorators.http import require_safe

FAVICON = "liangping/favicon.ico"


@require_safe
def favicon(request: HttpRequest) -> HttpResponseBase:
    """Browsers fetch /favicon.ico on their own (for a download, a JSON answer): the same icon the
    pages link from static, cached for a day. Public, like the login page's icon."""
    found = finders.find(FAVICON)
    if not found:
        raise Http404("没有网站图标")
    response = FileResponse(Path(str(found)).open("rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
