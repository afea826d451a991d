"""The project-ledger import: one error per defect, all of them, nothing written when any is found;
idempotent by 项目编号; updates audited with their diffs and stage events."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from liangping.core.auditlog import changes_of
from liangping.core.models import AuditLog, Org, OrgKind, Role, User
from liangping.projects.models import Project, Stage, StageEvent
from tests.sheets.builders import LEDGER_HEADER, ledger_row, ledger_rows, write_csv, write_xlsx
from tests.sheets.conftest import issues

pytestmark = pytest.mark.django_db
COL = {name: i for i, name in enumerate(LEDGER_HEADER)}


def counts():
    return (
        Project.objects.count(),
        Org.objects.count(),
        User.objects.count(),
        AuditLog.objects.count(),
        StageEvent.objects.count(),
    )


def test_a_valid_file_creates_projects_linked_to_existing_people_and_orgs(imp, cast, tmp_path):
    result = imp(write_xlsx(tmp_path / "ok.xlsx", [LEDGER_HEADER, *ledger_rows(3)]))
    assert result.ok and (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert result.warnings == []
    project = Project.objects.get(code="T00001")
    assert project.district == cast.tengzhou and project.unit == cast.company_a
    assert project.leader == cast.leader and project.specialist == cast.specialist
    assert project.department == cast.fagai  # written as the alias 市发改委
    assert project.total_investment == Decimal("12000.50") and project.annual_plan == Decimal("3000.00")
    assert project.plan_year == dt.date.today().year
    assert (project.stage, project.level) == (Stage.CONSTRUCTION, "city")
    assert (project.contact_name, project.contact_phone) == ("王工", "13900000000")
    assert project.stage_events.get().to_stage == Stage.CONSTRUCTION
    entry = AuditLog.objects.about("projects.project", project.pk).get()  # its history: the import
    assert (
        entry.action == "project.import" and len(entry.changes["objects"]["projects.project"]["created"]) == 3
    )
    assert entry.actor == cast.supervisor and entry.reason == "导入：ok.xlsx"
    changes = changes_of(entry, "projects.project", project.pk)
    assert changes["total_investment"] == [None, "12000.50"] and changes["district"] == [None, "滕州市"]


def test_each_defect_is_reported_at_its_row_and_column(imp, tmp_path):
    rows = [
        ["2025年重点项目台账"],
        LEDGER_HEADER,
        ledger_row("E-1", **{"项目名称": ""}),
        ledger_row("E-2", **{"所属区（市）": "莱芜区"}),
        ledger_row("E-3", **{"总投资（万元）": -5}),
        ledger_row("E-4", **{"总投资（万元）": "约五千"}),
        ledger_row("E-5", **{"建设阶段": "施工中"}),
        ledger_row("E-1"),
        ledger_row("E-7", **{"计划开工时间": "明年三月"}),
        ledger_row("E-8", **{"项目级别": "国家级"}),
        ledger_row("E-9", **{"包保市领导": "领导甲、领导乙"}),
    ]
    before = counts()
    result = imp(write_xlsx(tmp_path / "bad.xlsx", rows))
    assert not result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert issues(result) == [
        (3, "项目名称", "“项目名称”不能为空，请填写"),
        (
            4,
            "所属区（市）",
            "所属区（市）“莱芜区”不存在，请填写：市中区、滕州市",
        ),
        (5, "总投资（万元）", "金额不能为负数（-5），请填写 0 或正数"),
        (6, "总投资（万元）", "“约五千”不是有效的金额，请填写数字（如 1200.50）"),
        (
            7,
            "建设阶段",
            "建设阶段“施工中”无法识别，请填写：谋划储备、洽谈、签约落地、开工建设、竣工投产、纳统",
        ),
        (8, "项目编号", "项目编号“E-1”与第3行重复，请删除或更正其中一行"),
        (9, "计划开工时间", "“明年三月”不是有效的日期，请写成 2025-03、2025年3月、2025.3 或 2025/03/15"),
        (10, "项目级别", "项目级别“国家级”无法识别，请填写“省重点”或“市重点”"),
        (11, "包保市领导", "包保市领导只能填写一人（“领导甲、领导乙”），请只保留一人"),
    ]
    assert counts() == before


def test_several_defects_in_one_row_are_all_reported(imp, tmp_path):
    row = ledger_row("", **{"项目名称": "", "所属区（市）": "", "总投资（万元）": "x", "建设阶段": ""})
    result = imp(write_xlsx(tmp_path / "many.xlsx", [LEDGER_HEADER, row]))
    assert [(r, c) for r, c, _m in issues(result)] == [
        (2, "项目编号"),
        (2, "项目名称"),
        (2, "所属区（市）"),
        (2, "总投资（万元）"),
        (2, "建设阶段"),
    ]


def test_a_formula_in_a_key_column_is_refused(imp, tmp_path):
    rows = [LEDGER_HEADER, ledger_row("F-1"), ledger_row("F-2", **{"项目名称": '=CONCAT("项目",A2)'})]
    rows.append(ledger_row('=UPPER("f-3")'))
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    assert openpyxl.load_workbook(path)["台账"]["B3"].data_type == "f"
    result = imp(path)
    message = "该单元格是公式，请复制后“选择性粘贴为数值”再导入"
    assert issues(result) == [(3, "项目名称", message), (4, "项目编号", message)]


def test_a_formula_elsewhere_is_fine(imp, tmp_path):
    rows = [LEDGER_HEADER, ledger_row("F-9", **{"总投资（万元）": 10, "年度计划投资（万元）": "=G2/2"})]
    result = imp(write_xlsx(tmp_path / "f.xlsx", rows))
    assert result.ok  # openpyxl stores no computed value: the plan reads as blank


@pytest.mark.parametrize("value", ["=1+2", "+86 项目", "-项目", "@SUM(A1)", "＝全角"])
def test_formula_prefixes_in_key_columns(imp, tmp_path, value):
    path = write_csv(tmp_path / "p.csv", [LEDGER_HEADER, ledger_row("P-1", **{"项目名称": value})])
    (row, column, message), *_ = issues(imp(path))
    assert (row, column) == (2, "项目名称")
    assert message.startswith("内容以“") and "可能被表格软件当作公式执行" in message


def test_formula_prefix_in_a_code_of_an_xlsx(imp, tmp_path):
    result = imp(write_xlsx(tmp_path / "p.xlsx", [LEDGER_HEADER, ledger_row("-12")]))
    assert issues(result)[0][:2] == (2, "项目编号")


def test_an_error_on_the_last_row_writes_nothing(imp, tmp_path):
    rows = [LEDGER_HEADER, *ledger_rows(50), ledger_row("LAST", **{"建设阶段": "未知"})]
    rows[1] = ledger_row("T00001", **{"责任部门": "市新设局", "包保市领导": "新领导"})
    before = counts()
    result = imp(write_xlsx(tmp_path / "last.xlsx", rows))
    assert [e.row for e in result.errors] == [52]
    assert counts() == before
    assert not Org.objects.filter(name="市新设局").exists()


def test_reimporting_the_same_file_changes_nothing(imp, tmp_path):
    path = write_xlsx(tmp_path / "same.xlsx", [LEDGER_HEADER, *ledger_rows(20)])
    assert imp(path).created == 20
    before = counts()
    result = imp(path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 20)
    assert counts() == before


def test_a_dry_run_reports_the_same_and_writes_nothing(imp, tmp_path):
    rows = [LEDGER_HEADER, *ledger_rows(5), ledger_row("T00006", **{"责任部门": "市新设局"})]
    path = write_xlsx(tmp_path / "dry.xlsx", rows)
    before = counts()
    dry = imp(path, dry_run=True)
    assert counts() == before
    real = imp(path)
    assert dry.dry_run and not real.dry_run
    assert (
        (dry.created, dry.updated, dry.unchanged) == (real.created, real.updated, real.unchanged) == (6, 0, 0)
    )
    assert dry.warnings == real.warnings and len(dry.warnings) == 1


def test_updates_write_audit_diffs_and_stage_events(imp, cast, tmp_path):
    changed = ledger_row(
        cast.inside.code,
        cast.inside.name,
        **{
            "建设阶段": "已投产",
            "总投资（万元）": 2100000,
            "项目级别": "省重点",
            "年度计划投资（万元）": 300000,
        },
    )
    head = [h for h in LEDGER_HEADER if h not in ("联系人", "联系电话", "计划开工时间", "计划竣工时间")]
    row = [v for h, v in zip(LEDGER_HEADER, changed, strict=True) if h in head]
    unchanged_row = [
        cast.outside.code,
        cast.outside.name,
        "市重点",
        "市中区",
        "现代物流",
        "示例物流有限公司",
        50000,
        20000,
        "签约落地",
        "领导乙",
        "市工业和信息化局",
        "专员乙",
    ]
    Project.objects.filter(pk=cast.outside.pk).update(plan_year=dt.date.today().year)
    before = AuditLog.objects.count()
    result = imp(write_xlsx(tmp_path / "upd.xlsx", [head, row, unchanged_row]))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    project = Project.objects.get(pk=cast.inside.pk)
    assert project.stage == Stage.OPERATING and project.total_investment == Decimal("2100000")
    assert project.version == cast.inside.version + 1
    assert (project.contact_name, project.contact_phone) == ("张工", "13800138000")  # column absent: kept
    entry = AuditLog.objects.about("projects.project", project.pk).get()
    assert AuditLog.objects.count() == before + 1
    assert entry.reason == "导入：upd.xlsx" and entry.actor == cast.supervisor
    assert list(entry.changes["objects"]["projects.project"]["updated"]) == [
        str(project.pk)
    ]  # not the unchanged one
    changes = changes_of(entry, "projects.project", project.pk)
    assert changes["stage"] == ["construction", "operating"]
    assert changes["total_investment"] == ["2000000", "2100000"]
    assert "industry" not in changes and "contact_name" not in changes
    assert changes["plan_year"] == [None, dt.date.today().year]
    event = StageEvent.objects.get(project=project)
    assert (event.from_stage, event.to_stage, event.author) == ("construction", "operating", cast.supervisor)


def test_unknown_names_create_orgs_and_inactive_users_with_warnings(imp, cast, tmp_path):
    row = ledger_row(
        "NEW-1",
        **{
            "责任部门": "市新设局",
            "建设单位": "新建能源有限公司",
            "包保市领导": "新领导",
            "项目专员": "新专员",
        },
    )
    again = ledger_row("NEW-2", **{"责任部门": "市新设局", "包保市领导": "新领导"})
    result = imp(write_xlsx(tmp_path / "new.xlsx", [LEDGER_HEADER, row, again]))
    assert result.ok
    assert [(w.row, w.column) for w in result.warnings] == [
        (2, "建设单位"),
        (2, "责任部门"),
        (2, "包保市领导"),
        (2, "项目专员"),
    ]
    assert "不在系统中" in result.warnings[0].message
    department = Org.objects.get(name="市新设局")
    assert department.kind == OrgKind.DEPARTMENT and department.parent == cast.city
    assert department.path == f"{cast.city.path}{department.pk}/"
    company = Org.objects.get(name="新建能源有限公司")
    assert company.kind == OrgKind.COMPANY and company.parent == cast.tengzhou
    leader = User.objects.get(display_name="新领导")
    assert leader.role == Role.LEADER and not leader.is_active and not leader.has_usable_password()
    assert User.objects.get(display_name="新专员").role == Role.SPECIALIST
    assert set(Project.objects.filter(code__startswith="NEW-").values_list("leader", flat=True)) == {
        leader.pk
    }
    objects = AuditLog.objects.get(action="project.import").changes["objects"]
    entry = AuditLog.objects.get(action="project.import")
    assert changes_of(entry, "core.org", department.pk) == {
        "name": [None, "市新设局"],
        "kind": [None, "department"],
    }
    assert len(objects["core.org"]["created"]) == 2 and len(objects["core.user"]["created"]) == 2
    assert AuditLog.objects.about("core.user", leader.pk).get().action == "project.import"
    again_result = imp(tmp_path / "new.xlsx")
    assert again_result.warnings == [] and again_result.unchanged == 2


def test_a_name_of_another_role_is_not_matched(imp, cast, tmp_path):
    row = ledger_row("R-1", **{"包保市领导": "专员甲"})  # 专员甲 is a specialist, not a leader
    result = imp(write_xlsx(tmp_path / "role.xlsx", [LEDGER_HEADER, row]))
    assert len(result.warnings) == 1
    assert Project.objects.get(code="R-1").leader.role == Role.LEADER


def test_plan_year_comes_from_the_header(imp, tmp_path):
    head = ["2026年计划投资" if h == "年度计划投资（万元）" else h for h in LEDGER_HEADER]
    assert imp(write_xlsx(tmp_path / "y.xlsx", [head, ledger_row("Y-1")])).ok
    assert Project.objects.get(code="Y-1").plan_year == 2026


def test_issues_are_reported_row_by_row_in_the_order_of_the_columns(imp, tmp_path):
    """The ledger is read column by column (each distinct cell once); the report is still the one of a
    row-by-row reading: every row's issues together, in the order of its columns, a repeated cell's
    error at each row that has it, a new company warned at its first row only."""
    rows = [
        ledger_row("A1", **{"建设阶段": "未知阶段", "总投资（万元）": "很多", "所属区（市）": "火星区"}),
        ledger_row("A2", **{"项目级别": "国重点", "建设单位": "新办建设公司"}),
        ledger_row("A1", **{"建设阶段": "未知阶段", "计划开工时间": "明年"}),
        ledger_row("A3", **{"所属区（市）": "火星区", "建设单位": "新办建设公司", "联系电话": "0632****123"}),
    ]
    result = imp(write_xlsx(tmp_path / "mixed.xlsx", [LEDGER_HEADER, *rows]), dry_run=True)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "所属区（市）"),
        (2, "总投资（万元）"),
        (2, "建设阶段"),
        (3, "项目级别"),
        (4, "建设阶段"),
        (4, "计划开工时间"),
        (4, "项目编号"),  # the repeated code, after the row's own defects
        (5, "所属区（市）"),
    ]
    assert "与第2行重复" in result.errors[6].message
    assert result.errors[0].message == result.errors[7].message  # the same cell, the same words
    warned = [(w.row, w.column) for w in result.warnings if "新办建设公司" in w.message]
    assert warned == [(3, "建设单位")]
    assert (5, "联系电话") in [(w.row, w.column) for w in result.warnings]
