"""Duplicate detection: DOI and PMID in any spelling, near-identical titles, distinct works."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from socialmission.contributions.duplicates import find_duplicates, titles_match
from socialmission.contributions.models import Suggestion
from socialmission.contributions.tests.factories import SuggestionFactory
from socialmission.contributions.tests.helpers import curator_suggestion_post, suggestion_post
from socialmission.library.models import Resource
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def reasons(**kwargs: Any) -> list[tuple[int, str]]:
    return [(m.resource.pk, m.reason) for m in find_duplicates(**kwargs)]


def test_same_doi_with_other_case_and_resolver_prefix() -> None:
    resource = ResourceFactory(doi="10.1097/ACM.0000000000001234")
    assert reasons(doi="https://doi.org/10.1097/acm.0000000000001234") == [(resource.pk, "doi")]
    assert reasons(doi="doi:10.1097/ACM.0000000000001234.") == [(resource.pk, "doi")]
    assert reasons(doi="10.1097/ACM.0000000000001235") == []


def test_stored_doi_with_prefix_still_matches() -> None:
    resource = ResourceFactory(doi="http://dx.doi.org/10.5555/ABC")
    assert reasons(doi="10.5555/abc") == [(resource.pk, "doi")]


def test_same_pmid() -> None:
    resource = ResourceFactory(pmid="31234567")
    assert reasons(pmid="PMID: 31234567") == [(resource.pk, "pmid")]
    assert reasons(pmid="https://pubmed.ncbi.nlm.nih.gov/31234567/") == [(resource.pk, "pmid")]
    assert reasons(pmid="1234567") == []


def test_near_identical_titles() -> None:
    resource = ResourceFactory(title="The Social Mission of Medical Education: Ranking the Schools")
    assert reasons(title="social mission of medical education — ranking the schools") == [
        (resource.pk, "title")
    ]
    assert reasons(title="Social mission in médical education: ranking schools") == [
        (resource.pk, "title")
    ]
    assert reasons(title="Social mission of dental education") == []
    assert titles_match("Pathway programs for nursing", "Pathway programmes for nursing")
    assert not titles_match(
        "Pathway programs for nursing", "Pathway programs for pharmacy students"
    )


def test_two_works_with_the_same_title_are_flagged_not_merged(
    curator_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = ResourceFactory(title="Community health needs assessment", doi="10.1111/first.1")
    matches = find_duplicates(title="Community Health Needs Assessment", doi="10.2222/second.2")
    assert [(m.resource.pk, m.reason) for m in matches] == [(first.pk, "title-different-doi")]
    assert "probably a different work" in matches[0].explanation

    suggestion = SuggestionFactory(
        title="Community Health Needs Assessment", doi="10.2222/second.2"
    )
    with django_capture_on_commit_callbacks(execute=True):
        curator_client.post(
            suggestion.get_queue_url(), curator_suggestion_post(suggestion, "publish")
        )
    suggestion.refresh_from_db()
    assert suggestion.resource is not None and suggestion.resource != first
    assert Resource.objects.count() == 2


def test_drafts_are_not_revealed_to_the_public() -> None:
    draft = ResourceFactory(doi="10.5555/draft", status=Resource.Status.DRAFT, published_at=None)
    assert reasons(doi="10.5555/draft") == []
    assert reasons(doi="10.5555/draft", published_only=False) == [(draft.pk, "doi")]


def test_form_warns_before_sending_and_sends_after_confirmation(client: Any) -> None:
    existing = ResourceFactory(title="Holistic review in admissions", pmid="29999999")
    data = suggestion_post(title="Another title entirely", pmid="29999999")
    response = client.post(reverse("contributions:suggest"), data)
    assert response.status_code == 400
    assert "The library may already hold this resource" in response.text
    assert existing.get_absolute_url() in response.text
    assert "same PubMed id" in response.text
    assert 'value="Another title entirely"' in response.text
    assert not Suggestion.objects.exists()

    data["confirm_not_duplicate"] = "on"
    response = client.post(reverse("contributions:suggest"), data)
    assert response.status_code == 302
    assert Suggestion.objects.get().pmid == "29999999"
