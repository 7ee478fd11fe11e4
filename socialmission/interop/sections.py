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
from socialmission.core.reversing import cached_reverse
from socialmission.interop.exports import EXPORTS, FILE_FORMATS, STYLE_FORMATS, search_export_cap
from socialmission.interop.records import resource_to_record
from socialmission.library.search import SearchParams

DEFAULT_STYLE = "ama"
# A search's feeds, in the order the head links them.
FEEDS = ("atom", "rss")


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


def feeds_context(request: HttpRequest | None, page: Mapping[str, Any]) -> dict[str, Any]:
    """The search's own feeds (Atom, RSS) for the head of a page, or None outside a search or
    for the whole library. Page and sort are left out: a feed lists the newest additions first.
    """
    params = page.get("params")
    if not isinstance(params, SearchParams):
        return {"search_feeds": None}
    if params.sort != "relevance":
        params = params.with_changes(sort="relevance")
    query = params.urlencode(page=False)
    if not query:
        return {"search_feeds": None}
    feeds = tuple(f"{cached_reverse(f'interop:feed-search-{kind}')}?{query}" for kind in FEEDS)
    return {"search_feeds": feeds}


def search_export_links(params: SearchParams, total: int | None = None) -> list[dict[str, object]]:
    """[{label, url, cap, over}] for every export format, carrying the search's query and
    filters; ``over`` when ``total`` results are more than that format's export holds."""
    query = params.urlencode(page=False)
    links: list[dict[str, object]] = []
    for key in (*FILE_FORMATS, *STYLE_FORMATS):
        url = cached_reverse("exports:search", fmt=key)
        cap = search_export_cap(key)
        links.append(
            {
                "label": EXPORTS[key].label,
                "url": f"{url}?{query}" if query else url,
                "cap": cap,
                "over": total is not None and total > cap,
            }
        )
    return links


def search_exports_context(request: HttpRequest | None, page: Mapping[str, Any]) -> dict[str, Any]:
    """The export links of the search shown, and the most records a search export holds: as
    files, and as formatted references."""
    records = search_export_cap(FILE_FORMATS[0])
    citations = search_export_cap(STYLE_FORMATS[0])
    return {
        "export_links": search_export_links(page["params"], page["results"].total),
        "caps": {"records": records, "citations": citations, "lowest": min(records, citations)},
    }


def register() -> None:
    for page in ("home", "search"):
        sections.register(
            f"{page}.head",
            name="interop-feeds",
            template="interop/feed_links.jinja",
            context=feeds_context,
        )
    sections.register("home.end", name="interop-exports", template="interop/library_exports.html")
    sections.register(
        "search.before_results",
        name="interop-exports",
        template="interop/search_exports.jinja",
        context=search_exports_context,
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
