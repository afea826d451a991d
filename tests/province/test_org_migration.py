"""core 0007–0009 on an installation of one city: tenants from the tree, codes from the shipped table."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from liangping.core.models import Org

BEFORE = [("core", "0006_account_change_token_scope")]
AFTER = [("core", "0009_org_constraints")]


@pytest.fixture(autouse=True)
def _complete_schema_afterwards():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_orgs_get_their_city_as_tenant_and_their_codes():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    OldOrg = executor.loader.project_state(BEFORE).apps.get_model("core", "Org")

    def make(name, kind, parent=None, aliases=""):
        org = OldOrg.objects.create(name=name, kind=kind, parent=parent, aliases=aliases)
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
        org.save()
        return org

    city = make("枣庄市", "city")
    tengzhou = make("滕州", "district", city, aliases="滕州市")
    zone = make("枣庄高新区", "district", city)
    made_up = make("示例区", "district", city)
    company = make("示例有限公司", "company", tengzhou)
    lone = make("无上级单位", "department")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    got = {o.pk: o for o in Org.objects.all()}
    assert got[city.pk].code == "370400" and got[city.pk].tenant_id == city.pk
    assert got[tengzhou.pk].code == "370481" and got[zone.pk].code == "370471"
    assert got[made_up.pk].code == "" and got[made_up.pk].tenant_id == city.pk
    assert got[company.pk].tenant_id == city.pk and got[company.pk].code == ""
    assert got[lone.pk].tenant_id is None
