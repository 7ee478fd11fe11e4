"""Schools, their teams, the instruments they answer, their cycles, answers and shared reports.

Everything here except ``Institution`` and ``Membership`` is confidential to the institution's
members (issue 8, section 5): the admin registers only those two, and every view reaches the rest
through ``selectors.membership_for`` or a live ``ShareLink``.
"""

from __future__ import annotations

import secrets
from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from socialmission.assessment.instrument import Instrument, parse_instrument
from socialmission.library.models import Profession


def new_token() -> str:
    # 32 random bytes: unguessable, and short enough for a link in an e-mail.
    return secrets.token_urlsafe(32)


class Institution(models.Model):
    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    name = models.CharField(_("name"), max_length=300, unique=True)
    professions = models.ManyToManyField(
        Profession, related_name="institutions", blank=True, verbose_name=_("professions")
    )
    ownership = models.CharField(
        _("public or private"), max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC
    )
    state = models.CharField(_("state"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, default="United States")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ownership__in=["public", "private"]), name="institution_ownership_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="institution_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assessment:institution", kwargs={"pk": self.pk})


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CONTRIBUTOR = "contributor", _("Contributor")

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("institution"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assessment_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["institution", "-role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["lead", "contributor"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) at {self.institution}"

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD


class Invitation(models.Model):
    """A single-use link, mailed to ``email``, that makes its acceptor a member."""

    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("institution"),
    )
    email = models.EmailField(_("email"))
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Membership.Role.choices,
        default=Membership.Role.CONTRIBUTOR,
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["lead", "contributor"]), name="invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="invitation_accepted_has_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.institution}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:invitation", kwargs={"token": self.token})


class InstrumentVersion(models.Model):
    """One published instrument file, stored whole; a published version never changes."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    source = models.TextField(_("source"), help_text=_("The YAML text as loaded."))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["-loaded_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="instrument_key_not_empty")
        ]

    def __str__(self) -> str:
        return self.key

    @cached_property
    def parsed(self) -> Instrument:
        return parse_instrument(self.source)


class Cycle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SUBMITTED = "submitted", _("Submitted")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("institution")
    )
    instrument = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("instrument"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    # Set the first time another school's report showed a benchmark this cycle counted in; from
    # then on only an editor-in-chief may reopen it (the other school has seen its effect).
    benchmarked_at = models.DateTimeField(_("benchmarked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["institution", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "instrument", "year"], name="cycle_unique_per_year"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "submitted"]), name="cycle_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="cycle_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2200), name="cycle_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year} ({self.instrument.key})"

    def get_absolute_url(self) -> str:
        return reverse("assessment:cycle", kwargs={"pk": self.pk})

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="answers", verbose_name=_("cycle")
    )
    indicator = models.CharField(_("indicator"), max_length=100)
    value = models.CharField(_("value"), max_length=100, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # One link per line: where the evidence for this answer is kept.
    evidence = models.TextField(_("evidence"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), auto_now=True)

    # Who answered what and when, kept for the team (never registered in the admin).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["cycle", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "indicator"], name="answer_unique_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"

    def evidence_links(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]


class ShareLinkQuerySet(models.QuerySet["ShareLink"]):
    def live(self) -> ShareLinkQuerySet:
        return self.filter(revoked_at__isnull=True)


class ShareLink(models.Model):
    """A lead's revocable, unguessable link that shows one cycle's report to whoever holds it."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="share_links", verbose_name=_("cycle")
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share link for {self.cycle}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:shared-report", kwargs={"token": self.token})
