"""Who sees and who runs the flood-season ledger (an internal duty ledger: never anonymous).

- The supervision office sees everything of its city (the province's office: every city's, each row
  reaching its city through its org: a point's, supply's or team's district, a roster's level, a
  warning's issuing org or its points); city leaders, district users and department users see the
  points of their org subtree (a city leader's org is the city: all of it).
- Duty officers — the supervision office and district users — issue and close warnings, record phone
  answers, keep the roster and the duty log, within what they see.
- Specialists, project units and the three administrators have no flood-season pages (404).
- Anyone on a chain acknowledges their own notices (the link needs no account).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from liangping.core.models import Org, OrgKind, Role, User
from liangping.core.scope import AnyUser, city_scope, org_path, role_of
from liangping.emergency.models import DutyShift, Point, PointCall, Supply, Team, Warning

VIEW_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT)
DUTY_ROLES = (Role.SUPERVISOR, Role.DISTRICT)


def sees_all(user: AnyUser) -> bool:
    return role_of(user) == Role.SUPERVISOR


def may_view(user: AnyUser) -> bool:
    return role_of(user) in VIEW_ROLES


def may_run(user: AnyUser) -> bool:
    """A duty officer: issues, closes, records calls, keeps the roster and the log."""
    return role_of(user) in DUTY_ROLES


def _path(user: AnyUser) -> str | None:
    return org_path(user) if may_view(user) else None


def city_of(user: AnyUser) -> int | None:
    """The city a supervision office's 'everything' is limited to (None: the province's, every city)."""
    return city_scope(user)


def _in_city(qs: QuerySet, field: str, user: AnyUser) -> QuerySet:  # type: ignore[type-arg]
    """A supervisor's 'everything', within their city: each row reaches its city through its org."""
    city = city_of(user)
    return qs if city is None else qs.filter(**{field: city})


def points_for(user: AnyUser) -> QuerySet[Point]:
    if sees_all(user):
        return _in_city(Point.objects.all(), "district__tenant_id", user)
    path = _path(user)
    if path is None:
        return Point.objects.none()
    return Point.objects.filter(district__path__startswith=path)


def warnings_for(user: AnyUser) -> QuerySet[Warning]:
    """Warnings with a point the user sees, or issued from within the user's org subtree."""
    if sees_all(user):
        city = city_of(user)
        if city is None:
            return Warning.objects.all()
        theirs = PointCall.objects.filter(warning=OuterRef("pk"), point__district__tenant_id=city)
        return Warning.objects.filter(Q(Exists(theirs)) | Q(issuing_org__tenant_id=city))
    path = _path(user)
    if path is None:
        return Warning.objects.none()
    mine = PointCall.objects.filter(warning=OuterRef("pk"), point__district__path__startswith=path)
    return Warning.objects.filter(Q(Exists(mine)) | Q(issuing_org__path__startswith=path))


def calls_for(user: AnyUser) -> QuerySet[PointCall]:
    if sees_all(user):
        return _in_city(PointCall.objects.all(), "point__district__tenant_id", user)
    path = _path(user)
    if path is None:
        return PointCall.objects.none()
    return PointCall.objects.filter(point__district__path__startswith=path)


def supplies_for(user: AnyUser) -> QuerySet[Supply]:
    if sees_all(user):
        return _in_city(Supply.objects.all(), "district__tenant_id", user)
    path = _path(user)
    return Supply.objects.none() if path is None else Supply.objects.filter(district__path__startswith=path)


def teams_for(user: AnyUser) -> QuerySet[Team]:
    if sees_all(user):
        return _in_city(Team.objects.all(), "district__tenant_id", user)
    path = _path(user)
    return Team.objects.none() if path is None else Team.objects.filter(district__path__startswith=path)


def shifts_for(user: AnyUser) -> QuerySet[DutyShift]:
    """The roster of the user's own level and the levels above and below it."""
    if sees_all(user):
        return _in_city(DutyShift.objects.all(), "org__tenant_id", user)
    path = _path(user)
    if path is None:
        return DutyShift.objects.none()
    above = [int(p) for p in path.strip("/").split("/") if p]
    return DutyShift.objects.filter(Q(org__path__startswith=path) | Q(org_id__in=above))


def districts_for(user: User) -> QuerySet[Org]:
    """The districts a duty officer may put points, supplies and teams in."""
    districts = Org.objects.filter(kind=OrgKind.DISTRICT)
    if sees_all(user):
        return _in_city(districts, "tenant_id", user)
    path = _path(user)
    return Org.objects.none() if path is None else districts.filter(path__startswith=path)
