"""Exporting the ledger and importing the file back changes nothing: the export and the import are
exact inverses for every field the export writes, on the whole demo ledger and on generated ones."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangping.core.audit import snapshot
from liangping.core.models import User
from liangping.projects.exports import PROJECT_EXPORT_COLUMNS
from liangping.projects.imports.ledger import AUDIT_FIELDS, COMPUTED_COLUMNS, PROJECT_COLUMNS
from liangping.projects.models import Level, Project, Stage
from liangping.sheets.runner import run_export, run_import
from liangping.sheets.table import normalize_header
from tests.sheets.builders import LEDGER_HEADER, ledger_row, write_xlsx
from tests.test_demo import run_demo


def round_trip(tmp: Path, actor: User) -> tuple[object, dict[str, dict]]:
    before = {p.code: snapshot(p, AUDIT_FIELDS) for p in Project.objects.all()}
    out = io.BytesIO()
    run_export("projects", out, user=None, actor=actor)
    path = tmp / "台账.xlsx"
    path.write_bytes(out.getvalue())
    result = run_import("projects", path, actor=actor)
    after = {p.code: snapshot(p, AUDIT_FIELDS) for p in Project.objects.all()}
    return result, {c: after[c] for c in before if before[c] != after[c]} | (
        {"changed": before} if set(before) != set(after) else {}
    )


def test_every_exported_column_is_read_back() -> None:
    """The export writes no column the import would not read (nothing silently dropped)."""
    known = {name for spec in PROJECT_COLUMNS for name in spec.names()}
    for column in PROJECT_EXPORT_COLUMNS:
        name = normalize_header(column.title)[0]
        assert name in known or name.split("(")[0] in COMPUTED_COLUMNS, column.title


@pytest.mark.django_db
def test_the_demo_ledger_round_trips(tmp_path: Path) -> None:
    run_demo()
    actor = User.objects.get(username="supervisor")
    assert Project.objects.count() == 207
    assert Project.objects.filter(annual_plan__isnull=True, plan_year__isnull=False).exists()
    result, changed = round_trip(tmp_path, actor)
    assert not result.errors, result.errors[:3]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 207)
    assert changed == {}
    assert result.unmapped == []  # every column the export writes is read back, or known as computed


names = (
    st.text(alphabet="工程项目建设示例新能源一二三ABC123 ", min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
money = st.decimals(min_value=0, max_value=Decimal("99999999"), places=2, allow_nan=False)
months = st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 1)).map(lambda d: d.replace(day=1))


@st.composite
def ledgers(draw: st.DrawFn) -> list[dict]:
    count = draw(st.integers(1, 6))
    out = []
    for i in range(count):
        plan = draw(st.none() | money)
        out.append(
            {
                "code": f"GEN-{i:03d}",
                "name": draw(names),
                "level": draw(st.sampled_from([v for v, _l in Level.choices])),
                "industry": draw(st.just("") | names),
                "total_investment": draw(money),
                "annual_plan": plan,
                "plan_year": draw(st.none() | st.integers(2015, 2035)),
                "stage": draw(st.sampled_from([v for v, _l in Stage.choices])),
                "planned_start": draw(st.none() | months),
                "planned_end": draw(st.none() | months),
                "contact_name": draw(st.just("") | names),
                "contact_phone": draw(st.just("") | st.from_regex(r"1[3-9]\d{9}", fullmatch=True)),
                "unit": draw(st.booleans()),
                "department": draw(st.booleans()),
                "people": draw(st.booleans()),
            }
        )
    return out


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ledger=ledgers())
def test_generated_ledgers_round_trip(cast, tmp_path: Path, ledger: list[dict]) -> None:
    with transaction.atomic():
        Project.objects.filter(code__startswith="GEN-").delete()
        for values in ledger:
            flags = {k: values.pop(k) for k in ("unit", "department", "people")}
            Project.objects.create(
                **values,
                district=cast.tengzhou,
                unit=cast.inside.unit if flags["unit"] else None,
                department=cast.fagai if flags["department"] else None,
                leader=cast.leader if flags["people"] else None,
                specialist=cast.specialist if flags["people"] else None,
            )
        result, changed = round_trip(tmp_path, cast.supervisor)
        assert not result.errors, result.errors[:3]
        assert (result.created, result.updated) == (0, 0)
        assert changed == {}
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_blank_cell_keeps_the_value_and_says_so(cast, tmp_path: Path) -> None:
    """A column the file has, with a blank cell: the ledger's value is kept, and the preview says so."""
    Project.objects.filter(pk=cast.inside.pk).update(plan_year=2026, industry="新能源")
    header = [*LEDGER_HEADER, "计划年度"]
    row = ledger_row(cast.inside.code, cast.inside.name, **{"产业类别": "", "联系电话": "138****8000"})
    path = write_xlsx(tmp_path / "blank.xlsx", [header, [*row, None]])
    result = run_import("projects", path, actor=cast.supervisor, dry_run=True)
    assert not result.errors, result.errors
    kept = {w.column: w.message for w in result.warnings}
    assert "保留系统中的原值" in kept["产业类别"] and "空白单元格不会清除已有内容" in kept["产业类别"]
    assert "计划年度" in kept and "第2行为空" in kept["计划年度"]
    assert "脱敏" in kept["联系电话"]
    run_import("projects", path, actor=cast.supervisor)
    project = Project.objects.get(pk=cast.inside.pk)
    assert (project.plan_year, project.industry, project.contact_phone) == (2026, "新能源", "13800138000")
