"""Administrative division codes (GB/T 2260; towns and villages by the statistical division code).

Five levels, each code written within its parent's:
  province   370000        two digits of its own, then 0000
  city       370400        the province's two digits, two of its own, then 00
  district   370402        (区、县、县级市 and development zones, whose code the province assigns: 370471)
  town       370402001     the district's six digits and three of its own
  village    370402001001  the town's nine digits and three of its own
Departments, offices and project units are not divisions and carry no code.
"""

from __future__ import annotations

import re

PROVINCE, CITY, DISTRICT, TOWN, VILLAGE = "province", "city", "district", "town", "village"
LEVELS = (PROVINCE, CITY, DISTRICT, TOWN, VILLAGE)
# the kind of parent each level hangs under (a city may also stand alone as the installation's root)
PARENT_LEVEL = {CITY: PROVINCE, DISTRICT: CITY, TOWN: DISTRICT, VILLAGE: TOWN}
LEVEL_LABELS = {
    PROVINCE: "省",
    CITY: "市",
    DISTRICT: "区（市）",
    TOWN: "镇街",
    VILLAGE: "村（社区）",
}

_SHAPES = {
    PROVINCE: re.compile(r"^[1-9]\d0000$"),
    CITY: re.compile(r"^[1-9]\d(?!00)\d\d00$"),
    DISTRICT: re.compile(r"^[1-9]\d{3}(?!00)\d\d$"),
    TOWN: re.compile(r"^\d{6}(?!000)\d{3}$"),
    VILLAGE: re.compile(r"^\d{9}(?!000)\d{3}$"),
}
_SHAPE_HINTS = {
    PROVINCE: "省级代码为6位数字、后四位为0（如 370000）",
    CITY: "市级代码为6位数字、后两位为0（如 370400）",
    DISTRICT: "区（市）级代码为6位数字、后两位不为0（如 370402）",
    TOWN: "镇街代码为9位数字（所属区县6位代码加3位，如 370402001）",
    VILLAGE: "村（社区）代码为12位数字（所属镇街9位代码加3位，如 370402001001）",
}

# Shandong: the province, its 16 cities (莱芜 371200 merged into 济南 in 2019) and 枣庄's districts.
# 370471 枣庄高新技术产业开发区 is the code the province assigns to the development zone.
SHANDONG: tuple[tuple[str, str, str], ...] = (
    ("370000", "山东省", PROVINCE),
    ("370100", "济南市", CITY),
    ("370200", "青岛市", CITY),
    ("370300", "淄博市", CITY),
    ("370400", "枣庄市", CITY),
    ("370500", "东营市", CITY),
    ("370600", "烟台市", CITY),
    ("370700", "潍坊市", CITY),
    ("370800", "济宁市", CITY),
    ("370900", "泰安市", CITY),
    ("371000", "威海市", CITY),
    ("371100", "日照市", CITY),
    ("371300", "临沂市", CITY),
    ("371400", "德州市", CITY),
    ("371500", "聊城市", CITY),
    ("371600", "滨州市", CITY),
    ("371700", "菏泽市", CITY),
    ("370402", "市中区", DISTRICT),
    ("370403", "薛城区", DISTRICT),
    ("370404", "峄城区", DISTRICT),
    ("370405", "台儿庄区", DISTRICT),
    ("370406", "山亭区", DISTRICT),
    ("370481", "滕州市", DISTRICT),
    ("370471", "枣庄高新区", DISTRICT),
)
PROVINCE_CODE = "370000"


def level_of_code(code: str) -> str | None:
    """The level a well-formed code belongs to, else None."""
    for level in LEVELS:
        if _SHAPES[level].match(code):
            return level
    return None


def own_prefix(code: str) -> str:
    """The digits a child's code must start with: 37 for 370000, 3704 for 370400, the whole code below."""
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def expected_parent_code(code: str) -> str | None:
    """The code of the unit one level up: 370402001 → 370402, 370402 → 370400, 370400 → 370000."""
    level = level_of_code(code)
    if level == VILLAGE:
        return code[:9]
    if level == TOWN:
        return code[:6]
    if level == DISTRICT:
        return code[:4] + "00"
    if level == CITY:
        return code[:2] + "0000"
    return None


def code_problem(code: str, level: str, parent_code: str | None, parent_name: str = "") -> str | None:
    """What is wrong with `code` for a unit of `level` under a parent with `parent_code`, in Chinese,
    or None. A parent without a code (an installation that has not entered them) is not checked."""
    if level not in _SHAPES:
        return "只有省、市、区（市）、镇街、村（社区）有行政区划代码，部门和单位不填代码"
    if not _SHAPES[level].match(code):
        return f"区划代码“{code}”格式不对：{_SHAPE_HINTS[level]}"
    if parent_code:
        prefix = own_prefix(parent_code)
        if not code.startswith(prefix) or code == parent_code:
            shown = f"{parent_name}（{parent_code}）" if parent_name else parent_code
            return f"区划代码“{code}”与上级{shown}不符：应以 {prefix} 开头"
    return None
