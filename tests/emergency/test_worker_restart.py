"""Delivery channels and a worker killed mid-escalation.

The worker (`liangping emergency tick`, what the periodic job runs) is SIGKILLed while the gateway holds
one SMS of a re-send open. Run again, it neither re-takes the escalation step nor re-sends a message it
had marked sent; the one message that was in flight is re-sent with its Idempotency-Key, which the
gateway recognises: every person gets each message once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import signal
import sqlite3
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from liangping.emergency import channels, loop, services
from liangping.emergency.models import Delivery, DeliveryStatus, Person
from tests.emergency.gateway import Gateway
from tests.emergency.world import make_point
from tests.security import processes as proc

T0 = dt.datetime(2026, 7, 24, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

SETUP = """
import datetime as dt, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangping.settings")
django.setup()
from zoneinfo import ZoneInfo
from liangping.core.models import Org, OrgKind, Role, User
from liangping.emergency import services
from liangping.emergency.models import ChainLink, ChainRole, Person, Point, PointKind
t0 = dt.datetime(2026, 7, 24, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
city = Org.objects.create(name="枣庄市", kind=OrgKind.CITY)
district = Org.objects.create(name="滕州市", kind=OrgKind.DISTRICT, parent=city)
officer = User.objects.create_user("duty", password="Liangping#2025", role=Role.DISTRICT, org=district)
for i in range(20):
    point = Point.objects.create(code=f"K-{i:02d}", name=f"示例村{i:02d}", kind=PointKind.LOWLAND,
                                 district=district, town_name="龙阳镇")
    person = Person.objects.create(name=f"村干部{i:02d}", phone=f"1390000{i:04d}")
    ChainLink.objects.create(point=point, person=person, role=ChainRole.FIRST)
draft = services.WarningDraft(level="red", hazard="rainstorm", text="示例红色暴雨预警",
                              valid_until=t0 + dt.timedelta(hours=10), towns=["龙阳镇"])
services.issue_warning(officer, draft, now=t0)
"""


def count(db, sql: str) -> int:  # type: ignore[no-untyped-def]
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchone()[0]


def test_a_worker_killed_mid_escalation_resumes_without_sending_twice(tmp_path):
    db = tmp_path / "db.sqlite3"
    assert proc.run(["migrate", "--verbosity", "0"], db).returncode == 0
    env = proc.env_for(db)
    made = subprocess.run(
        [sys.executable, "-c", SETUP], env=env, cwd=proc.REPO, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    with Gateway(hold_at=5) as gateway:
        env["LIANGPING_SMS_WEBHOOK"] = gateway.url
        at = (T0 + dt.timedelta(minutes=10)).isoformat()
        worker = subprocess.Popen(
            [str(proc.COMMAND), "emergency", "tick", "--now", at],
            env=env,
            cwd=proc.REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert gateway.holding.wait(120), "the worker never reached the fifth message"
        os.kill(worker.pid, signal.SIGKILL)  # mid-escalation: the 5th SMS of the re-send in flight
        worker.wait(30)
        gateway.release.set()
        assert count(db, "SELECT COUNT(*) FROM emergency_calllog WHERE event = 'resent'") == 20
        assert count(db, "SELECT COUNT(*) FROM emergency_delivery WHERE status = 'sent'") == 4
        assert count(db, "SELECT COUNT(*) FROM emergency_delivery WHERE status = 'sending'") == 1
        # restarted six minutes later (past the claim's time-out): no step is taken twice
        again = subprocess.run(
            [str(proc.COMMAND), "emergency", "tick", "--now", (T0 + dt.timedelta(minutes=16)).isoformat()],
            env=env,
            cwd=proc.REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stderr
        assert "0 个点位进入下一阶段" in again.stdout and "发送 16 条" in again.stdout
    assert count(db, "SELECT COUNT(*) FROM emergency_calllog WHERE event = 'resent'") == 20
    assert count(db, "SELECT COUNT(*) FROM emergency_delivery WHERE status = 'sent'") == 20
    keys = gateway.keys()
    assert len(set(keys)) == 20 and len(keys) == 21  # the one in flight was posted again, with its key
    repeated = [k for k in set(keys) if keys.count(k) > 1]
    assert repeated == [keys[4]]
    assert all(n == 1 for n in gateway.delivered.values())  # each person got each message once


@pytest.mark.django_db
def test_channels_in_app_email_and_the_signed_webhook(cast, settings):
    settings.LIANGPING_WEBHOOK_SECRET = "示例密钥"
    settings.LIANGPING_SITE_URL = "https://liangping.example.gov.cn"
    cast.leader.email = "leader@zaozhuang.example"
    cast.leader.save()
    point = make_point(cast.tengzhou, "C-1", "示例水库", "龙阳镇", first_user=cast.leader)
    person = Person.objects.get(links__point=point, links__role="first")
    person.email = cast.leader.email
    person.save()
    other = make_point(cast.tengzhou, "C-2", "示例下穿", "龙阳镇")
    refused = Person.objects.get(links__point=other, links__role="first")
    with Gateway(refuse=frozenset({refused.phone})) as gateway:
        settings.LIANGPING_SMS_WEBHOOK = gateway.url
        draft = services.WarningDraft(
            level="orange",
            hazard="flood",
            text="示例洪水预警",
            valid_until=T0 + dt.timedelta(hours=5),
            towns=["龙阳镇"],
        )
        warning = services.issue_warning(cast.district, draft, now=T0)
        channels = set(Delivery.objects.values_list("channel", flat=True))
        assert channels == {"app", "email", "sms"}
        result = loop.dispatch(T0)
    details = list(Delivery.objects.values_list("channel", "status", "detail"))
    assert result.sent == 3 and result.failed == 1, (
        details
    )  # app, e-mail and one SMS; the gateway refused one
    assert Delivery.objects.get(contact__person=refused).detail == "网关拒绝（HTTP 400）"
    note = cast.leader.notifications.get()
    assert (
        note.kind == "emergency" and note.title.startswith("示例") is False and "洪水橙色预警" in note.title
    )
    assert len(mail.outbox) == 1 and "https://liangping.example.gov.cn/emergency/a/" in mail.outbox[0].body
    request = next(r for r in gateway.requests if r["body"]["phone"] == person.phone)
    body = json.dumps(request["body"], ensure_ascii=False).encode()
    assert request["signature"] == "sha256=" + hmac.new("示例密钥".encode(), body, hashlib.sha256).hexdigest()
    assert request["body"]["warning"] == warning.code and request["body"]["ack_url"].startswith("https://")
    assert Delivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 0


@pytest.mark.django_db
def test_an_in_app_message_sent_again_with_its_key_is_stored_once(cast):
    msg = channels.Message(
        key="k:1:app",
        channel="app",
        name="领导甲",
        phone="",
        email="",
        user_id=cast.leader.pk,
        title="暴雨红色预警：示例水库",
        text="示例",
        ack_url="/emergency/a/x/",
        level="red",
        warning="YJ2026-0001",
        point="示例水库",
        drill=False,
    )
    channels.send_app(msg)
    channels.send_app(msg)
    assert cast.leader.notifications.count() == 1
    with pytest.raises(channels.DeliveryError, match="无系统账号"):
        channels.send_app(dataclasses.replace(msg, user_id=None))
