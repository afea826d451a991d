"""Administrator-configurable defaults, stored in the database and audited when changed."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from liangping.core.audit import record
from liangping.core.models import Setting, User
from liangping.core.tenancy import (
    INSTALLATION,
    TenantArg,
    inherited,
    installation_city,
    own_level,
)

DEFAULTS: dict[str, tuple[Any, str]] = {
    "report_due_day": (5, "月度调度报送截止日（次月几日前）"),
    "visit_target_per_week": (3, "项目专员每周走访目标（次）"),
    # 等保2.0 剩余信息保护 / 个人信息: photos lose their EXIF (GPS position, camera, time) unless kept.
    "appeal_duplicate_days": (7, "诉求扎口：同一号码同类诉求在几日内视为重复（提示合并）"),
    "appeal_public_per_hour": (5, "网上诉求：同一网络地址每小时最多提交件数"),
    "appeal_lookup_per_minute": (20, "诉求查询：同一网络地址每分钟最多查询次数"),
    "photo_keep_exif": (False, "上传照片保留拍摄信息（EXIF，含 GPS 位置，仅供督查核实现场）"),
}


SOURCE_CITY, SOURCE_PROVINCE, SOURCE_DEFAULT = "本市设置", "全省统一设置", "系统默认"

# The defaults each city may set for itself: their readers take the city in hand (a specialist's
# visits count against their own city's target). The others are read once for the installation
# (the report due day behind every late flag, the reminders' and escalation's lead times, the 叫应
# limits, the public intake's rate limits, the photos' EXIF): on an installation of several cities
# they are the province's alone, so no city can set a value that nothing would read. A one-city
# installation's city is the installation and sets them all.
CITY_KEYS = frozenset({"visit_target_per_week"})
PROVINCE_ONLY = "该参数全省统一设置（迟报标记、提醒和时限须各市一致），本市不能单独修改"


class SettingRefused(ValueError):
    pass


def city_may_set(key: str, tenant: int | None) -> bool:
    """Whether the administrators of `tenant` (None: the province's) set `key` for themselves."""
    return tenant is None or key in CITY_KEYS or tenant == installation_city()


def _levels(key: str | None, tenant: TenantArg) -> dict[str, dict[bool, Any]]:
    """key → {is the city's own: value} of the rows a tenant reads (one query)."""
    rows = Setting.objects.filter(inherited(tenant))
    if key is not None:
        rows = rows.filter(key=key)
    out: dict[str, dict[bool, Any]] = {}
    for k, tenant_id, value in rows.values_list("key", "tenant_id", "value"):
        out.setdefault(k, {})[tenant_id is not None] = value
    return out


def _resolve(key: str, found: dict[bool, Any]) -> tuple[Any, str, Any]:
    """(value in force, where it comes from, what the city would inherit without its own)."""
    default = DEFAULTS[key][0]
    above = found.get(False, default)
    if True in found:
        return found[True], SOURCE_CITY, above
    return above, SOURCE_PROVINCE if False in found else SOURCE_DEFAULT, default


def _own(key: str, tenant: TenantArg, found: dict[bool, Any]) -> dict[bool, Any]:
    """The rows in force: a city's own row of a key the province alone sets (left from before the city
    shared its installation) counts for nothing, as for every reader."""
    if True not in found or key in CITY_KEYS or not isinstance(tenant, int):
        return found  # no own row, a key cities set, or the installation's city (which sets them all)
    if tenant == installation_city():
        return found
    return {own: value for own, value in found.items() if not own}


def get_setting(key: str, tenant: TenantArg = INSTALLATION) -> Any:
    """The value in force for a tenant (default: the installation's city): the city's own, else the
    installation's (the province's), else the shipped default. One query."""
    if key not in DEFAULTS:
        raise KeyError(f"未知参数：{key}")
    return _resolve(key, _own(key, tenant, _levels(key, tenant).get(key, {})))[0]


def all_settings(tenant: TenantArg = INSTALLATION) -> list[dict[str, Any]]:
    stored = _levels(None, tenant)
    out = []
    for key, (default, label) in DEFAULTS.items():
        value, source, inherited_value = _resolve(key, _own(key, tenant, stored.get(key, {})))
        out.append({"key": key, "label": label, "value": value, "default": default, "source": source,
                    "inherited": inherited_value})  # fmt: skip
    return out


def audit_id(key: str, tenant: int | None) -> str:
    """The audit log's object id of a setting: its key for the installation's value, key@city for a
    city's own (so a city's page shows its own history, never another city's)."""
    return key if tenant is None else f"{key}@{tenant}"


@transaction.atomic
def set_setting(actor: User, key: str, value: Any, reason: str = "") -> None:
    """Set the value for the administrator's own city (the installation's for the province's)."""
    if key not in DEFAULTS:
        raise KeyError(f"未知参数：{key}")
    tenant = own_level(actor)
    if not city_may_set(key, tenant):
        raise SettingRefused(PROVINCE_ONLY)
    old = get_setting(key, tenant)
    Setting.objects.update_or_create(
        key=key, tenant_id=tenant, defaults={"value": value, "updated_by": actor}
    )
    record(
        actor,
        "setting.update",
        None,
        object_type="core.setting",
        object_id=audit_id(key, tenant),
        object_repr=DEFAULTS[key][1],
        changes={key: [old, value]},
        reason=reason,
    )


@transaction.atomic
def clear_setting(actor: User, key: str, reason: str = "") -> bool:
    """A city's own value removed: it inherits the installation's again. False when it had none."""
    tenant = own_level(actor)
    if tenant is None or key not in DEFAULTS:
        return False
    old = get_setting(key, tenant)
    deleted, _ = Setting.objects.filter(key=key, tenant_id=tenant).delete()
    if deleted:
        record(actor, "setting.update", None, object_type="core.setting", object_id=audit_id(key, tenant),
               object_repr=DEFAULTS[key][1], changes={key: [old, get_setting(key, tenant)]},
               reason=reason or "恢复为全省统一设置")  # fmt: skip
    return bool(deleted)
