"""Resources for the interop tests, built on the seeded vocabularies (no tags unless asked)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from socialmission.library.models import Domain, Profession, Resource, ResourceType, Topic


def make_resource(
    *,
    type_slug: str = "article",
    domains: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
    professions: tuple[str, ...] = (),
    **fields: Any,
) -> Resource:
    """A saved resource; published unless ``status`` says otherwise."""
    values: dict[str, Any] = {
        "title": "Holistic admissions and the diversity of medical school classes",
        "authors": [{"family": "Grbic", "given": "Douglas"}, {"family": "Urban", "given": "K"}],
        "year": 2019,
        "venue": "Academic Medicine",
        "volume": "94",
        "issue": "3",
        "pages": "396-403",
        "doi": "10.1097/acm.0000000000002446",
        "pmid": "30188371",
        "url": "https://journals.lww.com/academicmedicine/example",
        "keywords": "admissions; diversity",
        "description": "A national study of holistic review.",
        "status": Resource.Status.PUBLISHED,
    }
    values.update(fields)
    if values["status"] == Resource.Status.PUBLISHED and not values.get("published_at"):
        values["published_at"] = timezone.now()
    resource = Resource.objects.create(
        resource_type=ResourceType.objects.get(slug=type_slug), **values
    )
    if domains:
        resource.domains.set(Domain.objects.filter(slug__in=domains))
    if topics:
        resource.topics.set(Topic.objects.filter(slug__in=topics))
    if professions:
        resource.professions.set(Profession.objects.filter(slug__in=professions))
    return resource
