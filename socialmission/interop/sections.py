"""What interop adds to the library's pages (registered in ``InteropConfig.ready()``).

Feed links in the head of the home and search pages, the citation, page metadata and export
links of a resource page, the export links of a search and of the whole library. See
``core.sections`` for the slots.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import mark_safe

from socialmission.bibliography.citations import STYLES, format_citation
from socialmission.core import sections
from socialmission.interop.records import resource_to_record

DEFAULT_STYLE = "ama"


def citation_context(request: HttpRequest | None, page: Mapping[str, Any]) -> dict[str, Any] | None:
    """The resource's formatted citation in the style ``?style=`` asks for (AMA otherwise)."""
    style = request.GET.get("style", DEFAULT_STYLE) if request is not None else DEFAULT_STYLE
    if style not in STYLES:
        style = DEFAULT_STYLE
    html = format_citation(resource_to_record(page["resource"]), style)
    if not html:
        return None
    return {
        # Safe: citeproc escapes the record's text (bibliography.citations).
        "citation": mark_safe(html),  # noqa: S308
        "citation_styles": dict(STYLES),
        "citation_style": style,
    }


def register() -> None:
    for page in ("home", "search"):
        sections.register(
            f"{page}.head", name="interop-feeds", template="interop/includes/feed_links.html"
        )
    sections.register("home.end", name="interop-exports", template="interop/library_exports.html")
    sections.register(
        "search.before_results", name="interop-exports", template="interop/search_exports.html"
    )
    sections.register("resource.head", name="interop-meta", template="interop/resource_meta.html")
    sections.register(
        "resource.after_header",
        name="interop-citation",
        template="interop/resource_citation.html",
        context=citation_context,
    )
    sections.register(
        "resource.after_details",
        name="interop-exports",
        template="interop/resource_exports.html",
    )
