"""Export links for a search result page (every result of the search, not just the page shown)."""

from __future__ import annotations

from django import template

from socialmission.core.reversing import cached_reverse
from socialmission.interop.exports import EXPORTS, FILE_FORMATS, STYLE_FORMATS
from socialmission.library.search import SearchParams

register = template.Library()


@register.simple_tag
def search_export_links(params: SearchParams) -> list[dict[str, str]]:
    """[{label, url}] for every export format, carrying the search's query and filters."""
    query = params.urlencode(page=False)
    links = []
    for key in (*FILE_FORMATS, *STYLE_FORMATS):
        url = cached_reverse("exports:search", fmt=key)
        links.append({"label": EXPORTS[key].label, "url": f"{url}?{query}" if query else url})
    return links
