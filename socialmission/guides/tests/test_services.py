"""guides.services: curators' changes to guides, role-checked, positions kept 1..n."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socialmission.accounts.tests.factories import user_with_role
from socialmission.guides import services
from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.guides.tests.factories import guide_with, resources
from socialmission.library.models import Resource

pytestmark = pytest.mark.django_db


def order(guide: ReadingGuide) -> list[tuple[int, str]]:
    return list(guide.items.order_by("position").values_list("position", "resource__title"))


@pytest.fixture
def curator():  # type: ignore[no-untyped-def]
    return user_with_role("Curator", username="cura")


def test_create_and_update_a_guide(curator) -> None:  # type: ignore[no-untyped-def]
    guide = services.create_guide(
        curator=curator,
        title="Rural pathways",
        slug="rural-pathways",
        kind=ReadingGuide.Kind.READING_GUIDE,
        summary="",
        learning_objectives="One\nTwo",
        introduction="Intro",
        is_published=False,
    )
    assert guide.pk and guide.curated_by == curator and guide.published_at is None
    services.update_guide(guide=guide, curator=curator, is_published=True, title="Rural paths")
    guide.refresh_from_db()
    assert guide.title == "Rural paths" and guide.published_at is not None
    with pytest.raises(ValidationError):
        services.create_guide(curator=curator, title="Again", slug="rural-pathways")
    with pytest.raises(TypeError):
        services.update_guide(guide=guide, curator=curator, curated_by=None)


def test_add_move_note_remove(curator) -> None:  # type: ignore[no-untyped-def]
    a, b, c = resources("A", "B", "C", status=Resource.Status.PUBLISHED)
    guide = guide_with([a, b])  # positions 10, 20: renumbered on the first change
    item_c = services.add_item(guide=guide, resource=c, curator=curator)
    assert item_c.position == 3
    with pytest.raises(ValidationError, match="already in the guide"):
        services.add_item(guide=guide, resource=c, curator=curator)
    services.move_item(item=item_c, curator=curator, direction="up")
    assert order(guide) == [(1, "A"), (2, "C"), (3, "B")]
    first = guide.items.get(resource=a)
    services.move_item(item=first, curator=curator, direction="up")  # already first
    assert order(guide) == [(1, "A"), (2, "C"), (3, "B")]
    services.move_item(item=first, curator=curator, direction="down")
    assert order(guide) == [(1, "C"), (2, "A"), (3, "B")]
    services.set_note(item=item_c, curator=curator, annotation="  Read the methods.  ")
    assert ReadingGuideItem.objects.get(pk=item_c.pk).annotation == "Read the methods."
    services.remove_item(item=first, curator=curator)
    assert order(guide) == [(1, "C"), (2, "B")]
    with pytest.raises(ValidationError):
        services.set_note(item=item_c, curator=curator, annotation="x" * 5001)


def test_withdrawn_resources_cannot_be_added(curator) -> None:  # type: ignore[no-untyped-def]
    (gone,) = resources("Gone", status=Resource.Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.add_item(guide=guide_with([]), resource=gone, curator=curator)


@pytest.mark.parametrize("role", [None, "Some other group"])
def test_only_curators_may_change_guides(role: str | None) -> None:
    user = user_with_role(role, username="notcurator")
    (a,) = resources("A", status=Resource.Status.PUBLISHED)
    guide = guide_with([a])
    item = guide.items.get()
    calls = [
        lambda: services.create_guide(curator=user, title="T", slug="t"),
        lambda: services.update_guide(guide=guide, curator=user, title="T"),
        lambda: services.add_item(guide=guide, resource=a, curator=user),
        lambda: services.set_note(item=item, curator=user, annotation="x"),
        lambda: services.move_item(item=item, curator=user, direction="down"),
        lambda: services.remove_item(item=item, curator=user),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert guide.items.count() == 1 and ReadingGuide.objects.count() == 1
