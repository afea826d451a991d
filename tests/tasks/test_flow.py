"""The whole story through the pages: the supervisor creates a task with milestones, the lead
department reports a month and records a milestone with evidence, the supervisor returns the report
with a reason, the department corrects it, the supervisor approves it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liangping.core.models import AuditLog
from liangping.tasks import services
from liangping.tasks.models import Milestone, Task, TaskReport
from tests.tasks.conftest import PDF

pytestmark = pytest.mark.django_db


def test_the_full_flow(cast, login):
    # 1. The supervisor creates the task …
    client = login(cast.supervisor)
    form = client.get(reverse("tasks:new"))
    assert form.status_code == 200 and "新建攻坚事项" in form.content.decode()
    data = {
        "code": "GJ2025-07",
        "title": "链长制推进锂电产业链",
        "year": "2025",
        "leader": cast.leader.pk,
        "lead_department": cast.fagai.pk,
        "co_departments": [cast.gongxin.pk],
        "goal": "新招引锂电产业链项目30个",
        "target_value": "30",
        "target_unit": "个",
    }
    bad = client.post(reverse("tasks:new"), {**data, "target_value": "-3"})
    assert bad.status_code == 200 and "目标值必须大于 0" in bad.content.decode()
    response = client.post(reverse("tasks:new"), data, follow=True)
    task = Task.objects.get(code="GJ2025-07")
    assert response.redirect_chain[-1][0] == reverse("tasks:detail", args=[task.pk])
    assert "请继续设置节点" in response.content.decode()
    assert list(task.co_departments.all()) == [cast.gongxin]

    # … and its milestones.
    for title, planned in (
        ("方案制定", "2025-03-31"),
        ("签约落地", "2025-06-30"),
        ("全面完成", "2025-12-31"),
    ):
        response = client.post(
            reverse("tasks:milestone_new", args=[task.pk]), {"ms-title": title, "ms-planned_date": planned}
        )
        assert response.status_code == 302
    response = client.post(
        reverse("tasks:milestone_new", args=[task.pk]), {"ms-title": "", "ms-planned_date": ""}
    )
    assert "请填写节点名称" in response.content.decode()
    assert [m.title for m in task.milestones.all()] == ["方案制定", "签约落地", "全面完成"]

    # 2. The lead department reports May and records the first milestone with evidence.
    client = login(cast.department)
    detail = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "报送月度进展" in detail and "登记完成情况" in detail and "添加节点" not in detail
    new_report = reverse("tasks:report_new", args=[task.pk])
    missing = client.post(new_report, {"month": "2025-05", "progress": "已签约12个"})
    assert "该事项有量化目标，请填写累计完成值" in missing.content.decode()
    response = client.post(new_report, {"month": "2025-05", "actual_value": "12", "progress": "已签约12个"})
    report = TaskReport.objects.get(task=task)
    assert response.url == reverse("tasks:report_detail", args=[report.pk])
    assert (report.status, report.actual_value, report.submitted_by) == (
        "submitted",
        Decimal(12),
        cast.department,
    )

    milestone = task.milestones.get(title="方案制定")
    page = reverse("tasks:milestone", args=[milestone.pk])
    fake = SimpleUploadedFile("方案.pdf", "只是文字".encode(), content_type="application/pdf")
    refused = client.post(
        page,
        {
            "action": "record",
            "rec-actual_date": "2025-03-28",
            "rec-version": milestone.version,
            "rec-evidence": fake,
        },
    )
    assert refused.status_code == 200 and "不是有效的PDF" in refused.content.decode()
    milestone.refresh_from_db()
    assert milestone.actual_date is None
    real = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")
    response = client.post(
        page,
        {
            "action": "record",
            "rec-actual_date": "2025-03-28",
            "rec-note": "市政府常务会议通过",
            "rec-version": milestone.version,
            "rec-evidence": real,
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.actual_date, milestone.evidence_name) == (dt.date(2025, 3, 28), "方案.pdf")
    download = client.get(reverse("tasks:evidence", args=[milestone.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert "inline" in download["Content-Disposition"]

    # 3. The supervisor returns the report: a reason is required.
    client = login(cast.supervisor)
    review = reverse("tasks:report_detail", args=[report.pk])
    page = client.get(review).content.decode()
    assert "审核意见（退回时必须写明原因）" in page
    response = client.post(
        review, {"decision": "return", "note": " ", "version": report.version}, follow=True
    )
    assert "退回必须写明原因" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"
    response = client.post(
        review,
        {"decision": "return", "note": "累计完成值与签约台账不一致", "version": report.version},
        follow=True,
    )
    assert "已退回" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.review_note) == ("returned", "累计完成值与签约台账不一致")

    # 4. The department sees the reason and resubmits; a stale form is refused.
    client = login(cast.department)
    edit = reverse("tasks:report_edit", args=[report.pk])
    page = client.get(edit).content.decode()
    assert "退回原因：累计完成值与签约台账不一致" in page
    stale = client.post(edit, {"actual_value": "11", "progress": "已核实", "version": report.version - 1})
    assert "您的修改未保存" in stale.content.decode()
    response = client.post(
        edit, {"actual_value": "11", "progress": "已核实，签约11个", "version": report.version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.actual_value, report.review_note) == ("submitted", Decimal(11), "")

    # 5. The supervisor approves.
    client = login(cast.supervisor)
    response = client.post(
        review, {"decision": "approve", "note": "", "version": report.version}, follow=True
    )
    assert "已审核通过" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "approved"

    # The department can no longer change an approved report.
    client = login(cast.department)
    response = client.get(edit, follow=True)
    assert "已审核通过" in response.content.decode()

    # The leader sees everything on the detail page, read-only.
    client = login(cast.leader)
    detail = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "方案.pdf" in detail and "已核实，签约11个" in detail
    assert "报送月度进展" not in detail and "登记完成情况" not in detail

    actions = list(AuditLog.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "task.create",
        "milestone.create",
        "milestone.create",
        "milestone.create",
        "task_report.submit",
        "milestone.record",
        "download",  # the evidence fetched back after recording it
        "task_report.return",
        "task_report.resubmit",
        "task_report.approve",
    ]


def test_the_supervisor_edits_a_task_and_a_stale_form_is_refused(cast, login, tasks):
    client = login(cast.supervisor)
    task = tasks.inside
    url = reverse("tasks:edit", args=[task.pk])
    assert "编辑攻坚事项" in client.get(url).content.decode()
    data = {
        "code": task.code,
        "title": "新招引产业链项目（调整后）",
        "year": "2025",
        "leader": cast.leader.pk,
        "lead_department": cast.fagai.pk,
        "co_departments": [],
        "goal": task.goal,
        "target_value": "220",
        "target_unit": "个",
        "reason": "年中调整目标",
        "version": task.version,
    }
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert (task.title, task.target_value, task.version) == ("新招引产业链项目（调整后）", Decimal(220), 2)
    assert not task.co_departments.exists()
    stale = client.post(url, {**data, "title": "又改一次", "version": 1})
    assert "您的修改未保存" in stale.content.decode()
    task.refresh_from_db()
    assert task.title == "新招引产业链项目（调整后）"


def test_the_supervisor_corrects_and_deletes_a_milestone(cast, login, tasks):
    client = login(cast.supervisor)
    milestone = tasks.inside.milestones.get(title="全面完成")
    url = reverse("tasks:milestone", args=[milestone.pk])
    data = {
        "action": "edit",
        "ms-title": "全面完成并验收",
        "ms-planned_date": "2025-11-30",
        "ms-actual_date": "",
        "ms-note": "",
        "ms-version": milestone.version,
    }
    assert client.post(url, data).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.planned_date) == ("全面完成并验收", dt.date(2025, 11, 30))
    refused = client.post(url, {"action": "delete", "version": milestone.version, "reason": ""}, follow=True)
    assert "删除节点必须写明原因" in refused.content.decode()
    done = client.post(url, {"action": "delete", "version": milestone.version, "reason": "并入验收节点"})
    assert done.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_a_month_already_reported_opens_the_existing_report(cast, login, tasks):
    client = login(cast.department)
    response = client.get(reverse("tasks:report_new", args=[tasks.inside.pk]), {"month": "2025-05"})
    assert response.url == reverse("tasks:report_edit", args=[tasks.report_in.pk])
    again = client.post(
        reverse("tasks:report_new", args=[tasks.inside.pk]),
        {"month": "2025-05", "actual_value": "1", "progress": "x"},
    )
    assert "2025年5月的进展已由发改员于" in again.content.decode()
    assert "查看已报送的2025年5月进展" in again.content.decode()


def test_the_report_page_shows_its_submissions_returns_and_approval(cast, login, tasks):
    report = services.review_report(
        cast.supervisor,
        tasks.report_in,
        approve=False,
        note="佐证材料不全，请补充",
        expected_version=tasks.report_in.version,
    )
    report = services.submit_report(
        cast.department,
        tasks.inside,
        report.month,
        actual_value=Decimal(90),
        progress="已签约90个",
        expected_version=report.version,
    )
    services.review_report(
        cast.supervisor, report, approve=True, note="同意", expected_version=report.version
    )
    page = login(cast.supervisor).get(reverse("tasks:report_detail", args=[report.pk])).content.decode()
    history = page[page.index('id="report-history"') :]
    steps = [history.index(s) for s in ("首次报送", "退回", "重新报送", "审核通过")]
    assert steps == sorted(steps)
    assert f"首次报送</span> {cast.department.name}" in history
    assert "退回原因：佐证材料不全，请补充" in history
    assert "累计完成值 80 → 90 个" in history
    assert "审核意见：同意" in history
    # May's reports were due on 5 June 2025: a resubmission now is after it
    assert "晚于报送期限" in history
