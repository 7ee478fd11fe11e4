"""``{% sections "slot" %}``: render the sections apps registered for a page slot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import template
from django.utils.safestring import SafeString, mark_safe

from socialmission.core.sections import sections_of

register = template.Library()


@register.simple_tag(takes_context=True)
def sections(context: template.Context, slot: str) -> SafeString:
    parts = []
    request = context.get("request")
    page: Mapping[str, Any] | None = None
    for section in sections_of(slot):
        extra: Mapping[str, Any] | None = {}
        if section.context:
            # Flattened once per slot, and only for sections that read it.
            if page is None:
                page = cast(Mapping[str, Any], context.flatten())
            extra = section.context(request, page)
        if extra is None:
            continue
        # The same lookup and autoescaping as {% include %}: the section sees the page's context.
        compiled = context.template.engine.get_template(section.template)  # type: ignore[union-attr]
        with context.push(**extra):
            parts.append(compiled.render(context))
    # Each part is the output of a template, escaped by the template engine itself.
    return mark_safe("".join(parts))  # noqa: S308
