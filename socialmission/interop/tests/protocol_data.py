"""Resources for the protocol tests (OAI-PMH, API, feeds, sitemap, dump): tagged by default."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from socialmission.interop.tests.builders import make_resource
from socialmission.library.models import Resource


def tagged_resource(
    *,
    domains: Sequence[str] = ("pathways-admission-graduation",),
    topics: Sequence[str] = ("diversity-inclusion-belonging",),
    professions: Sequence[str] = ("medicine",),
    **fields: Any,
) -> Resource:
    """A published resource with a domain, a topic and a profession; withdrawn ones keep the
    date they were published, as the moderation workflow leaves it."""
    if fields.get("status") == Resource.Status.WITHDRAWN:
        fields.setdefault("published_at", timezone.now())
    return make_resource(
        domains=tuple(domains), topics=tuple(topics), professions=tuple(professions), **fields
    )
