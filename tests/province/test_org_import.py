"""The division tree import: codes within their parent's, nothing saved on any error, idempotent."""

from __future__ import annotations

import pytest

from liangping.core import divisions
from liangping.core.models import AuditLog, Org, OrgKind, Role
from liangping.sheets.runner import run_import
from tests.cast import make_user
from tests.sheets.builders import write_xlsx
from tests.sheets.conftest import issues
from tests.sheets.test_cli import run

HEADER = ["区划代码", "名称", "上级区划代码", "层级"]
TREE = [
    ["370000", "山东省", "", "省"],
    ["370100", "济南市", "370000", "市"],
    ["370103", "市中区", "370100", "区"],
    ["370400", "枣庄市", "", "市"],
    ["370402", "市中区", "370400", "区"],
    ["370471", "枣庄高新区", "", "开发区"],
    ["370402001", "中心街街道", "", "街道"],
    ["370402001001", "王庄社区", "", "社区"],
    ["370403001", "临城街道", "370403", "街道"],
    ["370403", "薛城区", "", "区"],
]


def _import(tmp_path, rows, actor=None, name="tree.xlsx", **options):
    path = write_xlsx(tmp_path / name, [HEADER, *rows], title="区划")
    return run_import("orgs", path, actor=actor, **options)


def test_code_shapes_and_prefixes():
    assert divisions.level_of_code("370000") == divisions.PROVINCE
    assert divisions.level_of_code("370400") == divisions.CITY
    assert divisions.level_of_code("370471") == divisions.DISTRICT
    assert divisions.level_of_code("370402001") == divisions.TOWN
    assert divisions.level_of_code("370402001001") == divisions.VILLAGE
    assert divisions.level_of_code("37040") is None and divisions.level_of_code("3704020010") is None
    assert divisions.expected_parent_code("370402") == "370400"
    assert divisions.code_problem("370402", divisions.DISTRICT, "370400") is None
    assert "应以 3704 开头" in (
        divisions.code_problem("370503", divisions.DISTRICT, "370400", "枣庄市") or ""
    )
    assert "格式不对" in (divisions.code_problem("370400", divisions.DISTRICT, "370400") or "")


@pytest.mark.django_db
def test_a_tree_is_imported_in_one_go_with_paths_tenants_and_codes(tmp_path):
    result = _import(tmp_path, TREE)
    assert result.ok, issues(result)
    assert result.created == len(TREE)
    province = Org.objects.get(code="370000")
    zaozhuang = Org.objects.get(code="370400")
    village = Org.objects.get(code="370402001001")
    assert province.kind == OrgKind.PROVINCE and province.tenant_id is None and province.parent_id is None
    assert zaozhuang.parent_id == province.pk and zaozhuang.tenant_id == zaozhuang.pk
    assert village.kind == OrgKind.VILLAGE and village.tenant_id == zaozhuang.pk
    assert village.is_within(zaozhuang) and village.is_within(province)
    assert village.path == f"{zaozhuang.path}{village.parent.parent_id}/{village.parent_id}/{village.pk}/"
    # two cities each have a 市中区, each in its own tenant
    two = Org.objects.filter(name="市中区").order_by("code")
    assert [o.tenant.code for o in two] == ["370100", "370400"]  # type: ignore[union-attr]
    assert Org.objects.get(code="370403001").parent.code == "370403"  # parent listed later in the file
    assert AuditLog.objects.filter(action="org.create").count() == len(TREE)
    again = _import(tmp_path, TREE, name="again.xlsx")
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, len(TREE))


@pytest.mark.django_db
def test_wrong_prefix_duplicate_code_and_missing_parent_refuse_the_whole_file(tmp_path):
    rows = [
        ["370000", "山东省", "", "省"],
        ["370400", "枣庄市", "", "市"],
        ["370503", "河口区", "370400", "区"],  # 370503 is 东营's, not within 3704
        ["370402", "市中区", "", "区"],
        ["370402", "市中区二", "", "区"],  # the same code twice
        ["370405", "台儿庄区", "", "镇街"],  # level against code
        ["370681001", "某街道", "", ""],  # parent 370681 neither here nor in the system
        ["3704", "枣庄", "", ""],  # not a code
    ]
    result = _import(tmp_path, rows)
    assert not result.ok and result.created == 0
    found = issues(result)
    assert (4, "区划代码", "区划代码“370503”与上级枣庄市（370400）不符：应以 3704 开头") in found
    assert (6, "区划代码", "区划代码 370402 与第5行重复，一个代码只能出现一次") in found
    assert any(r == 7 and c == "层级" and "与区划代码 370405 不符" in m for r, c, m in found)
    assert any(r == 8 and "上级区划 370681 不在系统中" in m for r, c, m in found)
    assert any(r == 9 and c == "区划代码" and "格式不对" in m for r, c, m in found)
    assert not Org.objects.exists()


@pytest.mark.django_db
def test_a_name_twice_in_one_city_is_refused(tmp_path):
    rows = [["370400", "枣庄市", "", ""], ["370402", "市中区", "", ""], ["370403", "市中区", "", ""]]
    result = _import(tmp_path, rows)
    assert (4, "名称", "“市中区”与第3行重名（同一上级下不能重名）") in issues(result)
    assert not Org.objects.exists()


@pytest.mark.django_db
def test_a_city_user_imports_only_their_own_city(cast, tmp_path):
    base = [["370000", "山东省", "", ""], ["370100", "济南市", "", ""], ["370400", "枣庄市", "", ""]]
    assert _import(tmp_path, base, name="base.xlsx").ok
    cast.supervisor.refresh_from_db()
    result = _import(
        tmp_path, [["370103", "市中区", "", ""], ["370404", "峄城区", "", ""]], actor=cast.supervisor
    )
    assert issues(result) == [(2, "区划代码", "市中区（370103）不属于枣庄市：你只能导入本市的区划")]
    owner = _import(tmp_path, [["370404", "峄城区", "", ""]], actor=cast.owner, name="owner.xlsx")
    assert [e.message for e in owner.errors] == ["只有系统管理员或督查人员可以导入行政区划"]
    assert not Org.objects.filter(code__in=["370103", "370404"]).exists()


@pytest.mark.django_db
def test_an_installation_of_one_city_adopts_its_units_and_goes_under_the_province(cast, tmp_path):
    """The cast's city and districts were entered without codes: the import gives them their codes,
    puts the city under the new province and moves its whole subtree along."""
    result = _import(
        tmp_path,
        [
            ["370000", "山东省", "", ""],
            ["370400", "枣庄市", "", ""],
            ["370481", "滕州市", "", ""],
            ["370402", "市中区", "", ""],
            ["370481001", "荆河街道", "", ""],
        ],
    )
    assert result.ok, issues(result)
    assert (result.created, result.updated) == (2, 3)
    province = Org.objects.get(code="370000")
    city = Org.objects.get(pk=cast.city.pk)
    assert city.code == "370400" and city.parent_id == province.pk
    company = Org.objects.get(pk=cast.company_a.pk)
    assert company.path.startswith(province.path) and company.is_within(city)
    assert Org.objects.get(pk=cast.tengzhou.pk).code == "370481"
    assert Org.objects.get(code="370481001").parent_id == cast.tengzhou.pk
    assert Org.objects.filter(path__startswith=province.path).count() == Org.objects.count()


@pytest.mark.django_db
def test_command_line_reports_rows_and_saves_nothing(tmp_path, capsys):
    path = write_xlsx(
        tmp_path / "bad.xlsx", [HEADER, ["370400", "枣庄市", "", ""], ["370503", "河口区", "", ""]]
    )
    status, out = run(capsys, "import", "orgs", str(path))
    assert status != 0
    assert "第3行 [区划代码] 上级区划 370500 不在系统中" in out
    assert not Org.objects.exists()
    make_user("admin1", Role.SYSADMIN, None, "管理员")
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, *TREE])
    status, out = run(capsys, "import", "orgs", str(good), "--as", "admin1")
    assert status == 0 and "已新增 10 条" in out
