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
    parts = []
    for o in options:
        selected = " selected" if o.value == current else ""
        parts.append(f'<option value="{escape(o.value)}"{selected}>{escape(o.label)}</option>')
    return mark_safe("".join(parts))  # every value and label is escaped above
