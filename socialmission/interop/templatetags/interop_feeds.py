"""Template helpers for feed links."""

from __future__ import annotations

from django import template

from socialmission.core.reversing import cached_reverse
from socialmission.library.search import SearchParams

register = template.Library()


@register.simple_tag
def search_feed_url(params: SearchParams | None, kind: str = "atom") -> str:
    """The feed of a search's new resources, or "" when the search is the whole library.

    Page and sort are left out: a feed always lists the newest additions first.
    """
    if not isinstance(params, SearchParams):
        return ""
    query = params.with_changes(sort="relevance").urlencode(page=False)
    if not query:
        return ""
    return f"{cached_reverse(f'interop:feed-search-{kind}')}?{query}"
