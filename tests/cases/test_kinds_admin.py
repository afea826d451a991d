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
