"""The 稳定 ledger as configuration of the case engine: registering (bad input named by field), 定责
with the 包案领导, follow-ups due by level, 核查 before 销号, reopening with history kept; sweeps with
a nil report and a late unit, reminders; reception days; the overview's figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liangping.cases import engine
from liangping.cases.models import Case, CaseTimeLimit
from liangping.notices.models import Notification
from liangping.stability import queries, services
from liangping.stability.models import SweepKind, SweepReport
from tests.stability.conftest import item_data


def _register(cast, towns, title="某小区业主维权", urgency="high", at=None, actor=None, **data):
    return engine.register(
        "stability",
        actor=actor or towns.longquan_user,
        title=title,
        category="petition",
        urgency=urgency,
        data=item_data(towns, **data),
        place_org=towns.longquan,
        at=at,
    )


@pytest.mark.django_db
def test_a_risk_item_needs_level_unit_and_place(cast, towns):
    base = {"title": "拖欠工资", "category": "labor", "urgency": "high", "data": item_data(towns)}
    for change, field, words in (
        ({"urgency": ""}, "urgency", "请选择风险等级"),
        ({"data": item_data(towns, resp_unit=None)}, "resp_unit", "请填写责任单位"),
        ({"data": item_data(towns, town=None)}, "town", "请填写所在镇街"),
        ({"data": item_data(towns, rep_idcard="370402199001011234")}, "rep_idcard", "身份证号校验位不对"),
    ):
        with pytest.raises(engine.CaseFieldError, match=words) as err:
            engine.register("stability", actor=towns.longquan_user, **{**base, **change})
        assert err.value.field == field
    assert not Case.objects.of_kind("stability").exists()


@pytest.mark.django_db
def test_the_loop_follow_ups_verification_and_reopening(cast, towns, days_ago):
    case = _register(cast, towns, at=days_ago(10))
    assert case.status == "registered" and case.finish_unit == "days"
    # 高: a follow-up is due 7 days after registration; 10 days later it is overdue.
    assert case.deadline == timezone.localdate(days_ago(10)) + dt.timedelta(days=7)
    assert case.is_overdue() and case in Case.objects.overdue()

    with pytest.raises(engine.CaseFieldError, match="定责须填写包案领导"):
        engine.act(case, "assign", actor=cast.supervisor, lead_org=towns.longquan, data={"measures": "x"})
    engine.act(
        case,
        "assign",
        actor=cast.supervisor,
        lead_org=towns.longquan,
        data={"leader": "王某（示例）", "measures": "逐户走访，依法解决", "target_date": "2027-01-31"},
    )
    case = Case.objects.get(pk=case.pk)
    assert case.status == "resolving" and case.data["leader"] == "王某（示例）"
    assert not case.is_overdue()  # 定责 restarted the follow-up clock

    # A follow-up dated before the item is refused, naming the date; nothing is saved.
    with pytest.raises(engine.CaseFieldError, match="跟进日期不能早于登记日期") as err:
        engine.act(case, "follow_up", actor=towns.longquan_user, note="电话回访", date=dt.date(2020, 1, 1))
    assert err.value.field == "date" and case.steps.count() == 2
    engine.act(case, "follow_up", actor=towns.longquan_user, note="入户走访，情绪稳定")

    # 销号 needs 核查 first, and 核查 needs its note.
    with pytest.raises(engine.CaseError, match="不能销号"):
        engine.act(case, "close", actor=cast.supervisor)
    with pytest.raises(engine.CaseFieldError, match="请填写核查意见") as err:
        engine.act(case, "verify", actor=cast.supervisor, note=" ")
    assert err.value.field == "note"
    engine.act(case, "verify", actor=cast.supervisor, note="实地核查，已化解")
    engine.act(case, "close", actor=cast.supervisor)
    assert case.status == "closed" and case.closed_at is not None

    # It recurs: reopened, not re-entered; the history stays and the follow-up clock restarts.
    engine.act(case, "reopen", actor=cast.supervisor, note="业主再次聚集")
    case = Case.objects.get(pk=case.pk)
    assert case.status == "resolving" and case.reopen_count == 1 and case.closed_at is None
    actions = list(case.steps.values_list("action", flat=True))
    assert actions == ["register", "assign", "follow_up", "verify", "close", "reopen"]
    assert Case.objects.of_kind("stability").count() == 1


@pytest.mark.django_db
def test_follow_up_intervals_are_editable_data(cast, towns):
    limit = CaseTimeLimit.objects.get(kind__code="stability", urgency="low")
    assert (limit.finish_amount, limit.finish_unit) == (30, "days")
    limit.finish_amount = 20
    limit.save()
    case = _register(cast, towns, urgency="low")
    assert case.deadline == timezone.localdate() + dt.timedelta(days=20)
    mid = CaseTimeLimit.objects.get(kind__code="stability", urgency="medium")
    assert mid.finish_amount == 15


@pytest.mark.django_db
def test_a_sweep_with_a_nil_report_and_a_late_unit(client, cast, towns, today):
    sweep = services.open_sweep(
        cast.supervisor,
        name="2026年第四季度矛盾纠纷拉网式排查",
        kind=SweepKind.STABILITY,
        start_date=today - dt.timedelta(days=10),
        end_date=today - dt.timedelta(days=1),
        units=[towns.longquan, towns.beixin, towns.xigang],
    )
    with pytest.raises(services.LedgerError, match="截止日期不能早于开始日期"):
        services.open_sweep(
            cast.supervisor,
            name="x",
            kind="stability",
            start_date=today,
            end_date=today - dt.timedelta(days=1),
            units=[towns.longquan],
        )
    # 龙泉街道 reports an item through the sweep page (the kind's generated form).
    client.force_login(towns.longquan_user)
    page = client.get(f"/stability/sweeps/{sweep.pk}/").content.decode()
    assert "风险等级" in page and "包案领导" in page and "报送“无”" in page
    form = {
        "title": "某建筑工地农民工讨薪",
        "category": "labor",
        "urgency": "medium",
        "f_town": towns.longquan.pk,
        "f_resp_unit": towns.longquan.pk,
        "f_parties_count": "23",
        "f_rep_phone": "13912345678",
    }
    bad = client.post(f"/stability/sweeps/{sweep.pk}/report/", {**form, "urgency": ""}).content.decode()
    assert "请选择风险等级" in bad and not Case.objects.of_kind("stability").exists()
    response = client.post(f"/stability/sweeps/{sweep.pk}/report/", form)
    assert response.status_code == 302
    case = Case.objects.of_kind("stability").get()
    assert case.channel == "sweep" and case.source_ref == f"sweep:{sweep.pk}"
    # 北辛街道 says 无 explicitly.
    client.force_login(towns.beixin_user)
    client.post(f"/stability/sweeps/{sweep.pk}/nil/", {"note": "经排查无"})
    assert SweepReport.objects.get(sweep=sweep, org=towns.beixin).nil
    # 龙泉 cannot report for 北辛; 北辛 sees only its own row.
    assert client.get(f"/stability/sweeps/{sweep.pk}/").status_code == 200
    # The supervisor sees who has not reported (西岗镇, late) and reminds them.
    client.force_login(cast.supervisor)
    page = client.get(f"/stability/sweeps/{sweep.pk}/").content.decode()
    assert "未报送 1 个单位" in page and "西岗镇" in page and "逾期未报送" in page
    rows = {r["org"].name: r for r in services.sweep_rows(sweep, today)}
    assert rows["龙泉街道"]["items"] == 1 and rows["北辛街道"]["nil"] and rows["西岗镇"]["late"]
    client.post(f"/stability/sweeps/{sweep.pk}/remind/")
    notes = Notification.objects.filter(title__contains=sweep.name)
    assert [n.recipient for n in notes] == [towns.xigang_user]
    assert services.remind_sweeps(today) == []  # once a day
    # A unit outside the sweep sees nothing of it.
    client.force_login(cast.department)
    assert client.get(f"/stability/sweeps/{sweep.pk}/").status_code == 404


@pytest.mark.django_db
def test_reception_days_and_the_overview(client, cast, towns, days_ago):
    client.force_login(cast.supervisor)
    response = client.post(
        "/stability/receptions/",
        {
            "date": timezone.localdate().isoformat(),
            "leader": "张某（示例）",
            "place": "市信访接待中心",
            "visitors": "8",
        },
    )
    assert response.status_code == 302
    day_url = response.url
    page = client.post(
        day_url,
        {
            "title": "征地补偿争议",
            "category": "land",
            "urgency": "high",
            "f_town": towns.beixin.pk,
            "f_resp_unit": towns.beixin.pk,
            "f_parties_count": "5",
        },
    )
    assert page.status_code == 302
    case = Case.objects.of_kind("stability").get()
    assert case.channel == "reception" and case.source_ref.startswith("reception:")
    assert "征地补偿争议" in client.get(day_url).content.decode()

    old = _register(cast, towns, title="邻里宅基地纠纷", urgency="low", at=days_ago(40))
    figures = queries.ledger_figures(cast.supervisor)
    assert figures["totals"]["open"] == 2 and figures["totals"]["overdue"] == 1
    towns_rows = {t["name"]: t for t in figures["towns"]}
    assert towns_rows["北辛街道"]["levels"]["high"] == 1 and towns_rows["龙泉街道"]["overdue"] == 1
    page = client.get("/stability/").content.decode()
    assert "镇街 × 风险等级" in page and "北辛街道" in page
    assert old.title in client.get("/cases/?kind=stability&overdue=on").content.decode()
