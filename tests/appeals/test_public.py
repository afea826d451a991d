"""The public form and the receipt lookup: anyone, rate limited, and never a word of personal data."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from PIL import Image

from liangping.cases.models import Case
from liangping.core.config import set_setting

pytestmark = pytest.mark.django_db
PERSONAL = ("李四", "13906321111", "薛城区临城街道幸福小区5号楼", "楼道灯坏了一个月")


def form(**over):
    values = {
        "name": PERSONAL[0],
        "phone": PERSONAL[1],
        "category": "construction_property",
        "address": PERSONAL[2],
        "description": PERSONAL[3] + "，物业一直不修。",
    }
    return {**values, **over}


def photo() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, "JPEG")
    out.seek(0)
    out.name = "现场.jpg"
    return out


def test_anyone_files_and_follows_an_appeal_without_personal_data(cast):
    client = Client()
    page = client.get("/appeals/public/")
    assert page.status_code == 200 and "提交诉求" in page.content.decode()
    done = client.post("/appeals/public/", {**form(), "photos": photo()})
    assert done.status_code == 200, done.content.decode()[:2000]
    case = Case.objects.of_kind("appeal").get()
    assert case.channel == "web" and case.receipt_no in done.content.decode()
    assert case.attachments.count() == 1
    lookup = client.get("/appeals/public/lookup/", {"no": case.receipt_no.lower()})
    text = lookup.content.decode()
    assert lookup.status_code == 200 and "待派单" in text and "物业管理" in text
    for secret in PERSONAL:
        assert secret not in text
    missing = client.get("/appeals/public/lookup/", {"no": "AAAAAAAAAAAA"}).content.decode()
    assert "未找到该受理编号" in missing


def test_bad_input_is_named_and_nothing_is_saved(cast):
    response = Client().post("/appeals/public/", form(phone="123", description=""))
    text = response.content.decode()
    assert response.status_code == 400
    assert "不是有效的号码" in text or "请填写" in text
    assert not Case.objects.of_kind("appeal").exists()


def test_a_duplicate_is_offered_and_merged_only_when_chosen(cast):
    client = Client()
    client.post("/appeals/public/", form())
    first = Case.objects.of_kind("appeal").get()
    offered = client.post("/appeals/public/", form(description="灯还是没修"))
    text = offered.content.decode()
    assert offered.status_code == 409 and "补充到原诉求" in text
    assert first.receipt_no not in text  # the earlier appeal is never revealed to whoever knows the phone
    assert Case.objects.of_kind("appeal").count() == 1
    merged = client.post("/appeals/public/", {**form(description="灯还是没修"), "dedupe": "merge"})
    assert merged.status_code == 200 and "合并到您此前提交的同类诉求" in merged.content.decode()
    assert first.receipt_no not in merged.content.decode()
    second = Case.objects.of_kind("appeal").exclude(pk=first.pk).get()
    assert second.data["duplicate_of"] == first.receipt_no and second.status == "registered"
    client.post("/appeals/public/", {**form(description="另一件事"), "dedupe": "new"})
    assert Case.objects.of_kind("appeal").count() == 3


def test_submissions_and_lookups_are_rate_limited_per_address(cast):
    set_setting(cast.sysadmin, "appeal_public_per_hour", 2, reason="测试")
    client = Client()
    for i in range(2):
        client.post("/appeals/public/", form(phone=f"1390632000{i}"))
    slowed = client.post("/appeals/public/", form(phone="13906320009"))
    assert slowed.status_code == 429 and "过于频繁" in slowed.content.decode()
    assert Case.objects.of_kind("appeal").count() == 2
    set_setting(cast.sysadmin, "appeal_lookup_per_minute", 3, reason="测试")
    codes = [client.get("/appeals/public/lookup/", {"no": "X"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
