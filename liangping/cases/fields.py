"""A kind's extra fields: checking what was entered (field-level Chinese errors) and showing it.

Phone and ID numbers are stored in full and masked on display and export unless the viewer may see
them in full (liangping/core/privacy.py)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from liangping.core.models import Org, User
from liangping.core.privacy import mask_id_number, mask_phone
from liangping.kinds.spec import FieldSpec, KindSpec

PHONE_RE = re.compile(r"^\+?[\d\s\-()]{7,20}$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
TRUE = {"1", "true", "yes", "on", "是", True}
FALSE = {"0", "false", "no", "off", "否", "", False, None}


class FieldProblem(ValueError):
    """What is wrong with one field's value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def normalise_phone(value: str) -> str:
    """Digits only (a leading + kept): what duplicate checks compare."""
    value = value.strip()
    digits = re.sub(r"\D", "", value)
    return ("+" + digits) if value.startswith("+") else digits


def check_phone(label: str, code: str, value: str) -> str:
    if not PHONE_RE.match(value.strip()):
        raise FieldProblem(code, f"{label}格式不对：请填写手机号码（11 位）或带区号的固定电话")
    digits = normalise_phone(value)
    bare = digits.lstrip("+")
    if len(bare) == 11 and bare.startswith("1"):
        return digits
    if 7 <= len(bare) <= 12 and not bare.startswith("1"):
        return digits
    if bare.startswith("86") and len(bare) == 13:
        return digits
    raise FieldProblem(code, f"{label}格式不对：手机号码应为 1 开头的 11 位数字")


def check_idcard(label: str, code: str, value: str) -> str:
    value = value.strip().upper()
    if not re.match(r"^\d{17}[\dX]$", value):
        raise FieldProblem(code, f"{label}应为 18 位（前 17 位为数字，最后一位为数字或 X）")
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != value[-1]:
        raise FieldProblem(code, f"{label}校验位不对，请核对后重新填写")
    return value


def clean_value(f: FieldSpec, raw: Any) -> Any:
    """The stored form of one value, or FieldProblem. Empty is None (checked for required by the caller)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if f.type in ("text", "longtext"):
        text = str(raw).strip()
        if len(text) > f.max_length:
            raise FieldProblem(f.code, f"{f.label}最多 {f.max_length} 个字，现在 {len(text)} 个字")
        return text
    if f.type == "number":
        try:
            number = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation as exc:
            raise FieldProblem(f.code, f"{f.label}应为数字") from exc
        if not number.is_finite():
            raise FieldProblem(f.code, f"{f.label}应为数字")
        return int(number) if number == number.to_integral_value() else float(number)
    if f.type == "choice":
        value = str(raw).strip()
        codes = dict(f.values)
        by_label = {label: code for code, label in f.values}
        if value in codes:
            return value
        if value in by_label:
            return by_label[value]
        raise FieldProblem(f.code, f"{f.label}只能选：{'、'.join(codes.values())}")
    if f.type == "date":
        if isinstance(raw, dt.date):
            return raw.isoformat()
        try:
            return dt.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError as exc:
            raise FieldProblem(f.code, f"{f.label}应为日期，格式如 2026-12-06") from exc
    if f.type == "bool":
        if raw in TRUE or str(raw).strip().lower() in TRUE:
            return True
        if raw in FALSE or str(raw).strip().lower() in FALSE:
            return False
        raise FieldProblem(f.code, f"{f.label}只能填“是”或“否”")
    if f.type == "phone":
        return check_phone(f.label, f.code, str(raw))
    if f.type == "idcard":
        return check_idcard(f.label, f.code, str(raw))
    if f.type in ("person", "org"):
        pk = getattr(raw, "pk", raw)
        try:
            ref = int(str(pk).strip())
        except ValueError as exc:
            raise FieldProblem(
                f.code, f"{f.label}应为{'用户' if f.type == 'person' else '单位'}编号"
            ) from exc
        model: Any = User if f.type == "person" else Org
        if not model.objects.filter(pk=ref).exists():
            raise FieldProblem(f.code, f"{f.label}：{'用户' if f.type == 'person' else '单位'}不存在")
        return ref
    raise FieldProblem(f.code, f"{f.label}的类型无法识别")  # pragma: no cover - refused at load time


def clean_data(spec: KindSpec, data: dict[str, Any]) -> dict[str, Any]:
    """The kind's fields, checked: unknown keys, missing required values and bad values are refused."""
    unknown = sorted(set(data) - {f.code for f in spec.fields})
    if unknown:
        raise FieldProblem(unknown[0], f"{spec.name}没有“{unknown[0]}”这一项")
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = clean_value(f, data.get(f.code))
        if value is None:
            if f.required:
                raise FieldProblem(f.code, f"请填写{f.label}")
            continue
        out[f.code] = value
    return out


def display_value(
    f: FieldSpec, value: Any, *, full: bool = False, names: dict[str, str] | None = None
) -> str:
    """How a stored value reads on a page or in an export (masked phone/ID unless `full`)."""
    if value is None or value == "":
        return ""
    if f.type == "phone":
        return str(value) if full else mask_phone(str(value))
    if f.type == "idcard":
        return str(value) if full else mask_id_number(str(value))
    if f.type == "choice":
        return dict(f.values).get(str(value), str(value))
    if f.type == "bool":
        return "是" if value else "否"
    if f.type in ("person", "org"):
        return (names or {}).get(f"{f.type}:{value}", str(value))
    return str(value)


def referenced_names(spec: KindSpec, rows: list[dict[str, Any]]) -> dict[str, str]:
    """Names of the users and units the rows' person/org fields point to (two queries at most)."""
    people: set[int] = set()
    orgs: set[int] = set()
    for f in spec.fields:
        target = people if f.type == "person" else orgs if f.type == "org" else None
        if target is None:
            continue
        for row in rows:
            if isinstance(row.get(f.code), int):
                target.add(row[f.code])
    names = {}
    if people:
        names.update({f"person:{u.pk}": u.name for u in User.objects.filter(pk__in=people)})
    if orgs:
        names.update(
            {f"org:{pk}": name for pk, name in Org.objects.filter(pk__in=orgs).values_list("pk", "name")}
        )
    return names
