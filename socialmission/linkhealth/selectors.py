"""Reads for the curators' links page and the resource page's panel."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When

from socialmission.library.models import Resource
from socialmission.linkhealth.models import NEEDS_ATTENTION, Link, Status


@dataclass(frozen=True)
class LinkFilters:
    status: str = ""  # "" means every status that needs a curator
    kind: str = ""
    q: str = ""


def attention_queue(filters: LinkFilters) -> QuerySet[Link]:
    """Broken and moved links (or one status), broken first, most recently checked first."""
    links = Link.objects.select_related("resource", "checked_by_hand_by").prefetch_related(
        "checks__checked_by"
    )
    if filters.status:
        links = links.filter(status=filters.status)
    else:
        links = links.filter(status__in=NEEDS_ATTENTION)
    if filters.kind:
        links = links.filter(kind=filters.kind)
    if filters.q:
        links = links.filter(resource__title__icontains=filters.q)
    return links.annotate(
        rank=Case(
            When(status=Status.BROKEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("rank", "-last_checked_at", "pk")


def links_of(resource: Resource) -> list[Link]:
    return list(
        Link.objects.filter(resource=resource)
        .prefetch_related("checks__checked_by")
        .order_by("kind")
    )
