"""Open311 GeoReport v2 at /open311/v2/: discovery, filing, following, the standard's errors."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from liangping.cases.models import Case

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
PERSONAL = ("王五", "13706325555", "峄城区坛山街道榴园路88号", "井盖丢失，晚上很危险")


def post(client: Client, **over):
    values = {
        "service_code": "traffic_road",
        "lat": "34.7672",
        "long": "117.5869",
        "address_string": PERSONAL[2],
        "last_name": "王",
        "first_name": "五",
        "phone": PERSONAL[1],
        "description": PERSONAL[3],
        "attribute[urgency]": "urgent",
    }
    values.update(over)
    return client.post(f"{BASE}/requests.json", {k: v for k, v in values.items() if v is not None})


def test_services_are_the_leaf_categories_with_the_kinds_fields(cast):
    services = Client().get(f"{BASE}/services.json").json()
    codes = {s["service_code"] for s in services}
    assert {"urban_sanitation", "traffic_road", "education"} <= codes and "urban" not in codes
    road = next(s for s in services if s["service_code"] == "traffic_road")
    assert road == road | {
        "service_name": "道路设施",
        "group": "交通运输",
        "metadata": True,
        "type": "realtime",
    }
    definition = Client().get(f"{BASE}/services/traffic_road.json").json()
    attrs = {a["code"]: a for a in definition["attributes"]}
    assert attrs["urgency"]["datatype"] == "singlevaluelist"
    assert {v["key"] for v in attrs["urgency"]["values"]} == {"urgent", "normal", "consult"}
    assert "requester_phone" not in attrs  # carried by the standard's own phone parameter


def test_errors_are_the_standards_array_in_chinese(cast):
    client = Client()
    cases = [
        (post(client, service_code=""), 400, "service_code"),
        (post(client, service_code="nope"), 404, "service_code"),
        (post(client, lat=None, long=None, address_string=None), 400, "lat"),
        (post(client, phone="12"), 400, "phone"),
        (post(client, lat="abc"), 400, "lat"),
        (post(client, **{"attribute[colour]": "红"}), 400, "attribute[colour]"),
        (client.get(f"{BASE}/requests.json"), 400, "service_request_id"),
        (client.get(f"{BASE}/requests/NOSUCHNUMBER.json"), 404, "service_request_id"),
        (client.get(f"{BASE}/nothing.json"), 404, "services.json"),
    ]
    for response, status, word in cases:
        body = response.json()
        assert response.status_code == status, body
        assert isinstance(body, list) and body[0]["code"] == status and word in body[0]["description"]
    assert not Case.objects.of_kind("appeal").exists()


def test_a_duplicate_must_be_decided_by_the_client(cast):
    client = Client()
    first = post(client).json()[0]["service_request_id"]
    again = post(client, description="还没修")
    assert again.status_code == 409 and "attribute[dedupe]" in again.json()[0]["description"]
    assert first not in again.content.decode()
    merged = post(client, **{"attribute[dedupe]": "merge", "description": "还没修"})
    assert merged.status_code == 201 and "合并" in merged.json()[0]["service_notice"]
    second = Case.objects.of_kind("appeal").get(receipt_no=merged.json()[0]["service_request_id"])
    assert second.data["duplicate_of"] == first
    assert post(client, **{"attribute[dedupe]": "new"}).status_code == 201
    assert Case.objects.of_kind("appeal").count() == 3


def _call(url: str, data: dict[str, str] | None = None) -> tuple[int, object]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.django_db(transaction=True)
def test_an_open311_client_round_trip_against_the_live_server(live_server, cast):
    """A client of the standard: discover the services, POST a request form-encoded, GET its status."""
    root = live_server.url + BASE
    status, services = _call(f"{root}/services.json")
    assert status == 200 and any(s["service_code"] == "environment_noise" for s in services)  # type: ignore[union-attr]
    status, created = _call(
        f"{root}/requests.json",
        {
            "service_code": "environment_noise",
            "address_string": "台儿庄区运河街道古城路",
            "lat": "34.5622",
            "long": "117.7339",
            "first_name": "六",
            "last_name": "赵",
            "phone": "13606326666",
            "description": "夜间施工噪声扰民",
        },
    )
    assert status == 201, created
    request_id = created[0]["service_request_id"]  # type: ignore[index]
    status, found = _call(f"{root}/requests/{request_id}.json")
    assert status == 200
    (request,) = found  # type: ignore[misc]
    assert request["service_request_id"] == request_id and request["status"] == "open"
    assert request["service_code"] == "environment_noise" and request["requested_datetime"]
    assert not {"description", "address", "lat", "long", "phone", "first_name"} & set(request)
    status, listed = _call(f"{root}/requests.json?service_request_id={request_id},NOSUCHNUMBER")
    assert status == 200 and [r["service_request_id"] for r in listed] == [request_id]  # type: ignore[union-attr]
    case = Case.objects.of_kind("appeal").get(receipt_no=request_id)
    assert case.channel == "api" and case.urgency == "normal" and case.data["lat"] == "34.5622"
    assert case.data["requester_name"] == "赵六" and case.contact_phone == "13606326666"


def _xml(content: bytes) -> ET.Element:
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(content)


def test_the_same_resources_in_xml(client, cast):
    response = client.get(f"{BASE}/services.xml")
    assert response.status_code == 200 and response["Content-Type"] == "text/xml; charset=utf-8"
    root = _xml(response.content)
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert codes == [s["service_code"] for s in client.get(f"{BASE}/services.json").json()]
    first = root.find("service")
    assert first is not None and first.findtext("metadata") == "true" and first.findtext("type") == "realtime"

    definition = _xml(client.get(f"{BASE}/services/traffic_road.xml").content)
    assert definition.tag == "service_definition" and definition.findtext("service_code") == "traffic_road"
    urgency = definition.find("attributes/attribute")
    assert urgency is not None and urgency.findtext("code") == "urgency"
    assert urgency.findtext("datatype") == "singlevaluelist" and urgency.findtext("variable") == "true"
    assert [v.findtext("name") for v in urgency.findall("values/value")] == ["紧急", "一般", "咨询"]

    # POST requests.xml: the new request's number; GET it back; personal data never returned.
    values = {"service_code": "traffic_road", "address_string": PERSONAL[2], "last_name": "王",
              "first_name": "五", "phone": PERSONAL[1], "description": PERSONAL[3]}  # fmt: skip
    created = client.post(f"{BASE}/requests.xml", values)
    assert created.status_code == 201
    number = _xml(created.content).findtext("request/service_request_id")
    assert number and Case.objects.of_kind("appeal").filter(receipt_no=number).exists()
    detail = client.get(f"{BASE}/requests/{number}.xml")
    found = _xml(detail.content)
    assert found.tag == "service_requests" and found.findtext("request/status") == "open"
    assert found.findtext("request/service_code") == "traffic_road"
    assert found.find("request/expected_datetime") is not None
    assert not any(p in detail.content.decode() for p in PERSONAL)
    listed = _xml(client.get(f"{BASE}/requests.xml?service_request_id={number},NOSUCHNUMBER").content)
    assert [r.findtext("service_request_id") for r in listed.findall("request")] == [number]

    # Errors in the standard's XML, in Chinese, with the same status.
    for url, status, words in [
        (f"{BASE}/requests/NOSUCHNUMBER.xml", 404, "未找到 service_request_id"),
        (f"{BASE}/services/nope.xml", 404, "services.xml"),
        (f"{BASE}/requests.xml", 400, "service_request_id"),
        (f"{BASE}/nothing.xml", 404, "没有这个接口"),
    ]:
        response = client.get(url)
        errors = _xml(response.content)
        assert response.status_code == status and errors.tag == "errors"
        assert errors.findtext("error/code") == str(status) and words in errors.findtext("error/description")
    bad = client.post(f"{BASE}/requests.xml", {**values, "last_name": "", "first_name": ""})
    assert bad.status_code == 400 and "first_name" in _xml(bad.content).findtext("error/description")


@pytest.mark.django_db(transaction=True)
def test_an_open311_xml_client_round_trip_against_the_live_server(live_server, cast):
    """A client that speaks XML: POST a request form-encoded to requests.xml, GET its status."""
    root = live_server.url + BASE

    def call(url: str, data: dict[str, str] | None = None) -> tuple[int, ET.Element]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Accept": "text/xml"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, _xml(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, _xml(exc.read())

    status, services = call(f"{root}/services.xml")
    assert status == 200 and "environment_noise" in [s.findtext("service_code") for s in services]
    form = {"service_code": "environment_noise", "address_string": "台儿庄区运河街道古城路",
            "first_name": "六", "last_name": "赵", "phone": "13606326666",
            "description": "夜间施工噪声扰民"}  # fmt: skip
    status, created = call(f"{root}/requests.xml", form)
    assert status == 201 and created.tag == "service_requests"
    number = created.findtext("request/service_request_id")
    status, found = call(f"{root}/requests/{number}.xml")
    assert status == 200 and found.findtext("request/service_request_id") == number
    assert found.findtext("request/status") == "open" and found.findtext("request/requested_datetime")
    assert found.find("request/description") is None and found.find("request/phone") is None
    status, errors = call(f"{root}/requests/NOSUCHNUMBER.xml")
    assert status == 404 and errors.findtext("error/code") == "404"
