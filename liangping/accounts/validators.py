"""Password strength: at least three of the four character classes (等保 level 3, 身份鉴别)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

CLASSES = ("大写字母", "小写字母", "数字", "符号")


def character_classes(password: str) -> set[str]:
    found: set[str] = set()
    for ch in password:
        if ch.isascii() and ch.isupper():
            found.add("大写字母")
        elif ch.isascii() and ch.islower():
            found.add("小写字母")
        elif ch.isdigit():
            found.add("数字")
        else:
            found.add("符号")
    return found


class CharacterClassValidator:
    """Refuses a password using fewer than `min_classes` of: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def message(self) -> str:
        return f"密码须包含大写字母、小写字母、数字、符号四类中的至少 {self.min_classes} 类"

    def validate(self, password: str, user: Any = None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(self.message(), code="password_too_simple")

    def get_help_text(self) -> str:
        return self.message()
