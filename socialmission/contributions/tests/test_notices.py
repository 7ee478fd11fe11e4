"""Curators who opt in are mailed about new contributions: each one, or a daily digest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from socialmission.accounts import roles
from socialmission.accounts.tests import factories as people
from socialmission.contributions import services
from socialmission.contributions.models import CuratorNotice, Suggestion
from socialmission.contributions.tests.factories import NominationFactory, SuggestionFactory
from socialmission.contributions.tests.helpers import suggestion_post
from socialmission.contributions.tests.test_permissions import client_for
from socialmission.core import schedule

pytestmark = pytest.mark.django_db


def opted(frequency: str, email: str, **kwargs: Any) -> Any:
    user = people.curator(email=email, **kwargs)
    services.set_notice_frequency(user, frequency)
    return user


def test_a_curator_sets_the_choice_on_a_page(curator_client: Any, curator: Any) -> None:
    url = reverse("contributions:notices")
    page = curator_client.get(url).text
    assert "checked" in page.split('value="off"')[1].split(">")[0]
    assert url in curator_client.get(reverse("contributions:queue")).text
    response = curator_client.post(url, {"frequency": "daily"})
    assert response.status_code == 302
    assert CuratorNotice.objects.get(user=curator).frequency == "daily"
    page = curator_client.get(url).text
    assert "checked" in page.split('value="daily"')[1].split(">")[0]
    assert curator_client.post(url, {"frequency": "hourly"}).status_code == 400
    assert CuratorNotice.objects.get(user=curator).frequency == "daily"


@pytest.mark.parametrize("role", ["anonymous", None])
def test_the_choice_is_for_curators_only(role: str | None) -> None:
    client = client_for(role)
    url = reverse("contributions:notices")
    assert client.get(url).status_code in (302, 403)
    assert client.post(url, {"frequency": "immediate"}).status_code in (302, 403)
    assert not CuratorNotice.objects.exists()


def test_immediate_mail_goes_only_to_curators_who_chose_it(
    client: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    opted("immediate", "now@example.org", first_name="Nora")
    opted("daily", "daily@example.org")
    opted("off", "off@example.org")
    people.curator(email="never-asked@example.org")
    revoked = opted("immediate", "revoked@example.org")
    revoked.groups.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contributions:suggest"), suggestion_post(title="Rural pathways toolkit")
        )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    to_curators = [m for m in mailoutbox if m.to != ["sam@example.org"]]
    assert [m.to for m in to_curators] == [["now@example.org"]]
    message = to_curators[0]
    assert "Rural pathways toolkit" in message.body
    assert f"http://testserver{suggestion.get_queue_url()}" in message.body
    # The subject never carries what the contributor typed.
    assert "Rural" not in message.subject


def test_the_daily_digest_lists_what_came_since_the_last(
    mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    reader = opted("daily", "daily@example.org")
    opted("immediate", "now@example.org")
    opted("off", "off@example.org")
    CuratorNotice.objects.filter(user=reader).update(
        digest_until=timezone.now() - timedelta(hours=1)
    )
    old = SuggestionFactory(title="Before the last digest")
    Suggestion.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    SuggestionFactory(title="Fresh suggestion")
    NominationFactory(nominee_name="Fresh nominee")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_curator_digests", verbosity=0)
    assert [m.to for m in mailoutbox] == [["daily@example.org"]]
    body = mailoutbox[0].body
    assert "Fresh suggestion" in body and "Fresh nominee" in body
    assert "Before the last digest" not in body
    assert "2 new contributions" in body
    # Nothing new: no second mail.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_curator_digests", verbosity=0)
    assert len(mailoutbox) == 1


def test_the_digest_is_a_daily_scheduled_job() -> None:
    job = schedule._jobs["send_curator_digests"]
    assert job.command == "send_curator_digests" and job.every == timedelta(days=1)


def test_only_curators_may_opt_in() -> None:
    reader = people.user_with_role(None)
    with pytest.raises(Exception, match="Only curators"):
        services.set_notice_frequency(reader, "immediate")
    assert roles.is_curator(people.curator())
