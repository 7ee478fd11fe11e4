"""Template helpers for contribution pages: role checks for showing curator links."""

from __future__ import annotations

from typing import Any

from django import template

from socialmission.accounts import roles

register = template.Library()


@register.filter
def is_curator(user: Any) -> bool:
    return roles.is_curator(user)


@register.filter
def is_editor_in_chief(user: Any) -> bool:
    return roles.is_editor_in_chief(user)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or None: a template's look-up by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
