"""{{ value|distance }}: a distance to 10th/5th/3rd in the words the screen and the exports use."""

from __future__ import annotations

from decimal import Decimal

from django import template

from liangping.indicators.ranking import DISTANCE_LEGEND, distance_text

register = template.Library()


@register.filter
def distance(value: Decimal | None) -> str:
    return distance_text(value)


@register.simple_tag
def distance_legend() -> str:
    return DISTANCE_LEGEND
