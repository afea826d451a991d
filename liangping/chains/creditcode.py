"""统一社会信用代码 (GB 32100-2015): 18 characters of a 31-character alphabet (the digits and the
capital letters without I, O, Z, S, V); the 18th is a check character over the first 17.

Parts: 登记管理部门码 (1), 机构类别码 (1), 登记管理机关行政区划码 (6 digits), 主体标识码 (9), 校验码 (1).
Check: C18 = 31 − (Σ value(Ci) × Wi mod 31), with Wi = 3^(i−1) mod 31 (1, 3, 9, 27, 19, 26, 16, 17, 20,
29, 25, 13, 8, 24, 10, 30, 28); 31 is written 0.
"""

from __future__ import annotations

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


class CreditCodeError(ValueError):
    """An invalid code; the message says what is wrong, in Chinese."""


def normalize(text: str) -> str:
    """Full-width to half-width, spaces removed, upper case (people type lower case and spaces)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def check_char(first17: str) -> str:
    """The check character of the first 17 characters (which must be of the alphabet)."""
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(text: str) -> str:
    """The code, normalised, or CreditCodeError saying what to fix."""
    code = normalize(text)
    if not code:
        raise CreditCodeError("统一社会信用代码不能为空")
    if len(code) != LENGTH:
        raise CreditCodeError(f"统一社会信用代码应为18位，“{code[:30]}”是{len(code)}位")
    bad = [ch for ch in code if ch not in VALUES]
    if bad:
        raise CreditCodeError(
            f"统一社会信用代码含有不允许的字符“{bad[0]}”：只能使用数字和除 I、O、Z、S、V 以外的大写字母"
        )
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3至8位应为登记管理机关的行政区划码（6位数字）")
    expected = check_char(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            f"统一社会信用代码“{code}”校验位不正确：按国家标准第18位应为“{expected}”，请核对"
        )
    return code


def is_valid(text: str) -> bool:
    try:
        validate(text)
    except CreditCodeError:
        return False
    return True
