"""The pages: who sees them, what is out of scope (404), and the request and apply forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from liangping.cases.models import Case
from liangping.firms.models import Application, Measure

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_roles_and_scope(cast, fw):
    pages = [reverse(n) for n in ("firms:list", "firms:measures", "firms:lookup", "firms:applied")]
    for who in (cast.supervisor, cast.leader, cast.department, cast.district):
        for url in pages:
            assert client_for(who).get(url).status_code == 200, (who, url)
    for who in (cast.specialist, cast.owner, cast.sysadmin, cast.auditor):
        for url in pages:
            assert client_for(who).get(url).status_code == 404, (who, url)
    detail_in = reverse("firms:detail", args=[fw.firm_in.pk])
    detail_out = reverse("firms:detail", args=[fw.firm_out.pk])
    other = reverse("firms:detail", args=[fw.other_city_firm.pk])
    assert client_for(cast.district).get(detail_in).status_code == 200
    assert client_for(cast.district).get(detail_out).status_code == 404
    assert client_for(cast.supervisor).get(other).status_code == 404  # 济南's firm
    listing = client_for(cast.district).get(reverse("firms:list")).content.decode()
    assert fw.firm_in.name in listing and fw.firm_out.name not in listing
    assert (
        fw.other_city_firm.name not in client_for(cast.supervisor).get(reverse("firms:list")).content.decode()
    )
    # the department reads the whole city's register and sees the studios' counts
    department = client_for(cast.department).get(reverse("firms:list")).content.decode()
    assert 'data-served="1"' in department and fw.firm_out.name in department
    assert Client().get(reverse("firms:list")).status_code == 302


def test_the_studio_opens_a_request_on_the_firm_page(cast, fw):
    c = client_for(fw.staff)
    page = c.get(reverse("firms:detail", args=[fw.firm_in.pk])).content.decode()
    assert "受理并指定管家" in page
    url = reverse("firms:request_new", args=[fw.firm_in.pk])
    bad = c.post(url, {"category": "establish", "butler": ""})
    assert bad.status_code == 400 and "管家" in bad.content.decode()
    response = c.post(url, {"category": "establish", "butler": fw.staff.pk, "note": "新设公司"})
    case = Case.objects.get(kind="firm_service")
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.status == "handling"
    case_page = c.get(response["Location"]).content.decode()
    assert '<span class="muted">企业</span>' in case_page and fw.firm_in.name in case_page
    listing = c.get(reverse("cases:list"), {"kind": "firm_service"}).content.decode()
    assert '<th class="hide-phone">企业</th>' in listing and fw.firm_in.name in listing
    shown = c.get(reverse("firms:detail", args=[fw.firm_in.pk])).content.decode()
    assert case.receipt_no in shown and "管家小王" in shown
    # the department reads the firm but does not serve it
    assert (
        "受理并指定管家"
        not in client_for(cast.department).get(reverse("firms:detail", args=[fw.firm_in.pk])).content.decode()
    )
    assert (
        client_for(cast.department).post(url, {"category": "change", "butler": fw.staff.pk}).status_code
        == 404
    )


def test_lookup_and_apply(cast, fw, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 6, 1))
    c = client_for(cast.department)
    page = c.get(reverse("firms:lookup"), {"code": fw.firm_in.credit_code.lower()}).content.decode()
    assert fw.measure_a.name in page and fw.measure_band.name in page
    assert 'data-eligible="2"' in page
    bad = c.get(reverse("firms:lookup"), {"code": "123"}).content.decode()
    assert "18位" in bad
    response = c.post(
        reverse("firms:apply"), {"firm": fw.firm_in.pk, "measure": fw.measure_a.pk, "note": "已兑现"}
    )
    assert response.status_code == 302
    assert Application.objects.filter(
        firm=fw.firm_in, measure=fw.measure_a, applied_by=cast.department
    ).exists()
    # 市工信局's measure: not the department's to apply (404, nothing written)
    assert (
        c.post(reverse("firms:apply"), {"firm": fw.firm_in.pk, "measure": fw.measure_band.pk}).status_code
        == 404
    )
    assert Application.objects.count() == 1
    log = c.get(reverse("firms:applied")).content.decode()
    assert fw.firm_in.name in log and "已兑现" in log


def test_measure_list_filters(cast, fw):
    c = client_for(cast.leader)
    page = c.get(reverse("firms:measures"), {"level": "A"}).content.decode()
    assert fw.measure_a.name in page and fw.measure_band.name not in page
    assert Measure.objects.count() == 2
