"""The demo province (`liangping demo --province`): 枣庄 in full, the other 15 cities as tenants with
their own example ledgers and published periods, the provincial office reading them all; a second run
adds nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from liangping.core.divisions import SHANDONG
from liangping.core.models import AuditLog, Org, OrgKind, Period, PeriodStatus, Role, User
from liangping.demo import names as N
from liangping.demo.province import PROVINCE_SUPERVISOR, demo_cities
from liangping.grading.models import Snapshot
from liangping.projects.models import MonthlyReport, Project

TODAY = "2026-11-20"
CITY_CODES = [code for code, _name, level in SHANDONG if level == OrgKind.CITY]


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--province", "--no-serve", "--today", TODAY, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo province loaded once for the module, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _jinan_project() -> Project:
    return Project.objects.filter(district__tenant__code="370100").order_by("code").first()


def test_sixteen_cities_are_tenants_under_the_province(demo_output):
    province = Org.objects.get(kind=OrgKind.PROVINCE)
    assert (province.code, province.name, province.tenant_id) == ("370000", "山东省", None)
    cities = Org.objects.filter(kind=OrgKind.CITY)
    assert sorted(c.code for c in cities) == sorted(CITY_CODES) and len(CITY_CODES) == 16
    names = {code: name for code, name, _level in SHANDONG}
    for city in cities:
        assert city.tenant_id == city.pk and city.parent_id == province.pk and city.name == names[city.code]
        assert city.path == f"{province.path}{city.pk}/"
    # 枣庄 is the full demo city, moved under its province with its whole subtree
    zaozhuang = cities.get(code="370400")
    assert Project.objects.filter(district__tenant=zaozhuang).count() == 207
    assert all(o.path.startswith(zaozhuang.path) for o in Org.objects.filter(tenant=zaozhuang))
    # the provincial office: no tenant, its supervisor is one of the province's people
    office = User.objects.get(username=PROVINCE_SUPERVISOR).org
    assert office.tenant_id is None and office.parent_id == province.pk
    assert User.objects.get(username=PROVINCE_SUPERVISOR).role == Role.SUPERVISOR


def test_every_other_city_has_its_own_example_ledger(demo_output):
    assert len(demo_cities()) == 15
    for c in demo_cities():
        city = Org.objects.get(kind=OrgKind.CITY, code=c.code)
        projects = list(Project.objects.filter(district__tenant=city).select_related("unit", "district"))
        assert 10 <= len(projects) <= 20, c.name
        assert all(p.sample and "示例" in p.name and "示例" in p.unit.name for p in projects), c.name
        assert {p.district.code for p in projects} == {code for _name, code in c.districts}
        # every project has its unit's owner account, and two approved months reported
        owners = set(User.objects.filter(role=Role.OWNER, org__tenant=city).values_list("org_id", flat=True))
        assert {p.unit_id for p in projects} <= owners
        reports = MonthlyReport.objects.filter(project__in=projects)
        assert reports.count() == 2 * len(projects) and not reports.exclude(status="approved").exists()
        # one period of its own, locked and published
        periods = Period.objects.filter(tenant=city)
        assert [(p.code, p.status) for p in periods] == [("2026Q3", PeriodStatus.PUBLISHED)], c.name
        snapshot = Snapshot.objects.get(period__tenant=city)
        assert snapshot.summary["projects"] and sum(snapshot.summary["projects"].values()) == len(projects)


def test_each_citys_screen_shows_its_own_published_figures(demo_output):
    def data(path: str) -> dict:
        response = Client().get(path)
        assert response.status_code == 200, path
        return json.loads(response.content)

    zz, jn = data("/screen/370400/data.json"), data("/screen/370100/data.json")
    assert zz["published"] and jn["published"]
    assert zz["overview"]["projects"]["total"] != jn["overview"]["projects"]["total"]
    assert (
        jn["overview"]["projects"]["total"] == Project.objects.filter(district__tenant__code="370100").count()
    )
    assert {d["name"] for d in jn["districts"]} == {"历下区", "市中区", "历城区"}
    assert "薛城区" not in {d["name"] for d in jn["districts"]}
    # the 16-city ranking is the provincial table both read, each city its own 「home」
    assert (zz["ranking"]["city"], jn["ranking"]["city"]) == ("枣庄", "济南")
    assert [i["rank"] for i in zz["ranking"]["indicators"]] != [
        i["rank"] for i in jn["ranking"]["indicators"]
    ]
    # the province's screen puts the 16 side by side
    assert len(data("/screen/370000/data.json")["cities"]) == 16


def test_a_zaozhuang_supervisor_sees_nothing_of_jinan(demo_output):
    project = _jinan_project()
    zaozhuang = _client("supervisor")
    assert zaozhuang.get(reverse("projects:detail", args=[project.pk])).status_code == 404
    listing = zaozhuang.get(reverse("projects:list"), {"q": project.code})
    assert listing.status_code == 200 and project.name not in listing.content.decode()
    # 济南's own supervisor reads it
    jinan = _client("jinan_supervisor")
    assert jinan.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    assert project.name in jinan.get(reverse("projects:list"), {"q": project.code}).content.decode()


def test_the_provincial_supervisor_reads_the_board_of_16_cities(demo_output):
    page = _client(PROVINCE_SUPERVISOR).get(reverse("province:board"))
    assert page.status_code == 200
    text = page.content.decode()
    for _code, name, level in SHANDONG:
        if level == OrgKind.CITY:
            assert name in text, name
    assert "各市排名" in text and "尚无已锁定的考核期" not in text  # the province's own locked quarter
    assert _client("supervisor").get(reverse("province:board")).status_code == 404
    assert _client("jinan_supervisor").get(reverse("province:board")).status_code == 404


def test_the_logins_are_printed(demo_output):
    assert "示例省已加载" in demo_output
    for username in ("supervisor", PROVINCE_SUPERVISOR, "jinan_supervisor", "heze_supervisor"):
        assert f" {username} / {N.DEMO_PASSWORD}" in demo_output, username
        assert User.objects.get(username=username).check_password(N.DEMO_PASSWORD)


def test_a_second_run_adds_nothing(demo_output):
    def counts() -> list[int]:
        models = (Org, User, Project, MonthlyReport, Period, Snapshot, AuditLog)
        return [model.objects.count() for model in models]

    before = counts()
    assert AuditLog.objects.filter(action="demo.load_province").count() == 1
    again = run_demo()
    assert "没有需要新增的数据" in again and "jinan_supervisor" in again
    assert counts() == before
