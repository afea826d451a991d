"""Each city has its own periods, snapshots and rule sets (decision 0007): a city locks and publishes
its own periods; a 枣庄 supervisor never sees, locks, publishes or re-opens 济南's (404); a city grades
with its own rule set, else with the province's defaults."""

from __future__ import annotations

import copy

import pytest
from django.test import Client
from django.urls import reverse

from liangping.core.models import AuditLog, Period, PeriodStatus
from liangping.grading import services
from liangping.grading.models import RuleSet, Snapshot
from liangping.grading.services import GradingError
from tests.province.cities import build_second_city

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _codes(snapshot: Snapshot) -> set[str]:
    return set(snapshot.items.filter(kind="project").values_list("code", flat=True))


def test_each_city_locks_and_publishes_its_own_period(cast):
    jn = build_second_city(cast)
    zz_june = services.get_or_create_period("2025-06", cast.city.pk)
    jn_june = services.get_or_create_period("2025-06", jn.city.pk)
    assert zz_june.pk != jn_june.pk and zz_june.code == jn_june.code
    zz_snap = services.lock_period(cast.supervisor, zz_june, confirm_unreviewed=True)
    jn_snap = services.lock_period(jn.supervisor, jn_june, confirm_unreviewed=True)
    assert _codes(zz_snap) == {"ZZ-2025-001", "ZZ-2025-002"}
    assert _codes(jn_snap) == {"JN-2025-001"}
    assert zz_snap.version == jn_snap.version == 1
    services.publish_period(jn.supervisor, jn_june)
    zz_june.refresh_from_db()
    assert zz_june.status == PeriodStatus.LOCKED  # 济南's publication publishes nothing of 枣庄's
    # the services refuse another city's period, whoever calls them
    with pytest.raises(GradingError):
        services.reopen_period(cast.supervisor, jn_june, "越权")
    with pytest.raises(GradingError):
        services.publish_period(jn.supervisor, zz_june)
    with pytest.raises(GradingError):
        services.lock_period(cast.supervisor, services.get_or_create_period("2025-07", jn.city.pk))

    # the ranking's 「home」 is each city itself
    def homes(snap: Snapshot) -> set[str]:
        return set(snap.items.filter(kind="indicator", figures__home=True).values_list("district", flat=True))

    assert homes(zz_snap) <= {"枣庄"} and homes(jn_snap) <= {"济南"}


def test_a_citys_supervisor_never_sees_or_acts_on_another_citys_period(cast):
    jn = build_second_city(cast)
    jn_june = services.get_or_create_period("2025-06", jn.city.pk)
    jn_snap = services.lock_period(jn.supervisor, jn_june, confirm_unreviewed=True)
    services.publish_period(jn.supervisor, jn_june)
    zz = _client(cast.supervisor)
    assert zz.get(reverse("grading:snapshot", args=[jn_snap.pk])).status_code == 404
    assert _client(jn.supervisor).get(reverse("grading:snapshot", args=[jn_snap.pk])).status_code == 200
    assert _client(jn.provincial).get(reverse("grading:snapshot", args=[jn_snap.pk])).status_code == 200
    for page in ("grading:board", "grading:periods", "disclosure:index"):
        body = zz.get(reverse(page) + "?period=2025-06").content.decode()
        assert "济南示例新材料项目" not in body and "JN-2025-001" not in body, page

    def action(name: str, **data: str):  # type: ignore[no-untyped-def]
        return zz.post(reverse("grading:period_action", args=[name]), {"period": "2025-06", **data})

    assert action("publish").status_code == 404  # 枣庄 has no 2025-06: 济南's is not found
    assert action("reopen", reason="越权").status_code == 404
    jn_june.refresh_from_db()
    assert jn_june.status == PeriodStatus.PUBLISHED
    # locking 2025-06 locks 枣庄's own period, never 济南's
    assert action("lock", confirm="1").status_code == 302
    zz_june = Period.objects.get(code="2025-06", tenant=cast.city)
    assert zz_june.status == PeriodStatus.LOCKED
    assert jn_june.snapshots.count() == 1
    assert "JN-2025-001" not in str(_codes(zz_june.snapshots.get()))
    # the API lists the caller's city's periods only; the disclosure discloses its own
    listed = zz.get("/api/v1/grading/periods").json()
    assert [(p["code"], p["status"]) for p in listed] == [("2025-06", "locked")]
    assert (
        zz.get(reverse("disclosure:report", args=["2025-06"])).status_code == 404
    )  # 枣庄's is not published
    assert _client(jn.supervisor).get(reverse("disclosure:report", args=["2025-06"])).status_code == 200


def test_a_city_inherits_the_provinces_rules_unless_it_has_its_own(cast):
    jn = build_second_city(cast)
    province = services.active_ruleset(None)
    assert province.tenant_id is None
    assert services.active_ruleset(cast.city.pk) == province == services.active_ruleset(jn.city.pk)
    stricter = copy.deepcopy(province.rules)
    stricter["progress"] = {"red_below": "-5", "yellow_below": "0"}
    own = services.save_ruleset(cast.supervisor, stricter, "枣庄从严")
    assert (own.tenant_id, own.version) == (cast.city.pk, province.version + 1)
    assert services.active_ruleset(cast.city.pk) == own
    assert services.active_ruleset(jn.city.pk) == province  # 济南 still inherits
    # the province's new defaults reach 济南, not 枣庄 (which has its own)
    looser = copy.deepcopy(province.rules)
    looser["progress"] = {"red_below": "-20", "yellow_below": "0"}
    newer = services.save_ruleset(jn.provincial, looser, "全省默认调整")
    assert newer.tenant_id is None and newer.version == province.version + 1
    assert services.active_ruleset(jn.city.pk) == newer
    assert services.active_ruleset(cast.city.pk) == own
    # a city's next version follows its own; each is audited
    again = copy.deepcopy(stricter)
    again["progress"] = {"red_below": "-6", "yellow_below": "0"}
    assert services.save_ruleset(cast.supervisor, again, "再调").version == own.version + 1
    assert AuditLog.objects.filter(action="ruleset.create").count() == 3
    # a lock grades with the city's rule set, and the rules page shows the city's
    snap = services.lock_period(jn.supervisor, services.get_or_create_period("2025-06", jn.city.pk))
    assert snap.ruleset == newer
    page = _client(cast.supervisor).get(reverse("grading:rules")).content.decode()
    assert "第3版" in page and "第2版（全省默认）" in page  # its own versions, and the defaults beside them
    assert set(RuleSet.objects.values_list("tenant_id", flat=True)) == {None, cast.city.pk}


def test_a_single_city_installation_keeps_its_periods_without_naming_a_city(cast):
    """Nothing names a tenant on an installation of one city: its periods and rules are the city's."""
    period = services.get_or_create_period("2025-06")
    assert period.tenant_id == cast.city.pk
    snap = services.lock_period(cast.supervisor, period, confirm_unreviewed=True)
    assert _codes(snap) == {"ZZ-2025-001", "ZZ-2025-002"}
    rules = copy.deepcopy(services.active_ruleset().rules)
    rules["progress"] = {"red_below": "-8", "yellow_below": "0"}
    assert services.save_ruleset(cast.supervisor, rules, "调整").tenant_id == cast.city.pk
    assert services.active_ruleset().tenant_id == cast.city.pk
