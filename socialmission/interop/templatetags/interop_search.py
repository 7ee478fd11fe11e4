"""Export links for a search result page (every result of the search, not just the page shown),
and what the home page says about the whole-library files."""

from __future__ import annotations

from django import template

from socialmission.core.reversing import cached_reverse
from socialmission.interop import dumps
from socialmission.interop.exports import EXPORTS, FILE_FORMATS, STYLE_FORMATS, search_export_cap
from socialmission.library.search import SearchParams

register = template.Library()


@register.simple_tag
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


@register.simple_tag
def search_export_caps() -> dict[str, int]:
    """The most records a search export holds: as files, and as formatted references."""
    records = search_export_cap(FILE_FORMATS[0])
    citations = search_export_cap(STYLE_FORMATS[0])
    return {"records": records, "citations": citations, "lowest": min(records, citations)}


@register.simple_tag
def library_dump() -> dumps.Manifest | None:
    """The manifest of the whole-library files (count, build time), or None before the first."""
    return dumps.read_manifest()
