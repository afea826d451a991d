"""Text that people type may not carry control characters (等保2.0 三级 数据完整性 / 入侵防范).

C0 control characters other than tab, line feed and the carriage return of a CR LF pair have no place
in a name or a note; XML (so .xlsx and .docx) cannot even hold most of them, and one stored value
breaks every export and the disclosure. Forms, the API and imports refuse them with a message naming
the field; the writers clean any value already stored (xml_safe).
"""

from __future__ import annotations

import re

# C0 controls except \t \n and a \r that begins \r\n.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|\r(?!\n)")
# What XML 1.0 cannot hold at all: C0 controls except \t \n \r, lone surrogates, U+FFFE and U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def control_char(text: str) -> str | None:
    """The first forbidden control character of `text`, or None."""
    found = FORBIDDEN.search(text)
    return found.group() if found else None


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def refusal(label: str, char: str) -> str:
    """The Chinese message for a field holding a control character."""
    return (
        f"“{label}”含有不可见的控制字符（{describe(char)}），常见于从其他系统复制的文字，"
        "请删除后重新填写（可以换行和使用制表符）"
    )


def xml_safe(text: str) -> str:
    """`text` with every character XML cannot hold removed, for writers of .xlsx and .docx."""
    return XML_ILLEGAL.sub("", text) if XML_ILLEGAL.search(text) else text
