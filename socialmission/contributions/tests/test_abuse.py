"""Spam and abuse: honeypot, fill time, rate limits, length limits, links, and no HTML injection."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from socialmission.contributions import services
from socialmission.contributions.models import Nomination, Suggestion
from socialmission.contributions.tests.helpers import nomination_post, stamp, suggestion_post
from socialmission.library.models import ResourceType

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
HANDLER = '"><img src=x onerror="alert(1)">'


def test_honeypot_refuses_and_keeps_what_was_typed(client: Any) -> None:
    response = client.post(
        reverse("contributions:suggest"), suggestion_post(website="http://spam.example")
    )
    assert response.status_code == 400
    assert "Leave this empty" in response.text
    assert "Holistic review in admissions at a community medical school" in response.text
    assert not Suggestion.objects.exists()


def test_too_fast_a_submission_is_refused(client: Any, settings: Any) -> None:
    settings.CONTRIBUTIONS_MIN_FILL_SECONDS = 5
    response = client.post(
        reverse("contributions:suggest"), suggestion_post(started=stamp(seconds_ago=1))
    )
    assert response.status_code == 400
    assert "faster than a person" in response.text
    response = client.post(
        reverse("contributions:suggest"), suggestion_post(started=stamp(seconds_ago=10))
    )
    assert response.status_code == 302


def test_forged_timestamp_is_refused(client: Any) -> None:
    response = client.post(reverse("contributions:suggest"), suggestion_post(started="12345"))
    assert response.status_code == 400
    assert "expired or was damaged" in response.text


def test_rate_limit_per_address_returns_429(client: Any, settings: Any) -> None:
    settings.CONTRIBUTIONS_RATE_LIMIT = 2
    for n in range(2):
        response = client.post(
            reverse("contributions:suggest"),
            suggestion_post(title=f"Title {n}"),
            REMOTE_ADDR="10.0.0.1",
        )
        assert response.status_code == 302
    response = client.post(
        reverse("contributions:suggest"), suggestion_post(title="Third"), REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    assert "Too many submissions" in response.text
    assert int(response["Retry-After"]) > 0
    response = client.post(
        reverse("contributions:nominate"), nomination_post(), REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 429
    response = client.post(
        reverse("contributions:suggest"), suggestion_post(title="Other"), REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 302
    assert Suggestion.objects.count() == 3


def test_rate_limit_window_expires(client: Any, settings: Any, monkeypatch: Any) -> None:
    import time as time_module

    settings.CONTRIBUTIONS_RATE_LIMIT = 1
    client.post(reverse("contributions:nominate"), nomination_post(), REMOTE_ADDR="10.0.0.3")
    assert (
        client.post(
            reverse("contributions:nominate"), nomination_post(), REMOTE_ADDR="10.0.0.3"
        ).status_code
        == 429
    )
    real = time_module.time
    # django-ratelimit reads the clock through the time module, as every window does.
    monkeypatch.setattr(time_module, "time", lambda: real() + 3601)
    assert (
        client.post(
            reverse("contributions:nominate"), nomination_post(), REMOTE_ADDR="10.0.0.3"
        ).status_code
        == 302
    )


def test_text_length_limits(client: Any) -> None:
    response = client.post(
        reverse("contributions:suggest"), suggestion_post(why="x" * 5001, title="t" * 1001)
    )
    assert response.status_code == 400
    assert "at most 5000 characters" in response.text
    assert "at most 1000 characters" in response.text
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org/x", "file:///etc/passwd"],
)
def test_links_must_be_http_or_https(client: Any, link: str) -> None:
    response = client.post(
        reverse("contributions:suggest"), suggestion_post(url=link, doi="10.1234/ok")
    )
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_a_link_doi_or_pmid_is_required(client: Any) -> None:
    response = client.post(reverse("contributions:suggest"), suggestion_post(url=""))
    assert response.status_code == 400
    assert "Give a link, a DOI or a PubMed id" in response.text


def test_bad_doi_and_pmid_get_clear_messages(client: Any) -> None:
    response = client.post(
        reverse("contributions:suggest"), suggestion_post(doi="not a doi", pmid="abc")
    )
    assert response.status_code == 400
    assert "This is not a DOI" in response.text
    assert "This is not a PubMed id" in response.text
    assert 'value="not a doi"' in response.text


@pytest.mark.parametrize("payload", [SCRIPT, HANDLER])
def test_typed_text_is_never_rendered_as_html(
    client: Any,
    curator_client: Any,
    curator: Any,
    payload: str,
    mailoutbox: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("contributions:suggest"),
            suggestion_post(
                title=f"Title {payload}", why=payload, submitter_name=payload, authors_text=payload
            ),
        )
        client.post(
            reverse("contributions:nominate"),
            nomination_post(
                nominee_name=f"Name {payload}", story=payload, institution=payload, role=payload
            ),
        )
    suggestion = Suggestion.objects.get()
    nomination = Nomination.objects.get()
    pages = [
        client.get(suggestion.status_path()),
        client.get(nomination.status_path()),
        curator_client.get(reverse("contributions:queue")),
        curator_client.get(suggestion.get_queue_url()),
        curator_client.get(nomination.get_queue_url()),
    ]
    for page in pages:
        assert page.status_code == 200
        assert payload not in page.text
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert all(payload not in message.subject for message in mailoutbox)

    services.edit_suggestion(
        suggestion, curator=curator, changes={"resource_type": ResourceType.objects.first()}
    )
    resource = services.publish_suggestion(suggestion, curator=curator)
    champion = services.publish_nomination(nomination, curator=curator)
    for page in [
        client.get(champion.get_absolute_url()),
        client.get(reverse("contributions:champions")),
        client.get(suggestion.status_path()),
        curator_client.get(reverse("contributions:resource-history", args=[resource.pk])),
    ]:
        assert page.status_code == 200
        assert payload not in page.text
        assert "<script>alert" not in page.text and "<img src=x" not in page.text


def test_nomination_honeypot(client: Any) -> None:
    response = client.post(reverse("contributions:nominate"), nomination_post(website="x"))
    assert response.status_code == 400
    assert "Dr Amara Okafor" in response.text
    assert not Nomination.objects.exists()


def test_only_accepted_submissions_count_and_the_message_says_when(
    client: Any, settings: Any
) -> None:
    """Forms sent back with errors and spam hits use up nothing; the refusal names the time."""
    settings.CONTRIBUTIONS_RATE_LIMIT = 2
    url = reverse("contributions:suggest")
    for _ in range(5):
        # A form with errors (no title), then a honeypot hit: both are answered, neither counts.
        assert (
            client.post(url, suggestion_post(title=""), REMOTE_ADDR="10.0.1.1").status_code == 400
        )
        spam = suggestion_post(title="Spam", **{"website": "http://spam.example"})
        assert client.post(url, spam, REMOTE_ADDR="10.0.1.1").status_code == 400
    for n in range(2):
        ok = client.post(url, suggestion_post(title=f"Kept {n}"), REMOTE_ADDR="10.0.1.1")
        assert ok.status_code == 302
    refused = client.post(url, suggestion_post(title="One more"), REMOTE_ADDR="10.0.1.1")
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 3600
    text = refused.content.decode()
    assert "we accept more from it again in" in text
    assert "minute" in text  # the time left, in words
    assert Suggestion.objects.count() == 2


def test_the_daily_window_counts_too(client: Any, settings: Any) -> None:
    settings.CONTRIBUTIONS_RATE_LIMIT = 50
    settings.CONTRIBUTIONS_DAILY_LIMIT = 3
    url = reverse("contributions:nominate")
    for _ in range(3):
        assert client.post(url, nomination_post(), REMOTE_ADDR="10.0.1.2").status_code == 302
    refused = client.post(url, nomination_post(), REMOTE_ADDR="10.0.1.2")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0


def test_the_defaults_let_a_reading_list_through(settings: Any) -> None:
    from socialmission.core import abuse

    assert (abuse.rate_limit(), abuse.rate_window(), abuse.daily_limit()) == (20, 3600, 100)
