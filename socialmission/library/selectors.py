"""Reads for the library's pages that are more than a filter."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from socialmission.library.models import Resource
from socialmission.library.search import SearchParams, cross_counts, vocabulary_terms

GAP_MAP_ROWS = "domain"
GAP_MAP_COLUMNS = "topic"
# The facets the gap map page filters by (the rows and columns are its other two).
GAP_MAP_FILTERS = ("profession", "type", "evidence")
GAP_MAP_LEVELS = 4  # shades of a cell with resources; 0 has its own


def _shade(count: int, highest: int) -> int:
    """0 for an empty cell, else 1…GAP_MAP_LEVELS by the cell's share of the highest count."""
    if count <= 0 or highest <= 0:
        return 0
    return min(GAP_MAP_LEVELS, -(-GAP_MAP_LEVELS * count // highest))


def evidence_gap_map(params: SearchParams | None = None) -> dict[str, Any]:
    """Domain × topic matrix of published resource counts under ``params`` (its filters), with
    row and column totals; each number links to the search it counts and equals its total.

    One engine call (``search.cross_counts``), cached by the engine until the index changes.
    """
    base = params or SearchParams()
    terms = vocabulary_terms()
    counts = cross_counts(base, GAP_MAP_ROWS, GAP_MAP_COLUMNS)
    highest = max(counts.cells.values(), default=0)

    def url(**selection: str) -> str:
        filters = dict(base.filters)
        filters.update({key: (slug,) for key, slug in selection.items()})
        return "?" + base.with_changes(filters=filters, page=1).urlencode()

    topics = terms.get(GAP_MAP_COLUMNS, [])
    rows = []
    for slug, label in terms.get(GAP_MAP_ROWS, []):
        cells = []
        for topic_slug, topic_label in topics:
            number = counts.cells.get((slug, topic_slug), 0)
            cells.append(
                {
                    "topic": topic_label,
                    "count": number,
                    "level": _shade(number, highest),
                    "url": url(domain=slug, topic=topic_slug),
                }
            )
        rows.append(
            {
                "domain": label,
                "slug": slug,
                "total": counts.rows.get(slug, 0),
                "url": url(domain=slug),
                "cells": cells,
            }
        )
    columns = [
        {"topic": label, "slug": slug, "total": counts.columns.get(slug, 0), "url": url(topic=slug)}
        for slug, label in topics
    ]
    return {
        "topics": [label for _, label in topics],
        "columns": columns,
        "rows": rows,
        "total": counts.total,
        "url": url(),
        "legend": _legend(highest),
    }


def _legend(highest: int) -> list[dict[str, Any]]:
    """The shades and the counts each stands for (empty ranges left out)."""
    legend = [{"level": 0, "low": 0, "high": 0}]
    previous = 0
    for level in range(1, GAP_MAP_LEVELS + 1):
        high = highest * level // GAP_MAP_LEVELS
        if high > previous:
            legend.append({"level": level, "low": previous + 1, "high": high})
            previous = high
    return legend


def related_resources(resource: Resource, limit: int = 5) -> list[Resource]:
    """Published resources sharing the most domains and topics with this one."""
    domain_ids = [d.pk for d in resource.domains.all()]
    topic_ids = [t.pk for t in resource.topics.all()]
    if not domain_ids and not topic_ids:
        return []
    return list(
        Resource.objects.published()
        .exclude(pk=resource.pk)
        .annotate(
            shared=Count("domains", filter=Q(domains__in=domain_ids), distinct=True)
            + Count("topics", filter=Q(topics__in=topic_ids), distinct=True)
        )
        .filter(shared__gt=0)
        .select_related("resource_type")
        .order_by("-shared", "-published_at", "pk")[:limit]
    )
