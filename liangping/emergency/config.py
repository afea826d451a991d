"""The 叫应 loop's administrator-configurable defaults, registered with core's 参数设置 (audited).

The issue's defaults: a notice must be acknowledged within 10 minutes for a red warning, 15 for orange,
30 for yellow and 60 for blue.
"""

from __future__ import annotations

from liangping.core.config import DEFAULTS, get_setting

ACK_MINUTES = {
    "red": "emergency_ack_minutes_red",
    "orange": "emergency_ack_minutes_orange",
    "yellow": "emergency_ack_minutes_yellow",
    "blue": "emergency_ack_minutes_blue",
}
EMERGENCY_DEFAULTS = {
    ACK_MINUTES["red"]: (10, "防汛叫应：红色预警确认时限（分钟）"),
    ACK_MINUTES["orange"]: (15, "防汛叫应：橙色预警确认时限（分钟）"),
    ACK_MINUTES["yellow"]: (30, "防汛叫应：黄色预警确认时限（分钟）"),
    ACK_MINUTES["blue"]: (60, "防汛叫应：蓝色预警确认时限（分钟）"),
}


def register_defaults() -> None:
    for key, value in EMERGENCY_DEFAULTS.items():
        DEFAULTS.setdefault(key, value)


def ack_minutes(level: str) -> int:
    """The acknowledgement limit of a warning level, in minutes (at least 1)."""
    return max(1, int(get_setting(ACK_MINUTES[level])))


def all_ack_minutes() -> dict[str, int]:
    return {level: ack_minutes(level) for level in ACK_MINUTES}
