"""API fixtures: a client per cast member, and one report, visit and case inside and outside scope."""

import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from liangping.cases import services as cases
from liangping.cases.kindload import load_text
from liangping.cases.models import Case
from liangping.projects import services
from liangping.projects.models import MonthlyReport, Visit
from liangping.tasks import services as tasks
from liangping.tasks.models import Task, TaskReport
from tests.cast import Cast

BASE = "/api/v1"


def png_bytes(color: str = "red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, format="PNG")
    return buf.getvalue()


class Api:
    """A test client speaking JSON to /api/v1/ as one member of the cast (or anonymously)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params)

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.client.post(BASE + path, json.dumps(body), content_type="application/json", **extra)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.client.patch(BASE + path, json.dumps(body), content_type="application/json")

    def multipart(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(BASE + path, data)

    def raw(self, method: str, path: str, body: bytes, content_type: str = "application/json") -> Any:
        return getattr(self.client, method)(BASE + path, body, content_type=content_type)


@pytest.fixture
def api_as(cast: Cast):  # type: ignore[no-untyped-def]
    def make(who: str) -> Api:
        client = Client()
        if who != "anonymous":
            client.force_login(getattr(cast, who))
        return Api(client)

    return make


@dataclass
class Ledger:
    report_in: MonthlyReport
    report_out: MonthlyReport
    visit_in: Visit
    visit_out: Visit
    case_in: Case
    case_out: Case
    task_in: Task
    task_out: Task
    task_report_in: TaskReport
    task_report_out: TaskReport

    def item(self, kind: str, where: str) -> Any:
        return getattr(self, f"{kind}_{where.removesuffix('side')}")


# A kind that exists only in this configuration, registered through the generic endpoint.
MATRIX_KIND = """
code = "matrix_demo"
name = "矩阵示例"
version = 1
initial = "new"
[scope]
registrar = "own"
[[states]]
code = "new"
label = "新登记"
[[transitions]]
action = "close"
label = "办结"
from = ["new"]
to = "new"
by = ["registrar"]
[[fields]]
code = "phone"
label = "联系电话"
type = "phone"
required = true
"""


@pytest.fixture
def ledger(cast: Cast) -> Ledger:
    load_text(MATRIX_KIND)
    month = dt.date(2025, 5, 1)
    amounts = {"month_investment": Decimal("1000.50"), "ytd_investment": Decimal("5000.25")}
    report_in = services.submit_report(cast.owner, cast.inside, month, **amounts)
    report_out = services.submit_report(cast.supervisor, cast.outside, month, **amounts)
    day = dt.date(2025, 5, 20)
    visit_in = services.record_visit(
        cast.specialist, cast.inside, day, "现场施工正常", [("a.png", png_bytes())]
    )
    visit_out = services.record_visit(
        cast.specialist2, cast.outside, day, "土地平整中", [("b.png", png_bytes("blue"))]
    )
    case_in = cases.register(cast.supervisor, "用地指标未落实", subject=cast.inside)
    cases.assign(cast.supervisor, case_in, cast.fagai)
    case_out = cases.register(cast.supervisor, "施工许可未办理", subject=cast.outside)
    cases.assign(cast.supervisor, case_out, cast.gongxin)
    # Tasks: `in` is led by cast.leader with 市发展改革委 (cast.department's org) leading it;
    # `out` is led by cast.leader2 with 市工业和信息化局 leading it.
    task_in = tasks.create_task(
        cast.supervisor,
        {
            "code": "GJ-IN",
            "title": "示例攻坚事项（范围内）",
            "year": 2025,
            "leader": cast.leader,
            "lead_department": cast.fagai,
            "goal": "新增项目30个",
            "target_value": Decimal(30),
            "target_unit": "个",
        },
        milestones=[("方案制定", dt.date(2025, 3, 31))],
    )
    task_out = tasks.create_task(
        cast.supervisor,
        {
            "code": "GJ-OUT",
            "title": "示例攻坚事项（范围外）",
            "year": 2025,
            "leader": cast.leader2,
            "lead_department": cast.gongxin,
            "goal": "完成改造",
        },
        milestones=[("全面完成", dt.date(2025, 12, 31))],
    )
    task_report_in = tasks.submit_report(
        cast.department, task_in, month, actual_value=Decimal(12), progress="已签约12个"
    )
    task_report_out = tasks.submit_report(
        cast.supervisor, task_out, month, actual_value=None, progress="推进中"
    )
    return Ledger(
        report_in,
        report_out,
        visit_in,
        visit_out,
        case_in,
        case_out,
        task_in,
        task_out,
        task_report_in,
        task_report_out,
    )
