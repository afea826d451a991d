"""审计日志: auditor only, filters, changes as 字段: 旧值 → 新值, newest first, 50 a page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.utils import timezone

from liangping.core.audit import record
from liangping.core.config import set_setting
from liangping.core.models import AuditLog
from liangping.projects.models import Project


@pytest.fixture
def log(cast):
    set_setting(cast.sysadmin, "visit_target_per_week", 7, reason="市政府通知")
    record(
        cast.secadmin,
        "user.update",
        cast.department,
        changes={"role": ["department", "district"], "is_active": [True, False]},
        reason="调岗",
    )
    record(cast.supervisor, "project.update", cast.inside, changes={"name": ["旧名", "新名"]}, reason="更正")
    old = record(
        cast.supervisor, "project.update", cast.outside, changes={"stage": ["signed", "construction"]}
    )
    # An entry of last year: the log is append-only, so its time is set through raw SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditLog._meta.db_table} SET at = %s WHERE id = %s",
            [timezone.now() - dt.timedelta(days=400), old.pk],
        )
    return cast


def rows(page: str) -> int:
    return page.count("<tr>") - 1  # minus the header row


@pytest.mark.django_db
def test_auditor_reads_the_log_in_chinese(client, log):
    client.force_login(log.auditor)
    page = client.get("/audit/").content.decode()
    assert rows(page) == 4
    assert "项目专员每周走访目标（次）：3 → 7" in page and "市政府通知" in page
    assert "角色：部门用户 → 区（市）用户" in page and "有效：是 → 否" in page
    assert "项目名称：旧名 → 新名" in page and "建设阶段：签约落地 → 开工建设" in page
    assert "用户·修改" in page and "参数·修改" in page
    # Newest first: the settings change (first written) comes after the later entries.
    assert page.index("旧名") < page.index("市政府通知") < page.index("签约落地")


@pytest.mark.django_db
def test_audit_filters(client, log):
    client.force_login(log.auditor)
    get = lambda **q: client.get("/audit/", q).content.decode()  # noqa: E731
    assert rows(get(actor="secadmin")) == 1
    assert rows(get(actor="督查员")) == 2
    assert rows(get(object_type="projects.project")) == 2
    assert rows(get(object_type="projects.project", object_id=str(log.inside.pk))) == 1
    assert rows(get(action="setting.update")) == 1
    today = timezone.localdate()
    assert rows(get(since=str(today - dt.timedelta(days=1)))) == 3
    assert rows(get(until=str(today - dt.timedelta(days=300)))) == 1
    page = get(since=str(today), until=str(today - dt.timedelta(days=3)))
    assert "起始日期不能晚于截止日期" in page


@pytest.mark.django_db
def test_audit_is_paginated_and_read_only(client, log, django_assert_max_num_queries):
    for i in range(120):
        record(log.supervisor, "project.update", log.inside, changes={"name": [f"名{i}", f"名{i + 1}"]})
    client.force_login(log.auditor)
    with django_assert_max_num_queries(10):
        page = client.get("/audit/").content.decode()
    assert rows(page) == 50 and "第 1 / 3 页，共 124 条" in page
    assert rows(client.get("/audit/", {"page": 3}).content.decode()) == 24
    assert client.post("/audit/", {}).status_code == 405
    assert '<form method="post"' not in page.split("</header>")[1]


@pytest.mark.django_db
def test_only_the_auditor_reads_the_log(client, log):
    for who in ["sysadmin", "secadmin", "supervisor", "department"]:
        client.force_login(getattr(log, who))
        assert client.get("/audit/").status_code == 404, who


@pytest.mark.django_db
def test_every_entry_reads_in_chinese(client, cast):
    """The demo load, exports and downloads, and the entries of every app: no code, no dict, no id."""
    from liangping.core.audit import record_download
    from liangping.demo.loader import LOAD_ACTION

    record(
        None,
        LOAD_ACTION,
        None,
        object_type="demo",
        object_id="2026-12-06",
        object_repr="示例城市（数据截至 2026-12-06）",
        changes={"重点项目": [0, 207]},
    )
    # an export entry as older versions stored it: ids in the filters
    record(
        cast.supervisor,
        "export",
        None,
        object_type="sheets.projects",
        object_repr="导出项目台账",
        changes={"rows": 3, "filters": {"district": "4"}},
    )
    record_download(cast.supervisor, "分级结果", "分级结果_2026年11月.xlsx", filters={"period": "2026-11"})
    record(cast.supervisor, "period.lock", cast.inside, changes={"snapshot": [None, 1]})
    for action in [
        "case.escalate",
        "task_report.return",
        "milestone.create",
        "api_token.revoke",
        "audit.purge",
    ]:
        record(cast.supervisor, action, cast.inside)
    client.force_login(cast.auditor)
    page = re.sub(r"<[^>]+>", " ", client.get("/audit/").content.decode())  # the text people read
    for raw in ["demo.load", "sheets.projects", "{'", "#", "task_report", "api_token", "其他操作"]:
        assert raw not in page, raw
    assert "示例城市·加载" in page and "重点项目：0 → 207" in page
    assert "行数：3" in page and "筛选条件：所属区（市）：4" in page
    assert "文件：分级结果_2026年11月.xlsx" in page and "筛选条件：考核期：2026-11" in page
    assert "问题·逾期升级督办" in page and "攻坚事项月报·退回" in page and "接口令牌·撤销" in page
    assert f"（编号 {cast.inside.pk}）" in page  # a record's number, beside its name


@pytest.mark.django_db
def test_a_projects_history_shows_its_changes_from_an_import(client, log, tmp_path):
    """An import writes one entry for the file; a project's history (the log filtered to that project)
    finds it and shows that project's fields, old → new, and no other project's."""
    from liangping.sheets.runner import run_import
    from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_xlsx

    rows = [ledger_row(log.inside.code, log.inside.name, **{"总投资（万元）": "2100000", "建设阶段": "投产"})]
    rows += [ledger_row(f"H{i}", f"新导入项目{i}") for i in range(3)]
    result = run_import(
        "projects", write_xlsx(tmp_path / "h.xlsx", [LEDGER_HEADER, *rows]), actor=log.supervisor
    )
    assert result.ok and (result.created, result.updated) == (3, 1)
    client.force_login(log.auditor)
    get = lambda **q: re.sub(r"<[^>]+>", " ", client.get("/audit/", q).content.decode())  # noqa: E731
    history = get(object_type="projects.project", object_id=str(log.inside.pk))
    assert rows_of(history) == 2  # the import and the earlier edit
    assert "项目·导入" in history and "导入项目台账：h.xlsx" in history
    assert "建设阶段：开工建设 → 竣工投产" in history and "总投资（万元）：2000000 → 2100000" in history
    assert "新导入项目" not in history and "旧名 → 新名" in history
    new = Project.objects.get(code="H1")
    history = get(object_id=str(new.pk), object_type="projects.project")
    assert rows_of(history) == 1 and "H1 新导入项目1（新建）" in history and "开工建设" in history
    assert "竣工投产" not in history
    # the whole log shows the import as counts, not ten thousand lines
    page = get()
    assert "项目：新建 3 个、修改 1 个" in page and "行数：4" in page


def rows_of(text: str) -> int:
    return len(re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", text))
