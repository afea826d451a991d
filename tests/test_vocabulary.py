"""One vocabulary: what people read is Chinese.

Every user-visible template text (and its title, placeholder, aria-label and alt attributes), every
Chinese string in the Python that can reach a page, an export, a message or an API answer, and every
Chinese string of the pages' scripts, is checked for

- English words outside an allow-list of codes, units and product names (Excel, ECharts, GDP, API …)
  and the codes the API accepts (the `choices` of the models);
- internal references (the design notes' 「DOMAIN §9」, 「快照第1版」);
- an ASCII colon after Chinese text (「考核期:」 is written 「考核期：」).

Left out: docstrings, log messages, regular expressions, and the command line and settings, whose
messages are for the operator at a terminal and name commands, options and variables.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent / "liangping"
CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"(?<![\w./:@#-])[A-Za-z][A-Za-z]+(?![\w-])")
# A command to type (「请运行 liangping audit verify」) is code, not prose.
COMMAND = re.compile(r"\bliangping(?: -{0,2}[a-z][a-z-]*)+")
INTERNAL = re.compile(r"DOMAIN|ENGINEERING|§|快照第")
ASCII_COLON = re.compile(r"[\u3400-\u9fff）]:(?!//)")

ALLOWED = {
    # file formats and units
    "Excel",
    "Word",
    "CSV",
    "PDF",
    "JPG",
    "JPEG",
    "PNG",
    "WEBP",
    "JSON",
    "MB",
    "KB",
    "GWh",
    "GB",
    "UTF",
    "GBK",
    "xlsx",
    "xls",
    "csv",
    "docx",
    # products and standards
    "CAP",  # OASIS Common Alerting Protocol 1.2 (warnings), with the codes its files carry
    "XML",
    "DOCTYPE",
    "HTTP",
    "Actual",
    "Exercise",
    "Cancel",
    "Extreme",
    "Severe",
    "Moderate",
    "Minor",
    "ECharts",
    "SQLite",
    "PostgreSQL",
    "Redis",
    "FreeOTP",
    "Google",
    "Microsoft",
    "Authenticator",
    "EXIF",
    "GPS",
    "TOTP",
    "OTP",
    "SHA",
    "CSRF",
    "API",
    "HTTPS",
    "URL",
    "IP",
    "GDP",
    "ID",
    "Ctrl",
    "liangping",
    # codes of the API: JSON literals, date formats, the HTTP header of a token
    "true",
    "false",
    "null",
    "YYYY",
    "MM",
    "DD",
    "Authorization",
    "Bearer",
}
# Words recognised in uploaded files (a note row starting 注: or 说明:), never shown.
RECOGNISED = {"注:", "说明:", "备注:"}
# Operator-facing: command line, settings and their helpers (a terminal, not a page).
OPERATOR = (
    "management/commands/",
    "settings.py",
    "env.py",
    "notices/queue.py",
    "accounts/checks.py",
    "core/backup.py",
    "demo/serving.py",
    "kinds/spec.py",  # a kind file's checker: its messages quote the file's own keys
    "appeals/open311.py",  # a standard's machine interface: its errors quote the parameters to fix
)


def choice_codes() -> set[str]:
    codes = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "choices", None) or []:
                if isinstance(value, str):
                    codes.update(value.split("_"))
    return codes


def template_texts(path: Path) -> Iterator[str]:
    s = path.read_text()
    s = re.sub(r"{#.*?#}|<!--.*?-->", " ", s, flags=re.S)
    s = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", s, flags=re.S)
    s = re.sub(r"<(script|style)\b.*?</\1>", " ", s, flags=re.S)
    s = re.sub(r"{%.*?%}|{{.*?}}", " ", s, flags=re.S)
    yield from re.findall(r'\b(?:title|placeholder|aria-label|alt)\s*=\s*"([^"]*)"', s)
    yield re.sub(r"<[^>]*>", " ", s)


def python_texts(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):  # docstrings
            skip.add(id(node.value))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in {"logger", "log", "logging", "re"}
        ):
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "{}".join(v.value for v in node.values if isinstance(v, ast.Constant))
            skip.update(id(v) for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if CJK.search(text) and not text.startswith("^"):
            yield re.sub(r"<[^>]*>", " ", text)


def script_texts(path: Path) -> Iterator[str]:
    for literal in re.findall(r'"((?:[^"\\\n]|\\.)*)"', path.read_text()):
        if CJK.search(literal):
            yield literal


def sources() -> Iterator[tuple[str, str]]:
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        for text in template_texts(path):
            yield str(path.relative_to(ROOT)), text
    for path in sorted(ROOT.rglob("*.py")):
        rel = str(path.relative_to(ROOT))
        if "migrations" in path.parts or any(part in rel for part in OPERATOR):
            continue
        for text in python_texts(path):
            yield rel, text
    for path in sorted(ROOT.rglob("static/**/*.js")):
        if "vendor" not in path.parts:
            for text in script_texts(path):
                yield str(path.relative_to(ROOT)), text


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    return list(sources())


def test_the_scan_sees_templates_messages_and_scripts(texts):
    where = {path for path, _t in texts}
    assert (
        "templates/base.html" in where
        and "core/errors.py" in where
        and "screen/static/screen/screen.js" in where
    )
    assert any("无权查看或不存在" in t for _p, t in texts)


def test_no_english_words_in_what_people_read(texts):
    allowed = ALLOWED | choice_codes()
    found = sorted(
        {
            f"{path}：{word}（{' '.join(text.split())[:60]}）"
            for path, text in texts
            for word in WORD.findall(COMMAND.sub(" ", re.sub(r"{[^{}]*}|%\(\w+\)s", " ", text)))
            if word not in allowed
        }
    )
    assert not found, (
        "页面文字中有英文单词（请改为中文，或确为代码、单位、产品名时加入允许列表）：\n" + "\n".join(found)
    )


def test_no_internal_references_and_full_width_colons(texts):
    found = sorted(
        {
            f"{path}：{' '.join(text.split())[:80]}"
            for path, text in texts
            if INTERNAL.search(text) or (ASCII_COLON.search(text) and text not in RECOGNISED)
        }
    )
    assert not found, "页面文字中有内部引用或半角冒号：\n" + "\n".join(found)
