"""Teams and players from a spreadsheet through the sheets framework: the header found under a title,
synonyms, one error per defect with its Excel row and column, nothing written on any error, and a
second import of the same file changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from liangping.core.models import AuditLog
from liangping.events.imports import as_date, import_teams
from liangping.events.models import Player, Team
from tests.events.conftest import build
from tests.sheets.builders import write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["球队名称", "城市", "学校", "教练员", "种子", "队员姓名", "球衣号码", "出生日期"]


def roster():  # type: ignore[no-untyped-def]
    return [
        ["2025年邀请赛参赛名单"],
        [],
        HEADER,
        ["东湖小学队", "枣庄", "东湖小学", "王教练", "是", "张小明", 7, dt.datetime(2014, 5, 3)],
        [None, None, None, None, None, "李小华", "10", "2014年6月1日"],
        ["济宁龙创队", "济宁", "龙创俱乐部", "赵教练", "", "孙小宇", 9, "2013/9/9"],
    ]


@pytest.fixture
def empty(cast):  # type: ignore[no-untyped-def]
    return build(cast.district, cast.tengzhou, "导入测试赛", teams=0)


def test_a_roster_imports_once_and_again_changes_nothing(empty, cast, tmp_path):
    path = write_xlsx(tmp_path / "名单.xlsx", roster(), title="名单")
    dry = import_teams(cast.district, empty, path, "名单.xlsx", dry_run=True)
    assert dry.ok and (dry.created, dry.updated) == (5, 0)
    assert not Team.objects.filter(tournament=empty).exists()
    done = import_teams(cast.district, empty, path, "名单.xlsx")
    assert done.ok and done.created == 5, done.errors
    east = Team.objects.get(tournament=empty, name="东湖小学队")
    assert (east.city, east.affiliation, east.coach, east.seeded, east.kind) == (
        "枣庄",
        "东湖小学",
        "王教练",
        True,
        "school",
    )
    assert [(p.number, p.name, p.birth_date) for p in east.players.all()] == [
        (7, "张小明", dt.date(2014, 5, 3)),
        (10, "李小华", dt.date(2014, 6, 1)),
    ]
    assert Team.objects.get(tournament=empty, name="济宁龙创队").kind == "club"
    entries = AuditLog.objects.count()
    again = import_teams(cast.district, empty, path, "名单.xlsx")
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert AuditLog.objects.count() == entries


def test_every_defect_has_its_row_and_column_and_nothing_is_written(empty, cast, tmp_path):
    rows = roster()
    rows[3][6] = "七"  # number
    rows[4][7] = "2014-02-30"  # no such day
    rows[5][7] = "2010-01-01"  # too old for U12
    rows.append(["=HYPERLINK(1)", "枣庄", "", "", "", "钱", 3, "2014-01-01"])
    rows.append(["运河少年队", "", "", "", "", "周", 5, "2014-01-01"])
    rows.append(["运河少年队", "", "", "", "", "吴", 5, "2014-01-02"])
    path = write_xlsx(tmp_path / "错.xlsx", rows)
    result = import_teams(cast.district, empty, path, "错.xlsx")
    found = {(e.row, e.column): e.message for e in result.errors}
    assert "1–99" in found[(4, "球衣号码")]
    assert "不存在" in found[(5, "出生日期")]
    assert "早于本赛事年龄组要求" in found[(6, "出生日期")]
    assert "公式" in found[(7, "球队名称")]
    assert "缺少所在城市" in found[(8, "城市")]
    assert "与第8行重复" in found[(9, "球衣号码")]
    assert (
        not Team.objects.filter(tournament=empty).exists()
        and not Player.objects.filter(team__tournament=empty).exists()
    )
    assert (result.created, result.updated) == (0, 0)


def test_a_file_without_the_header_says_which_columns_it_needs(empty, cast, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", [["随便", "写写"], ["a", "b"]])
    result = import_teams(cast.district, empty, path, "x.xlsx")
    assert not result.ok and "队名" in result.errors[0].message


def test_dates_as_people_write_them():
    assert as_date("2014年5月3日") == dt.date(2014, 5, 3)
    assert as_date("20140503") == dt.date(2014, 5, 3)
    assert as_date(41762) == dt.date(2014, 5, 3)  # an Excel serial date in a number cell
    with pytest.raises(ValueError, match="不是完整的日期"):
        as_date("2014-05")
