"""Reads for the library's pages that are more than a filter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q

from socialmission.library.models import Resource
from socialmission.library.search import (
    FacetResult,
    SearchParams,
    cross_counts,
    vocabulary_terms,
)


def evidence_gap_map(facets: Sequence[FacetResult] | None = None) -> dict[str, Any]:
    """Domain × topic matrix of published resource counts; each cell links to its search.

    From one aggregation over the index (``search.cross_counts``), cached until the index
    changes. ``facets``: the facets of a search made in the same request (their terms and
    labels), so that the vocabulary is not looked up again.
    """
    if facets is None:
        terms = vocabulary_terms()
        cross = cross_counts("domain", "topic")
    else:
        terms = {f.key: [(v.slug, v.label) for v in f.values] for f in facets}
        cross = cross_counts("domain", "topic", after_search=True)
    topics = terms.get("topic", [])
    rows = []
    for slug, label in terms.get("domain", []):
        counts = cross.get(slug, {})
        cells = [
            {
                "topic": topic_label,
                "count": counts.get(topic_slug, 0),
                "url": "?"
                + SearchParams(filters={"domain": (slug,), "topic": (topic_slug,)}).urlencode(),
            }
            for topic_slug, topic_label in topics
        ]
        rows.append({"domain": label, "slug": slug, "total": counts.get("", 0), "cells": cells})
    return {"topics": [label for _, label in topics], "rows": rows}


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
