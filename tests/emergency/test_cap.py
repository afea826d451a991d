"""CAP 1.2 import: a sample written after the standard's published example becomes a warning; what is
not CAP 1.2, has no area, is malformed or carries entity declarations is refused in Chinese, naming the
element."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from liangping.emergency import cap, scope, services
from liangping.emergency.models import PointCall, Warning
from tests.emergency.world import make_point

DATA = Path(__file__).parent / "data"
NIGHT = dt.datetime(2026, 7, 24, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def shizhong_points(cast):  # type: ignore[no-untyped-def]
    cast.shizhong.code = "370402"
    cast.shizhong.save()
    return [
        make_point(cast.shizhong, "SZ-1", "光明路下穿通道", "光明路街道"),
        make_point(cast.shizhong, "SZ-2", "孟庄镇低洼村", "孟庄镇"),
        make_point(cast.shizhong, "SZ-3", "税郭镇学校", "税郭镇"),
        make_point(cast.tengzhou, "TZ-1", "龙阳镇水库", "龙阳镇"),
    ]


@pytest.mark.django_db
def test_the_sample_imports_into_a_red_rainstorm_warning(cast, shizhong_points):
    alert = cap.parse((DATA / "cap_rainstorm_red.xml").read_bytes())
    assert alert.identifier == "37040041600000_20260724015500"
    assert alert.severity == "Extreme" and alert.level == "red" and alert.hazard == "rainstorm"
    assert alert.effective == dt.datetime(2026, 7, 24, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert alert.area_descs == ["市中区光明路街道、孟庄镇"] and alert.geocodes == [("行政区划代码", "370402")]
    places = cap.place_names(scope.points_for(cast.supervisor))
    draft = cap.draft_from(alert, places, NIGHT)
    # areaDesc names two towns, and the geocode 370402 is all of 市中区: three towns, never 滕州市
    assert draft.towns == ["光明路街道", "孟庄镇", "税郭镇"]
    warning = services.issue_warning(cast.supervisor, draft, now=NIGHT)
    assert warning.source == "cap" and warning.cap_identifier == alert.identifier
    assert warning.level == "red" and warning.valid_until == alert.expires and not warning.is_drill
    assert PointCall.objects.filter(warning=warning).count() == 3


@pytest.mark.django_db
def test_areas_match_by_name_alone_without_codes(cast, shizhong_points):
    alert = cap.parse((DATA / "cap_rainstorm_red.xml").read_bytes())
    places = cap.place_names(scope.points_for(cast.supervisor))
    places.codes.clear()
    assert cap.draft_from(alert, places, NIGHT).towns == ["光明路街道", "孟庄镇"]


def sample(**swap: str) -> bytes:
    text = (DATA / "cap_rainstorm_red.xml").read_text()
    for old, new in swap.items():
        text = text.replace(old.replace("_", " ") if " " in old else old, new)
    return text.encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<alert><identifier>x</alert>", "不是格式正确的 XML"),
        (b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'/>", "根元素是 <feed>"),
        (
            (DATA / "cap_rainstorm_red.xml").read_bytes().replace(b"cap:1.2", b"cap:1.1"),
            "不是 CAP 1.2",
        ),
        (
            (DATA / "cap_rainstorm_red.xml").read_bytes().replace(b"<severity>Extreme</severity>", b""),
            "<severity>",
        ),
        (
            (DATA / "cap_rainstorm_red.xml").read_bytes().replace(b"<msgType>Alert", b"<msgType>Cancel"),
            "<msgType>",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;</identifier></alert>',
            "DOCTYPE",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&x;</identifier></alert>',
            "DOCTYPE",
        ),
    ],
)
def test_refusals_name_the_element(data, message):
    with pytest.raises(cap.CapError, match=message):
        cap.parse(data)


def test_an_alert_without_area_is_refused():
    text = (DATA / "cap_rainstorm_red.xml").read_text()
    start, end = text.index("<area>"), text.index("</area>") + len("</area>")
    with pytest.raises(cap.CapError, match="缺少 <area>"):
        cap.parse((text[:start] + text[end:]).encode())


@pytest.mark.django_db
def test_the_standards_own_example_parses_but_is_not_this_citys(cast, shizhong_points):
    alert = cap.parse((DATA / "cap_nws_example.xml").read_bytes())
    assert alert.identifier == "KSTO1055887203" and alert.level == "orange"  # Severe
    places = cap.place_names(scope.points_for(cast.supervisor))
    with pytest.raises(cap.CapError, match="<event>"):
        cap.draft_from(alert, places, NIGHT)
    alert.event = "FLOOD WARNING"
    with pytest.raises(cap.CapError, match="<areaDesc>"):
        cap.draft_from(alert, places, NIGHT)


@pytest.mark.django_db
def test_an_expired_alert_is_refused(cast, shizhong_points):
    alert = cap.parse((DATA / "cap_rainstorm_red.xml").read_bytes())
    places = cap.place_names(scope.points_for(cast.supervisor))
    with pytest.raises(cap.CapError, match=r"<expires>.*已过期"):
        cap.draft_from(alert, places, NIGHT + dt.timedelta(days=1))


@pytest.mark.django_db
def test_the_page_reads_a_cap_file_into_the_form_and_refuses_a_bad_one(cast, shizhong_points, settings):
    client = Client()
    client.force_login(cast.supervisor)
    url = reverse("emergency:warning_new")
    upload = SimpleUploadedFile("alert.xml", b"<alert>", content_type="text/xml")
    page = client.post(url, {"cap": upload}).content.decode()
    assert "不是格式正确的 XML" in page and Warning.objects.count() == 0
    text = (DATA / "cap_rainstorm_red.xml").read_text().replace("2026-07-24T14:00", "2099-07-24T14:00")
    upload = SimpleUploadedFile("alert.xml", text.encode(), content_type="text/xml")
    page = client.post(url, {"cap": upload}).content.decode()
    assert "已读取 CAP 预警" in page and "37040041600000_20260724015500" in page
    assert re.search(r'value="光明路街道"[^>]*checked', page) and re.search(
        r'value="税郭镇"[^>]*checked', page
    )
    assert not re.search(r'value="龙阳镇"[^>]*checked', page)
    assert Warning.objects.count() == 0  # read, not issued: the officer confirms
