"""The guide models: publishing dates, constraints, ordering and the objectives list."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.guides.tests.factories import ReadingGuideFactory, guide_with, resources

pytestmark = pytest.mark.django_db


def test_publishing_stamps_published_at_once() -> None:
    guide = ReadingGuideFactory(is_published=False)
    assert guide.published_at is None
    guide.is_published = True
    guide.save()
    first = guide.published_at
    assert first is not None
    guide.is_published = False
    guide.save()
    guide.is_published = True
    guide.save()
    assert guide.published_at == first


def test_kind_outside_choices_is_refused_by_the_database() -> None:
    guide = ReadingGuideFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingGuide.objects.filter(pk=guide.pk).update(kind="blog")


def test_published_without_date_is_refused_by_the_database() -> None:
    guide = ReadingGuideFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingGuide.objects.filter(pk=guide.pk).update(published_at=None)


def test_slug_is_unique() -> None:
    ReadingGuideFactory(slug="equity")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingGuideFactory(slug="equity")


def test_a_resource_appears_once_per_guide() -> None:
    [resource] = resources("Only once")
    guide = guide_with([resource])
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingGuideItem.objects.create(guide=guide, resource=resource, position=99)


def test_items_are_ordered_by_position() -> None:
    first, second, third = resources("A", "B", "C")
    guide = guide_with([third, first, second])
    assert [item.resource.title for item in guide.items.all()] == ["C", "A", "B"]


def test_objectives_are_the_non_blank_lines() -> None:
    guide = ReadingGuideFactory(learning_objectives="  One \n\n Two\r\n")
    assert guide.objectives == ["One", "Two"]
    assert str(guide) == guide.title
    assert guide.get_absolute_url() == f"/guides/{guide.slug}/"
