"""Names as offices write them: 「薛城」 is 薛城区, the unique district or department whose name starts
with the text; a text several names start with is an error naming them."""

from __future__ import annotations

from pathlib import Path

import pytest

from liangping.core.models import Org, OrgKind
from liangping.projects.models import Project
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_xlsx
from tests.sheets.conftest import issues

pytestmark = pytest.mark.django_db


@pytest.fixture
def more_orgs(cast):  # type: ignore[no-untyped-def]
    Org.objects.create(name="薛城区", kind=OrgKind.DISTRICT, parent=cast.city)
    Org.objects.create(name="市城市管理局", kind=OrgKind.DEPARTMENT, parent=cast.city)
    Org.objects.create(name="市城乡水务局", kind=OrgKind.DEPARTMENT, parent=cast.city)
    return cast


def test_a_unique_prefix_names_the_district_and_the_department(more_orgs, imp, tmp_path: Path) -> None:
    row = ledger_row("P-001", **{"所属区（市）": "薛城", "责任部门": "市工业"})
    result = imp(write_xlsx(tmp_path / "a.xlsx", [LEDGER_HEADER, row]))
    assert result.ok, issues(result)
    project = Project.objects.get(code="P-001")
    assert project.district.name == "薛城区" and project.department.name == "市工业和信息化局"
    assert not any("将新建" in w.message for w in result.warnings if w.column == "责任部门")


def test_an_ambiguous_prefix_is_an_error_naming_the_candidates(more_orgs, imp, tmp_path: Path) -> None:
    rows = [
        LEDGER_HEADER,
        ledger_row("P-001", **{"责任部门": "市城"}),
        ledger_row("P-002", **{"所属区（市）": "市"}),
    ]
    result = imp(write_xlsx(tmp_path / "b.xlsx", rows))
    found = issues(result)
    assert (2, "责任部门", "责任部门“市城”可能是“市城市管理局”、“市城乡水务局”，请填写完整名称") in found
    assert any(
        r == 3 and c == "所属区（市）" and "不存在" in m for r, c, m in found
    )  # one character: no prefix
    assert not Project.objects.filter(code__in=["P-001", "P-002"]).exists()
