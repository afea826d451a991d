"""core 0012 and grading 0005 on an installation of one city: its periods and rule sets become the city's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from liangping.core.models import Period
from liangping.grading.models import RuleSet

BEFORE = [("core", "0010_audit_subject"), ("grading", "0003_board_order_index")]
AFTER = [("core", "0012_periods_to_the_city"), ("grading", "0005_rulesets_to_the_city")]


@pytest.fixture(autouse=True)
def _complete_schema_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_periods_and_rule_sets_become_the_only_citys():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    OldOrg, OldPeriod = apps.get_model("core", "Org"), apps.get_model("core", "Period")
    OldRuleSet = apps.get_model("grading", "RuleSet")
    city = OldOrg.objects.create(name="枣庄市", kind="city", path="/")
    OldOrg.objects.filter(pk=city.pk).update(path=f"/{city.pk}/", tenant_id=city.pk)
    june = OldPeriod.objects.create(code="2025-06", kind="month", year=2025, month=6, status="published")
    OldRuleSet.objects.create(version=1, rules={"project": []}, note="默认规则")
    OldRuleSet.objects.create(version=2, rules={"project": []}, note="调整")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    assert Period.objects.get(pk=june.pk).tenant_id == city.pk
    assert set(RuleSet.objects.values_list("version", "tenant_id")) == {(1, city.pk), (2, city.pk)}


@pytest.mark.django_db(transaction=True)
def test_with_several_cities_the_periods_stay_the_provinces():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    OldOrg, OldPeriod = apps.get_model("core", "Org"), apps.get_model("core", "Period")
    OldOrg.objects.create(name="枣庄市", kind="city")
    OldOrg.objects.create(name="济南市", kind="city")
    june = OldPeriod.objects.create(code="2025-06", kind="month", year=2025, month=6)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    assert Period.objects.get(pk=june.pk).tenant_id is None
