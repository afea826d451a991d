"""The client address of a request: what the audit log records, the lockout counts and the API rate
limit keys anonymous callers on.

By default it is REMOTE_ADDR, which a client cannot forge. Behind a reverse proxy REMOTE_ADDR is the
proxy's, so every user would share one address (one lockout, one rate limit). Then set
LIANGPING_PROXY_CLIENT_IP_HEADER to the header the proxy writes (X-Forwarded-For, X-Real-IP) and
LIANGPING_PROXY_COUNT to the number of proxies in front of liangping that append to it (1 for one
nginx): the client is that many entries from the right, the entry the nearest trusted proxy wrote.
Entries further left were sent by the client and are never believed. A header with fewer entries,
or an entry that is not an address, falls back to REMOTE_ADDR. Only use this when every request
reaches liangping through the proxy; otherwise a client could write the header itself.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def meta_key(header: str) -> str:
    """`X-Forwarded-For` → `HTTP_X_FORWARDED_FOR`."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_address(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    header = getattr(settings, "PROXY_CLIENT_IP_HEADER", "")
    if not header:
        return remote
    count = max(1, int(getattr(settings, "PROXY_COUNT", 1)))
    entries = [part.strip() for part in request.META.get(meta_key(header), "").split(",") if part.strip()]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
