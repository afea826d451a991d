"""What anyone may know of an appeal from its receipt number (受理编号): its category, its status,
when it was registered and last changed, the unit handling it, and the replies. Never a name, a phone
number, an address, the description or a photo (those are the requester's personal data)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.http import HttpRequest

from liangping.accounts.middleware import hit
from liangping.accounts.policy import client_ip
from liangping.cases.models import Case
from liangping.core.config import get_setting

REPLY_ACTIONS = ("reply", "answer")


@dataclass(frozen=True)
class PublicReply:
    at: dt.datetime
    unit: str
    text: str


@dataclass(frozen=True)
class PublicStatus:
    receipt_no: str
    category: str
    category_code: str
    status: str
    status_label: str
    is_open: bool
    registered_at: dt.datetime
    updated_at: dt.datetime
    due_at: dt.datetime | None
    unit: str
    replies: tuple[PublicReply, ...]


def find(receipt_no: str) -> Case | None:
    number = "".join(receipt_no.split()).upper()
    if not number or len(number) > 20:
        return None
    return (
        Case.objects.of_kind("appeal")
        .select_related("category", "lead_org")
        .filter(receipt_no=number)
        .first()
    )


def public_status(case: Case) -> PublicStatus:
    spec = case.spec
    steps = list(case.steps.order_by("at", "id"))
    replies = tuple(
        PublicReply(at=s.at, unit=case.lead_org.name if case.lead_org else "", text=s.note)
        for s in steps
        if s.action in REPLY_ACTIONS and s.note
    )
    state = spec.state(case.status)
    return PublicStatus(
        receipt_no=case.receipt_no or "",
        category=case.category.name if case.category else "",
        category_code=case.category.code if case.category else "",
        status=case.status,
        status_label=spec.state_label(case.status),
        is_open=state.open if state is not None else True,
        registered_at=case.registered_at,
        updated_at=steps[-1].at if steps else case.registered_at,
        due_at=case.due_at,
        unit=case.lead_org.name if case.lead_org else "",
        replies=replies,
    )


def over_limit(request: HttpRequest, what: str, setting: str, seconds: int) -> int:
    """Count this request against the address's limit of `what` per window of `seconds`; the seconds
    to wait when over it, else 0 (the count lives in the shared cache: every worker counts together)."""
    limit = int(get_setting(setting))
    now = time.time()
    window = int(now // seconds)
    count = hit(f"lp:appeal-{what}:{client_ip(request)}:{window}", seconds + 10)
    if count > limit:
        return seconds - int(now % seconds)
    return 0
