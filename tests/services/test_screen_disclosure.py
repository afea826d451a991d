"""The services page of the public screen and the disclosure's 政务服务 section: from the figures the
lock froze into the snapshot (aggregates only), unchanged by later records until the next lock."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from django.utils import timezone
from docx import Document

from liangping.grading import services as grading
from liangping.services import assist
from liangping.services.handled import HandledInput, record_handled


def at(day: str, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))


def test_screen_and_disclosure_show_the_locked_figures(svc):
    for i in range(4):
        record_handled(
            None,
            HandledInput(
                f"P{i}",
                svc.town_hall,
                svc.matters["M001"],
                "person",
                at("2025-09-10"),
                at("2025-09-11"),
                "done",
            ),
        )
    record_handled(
        None, HandledInput("S1", svc.mall, svc.matters["M003"], "firm", at("2025-09-12"), None, "")
    )
    assist.register_request(
        svc.village_lead, svc.village_hall, matter="M001", applicant_type="person", applicant="王五甲"
    )
    anonymous = Client()
    page = anonymous.get("/screen/services/").content.decode()
    assert "暂无已发布的数据" in page
    period = grading.get_or_create_period("2025-09")
    grading.lock_period(svc.cast.supervisor, period, confirm_unreviewed=True)
    grading.publish_period(svc.cast.supervisor, period)
    page = anonymous.get("/screen/services/").content.decode()
    assert 'id="sv-matters">8<' in page and 'id="sv-handled">5<' in page and 'id="sv-pilot">4<' in page
    assert 'id="sv-guide">3<' in page and "2<small>类</small>2<small>项</small>" in page
    assert "二手车出口一件事" in page and "出口退税申报 <s>20 天</s> → <b>3 天</b>" in page
    assert "王五甲" not in page and "张三" not in page  # aggregates only
    # a case recorded after the lock changes nothing on the screen until the next lock
    record_handled(
        None, HandledInput("P9", svc.town_hall, svc.matters["M001"], "person", at("2025-09-15"), None, "")
    )
    assert 'id="sv-pilot">4<' in anonymous.get("/screen/services/").content.decode()
    report = anonymous.get(f"/disclosure/public/{period.code}/").content.decode()
    assert "八、政务服务" in report and "累计办理4件" in report and "出口退税申报 20天→3天" in report
    client = Client()
    client.force_login(svc.cast.supervisor)
    docx = client.get(f"/disclosure/{period.code}.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "八、政务服务" in text and "“审批不出镇”1个试点镇、指导目录3项，累计办理4件" in text
