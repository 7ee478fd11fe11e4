"""``{% sections "slot" %}``: render the sections apps registered for a page slot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import template
from django.utils.safestring import SafeString, mark_safe

from socialmission.core.sections import engine_of, render_slot, sections_of

register = template.Library()


@register.simple_tag(takes_context=True)
def sections(context: template.Context, slot: str) -> SafeString:
    request = context.get("request")
    found = sections_of(slot)
    if any(engine_of(section.template) != "django" for section in found):
        # A Jinja2 section gets the page's context as a mapping.
        return render_slot(slot, request, cast(Mapping[str, Any], context.flatten()))
    parts = []
    page: Mapping[str, Any] | None = None
    for section in found:
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
