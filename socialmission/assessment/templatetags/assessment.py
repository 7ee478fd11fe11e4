"""Small template helpers of the self-assessment pages."""

from __future__ import annotations

from typing import Any

from django import template

from socialmission.assessment.selectors import Row

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)


@register.simple_tag
def answer_value(row: Row, posted: dict[str, dict[str, str]]) -> str:
    """The value to show: what was just posted (when the page comes back with errors), or stored."""
    if row.indicator.id in posted:
        return posted[row.indicator.id]["value"]
    return row.value


@register.simple_tag
def posted_or(
    posted: dict[str, dict[str, str]], indicator_id: str, field: str, stored: str | None
) -> str:
    if indicator_id in posted:
        return posted[indicator_id][field]
    return stored or ""


@register.filter
def score(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


@register.filter
def signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.0f}"
