"""审计日志 across cities: each entry carries its city (AuditLog.tenant). A city's auditor reads its own
city's entries, those of its people and those the system wrote about its records, and none of another
city's; the system's entries of no city are the province's auditor's."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client

from liangping.cases import services as cases
from liangping.core import auditchain
from liangping.core.audit import ObjectChanges, bulk_record, record, record_objects, tenant_of
from liangping.core.auditlog import filter_entries
from liangping.core.models import AuditLog, Org, OrgKind, Role
from liangping.notices.jobs import escalate_overdue_cases
from liangping.projects.models import Level, Project, Stage
from liangping.sheets.bulk import audit_entry
from tests.cast import Cast, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(cast: Cast) -> SimpleNamespace:
    """枣庄 (the cast) and 济南 under the province, each with its auditor, and the province's auditor."""
    province = Org.objects.create(name="山东省", kind=OrgKind.PROVINCE, code="370000")
    provincial_office = Org.objects.create(name="省重点项目督查室", kind=OrgKind.OFFICE, parent=province)
    jinan = Org.objects.create(name="济南市", kind=OrgKind.CITY, code="370100", parent=province)
    office = Org.objects.create(name="市城市转型促进中心", kind=OrgKind.OFFICE, parent=jinan)
    district = Org.objects.create(name="历下区", kind=OrgKind.DISTRICT, code="370102", parent=jinan)
    department = Org.objects.create(name="市发展改革委", kind=OrgKind.DEPARTMENT, parent=jinan)
    supervisor = make_user("jn_supervisor", Role.SUPERVISOR, office, "济南督查员")
    make_user("jn_department", Role.DEPARTMENT, department, "济南发改员")
    project = Project.objects.create(
        code="JN-2025-009",
        name="济南泉城新材料项目",
        level=Level.CITY,
        district=district,
        total_investment=Decimal("1000"),
        annual_plan=Decimal("100"),
        stage=Stage.CONSTRUCTION,
        planned_start=dt.date(2024, 5, 1),
        planned_end=dt.date(2027, 6, 1),
        department=department,
    )
    return SimpleNamespace(
        cast=cast,
        province=province,
        jinan=jinan,
        district=district,
        department=department,
        supervisor=supervisor,
        project=project,
        jn_auditor=make_user("jn_auditor", Role.AUDITOR, jinan, "济南审计员"),
        zz_auditor=cast.auditor,
        province_auditor=make_user("sheng_auditor", Role.AUDITOR, provincial_office, "省审计员"),
        provincial=make_user("sheng_admin", Role.SYSADMIN, provincial_office, "省管理员"),
    )


def page_of(user) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    response = client.get("/audit/")
    assert response.status_code == 200
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def test_a_system_entry_is_read_by_its_citys_auditor_and_the_provinces_only(two):
    jn = record(None, "project.update", two.project, changes={"name": ["旧", "济南系统改名"]})
    zz = record(None, "project.update", two.cast.inside, changes={"name": ["旧", "枣庄系统改名"]})
    nowhere = record(
        None, "case_kind.load", None, object_type="cases.casekind", object_repr="全省通用事项类型"
    )
    assert (jn.tenant_id, zz.tenant_id, nowhere.tenant_id) == (two.jinan.pk, two.cast.city.pk, None)

    zaozhuang, jinan, province = (page_of(u) for u in (two.zz_auditor, two.jn_auditor, two.province_auditor))
    assert "枣庄系统改名" in zaozhuang and "济南系统改名" not in zaozhuang
    assert "济南系统改名" in jinan and "枣庄系统改名" not in jinan
    assert "全省通用事项类型" not in zaozhuang and "全省通用事项类型" not in jinan
    assert "济南系统改名" in province and "枣庄系统改名" in province and "全省通用事项类型" in province
    # the page reads through filter_entries; so does any other reader of the log for an auditor
    assert set(filter_entries({}, set(), two.jinan.pk)) == {jn}
    assert set(filter_entries({}, set(), two.cast.city.pk)) >= {zz}
    assert jn not in filter_entries({}, set(), two.cast.city.pk)
    assert nowhere not in filter_entries({}, set(), two.cast.city.pk)
    assert {jn, zz, nowhere} <= set(filter_entries({}, set(), None))


def test_the_overdue_job_writes_its_escalation_for_the_cases_city(two):
    """The real system job (no actor): its entry about 济南's problem is 济南's."""
    case = cases.register(two.supervisor, "济南施工用电接入滞后", subject=two.project)
    cases.assign(two.supervisor, case, two.department, today=dt.date(2026, 9, 22))
    assert escalate_overdue_cases(dt.date(2026, 10, 10))
    entry = AuditLog.objects.get(action="case.escalate")
    assert entry.actor is None and entry.tenant_id == two.jinan.pk
    assert "济南施工用电接入滞后" in page_of(two.jn_auditor)
    assert "济南施工用电接入滞后" not in page_of(two.zz_auditor)
    assert "济南施工用电接入滞后" in page_of(two.province_auditor)


def test_an_actors_entry_is_the_actors_city(two):
    mine = record(two.supervisor, "project.update", two.cast.inside, changes={"name": ["甲", "济南人改的"]})
    sheng = record(two.provincial, "project.update", two.project, changes={"name": ["乙", "省里改的"]})
    assert mine.tenant_id == two.jinan.pk  # the actor's city, whatever the record
    assert sheng.tenant_id is None  # the province's people: the province's auditor's
    assert "济南人改的" in page_of(two.jn_auditor) and "济南人改的" not in page_of(two.zz_auditor)
    assert "省里改的" not in page_of(two.jn_auditor) and "省里改的" in page_of(two.province_auditor)


def test_a_named_city_and_an_import_without_an_actor(two):
    named = record(None, "demo.load", None, object_type="demo", object_repr="济南示例", tenant=two.jinan.pk)
    assert named.tenant_id == two.jinan.pk
    changes = ObjectChanges(["name"])
    changes.created[str(two.project.pk)] = [two.project.name, two.project.name]
    imported = record_objects(
        None, "project.import", {"projects.project": changes}, object_repr="济南导入", tenant=two.jinan.pk
    )
    assert imported is not None and imported.tenant_id == two.jinan.pk
    # an import's entries of one row each (sheets.bulk): the row's record's city, or the actor's
    rows = [
        audit_entry(None, "project.import", two.project, {"name": [None, "济南逐行"]}, "导入：jn.xlsx"),
        audit_entry(two.cast.supervisor, "project.import", two.project, {"name": [None, "枣庄人导入"]}, ""),
    ]
    bulk_record(rows)
    assert [e.tenant_id for e in AuditLog.objects.filter(action="project.import").order_by("id")][-2:] == [
        two.jinan.pk,
        two.cast.city.pk,
    ]
    jinan = page_of(two.jn_auditor)
    assert "济南示例" in jinan and "济南导入" in jinan and "济南逐行" in jinan and "枣庄人导入" not in jinan
    assert "济南逐行" not in page_of(two.zz_auditor)


def test_tenant_of_reads_the_records_city(two):
    assert tenant_of(two.jinan) == two.jinan.pk  # a city is its own
    assert tenant_of(two.province) is None
    assert tenant_of(two.district) == two.jinan.pk
    assert tenant_of(two.supervisor) == two.jinan.pk  # a person: their unit's
    assert tenant_of(two.project) == two.jinan.pk  # its district's
    case = cases.register(two.supervisor, "济南问题", subject=two.project)
    cases.assign(two.supervisor, case, two.department, today=dt.date(2026, 9, 22))
    step = case.steps.order_by("id").first()
    assert tenant_of(case) == two.jinan.pk and tenant_of(step) == two.jinan.pk
    assert tenant_of(None) is None


def test_the_chain_verifies_over_entries_of_every_city_and_none(two):
    record(None, "project.update", two.project, changes={"name": ["a", "b"]})
    record(two.cast.supervisor, "project.update", two.cast.inside, changes={"name": ["c", "d"]})
    record(None, "audit.checkpoint", None, object_type="core.auditlog")
    report = auditchain.verify(AuditLog)
    assert report.broken is None and report.count == AuditLog.objects.count()
    # the city is an index for reading, not part of what the chain seals (core.auditchain)
    entry = AuditLog.objects.order_by("id").first()
    assert "tenant" not in auditchain.canonical(entry).decode()


def test_an_installation_of_one_city_reads_the_systems_entries_of_no_city(cast):
    """With 枣庄 the only city, its auditor is the installation's: the system's entries are its own."""
    record(None, "case_kind.load", None, object_type="cases.casekind", object_repr="唯一城市的事项类型")
    assert "唯一城市的事项类型" in page_of(cast.auditor)
