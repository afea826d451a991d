"""`liangping import` and `liangping export` on the command line: JSON report, exit status, actor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liangping.core.models import AuditLog
from liangping.projects.models import Project
from tests.sheets.builders import LEDGER_HEADER, ledger_row, ledger_rows, write_xlsx

pytestmark = pytest.mark.django_db


def run(capsys, *args):
    """call_command, returning (exit status, stdout)."""
    try:
        call_command(*args)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, capsys.readouterr().out


def test_json_report_and_exit_status_zero(cast, tmp_path, capsys):
    path = write_xlsx(tmp_path / "ok.xlsx", [LEDGER_HEADER, *ledger_rows(2)])
    status, out = run(capsys, "import", "projects", str(path), "--json")
    assert status == 0
    report = json.loads(out)
    assert {k: report[k] for k in ("ok", "created", "updated", "unchanged", "errors")} == {
        "ok": True,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
    }
    assert report["dry_run"] is False
    entry = AuditLog.objects.get(action="project.import")  # one entry for the file
    assert entry.actor == cast.supervisor  # the first active supervisor
    assert len(entry.changes["objects"]["projects.project"]["created"]) == 2


def test_refused_import_exits_one_with_every_error(cast, tmp_path, capsys):
    rows = [LEDGER_HEADER, ledger_row("A", **{"所属区（市）": "莱芜"}), ledger_row("A")]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    status, out = run(capsys, "import", "projects", str(path), "--json")
    assert status == 1
    report = json.loads(out)
    assert report["ok"] is False and (report["created"], report["updated"], report["unchanged"]) == (0, 0, 0)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(2, "所属区（市）"), (3, "项目编号")]
    assert not Project.objects.filter(code="A").exists()


def test_dry_run_exit_status_and_human_output(cast, tmp_path, capsys):
    path = write_xlsx(tmp_path / "dry.xlsx", [LEDGER_HEADER, ledger_row("D-1")])
    status, out = run(capsys, "import", "projects", str(path), "--dry-run")
    assert status == 0 and "试运行" in out and "将新增 1 条" in out
    assert not Project.objects.filter(code="D-1").exists()
    bad = write_xlsx(tmp_path / "bad.xlsx", [LEDGER_HEADER, ledger_row("D-2", **{"建设阶段": "?"})])
    status, out = run(capsys, "import", "projects", str(bad), "--dry-run", "--as", "supervisor")
    assert status == 1
    assert "第2行 [建设阶段] 建设阶段“?”无法识别" in out


def test_as_user_and_errors_xlsx(cast, tmp_path, capsys):
    bad = write_xlsx(tmp_path / "bad.xlsx", [LEDGER_HEADER, ledger_row("Q", **{"总投资（万元）": -1})])
    out_path = tmp_path / "errors.xlsx"
    status, _out = run(capsys, "import", "projects", str(bad), "--errors-xlsx", str(out_path))
    assert status == 1
    sheet = openpyxl.load_workbook(out_path).active
    assert [c.value for c in sheet[2]] == [2, "总投资（万元）", "金额不能为负数（-1），请填写 0 或正数"]
    with pytest.raises(CommandError, match="找不到用户"):
        call_command("import", "projects", str(bad), "--as", "nobody")
    status, out = run(capsys, "import", "projects", str(bad), "--as", "nobody", "--json")
    assert status == 1 and "找不到用户" in json.loads(out)["errors"][0]["message"]


def test_monthly_import_on_the_command_line(cast, tmp_path, capsys):
    rows = [["项目编号", "年月", "本月完成投资", "累计完成投资"], [cast.inside.code, "2025-03", 10, 30]]
    status, out = run(capsys, "import", "monthly", str(write_xlsx(tmp_path / "m.xlsx", rows)), "--json")
    assert status == 0 and json.loads(out)["created"] == 1


def test_export_command_scoped_with_as(cast, tmp_path, capsys):
    path = tmp_path / "out.xlsx"
    status, out = run(capsys, "export", "projects", str(path), "--as", "department")
    assert status == 0 and "1 条" in out
    codes = [r[0].value for r in openpyxl.load_workbook(path)["项目台账"].iter_rows(min_row=2)]
    assert codes == [cast.inside.code]
    status, _out = run(capsys, "export", "projects", str(path), "--filter", "stage=signed")
    assert [r[0].value for r in openpyxl.load_workbook(path)["项目台账"].iter_rows(min_row=2)] == [
        cast.outside.code
    ]
    with pytest.raises(CommandError, match="没有查看台账的权限"):
        call_command("export", "projects", str(path), "--as", "sysadmin")


@pytest.mark.django_db(transaction=True)
def test_the_console_script_exit_status(tmp_path):
    """The real `liangping` process against a fresh database file: 0 when imported, 1 when refused."""
    env = {
        **os.environ,
        "LIANGPING_SQLITE_PATH": str(tmp_path / "cli.sqlite3"),
        "LIANGPING_MEDIA_ROOT": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)  # the PostgreSQL run's server database is not this test's to write
    script = Path(sys.executable).with_name("liangping")
    subprocess.run([script, "migrate", "-v0"], env=env, check=True)
    good = write_xlsx(tmp_path / "good.xlsx", [["项目编号", "年月", "本月完成投资", "累计完成投资"]])
    done = subprocess.run(
        [script, "import", "monthly", good, "--json"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1  # a header without data rows is refused
    assert json.loads(done.stdout)["errors"][0]["message"] == "表头下面没有数据行，请填写数据后再导入"
    make_district = (
        "from liangping.core.models import Org; Org.objects.create(name='滕州市', kind='district')"
    )
    subprocess.run([script, "shell", "-c", make_district], env=env, check=True)
    ledger = write_xlsx(tmp_path / "ledger.xlsx", [LEDGER_HEADER, ledger_row("CLI-1")])
    done = subprocess.run(
        [script, "import", "projects", ledger, "--json"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["created"] == 1 and len(report["warnings"]) == 4
    assert done.stderr == ""  # no progress bar under --json (and not on a pipe)
    missing = subprocess.run(
        [script, "import", "projects", tmp_path / "nope.xlsx"], env=env, capture_output=True, text=True
    )
    assert missing.returncode == 1 and "找不到文件" in missing.stderr
