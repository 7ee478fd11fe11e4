"""Whole journeys through the workflow, as a contributor and a curator see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from socialmission.contributions.models import Champion, Nomination, Status, Suggestion
from socialmission.contributions.tests.factories import ChampionFactory, SuggestionFactory
from socialmission.contributions.tests.helpers import (
    curator_nomination_post,
    curator_suggestion_post,
    nomination_post,
    suggestion_post,
)
from socialmission.library.models import Domain, EvidenceLevel, Resource, ResourceType
from socialmission.library.search import SearchParams, search
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def searchable_ids(q: str) -> list[int]:
    return [item.id for item in search(SearchParams(q=q)).items]


def test_suggest_then_publish_makes_it_searchable(
    client: Any,
    curator_client: Any,
    curator: Any,
    mailoutbox: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    domain = Domain.objects.get(slug="pathways-admission-graduation")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contributions:suggest"),
            suggestion_post(
                title="Ubuntu holistic admissions",
                doi="https://doi.org/10.1234/UBUNTU.7",
                domains=[str(domain.pk)],
            ),
        )
    suggestion = Suggestion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contribute/status/{suggestion.token}/?new=1"
    assert suggestion.doi == "10.1234/UBUNTU.7"
    assert suggestion.authors == [{"family": "Mullan", "given": "Fitzhugh"}]
    assert list(suggestion.domains.all()) == [domain]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sam@example.org"]
    assert f"http://testserver/contribute/status/{suggestion.token}/" in mailoutbox[0].body

    thanks = client.get(response["Location"])
    assert "Thank you" in thanks.text and "Pending review" in thanks.text
    assert searchable_ids("Ubuntu") == []

    queue = curator_client.get(reverse("contributions:queue"))
    assert "Ubuntu holistic admissions" in queue.text

    article = ResourceType.objects.get(slug="article")
    level = EvidenceLevel.objects.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            suggestion.get_queue_url(),
            curator_suggestion_post(
                suggestion,
                "publish",
                resource_type=str(article.pk),
                evidence_level=str(level.pk),
                keywords="admissions; holistic review",
            ),
        )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    resource = suggestion.resource
    assert suggestion.status == Status.PUBLISHED
    assert resource.is_published and resource.published_at is not None
    assert resource.curated_by == curator
    assert resource.evidence_level == level
    assert resource.doi == "10.1234/UBUNTU.7"
    assert list(resource.domains.all()) == [domain]
    assert searchable_ids("Ubuntu") == [resource.pk]

    status = client.get(suggestion.status_path())
    assert "Published" in status.text
    assert resource.get_absolute_url() in status.text
    assert mailoutbox[-1].to == ["sam@example.org"]
    assert resource.get_absolute_url() in mailoutbox[-1].body


def test_publishing_requires_a_resource_type(curator_client: Any) -> None:
    suggestion = SuggestionFactory(resource_type=None)
    response = curator_client.post(
        suggestion.get_queue_url(), curator_suggestion_post(suggestion, "publish")
    )
    assert response.status_code == 400
    assert "Choose the type of resource" in response.text
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING
    assert not Resource.objects.exists()


def test_decline_with_reason_mails_and_shows_it(
    client: Any, curator_client: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    suggestion = SuggestionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            suggestion.get_queue_url(),
            {"action": "decline", "reason": "Out of scope: not about education."},
        )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.DECLINED
    assert len(mailoutbox) == 1
    assert "Out of scope: not about education." in mailoutbox[0].body
    status = client.get(suggestion.status_path())
    assert "Declined" in status.text and "Out of scope: not about education." in status.text


def test_decline_needs_a_reason(curator_client: Any) -> None:
    suggestion = SuggestionFactory()
    response = curator_client.post(
        suggestion.get_queue_url(), {"action": "decline", "reason": "  "}
    )
    assert response.status_code == 400
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING


def test_ask_reply_then_publish(
    client: Any, curator_client: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    suggestion = SuggestionFactory(title="Service learning toolkit")
    with django_capture_on_commit_callbacks(execute=True):
        curator_client.post(
            suggestion.get_queue_url(), {"action": "ask", "question": "Is there a public link?"}
        )
    suggestion.refresh_from_db()
    assert suggestion.status == Status.NEEDS_INFO
    assert "Is there a public link?" in mailoutbox[0].body
    assert suggestion.status_url() in mailoutbox[0].body

    page = client.get(suggestion.status_path())
    assert "Is there a public link?" in page.text and 'name="reply"' in page.text
    empty = client.post(suggestion.status_path(), {"reply": ""})
    assert empty.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            suggestion.status_path(), {"reply": "Yes: https://example.org/toolkit"}
        )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING
    assert suggestion.reply == "Yes: https://example.org/toolkit"
    answer_mail = mailoutbox[-1]
    assert answer_mail.to == [suggestion.claimed_by.email]
    assert "Yes: https://example.org/toolkit" in answer_mail.body
    assert f"http://testserver{suggestion.get_queue_url()}" in answer_mail.body
    assert "Yes: https://example.org/toolkit" in curator_client.get(suggestion.get_queue_url()).text

    response = curator_client.post(
        suggestion.get_queue_url(), curator_suggestion_post(suggestion, "publish")
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PUBLISHED
    assert searchable_ids("toolkit") == [suggestion.resource_id]


def test_reply_is_refused_when_no_question_waits(client: Any) -> None:
    suggestion = SuggestionFactory()
    response = client.post(suggestion.status_path(), {"reply": "hello"})
    assert response.status_code == 400
    assert "No question is waiting" in response.text


def test_merge_into_existing_resource(
    client: Any, curator_client: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    existing = ResourceFactory(
        title="Social accountability in medical schools",
        doi="10.1234/SA",
        url="",
        domains=["community-engagement"],
    )
    suggestion = SuggestionFactory(
        title="Social accountability of medical schools",
        doi="https://doi.org/10.1234/sa",
        url="https://example.org/sa",
    )
    suggestion.domains.set(Domain.objects.filter(slug="governance-accountability"))
    page = curator_client.get(suggestion.get_queue_url())
    assert f"Merge into #{existing.pk}" in page.text
    assert "same DOI" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            suggestion.get_queue_url(), {"action": "merge", "target": str(existing.pk)}
        )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    existing.refresh_from_db()
    assert suggestion.status == Status.MERGED and suggestion.resource == existing
    assert existing.title == "Social accountability in medical schools"  # the resource's values win
    assert existing.url == "https://example.org/sa"  # blanks are filled
    assert set(existing.domains.values_list("slug", flat=True)) == {
        "community-engagement",
        "governance-accountability",
    }
    assert Resource.objects.count() == 1
    assert existing.get_absolute_url() in mailoutbox[-1].body
    assert existing.get_absolute_url() in client.get(suggestion.status_path()).text


def test_merge_by_page_address(curator_client: Any) -> None:
    existing = ResourceFactory(title="Anything")
    suggestion = SuggestionFactory()
    response = curator_client.post(
        suggestion.get_queue_url(),
        {"action": "merge", "target": f"http://testserver{existing.get_absolute_url()}"},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.resource == existing


def test_merge_into_unknown_resource_is_an_error(curator_client: Any) -> None:
    suggestion = SuggestionFactory()
    response = curator_client.post(
        suggestion.get_queue_url(), {"action": "merge", "target": "999999"}
    )
    assert response.status_code == 400
    assert "No resource has that number" in response.text


def test_nominate_publish_and_public_page(
    client: Any, curator_client: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contributions:nominate"), nomination_post())
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contribute/status/{nomination.token}/?new=1"
    assert mailoutbox[0].to == ["nora@example.org"]
    assert nomination.status_url() in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            nomination.get_queue_url(), curator_nomination_post(nomination, "publish", role="Dean")
        )
    assert response.status_code == 302
    nomination.refresh_from_db()
    champion = nomination.champion
    assert nomination.status == Status.PUBLISHED
    assert champion.role == "Dean" and champion.is_published
    page = client.get(champion.get_absolute_url())
    assert page.status_code == 200
    assert "Dr Amara Okafor" in page.text and "Riverside School of Medicine" in page.text
    assert "nora@example.org" not in page.text
    assert "Dr Amara Okafor" in client.get(reverse("contributions:champions")).text
    assert champion.get_absolute_url() in client.get(nomination.status_path()).text
    assert champion.get_absolute_url() in mailoutbox[-1].body


def test_nomination_needs_consent_and_web_links(client: Any) -> None:
    response = client.post(
        reverse("contributions:nominate"),
        nomination_post(consent="", links="javascript:alert(1)"),
    )
    assert response.status_code == 400
    assert "Ask the nominee first" in response.text
    assert "is not a web link" in response.text
    assert "Founded a longitudinal rural track." in response.text  # nothing typed is lost
    assert not Nomination.objects.exists()


def test_unpublished_champion_has_no_public_page(client: Any) -> None:
    hidden = ChampionFactory(is_published=False, published_at=None)
    assert client.get(f"/contribute/champions/{hidden.pk}-{hidden.slug}/").status_code == 404
    shown = ChampionFactory()
    assert client.get(f"/contribute/champions/{shown.pk}/").status_code == 301
    assert Champion.objects.published().count() == 1


def test_unknown_status_link_is_404(client: Any) -> None:
    assert client.get("/contribute/status/not-a-real-token/").status_code == 404


def test_status_page_is_not_indexed_or_cached(client: Any) -> None:
    suggestion = SuggestionFactory()
    response = client.get(suggestion.status_path())
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
