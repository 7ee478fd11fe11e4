"""Reads for the library's pages that are more than a filter."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from socialmission.library.models import Resource
from socialmission.library.search import SearchParams, search, vocabulary_terms


def evidence_gap_map() -> dict[str, Any]:
    """Domain × topic matrix of published resource counts; each cell links to its search.

    One filtered search per domain; the engine caches their facet counts until the index
    changes, so a repeated home page costs little.
    """
    terms = vocabulary_terms()
    topics = terms.get("topic", [])
    rows = []
    for slug, label in terms.get("domain", []):
        results = search(SearchParams(filters={"domain": (slug,)}, per_page=1))
        topic_counts = {
            v.slug: v.count for f in results.facets if f.key == "topic" for v in f.values
        }
        cells = [
            {
                "topic": topic_label,
                "count": topic_counts.get(topic_slug, 0),
                "url": "?"
                + SearchParams(filters={"domain": (slug,), "topic": (topic_slug,)}).urlencode(),
            }
            for topic_slug, topic_label in topics
        ]
        rows.append({"domain": label, "slug": slug, "total": results.total, "cells": cells})
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
