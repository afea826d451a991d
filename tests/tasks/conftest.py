"""Task fixtures: one task inside the cast's scope and one outside, and evidence files of each kind.

`inside`  — led by cast.leader, lead department 市发展改革委 (cast.department's org), target 200 个
`outside` — led by cast.leader2, lead department 市工业和信息化局, no target
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from liangping.core.models import User
from liangping.tasks import services
from liangping.tasks.models import Milestone, Task, TaskReport
from tests.cast import Cast

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def docx_bytes() -> bytes:
    import docx

    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("节点完成情况说明")
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["节点", "完成日期"])  # type: ignore[union-attr]
    book.save(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, "JPEG")
    return out.getvalue()


def task_values(cast: Cast, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": "GJ2025-01",
        "title": "示例攻坚事项：新招引产业链项目",
        "year": 2025,
        "leader": cast.leader,
        "lead_department": cast.fagai,
        "goal": "全年新招引产业链项目200个",
        "target_value": Decimal(200),
        "target_unit": "个",
    }
    values.update(overrides)
    return values


@dataclass
class Tasks:
    inside: Task
    outside: Task
    milestone_in: Milestone
    milestone_out: Milestone
    report_in: TaskReport
    report_out: TaskReport

    def get(self, name: str, where: str) -> Any:
        return (
            getattr(self, f"{name}_{where.removesuffix('side')}") if name != "task" else getattr(self, where)
        )


def make_tasks(cast: Cast) -> Tasks:
    inside = services.create_task(
        cast.supervisor,
        task_values(cast),
        co_departments=[cast.gongxin],
        milestones=[("签约落地", dt.date(2025, 3, 31)), ("全面完成", dt.date(2025, 12, 31))],
    )
    outside = services.create_task(
        cast.supervisor,
        task_values(
            cast,
            code="GJ2025-02",
            title="示例攻坚事项：老旧小区改造",
            leader=cast.leader2,
            lead_department=cast.gongxin,
            goal="完成老旧小区改造",
            target_value=None,
            target_unit="",
        ),
        milestones=[("开工", dt.date(2025, 4, 30))],
    )
    m_in, m_out = inside.milestones.first(), outside.milestones.first()
    assert m_in is not None and m_out is not None
    m_in = services.record_milestone(
        cast.department,
        m_in,
        actual_date=dt.date(2025, 3, 20),
        upload=("签约材料.pdf", PDF),
        expected_version=m_in.version,
    )
    m_out = services.record_milestone(
        cast.supervisor,
        m_out,
        actual_date=dt.date(2025, 4, 28),
        upload=("开工照片.png", png_bytes()),
        expected_version=m_out.version,
    )
    month = dt.date(2025, 5, 1)
    report_in = services.submit_report(
        cast.department, inside, month, actual_value=Decimal(80), progress="已签约80个"
    )
    report_out = services.submit_report(cast.supervisor, outside, month, actual_value=None, progress="推进中")
    return Tasks(inside, outside, m_in, m_out, report_in, report_out)


@pytest.fixture
def tasks(cast: Cast) -> Tasks:
    return make_tasks(cast)


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    def as_user(user: User | None) -> Any:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return as_user
