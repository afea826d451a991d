"""A kind's category tree from .xlsx and back: the system administrator's import (the kind chosen at
upload and carried through preview and confirmation), audited through the 时限与分类 functions; moving
a subtree rewrites its paths; duplicates, unknown parents, cycles and categories without a time limit
are row/column errors and nothing is saved; the export reads back as "unchanged"."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from liangping.cases import kindadmin
from liangping.cases.kindload import load_text
from liangping.cases.models import CaseCategory, CaseKind, CaseTimeLimit
from liangping.core.models import AuditLog
from liangping.sheets.models import ImportJob, JobStatus
from tests.cases.test_engine import HOTLINE
from tests.sheets.builders import write_xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["分类代码", "分类名称", "上级分类代码", "是否启用"]


@pytest.fixture
def admin(client, cast, settings):
    settings.LIANGPING_IMPORT_SYNC = True
    load_text(HOTLINE)  # categories 城市管理 (city) > 噪音 (noise); limits per urgency for all categories
    client.force_login(cast.sysadmin)
    return client


def tree() -> dict[str, tuple[str, str, bool]]:
    """code → (name, parent code, active), checking every path against the parents."""
    rows = {c.pk: c for c in CaseCategory.objects.filter(kind__code="hotline_demo")}
    out = {}
    for c in rows.values():
        parent = rows.get(c.parent_id) if c.parent_id else None
        assert c.path == f"{parent.path if parent else '/'}{c.pk}/", c.code
        out[c.code] = (c.name, parent.code if parent else "", c.active)
    return out


def upload(client, path, case_kind="hotline_demo"):
    data = SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)
    form = {"kind": "case_categories", "file": data, "opt-case_categories-case_kind": case_kind}
    return client.post(reverse("sheets:import"), form)


def test_import_preview_confirm_and_reimport(admin, cast, tmp_path):
    page = admin.get("/cases/kinds/").content.decode()
    assert "从表格导入分类" in page and "case_kind=hotline_demo" in page
    page = admin.get(
        reverse("sheets:import") + "?kind=case_categories&case_kind=hotline_demo"
    ).content.decode()
    assert "事项分类" in page and '<option value="hotline_demo" selected>' in page and "项目台账" not in page

    night = kindadmin.add_category(
        cast.sysadmin, CaseKind.objects.get(code="hotline_demo"), code="night", name="夜间施工",
        parent=CaseCategory.objects.get(code="noise", kind__code="hotline_demo"), reason="试",
    )  # fmt: skip
    path = write_xlsx(
        tmp_path / "分类.xlsx",
        [
            ["热线示例分类表"],
            HEADER,
            ["park", "公园", "light", ""],  # its parent comes later in the file
            ["light", "路灯", "city", "是"],
            ["noise", "噪音扰民", "", ""],  # renamed and moved to the top, taking 夜间施工 along
            ["city", "城市管理", "", "是"],
        ],
    )
    response = upload(admin, path)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.options == {"case_kind": "hotline_demo"}
    assert job.status == JobStatus.PREVIEWED, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 1, 1)
    preview = admin.get(response["Location"]).content.decode()
    assert "事项类型：<b>热线示例</b>" in preview
    assert set(tree()) == {"city", "noise", "night"}  # the preview wrote nothing

    admin.post(reverse("sheets:job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.errors
    assert tree() == {
        "city": ("城市管理", "", True),
        "noise": ("噪音扰民", "", True),
        "night": ("夜间施工", "noise", True),
        "light": ("路灯", "city", True),
        "park": ("公园", "light", True),
    }
    assert night.pk == CaseCategory.objects.get(code="night").pk
    entries = AuditLog.objects.filter(action__startswith="case_category.", reason="导入：分类.xlsx")
    assert entries.count() == 3 and entries.filter(actor=cast.sysadmin).count() == 3
    moved = entries.get(action="case_category.update")
    assert moved.changes == {"name": ["噪音", "噪音扰民"], "parent": ["city", ""]}

    # The same file again: nothing changes.
    upload(admin, path)
    again = ImportJob.objects.order_by("-id")[0]
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 4)

    # The export reads back as unchanged, and deactivation travels as 是否启用.
    response = admin.get(reverse("sheets:export", args=["case_categories"]) + "?kind=hotline_demo")
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[0] == ("分类代码", "分类名称", "上级分类代码", "上级分类名称", "是否启用")
    assert [r[0] for r in rows[1:]] == ["city", "light", "park", "noise", "night"]
    exported = tmp_path / "导出.xlsx"
    exported.write_bytes(response.content)
    upload(admin, exported)
    back = ImportJob.objects.order_by("-id")[0]
    assert (back.created_count, back.updated_count, back.unchanged_count) == (0, 0, 5)


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        ([["light", "路灯", "city"], ["light", "灯", ""]], (3, "分类代码"), "与第2行重复"),
        ([["light", "路灯", "lost"]], (2, "上级分类代码"), "上级分类代码“lost”既不在本文件中"),
        ([["a", "甲", "b"], ["b", "乙", "a"]], (2, "上级分类代码"), "形成循环（a → b → a）"),
        ([["city", "城市管理", "noise"]], (2, "上级分类代码"), "形成循环（city → noise → city）"),
        ([["Light!", "路灯", ""]], (2, "分类代码"), "只能用小写字母"),
        ([["light", "", ""]], (2, "分类名称"), ""),
        ([["light", "路灯", "", "也许"]], (2, "是否启用"), "请填写“是”或“否”"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_saved(admin, tmp_path, rows, where, message):
    path = write_xlsx(tmp_path / "分类.xlsx", [HEADER, *rows])
    upload(admin, path)
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors][:1] == [where]
    assert message in job.errors[0]["message"]
    assert set(tree()) == {"city", "noise"}


def test_a_category_that_would_have_no_time_limit_is_refused(admin, cast, tmp_path):
    kind = CaseKind.objects.get(code="hotline_demo")
    city = CaseCategory.objects.get(kind=kind, code="city")
    # 一般 now has a limit for 城市管理 only: a category outside it would have none.
    CaseTimeLimit.objects.filter(kind=kind, urgency="normal").update(category=city)
    path = write_xlsx(tmp_path / "分类.xlsx", [HEADER, ["light", "路灯", "city"], ["water", "供水", ""]])
    upload(admin, path)
    job = ImportJob.objects.get()
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "上级分类代码")]
    assert "分类“供水”（一般）没有办结时限" in job.errors[0]["message"]
    # Moving 噪音 out of 城市管理 would leave it without one too; the page refuses the same.
    path = write_xlsx(tmp_path / "移动.xlsx", [HEADER, ["noise", "噪音", ""]])
    upload(admin, path)
    assert "分类“噪音”（一般）没有办结时限" in ImportJob.objects.order_by("-id")[0].errors[0]["message"]
    noise = CaseCategory.objects.get(kind=kind, code="noise")
    with pytest.raises(kindadmin.CaseFieldError, match="没有办结时限"):
        kindadmin.update_category(cast.sysadmin, noise, name="噪音", active=True, reason="试", parent=None)
    with pytest.raises(kindadmin.CaseFieldError, match="没有办结时限"):
        kindadmin.add_category(cast.sysadmin, kind, code="water", name="供水", parent=None, reason="试")
    assert set(tree()) == {"city", "noise"} and tree()["noise"][1] == "city"


def test_the_page_moves_a_category_and_refuses_a_cycle(admin):
    city = CaseCategory.objects.get(kind__code="hotline_demo", code="city")
    noise = CaseCategory.objects.get(kind__code="hotline_demo", code="noise")
    form = {
        "op": "category_update",
        "category": city.pk,
        "name": "城市管理",
        "active": "on",
        "reason": "调整",
    }
    page = admin.post("/cases/kinds/", {**form, "parent": noise.pk}, follow=True).content.decode()
    assert "不能把分类“城市管理”移到它自己或它的下级分类“噪音”之下" in page
    admin.post("/cases/kinds/", {**form, "category": noise.pk, "name": "噪音", "parent": ""})
    assert tree()["noise"] == ("噪音", "", True)


def test_who_may_import_and_export_categories(client, cast, admin, tmp_path):
    path = write_xlsx(tmp_path / "分类.xlsx", [HEADER, ["light", "路灯", "city"]])
    # The kind must be chosen at upload.
    response = upload(admin, path, case_kind="")
    assert response.status_code == 400 and "请选择事项类型" in response.content.decode()
    response = upload(admin, path, case_kind="nope")
    assert response.status_code == 400 and not ImportJob.objects.exists()
    # The supervisor imports the ledgers, not categories; the system administrator only categories.
    client.force_login(cast.supervisor)
    page = client.get(reverse("sheets:import")).content.decode()
    assert "项目台账" in page and "事项分类" not in page
    assert upload(client, path).status_code == 400 and not ImportJob.objects.exists()
    assert (
        client.get(reverse("sheets:export", args=["case_categories"]) + "?kind=hotline_demo").status_code
        == 404
    )
    client.force_login(cast.sysadmin)
    data = SimpleUploadedFile("p.xlsx", path.read_bytes(), content_type=XLSX)
    assert client.post(reverse("sheets:import"), {"kind": "projects", "file": data}).status_code == 400
    assert client.get(reverse("sheets:export", args=["case_categories"])).status_code == 400  # no kind
    for role in ("department", "auditor", "secadmin"):
        client.force_login(getattr(cast, role))
        assert client.get(reverse("sheets:import")).status_code == 404
    # The system administrator's job is not the supervisor's.
    client.force_login(cast.sysadmin)
    upload(client, path)
    job = ImportJob.objects.get()
    client.force_login(cast.supervisor)
    assert client.get(reverse("sheets:job", args=[job.pk])).status_code == 404


def test_the_command_line_needs_a_system_administrator(admin, cast, tmp_path, capsys):
    path = write_xlsx(tmp_path / "分类.xlsx", [HEADER, ["light", "路灯", "city"]])
    with pytest.raises(SystemExit):
        call_command("import", "case_categories", str(path), "--case-kind", "hotline_demo", "--json")
    out = capsys.readouterr().out
    assert "只能由系统管理员导入" in out and "light" not in tree()
    call_command(
        "import",
        "case_categories",
        str(path),
        "--case-kind",
        "hotline_demo",
        "--as",
        cast.sysadmin.username,
        "--json",
    )
    assert tree()["light"] == ("路灯", "city", True)
