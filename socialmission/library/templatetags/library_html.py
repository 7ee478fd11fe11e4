"""The two most repeated pieces of markup, a result and a facet's checkboxes, built in Python.

A search page renders 20 results with their tags and some 50 facet values: about 700 template
variables, which took a third of the page's CPU time. Built here with ``html.escape`` directly
(``_escape``: what autoescaping writes, without Django's per-call wrappers; through
``format_html`` they were still a fifth of a search page's CPU time), each tag link once per
process. ``tests/test_library_html.py`` checks the output against ``format_html``'s.
"""

from __future__ import annotations

import functools
import html

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from socialmission.library.search import FacetResult, ResultItem

register = template.Library()

_ZERO = mark_safe(' class="facet-zero"')
_CHECKED = mark_safe(" checked")
_DOT = mark_safe('<span aria-hidden="true"> · </span>')


@register.simple_tag
def facet_values(facet: FacetResult, part: str = "shown") -> SafeString:
    """The <li> items of a facet's checkbox list: the values shown first, or (``"more"``) those
    behind its "more" disclosure."""
    values = facet.more if part == "more" else facet.shown
    key = _escape(facet.key)
    language = get_language()
    items = []
    for value in values:
        slug = _escape(value.slug)
        zero = "" if value.count or value.selected else _ZERO
        checked = _CHECKED if value.selected else ""
        noun = _resources(language, value.count)
        items.append(
            f'<li{zero}><input type="checkbox" id="f-{key}-{slug}" name="{key}" value="{slug}"'
            f'{checked}><label for="f-{key}-{slug}">{_escape(value.label)} '
            f'<span class="facet-count">({_escape(value.count)}'
            f'<span class="visually-hidden"> {noun}</span>)</span></label></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308  every value above is escaped


@functools.lru_cache(maxsize=2048)
def _resources(language: str, count: int) -> str:
    """ "resource" or "resources" as the count wants it in the active language (``language``,
    passed only to key the cache): some 50 a page, most counts repeating."""
    return html.escape(ngettext("resource", "resources", count))


@functools.lru_cache(maxsize=64)
def _tags_list_open(language: str) -> str:
    return f'<ul class="tags" aria-label="{html.escape(gettext("Tags"))}">'


def _escape(value: object) -> str:
    """What autoescaping writes for a value (``conditional_escape``): markup marked safe as it
    is, anything else escaped with ``html.escape``. Without Django's per-call wrappers: the
    result list escapes some 900 values a page."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@functools.lru_cache(maxsize=4096, typed=True)  # typed: a SafeString label is not a str one
def _tag_link(href: str, label: str) -> str:
    # Tags repeat from result to result and page to page (a vocabulary's few dozen terms).
    return f'<li><a href="{_escape(href)}">{_escape(label)}</a></li>'


@register.simple_tag
def result_item(item: ResultItem) -> SafeString:
    """One search result: type, title (highlighted), byline, snippet and tag links."""
    badge = item.type[1]
    if item.evidence and item.evidence[0] != "not-assessed":
        badge = f"{badge} · {item.evidence[1]}"
    # title_html and snippet come from the engine already escaped, with <mark> around matches.
    title = item.title_html if item.title_html else _escape(item.title)
    meta = _escape(item.byline)
    if item.year:
        meta = f"{meta}{_DOT}{_escape(item.year)}"
    if item.venue:
        meta = f"{meta}{_DOT}<cite>{_escape(item.venue)}</cite>"
    snippet = ""
    if item.snippet:
        snippet = f'<p class="snippet">{item.snippet}</p>'
    elif item.summary:
        snippet = f'<p class="snippet">{_escape(item.summary)}</p>'
    tags = ""
    if item.tag_links:
        links = "".join(_tag_link(href, label) for label, href in item.tag_links)
        tags = f"{_tags_list_open(get_language())}{links}</ul>"
    return mark_safe(  # noqa: S308  every value above is escaped or comes escaped
        f'<li class="result">\n  <p class="type-badge">{_escape(badge)}</p>\n'
        f'  <h3><a href="{_escape(item.url)}">{title}</a></h3>\n  <p class="meta">{meta}</p>\n'
        f"  {snippet}\n  {tags}\n</li>"
    )
