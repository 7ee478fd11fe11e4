"""What the home page says about the whole-library files (a search's export links are the
``search.before_results`` section of interop/sections.py)."""

from __future__ import annotations

from django import template

from socialmission.interop import dumps

register = template.Library()


@register.simple_tag
def library_dump() -> dumps.Manifest | None:
    """The manifest of the whole-library files (count, build time), or None before the first."""
    return dumps.read_manifest()
