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


def email_text(note: Notification) -> str:
    parts = [f"{note.recipient.name}：", "", note.body or note.title]
    if note.url:
        parts += ["", f"查看详情：{absolute(note.url)}"]
    for link in note.links:
        parts.append(f"{link['label']}：{absolute(link['url'])}")
    parts += ["", "—— 亮屏重点工作督查系统（本邮件由系统自动发送，请勿回复）"]
    return "\n".join(parts)


def send_emails(notes: list[Notification]) -> int:
    """E-mail each new notification to its recipient's address, if they have one. A failed delivery is
    logged and leaves `emailed_at` empty; the in-app notification stands either way."""
    to_send = [n for n in notes if n.recipient.email]
    if not to_send:
        return 0
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        for note in to_send:
            message = EmailMessage(
                subject=f"{SUBJECT_PREFIX}{note.title}",
                body=email_text(note),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[note.recipient.email],
                connection=connection,
            )
            try:
                message.send()
            except Exception:  # one bad address or a dropped connection must not stop the others
                log.warning("提醒邮件发送失败：%s → %s", note.title, note.recipient.email, exc_info=True)
                continue
            note.emailed_at = timezone.now()
            Notification.objects.filter(pk=note.pk).update(emailed_at=note.emailed_at)
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
