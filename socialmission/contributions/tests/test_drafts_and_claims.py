"""The curator queue's drafts view, duplicates flagged in the list, and claims enforced."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from socialmission.contributions import services
from socialmission.contributions.models import Status
from socialmission.contributions.tests.factories import SuggestionFactory
from socialmission.contributions.tests.test_permissions import client_for
from socialmission.library.models import Resource, ResourceType
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def draft(**kwargs: Any) -> Resource:
    return ResourceFactory(status=Resource.Status.DRAFT, published_at=None, **kwargs)


# Drafts to review


def test_drafts_lists_only_drafts_and_filters(curator_client: Any) -> None:
    imported = draft(title="Imported rural pathway study")
    other = draft(
        title="Imported toolkit", resource_type=ResourceType.objects.exclude(slug="article").first()
    )
    ResourceFactory(title="Already published work")
    page = curator_client.get(reverse("contributions:drafts")).text
    assert imported.title in page and other.title in page
    assert "Already published work" not in page
    assert imported.get_absolute_url() in page  # open it: curators see a draft's page
    filtered = curator_client.get(reverse("contributions:drafts"), {"q": "rural"}).text
    assert imported.title in filtered and other.title not in filtered
    by_type = curator_client.get(
        reverse("contributions:drafts"), {"resource_type": str(other.resource_type_id)}
    ).text
    assert other.title in by_type and imported.title not in by_type
    # The queue links to it.
    assert (
        reverse("contributions:drafts") in curator_client.get(reverse("contributions:queue")).text
    )


def test_publishing_selected_drafts(curator_client: Any, curator: Any) -> None:
    chosen, left = draft(title="Chosen draft"), draft(title="Left draft")
    response = curator_client.post(reverse("contributions:drafts"), {"resources": [chosen.pk]})
    assert response.status_code == 302
    chosen.refresh_from_db()
    left.refresh_from_db()
    assert chosen.status == Resource.Status.PUBLISHED and chosen.published_at is not None
    assert left.status == Resource.Status.DRAFT
    latest = chosen.history.first()
    assert latest.history_user == curator
    assert latest.history_change_reason == "Published from the drafts to review"
    page = curator_client.get(response["Location"]).text
    assert "Published 1 resource" in page and "Chosen draft" not in page.split("<table")[1]


def test_publishing_nothing_or_a_published_resource_is_refused(curator_client: Any) -> None:
    published = ResourceFactory()
    for data in ({}, {"resources": [published.pk]}, {"resources": ["999999"]}):
        response = curator_client.post(reverse("contributions:drafts"), data)
        assert response.status_code == 400
    assert "Select at least one draft" in curator_client.post(reverse("contributions:drafts")).text


@pytest.mark.parametrize("role", ["anonymous", None])
def test_drafts_are_for_curators_only(role: str | None) -> None:
    kept = draft(title="Secret draft")
    client = client_for(role)
    for response in (
        client.get(reverse("contributions:drafts")),
        client.post(reverse("contributions:drafts"), {"resources": [kept.pk]}),
    ):
        assert response.status_code in (302, 403)
        assert "Secret draft" not in response.content.decode()
    kept.refresh_from_db()
    assert kept.status == Resource.Status.DRAFT


def test_a_draft_that_duplicates_a_published_resource_is_flagged(curator_client: Any) -> None:
    existing = ResourceFactory(title="Original", doi="10.5555/same")
    draft(title="Imported copy", doi="10.5555/SAME")
    draft(title="Unrelated import")
    page = curator_client.get(reverse("contributions:drafts")).text
    assert page.count("Possible duplicate") == 1
    assert "Possible duplicate (same DOI)" in page and existing.get_absolute_url() in page


# Duplicates in the queue list


def test_suspected_duplicates_are_flagged_in_the_queue_list(curator_client: Any) -> None:
    by_doi = ResourceFactory(title="Held by DOI", doi="10.5555/held")
    by_title = ResourceFactory(title="Rural Health Pathways: A Review")
    SuggestionFactory(title="Suggested again", doi="https://doi.org/10.5555/HELD")
    SuggestionFactory(title="rural health pathways - a review", doi="")
    SuggestionFactory(title="Something new", doi="10.5555/new")
    page = curator_client.get(reverse("contributions:queue")).text
    assert page.count("Possible duplicate") == 2
    assert "Possible duplicate (same DOI)" in page and by_doi.get_absolute_url() in page
    assert "Possible duplicate (nearly the same title)" in page
    assert by_title.get_absolute_url() in page


def test_flagging_costs_one_query_however_long_the_list(curator_client: Any) -> None:
    ResourceFactory(doi="10.5555/held")
    SuggestionFactory(doi="10.5555/held")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert curator_client.get(reverse("contributions:queue")).status_code == 200
        return len(context.captured_queries)

    few = queries()
    for n in range(8):
        SuggestionFactory(doi=f"10.5555/other{n}", title=f"Other work {n}")
    assert queries() <= few + 1


# Claims


def test_acting_on_an_item_claimed_by_another_curator_is_refused(
    curator_client: Any, other_curator: Any
) -> None:
    suggestion = services.claim(SuggestionFactory(), curator=other_curator)
    for data in (
        {"action": "decline", "reason": "Not for us"},
        {"action": "ask", "question": "Which year?"},
        {"action": "claim"},
    ):
        response = curator_client.post(suggestion.get_queue_url(), data)
        assert response.status_code == 400
        assert "Otto Other is working on this item: only they can act on it" in response.text
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING and suggestion.claimed_by == other_curator


def test_acting_on_an_unclaimed_item_claims_it(curator_client: Any, curator: Any) -> None:
    suggestion = SuggestionFactory()
    response = curator_client.post(
        suggestion.get_queue_url(), {"action": "ask", "question": "Which year?"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.claimed_by == curator and suggestion.status == Status.NEEDS_INFO
