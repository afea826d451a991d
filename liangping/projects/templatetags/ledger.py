"""Template filters of the ledger pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def wan(value: Any) -> str:
    """An amount in 万元 with thousands separators: 2,000,000 or 1,234.50; "—" when empty."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if amount == amount.to_integral():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


@register.simple_tag
def select_options(options: Any, current: str) -> str:
    """The <option> elements of a filter (`Option`s), the current value selected: built as one
    string, since a province's ledger offers hundreds of leaders, departments and specialists and a
    template loop would render each option node by node."""
    rendered = getattr(options, "html", None)  # an OptionList: rendered when it was made
    if rendered is not None:
        if not current:
            return mark_safe(rendered)  # escaped when rendered
        value = escape(current)
        return mark_safe(rendered.replace(f'<option value="{value}">', f'<option value="{value}" selected>'))
    parts = []
    for o in options:
        selected = " selected" if o.value == current else ""
        parts.append(f'<option value="{escape(o.value)}"{selected}>{escape(o.label)}</option>')
    return mark_safe("".join(parts))  # every value and label is escaped above


@register.simple_tag
def name_options(names: Any, current: Any) -> str:
    """The <option> elements of a filter whose values are the names shown (the grading board's
    districts, departments and leaders), the current one selected: one string, as `select_options`
    (a province's board offers hundreds)."""
    return mark_safe(  # every name is escaped here
        "".join(f"<option{' selected' if n == current else ''}>{escape(n)}</option>" for n in names)
    )
