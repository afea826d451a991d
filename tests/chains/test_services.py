"""The chain's business actions: bad input is refused in Chinese naming the field, nothing is saved, and
every change is audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liangping.chains import services
from liangping.chains.mapdata import public_document
from liangping.chains.models import ChainSnapshot, Firm, Lead, ProjectLink, Segment
from liangping.chains.services import CapacityInput, ChainError, FirmInput
from liangping.core.models import AuditLog
from tests.chains.world import code

pytestmark = pytest.mark.django_db


def test_a_segment_cycle_is_refused_and_nothing_changes(cast, cw):
    services.update_segment(
        cast.supervisor,
        cw.cell,
        parent_id=None,
        position=30,
        target_firms=None,
        targets={},
        expected_version=1,
    )
    # PACK组装 sits under 电芯: making 电芯 a child of PACK组装 would close a loop
    before = list(Segment.objects.values_list("pk", "parent_id", "position", "version"))
    with pytest.raises(ChainError, match="循环") as caught:
        services.update_segment(
            cast.supervisor,
            cw.cell,
            parent_id=cw.pack.pk,
            position=1,
            target_firms=3,
            targets={},
            expected_version=2,
        )
    assert caught.value.field == "parent"
    assert "电芯 → PACK组装 → 电芯" in str(caught.value) or "PACK组装" in str(caught.value)
    with pytest.raises(ChainError, match="循环"):  # its own parent
        services.update_segment(
            cast.supervisor,
            cw.cell,
            parent_id=cw.cell.pk,
            position=1,
            target_firms=None,
            targets={},
            expected_version=2,
        )
    assert list(Segment.objects.values_list("pk", "parent_id", "position", "version")) == before


def test_segment_update_sets_targets_and_is_audited(cast, cw):
    services.update_segment(
        cast.supervisor,
        cw.separator,
        parent_id=None,
        position=25,
        target_firms=8,
        targets={cw.separator_m2.pk: "3.5"},
        expected_version=1,
    )
    cw.separator_m2.refresh_from_db()
    assert cw.separator_m2.target == Decimal("3.5")
    entry = AuditLog.objects.filter(action="chain.segment.update").get()
    assert entry.changes["target_firms"] == [None, 8]
    with pytest.raises(ChainError, match="已被他人修改"):
        services.update_segment(
            cast.supervisor,
            cw.separator,
            parent_id=None,
            position=1,
            target_firms=None,
            targets={},
            expected_version=1,
        )
    with pytest.raises(ChainError, match="不能为负数"):
        services.update_segment(
            cast.supervisor,
            cw.separator,
            parent_id=None,
            position=1,
            target_firms=None,
            targets={cw.separator_m2.pk: "-1"},
            expected_version=2,
        )


def test_a_project_link_in_a_unit_the_measure_does_not_use_is_refused(cast, cw):
    before = set(ProjectLink.objects.values_list("pk", flat=True))
    with pytest.raises(ChainError, match="单位是亿㎡，不能填写万吨") as caught:
        services.link_project(cast.supervisor, cast.inside, cw.separator.pk, capacity="3", unit="万吨")
    assert caught.value.field == "unit"
    assert set(ProjectLink.objects.values_list("pk", flat=True)) == before
    # the same unit written another way is the same unit
    link = services.link_project(cast.supervisor, cast.inside, cw.separator.pk, capacity="3", unit="亿平方米")
    assert link.capacity == Decimal("3.00") and link.measure == cw.separator_m2
    assert AuditLog.objects.filter(action="chain.project.link").count() == 1


@pytest.mark.parametrize("segment", [999_999, "abc", None, ""])
def test_a_project_tagged_to_a_segment_of_no_chain_is_refused(cast, cw, segment):
    with pytest.raises(ChainError, match="不属于任何产业链") as caught:
        services.link_project(cast.supervisor, cast.inside, segment)
    assert caught.value.field == "segment"
    assert ProjectLink.objects.count() == 2


def test_a_capacity_without_a_measure_is_refused(cast, cw):
    with pytest.raises(ChainError, match="没有产能指标"):
        services.link_project(cast.supervisor, cast.outside, cw.pack.pk, capacity="1", unit="GWh")


def firm(credit: str, **over) -> FirmInput:  # type: ignore[no-untyped-def]
    values = dict(
        credit_code=credit,
        name="丙电解液有限公司",
        district=None,
        output=Decimal("100"),
        platforms=1,
        patents=2,
        above_scale=False,
        key=False,
        internal=False,
        segments=[],
        capacities=[],
    )
    values.update(over)
    return FirmInput(**values)  # type: ignore[arg-type]


def test_a_firm_with_an_invalid_credit_code_is_refused(cw):
    bad = code(9)[:-1] + ("0" if code(9)[-1] != "0" else "1")
    with pytest.raises(Exception, match="校验位不正确"):
        services.check_firm(firm(bad, segments=[cw.cathode]))
    assert not Firm.objects.filter(credit_code=bad).exists()


def test_saving_firms_creates_once_and_then_changes_nothing(cast, cw):
    row = services.check_firm(firm(code(7), capacities=[CapacityInput(cw.cathode_t, Decimal("1.2"))]))
    assert row.segments == [cw.cathode]  # the segment of a capacity is served
    assert services.save_firms(cast.supervisor, [row]) == {"created": 1, "updated": 0, "unchanged": 0}
    again = services.check_firm(firm(code(7), capacities=[CapacityInput(cw.cathode_t, Decimal("1.2"))]))
    assert services.save_firms(cast.supervisor, [again]) == {"created": 0, "updated": 0, "unchanged": 1}
    changed = services.check_firm(firm(code(7), capacities=[CapacityInput(cw.cathode_t, Decimal("2"))]))
    assert services.save_firms(cast.supervisor, [changed], write=False) == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
    }
    assert Firm.objects.get(credit_code=code(7)).capacities.get().value == Decimal("1.2")  # a dry count
    services.save_firms(cast.supervisor, [changed])
    assert Firm.objects.get(credit_code=code(7)).capacities.get().value == Decimal("2")
    assert AuditLog.objects.filter(action__startswith="chain.firm").count() == 2


def test_snapshots_are_frozen_versioned_and_published_once(cast, cw):
    snap = services.take_snapshot(cast.supervisor, cw.chain, 2025, public_document(cw.chain))
    snap.data = {"tampered": True}
    with pytest.raises(PermissionError):
        snap.save()
    assert ChainSnapshot.objects.get(pk=snap.pk).data["summary"]["firms"] == 2
    second = services.take_snapshot(cast.supervisor, cw.chain, 2025, public_document(cw.chain))
    assert second.version == 2
    services.publish_snapshot(cast.supervisor, snap)
    with pytest.raises(ChainError, match="已发布"):
        services.publish_snapshot(cast.supervisor, snap)
    with pytest.raises(ChainError, match="年份"):
        services.take_snapshot(cast.supervisor, cw.chain, "明年", {})


def test_lead_and_goal_validation(cast, cw):
    with pytest.raises(ChainError, match="责任部门"):
        services.add_lead(cast.supervisor, cw.cell, "目标", cast.tengzhou)
    with pytest.raises(ChainError, match="目标企业或产品"):
        services.add_lead(cast.supervisor, cw.cell, "  ", cast.fagai)
    lead = services.set_lead_status(cast.supervisor, cw.lead, "signed", expected_version=1)
    assert lead.status == "signed" and lead.version == 2
    with pytest.raises(ChainError, match="已被他人修改"):
        services.set_lead_status(cast.supervisor, cw.lead, "landed", expected_version=1)
    assert Lead.objects.get(pk=cw.lead.pk).status == "signed"
    with pytest.raises(ChainError, match="不是数字"):
        services.set_goal(cast.supervisor, cw.chain, 2030, "一千五百")
    goal = services.set_goal(cast.supervisor, cw.chain, "2030", "1,500")
    assert goal.output == Decimal("1500")
