"""企业服务工作室 requests on the case engine, the 榴花分 lookup at its edges, the append-only log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.chains import creditcode
from liangping.core.models import AuditLog
from liangping.firms import services
from liangping.firms.models import Application, Firm, Measure
from liangping.firms.services import FirmError
from tests.firms.world import code

pytestmark = pytest.mark.django_db


def test_credit_code_check_character():
    good = code(42)
    assert creditcode.validate(good.lower()) == good
    assert creditcode.validate(" " + good[:9] + "　" + good[9:]) == good  # spaces, full-width space
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(creditcode.CreditCodeError, match="校验位不正确"):
        creditcode.validate(wrong)
    with pytest.raises(creditcode.CreditCodeError, match="18位"):
        creditcode.validate(good[:-1])
    with pytest.raises(creditcode.CreditCodeError, match="不允许的字符“I”"):
        creditcode.validate("I" + good[1:])
    # the standard's weights: 3^(i-1) mod 31
    assert creditcode.WEIGHTS == tuple(pow(3, i, 31) for i in range(17))


def test_a_request_runs_from_establish_to_done(cast, fw):
    case = services.open_request(fw.staff, fw.firm_in, "establish", fw.staff, contact_phone="13800138000")
    assert case.kind == "firm_service" and case.status == "handling"
    assert case.lead_org == fw.studio_in.org and case.data["butler"] == fw.staff.pk
    assert case.subject == fw.firm_in and case.category.name == "设立"
    engine.act(case, "submit", actor=fw.staff, note="材料已报送")
    engine.act(case, "correct", actor=fw.staff, note="缺章程")
    engine.act(case, "resubmit", actor=fw.staff)
    with pytest.raises(engine.CaseError, match="办理结果"):
        engine.act(case, "finish", actor=fw.staff, note="")
    engine.act(case, "finish", actor=fw.staff, note="营业执照已领取")
    case.refresh_from_db()
    assert case.status == "done" and case.closed_at is not None
    assert list(case.steps.values_list("action", flat=True)) == [
        "register", "accept", "submit", "correct", "resubmit", "finish",
    ]  # fmt: skip
    assert list(services.requests_of(fw.firm_in, cast.supervisor)) == [Case.objects.get(pk=case.pk)]
    assert list(services.requests_of(fw.firm_in, cast.district)) != []  # the district above the studio
    assert list(services.requests_of(fw.firm_in, cast.owner)) == []


def test_only_the_studio_opens_requests_with_its_own_butler(cast, fw):
    with pytest.raises(FirmError, match="不能为该企业登记"):
        services.open_request(fw.staff, fw.firm_out, "change", fw.staff)
    with pytest.raises(FirmError, match="不能为该企业登记"):
        services.open_request(cast.department, fw.firm_in, "change", fw.staff)
    with pytest.raises(FirmError, match="管家") as err:
        services.open_request(fw.staff, fw.firm_in, "change", cast.department)
    assert err.value.field == "butler"
    with pytest.raises(FirmError, match="事项类别"):
        services.open_request(fw.staff, fw.firm_in, "merge", fw.staff)
    assert not Case.objects.filter(kind="firm_service").exists()
    # the supervision office may open one for any firm of its city
    assert services.open_request(cast.supervisor, fw.firm_out, "cancel", _butler_of(fw.studio_out))


def _butler_of(studio):  # type: ignore[no-untyped-def]
    from tests.cast import make_user

    return make_user(f"b{studio.pk}", "department", studio.org, "管家小李")


@pytest.mark.parametrize(
    ("score", "eligible"),
    [("79.99", False), ("80", True), ("85.5", True), ("90", True), ("90.01", False), (None, False)],
)
def test_score_band_includes_both_edges(cast, fw, score, eligible):
    Firm.objects.filter(pk=fw.firm_in.pk).update(score=Decimal(score) if score else None, credit_level="C")
    found = services.lookup(cast.supervisor, fw.firm_in.credit_code, dt.date(2026, 6, 1))
    assert (fw.measure_band in found.measures) is eligible
    assert fw.measure_a not in found.measures  # level C


@pytest.mark.parametrize(
    ("day", "eligible"),
    [
        (dt.date(2025, 12, 31), False),
        (dt.date(2026, 1, 1), True),
        (dt.date(2026, 12, 31), True),
        (dt.date(2027, 1, 1), False),
    ],
)
def test_valid_dates_include_both_ends(cast, fw, day, eligible):
    found = services.lookup(cast.supervisor, fw.firm_in.credit_code.lower(), day)
    assert (fw.measure_a in found.measures) is eligible
    assert fw.measure_band in found.measures  # open-ended, score 85


def test_a_measure_naming_level_and_band_needs_both(cast, fw):
    both = Measure.objects.create(
        tenant=cast.city,
        code="LHF-009",
        name="示例双条件",
        department=cast.fagai,
        benefit="示例",
        levels="A",
        score_min=Decimal("90"),
        starts_on=dt.date(2020, 1, 1),
    )
    day = dt.date(2026, 6, 1)
    assert both not in services.lookup(cast.supervisor, fw.firm_in.credit_code, day).measures  # A but 85
    Firm.objects.filter(pk=fw.firm_in.pk).update(score=Decimal("95"))
    assert both in services.lookup(cast.supervisor, fw.firm_in.credit_code, day).measures
    # the database rule and the one in hand agree
    firm = Firm.objects.get(pk=fw.firm_in.pk)
    for m in Measure.objects.all():
        assert m.qualifies(firm) is Measure.objects.for_firm(firm).filter(pk=m.pk).exists()


def test_lookup_refuses_bad_unknown_and_out_of_scope_codes(cast, fw):
    with pytest.raises(FirmError, match="校验位不正确"):
        good = fw.firm_in.credit_code
        services.lookup(cast.supervisor, good[:-1] + ("Y" if good[-1] != "Y" else "0"))
    with pytest.raises(FirmError, match="未找到"):
        services.lookup(cast.supervisor, code(999))
    with pytest.raises(FirmError, match="未找到"):
        services.lookup(cast.supervisor, fw.other_city_firm.credit_code)  # another city's
    with pytest.raises(FirmError, match="未找到"):
        services.lookup(cast.district, fw.firm_out.credit_code)  # a studio outside 滕州市
    assert services.lookup(cast.district, fw.firm_in.credit_code).firm == fw.firm_in


def test_applied_measures_are_an_audited_append_only_log(cast, fw):
    at = timezone.make_aware(dt.datetime(2026, 6, 1, 10))
    entry = services.apply_measure(cast.department, fw.firm_in, fw.measure_a, "已推荐至银行", at=at)
    assert AuditLog.objects.filter(action="firms.measure.apply", object_id=str(entry.pk)).count() == 1
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(FirmError, match="不符合"):
        services.apply_measure(cast.supervisor, fw.firm_out, fw.measure_a, at=at)  # level C
    late = timezone.make_aware(dt.datetime(2027, 1, 2, 10))
    with pytest.raises(FirmError, match="不在有效期内"):
        services.apply_measure(cast.supervisor, fw.firm_in, fw.measure_a, at=late)
    with pytest.raises(FirmError, match="不能登记"):
        services.apply_measure(cast.leader, fw.firm_in, fw.measure_a, at=at)
    with pytest.raises(FirmError, match="不能登记"):  # 市发展改革委 does not grant 市工信局's measure
        services.apply_measure(cast.department, fw.firm_in, fw.measure_band, at=at)
    assert services.apply_measure(fw.staff, fw.firm_in, fw.measure_band, at=at)  # the firm's studio may
    assert Application.objects.count() == 2
