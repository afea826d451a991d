"""Service points (matter lists against the catalogue and the guidance catalogue, the 1+1+1+N check)
and handled cases from the form, the API and the daily spreadsheet, with their figures."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from liangping.core.models import AuditLog
from liangping.services import points
from liangping.services.figures import overview
from liangping.services.handled import mall_figures, pilot_figures
from liangping.services.models import HandledCase, PointMatter, Post
from liangping.sheets.runner import run_import
from tests.sheets.builders import write_xlsx


def at(day: str, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


def test_a_point_listing_a_matter_not_in_the_catalogue_is_refused(svc):
    before = list(PointMatter.objects.filter(point=svc.mall).values_list("matter__code", flat=True))
    with pytest.raises(points.PointError, match="事项编码“NOPE”不在事项目录中") as err:
        points.set_matters(None, svc.mall, [points.Listed("M001"), points.Listed("NOPE")])
    assert err.value.field == "matters"
    assert list(PointMatter.objects.filter(point=svc.mall).values_list("matter__code", flat=True)) == before
    with pytest.raises(points.PointError, match="不在指导目录“审批不出镇指导目录”中"):
        points.set_matters(None, svc.town_hall, [points.Listed("E1")])


def test_the_point_page_refuses_a_code_not_in_the_catalogue(client, svc):
    client.force_login(svc.cast.supervisor)
    url = f"/services/points/{svc.mall.pk}/matters/"
    page = client.post(url, {"codes": "M001\nBAD-1"}, follow=True).content.decode()
    assert "事项清单：事项编码“BAD-1”不在事项目录中，未作任何修改" in page
    assert PointMatter.objects.filter(point=svc.mall).count() == 2


def test_one_plus_one_plus_one_flags_a_hall_without_exactly_one_lead(client, svc):
    rows = {r.point.name: r for r in points.rule_rows(svc.city_hall.__class__.objects.all())}
    assert "市政务服务中心" not in rows  # the city hall is not in the 1+1+1 rule
    assert all(r.ok for r in rows.values())
    svc.village_hall.staff.filter(post=Post.LEAD).delete()
    points.add_staff(None, svc.town_hall, name="第二主管", post=Post.LEAD)
    client.force_login(svc.cast.supervisor)
    page = client.get("/services/rule/").content.decode()
    assert 'id="rule-flagged" class="text-red">2<' in page
    assert "未配备帮办代办主管" in page and "配备了 2 名帮办代办主管（应为 1 名）" in page


def test_handled_form_refuses_finished_before_received(client, svc):
    client.force_login(svc.cast.supervisor)
    form = {
        "ref": "BJ-1",
        "point": svc.town_hall.pk,
        "matter": "M001",
        "applicant": "person",
        "received_at": "2025-09-10T10:00",
        "finished_at": "2025-09-10T09:00",
        "outcome": "done",
    }
    response = client.post("/services/handled/", form)
    assert response.status_code == 400 and "办结时间早于受理时间，请核对" in response.content.decode()
    assert not HandledCase.objects.exists()
    response = client.post("/services/handled/", {**form, "finished_at": "2025-09-12T16:00"})
    assert response.status_code == 302
    row = HandledCase.objects.get()
    assert row.workdays == 2 and row.on_time and row.tenant == svc.cast.city
    assert AuditLog.objects.filter(action="services.handled.create").count() == 1


def test_handled_api_names_the_json_field(client, svc):
    client.force_login(svc.cast.supervisor)
    body = {
        "ref": "API-1",
        "point": svc.town_hall.pk,
        "matter": "M002",
        "applicant": "firm",
        "received_at": "2025-09-10T10:00:00+08:00",
        "finished_at": "2025-09-09T10:00:00+08:00",
        "outcome": "done",
    }
    response = client.post("/api/v1/services/handled", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "finished_at", "message": "办结时间早于受理时间，请核对"}]
    response = client.post(
        "/api/v1/services/handled",
        json.dumps({**body, "finished_at": None, "outcome": ""}),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["ref"] == "API-1"
    client.force_login(svc.cast.department)  # a department does not record handled cases
    response = client.post(
        "/api/v1/services/handled", json.dumps({**body, "ref": "API-2"}), content_type="application/json"
    )
    assert response.status_code == 404


HEADER = ["办件编号", "事项编码", "服务点", "申请人类型", "受理时间", "办结时间", "办理结果"]


def test_daily_sheet_all_or_nothing_with_row_and_column(svc, tmp_path):
    good = ["D-1", "M001", "示例镇便民服务中心", "个人", "2025-09-10 09:00", "2025-09-10 11:00", "办结"]
    bad = ["D-2", "M002", "示例镇便民服务中心", "企业", "2025-09-11 15:00", "2025-09-11 10:00", "办结"]
    unknown = ["D-3", "M999", "示例镇便民服务中心", "个人", "2025-09-11 15:00", "", ""]
    path = write_xlsx(tmp_path / "办件.xlsx", [["示例镇 2025-09-11 办件"], HEADER, good, bad, unknown])
    result = run_import("handled", path, actor=svc.cast.supervisor)
    assert not result.ok and not HandledCase.objects.exists()
    errors = {(e.row, e.column): e.message for e in result.errors}
    assert errors == {
        (4, "办结时间"): "办结时间早于受理时间，请核对",
        (5, "事项编码"): "事项编码“M999”不在事项目录中",
    }
    path = write_xlsx(tmp_path / "办件2.xlsx", [HEADER, good])
    assert run_import("handled", path, actor=svc.cast.supervisor).created == 1
    again = run_import("handled", path, actor=svc.cast.supervisor)
    assert again.created == 0 and again.unchanged == 1


def test_figures_pilot_towns_malls_and_the_month(svc):
    from liangping.services.handled import HandledInput, record_handled

    for i in range(3):
        record_handled(
            None,
            HandledInput(
                f"P{i}",
                svc.town_hall,
                svc.matters["M001"],
                "person",
                at("2025-09-10"),
                at("2025-09-10", 15),
                "done",
            ),
        )
    record_handled(
        None, HandledInput("S1", svc.mall, svc.matters["M003"], "firm", at("2025-09-11"), None, "")
    )
    pilot = pilot_figures(svc.cast.city.pk)
    assert pilot["total"] == 3 and pilot["pilot_towns"] == 1 and pilot["guide_size"] == 3
    assert pilot["towns"] == [{"name": "示例镇便民服务中心", "count": 3}]
    mall = mall_figures(svc.cast.city.pk)
    assert (mall["category_count"], mall["matter_count"]) == (2, 2)
    assert {c["name"]: c["count"] for c in mall["categories"]} == {"个体工商户登记": 0, "食品经营许可": 1}
    o = overview(svc.cast.city.pk, dt.date(2025, 9, 30))
    assert (
        o["month"]["total"] == 4
        and o["month"]["town_share"] == "75.0%"
        and o["month"]["on_time_rate"] == "100.0%"
    )
    assert o["matters"] == 8 and o["rule_flagged"] == 0


def test_a_handled_case_counts_its_points_city_working_days(svc):
    """A day off of 济南's own makes a 济南 hall's case take one working day fewer than the same
    dates at a 枣庄 hall."""
    from liangping.core.models import CalendarDay, Org, OrgKind
    from liangping.services.handled import HandledInput, record_handled
    from liangping.services.models import Matter
    from tests.services.world import city_items

    province = Org.objects.create(name="山东省", kind=OrgKind.PROVINCE, code="370000")
    svc.cast.city.parent = province
    svc.cast.city.save()
    jinan = Org.objects.create(name="济南市", kind=OrgKind.CITY, code="370100", parent=province)
    district = Org.objects.create(name="市中区", kind=OrgKind.DISTRICT, code="370103", parent=jinan)
    jn_point = city_items(jinan, district)["svc_point"]
    CalendarDay.objects.create(date=dt.date(2025, 9, 11), is_workday=False, note="济南调休", tenant=jinan)
    dates = (at("2025-09-10"), at("2025-09-12", 15))
    zz = record_handled(
        None, HandledInput("ZZ1", svc.town_hall, svc.matters["M001"], "person", *dates, "done")
    )
    jn = record_handled(
        None, HandledInput("JN1", jn_point, Matter.objects.get(code="JN001"), "person", *dates, "done")
    )
    assert zz.workdays is not None and jn.workdays == zz.workdays - 1
