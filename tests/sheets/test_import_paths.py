"""The import's fast paths give what the general ones give: the cycle collector is resumed however an
import ends, amounts read without as_money equal as_money's, a column read once per distinct cell
reports at every row, short CSV rows read as blanks, and the audit entry's JSON column holds the text
its seal encoded."""

from __future__ import annotations

import gc
import threading

import pytest
from django.db import connection

from liangping.core import auditchain
from liangping.core.audit import record
from liangping.core.fields import EncodedJSON
from liangping.core.models import AuditLog
from liangping.projects.models import Project
from liangping.sheets import runner
from liangping.sheets.values import as_money
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_csv, write_xlsx
from tests.sheets.conftest import issues

pytestmark = pytest.mark.django_db
COL = {name: i for i, name in enumerate(LEDGER_HEADER)}


def test_the_collector_is_paused_during_an_import_and_resumed_after_it_even_when_it_fails(
    imp, tmp_path, monkeypatch
):
    seen = []
    real = runner._run_import

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "_run_import", watching)
    assert gc.isenabled()
    result = imp(write_xlsx(tmp_path / "ok.xlsx", [LEDGER_HEADER, ledger_row("P-1")]))
    assert result.ok and seen == [False] and gc.isenabled()

    def failing(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(runner, "_run_import", failing)
    with pytest.raises(RuntimeError):
        imp(write_xlsx(tmp_path / "ok2.xlsx", [LEDGER_HEADER, ledger_row("P-2")]))
    assert gc.isenabled()


def test_the_collector_stays_paused_until_the_last_of_two_overlapping_imports_ends():
    first_in, second_done = threading.Event(), threading.Event()
    states = []

    def first():
        with runner.collector_paused():
            first_in.set()
            second_done.wait(5)
            states.append(("first, after the second ended", gc.isenabled()))

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with runner.collector_paused():
        states.append(("second", gc.isenabled()))
    second_done.set()
    thread.join(5)
    assert states == [("second", False), ("first, after the second ended", False)]
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_is_left_paused():
    gc.disable()
    try:
        with runner.collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(
    "cell",
    [0, 1, 12000, 0.5, 0.005, 0.015, 1.005, 2.675, 12000.5, 1e-9, 123456789012.345, 9.99e12, 3.0],
)
def test_number_cells_read_as_as_money_reads_them(imp, tmp_path, cell):
    result = imp(
        write_xlsx(tmp_path / "m.xlsx", [LEDGER_HEADER, ledger_row("M-1", **{"总投资（万元）": cell})])
    )
    assert result.ok, issues(result)
    assert Project.objects.get(code="M-1").total_investment == as_money(cell)


def test_amounts_the_fast_path_does_not_take_are_still_checked(imp, tmp_path):
    rows = [
        LEDGER_HEADER,
        ledger_row("M-1", **{"总投资（万元）": -1}),
        ledger_row("M-2", **{"总投资（万元）": 1e15}),
        ledger_row("M-3", **{"总投资（万元）": "1.2亿"}),
    ]
    result = imp(write_xlsx(tmp_path / "m.xlsx", rows))
    found = issues(result)
    assert [row for row, _column, _message in found] == [2, 3]  # 1.2亿 is 12000 万元: read
    assert "负数" in found[0][2] and "过大" in found[1][2]


def test_a_repeated_bad_cell_is_reported_at_each_of_its_rows_and_a_new_company_is_warned_once(imp, tmp_path):
    rows = [
        LEDGER_HEADER,
        ledger_row("R-1", **{"建设阶段": "挖地基"}),
        ledger_row("R-2", **{"建设单位": "新公司甲"}),
        ledger_row("R-3", **{"建设阶段": "挖地基", "建设单位": "新公司甲"}),
    ]
    result = imp(write_xlsx(tmp_path / "r.xlsx", rows), dry_run=True)
    assert [(row, column) for row, column, _message in issues(result)] == [(2, "建设阶段"), (4, "建设阶段")]
    new_company = [w for w in result.warnings if "新公司甲" in w.message]
    assert [w.row for w in new_company] == [3]


def test_short_csv_rows_read_their_missing_cells_as_blank(imp, tmp_path):
    full = ledger_row("S-1")
    short = ledger_row("S-2")[: COL["联系人"]]  # no contact, no phone
    result = imp(write_csv(tmp_path / "s.csv", [LEDGER_HEADER, full, short]))
    assert result.ok, issues(result)
    assert Project.objects.get(code="S-2").contact_phone == ""
    assert Project.objects.get(code="S-1").contact_phone == full[COL["联系电话"]]


def test_the_audit_column_holds_the_text_the_seal_encoded_and_the_chain_verifies(cast):
    entry = record(
        cast.supervisor, "test", None, changes={"名称": ["旧", "新"], 3: {"b": 1, "a": [1.5, None]}}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes FROM core_auditlog WHERE id = %s", [entry.pk])
        (stored,) = cursor.fetchone()
    if connection.vendor == "sqlite":  # PostgreSQL's jsonb keeps the value, not the text
        assert stored == '{"3":{"a":[1.5,null],"b":1},"名称":["旧","新"]}'
    again = AuditLog.objects.get(pk=entry.pk)
    assert again.changes == {"名称": ["旧", "新"], "3": {"b": 1, "a": [1.5, None]}}
    assert auditchain.digest(again, again.prev_hash) == again.hash
    assert auditchain.verify(AuditLog).broken is None


def test_changes_replaced_after_sealing_are_encoded_afresh():
    field = AuditLog._meta.get_field("changes")
    entry = AuditLog(changes={"a": 1})
    entry._sealed_changes = (entry.changes, '{"a":1}')
    assert isinstance(field.pre_save(entry, True), EncodedJSON)
    entry.changes = {"a": 2}
    assert field.pre_save(entry, True) == {"a": 2}
    assert field.get_db_prep_save({"a": 2}, connection) is not None
