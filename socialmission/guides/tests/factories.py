"""Factories for reading guides."""

from __future__ import annotations

import factory

from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.library.models import Resource
from socialmission.library.tests.factories import ResourceFactory


class ReadingGuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingGuide

    title = factory.Sequence(lambda n: f"Getting started with social mission, part {n}")
    slug = factory.Sequence(lambda n: f"getting-started-{n}")
    summary = "Where to begin reading about the social mission of health professions schools."
    learning_objectives = "Define social mission\nName three admissions practices"
    introduction = "Read these in order."
    is_published = True


def guide_with(resources: list[Resource], **fields: object) -> ReadingGuide:
    """A guide listing ``resources`` in the given order, annotated "Note on <title>"."""
    guide = ReadingGuideFactory(**fields)
    for position, resource in enumerate(resources, start=1):
        ReadingGuideItem.objects.create(
            guide=guide,
            resource=resource,
            position=position * 10,
            annotation=f"Note on {resource.title}",
        )
    return guide


def resources(*titles: str, **fields: object) -> list[Resource]:
    return [ResourceFactory(title=title, **fields) for title in titles]
