"""Reads of reading guides for pages, exports and the home page.

Public reads only ever return published guides and, inside a guide, published resources; a
curator may read an unpublished guide (to preview it) but still sees only published resources,
because the list is what the public will get once the guide is published.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from socialmission.accounts.models import User
from socialmission.accounts.roles import is_curator
from socialmission.bibliography.citations import format_citation
from socialmission.bibliography.text import normalize_doi, normalize_pmid
from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.interop.page_metadata import json_ld
from socialmission.interop.records import resource_to_record
from socialmission.library.models import Resource

CITATION_STYLE = "ama"


@dataclass(frozen=True)
class GuideEntry:
    position: int
    item: ReadingGuideItem
    resource: Resource
    citation: SafeString


def _with_counts(guides: QuerySet[ReadingGuide]) -> QuerySet[ReadingGuide]:
    published_items = Q(items__resource__status=Resource.Status.PUBLISHED)
    return guides.annotate(resource_count=Count("items", filter=published_items))


def published_guides(limit: int | None = None) -> list[ReadingGuide]:
    """Published guides, newest first, each with ``resource_count`` (its published resources)."""
    guides = _with_counts(ReadingGuide.objects.published().order_by("-published_at", "title"))
    if limit is not None:
        guides = guides[:limit]
    return list(guides)


def guide_for_viewer(slug: str, user: User | AnonymousUser) -> ReadingGuide:
    """The guide at ``slug``; an unpublished one only for curators, else ``Http404``."""
    guide = ReadingGuide.objects.filter(slug=slug).first()
    if guide is None or (not guide.is_published and not is_curator(user)):
        raise Http404(gettext("No such reading guide."))
    return guide


def guide_items(guide: ReadingGuide) -> list[ReadingGuideItem]:
    """The guide's items whose resource is published, in the guide's order."""
    return list(
        guide.items.filter(resource__status=Resource.Status.PUBLISHED)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch("resource", queryset=Resource.objects.with_vocabularies()),
        )
    )


def guide_resource_ids(guide: ReadingGuide) -> list[int]:
    """Ids of the guide's published resources, in the guide's order (for exports)."""
    return [item.resource_id for item in guide_items(guide)]


def guide_entries(guide: ReadingGuide) -> list[GuideEntry]:
    """The guide's items with each resource's formatted citation, numbered from 1."""
    entries = []
    for number, item in enumerate(guide_items(guide), start=1):
        # Safe: citeproc's HTML output escapes every character taken from the record; the only
        # markup in it is the style's own (<i>, <b>, ...).
        citation = mark_safe(format_citation(resource_to_record(item.resource), CITATION_STYLE))  # noqa: S308
        entries.append(GuideEntry(number, item, item.resource, citation))
    return entries


def item_list_json_ld(guide: ReadingGuide, entries: list[GuideEntry], *, base_url: str) -> str:
    """schema.org ItemList for the guide page, safe to put inside a <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": guide.title,
        "description": guide.summary,
        "url": base_url + guide.get_absolute_url(),
        "numberOfItems": len(entries),
        "itemListOrder": "https://schema.org/ItemListOrderAscending",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": entry.position,
                "name": entry.resource.title,
                "url": base_url + entry.resource.get_absolute_url(),
            }
            for entry in entries
        ],
    }
    return json_ld(data)


# Curators' pages (guides/views_manage.py)

SEARCH_LIMIT = 20
QUERY_MAX = 200


def guides_for_curators() -> list[ReadingGuide]:
    """Every guide, drafts included, newest change first, each with ``item_count``."""
    return list(
        ReadingGuide.objects.annotate(item_count=Count("items")).order_by("-updated_at", "title")
    )


def items_for_editing(guide: ReadingGuide) -> list[ReadingGuideItem]:
    """All the guide's items in order, whatever their resource's status (curators see why a
    draft or withdrawn resource does not show on the public page)."""
    return list(guide.items.select_related("resource").order_by("position", "pk"))


def resources_to_add(guide: ReadingGuide, query: str) -> list[Resource]:
    """Published and draft resources matching ``query``: a DOI or PMID finds its resource, any
    other text matches titles containing every word. At most ``SEARCH_LIMIT``, none already in
    the guide."""
    query = " ".join(query.split())[:QUERY_MAX]
    if not query:
        return []
    candidates = Resource.objects.exclude(status=Resource.Status.WITHDRAWN).exclude(
        reading_guide_items__guide=guide
    )
    doi = normalize_doi(query)
    if doi:
        found = candidates.filter(doi__iexact=doi)
    elif query.isdigit() and normalize_pmid(query):
        found = candidates.filter(pmid=normalize_pmid(query))
    else:
        words = Q()
        for word in query.split()[:10]:
            words &= Q(title__icontains=word)
        found = candidates.filter(words)
    return list(found.select_related("resource_type").order_by("title", "pk")[:SEARCH_LIMIT])
