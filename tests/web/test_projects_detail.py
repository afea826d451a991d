"""One project: all its fields, the 四位一体 assignment, the timeline, and the supervisor's edit form
with optimistic locking, stage-change reasons and Chinese field errors."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from liangping.cases import services as cases
from liangping.core.models import AuditLog, Role
from liangping.projects import services
from liangping.projects.models import Project, StageEvent
from tests.cast import Cast, make_user
from tests.web.test_projects_scope import png_bytes


def form_data(project: Project, **changes: Any) -> dict[str, Any]:
    data = {
        "code": project.code,
        "name": project.name,
        "level": project.level,
        "district": project.district_id,
        "industry": project.industry,
        "unit": project.unit_id or "",
        "total_investment": str(project.total_investment),
        "annual_plan": "" if project.annual_plan is None else str(project.annual_plan),
        "stage": project.stage,
        "planned_start": project.planned_start.isoformat() if project.planned_start else "",
        "planned_end": project.planned_end.isoformat() if project.planned_end else "",
        "leader": project.leader_id or "",
        "department": project.department_id or "",
        "specialist": project.specialist_id or "",
        "contact_name": project.contact_name,
        "contact_phone": project.contact_phone,
        "version": project.version,
        "reason": "",
        "stage_date": "",
    }
    data.update(changes)
    return data


def errors_of(html: str) -> list[str]:
    lists = re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html)
    return re.findall(r"<li>([^<]+)</li>", "".join(lists))


@pytest.mark.django_db
def test_detail_shows_every_field_and_the_assignment(client: Client, cast: Cast) -> None:
    client.force_login(cast.owner)
    html = client.get(f"/projects/{cast.inside.pk}/").content.decode()
    for label, value in [
        ("项目编号", "ZZ-2025-001"),
        ("项目级别", "省重点"),
        ("所属区（市）", "滕州市"),
        ("产业类别", "新能源"),
        ("建设单位", "示例新能源有限公司"),
        ("总投资（万元）", "2,000,000"),
        ("年度计划投资（万元）", "300,000"),
        ("建设阶段", "开工建设"),
        ("计划开工时间", "2024年3月1日"),
        ("计划竣工时间", "2027年12月1日"),
        ("包保市领导", "领导甲"),
        ("责任部门", "市发展改革委"),
        ("项目专员", "专员甲"),
        ("项目单位", "示例新能源有限公司"),
        ("联系人", "张工"),
        ("联系电话", "13800138000"),
    ]:
        assert re.search(f"<dt>{re.escape(label)}</dt><dd>[^<]*{re.escape(value)}", html), label
    assert "四位一体帮包" in html
    assert ">编辑<" not in html and "报送月度调度" in html and "登记走访" not in html


@pytest.mark.django_db
def test_supervisor_sees_edit_link(client: Client, cast: Cast) -> None:
    client.force_login(cast.supervisor)
    html = client.get(f"/projects/{cast.outside.pk}/").content.decode()
    assert f'href="/projects/{cast.outside.pk}/edit/">编辑<' in html
    client.force_login(cast.specialist)
    html = client.get(f"/projects/{cast.inside.pk}/").content.decode()
    assert ">编辑<" not in html and "登记走访" in html


@pytest.mark.django_db
def test_timeline_merges_stages_reports_visits_and_problems_newest_first(client: Client, cast: Cast) -> None:
    p = cast.inside
    services.update_project(
        cast.supervisor,
        p,
        {"stage": "operating"},
        expected_version=p.version,
        reason="主体工程完工",
        stage_date=dt.date(2026, 1, 10),
    )
    report = services.submit_report(
        cast.specialist,
        p,
        dt.date(2026, 9, 1),
        month_investment=Decimal("120.5"),
        ytd_investment=Decimal("980"),
        progress="设备安装",
    )
    services.review_report(cast.supervisor, report, approve=False, note="累计数不衔接", expected_version=1)
    visit = services.record_visit(
        cast.specialist, p, dt.date(2026, 10, 1), "现场检查施工安全", [("a.png", png_bytes())]
    )
    cases.register(cast.specialist, "电力增容未落实", subject=p)
    client.force_login(cast.leader)
    html = client.get(f"/projects/{p.pk}/").content.decode()
    timeline = html.split('<ol class="timeline">')[1].split("</ol>")[0]
    kinds = re.findall(r"<b>([^<]+)</b>", timeline)
    assert set(kinds) == {"问题", "调度审核", "月度调度", "现场走访", "阶段变更"}
    assert kinds[-1] == "阶段变更"  # 2026-01-10 is the oldest entry
    assert "建设阶段由“开工建设”变更为“竣工投产”。原因：主体工程完工" in timeline
    assert "2026-01-10 · <b>阶段变更</b> · 督查员甲" in timeline
    assert "本月完成投资 120.50 万元，累计完成投资 980 万元" in timeline
    assert "退回：累计数不衔接" in timeline
    assert "现场检查施工安全" in timeline and "电力增容未落实" in timeline
    photo = visit.photos.get()
    assert f'src="/projects/visits/photo/{photo.pk}/"' in timeline and "/media/" not in html
    dates = re.findall(r'<div class="meta">(\d{4}-\d{2}-\d{2})', timeline)
    assert dates == sorted(dates, reverse=True)
    client.force_login(cast.owner)  # project units do not see the visits
    html = client.get(f"/projects/{p.pk}/").content.decode()
    assert "现场检查施工安全" not in html and "电力增容未落实" in html


@pytest.mark.django_db
def test_edit_saves_through_the_service(client: Client, cast: Cast) -> None:
    client.force_login(cast.supervisor)
    p = cast.inside
    page = client.get(f"/projects/{p.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page and 'value="示例动力电池项目"' in page
    response = client.post(
        f"/projects/{p.pk}/edit/", form_data(p, name="示例动力电池项目（一期）", total_investment="2100000")
    )
    assert response.status_code == 302 and response["Location"] == f"/projects/{p.pk}/"
    p.refresh_from_db()
    assert (p.name, p.total_investment, p.version) == ("示例动力电池项目（一期）", Decimal("2100000"), 2)
    log = AuditLog.objects.get(action="project.update")
    assert log.changes["name"] == ["示例动力电池项目", "示例动力电池项目（一期）"]


@pytest.mark.django_db
def test_stage_change_needs_reason_and_date(client: Client, cast: Cast) -> None:
    client.force_login(cast.supervisor)
    p = cast.inside
    html = client.post(f"/projects/{p.pk}/edit/", form_data(p, stage="operating")).content.decode()
    assert "变更建设阶段必须填写原因" in errors_of(html)
    assert "变更建设阶段必须填写变更日期" in errors_of(html)
    p.refresh_from_db()
    assert p.stage == "construction" and p.version == 1
    data = form_data(p, stage="operating", reason="已竣工验收", stage_date="2026-11-02")
    assert client.post(f"/projects/{p.pk}/edit/", data).status_code == 302
    event = StageEvent.objects.filter(project=p).latest("id")
    assert (event.from_stage, event.to_stage, event.date, event.note, event.author) == (
        "construction",
        "operating",
        dt.date(2026, 11, 2),
        "已竣工验收",
        cast.supervisor,
    )


@pytest.mark.django_db
def test_field_errors_in_chinese(client: Client, cast: Cast) -> None:
    client.force_login(cast.supervisor)
    p = cast.inside
    data = form_data(
        p,
        code=cast.outside.code,
        name="",
        total_investment="-5",
        annual_plan="abc",
        planned_start="2026-05-01",
        planned_end="2026-01-01",
    )
    html = client.post(f"/projects/{p.pk}/edit/", data).content.decode()
    errors = errors_of(html)
    for message in [
        "该项目编号已被其他项目使用",
        "请填写项目名称",
        "总投资不能为负数",
        "请输入数字（单位：万元）",
        "计划竣工时间不能早于计划开工时间",
    ]:
        assert message in errors, errors
    assert "请按提示修改标红的内容后再保存" in html
    p.refresh_from_db()
    assert p.version == 1 and p.name == "示例动力电池项目"


@pytest.mark.django_db
def test_annual_plan_above_total_is_saved_with_a_warning(cast: Cast) -> None:
    """年度计划投资 > 总投资 is unusual, not impossible: saved, and the project page says to check it."""
    client = Client()
    client.force_login(cast.supervisor)
    p = cast.inside
    response = client.post(f"/projects/{p.pk}/edit/", form_data(p, total_investment="100", annual_plan="200"))
    assert response.status_code == 302, errors_of(response.content.decode())
    html = client.get(response["Location"]).content.decode()
    assert "年度计划投资（200.00 万元）大于总投资（100.00 万元），请核对" in html
    assert 'class="msg warning"' in html
    p.refresh_from_db()
    assert p.version == 2 and p.annual_plan == 200 and p.total_investment == 100
    assert AuditLog.objects.filter(action="project.update", object_id=str(p.pk)).exists()
    html = client.post(f"/projects/{p.pk}/edit/", form_data(p, annual_plan="-1")).content.decode()
    assert "年度计划投资不能为负数" in errors_of(html)  # still refused


@pytest.mark.django_db
def test_concurrent_edit_gives_the_conflict_message(cast: Cast) -> None:
    other = make_user("supervisor2", Role.SUPERVISOR, cast.office, "督查员乙")
    first, second = Client(), Client()
    first.force_login(cast.supervisor)
    second.force_login(other)
    p = cast.inside
    opened = form_data(p)  # both opened the form at version 1
    assert first.post(f"/projects/{p.pk}/edit/", {**opened, "contact_name": "李工"}).status_code == 302
    response = second.post(f"/projects/{p.pk}/edit/", {**opened, "contact_phone": "13900000000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "该记录已被他人于" in html and "您的修改未保存" in html and "打开最新内容" in html
    p.refresh_from_db()
    assert (p.contact_name, p.contact_phone, p.version) == ("李工", "13800138000", 2)
