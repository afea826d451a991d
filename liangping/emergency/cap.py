"""Reading a CAP 1.2 alert (OASIS Common Alerting Protocol, namespace urn:oasis:names:tc:emergency:cap:1.2)
into a warning draft.

Read: alert/identifier, sender, status (Exercise → 演练), msgType (Cancel refused), and of the first
<info> (the zh-CN one when several languages are given): event, severity, effective, expires,
headline, description, instruction, and every area's areaDesc and geocode. The level comes from the
colour named in event or headline (红色/橙色/黄色/蓝色, as Chinese meteorological alerts write it),
else from severity (Extreme → 红, Severe → 橙, Moderate → 黄, Minor → 蓝). The towns are the
responsibility points' towns (or districts) that areaDesc or a geocode value names.

Parsed with defusedxml: a DOCTYPE, entity declarations and external references are refused, so no
entity is ever expanded. Every refusal names the element in Chinese.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.db.models import QuerySet
from django.utils import timezone

from liangping.emergency.models import Hazard, Level, Point
from liangping.emergency.services import WarningDraft

NS = "urn:oasis:names:tc:emergency:cap:1.2"
MAX_BYTES = 1024 * 1024
SEVERITY = {"Extreme": Level.RED, "Severe": Level.ORANGE, "Moderate": Level.YELLOW, "Minor": Level.BLUE}
COLOURS = {"红色": Level.RED, "橙色": Level.ORANGE, "黄色": Level.YELLOW, "蓝色": Level.BLUE}
HAZARDS = [
    (("地质", "滑坡", "泥石流", "崩塌"), Hazard.GEOLOGICAL),
    (("洪水", "洪涝", "山洪", "汛"), Hazard.FLOOD),
    (("干旱", "旱"), Hazard.DROUGHT),
    (("暴雨", "大雨", "强降雨", "rain", "Rain", "RAIN", "FLOOD", "Flood", "flood"), Hazard.RAINSTORM),
]


class CapError(ValueError):
    pass


@dataclass
class CapAlert:
    identifier: str
    sender: str
    status: str
    event: str
    severity: str
    effective: dt.datetime | None
    expires: dt.datetime | None
    headline: str
    description: str
    instruction: str
    area_descs: list[str] = field(default_factory=list)
    geocodes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def level(self) -> str:
        for text in (self.event, self.headline):
            for colour, level in COLOURS.items():
                if colour in text:
                    return level
        return SEVERITY[self.severity]

    @property
    def hazard(self) -> str | None:
        for words, hazard in HAZARDS:
            if any(w in self.event or w in self.headline for w in words):
                return hazard
        return None


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _text(parent: Element, name: str, where: str, *, required: bool = False) -> str:
    node = parent.find(_q(name))
    value = (node.text or "").strip() if node is not None else ""
    if required and not value:
        raise CapError(f"CAP 文件缺少 <{name}> 元素（{where}内），无法导入")
    return value


def _time(parent: Element, name: str) -> dt.datetime | None:
    value = _text(parent, name, "<info>")
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CapError(f"<{name}> 的时间“{value}”格式不对，应为 2026-07-24T08:00:00+08:00") from exc
    if timezone.is_naive(parsed):
        raise CapError(f"<{name}> 的时间“{value}”缺少时区，应为 2026-07-24T08:00:00+08:00")
    return parsed


def parse(data: bytes) -> CapAlert:
    if len(data) > MAX_BYTES:
        raise CapError("CAP 文件超过 1 MB，请确认上传的是单条预警")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise CapError("CAP 文件含有 DOCTYPE 或实体声明，出于安全原因拒绝导入") from exc
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise CapError(
            f"CAP 文件不是格式正确的 XML（第 {line} 行第 {col} 列附近），请检查标签是否闭合"
        ) from exc
    if root.tag != _q("alert"):
        local = root.tag.rsplit("}", 1)[-1]
        namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else "无"
        if local == "alert":
            raise CapError(f"<alert> 的命名空间是“{namespace}”，不是 CAP 1.2（{NS}）")
        raise CapError(f"根元素是 <{local}>，不是 CAP 1.2 的 <alert>")
    identifier = _text(root, "identifier", "<alert>", required=True)
    sender = _text(root, "sender", "<alert>", required=True)
    status = _text(root, "status", "<alert>", required=True)
    msg_type = _text(root, "msgType", "<alert>", required=True)
    if msg_type == "Cancel":
        raise CapError("<msgType> 为 Cancel（取消预警）：请在预警页面直接解除，不能导入为新预警")
    if status not in ("Actual", "Exercise"):
        raise CapError(f"<status> 为“{status}”：只能导入 Actual（实际预警）或 Exercise（演练）")
    infos = root.findall(_q("info"))
    if not infos:
        raise CapError("CAP 文件缺少 <info> 元素，无法导入")
    info = next((i for i in infos if _text(i, "language", "<info>").lower().startswith("zh")), infos[0])
    event = _text(info, "event", "<info>", required=True)
    severity = _text(info, "severity", "<info>", required=True)
    if severity not in SEVERITY:
        raise CapError(
            f"<severity> 的值“{severity}”无法对应预警级别（应为 Extreme、Severe、Moderate 或 Minor）"
        )
    areas = info.findall(_q("area"))
    if not areas:
        raise CapError("CAP 文件缺少 <area> 元素（影响区域），无法导入")
    descs, codes = [], []
    for area in areas:
        descs.append(_text(area, "areaDesc", "<area>", required=True))
        for geocode in area.findall(_q("geocode")):
            codes.append((_text(geocode, "valueName", "<geocode>"), _text(geocode, "value", "<geocode>")))
    return CapAlert(
        identifier=identifier,
        sender=sender,
        status=status,
        event=event,
        severity=severity,
        effective=_time(info, "effective"),
        expires=_time(info, "expires"),
        headline=_text(info, "headline", "<info>"),
        description=_text(info, "description", "<info>"),
        instruction=_text(info, "instruction", "<info>"),
        area_descs=descs,
        geocodes=codes,
    )


@dataclass
class Places:
    """Where the points are, as an alert may write it → town names: town names and district names (with
    their aliases) found inside <areaDesc>, GB/T 2260 codes equal to a <geocode> value. A district's
    name covers its towns only where the alert names none of them (「市中区光明路街道」 is one town)."""

    towns: set[str] = field(default_factory=set)
    districts: dict[str, set[str]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)

    def towns_in(self, alert: CapAlert) -> list[str]:
        text = " ".join(alert.area_descs)
        found = {t for t in self.towns if t in text}
        for name, towns in self.districts.items():
            if name in text and not towns & found:
                found |= towns
        values = {_code(v) for _n, v in alert.geocodes if v.strip().isdigit()}
        found |= {t for code, towns in self.codes.items() if _code(code) in values for t in towns}
        return sorted(found)


def _code(value: str) -> str:
    """A division code in its 12-digit form (370402 and 370402000000 are the same district)."""
    return value.strip().ljust(12, "0")


def place_names(points: QuerySet[Point]) -> Places:
    places = Places()
    rows = points.filter(active=True).values_list(
        "town_name", "town__code", "district__name", "district__aliases", "district__code"
    )
    for town, town_code, district, aliases, district_code in rows:
        places.towns.add(town)
        for name in [district, *(aliases or "").replace("，", ",").split(",")]:
            if name.strip():
                places.districts.setdefault(name.strip(), set()).add(town)
        for code in (town_code, district_code):
            if code:
                places.codes.setdefault(code, set()).add(town)
    return places


def draft_from(alert: CapAlert, places: Places, now: dt.datetime) -> WarningDraft:
    """The warning draft of an alert: its towns are those of the points the alert's areas name."""
    if alert.expires is None:
        raise CapError("CAP 文件缺少 <expires> 元素（有效期至），无法确定叫应何时结束")
    if alert.expires <= now:
        raise CapError(
            f"<expires> 为 {timezone.localtime(alert.expires):%Y-%m-%d %H:%M}，该预警已过期，不能导入"
        )
    hazard = alert.hazard
    if hazard is None:
        raise CapError(f"<event>“{alert.event}”不是本系统的预警类型（暴雨、洪水、干旱、地质灾害）")
    found = places.towns_in(alert)
    if not found:
        raise CapError(
            f"<areaDesc>“{'；'.join(alert.area_descs)[:100]}”中没有本系统的镇街或区（市），无法确定影响点位"
        )
    text = "；".join(t for t in (alert.headline, alert.description, alert.instruction) if t) or alert.event
    return WarningDraft(
        level=alert.level,
        hazard=hazard,
        text=text,
        valid_until=alert.expires,
        towns=found,
        is_drill=alert.status == "Exercise",
        source="cap",
        cap_identifier=alert.identifier,
        cap_sender=alert.sender,
        areas="；".join(alert.area_descs)[:500],
    )
