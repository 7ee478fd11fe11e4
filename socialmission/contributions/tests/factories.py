"""Factories for contributions (users holding each role: ``accounts/tests/factories.py``)."""

from __future__ import annotations

import factory
from django.utils import timezone

from socialmission.contributions import models as m
from socialmission.library.models import ResourceType


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Suggestion
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Community-based learning in rural clinics, part {n}")
    url = "https://example.org/article"
    doi = factory.Sequence(lambda n: f"10.5555/suggested.{n}")
    resource_type = factory.LazyFunction(lambda: ResourceType.objects.get(slug="article"))
    why = "Shows how to start."
    submitter_name = "Sam Suggester"
    submitter_email = "sam@example.org"


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Nomination

    nominee_name = factory.Sequence(lambda n: f"Dr Nominee {n}")
    profession = "Medicine"
    institution = "Example University"
    role = "Dean"
    story = "Built a pathway program for first-generation students."
    links = "https://example.org/profile"
    consent = True
    submitter_name = "Nora Nominator"
    submitter_email = "nora@example.org"


class ChampionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Champion

    name = factory.Sequence(lambda n: f"Champion {n}")
    profession = "Nursing"
    institution = "Example College"
    story = "Led community partnerships."
    is_published = True
    published_at = factory.LazyFunction(timezone.now)
