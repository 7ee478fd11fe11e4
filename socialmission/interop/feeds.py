"""Atom and RSS feeds of newly published resources, for the whole library or for any search.

A search feed takes exactly the parameters of the search page, runs the same search through
``library.search`` and lists its newest additions (by the date the library published them,
not the year of the work), so a reader can follow "new resources on X".

Everything in these feeds is text that contributors, curators or the visitor (the search words
of a search feed) typed, and none of it may reach a feed reader as markup. Atom says so:
summaries are ``type="text"`` (titles and names are text by default). RSS has no type and
readers treat every ``<description>`` as HTML, so ours carry HTML we build from escaped text
(paragraphs and line breaks only): ``<script>`` typed by anyone arrives as those characters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import linebreaks
from django.utils.translation import gettext

from socialmission.interop.records import resource_to_record
from socialmission.library import models as m
from socialmission.library.facets import FACETS
from socialmission.library.search import SearchParams, search_ids

FEED_SIZE = 50


def text_as_html(text: str | None) -> str | None:
    """Plain text as the HTML an RSS reader expects: escaped, in paragraphs."""
    return None if text is None else linebreaks(text, autoescape=True)


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are text (Django writes ``type="html"``)."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class EscapedRssFeed(Rss201rev2Feed):
    """RSS 2.0 whose channel and item descriptions are escaped text, as HTML."""

    def add_root_elements(self, handler: Any) -> None:
        text = self.feed["description"]
        self.feed["description"] = text_as_html(text)
        try:
            super().add_root_elements(handler)
        finally:
            self.feed["description"] = text

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(
            handler, {**item, "description": text_as_html(item["description"])}
        )


def describe(params: SearchParams) -> str:
    """A short human description of a search: 'equity · Domain: Community Engagement'."""
    parts = [f"“{params.q}”"] if params.q else []
    for facet in FACETS:
        slugs = params.selected(facet.key)
        if not slugs:
            continue
        names = dict(facet.vocabulary.objects.filter(slug__in=slugs).values_list("slug", "name"))
        parts.append(f"{facet.label}: {', '.join(names.get(s, s) for s in slugs)}")
    if params.year_from is not None or params.year_to is not None:
        parts.append(f"Years: {params.year_from or ''}–{params.year_to or ''}")
    return " · ".join(parts) or "all resources"


def _author_names(resource: m.Resource) -> list[str]:
    # Through the Record mapping, which tolerates author entries of any shape.
    return [name.display() for name in resource_to_record(resource).authors]


class NewResourcesFeed(Feed):
    """The newest published resources of the library (RSS 2.0)."""

    feed_type: type[SyndicationFeed] = EscapedRssFeed

    def title(self) -> str:
        return gettext("%(site)s: new resources") % {"site": settings.SITE_NAME}

    def link(self) -> str:
        return reverse("library:home")

    def description(self) -> str:
        return gettext("Resources newly published in the %(site)s.") % {"site": settings.SITE_NAME}

    subtitle = description

    def get_feed(self, obj: Any, request: HttpRequest) -> SyndicationFeed:
        feed = super().get_feed(obj, request)
        # Each entry's permanent id is its absolute page URL, which Django has by now made
        # absolute for the link (it leaves a guid as given).
        for item in feed.items:
            item["unique_id"] = item["link"]
            item["unique_id_is_permalink"] = True
        return feed

    def items(self) -> Sequence[m.Resource]:
        return list(
            m.Resource.objects.published()
            .with_vocabularies()
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: m.Resource) -> str:
        return item.title

    def item_description(self, item: m.Resource) -> str:
        byline = "; ".join(_author_names(item)) or item.organization
        source = ", ".join(str(p) for p in (item.venue, item.year) if p)
        # Plain text: Atom marks it as text, RSS escapes it into HTML (module docstring).
        return "\n\n".join(p for p in (byline, source, item.description) if p)

    def item_link(self, item: m.Resource) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: m.Resource) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: m.Resource) -> datetime:
        return item.updated_at

    def item_author_name(self, item: m.Resource) -> str | None:
        return ", ".join(_author_names(item)) or item.organization or None

    def item_categories(self, item: m.Resource) -> list[str]:
        terms = [
            item.resource_type,
            *item.domains.all(),
            *item.topics.all(),
            *item.professions.all(),
        ]
        return [term.name for term in terms]


class NewResourcesAtomFeed(NewResourcesFeed):
    feed_type: type[SyndicationFeed] = PlainTextAtomFeed


class SearchFeed(NewResourcesFeed):
    """The newest published resources that a search finds (Atom; RSS at search.rss)."""

    feed_type: type[SyndicationFeed] = PlainTextAtomFeed

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> SearchParams:
        return SearchParams.from_query(request.GET).with_changes(page=1)

    def title(self, obj: SearchParams) -> str:  # type: ignore[override]
        return f"{settings.SITE_NAME}: new resources for {describe(obj)}"

    url_name = "interop:feed-search-atom"

    def link(self, obj: SearchParams) -> str:  # type: ignore[override]
        query = obj.urlencode(page=False)
        return reverse("library:search") + (f"?{query}" if query else "")

    def feed_url(self, obj: SearchParams) -> str:
        # The feed's own address (Atom rel="self") keeps the search it follows.
        query = obj.with_changes(sort="relevance").urlencode(page=False)
        return reverse(self.url_name) + (f"?{query}" if query else "")

    def description(self, obj: SearchParams) -> str:  # type: ignore[override]
        return gettext("Resources newly published in the %(site)s that match %(search)s.") % {
            "site": settings.SITE_NAME,
            "search": describe(obj),
        }

    subtitle = description  # type: ignore[assignment]

    def items(self, obj: SearchParams) -> Sequence[m.Resource]:  # type: ignore[override]
        # "added" is the engine's order by publication in the library, newest first.
        ids = search_ids(obj.with_changes(sort="added"), limit=FEED_SIZE)
        found = m.Resource.objects.published().with_vocabularies().in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]


class SearchRssFeed(SearchFeed):
    feed_type = EscapedRssFeed
    url_name = "interop:feed-search-rss"
