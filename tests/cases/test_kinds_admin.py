"""时限与分类: the system administrator changes a kind's limits and categories, with a reason, audited;
a changed limit counts for cases registered afterwards, never for those already running."""

from __future__ import annotations

import pytest

from liangping.cases import engine
from liangping.cases.kindload import load_text
from liangping.cases.models import CaseCategory, CaseTimeLimit
from liangping.core.models import AuditLog
from tests.cases.test_engine import FIELDS, HOTLINE, MONDAY


def new(cast, category: str = "noise"):  # type: ignore[no-untyped-def]
    return engine.register("hotline_demo", actor=cast.supervisor, title="噪音", category=category,
                           urgency="normal", data=FIELDS, at=MONDAY)  # fmt: skip


@pytest.mark.django_db
def test_limits_and_categories_on_the_page(client, cast):
    load_text(HOTLINE)
    before = new(cast)
    client.force_login(cast.sysadmin)
    page = client.get("/cases/kinds/").content.decode()
    assert "热线示例" in page and "5 个工作日" in page and "2 小时" in page and "噪音" in page
    limit = CaseTimeLimit.objects.get(kind__code="hotline_demo", urgency="normal")
    form = {"op": "limit", "limit": limit.pk, "version": limit.version, "respond_amount": "1",
            "respond_unit": "workdays", "finish_amount": "3", "finish_unit": "workdays"}  # fmt: skip
    page = client.post("/cases/kinds/", form, follow=True).content.decode()
    assert "必须填写原因" in page and CaseTimeLimit.objects.get(pk=limit.pk).finish_amount == 5
    client.post("/cases/kinds/", {**form, "reason": "市政府办公室通知"})
    limit.refresh_from_db()
    assert limit.finish_amount == 3 and limit.version == 2
    entry = AuditLog.objects.get(action="case_limit.update")
    assert entry.changes == {"finish_amount": [5, 3]} and entry.reason == "市政府办公室通知"
    after = new(cast)
    before.refresh_from_db()
    assert str(before.deadline) == "2026-11-23" and str(after.deadline) == "2026-11-19"  # only the new case

    # A category added under 城市管理 takes its parent's limit; a deactivated one is no longer offered.
    kind = limit.kind
    city = CaseCategory.objects.get(kind=kind, code="city")
    client.post("/cases/kinds/", {"op": "category_add", "kind": kind.pk, "code": "light", "name": "路灯",
                                  "parent": city.pk, "reason": "新增路灯类"})  # fmt: skip
    light = CaseCategory.objects.get(kind=kind, code="light")
    assert light.path.startswith(city.path) and str(new(cast, "light").deadline) == "2026-11-19"
    page = client.post("/cases/kinds/", {"op": "category_add", "kind": kind.pk, "code": "Light!", "name": "x",
                                         "reason": "试"}, follow=True).content.decode()  # fmt: skip
    assert "分类代码只能用小写字母" in page
    client.post("/cases/kinds/", {"op": "category_update", "category": light.pk, "name": "路灯照明",
                                  "reason": "停用"})  # fmt: skip
    light.refresh_from_db()
    assert not light.active and light.name == "路灯照明"
    with pytest.raises(engine.CaseFieldError, match="不存在或已停用"):
        new(cast, "light")
    assert AuditLog.objects.filter(action__startswith="case_category.").count() == 2
    client.force_login(cast.supervisor)
    assert client.get("/cases/kinds/").status_code in (403, 404)


@pytest.mark.django_db
def test_adding_a_limit_for_a_pair_that_has_none(client, cast):
    load_text(HOTLINE)
    before = new(cast)
    kind = CaseTimeLimit.objects.get(kind__code="hotline_demo", urgency="normal").kind
    noise = CaseCategory.objects.get(kind=kind, code="noise")
    client.force_login(cast.sysadmin)
    assert "新增时限" in client.get("/cases/kinds/").content.decode()
    form = {"op": "limit_add", "kind": kind.pk, "category": noise.pk, "urgency": "normal",
            "respond_amount": "4", "respond_unit": "hours", "finish_amount": "2",
            "finish_unit": "workdays", "reason": "噪音类从快办理"}  # fmt: skip
    for bad, message in [
        ({"finish_amount": "0", "respond_amount": ""}, "办结时限应在 1 到 999 之间"),
        ({"finish_unit": "weeks"}, "时限单位只能是工作日、小时、自然日或月"),
        ({"urgency": "soon"}, "紧急程度“soon”不存在"),
        ({"reason": " "}, "必须填写原因"),
        ({"category": ""}, "该分类和紧急程度已有时限"),  # the kind's any-category/一般 row exists
    ]:
        page = client.post("/cases/kinds/", {**form, **bad}, follow=True).content.decode()
        assert message in page, message
    assert not CaseTimeLimit.objects.filter(kind=kind, category=noise).exists()
    assert not AuditLog.objects.filter(action="case_limit.create").exists()

    page = client.post("/cases/kinds/", form, follow=True).content.decode()
    assert "已保存" in page
    added = CaseTimeLimit.objects.get(kind=kind, category=noise, urgency="normal")
    assert (added.respond_amount, added.respond_unit, added.finish_amount) == (4, "hours", 2)
    entry = AuditLog.objects.get(action="case_limit.create")
    assert entry.reason == "噪音类从快办理" and entry.changes["category"] == [None, "noise"]
    # the same pair again is refused, nothing changes
    page = client.post("/cases/kinds/", {**form, "finish_amount": "9"}, follow=True).content.decode()
    assert "该分类和紧急程度已有时限" in page and CaseTimeLimit.objects.get(pk=added.pk).finish_amount == 2
    # a category of another kind is not found
    other = load_text(HOTLINE.replace("hotline_demo", "hotline_two").replace("热线示例", "热线二"))
    other_noise = CaseCategory.objects.get(kind__code="hotline_two", code="noise")
    assert other is not None
    response = client.post("/cases/kinds/", {**form, "category": other_noise.pk})
    assert response.status_code == 404

    after, urgent = new(cast), engine.register(
        "hotline_demo", actor=cast.supervisor, title="噪音", category="noise", urgency="urgent",
        data=FIELDS, at=MONDAY)  # fmt: skip
    before.refresh_from_db()
    assert str(before.deadline) == "2026-11-23"  # registered before: keeps its five working days
    assert str(after.deadline) == "2026-11-18"  # the new noise/normal limit
    assert after.respond_by is not None and (after.respond_by - MONDAY).total_seconds() == 4 * 3600
    assert str(urgent.deadline) == "2026-11-17"  # another urgency keeps the kind's limit
    client.force_login(cast.supervisor)
    assert client.post("/cases/kinds/", form).status_code in (403, 404)
