"""The demo's studio and incentives hold the seeds' figures: 700 firms served and 600 measures, as the
pages show them; requests in every state of the kind; measures applied through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from liangping.cases.models import Case
from liangping.chains import creditcode
from liangping.core.models import Org, OrgKind, Role
from liangping.demo.firms_demo import load_firms_demo
from liangping.demo.names import DEPARTMENTS, DISTRICTS
from liangping.firms.models import Application, Firm, Measure
from tests.cast import make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def supervisor(db):  # type: ignore[no-untyped-def]
    root = Org.objects.create(name="枣庄市", kind=OrgKind.CITY)
    office = Org.objects.create(name="市城市转型促进中心", kind=OrgKind.OFFICE, parent=root)
    for name, *_ in DISTRICTS:
        Org.objects.create(name=name, kind=OrgKind.DISTRICT, parent=root)
    for name, *_ in DEPARTMENTS:
        Org.objects.create(name=name, kind=OrgKind.DEPARTMENT, parent=root)
    return make_user("demo_supervisor", Role.SUPERVISOR, office, "督查员")


def test_the_demo_pages_show_700_firms_and_600_measures(supervisor):
    created = load_firms_demo(TODAY)
    assert created["工作室服务企业"] == 700 and created["榴花分激励措施"] == 600
    firms = Firm.objects.all()
    assert firms.count() == 700 and all(f.sample for f in firms)
    assert all(creditcode.is_valid(f.credit_code) for f in firms)
    assert Measure.objects.filter(sample=True).count() == 600
    client = Client()
    client.force_login(supervisor)
    listing = client.get(reverse("firms:list")).content.decode()
    assert 'data-served="700"' in listing and "700 家" in listing and "枣庄高新区大数据产业园" in listing
    measures = client.get(reverse("firms:measures")).content.decode()
    assert 'data-measures="600"' in measures and "600 项" in measures
    kinds = set(Case.objects.filter(kind="firm_service").values_list("status", flat=True))
    assert kinds == {"received", "handling", "submitted", "correcting", "done", "withdrawn"}
    assert Application.objects.count() > 20
    assert load_firms_demo(TODAY) == {}  # a second load changes nothing
