"""Flood-season test data: points with full 包保 chains in the cast's two districts."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

from django.utils import timezone

from liangping.core.models import Org, OrgKind
from liangping.emergency import links, services
from liangping.emergency.models import (
    ChainLink,
    ChainRole,
    Contact,
    Person,
    Point,
    PointCall,
    PointKind,
    Warning,
)
from tests.cast import Cast


def make_point(
    district: Org,
    code: str,
    name: str,
    town: str,
    *,
    first_user=None,
    chain: bool = True,  # type: ignore[no-untyped-def]
) -> Point:
    point = Point.objects.create(
        code=code, name=name, kind=PointKind.LOWLAND, district=district, town_name=town
    )
    first = Person.objects.create(
        name=f"{name}责任人", phone=f"139{zlib.crc32(code.encode()) % 10**8:08d}", user=first_user
    )
    ChainLink.objects.create(point=point, person=first, role=ChainRole.FIRST, sort=0)
    if chain:
        for sort, (role, who) in enumerate(
            [(ChainRole.BACKUP, "备用"), (ChainRole.TOWN, "镇领导"), (ChainRole.DISTRICT, "区领导")], 1
        ):
            person, _ = Person.objects.get_or_create(
                name=f"{town}{who}" if role != ChainRole.BACKUP else f"{name}{who}", phone=""
            )
            ChainLink.objects.create(point=point, person=person, role=role, sort=sort)
    return point


def thirty_points(cast: Cast) -> list[Point]:
    """30 low-lying villages of 滕州市 in three towns, one with an Org."""
    Org.objects.create(name="龙阳镇", kind=OrgKind.TOWN, parent=cast.tengzhou)
    towns = ["龙阳镇", "姜屯镇", "鲍沟镇"]
    return [make_point(cast.tengzhou, f"TZ-{i:03d}", f"示例村{i:02d}", towns[i % 3]) for i in range(30)]


@dataclass
class EmergencyWorld:
    """One point, live warning, call and contact inside the district user's scope (滕州市) and one outside
    (市中区). The inside point's first responsible person is cast.leader's account; the outside one's is
    cast.leader2's."""

    point_in: Point
    point_out: Point
    warning_in: Warning
    warning_out: Warning
    call_in: PointCall
    call_out: PointCall
    contact_in: Contact
    contact_out: Contact

    def token(self, where: str) -> str:
        contact = self.contact_in if where == "inside" else self.contact_out
        return links.token_for(contact.nonce)


def build_emergency(cast: Cast) -> EmergencyWorld:
    point_in = make_point(cast.tengzhou, "M-IN", "示例水库（范围内）", "龙阳镇", first_user=cast.leader)
    point_out = make_point(
        cast.shizhong, "M-OUT", "示例水库（范围外）", "光明路街道", first_user=cast.leader2
    )
    now = timezone.now()
    warnings = []
    for who, point in ((cast.district, point_in), (cast.supervisor, point_out)):
        draft = services.WarningDraft(
            level="orange",
            hazard="flood",
            text="示例洪水预警",
            valid_until=now + dt.timedelta(hours=6),
            point_ids=[point.pk],
        )
        warnings.append(services.issue_warning(who, draft, now=now))
    calls = [PointCall.objects.get(warning=w) for w in warnings]
    contacts = [Contact.objects.get(call=c, role=ChainRole.FIRST) for c in calls]
    return EmergencyWorld(point_in, point_out, *warnings, *calls, *contacts)
