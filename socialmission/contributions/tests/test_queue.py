"""The curator queue: order, filters, claims, bulk decline, side-by-side comparison."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from socialmission.contributions import services
from socialmission.contributions.models import Nomination, Status, Suggestion
from socialmission.contributions.tests.factories import NominationFactory, SuggestionFactory
from socialmission.contributions.tests.helpers import curator_suggestion_post
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def age(item: Any, days: int) -> None:
    type(item).objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_oldest_first_across_kinds_and_filters(curator_client: Any, curator: Any) -> None:
    new = SuggestionFactory(title="Newest suggestion")
    old = SuggestionFactory(title="Oldest suggestion")
    middle = NominationFactory(nominee_name="Middle nominee")
    age(old, 10)
    age(middle, 5)
    done = SuggestionFactory(title="Declined one")
    services.decline(done, curator=curator, reason="no")

    text = curator_client.get(reverse("contributions:queue")).text
    assert (
        text.index("Oldest suggestion")
        < text.index("Middle nominee")
        < text.index("Newest suggestion")
    )
    assert "Declined one" not in text

    text = curator_client.get(reverse("contributions:queue"), {"kind": "nomination"}).text
    assert "Middle nominee" in text and "Oldest suggestion" not in text
    text = curator_client.get(reverse("contributions:queue"), {"status": "declined"}).text
    assert "Declined one" in text and "Oldest suggestion" not in text
    text = curator_client.get(reverse("contributions:queue"), {"q": "newest"}).text
    assert "Newest suggestion" in text and "Oldest suggestion" not in text
    services.claim(new, curator=curator)
    text = curator_client.get(reverse("contributions:queue"), {"claimed": "mine"}).text
    assert "Newest suggestion" in text and "Oldest suggestion" not in text
    text = curator_client.get(reverse("contributions:queue"), {"claimed": "unclaimed"}).text
    assert "Newest suggestion" not in text and "Oldest suggestion" in text


def test_claim_keeps_other_curators_off(
    curator_client: Any, curator: Any, other_curator: Any
) -> None:
    suggestion = SuggestionFactory()
    response = curator_client.post(suggestion.get_queue_url(), {"action": "claim"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.claimed_by == curator
    with pytest.raises(ValidationError, match="is working on this item"):
        services.claim(suggestion, curator=other_curator)
    with pytest.raises(ValidationError):
        services.publish_suggestion(suggestion, curator=other_curator)
    with pytest.raises(ValidationError):
        services.decline(suggestion, curator=other_curator, reason="no")
    with pytest.raises(Exception, match="editor-in-chief"):
        services.release(suggestion, curator=other_curator)
    page = curator_client.get(suggestion.get_queue_url())
    assert "Release my claim" in page.text
    curator_client.post(suggestion.get_queue_url(), {"action": "release"})
    suggestion.refresh_from_db()
    assert suggestion.claimed_by is None
    services.claim(suggestion, curator=other_curator)
    page = curator_client.get(suggestion.get_queue_url())
    assert "is working on this item" in page.text
    assert 'value="publish"' not in page.text


def test_editor_in_chief_may_release_anyones_claim(curator: Any, editor: Any) -> None:
    suggestion = services.claim(SuggestionFactory(), curator=curator)
    services.release(suggestion, curator=editor)
    suggestion.refresh_from_db()
    assert suggestion.claimed_by is None


def test_editing_saves_and_claims(curator_client: Any, curator: Any) -> None:
    suggestion = SuggestionFactory(title="  Old   title ")
    response = curator_client.post(
        suggestion.get_queue_url(),
        curator_suggestion_post(
            suggestion,
            "save",
            title="A  better   title",
            doi="DOI: 10.5555/ABC",
            authors_text="Smith, Jo\nWorld Health Organization",
            need="Few rural doctors",
            keywords="rural, pathways;  rural ;;",
            language=" EN ",
            venue="  Academic\n Medicine ",
        ),
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.title == "A better title"
    assert suggestion.doi == "10.5555/ABC"
    assert suggestion.authors == [
        {"family": "Smith", "given": "Jo"},
        {"literal": "World Health Organization"},
    ]
    assert suggestion.need == "Few rural doctors"
    assert suggestion.keywords == "rural; pathways"
    assert suggestion.language == "en"
    assert suggestion.venue == "Academic Medicine"
    assert suggestion.claimed_by == curator
    assert suggestion.status == Status.PENDING


def test_bad_edit_keeps_what_the_curator_typed(curator_client: Any) -> None:
    suggestion = SuggestionFactory()
    response = curator_client.post(
        suggestion.get_queue_url(),
        curator_suggestion_post(
            suggestion, "save", title="", results="Kept results text", url="javascript:x"
        ),
    )
    assert response.status_code == 400
    assert "Kept results text" in response.text
    assert "Enter a valid URL" in response.text


def test_program_example_summary_reaches_the_resource(curator: Any) -> None:
    suggestion = SuggestionFactory()
    services.edit_suggestion(
        suggestion, curator=curator, changes={"need": "N", "intervention": "I", "results": "R"}
    )
    resource = services.publish_suggestion(suggestion, curator=curator)
    assert (resource.need, resource.intervention, resource.results) == ("N", "I", "R")
    assert resource.reviewed_on == timezone.localdate()


def test_closed_items_cannot_change_again(curator: Any) -> None:
    suggestion = SuggestionFactory()
    services.decline(suggestion, curator=curator, reason="no")
    for call in (
        lambda: services.publish_suggestion(suggestion, curator=curator),
        lambda: services.decline(suggestion, curator=curator, reason="again"),
        lambda: services.ask_question(suggestion, curator=curator, question="?"),
        lambda: services.merge_suggestion(suggestion, curator=curator, into=ResourceFactory()),
    ):
        with pytest.raises(ValidationError, match="already declined"):
            call()


def test_bulk_decline_sends_no_mail_and_skips_claimed(
    curator_client: Any,
    other_curator: Any,
    mailoutbox: list,
    django_capture_on_commit_callbacks: Any,
) -> None:
    spam1, spam2, theirs = SuggestionFactory(), SuggestionFactory(), SuggestionFactory()
    spam3 = NominationFactory()
    services.claim(theirs, curator=other_curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            reverse("contributions:bulk-decline"),
            {
                "suggestions": [spam1.pk, spam2.pk, theirs.pk],
                "nominations": [spam3.pk],
                "reason": "Spam",
            },
            follow=True,
        )
    assert "Declined 3 items." in response.text
    assert "1 left alone" in response.text
    assert set(Suggestion.objects.filter(status=Status.DECLINED).values_list("pk", flat=True)) == {
        spam1.pk,
        spam2.pk,
    }
    assert Nomination.objects.get().status == Status.DECLINED
    theirs.refresh_from_db()
    assert theirs.status == Status.PENDING
    assert mailoutbox == []


def test_bulk_decline_needs_a_selection(curator_client: Any) -> None:
    response = curator_client.post(
        reverse("contributions:bulk-decline"), {"reason": "Spam"}, follow=True
    )
    assert "Select at least one item" in response.text


def test_side_by_side_comparison_with_a_duplicate(curator_client: Any) -> None:
    existing = ResourceFactory(
        title="Rural track outcomes", doi="10.5555/rural", venue="Rural Medicine"
    )
    other = ResourceFactory(title="Unrelated")
    suggestion = SuggestionFactory(
        title="Rural track outcomes", doi="10.5555/RURAL", venue="Journal of Rural Health"
    )
    page = curator_client.get(suggestion.get_queue_url())
    assert "Side by side with" in page.text
    assert "Rural Medicine" in page.text and "Journal of Rural Health" in page.text
    assert "differs" in page.text
    page = curator_client.get(suggestion.get_queue_url(), {"compare": other.pk})
    assert f"Resource #{other.pk}" in page.text
    assert existing.pk != other.pk


def test_no_mail_when_the_change_rolls_back(
    curator: Any, mailoutbox: list, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    suggestion = SuggestionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.decline(suggestion, curator=curator, reason="no")
            raise RuntimeError
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PENDING
    assert mailoutbox == []


def test_database_refuses_impossible_states() -> None:
    from django.db import IntegrityError, transaction

    suggestion = SuggestionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(status="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(status="declined", decline_reason="")
    nomination = NominationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=nomination.pk).update(status="merged")
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=nomination.pk).update(consent=False)


def test_admin_action_declines_spam_through_the_service(admin_client: Any) -> None:
    spam = SuggestionFactory(title="Cheap pills")
    response = admin_client.post(
        reverse("admin:contributions_suggestion_changelist"),
        {"action": "decline_as_spam", "_selected_action": [spam.pk]},
        follow=True,
    )
    assert "Declined 1 item(s)." in response.text
    spam.refresh_from_db()
    assert spam.status == Status.DECLINED
    assert spam.decline_reason == "Declined as spam."


def test_other_open_suggestions_of_the_same_work_are_listed(curator_client: Any) -> None:
    first = SuggestionFactory(title="Holistic admissions outcomes", doi="10.5555/HOL")
    same_doi = SuggestionFactory(title="Something else entirely", doi="https://doi.org/10.5555/hol")
    same_title = SuggestionFactory(title="Holistic Admissions: Outcomes", doi="")
    unrelated = SuggestionFactory(title="Dental public health curriculum")
    page = curator_client.get(first.get_queue_url())
    assert "Other open suggestions of the same work" in page.text
    assert same_doi.get_queue_url() in page.text
    assert same_title.get_queue_url() in page.text
    assert unrelated.get_queue_url() not in page.text


def test_queue_says_how_many_items_match(curator_client: Any) -> None:
    SuggestionFactory()
    NominationFactory()
    assert "2 items." in curator_client.get(reverse("contributions:queue")).text
