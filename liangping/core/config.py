"""Administrator-configurable defaults, stored in the database and audited when changed."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from liangping.core.audit import record
from liangping.core.models import Setting, User

DEFAULTS: dict[str, tuple[Any, str]] = {
    "report_due_day": (5, "月度调度报送截止日（次月几日前）"),
    "visit_target_per_week": (3, "项目专员每周走访目标（次）"),
    # 等保2.0 剩余信息保护 / 个人信息: photos lose their EXIF (GPS position, camera, time) unless kept.
    "appeal_duplicate_days": (7, "诉求扎口：同一号码同类诉求在几日内视为重复（提示合并）"),
    "appeal_public_per_hour": (5, "网上诉求：同一网络地址每小时最多提交件数"),
    "appeal_lookup_per_minute": (20, "诉求查询：同一网络地址每分钟最多查询次数"),
    "photo_keep_exif": (False, "上传照片保留拍摄信息（EXIF，含 GPS 位置，仅供督查核实现场）"),
}


def get_setting(key: str) -> Any:
    default, _label = DEFAULTS[key]
    row = Setting.objects.filter(key=key).only("value").first()
    return default if row is None else row.value


def all_settings() -> list[dict[str, Any]]:
    stored = {s.key: s.value for s in Setting.objects.all()}
    return [
        {"key": key, "label": label, "value": stored.get(key, default), "default": default}
        for key, (default, label) in DEFAULTS.items()
    ]


@transaction.atomic
def set_setting(actor: User, key: str, value: Any, reason: str = "") -> None:
    if key not in DEFAULTS:
        raise KeyError(f"未知参数：{key}")
    old = get_setting(key)
    Setting.objects.update_or_create(key=key, defaults={"value": value, "updated_by": actor})
    record(
        actor,
        "setting.update",
        None,
        object_type="core.setting",
        object_id=key,
        object_repr=DEFAULTS[key][1],
        changes={key: [old, value]},
        reason=reason,
    )
