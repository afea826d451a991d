"""/screen/data.json in front of Django (liangping.screen.fastpath): the same document, ETag and
304 as the view, gzip and brotli for clients that take them, no database query per request, and
everything else handed to Django unchanged."""

from __future__ import annotations

import gzip
import hashlib
import json
import wsgiref.util
from typing import Any

import brotli
import pytest
from django.test import Client

from liangping.grading import services
from liangping.screen import fastpath
from liangping.screen.data import etag_for, latest_published_snapshot
from liangping.screen.fastpath import Latest, ScreenFastPath
from liangping.screen.models import ScreenDocument

DATA = "/screen/data.json"


class Django:
    """Stands for Django's application: records what reached it."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        start_response("418 I'm a teapot", [])
        return [b"django"]


def call(
    app: ScreenFastPath, path: str = DATA, method: str = "GET", **headers: str
) -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path}
    wsgiref.util.setup_testing_defaults(environ)
    environ["HTTP_HOST"] = headers.pop("host", "127.0.0.1")
    for name, value in headers.items():
        environ["HTTP_" + name.upper()] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(response_headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.fixture
def app(settings, monkeypatch) -> ScreenFastPath:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "screen.example.gov.cn"]
    # Inside a test's transaction close_old_connections would close the connection (autocommit is off),
    # which breaks the test on PostgreSQL; Django's test client disconnects it for the same reason.
    monkeypatch.setattr(fastpath, "close_old_connections", lambda: None)
    return ScreenFastPath(Django(), Latest())


@pytest.mark.django_db
def test_the_fast_path_sends_what_the_view_sends(world, app):
    view = Client().get(DATA)
    status, headers, body = call(app)
    assert status == "200 OK" and body == view.content
    assert headers["ETag"] == view["ETag"] and headers["Cache-Control"] == "no-cache"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Content-Length"] == str(len(body))
    for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"):
        assert headers[name] == view[name], name
    assert "Set-Cookie" not in headers and "Vary" in headers
    assert app.app.calls == []  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_compressed_forms_and_the_kiosks_304_without_a_query(world, app, django_assert_num_queries):
    _, headers, plain = call(app)
    etag = headers["ETag"]
    with django_assert_num_queries(0):  # within the revalidation second: no query at all
        status, headers, body = call(app, accept_encoding="gzip, deflate, br")
        assert headers["Content-Encoding"] == "br" and brotli.decompress(body) == plain
        status, headers, body = call(app, accept_encoding="gzip;q=1.0, br;q=0")
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == plain
        status, headers, body = call(app, if_none_match=etag)
        assert status.startswith("304") and body == b"" and headers["ETag"] == etag
        assert call(app, if_none_match=f'"x", W/{etag}')[0].startswith("304")
        status, headers, body = call(app, method="HEAD")
        assert status == "200 OK" and body == b"" and headers["Content-Length"] == str(len(plain))


@pytest.mark.django_db
def test_a_new_publication_shows_after_the_revalidation(world, app, monkeypatch):
    before = json.loads(call(app)[2])
    services.reopen_period(world.cast.supervisor, world.q2, "更正")
    services.lock_period(world.cast.supervisor, world.q2)
    services.publish_period(world.cast.supervisor, world.q2)
    assert json.loads(call(app)[2]) == before  # the document of this second
    monkeypatch.setattr(fastpath, "REVALIDATE_SECONDS", 0.0)
    after = json.loads(call(app)[2])
    assert after["as_of"]["version"] == before["as_of"]["version"] + 1
    assert after == json.loads(Client().get(DATA).content)


@pytest.mark.django_db
def test_everything_else_goes_to_django(world, app, settings):
    assert call(app, method="POST")[2] == b"django"
    assert call(app, path="/screen/")[2] == b"django"
    assert call(app, path="/screen/data.json/")[2] == b"django"
    assert call(app, host="evil.example.com")[2] == b"django"  # Django answers 400 for the host
    settings.SECURE_SSL_REDIRECT = True
    assert call(app)[2] == b"django"  # Django redirects plain HTTP
    assert call(app, x_forwarded_proto="https")[2] == b"django"  # no proxy header trusted
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    status, _, _ = call(app, x_forwarded_proto="https", host="screen.example.gov.cn")
    assert status == "200 OK"
    assert app.app.calls == [  # type: ignore[attr-defined]
        "POST /screen/data.json",
        "GET /screen/",
        "GET /screen/data.json/",
        "GET /screen/data.json",
        "GET /screen/data.json",
        "GET /screen/data.json",
    ]


def test_the_wsgi_application_is_wrapped():
    from liangping import wsgi

    assert isinstance(wsgi.application, ScreenFastPath)


@pytest.mark.django_db
def test_a_publication_writes_the_document_once_for_every_process(
    world, app, monkeypatch, django_capture_on_commit_callbacks
):
    services.reopen_period(world.cast.supervisor, world.q2, "更正")
    services.lock_period(world.cast.supervisor, world.q2)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_period(world.cast.supervisor, world.q2)
    etag = etag_for(latest_published_snapshot())
    stored = ScreenDocument.objects.get(key=f"|{etag}")
    body = bytes(stored.body)
    assert stored.sha256 == hashlib.sha256(body).hexdigest() and stored.etag == etag
    assert gzip.decompress(bytes(stored.gzip)) == body and brotli.decompress(bytes(stored.br)) == body
    assert body == Client().get(DATA).content

    def never(*args: Any) -> bytes:
        raise AssertionError("a stored document is read, not built again")

    monkeypatch.setattr(fastpath, "screen_body_for", never)
    another = ScreenFastPath(Django(), Latest())  # another process, or another host
    status, headers, sent = call(another, accept_encoding="br")
    assert status == "200 OK" and headers["ETag"] == etag and brotli.decompress(sent) == body
    assert call(another, if_none_match=etag)[0].startswith("304")
    assert ScreenDocument.objects.count() == 1
    # a stored body that does not match its digest is not served: it is built and written again
    ScreenDocument.objects.filter(pk=stored.pk).update(body=b'{"published":false}')
    monkeypatch.undo()
    monkeypatch.setattr(fastpath, "close_old_connections", lambda: None)
    assert call(ScreenFastPath(Django(), Latest()))[2] == body
    assert bytes(ScreenDocument.objects.get().body) == body
