"""Every curator and editor path is closed to those without the role, at view and service level."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from socialmission.accounts import roles
from socialmission.contributions import services
from socialmission.contributions.models import ResourceSpotlight, Status, Suggestion
from socialmission.contributions.tests.factories import (
    ChampionFactory,
    NominationFactory,
    SuggestionFactory,
    UserFactory,
    user_with_role,
)
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def client_for(role: str | None, **kwargs: Any) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(user_with_role(role, **kwargs))
    return client


def curator_urls() -> list[tuple[str, str, dict[str, str]]]:
    suggestion = SuggestionFactory()
    nomination = NominationFactory()
    resource = ResourceFactory()
    version = resource.history.first().history_id
    draft = ResourceFactory(status="draft", published_at=None)
    return [
        ("get", reverse("contributions:drafts"), {}),
        ("post", reverse("contributions:drafts"), {"resources": str(draft.pk)}),
        ("get", reverse("contributions:queue"), {}),
        ("get", suggestion.get_queue_url(), {}),
        ("post", suggestion.get_queue_url(), {"action": "decline", "reason": "no"}),
        ("post", suggestion.get_queue_url(), {"action": "claim"}),
        ("get", nomination.get_queue_url(), {}),
        ("post", nomination.get_queue_url(), {"action": "decline", "reason": "no"}),
        ("post", reverse("contributions:bulk-decline"), {"suggestions": str(suggestion.pk)}),
        ("get", reverse("contributions:resource-history", args=[resource.pk]), {}),
        ("post", reverse("contributions:resource-revert", args=[resource.pk, version]), {}),
    ]


def editor_urls() -> list[tuple[str, str, dict[str, str]]]:
    spotlight = ResourceSpotlight.objects.create(resource=ResourceFactory(), summary="s")
    return [
        ("get", reverse("contributions:spotlights"), {}),
        (
            "post",
            reverse("contributions:spotlights"),
            {"action": "resource", "resource-resource": "1", "resource-summary": "x"},
        ),
        ("post", reverse("contributions:spotlight-remove", args=["resource", spotlight.pk]), {}),
        ("get", reverse("contributions:curators"), {}),
        ("post", reverse("contributions:curators"), {"username": "x", "role": roles.CURATOR}),
    ]


@pytest.mark.parametrize("role", ["anonymous", None])
def test_curator_pages_refuse_non_curators(role: str | None) -> None:
    client = client_for(role)
    for method, url, data in curator_urls():
        response = getattr(client, method)(url, data)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code == 403, url
    assert all(
        s.status == Status.PENDING and s.claimed_by is None for s in Suggestion.objects.all()
    )


@pytest.mark.parametrize("role", ["anonymous", None, roles.CURATOR])
def test_editor_pages_refuse_curators_and_others(role: str | None) -> None:
    client = client_for(role)
    for method, url, data in editor_urls():
        response = getattr(client, method)(url, data)
        if role == "anonymous":
            assert response.status_code == 302, url
        else:
            assert response.status_code == 403, url
    assert ResourceSpotlight.objects.count() == 1


@pytest.mark.parametrize("role", [roles.CURATOR, roles.EDITOR_IN_CHIEF, roles.ADMINISTRATOR])
def test_every_reviewing_role_reaches_the_queue(role: str) -> None:
    assert client_for(role).get(reverse("contributions:queue")).status_code == 200


@pytest.mark.parametrize("role", [roles.EDITOR_IN_CHIEF, roles.ADMINISTRATOR])
def test_editors_and_administrators_reach_spotlights(role: str) -> None:
    assert client_for(role).get(reverse("contributions:spotlights")).status_code == 200


def test_superuser_holds_every_role() -> None:
    client = Client()
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("contributions:spotlights")).status_code == 200


def test_inactive_curator_is_refused() -> None:
    user = user_with_role(roles.CURATOR, is_active=True)
    user.is_active = False
    user.save()
    with pytest.raises(PermissionDenied):
        services.claim(SuggestionFactory(), curator=user)


def test_services_refuse_non_curators() -> None:
    nobody = UserFactory()
    suggestion = SuggestionFactory()
    nomination = NominationFactory()
    resource = ResourceFactory()
    calls = [
        lambda: services.claim(suggestion, curator=nobody),
        lambda: services.release(suggestion, curator=nobody),
        lambda: services.edit_suggestion(suggestion, curator=nobody, changes={"title": "x"}),
        lambda: services.edit_nomination(nomination, curator=nobody, changes={"role": "x"}),
        lambda: services.publish_suggestion(suggestion, curator=nobody),
        lambda: services.publish_nomination(nomination, curator=nobody),
        lambda: services.merge_suggestion(suggestion, curator=nobody, into=resource),
        lambda: services.decline(suggestion, curator=nobody, reason="no"),
        lambda: services.bulk_decline([suggestion], curator=nobody, reason="spam"),
        lambda: services.ask_question(suggestion, curator=nobody, question="?"),
        lambda: services.revert_resource(
            resource, curator=nobody, history_id=resource.history.first().history_id
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()


def test_spotlight_services_need_the_editor_in_chief() -> None:
    curator = user_with_role(roles.CURATOR)
    with pytest.raises(PermissionDenied):
        services.create_resource_spotlight(editor=curator, resource=ResourceFactory(), summary="s")
    with pytest.raises(PermissionDenied):
        services.create_champion_spotlight(editor=curator, champion=ChampionFactory())
    spotlight = ResourceSpotlight.objects.create(resource=ResourceFactory(), summary="s")
    with pytest.raises(PermissionDenied):
        services.remove_spotlight(spotlight, editor=curator)


def test_contributor_email_is_visible_to_curators_only(client: Any) -> None:
    suggestion = SuggestionFactory(submitter_email="private@example.org")
    assert "private@example.org" not in client.get(suggestion.status_path()).text
    assert "private@example.org" in client_for(roles.CURATOR).get(suggestion.get_queue_url()).text


def test_curator_link_in_navigation_only_for_curators() -> None:
    url = reverse("contributions:index")
    assert reverse("contributions:queue") not in client_for(None).get(url).text
    assert reverse("contributions:queue") in client_for(roles.CURATOR).get(url).text
