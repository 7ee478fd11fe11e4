"""State changes: instruments, invitations, membership, submit/lock/reopen, answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from socialmission.accounts.tests.factories import curator, editor
from socialmission.assessment import services
from socialmission.assessment.instrument import InstrumentError
from socialmission.assessment.models import Answer, Cycle, InstrumentVersion, Membership
from socialmission.assessment.tests import factories as f

pytestmark = pytest.mark.django_db


def test_loading_the_same_instrument_twice_changes_nothing() -> None:
    first, changed = services.load_instrument(text=f.INSTRUMENT_YAML)
    again, changed_again = services.load_instrument(text=f.INSTRUMENT_YAML)
    assert changed and not changed_again
    assert first.pk == again.pk and InstrumentVersion.objects.count() == 1


def test_a_changed_file_is_taken_until_someone_has_answered_it() -> None:
    version = f.instrument()
    retitled = f.INSTRUMENT_YAML.replace("Test Self-Assessment", "Renamed")
    updated, changed = services.load_instrument(text=retitled)
    assert changed and updated.title == "Renamed"
    f.cycle(f.institution(), {"PAG-1": "none"}, version=version)
    with pytest.raises(InstrumentError, match="already loaded and schools have answered it"):
        services.load_instrument(text=f.INSTRUMENT_YAML.replace("Renamed", "Again"))


def test_an_unknown_domain_slug_is_refused() -> None:
    with pytest.raises(InstrumentError, match="unknown domain"):
        services.load_instrument(text=f.INSTRUMENT_YAML.replace("community-engagement", "nowhere"))


def test_only_an_editor_in_chief_creates_institutions_and_the_lead_is_invited(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with pytest.raises(PermissionDenied):
        services.create_institution(actor=curator(), name="X", lead_email="l@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _institution, invitation = services.create_institution(
            actor=editor(), name="Demo U", lead_email="lead@example.org"
        )
    assert invitation.role == Membership.Role.LEAD
    assert invitation.expires_at - timezone.now() > timedelta(days=13, hours=23)
    assert [m.to for m in mail.outbox] == [["lead@example.org"]]
    assert invitation.token in mail.outbox[0].body


def test_invitation_is_single_use_expires_and_refuses_the_wrong_account() -> None:
    inst = f.institution()
    lead = f.member(inst)
    invitation = services.invite_member(institution=inst, actor=lead, email="Ann@Example.org")
    stranger = f.user(email="someone@example.org")
    with pytest.raises(ValidationError, match="another e-mail address"):
        services.accept_invitation(invitation=invitation, user=stranger)
    ann = f.user(email="ann@example.org")
    membership = services.accept_invitation(invitation=invitation, user=ann)
    assert membership.role == Membership.Role.CONTRIBUTOR
    with pytest.raises(ValidationError, match="already been used"):
        services.accept_invitation(invitation=invitation, user=ann)
    late = services.invite_member(institution=inst, actor=lead, email="bob@example.org")
    late.expires_at = timezone.now() - timedelta(seconds=1)
    late.save()
    with pytest.raises(ValidationError, match="expired"):
        services.accept_invitation(invitation=late, user=f.user(email="bob@example.org"))


def test_contributors_cannot_invite_and_the_last_lead_cannot_leave() -> None:
    inst = f.institution()
    lead = f.member(inst)
    contributor = f.member(inst, Membership.Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.invite_member(institution=inst, actor=contributor, email="x@example.org")
    lead_membership = Membership.objects.get(user=lead)
    with pytest.raises(ValidationError, match="last lead"):
        services.remove_member(membership=lead_membership, actor=lead)
    contributor_membership = Membership.objects.get(user=contributor)
    with pytest.raises(PermissionDenied):
        services.remove_member(membership=lead_membership, actor=contributor)
    services.set_role(membership=contributor_membership, actor=lead, role="lead")
    services.remove_member(membership=lead_membership, actor=lead)
    assert not Membership.objects.filter(user=lead).exists()


def test_answers_are_validated_against_the_indicator() -> None:
    inst = f.institution()
    lead = f.member(inst)
    cycle = f.cycle(inst)
    for indicator, value, message in [
        ("PAG-1", "maybe", "not one of the answers"),
        ("PAG-3", "many", "Enter a number"),
        ("PAG-3", "-1", "zero or more"),
        ("CE-1", "101", "between 0 and 100"),
        ("XX-9", "1", "No such indicator"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.save_answer(cycle=cycle, actor=lead, indicator_id=indicator, value=value)
    with pytest.raises(ValidationError, match="not a web address"):
        services.save_answer(
            cycle=cycle, actor=lead, indicator_id="PAG-1", value="none", evidence="javascript:x"
        )
    saved = services.save_answer(
        cycle=cycle,
        actor=lead,
        indicator_id="PAG-1",
        value="planning",
        comment=" Policy adopted in May ",
        evidence="https://example.org/policy\n\nhttps://example.org/minutes",
    )
    assert (saved.value, saved.comment, saved.answered_by) == (
        "planning",
        "Policy adopted in May",
        lead,
    )
    assert saved.evidence_links() == ["https://example.org/policy", "https://example.org/minutes"]
    assert saved.history.first().history_user == lead


def test_strangers_cannot_answer() -> None:
    cycle = f.cycle(f.institution())
    other = f.member(f.institution())
    with pytest.raises(PermissionDenied):
        services.save_answer(cycle=cycle, actor=other, indicator_id="PAG-1", value="none")


def test_submit_locks_and_the_lead_reopens_until_a_benchmark_used_it() -> None:
    inst = f.institution()
    lead = f.member(inst)
    contributor = f.member(inst, Membership.Role.CONTRIBUTOR)
    cycle = f.cycle(inst)
    with pytest.raises(ValidationError, match="at least one"):
        services.submit_cycle(cycle=cycle, actor=lead)
    services.save_answer(cycle=cycle, actor=contributor, indicator_id="PAG-1", value="none")
    with pytest.raises(PermissionDenied):
        services.submit_cycle(cycle=cycle, actor=contributor)
    cycle = services.submit_cycle(cycle=cycle, actor=lead)
    assert cycle.status == Cycle.Status.SUBMITTED and cycle.submitted_by == lead
    with pytest.raises(ValidationError, match="submitted"):
        services.save_answer(cycle=cycle, actor=lead, indicator_id="PAG-1", value="planning")
    with pytest.raises(PermissionDenied):
        services.reopen_cycle(cycle=cycle, actor=contributor)
    cycle = services.reopen_cycle(cycle=cycle, actor=lead)
    assert cycle.status == Cycle.Status.OPEN and cycle.submitted_at is None
    cycle = services.submit_cycle(cycle=cycle, actor=lead)
    services.record_benchmark_use(cycle_ids=[cycle.pk])
    cycle.refresh_from_db()
    with pytest.raises(PermissionDenied, match="only an editor-in-chief"):
        services.reopen_cycle(cycle=cycle, actor=lead)
    assert services.reopen_cycle(cycle=cycle, actor=editor()).status == Cycle.Status.OPEN


def test_an_editor_in_chief_may_not_reopen_before_a_benchmark_used_it() -> None:
    inst = f.institution()
    cycle = f.cycle(inst, {"PAG-1": "none"}, submitted=True)
    with pytest.raises(PermissionDenied):
        services.reopen_cycle(cycle=cycle, actor=editor())


def test_share_links_are_made_and_revoked_by_leads_only() -> None:
    inst = f.institution()
    lead = f.member(inst)
    contributor = f.member(inst, Membership.Role.CONTRIBUTOR)
    cycle = f.cycle(inst)
    with pytest.raises(PermissionDenied):
        services.create_share_link(cycle=cycle, actor=contributor)
    link = services.create_share_link(cycle=cycle, actor=lead)
    assert len(link.token) >= 40
    with pytest.raises(PermissionDenied):
        services.revoke_share_link(link=link, actor=contributor)
    assert services.revoke_share_link(link=link, actor=lead).revoked_at is not None


def test_unchanged_answer_is_not_rewritten() -> None:
    inst = f.institution()
    lead = f.member(inst)
    cycle = f.cycle(inst)
    services.save_answer(cycle=cycle, actor=lead, indicator_id="PAG-1", value="none")
    other = f.member(inst, Membership.Role.CONTRIBUTOR)
    services.save_answer(cycle=cycle, actor=other, indicator_id="PAG-1", value="none")
    answer = Answer.objects.get(cycle=cycle)
    assert answer.answered_by == lead and answer.history.count() == 1
