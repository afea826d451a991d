"""帮办代办 requests on the `assist` kind (handed up one level at a time, one owner, closed 办成) and
一件事 applications on the `bundle` kind (one form, fanned out to each department, joined)."""

from __future__ import annotations

import pytest

from liangping.cases import engine
from liangping.cases.models import Case
from liangping.services import assist, bundles
from liangping.services.models import Bundle


def test_a_request_at_a_village_handed_up_to_the_town_and_closed_done(client, svc):
    case = assist.register_request(
        svc.village_lead,
        svc.village_hall,
        matter="M001",
        applicant_type="person",
        applicant="张三",
        phone="13800000001",
    )
    assert case.lead_org == svc.village and case.status == "accepted" and case.subject == svc.village_hall
    with pytest.raises(engine.CaseFieldError, match="不在事项目录中"):
        assist.register_request(
            svc.village_lead, svc.village_hall, matter="无此事项", applicant_type="person", applicant="张三"
        )
    engine.act(case, "take", actor=svc.village_lead)
    with pytest.raises(engine.CaseFieldError, match=r"只能交给上一级单位（示例镇）"):
        engine.act(case, "hand_up", actor=svc.village_lead, lead_org=svc.cast.tengzhou, note="需镇里审批")
    engine.act(case, "hand_up", actor=svc.village_lead, lead_org=svc.town, note="需镇里审批")
    assert case.lead_org == svc.town and case.status == "accepted"
    assert engine.allowed_actions(svc.village_lead, case) == []  # one owner: the village has handed it on
    engine.act(case, "take", actor=svc.town_lead)
    with pytest.raises(engine.CaseFieldError, match="办成请写明办理结果"):
        engine.act(case, "done", actor=svc.town_lead)
    engine.act(case, "done", actor=svc.town_lead, note="已领取营业执照")
    case.refresh_from_db()
    assert case.status == "done" and case.reply == "已领取营业执照" and case.closed_at is not None
    client.force_login(svc.town_lead)
    page = client.get(f"/services/assist/{case.pk}/").content.decode()
    assert 'id="assist-state">办成<' in page and 'id="assist-owner">示例镇<' in page and "镇主管" in page
    assert "已领取营业执照" in page and page.index("示例村") < page.index("上交上级")
    listing = client.get("/services/assist/").content.decode()
    assert case.receipt_no in listing and "镇主管" in listing


def test_the_assist_form_names_the_field(client, svc):
    client.force_login(svc.village_lead)
    response = client.post(
        "/services/assist/new/",
        {"point": svc.village_hall.pk, "matter": "不存在", "applicant_type": "person", "applicant": "李四"},
    )
    assert response.status_code == 400 and "“不存在”不在事项目录中" in response.content.decode()
    assert not Case.objects.of_kind("assist").exists()
    response = client.post(
        "/services/assist/new/",
        {
            "point": svc.village_hall.pk,
            "matter": "小餐饮登记",
            "applicant_type": "person",
            "applicant": "李四",
        },
    )
    case = Case.objects.of_kind("assist").get()
    assert response.status_code == 302 and response.url == f"/services/assist/{case.pk}/"


def test_a_bundle_with_a_matter_of_no_department_is_refused(svc):
    with pytest.raises(bundles.BundleError, match="第2项事项“无部门事项”没有实施部门") as err:
        bundles.define_bundle(
            None,
            tenant=svc.cast.city,
            code="bad",
            name="坏的一件事",
            items=[bundles.Item("E1"), bundles.Item("X")],
        )
    assert err.value.field == "matters" and not Bundle.objects.filter(code="bad").exists()


def test_one_form_fans_out_to_each_department_and_joins(client, svc):
    items = bundles.items_of(svc.bundle)
    fields = bundles.form_fields(items)
    assert [f["code"] for f in fields] == ["applicant", "phone", "vin", "firm", "country"]  # each asked once
    assert bundles.asked_count(items) == (8, 5)
    client.force_login(svc.cast.district)
    url = f"/services/bundles/{svc.bundle.pk}/apply/"
    response = client.post(url, {"f_applicant": "示例汽车公司", "f_vin": "LSV0001"})
    assert response.status_code == 400 and "请填写企业名称" in response.content.decode()
    assert not Case.objects.of_kind("bundle").exists()
    response = client.post(
        url,
        {
            "f_applicant": "示例汽车公司",
            "f_vin": "LSV0001",
            "f_firm": "示例汽车公司",
            "f_country": "阿塞拜疆",
        },
    )
    case = Case.objects.of_kind("bundle").get()
    assert response.status_code == 302 and response.url == f"/services/applications/{case.pk}/"
    parts = engine.children(case)
    assert case.status == "split" and len(parts) == 4
    assert {p.lead_org.name for p in parts} == {"市税务局", "市商务局", "市车管所", "枣庄海关"}
    tax = next(p for p in parts if p.lead_org == svc.depts["tax"])
    assert "企业名称：示例汽车公司" in tax.description and "车辆识别代号" not in tax.description
    client.force_login(svc.tax_user)
    assert client.get(f"/cases/{case.pk}/").status_code == 200  # a department sees the shared materials
    for p in parts:
        user = svc.tax_user if p.lead_org == svc.depts["tax"] else None
        if user is None:
            from liangping.core.models import Role
            from tests.cast import make_user

            user = make_user(f"u{p.lead_org.pk}", Role.DEPARTMENT, p.lead_org, p.lead_org.name)
        engine.act(p, "finish", actor=user)
    case.refresh_from_db()
    assert engine.allowed_actions(svc.cast.district, case) == ["join"]
    engine.act(case, "join", actor=svc.cast.district)
    client.force_login(svc.cast.district)
    page = client.get(f"/services/applications/{case.pk}/").content.decode()
    assert 'id="app-state">已办结<' in page and 'id="app-departments">4<' in page
    assert "在 1 天时限内" in page and "20 天" in page and "3 天" in page
    page = client.get(f"/services/bundles/{svc.bundle.pk}/").content.decode()
    assert 'id="bundle-matters">4<' in page and 'id="bundle-forms">1<' in page
