"""Spotlights: chosen by the editor-in-chief, optionally scheduled, shown on the home page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from socialmission.contributions import selectors, services
from socialmission.contributions.models import ChampionSpotlight, ResourceSpotlight
from socialmission.contributions.tests.factories import ChampionFactory
from socialmission.library.models import Resource
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def test_current_spotlight_respects_dates_and_newest_choice(editor: Any) -> None:
    today = date(2026, 3, 10)
    old = services.create_resource_spotlight(
        editor=editor, resource=ResourceFactory(), summary="Old pick"
    )
    scheduled = services.create_resource_spotlight(
        editor=editor,
        resource=ResourceFactory(),
        summary="March pick",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
    )
    assert selectors.current_resource_spotlight(today) == scheduled
    newer = services.create_resource_spotlight(
        editor=editor, resource=ResourceFactory(), summary="Newer open-ended pick"
    )
    assert selectors.current_resource_spotlight(today) == scheduled
    assert selectors.current_resource_spotlight(date(2026, 4, 1)) == newer
    newer.delete()
    assert selectors.current_resource_spotlight(date(2026, 4, 1)) == old
    assert selectors.current_resource_spotlight(date(2026, 2, 1)) == old


def test_unpublished_resources_never_show(editor: Any) -> None:
    resource = ResourceFactory()
    spotlight = services.create_resource_spotlight(editor=editor, resource=resource, summary="s")
    assert selectors.current_resource_spotlight() == spotlight
    Resource.objects.filter(pk=resource.pk).update(status=Resource.Status.WITHDRAWN)
    assert selectors.current_resource_spotlight() is None
    with pytest.raises(ValidationError):
        services.create_resource_spotlight(
            editor=editor, resource=ResourceFactory(status="draft", published_at=None), summary="s"
        )


def test_end_before_start_is_refused(editor: Any, editor_client: Any) -> None:
    with pytest.raises(ValidationError):
        services.create_resource_spotlight(
            editor=editor,
            resource=ResourceFactory(),
            summary="s",
            starts_on=date(2026, 2, 2),
            ends_on=date(2026, 2, 1),
        )
    response = editor_client.post(
        reverse("contributions:spotlights"),
        {
            "action": "resource",
            "resource-resource": str(ResourceFactory().pk),
            "resource-summary": "Kept summary",
            "resource-starts_on": "2026-02-02",
            "resource-ends_on": "2026-02-01",
        },
    )
    assert response.status_code == 400
    assert "The end date is before the start date." in response.text
    assert "Kept summary" in response.text


def test_editor_sets_both_spotlights_through_the_page(editor_client: Any) -> None:
    resource = ResourceFactory(title="Spotlit toolkit")
    champion = ChampionFactory(name="Dr Spotlit")
    response = editor_client.post(
        reverse("contributions:spotlights"),
        {
            "action": "resource",
            "resource-resource": f"http://testserver{resource.get_absolute_url()}",
            "resource-summary": "Why <b>this</b> matters",
        },
    )
    assert response.status_code == 302
    response = editor_client.post(
        reverse("contributions:spotlights"),
        {"action": "champion", "champion-champion": str(champion.pk)},
    )
    assert response.status_code == 302
    resource_spotlight = selectors.current_resource_spotlight()
    champion_spotlight = selectors.current_champion_spotlight()
    assert resource_spotlight.resource == resource
    assert champion_spotlight.champion == champion

    html = render_to_string(
        "contributions/includes/resource_spotlight.html", {"spotlight": resource_spotlight}
    )
    assert "Spotlit toolkit" in html and resource.get_absolute_url() in html
    assert "Why &lt;b&gt;this&lt;/b&gt; matters" in html
    html = render_to_string(
        "contributions/includes/champion_spotlight.html", {"spotlight": champion_spotlight}
    )
    assert "Dr Spotlit" in html and champion.get_absolute_url() in html
    assert (
        render_to_string(
            "contributions/includes/champion_spotlight.html", {"spotlight": None}
        ).strip()
        == ""
    )

    response = editor_client.post(
        reverse("contributions:spotlight-remove", args=["resource", resource_spotlight.pk])
    )
    assert response.status_code == 302
    assert not ResourceSpotlight.objects.exists()
    assert ChampionSpotlight.objects.count() == 1


def test_unpublished_champion_is_not_spotlit(editor: Any) -> None:
    champion = ChampionFactory()
    services.create_champion_spotlight(
        editor=editor, champion=champion, ends_on=timezone.localdate() + timedelta(days=1)
    )
    assert selectors.current_champion_spotlight() is not None
    champion.is_published = False
    champion.save()
    assert selectors.current_champion_spotlight() is None
