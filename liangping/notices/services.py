"""Storing notifications once, e-mailing the new ones, marking them read."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from liangping.core.models import User
from liangping.notices.models import Notification

log = logging.getLogger(__name__)

SUBJECT_PREFIX = "【亮屏】"


@dataclass(frozen=True)
class Draft:
    """A notification a job wants to exist. `key` says what it is about (kind, object, period)."""

    recipient: User
    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""
    links: tuple[tuple[str, str], ...] = ()


def notify(drafts: Iterable[Draft]) -> list[Notification]:
    """Store the drafts that were never stored before and e-mail those; return the new notifications.

    A draft whose (recipient, key) already exists is skipped, so a job run twice, or two workers
    racing, store and e-mail each message once (the unique constraint settles a race).
    """
    wanted: dict[tuple[int, str], Draft] = {}
    for d in drafts:
        if d.recipient.is_active:
            wanted.setdefault((d.recipient.pk, d.key), d)
    if not wanted:
        return []
    existing = set(
        Notification.objects.filter(
            recipient__in={pk for pk, _ in wanted}, key__in={key for _, key in wanted}
        ).values_list("recipient_id", "key")
    )
    created: list[Notification] = []
    for pair, d in wanted.items():
        if pair in existing:
            continue
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=d.recipient,
                    kind=d.kind,
                    key=d.key[:200],
                    title=d.title[:200],
                    body=d.body,
                    url=d.url[:500],
                    links=[{"label": label, "url": url} for label, url in d.links],
                )
        except IntegrityError:
            continue  # stored meanwhile by another run
        created.append(note)
    send_emails(created)
    return created


def absolute(url: str) -> str:
    base = str(getattr(settings, "LIANGPING_SITE_URL", "")).rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


SIGNATURE = "—— 亮屏重点工作督查系统（本邮件由系统自动发送，请勿回复）"


def note_lines(note: Notification) -> list[str]:
    lines = [note.body or note.title]
    if note.url:
        lines.append(f"查看详情：{absolute(note.url)}")
    lines += [f"{link['label']}：{absolute(link['url'])}" for link in note.links]
    return lines


def email_for(notes: list[Notification]) -> tuple[str, str]:
    """Subject and text of the one e-mail a recipient gets for the notifications of one run."""
    user = notes[0].recipient
    if len(notes) == 1:
        return f"{SUBJECT_PREFIX}{notes[0].title}", "\n".join(
            [f"{user.name}：", "", *note_lines(notes[0]), "", SIGNATURE]
        )
    parts = [f"{user.name}：", "", f"您有 {len(notes)} 条新提醒："]
    for i, note in enumerate(notes, 1):
        parts += ["", f"{i}. {note.title}", *note_lines(note)]
    parts += ["", SIGNATURE]
    return f"{SUBJECT_PREFIX}{len(notes)} 条新提醒：{notes[0].title} 等", "\n".join(parts)


def send_emails(notes: list[Notification]) -> int:
    """One e-mail per recipient with an address, for the notifications just created (a specialist with
    ten unreported projects gets one e-mail listing the ten). Returns the e-mails sent. A failed delivery
    is logged and leaves `emailed_at` empty; the in-app notifications stand either way."""
    by_user: dict[int, list[Notification]] = {}
    for note in notes:
        if note.recipient.email:
            by_user.setdefault(note.recipient_id, []).append(note)
    if not by_user:
        return 0
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        for group in by_user.values():
            subject, body = email_for(group)
            address = group[0].recipient.email
            message = EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
                connection=connection,
            )
            try:
                message.send()
            except Exception:  # one bad address or a dropped connection must not stop the others
                log.warning("提醒邮件发送失败：%s → %s", subject, address, exc_info=True)
                continue
            now = timezone.now()
            Notification.objects.filter(pk__in=[n.pk for n in group]).update(emailed_at=now)
            for note in group:
                note.emailed_at = now
            sent += 1
    except Exception:
        log.warning("无法连接邮件服务器，提醒邮件未发送；请检查 LIANGPING_EMAIL_* 设置", exc_info=True)
    finally:
        try:
            connection.close()
        except Exception:
            log.warning("关闭邮件连接失败", exc_info=True)
    return sent


def mark_read(note: Notification) -> None:
    if note.read_at is None:
        note.read_at = timezone.now()
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=note.read_at)


def mark_all_read(user: User) -> int:
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.for_user(user).unread().count()
