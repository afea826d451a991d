"""gunicorn's settings for `liangping serve` (loaded with --config python:liangping.demo.gunicorn_config).

gunicorn writes `Server: gunicorn` on every response, telling anyone who asks which server to look
up vulnerabilities for; it has no setting to leave the header out, so the response's default
headers are filtered here, in the server process, before any worker starts.
"""

from __future__ import annotations

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server(self: wsgi.Response) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server  # type: ignore[method-assign]
