"""``{% cached_url 'name' arg key=value %}``: ``{% url %}`` for the addresses every page names,
reversed once per process (``core.reversing``). No ``as``: where a page needs a variable, it
uses ``{% url %}``."""

from __future__ import annotations

from typing import Any

from django import template

from socialmission.core.reversing import cached_reverse

register = template.Library()


@register.simple_tag
def cached_url(viewname: str, *args: Any, **kwargs: Any) -> str:
    return cached_reverse(viewname, *args, **kwargs)
