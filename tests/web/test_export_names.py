"""Exports say what they hold in words: the file named in Chinese, the filters by name, not by id."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import unquote

import pytest
import time_machine
from openpyxl import load_workbook

from liangping.core.models import AuditLog


@pytest.mark.django_db
@time_machine.travel("2026-11-30 10:00 +0800")
def test_ledger_export_names_its_day_and_its_filters(client, cast):
    client.force_login(cast.supervisor)
    query = {
        "district": str(cast.tengzhou.pk),
        "specialist": str(cast.specialist.pk),
        "stage": "",
        "q": "电池",
    }
    response = client.get("/sheets/export/projects.xlsx", query)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"projects.xlsx\"; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == "项目台账_2026年11月30日.xlsx"
    notes = dict(
        (r[0].value, r[1].value) for r in load_workbook(BytesIO(response.content))["说明"].iter_rows()
    )
    assert notes["筛选条件"] == f"所属区（市）：滕州市；项目专员：{cast.specialist.name}；关键词：电池"
    entry = AuditLog.objects.get(action="export")
    assert entry.changes["filters"] == {
        "所属区（市）": "滕州市",
        "项目专员": cast.specialist.name,
        "关键词": "电池",
    }
