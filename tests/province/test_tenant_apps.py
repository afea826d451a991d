"""The flood-season ledger, the tournaments and the industrial chains are kept per city: a city's people
see and change only their city's points, warnings, tournaments and chains (the item routes are asked
for 济南's items in tests/security/test_tenant_matrix.py); imports and forms stay within the city."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from liangping.chains import services as chains
from liangping.chains.models import Chain, Firm
from liangping.chains.permissions import chains_for
from liangping.emergency import scope as em_scope
from liangping.emergency.models import Point
from liangping.events import services as events
from liangping.events.models import Tournament
from liangping.events.permissions import EventError
from liangping.sheets.runner import run_export, run_import
from tests.chains.world import build_chain
from tests.chains.world import code as credit_code
from tests.province.world import build_jinan
from tests.sheets.builders import write_xlsx

pytestmark = pytest.mark.django_db


def _client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def jinan(cast, tmp_path):  # type: ignore[no-untyped-def]
    build_chain(cast)  # 枣庄's chain 锂电
    return build_jinan(cast, tmp_path)


def test_each_city_sees_its_own_points_warnings_tournaments_and_chains(cast, jinan):
    def names(user):  # type: ignore[no-untyped-def]
        return {
            "points": set(em_scope.points_for(user).values_list("name", flat=True)),
            "warnings": set(em_scope.warnings_for(user).values_list("text", flat=True)),
            "cups": set(Tournament.objects.visible_to(user).values_list("name", flat=True)),
            "chains": set(chains_for(user).values_list("name", flat=True)),
        }

    zaozhuang, jn, province = names(cast.supervisor), names(jinan.supervisor), names(jinan.provincial)
    assert zaozhuang["points"] == set() and jn["points"] == {"济南示例水库"}
    assert jn["warnings"] == {"济南示例洪水预警"} and "济南示例洪水预警" not in zaozhuang["warnings"]
    assert jn["cups"] == {"济南示例邀请赛"} and zaozhuang["cups"] == set()
    assert zaozhuang["chains"] == {"锂电"} and jn["chains"] == {"济南示例新材料链"}
    assert province["chains"] == {"锂电", "济南示例新材料链"} and "济南示例水库" in province["points"]
    # the city's leader reads the whole of their city's flood ledger, none of 济南's
    assert "济南示例水库" not in set(em_scope.points_for(cast.leader).values_list("name", flat=True))


def test_a_zaozhuang_supervisor_gets_404_on_jinans_items(cast, jinan):
    client = _client(cast.supervisor)
    urls = [
        reverse("emergency:warning", args=[jinan.item("em_warning").pk]),
        reverse("emergency:point", args=[jinan.item("em_point").pk]),
        reverse("events:detail", args=[jinan.item("tournament").pk]),
        reverse("events:match", args=[jinan.item("match").pk]),
        reverse("chains:detail", args=[jinan.item("chain").pk]),
        reverse("chains:data", args=[jinan.item("chain").pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    mine = _client(jinan.supervisor)
    assert [mine.get(url).status_code for url in urls] == [200] * len(urls)


def test_chain_names_are_unique_within_a_city_only(cast, jinan):
    twin = chains.create_chain(jinan.supervisor, "锂电")  # 枣庄 has one of that name: 济南 may too
    assert twin.tenant_id == jinan.city.pk
    with pytest.raises(chains.ChainError, match="已存在"):
        chains.create_chain(cast.supervisor, "锂电")
    with pytest.raises(IntegrityError), transaction.atomic():
        Chain.objects.create(name="锂电", tenant=jinan.city)


def test_the_point_import_reads_the_importers_city_and_refuses_another_citys_code(cast, jinan, tmp_path):
    header = ["点位编号", "点位名称", "点位类型", "所属区（市）", "镇街", "第一责任人", "第一责任人电话"]
    rows = [
        header,
        ["ZZ-P-1", "枣庄新水库", "水库", "市中区", "光明路街道", "张三", "13900000001"],
        ["JN-M-1", "冒名点位", "水库", "市中区", "光明路街道", "李四", "13900000002"],
    ]
    result = run_import("emergency_points", write_xlsx(tmp_path / "p.xlsx", rows), actor=cast.supervisor)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "点位编号", "点位编号“JN-M-1”已被其他城市使用，请换一个编号")
    ]
    assert not Point.objects.filter(code="ZZ-P-1").exists()
    assert Point.objects.get(code="JN-M-1").name == "济南示例水库"
    result = run_import("emergency_points", write_xlsx(tmp_path / "ok.xlsx", rows[:2]), actor=cast.supervisor)
    assert result.ok, result.errors
    # 市中区 is 枣庄's (济南 has one of that name too)
    assert Point.objects.get(code="ZZ-P-1").district_id == cast.shizhong.pk


def test_the_firm_import_and_export_stay_within_the_city(cast, jinan, tmp_path):
    theirs = Firm.objects.create(
        credit_code=credit_code(77, "370103"), name="济南示例企业", district=jinan.district
    )
    header = ["统一社会信用代码", "企业名称", "产业链", "区（市）", "环节"]
    rows = [
        header,
        [credit_code(78), "枣庄新企业", "锂电", "滕州", "正极材料"],
        [theirs.credit_code, "改名企业", "锂电", "滕州", "正极材料"],
        [credit_code(79), "跨市企业", "济南示例新材料链", "滕州", "正极材料"],
    ]
    result = run_import("firms", write_xlsx(tmp_path / "f.xlsx", rows), actor=cast.supervisor)
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(3, "统一社会信用代码"), (4, "产业链")}, [str(e) for e in result.errors]
    assert Firm.objects.get(pk=theirs.pk).name == "济南示例企业"
    out = io.BytesIO()
    run_export("firms", out, user=cast.supervisor, actor=cast.supervisor, filters={})
    text = str(list(openpyxl.load_workbook(io.BytesIO(out.getvalue())).worksheets[0].values))
    assert "甲锂能科技有限公司" in text and "济南示例企业" not in text
    with pytest.raises(ValueError):
        run_export(
            "firms",
            io.BytesIO(),
            user=cast.supervisor,
            actor=cast.supervisor,
            filters={"chain": str(jinan.item("chain").pk)},
        )


def test_a_tournament_takes_no_official_of_another_city(cast, jinan):
    cup = jinan.item("tournament")
    with pytest.raises(EventError, match="不是本市的账号"):
        events.add_official(jinan.supervisor, cup, cast.specialist, "table")
    events.add_official(jinan.supervisor, cup, jinan.specialist, "table")


@pytest.mark.django_db(transaction=True)
def test_existing_chains_become_the_installations_city():
    before, after = [("chains", "0001_initial")], [("chains", "0003_chain_tenant_fill")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state([*before, ("core", "0009_org_constraints")]).apps
    Org, Chain_ = old.get_model("core", "Org"), old.get_model("chains", "Chain")
    city = Org.objects.create(name="枣庄市", kind="city")
    Org.objects.filter(pk=city.pk).update(path=f"/{city.pk}/", tenant_id=city.pk)
    Chain_.objects.create(name="锂电")
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        assert list(Chain.objects.values_list("name", "tenant_id")) == [("锂电", city.pk)]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
