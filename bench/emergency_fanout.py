"""防汛叫应 fan-out: how long issuing a warning to N points takes until every first notice is queued, and
how many notices per second the worker sends (in-app, and SMS through a webhook gateway on loopback).

    python -m bench.emergency_fanout [--points 1000] [--json]

Runs on a fresh SQLite file under var/bench/emergency/ (or on DATABASE_URL's PostgreSQL database when set,
which must hold no warning yet: the run refuses one that does). Every first responsible
person has an account (in-app) and a phone (SMS); the gateway answers 200 at once, so the SMS figure is
the sender's own cost plus one loopback HTTP round trip per message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench" / "emergency"


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return None


def setup_django() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        db = VAR / "db.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        os.environ["LIANGPING_SQLITE_PATH"] = str(db)
    os.environ.setdefault("LIANGPING_VAR_DIR", str(VAR))
    # development: huey queues on var/bench/emergency/huey.sqlite3 as in production (no worker runs: the
    # sending is measured below, by calling what the worker calls)
    os.environ["LIANGPING_ENV"] = "development"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liangping.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run(points: int) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from liangping.core.models import Org, OrgKind, Role, User
    from liangping.emergency import loop, services
    from liangping.emergency.models import ChainLink, ChainRole, Delivery, Person, Point, PointKind, Warning

    if Warning.objects.exists():
        raise SystemExit("数据库中已有预警：请使用空数据库运行本基准")
    city = Org.objects.create(name="基准市", kind=OrgKind.CITY)
    district = Org.objects.create(name="基准区", kind=OrgKind.DISTRICT, parent=city)
    officer = User.objects.create_user(
        "bench_duty", password="Bench#2025zz", role=Role.DISTRICT, org=district
    )
    password = make_password("Bench#2025zz")
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench_{i}",
                    password=password,
                    role=Role.OWNER,
                    org=district,
                    display_name=f"责任人{i}",
                )
                for i in range(points)
            ]
        )
        towns = [f"第{i % 20}镇" for i in range(points)]
        made = Point.objects.bulk_create(
            [
                Point(
                    code=f"B-{i:05d}",
                    name=f"点位{i}",
                    kind=PointKind.LOWLAND,
                    district=district,
                    town_name=towns[i],
                )
                for i in range(points)
            ]
        )
        people = Person.objects.bulk_create(
            [Person(name=f"责任人{i}", phone=f"139{i:08d}", user=u) for i, u in enumerate(users)]
        )
        ChainLink.objects.bulk_create(
            [ChainLink(point=p, person=q, role=ChainRole.FIRST) for p, q in zip(made, people, strict=True)]
        )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.LIANGPING_SMS_WEBHOOK = f"http://127.0.0.1:{server.server_address[1]}/sms"
    now = timezone.now()
    draft = services.WarningDraft(
        level="red",
        hazard="rainstorm",
        text="基准",
        valid_until=now + dt.timedelta(hours=2),
        towns=sorted(set(towns)),
    )
    started = time.perf_counter()
    warning = services.issue_warning(officer, draft, now=now)
    queued_s = time.perf_counter() - started
    queued = Delivery.objects.filter(contact__call__warning=warning).count()
    by_channel: dict[str, float] = {}
    for channel in ("app", "sms"):
        others = Delivery.objects.exclude(channel=channel).filter(status="queued")
        held = list(others.values_list("pk", flat=True))
        others.update(status="cancelled")  # send one channel at a time
        started = time.perf_counter()
        sent = loop.dispatch(now)
        seconds = time.perf_counter() - started
        by_channel[channel] = sent.sent / seconds if seconds else 0.0
        Delivery.objects.filter(pk__in=held).update(status="queued")
    server.shutdown()
    return {
        "points": points,
        "deliveries_queued": queued,
        "issue_to_all_first_notices_queued_s": round(queued_s, 3),
        "notices_per_second_app": round(by_channel["app"], 1),
        "notices_per_second_sms_webhook": round(by_channel["sms"], 1),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    setup_django()
    result = run(args.points)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:40} {value}")


if __name__ == "__main__":
    main(sys.argv[1:])
