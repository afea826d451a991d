"""One intake for every appeal (诉求扎口): the hotline seat, the window, the leader on hotline duty,
the public web form and the API all come through `file_appeal`.

扎口: an open appeal from the same phone number in the same category registered within the last
N days (参数设置 appeal_duplicate_days, 7 by default) is offered as a duplicate. The caller decides:
补充到原诉求 (`merge_into`: the new contact is registered, names the earlier receipt number and is
closed into it with the engine's 合并 step), or a new appeal anyway (`confirmed_new`, noted on it);
nothing is ever merged without that decision (DuplicateOffer is raised instead).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from liangping.appeals import kind, rosters
from liangping.cases import engine
from liangping.cases.models import Case
from liangping.core.config import get_setting
from liangping.core.models import Org, User

KIND = "appeal"
CHANNELS: dict[str, str] = {
    "hotline": "12345热线",
    "leader_hotline": "领导干部接热线",
    "window": "窗口受理",
    "web": "网上提交",
    "api": "开放接口",
}
STAFF_CHANNELS = ("hotline", "leader_hotline", "window")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$|^[2-9]\d{6,7}$")


class IntakeError(ValueError):
    """Bad input to an intake, naming the field (a form field, or an Open311 parameter)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class DuplicateOffer(Exception):
    """Open appeals of the same phone and category within the window: merge, or file anew."""

    cases: list[Case]
    days: int

    def __str__(self) -> str:
        return f"该号码在{self.days}日内已提交过同类诉求，请选择补充到原诉求或仍作为新诉求提交"


@dataclass
class Filed:
    case: Case
    merged: bool = False  # staff: filed and merged into `into` at once (合并到原诉求)
    merge_requested: bool = False  # public: the person asked to merge; the dispatcher merges it
    into: Case | None = None
    notes: list[str] = field(default_factory=list)


def normalise_phone(text: str) -> str:
    """Digits only (spaces, dashes and +86 dropped); IntakeError when it is no Chinese phone number."""
    digits = re.sub(r"[\s\-()（）]", "", text or "")
    digits = digits.removeprefix("+86").removeprefix("0086")
    if not digits:
        raise IntakeError("phone", "请填写联系电话")
    if not digits.isdigit() or not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise IntakeError("phone", f"联系电话“{text}”不是有效的号码：请填写11位手机号或带区号的固定电话")
    return digits


def duplicate_days() -> int:
    return int(get_setting("appeal_duplicate_days"))


def open_duplicates(phone: str, category: str, at: dt.datetime | None = None) -> list[Case]:
    """Open appeals of `phone` in `category` registered within the duplicate window before `at`."""
    at = at or timezone.now()
    since = at - dt.timedelta(days=duplicate_days())
    return list(
        Case.objects.of_kind(KIND)
        .filter(contact_phone=phone, category__code=category, registered_at__gte=since, registered_at__lte=at)
        .open()
        .order_by("-registered_at", "-id")
    )


def _title(description: str, category_label: str) -> str:
    first = re.split(r"[。！？!?\n]", description.strip(), maxsplit=1)[0].strip()
    return (first or category_label)[:60]


@transaction.atomic
def file_appeal(
    *,
    actor: User | None,
    channel: str,
    category: str,
    description: str,
    name: str,
    phone: str,
    address: str = "",
    place_org: Org | None = None,
    urgency: str = "normal",
    title: str = "",
    extra: dict[str, Any] | None = None,
    attachments: Sequence[engine.Upload] = (),
    at: dt.datetime | None = None,
    merge_into: Case | None = None,
    confirmed_new: bool = False,
) -> Filed:
    """Register an appeal. With `merge_into` (the person chose 补充到原诉求) the new contact records the
    earlier receipt number; an operator who may merge closes it into the earlier appeal at once,
    otherwise (the public form, Open311) the dispatcher merges it. Without either choice an open
    duplicate raises DuplicateOffer and nothing is saved."""
    if channel not in CHANNELS:
        raise IntakeError("channel", f"未知的受理渠道“{channel}”")
    at = at or timezone.now()
    description = description.strip()
    if not description:
        raise IntakeError("description", "请填写诉求内容")
    phone = normalise_phone(phone)
    if merge_into is not None and merge_into.pk not in {c.pk for c in open_duplicates(phone, category, at)}:
        raise IntakeError("merge", "只能补充到同一号码、同一类别且仍在办理中的诉求")
    if merge_into is None and not confirmed_new:
        dups = open_duplicates(phone, category, at)
        if dups:
            raise DuplicateOffer(dups, duplicate_days())
    data: dict[str, Any] = {
        "requester_name": name.strip(),
        "requester_phone": phone,
        "address": address.strip(),
    }
    data.update(extra or {})
    notes: list[str] = []
    if channel in ("hotline", "leader_hotline"):
        duty = rosters.duty_at(at)
        if channel == "leader_hotline":
            if duty is None:
                raise IntakeError("channel", "该时段没有领导值班：请按12345热线登记，或先在排班表中补录值班")
            data["duty_leader"] = duty.leader
            notes.append(f"值班领导{duty.leader}接听")
    if channel == "window":
        window = str(data.get("window", "")).strip()
        shift = rosters.shift_at(window, at) if window else None
        if shift is not None:
            data["window_person"] = shift.person
            notes.append(f"{shift.window}由{shift.person}坐窗受理")
    if confirmed_new:
        notes.append("诉求人确认不与此前同类诉求合并")
    if merge_into is not None:
        data["duplicate_of"] = merge_into.receipt_no
    label = kind.category_label(category)
    case = engine.register(
        KIND,
        actor=actor,
        title=(title.strip() or _title(description, label))[:200],
        description=description,
        category=category,
        urgency=urgency,
        channel=channel,
        data=data,
        place_org=place_org,
        contact_phone=phone,
        attachments=attachments,
        at=at,
    )
    if merge_into is None:
        return Filed(case=case, notes=notes)
    if actor is not None and "merge" in engine.allowed_actions(actor, case, at):
        # The operator asked the caller and merges at once: the new contact closes into the earlier one.
        note = f"诉求人同意补充到原诉求 {merge_into.receipt_no}，不另行办理"
        case = engine.act(case, "merge", actor=actor, note=note, at=at)
        return Filed(case=case, merged=True, into=merge_into, notes=notes)
    return Filed(case=case, merge_requested=True, into=merge_into, notes=notes)
