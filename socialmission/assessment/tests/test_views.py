"""The pages a team uses: invitations, answering (with and without htmx), submitting, reopening."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from socialmission.accounts.tests.factories import editor
from socialmission.assessment import services
from socialmission.assessment.models import Answer, Cycle, Membership
from socialmission.assessment.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def team() -> dict[str, Any]:
    inst = f.institution("Team School")
    lead = f.member(inst, first_name="Lena", last_name="Lead")
    cycle = f.cycle(inst)
    client = Client()
    client.force_login(lead)
    return {"inst": inst, "lead": lead, "cycle": cycle, "client": client}


def test_invitation_creates_an_account_and_joins(client: Client) -> None:
    inst = f.institution()
    lead = f.member(inst)
    invitation = services.invite_member(institution=inst, actor=lead, email="new@example.org")
    url = invitation.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and "new@example.org" in page.content.decode()
    response = client.post(
        url,
        {
            "username": "newbie",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert response.status_code == 302 and response["Location"] == inst.get_absolute_url()
    membership = Membership.objects.get(institution=inst, user__username="newbie")
    assert membership.user.email == "new@example.org" and membership.role == "contributor"
    # Reused: refused, for anyone.
    again = Client().get(url)
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_invitation_signed_in_with_the_right_account_and_refused_for_the_wrong_one() -> None:
    inst = f.institution()
    lead = f.member(inst)
    invitation = services.invite_member(
        institution=inst, actor=lead, email="ann@example.org", role="lead"
    )
    wrong = Client()
    wrong.force_login(f.user(email="bob@example.org"))
    response = wrong.post(invitation.get_absolute_url())
    assert response.status_code == 403 and "another e-mail address" in response.content.decode()
    assert not Membership.objects.filter(user__email="bob@example.org").exists()
    right = Client()
    ann = f.user(email="ann@example.org")
    right.force_login(ann)
    assert right.get(invitation.get_absolute_url()).status_code == 200
    assert right.post(invitation.get_absolute_url()).status_code == 302
    assert Membership.objects.get(user=ann).role == "lead"


def test_an_expired_invitation_is_refused(client: Client) -> None:
    inst = f.institution()
    invitation = services.invite_member(
        institution=inst, actor=f.member(inst), email="x@example.org"
    )
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    response = client.post(
        invitation.get_absolute_url(),
        {
            "username": "late",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not Membership.objects.filter(user__username="late").exists()


def test_the_domain_page_saves_without_javascript(team: dict[str, Any]) -> None:
    client, cycle = team["client"], team["cycle"]
    url = f"/assessment/cycles/{cycle.pk}/domains/pathways-admission-graduation/"
    page = client.get(url).content.decode()
    assert (
        "Holistic admissions" in page and "0 of 3 answered" in page and 'name="value-PAG-1"' in page
    )
    response = client.post(
        url,
        {
            "value-PAG-1": "planning",
            "comment-PAG-1": "Policy drafted",
            "evidence-PAG-1": "https://example.org/policy",
            "value-PAG-2": "",
            "value-PAG-3": "12",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "2 of 3 answered" in page and "Policy drafted" in page and "Saved by Lena Lead" in page
    assert "Who answered what, and when" in page and "Lena Lead · planning" in page
    bad = client.post(url, {"value-PAG-1": "planning", "value-PAG-3": "lots"})
    assert bad.status_code == 400 and "Enter a number." in bad.content.decode()
    assert Answer.objects.get(cycle=cycle, indicator="PAG-3").value == "12"


def test_one_indicator_autosaves_through_htmx(team: dict[str, Any]) -> None:
    client, cycle = team["client"], team["cycle"]
    url = f"/assessment/cycles/{cycle.pk}/answers/CE-1/"
    response = client.post(
        url, {"value-CE-1": "40", "comment-CE-1": "From the office"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Saved by Lena Lead" in body
    assert 'hx-swap-oob="true"' in body and "1 of 1 answered" in body
    assert Answer.objects.get(cycle=cycle, indicator="CE-1").comment == "From the office"
    wrong = client.post(url, {"value-CE-1": "140"}, HTTP_HX_REQUEST="true")
    assert "between 0 and 100" in wrong.content.decode()
    # The Save button without JavaScript posts to the same URL and comes back to the indicator.
    plain = client.post(url, {"value-CE-1": "45"})
    assert plain.status_code == 302 and plain["Location"].endswith(
        "/domains/community-engagement/#ind-CE-1"
    )
    assert Answer.objects.get(cycle=cycle, indicator="CE-1").value == "45"


def test_unknown_domain_and_indicator_are_not_found(team: dict[str, Any]) -> None:
    client, cycle = team["client"], team["cycle"]
    assert client.get(f"/assessment/cycles/{cycle.pk}/domains/nowhere/").status_code == 404
    assert client.post(f"/assessment/cycles/{cycle.pk}/answers/XX-1/").status_code == 404


def test_submit_locks_the_pages_and_reopen_unlocks(team: dict[str, Any]) -> None:
    client, cycle = team["client"], team["cycle"]
    client.post(f"/assessment/cycles/{cycle.pk}/answers/CE-1/", {"value-CE-1": "40"})
    response = client.post(f"/assessment/cycles/{cycle.pk}/submit/")
    assert response["Location"] == f"/assessment/cycles/{cycle.pk}/report/"
    cycle.refresh_from_db()
    assert cycle.is_submitted
    page = client.get(
        f"/assessment/cycles/{cycle.pk}/domains/community-engagement/"
    ).content.decode()
    assert "answers are locked" in page and "disabled" in page
    client.post(f"/assessment/cycles/{cycle.pk}/answers/CE-1/", {"value-CE-1": "90"})
    assert Answer.objects.get(cycle=cycle, indicator="CE-1").value == "40"
    client.post(f"/assessment/cycles/{cycle.pk}/reopen/")
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.OPEN


def test_after_a_benchmark_only_an_editor_reopens_from_the_manage_page(
    team: dict[str, Any],
) -> None:
    client, cycle = team["client"], team["cycle"]
    Answer.objects.create(cycle=cycle, indicator="CE-1", value="40")
    services.submit_cycle(cycle=cycle, actor=team["lead"])
    services.record_benchmark_use(cycle_ids=[cycle.pk])
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "only an editor-in-chief can reopen it" in page
    client.post(f"/assessment/cycles/{cycle.pk}/reopen/")
    cycle.refresh_from_db()
    assert cycle.is_submitted
    chief = Client()
    chief.force_login(editor())
    manage = chief.get("/assessment/manage/").content.decode()
    assert "Team School" in manage and "Reopen" in manage
    chief.post(f"/assessment/manage/cycles/{cycle.pk}/reopen/")
    cycle.refresh_from_db()
    assert not cycle.is_submitted


def test_an_editor_creates_an_institution_with_its_first_lead() -> None:
    chief = Client()
    chief.force_login(editor())
    response = chief.post(
        "/assessment/manage/",
        {
            "name": "New College",
            "professions": ["nursing"],
            "ownership": "private",
            "state": "Iowa",
            "country": "United States",
            "lead_email": "dean@example.org",
        },
    )
    assert response.status_code == 302
    from socialmission.assessment.models import Institution

    made = Institution.objects.get(name="New College")
    assert list(made.professions.values_list("slug", flat=True)) == ["nursing"]
    assert made.invitations.get().role == "lead"


def test_leads_invite_remove_and_start_cycles_from_the_institution_page(
    team: dict[str, Any],
) -> None:
    client, inst = team["client"], team["inst"]
    client.post(
        f"/assessment/institutions/{inst.pk}/invite/",
        {"email": "c@example.org", "role": "contributor"},
    )
    assert inst.invitations.filter(email="c@example.org").exists()
    other = f.member(inst, Membership.Role.CONTRIBUTOR)
    membership = Membership.objects.get(user=other)
    client.post(f"/assessment/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(
        f"/assessment/institutions/{inst.pk}/cycles/new/",
        {"year": 2028, "instrument": team["cycle"].instrument.pk},
    )
    created = Cycle.objects.get(institution=inst, year=2028)
    assert response["Location"] == created.get_absolute_url()
