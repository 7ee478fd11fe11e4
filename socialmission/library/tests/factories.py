"""Factories for library models; vocabularies come from the seeding migration."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from socialmission.library import models as m


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Resource number {n}")
    authors = factory.LazyFunction(lambda: [{"family": "Mullan", "given": "F"}])
    year = 2020
    venue = "Academic Medicine"
    description = "A resource about social mission."
    resource_type = factory.LazyFunction(lambda: m.ResourceType.objects.get(slug="article"))
    status = m.Resource.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def domains(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.domains.set(m.Domain.objects.filter(slug__in=extracted))

    @factory.post_generation
    def topics(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.topics.set(m.Topic.objects.filter(slug__in=extracted))

    @factory.post_generation
    def professions(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.professions.set(m.Profession.objects.filter(slug__in=extracted))
