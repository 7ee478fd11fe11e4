"""Every state change of the self-assessment, one keyword-only function each.

Each checks the actor's right to act, runs in one transaction and validates before writing.
Views, the admin and the management commands call these; none of them saves a model itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.assessment.instrument import (
    Indicator,
    InstrumentError,
    fingerprint,
    parse_instrument,
)
from socialmission.assessment.models import (
    Answer,
    Cycle,
    Institution,
    InstrumentVersion,
    Invitation,
    Membership,
    ShareLink,
)
from socialmission.core.mail import send_email
from socialmission.library.models import Domain, Profession, Topic

INVITATION_LIFETIME = timedelta(days=14)
DEFAULT_INSTRUMENT = Path(__file__).parent / "instruments" / "smm-2027.yaml"
MAX_COMMENT = 5000
MAX_EVIDENCE_LINKS = 10
_url = URLValidator(schemes=["http", "https"])


def _membership(user: User, institution: Institution) -> Membership | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return Membership.objects.filter(institution=institution, user=user).first()


def _require_member(user: User, institution: Institution) -> Membership:
    membership = _membership(user, institution)
    if membership is None:
        raise PermissionDenied(_("Only the institution's team may do this."))
    return membership


def _require_lead(user: User, institution: Institution) -> Membership:
    membership = _require_member(user, institution)
    if not membership.is_lead:
        raise PermissionDenied(_("Only a lead of the institution may do this."))
    return membership


# Instruments


def load_instrument(*, text: str) -> tuple[InstrumentVersion, bool]:
    """Store an instrument file; ``(version, changed)``. Loading the same file again changes nothing.

    A file whose content differs from the stored version of the same id is taken only while no
    cycle has an answer on it: a version schools have answered never changes.
    """
    instrument = parse_instrument(
        text,
        domain_slugs=set(Domain.objects.values_list("slug", flat=True)),
        topic_slugs=set(Topic.objects.values_list("slug", flat=True)),
    )
    digest = fingerprint(text)
    with transaction.atomic():
        existing = InstrumentVersion.objects.select_for_update().filter(key=instrument.id).first()
        if existing is None:
            version = InstrumentVersion.objects.create(
                key=instrument.id, title=instrument.title, source=text, fingerprint=digest
            )
            return version, True
        if existing.fingerprint == digest:
            return existing, False
        if Answer.objects.filter(cycle__instrument=existing).exists():
            raise InstrumentError(
                _(
                    "Instrument %(id)s is already loaded and schools have answered it; a published "
                    "version never changes. Give the changed file a new instrument id (and "
                    "carries_over_from: %(id)s)."
                )
                % {"id": instrument.id}
            )
        existing.title = instrument.title
        existing.source = text
        existing.fingerprint = digest
        existing.save()
        existing.__dict__.pop("parsed", None)
        return existing, True


def default_instrument() -> InstrumentVersion:
    """The project's default instrument, loaded from its file the first time it is needed.

    Loading on first use rather than in a data migration keeps the file the single source and
    survives test databases being flushed.
    """
    instrument = parse_instrument(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    version = InstrumentVersion.objects.filter(key=instrument.id).first()
    if version is None:
        version, _changed = load_instrument(text=DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
    return version


# Institutions and members


@transaction.atomic
def create_institution(
    *,
    actor: User,
    name: str,
    lead_email: str,
    professions: Iterable[Profession] = (),
    ownership: str = Institution.Ownership.PUBLIC,
    state: str = "",
    country: str = "United States",
) -> tuple[Institution, Invitation]:
    """An editor-in-chief creates an institution and invites its first lead."""
    if not roles.is_editor_in_chief(actor):
        raise PermissionDenied(_("Only an editor-in-chief may create institutions."))
    institution = Institution(name=name.strip(), ownership=ownership, state=state, country=country)
    institution.full_clean()
    institution.save()
    institution.professions.set(list(professions))
    invitation = _invite(
        institution=institution, actor=actor, email=lead_email, role=Membership.Role.LEAD
    )
    return institution, invitation


def _invite(*, institution: Institution, actor: User, email: str, role: str) -> Invitation:
    invitation = Invitation(
        institution=institution,
        email=email.strip(),
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    send_email(
        to=[invitation.email],
        subject=_("Join %(institution)s's Social Mission self-assessment")
        % {"institution": institution.name},
        body=_(
            "%(inviter)s invites you to the self-assessment team of %(institution)s.\n\n"
            "Open this link within 14 days to accept (it works once):\n%(path)s\n"
        )
        % {
            "inviter": actor.display_name(),
            "institution": institution.name,
            "path": settings.SITE_URL + invitation.get_absolute_url(),
        },
        kind="invitation",
    )
    return invitation


@transaction.atomic
def invite_member(
    *, institution: Institution, actor: User, email: str, role: str = Membership.Role.CONTRIBUTOR
) -> Invitation:
    _require_lead(actor, institution)
    return _invite(institution=institution, actor=actor, email=email, role=role)


def invitation_problem(invitation: Invitation, user: User | None = None) -> str:
    """Why this invitation cannot be accepted (by ``user``), or "" when it can."""
    if invitation.accepted_at is not None:
        return _("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask your team's lead for a new one.")
    if user is not None and user.email.strip().lower() != invitation.email.strip().lower():
        return _(
            "This invitation was sent to another e-mail address. Sign out and sign in with the "
            "account for that address."
        )
    return ""


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation, user)
    if problem:
        raise ValidationError(problem)
    membership, created = Membership.objects.get_or_create(
        institution=invitation.institution, user=user, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.LEAD and not membership.is_lead:
        membership.role = Membership.Role.LEAD
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _other_leads(membership: Membership) -> bool:
    return (
        Membership.objects.filter(institution=membership.institution, role=Membership.Role.LEAD)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def remove_member(*, membership: Membership, actor: User) -> None:
    """A lead removes a member, or a member leaves; the last lead cannot go."""
    if membership.user_id != actor.pk:
        _require_lead(actor, membership.institution)
    if membership.is_lead and not _other_leads(membership):
        raise ValidationError(_("The last lead cannot leave: make another member a lead first."))
    membership.delete()


@transaction.atomic
def set_role(*, membership: Membership, actor: User, role: str) -> Membership:
    _require_lead(actor, membership.institution)
    if role == Membership.Role.CONTRIBUTOR and membership.is_lead and not _other_leads(membership):
        raise ValidationError(
            _("The last lead cannot step down: make another member a lead first.")
        )
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


# Cycles and answers


@transaction.atomic
def open_cycle(
    *, institution: Institution, actor: User, year: int, instrument: InstrumentVersion | None = None
) -> Cycle:
    _require_lead(actor, institution)
    cycle = Cycle(institution=institution, instrument=instrument or default_instrument(), year=year)
    cycle.full_clean()
    cycle.save()
    return cycle


def clean_value(indicator: Indicator, value: str) -> str:
    """The answer text as stored, or ``ValidationError`` saying what is wrong with it."""
    value = value.strip()
    if not value:
        return ""
    if indicator.type in ("number", "percent"):
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            raise ValidationError(_("Enter a number.")) from None
        if not math.isfinite(number) or number < 0:
            raise ValidationError(_("Enter a number of zero or more."))
        if indicator.type == "percent" and number > 100:
            raise ValidationError(_("Enter a percentage between 0 and 100."))
        return f"{number:g}"
    allowed = [option.value for option in indicator.options]
    if value not in allowed:
        raise ValidationError(
            _("%(value)s is not one of the answers: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(allowed)}
        )
    return value


def clean_evidence(text: str) -> str:
    links = [line.strip() for line in text.splitlines() if line.strip()]
    if len(links) > MAX_EVIDENCE_LINKS:
        raise ValidationError(
            _("At most %(count)d evidence links.") % {"count": MAX_EVIDENCE_LINKS}
        )
    for link in links:
        try:
            _url(link)
        except ValidationError:
            raise ValidationError(
                _("%(link)s is not a web address (http:// or https://).") % {"link": link}
            ) from None
    return "\n".join(links)


def record_answer(
    *, cycle: Cycle, user: User | None, indicator_id: str, value: str, comment: str, evidence: str
) -> Answer:
    """Validate and store one answer; callers have checked the right to write (``user=None``: the
    operator's import) and hold the transaction."""
    try:
        indicator = cycle.instrument.parsed.indicator(indicator_id)
    except KeyError:
        raise ValidationError(_("No such indicator in this instrument.")) from None
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for field, clean, raw in (
        ("value", lambda v: clean_value(indicator, v), value),
        ("evidence", clean_evidence, evidence),
    ):
        try:
            cleaned[field] = clean(raw)
        except ValidationError as exc:
            errors[field] = exc.messages
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [_("At most %(count)d characters.") % {"count": MAX_COMMENT}]
    if errors:
        raise ValidationError(errors)
    answer = Answer.objects.filter(cycle=cycle, indicator=indicator.id).first()
    if answer is None:
        answer = Answer(cycle=cycle, indicator=indicator.id)
    elif (answer.value, answer.comment, answer.evidence) == (
        cleaned["value"],
        comment,
        cleaned["evidence"],
    ):
        return answer
    answer.value = cleaned["value"]
    answer.comment = comment
    answer.evidence = cleaned["evidence"]
    answer.answered_by = user
    answer._history_user = user  # type: ignore[attr-defined]
    answer.save()
    return answer


@transaction.atomic
def save_answer(
    *,
    cycle: Cycle,
    actor: User,
    indicator_id: str,
    value: str,
    comment: str = "",
    evidence: str = "",
) -> Answer:
    _require_member(actor, cycle.institution)
    cycle = Cycle.objects.select_for_update().select_related("instrument").get(pk=cycle.pk)
    if cycle.is_submitted:
        raise ValidationError(_("This cycle has been submitted; a lead must reopen it first."))
    return record_answer(
        cycle=cycle,
        user=actor,
        indicator_id=indicator_id,
        value=value,
        comment=comment,
        evidence=evidence,
    )


@transaction.atomic
def submit_cycle(*, cycle: Cycle, actor: User | None) -> Cycle:
    """The lead submits, which locks the cycle (``actor=None``: the operator's import)."""
    if actor is not None:
        _require_lead(actor, cycle.institution)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.is_submitted:
        raise ValidationError(_("This cycle has already been submitted."))
    if not cycle.answers.exclude(value="").exists():
        raise ValidationError(_("Answer at least one indicator before submitting."))
    cycle.status = Cycle.Status.SUBMITTED
    cycle.submitted_at = timezone.now()
    cycle.submitted_by = actor
    cycle.full_clean()
    cycle.save()
    return cycle


def can_reopen(cycle: Cycle, user: User) -> bool:
    if not cycle.is_submitted:
        return False
    if cycle.benchmarked_at is not None:
        return roles.is_editor_in_chief(user)
    membership = _membership(user, cycle.institution)
    return membership is not None and membership.is_lead


@transaction.atomic
def reopen_cycle(*, cycle: Cycle, actor: User) -> Cycle:
    """A lead reopens a submitted cycle until another school's benchmark used it; then only an
    editor-in-chief may."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if not cycle.is_submitted:
        raise ValidationError(_("This cycle is open already."))
    if not can_reopen(cycle, actor):
        if cycle.benchmarked_at is not None:
            raise PermissionDenied(
                _(
                    "Another school's benchmark has used this report; only an editor-in-chief "
                    "may reopen it."
                )
            )
        raise PermissionDenied(_("Only a lead of the institution may reopen a cycle."))
    cycle.status = Cycle.Status.OPEN
    cycle.submitted_at = None
    cycle.submitted_by = None
    cycle.save()
    return cycle


def record_benchmark_use(*, cycle_ids: Iterable[int]) -> None:
    """Mark peer cycles whose scores another school's benchmark has just shown."""
    ids = list(cycle_ids)
    if ids:
        Cycle.objects.filter(pk__in=ids, benchmarked_at__isnull=True).update(
            benchmarked_at=timezone.now()
        )


# Sharing


@transaction.atomic
def create_share_link(*, cycle: Cycle, actor: User) -> ShareLink:
    _require_lead(actor, cycle.institution)
    return ShareLink.objects.create(cycle=cycle, created_by=actor)


@transaction.atomic
def revoke_share_link(*, link: ShareLink, actor: User) -> ShareLink:
    _require_lead(actor, link.cycle.institution)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def share_url(link: ShareLink) -> str:
    return reverse("assessment:shared-report", kwargs={"token": link.token})
