"""Open311 GeoReport v2 at /open311/v2/, in JSON and XML (the format is the resource's extension,
as the standard says: services.json or services.xml): any client of the standard can file an appeal
and follow it.

- GET services.json: one service per appeal category (service_code = the category's code);
- GET services/{service_code}.json: the service definition, the kind's extra fields as attributes;
- POST requests.json: file an appeal (channel 开放接口), answered with its service_request_id, which is
  the appeal's receipt number (受理编号: unguessable, the only key a caller ever gets);
- GET requests.json?service_request_id=A,B and GET requests/{id}.json: status, dates, the unit
  handling it and the replies. The requester's name, phone, address, position, text and photos
  are never returned (personal data), and requests are never listed without their numbers.

Errors are the standard's array [{"code": 400, "description": "…"}] (in XML <errors><error><code>
<description>) with the same HTTP status, the description in Chinese naming the parameter to fix.
Each view builds plain data once; `_respond` writes it as JSON or as the standard's XML elements.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from liangping.appeals import intake, kind, public

# Field types of a kind → Open311 datatypes.
DATATYPES = {
    "text": "string",
    "longtext": "text",
    "number": "number",
    "date": "datetime",
    "choice": "singlevaluelist",
    "bool": "singlevaluelist",
}
# Fields the standard's own parameters carry (or that only staff fill): not attributes.
STANDARD_FIELDS = {"requester_name", "requester_phone", "address", "lat", "long", "media_url"}
# Fields the system fills (the roster, the duplicate choice): never a caller's attribute.
INTERNAL_FIELDS = {"duty_leader", "window", "window_person", "duplicate_of"}
DEDUPE_VALUES = [{"key": "merge", "name": "补充到原诉求"}, {"key": "new", "name": "仍作为新诉求"}]
MAX_IDS = 50


# XML: the root element of each list, and the element of each of its items (GeoReport v2).
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}


NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold


def _xml_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(NOT_XML.sub("", str(value)))


def _xml(name: str, value: Any) -> str:
    if isinstance(value, list):
        item = XML_ITEMS[name]
        return f"<{name}>" + "".join(_xml(item, v) for v in value) + f"</{name}>"
    if isinstance(value, dict):
        return f"<{name}>" + "".join(_xml(k, v) for k, v in value.items()) + f"</{name}>"
    return f"<{name}>{_xml_value(value)}</{name}>"


def _respond(data: Any, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under `root` (a list's items named by XML_ITEMS, a dict's keys as
    elements, None as an empty element), UTF-8 with the XML declaration."""
    if fmt == "xml":
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + _xml(root, data)
        return HttpResponse(body.encode(), status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def error(code: int, description: str, fmt: str = "json") -> HttpResponse:
    return _respond([{"code": code, "description": description}], fmt, "errors", code)


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


@never_cache
def services(request: HttpRequest, fmt: str = "json") -> HttpResponse:
    if request.method != "GET":
        return error(405, "该地址只接受 GET 请求", fmt)
    return _respond(
        [
            {
                "service_code": c["code"],
                "service_name": c["name"],
                "description": c.get("description", "") or f"群众诉求：{c['name']}",
                "metadata": True,
                "type": "realtime",
                "keywords": "",
                "group": c.get("group", ""),
            }
            for c in kind.categories()
        ],
        fmt,
        "services",
    )


def attributes() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {
            "variable": True,
            "code": "urgency",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "紧急程度，默认为一般",
            "order": 1,
            "description": "紧急程度",
            "values": [{"key": code, "name": label} for code, label in kind.urgencies()],
        }
    ]
    for order, spec in enumerate(kind.fields(), start=2):
        if spec.code in STANDARD_FIELDS | INTERNAL_FIELDS or spec.type not in DATATYPES:
            continue
        values: list[dict[str, str]] = []
        if spec.type == "choice":
            values = [{"key": key, "name": label} for key, label in spec.values]
        elif spec.type == "bool":
            values = [{"key": "true", "name": "是"}, {"key": "false", "name": "否"}]
        out.append(
            {
                "variable": True,
                "code": spec.code,
                "datatype": DATATYPES[spec.type],
                "required": spec.required,
                "datatype_description": spec.help,
                "order": order,
                "description": spec.label,
                "values": values,
            }
        )
    out.append(
        {
            "variable": True,
            "code": "dedupe",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "同一号码7日内已有同类诉求时，须选择如何处理后重新提交",
            "order": len(out) + 1,
            "description": "重复诉求处理",
            "values": DEDUPE_VALUES,
        }
    )
    return out


@never_cache
def service_definition(request: HttpRequest, code: str, fmt: str = "json") -> HttpResponse:
    if request.method != "GET":
        return error(405, "该地址只接受 GET 请求", fmt)
    if code not in {c["code"] for c in kind.categories()}:
        return error(404, f"未知的 service_code“{code[:40]}”：请先查询 services.{fmt}", fmt)
    return _respond({"service_code": code, "attributes": attributes()}, fmt, "service_definition")


def _request_json(status: public.PublicStatus) -> dict[str, Any]:
    notes = status.status_label
    if status.replies:
        notes += "。答复：" + status.replies[-1].text
    return {
        "service_request_id": status.receipt_no,
        "status": "open" if status.is_open else "closed",
        "status_notes": notes,
        "service_name": status.category,
        "service_code": status.category_code,
        "agency_responsible": status.unit,
        "service_notice": "",
        "requested_datetime": _iso(status.registered_at),
        "updated_datetime": _iso(status.updated_at),
        "expected_datetime": _iso(status.due_at) if status.is_open else None,
    }


def _found(ids: list[str]) -> list[dict[str, Any]]:
    found = []
    for number in ids[:MAX_IDS]:
        case = public.find(number)
        if case is not None:
            found.append(_request_json(public.public_status(case)))
    return found


@never_cache
def request_detail(request: HttpRequest, request_id: str, fmt: str = "json") -> HttpResponse:
    if request.method != "GET":
        return error(405, "该地址只接受 GET 请求", fmt)
    if public.over_limit(request, "lookup", "appeal_lookup_per_minute", 60):
        return error(429, "查询过于频繁，请稍后再试", fmt)
    found = _found([request_id])
    if not found:
        return error(404, f"未找到 service_request_id“{request_id[:20]}”：请核对受理编号", fmt)
    return _respond(found, fmt, "service_requests")


def _coordinate(value: str, name: str, low: int, high: int) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation as exc:
        raise intake.IntakeError(name, f"参数 {name} 必须是数字（WGS84 经纬度）") from exc
    if not number.is_finite() or not low <= number <= high:
        raise intake.IntakeError(name, f"参数 {name} 超出范围（{low} 到 {high}）")
    return number


def _post(request: HttpRequest, fmt: str) -> HttpResponse:
    if public.over_limit(request, "submit", "appeal_public_per_hour", 3600):
        return error(429, "提交过于频繁，请稍后再试", fmt)
    p = request.POST
    code = p.get("service_code", "").strip()
    if not code:
        return error(400, f"缺少参数 service_code：请填写诉求类别代码（见 services.{fmt}）", fmt)
    if code not in {c["code"] for c in kind.categories()}:
        return error(404, f"未知的 service_code“{code[:40]}”：请先查询 services.{fmt}", fmt)
    address = p.get("address_string", "").strip()
    lat, lon = p.get("lat", "").strip(), p.get("long", "").strip()
    if not address and not (lat and lon):
        return error(400, "缺少位置：请提供 lat 和 long，或 address_string", fmt)
    name = (p.get("last_name", "").strip() + p.get("first_name", "").strip())[:50]
    if not name:
        return error(400, "缺少参数 first_name 或 last_name：请填写诉求人姓名", fmt)
    attrs = {
        key[len("attribute[") : -1]: value
        for key, value in p.items()
        if key.startswith("attribute[") and key.endswith("]")
    }
    extra: dict[str, Any] = {}
    try:
        if lat and lon:
            extra["lat"] = str(_coordinate(lat, "lat", -90, 90))
            extra["long"] = str(_coordinate(lon, "long", -180, 180))
        if media := p.get("media_url", "").strip():
            if not media.startswith(("http://", "https://")) or len(media) > 500:
                raise intake.IntakeError("media_url", "参数 media_url 必须是 http(s) 开头的网址")
            extra["media_url"] = media
        known = {a["code"] for a in attributes()}
        for key, value in attrs.items():
            if key not in known:
                raise intake.IntakeError(
                    f"attribute[{key}]", f"未知属性 attribute[{key[:30]}]：请查询 services/{code}.{fmt}"
                )
            if key not in ("urgency", "dedupe"):
                extra[key] = value
        dedupe = attrs.get("dedupe", "")
        urgency = attrs.get("urgency", "") or "normal"
        if urgency not in dict(kind.urgencies()):
            raise intake.IntakeError(
                "attribute[urgency]", "attribute[urgency] 只能是 " + "、".join(dict(kind.urgencies()))
            )
        merge_into = None
        if dedupe == "merge":
            dups = intake.open_duplicates(intake.normalise_phone(p.get("phone", "")), code)
            merge_into = dups[0] if dups else None
        filed = intake.file_appeal(
            actor=None,
            channel="api",
            category=code,
            description=p.get("description", ""),
            name=name,
            phone=p.get("phone", ""),
            address=address,
            urgency=urgency,
            extra=extra,
            merge_into=merge_into,
            confirmed_new=dedupe == "new",
        )
    except intake.DuplicateOffer as offer:
        return error(
            409,
            f"该号码在{offer.days}日内已提交过同类诉求，仍在办理中："
            "请加参数 attribute[dedupe]=merge 补充到原诉求，或 attribute[dedupe]=new 仍作为新诉求提交",
            fmt,
        )
    except intake.IntakeError as exc:
        param = {"phone": "phone", "description": "description"}.get(exc.field, exc.field)
        return error(400, f"参数 {param}：{exc}", fmt)
    except kind.CaseInputError as exc:
        return error(400, f"参数 {getattr(exc, 'field', '') or '请求'}：{exc}", fmt)
    notice = "已受理：请记下受理编号（service_request_id），凭它查询办理进度"
    if filed.merge_requested:
        notice = "已受理，并按您的选择转派单人员合并到此前提交的同类诉求"
    return _respond(
        [
            {
                "service_request_id": filed.case.receipt_no,
                "service_notice": notice,
                "account_id": None,
            }
        ],
        fmt,
        "service_requests",
        201,
    )


@csrf_exempt
@never_cache
def requests_view(request: HttpRequest, fmt: str = "json") -> HttpResponse:
    if request.method == "POST":
        return _post(request, fmt)
    if request.method != "GET":
        return error(405, "该地址只接受 GET 和 POST 请求", fmt)
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if not ids:
        return error(
            400, "请提供参数 service_request_id（受理编号，多个用英文逗号分隔）：诉求不公开列出", fmt
        )
    if public.over_limit(request, "lookup", "appeal_lookup_per_minute", 60):
        return error(429, "查询过于频繁，请稍后再试", fmt)
    return _respond(_found(ids), fmt, "service_requests")


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(
        404,
        "没有这个接口：支持 services.json、services/{service_code}.json、"
        "requests.json、requests/{service_request_id}.json（.xml 同样可用）",
        "xml" if rest.endswith(".xml") else "json",
    )
