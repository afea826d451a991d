"""Failed sign-ins from one address slow that address down; they never lock it.

Behind a shared NAT or a proxy many people share one address, so locking the address would lock
them all out. Account names (and the pair name + address) are locked by django-axes; for the
address alone, once its failures within the lockout window reach the failure limit, each further
attempt must wait 1, 2, 4 … seconds after the address's last failure (at most
LOGIN_ADDRESS_DELAY_MAX_SECONDS). An attempt made too early is answered 429 with Retry-After and is
not counted, so waiting is always enough. An attempt on an account that is locked anyway gets the
lockout page instead, which says more.
"""

from __future__ import annotations

import datetime as dt
import math

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from liangping.accounts import policy


def delay_after(failures: int) -> int:
    """Seconds an address with this many recent failures waits after its last one."""
    limit = int(settings.AXES_FAILURE_LIMIT)
    if failures < limit:
        return 0
    ceiling = int(settings.LOGIN_ADDRESS_DELAY_MAX_SECONDS)
    return min(ceiling, 2 ** min(failures - limit, 30))


def wait_seconds(request: HttpRequest, now: dt.datetime | None = None) -> int:
    """How long this request's address must still wait before its next sign-in attempt (0: none)."""
    address = policy.client_ip(request)
    if not address:
        return 0
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=now - settings.AXES_COOLOFF_TIME
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    delay = delay_after(recent["failures"] or 0)
    if not delay or recent["last"] is None:
        return 0
    remaining = (recent["last"] + dt.timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(remaining))


def account_locked(request: HttpRequest) -> bool:
    """Whether the account name of this sign-in is locked (django-axes refuses it, uncounted)."""
    username = str(request.POST.get("username") or "")
    return bool(username) and AxesProxyHandler.is_locked(request, {"username": username})
