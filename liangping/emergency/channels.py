"""Delivery channels of the 叫应 loop, pluggable: in-app and e-mail built in, SMS and voice through the
gateway's HTTP webhook (docs/emergency-gateway.md). A channel is a function of a Message that returns a
short note of what the channel said, or raises DeliveryError."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from liangping.emergency.models import Channel
from liangping.notices.models import NoticeKind, Notification

WEBHOOK_TIMEOUT = 10  # seconds


class DeliveryError(Exception):
    pass


@dataclass(frozen=True)
class Message:
    key: str  # the delivery's idempotency key
    channel: str
    name: str
    phone: str
    email: str
    user_id: int | None
    title: str
    text: str
    ack_url: str
    level: str
    warning: str
    point: str
    drill: bool


Sender = Callable[[Message], str]


def send_app(msg: Message) -> str:
    if msg.user_id is None:
        raise DeliveryError("无系统账号")
    # one INSERT that a repeat (the same key, after a crash) leaves alone
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=msg.user_id,
                key=f"emergency:{msg.key}"[:200],
                kind=NoticeKind.EMERGENCY,
                title=msg.title[:200],
                body=msg.text,
                url=reverse("emergency:mine"),
            )
        ],
        ignore_conflicts=True,
    )
    return "已发送系统消息"


def send_email(msg: Message) -> str:
    if not msg.email:
        raise DeliveryError("无电子邮箱")
    body = f"{msg.name}：\n\n{msg.text}\n\n确认收到：{msg.ack_url}\n\n—— 亮屏防汛叫应（请勿回复本邮件）"
    EmailMessage(
        subject=f"【亮屏】{msg.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[msg.email],
        headers={"X-Liangping-Delivery": msg.key},
    ).send()
    return f"已发送邮件至 {msg.email}"


def _webhook(url: str, msg: Message) -> str:
    if not url:
        raise DeliveryError("未配置网关")
    if not msg.phone:
        raise DeliveryError("无手机号")
    body = json.dumps(asdict(msg), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": msg.key}
    secret = str(getattr(settings, "LIANGPING_WEBHOOK_SECRET", ""))
    if secret:
        sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Liangping-Signature"] = f"sha256={sig}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"网关拒绝（HTTP {exc.code}）") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"网关不可达：{exc}"[:200]) from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"网关答复 HTTP {status}")
    return f"网关已受理（{msg.phone}）"


def send_sms(msg: Message) -> str:
    return _webhook(str(getattr(settings, "LIANGPING_SMS_WEBHOOK", "")), msg)


def send_voice(msg: Message) -> str:
    return _webhook(str(getattr(settings, "LIANGPING_VOICE_WEBHOOK", "")), msg)


SENDERS: dict[str, Sender] = {
    Channel.APP: send_app,
    Channel.EMAIL: send_email,
    Channel.SMS: send_sms,
    Channel.VOICE: send_voice,
}


def register_channel(name: str, sender: Sender) -> None:
    """Plug in another channel (name must be one of Channel)."""
    SENDERS[name] = sender


def channels_for(has_user: bool, email: str, phone: str, stage: int) -> list[str]:
    """Every channel that can reach the person: the app when they have an account, e-mail when they
    have an address, SMS when a gateway is configured and they have a phone, and — from the re-send on,
    when a voice gateway is configured — a voice call."""
    out: list[str] = []
    if has_user:
        out.append(Channel.APP)
    if email:
        out.append(Channel.EMAIL)
    if phone and getattr(settings, "LIANGPING_SMS_WEBHOOK", ""):
        out.append(Channel.SMS)
    if phone and stage >= 1 and getattr(settings, "LIANGPING_VOICE_WEBHOOK", ""):
        out.append(Channel.VOICE)
    return out
