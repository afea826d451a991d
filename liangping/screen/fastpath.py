"""`/screen/data.json` and each city's `/screen/<code>/data.json` served in front of Django: the lobby
screens' poll never reaches the session, authentication, two-factor, lockout or rate-limit middleware,
and never the database per request.

A published snapshot never changes, so its screen document is written once, when the period is
published (the same bytes `screen.views.data_json` sends, `screen_body_for`, with its gzip and
brotli forms and its SHA-256 beside it, in ScreenDocument under the snapshot's strong ETag); every
process of every host reads those bytes once instead of building its own. Which snapshot is the
latest is looked up at most once a second per process (one query): a new publication shows on every
screen within a second, and a thousand polls a second cost one query. Everything that is not a GET
or HEAD of those exact paths, a host outside ALLOWED_HOSTS, or plain HTTP when HTTPS is required, goes
to Django unchanged; so does a code that is not a city's (the province's screen, or Django's 404).

A city's document is stored under its own scope (the city's code) and built from that city's latest
published snapshot only: `ScreenDocument.key` is "<code>|ETag", the installation's "|ETag".
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import brotli
from django.conf import settings
from django.db import close_old_connections
from django.http.request import split_domain_port, validate_host
from django.urls import reverse

from liangping.core.models import Org, OrgKind
from liangping.core.tenancy import INSTALLATION, TenantArg
from liangping.grading.models import Snapshot
from liangping.screen.data import etag_for, latest_published_snapshot, screen_body_for
from liangping.screen.models import ScreenDocument

REVALIDATE_SECONDS = 1.0
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class Document:
    etag: str
    body: bytes
    gzip: bytes
    br: bytes


def build_document(etag: str, body: bytes) -> Document:
    return Document(etag, body, gzip.compress(body, 6, mtime=0), brotli.compress(body, quality=9))


def stored_document(snapshot: Snapshot | None, scope: str = "") -> Document:
    """The screen document of `snapshot`, as written at its publication (write_published_document);
    written now if it is not there yet (published before documents were stored) or does not match
    its digest. Nothing is stored while nothing is published."""
    etag = etag_for(snapshot)
    if snapshot is None:
        return build_document(etag, screen_body_for(None))
    key = f"{scope}|{etag}"
    row = ScreenDocument.objects.filter(key=key).values_list("body", "gzip", "br", "sha256").first()
    if row is not None and hashlib.sha256(bytes(row[0])).hexdigest() == row[3]:
        return Document(etag, bytes(row[0]), bytes(row[1]), bytes(row[2]))
    document = build_document(etag, screen_body_for(snapshot))
    digest = hashlib.sha256(document.body).hexdigest()
    fields = {"etag": etag, "sha256": digest, "body": document.body, "gzip": document.gzip, "br": document.br}
    ScreenDocument.objects.update_or_create(key=key, defaults=fields)
    return document


def write_published_document(period: Any = None, **_event: Any) -> None:
    """On a publication (the "period.published" event): write the screen's new document once, and
    that of the publishing city's own screen (/screen/<code>/data.json)."""
    stored_document(latest_published_snapshot())
    tenant = getattr(period, "tenant_id", None)
    if tenant is not None:
        code = Org.objects.filter(pk=tenant, kind=OrgKind.CITY).values_list("code", flat=True).first()
        if code:
            stored_document(latest_published_snapshot(tenant), code)


class Latest:
    """The current document of this process for one screen (the installation's, or a city's: `tenant`
    and `scope`, its code), re-checked against the database once a second."""

    def __init__(self, tenant: TenantArg = INSTALLATION, scope: str = "") -> None:
        self.tenant = tenant
        self.scope = scope
        self.document: Document | None = None
        self.checked = -1e9
        self.lock = threading.Lock()

    def get(self) -> Document:
        document = self.document
        if document is not None and time.monotonic() - self.checked < REVALIDATE_SECONDS:
            return document
        with self.lock:
            if self.document is not None and time.monotonic() - self.checked < REVALIDATE_SECONDS:
                return self.document
            try:
                snapshot = latest_published_snapshot(self.tenant)
                etag = etag_for(snapshot)
                if self.document is None or self.document.etag != etag:
                    self.document = stored_document(snapshot, self.scope)
            finally:
                close_old_connections()  # outside Django's request cycle: as request_finished would
            self.checked = time.monotonic()
            return self.document

    def forget(self) -> None:
        with self.lock:
            self.document, self.checked = None, -1e9


latest = Latest()
CITY_DATA = re.compile(r"[0-9]{6}")


class Cities:
    """The current documents of the cities' screens in this process, by division code. A code is looked
    up once (one query); only cities are kept, so no request can grow this beyond the cities' number."""

    def __init__(self) -> None:
        self.by_code: dict[str, Latest] = {}
        self.lock = threading.Lock()

    def get(self, code: str) -> Document | None:
        """The document of the city `code`, or None when the code is not a city's."""
        source = self.by_code.get(code)
        if source is None:
            try:
                tenant = Org.objects.filter(code=code, kind=OrgKind.CITY).values_list("pk", flat=True).first()
            finally:
                close_old_connections()
            if tenant is None:
                return None
            with self.lock:
                source = self.by_code.setdefault(code, Latest(tenant, code))
        return source.get()

    def forget(self) -> None:
        with self.lock:
            self.by_code = {}


cities = Cities()


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: a W/ prefix is ignored; * matches anything."""
    tags = [t.strip() for t in header.split(",") if t.strip()]
    return any(t == "*" or t.removeprefix("W/") == etag for t in tags)


def accepted_encodings(header: str) -> set[str]:
    out = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            out.add(name.strip().lower())
    return out


def security_headers(secure: bool) -> list[tuple[str, str]]:
    """What SecurityMiddleware, the CSP and X-Frame-Options middleware add to the Django answer."""
    headers = [("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", settings.X_FRAME_OPTIONS)]
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", str(settings.SECURE_REFERRER_POLICY)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    if policy := getattr(settings, "CONTENT_SECURITY_POLICY", ""):
        headers.append(("Content-Security-Policy", policy))
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    return headers


class ScreenFastPath:
    """WSGI middleware around Django's application (liangping.wsgi)."""

    def __init__(self, app: WsgiApp, source: Latest = latest, by_city: Cities = cities) -> None:
        self.app = app
        self.source = source
        self.by_city = by_city
        self.path = ""
        self.city_path = ("", "")  # before and after a city's code in its data path

    def is_secure(self, environ: dict[str, Any]) -> bool:
        if environ.get("wsgi.url_scheme") == "https":
            return True
        proxy = settings.SECURE_PROXY_SSL_HEADER
        return bool(proxy) and environ.get(proxy[0], "").split(",")[0].strip() == proxy[1]

    def host_allowed(self, environ: dict[str, Any]) -> bool:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        domain, _ = split_domain_port(host)
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]
        return bool(domain) and validate_host(domain, allowed)

    def city_code(self, path: str) -> str:
        """The code of `path` when it is a place's data path (/screen/370400/data.json), else ""."""
        head, tail = self.city_path
        if not path.startswith(head) or not path.endswith(tail):
            return ""
        code = path[len(head) : len(path) - len(tail)]
        return code if CITY_DATA.fullmatch(code) else ""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if not self.path:
            self.path = reverse("screen:data")
            head, _, tail = reverse("screen:place_data", args=["000000"]).partition("000000")
            self.city_path = (head, tail)
        method = environ.get("REQUEST_METHOD", "")
        secure = self.is_secure(environ)
        path = environ.get("PATH_INFO", "")
        code = "" if path == self.path else self.city_code(path)
        if (
            (path != self.path and not code)
            or method not in ("GET", "HEAD")
            or (settings.SECURE_SSL_REDIRECT and not secure)
            or not self.host_allowed(environ)
        ):
            return self.app(environ, start_response)
        found = self.by_city.get(code) if code else self.source.get()
        if found is None:  # not a city's code: the province's screen, or Django's 404
            return self.app(environ, start_response)
        document = found
        headers = [
            ("ETag", document.etag),
            ("Cache-Control", "no-cache"),
            ("Vary", "Accept-Encoding"),
            *security_headers(secure),
        ]
        if etag_matches(environ.get("HTTP_IF_NONE_MATCH", ""), document.etag):
            start_response("304 Not Modified", headers)
            return [b""]
        encodings = accepted_encodings(environ.get("HTTP_ACCEPT_ENCODING", ""))
        body = document.body
        if "br" in encodings:
            body = document.br
            headers.append(("Content-Encoding", "br"))
        elif "gzip" in encodings:
            body = document.gzip
            headers.append(("Content-Encoding", "gzip"))
        headers += [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))]
        start_response("200 OK", headers)
        return [b""] if method == "HEAD" else [body]
