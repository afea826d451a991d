"""交办 and 退回 tell the people concerned at once (the case engine announces them through core.hooks).

- 交办: the accounts of the lead unit (or, when it has none, of its nearest superior unit that has
  some) and of each co-unit.
- 退回: the same lead-unit accounts and whoever wrote the reply that was returned.

Each message carries a key (the case, and for a return its count), so announcing twice stores and
e-mails nothing new.
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from liangping.cases import services as cases
from liangping.cases.models import Case, CaseStep
from liangping.core.hooks import on
from liangping.core.models import Org, User
from liangping.notices.jobs import UNIT_ROLES, ancestor_ids, day_text
from liangping.notices.models import NoticeKind, Notification
from liangping.notices.services import Draft, notify


def unit_accounts(orgs: list[Org]) -> dict[int, list[User]]:
    """org pk → the active department or district accounts of that unit or, when it has none, of its
    nearest superior unit that has some (one query)."""
    wanted = {pk for org in orgs for pk in ancestor_ids(org)}
    by_org: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(role__in=UNIT_ROLES, is_active=True, org_id__in=wanted).order_by("pk"):
        by_org[user.org_id].append(user)  # type: ignore[index]
    out: dict[int, list[User]] = {}
    for org in orgs:
        out[org.pk] = next((by_org[pk] for pk in ancestor_ids(org) if by_org.get(pk)), [])
    return out


def _deadline(case: Case) -> str:
    return f"答复期限为{day_text(case.deadline)}" if case.deadline else "答复期限未定"


def notify_assigned(case: Case, actor: User, **_: object) -> list[Notification]:
    if case.lead_org is None:
        return []
    co_orgs = list(case.co_orgs.all())
    accounts = unit_accounts([case.lead_org, *co_orgs])
    url = reverse("cases:detail", args=[case.pk])
    drafts = [
        Draft(
            recipient=user,
            kind=NoticeKind.CASE_ASSIGNED,
            key=f"case_assigned:case:{case.pk}",
            title=f"新交办问题：{case.title}",
            body=f"{actor.name}将问题“{case.title}”交由{case.lead_org.name}牵头办理，{_deadline(case)}，请按期答复。",
            url=url,
        )
        for user in accounts[case.lead_org.pk]
    ]
    for org in co_orgs:
        drafts += [
            Draft(
                recipient=user,
                kind=NoticeKind.CASE_ASSIGNED,
                key=f"case_assigned:case:{case.pk}",
                title=f"协办问题：{case.title}",
                body=f"问题“{case.title}”由{case.lead_org.name}牵头办理，{org.name}协办，{_deadline(case)}。",
                url=url,
            )
            for user in accounts[org.pk]
        ]
    return notify(drafts)


def notify_returned(case: Case, actor: User, note: str = "", **_: object) -> list[Notification]:
    recipients: list[User] = []
    if case.lead_org is not None:
        recipients += unit_accounts([case.lead_org])[case.lead_org.pk]
    replies = CaseStep.objects.filter(case=case, action="reply").select_related("actor")
    reply = replies.order_by("-at", "-id").first()
    if reply is not None and reply.actor is not None and reply.actor.pk not in {u.pk for u in recipients}:
        recipients.append(reply.actor)
    url = reverse("cases:detail", args=[case.pk])
    return notify(
        Draft(
            recipient=user,
            kind=NoticeKind.CASE_RETURNED,
            key=f"case_returned:case:{case.pk}:{case.return_count}",
            title=f"问题答复被退回：{case.title}",
            body=(
                f"{actor.name}退回了问题“{case.title}”的答复。"
                f"退回原因：{note or '未说明'}。请重新办理并答复。"
            ),
            url=url,
        )
        for user in recipients
        if user.pk != actor.pk
    )


def register() -> None:
    on(cases.ASSIGNED, notify_assigned)
    on(cases.RETURNED, notify_returned)
