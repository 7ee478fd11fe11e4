"""Status links expire CONTRIBUTION_STATUS_LINK_DAYS after the final decision (issue 10 §7)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from socialmission.accounts.models import User
from socialmission.contributions import services
from socialmission.contributions.models import Nomination, Suggestion
from socialmission.contributions.tests.factories import NominationFactory, SuggestionFactory

pytestmark = pytest.mark.django_db


def decided_days_ago(item: Suggestion | Nomination, days: float) -> None:
    type(item).objects.filter(pk=item.pk).update(decided_at=timezone.now() - timedelta(days=days))


def test_a_declined_suggestion_link_works_until_the_set_time_then_says_it_expired(
    client: Any, curator: User
) -> None:
    suggestion = SuggestionFactory(title="Rural pathways toolkit")
    services.decline(suggestion, curator=curator, reason="Out of scope for the library.")
    decided_days_ago(suggestion, 89)
    page = client.get(suggestion.status_path())
    assert page.status_code == 200
    assert "Out of scope for the library." in page.content.decode()

    decided_days_ago(suggestion, 90.01)
    page = client.get(suggestion.status_path())
    assert page.status_code == 410
    text = page.content.decode()
    assert "This status link has expired" in text
    assert "90 days after the decision" in text
    # Nothing of the contribution is shown any more, and a reply cannot be posted.
    assert "Rural pathways toolkit" not in text and "Out of scope" not in text
    assert page["Cache-Control"].startswith("max-age=0")
    assert client.post(suggestion.status_path(), {"reply": "Hello"}).status_code == 410


def test_the_expiry_is_a_setting_and_covers_published_nominations(
    client: Any, curator: User, settings: Any
) -> None:
    settings.CONTRIBUTION_STATUS_LINK_DAYS = 7
    nomination = NominationFactory()
    services.publish_nomination(nomination, curator=curator)
    decided_days_ago(nomination, 6)
    assert client.get(nomination.status_path()).status_code == 200
    decided_days_ago(nomination, 8)
    page = client.get(nomination.status_path())
    assert page.status_code == 410
    assert "7 days after the decision" in page.content.decode()


def test_an_open_contribution_never_expires(client: Any, curator: User) -> None:
    old = SuggestionFactory()
    Suggestion.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=900))
    assert client.get(old.status_path()).status_code == 200
    asked = SuggestionFactory()
    services.ask_question(asked, curator=curator, question="Which year?")
    Suggestion.objects.filter(pk=asked.pk).update(asked_at=timezone.now() - timedelta(days=900))
    assert client.get(asked.status_path()).status_code == 200
