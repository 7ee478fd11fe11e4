"""The health of each published resource's links: one ``Link`` per address, its last checks.

A resource has up to two links: its URL and its DOI's resolution. ``services.sync_links`` keeps
the rows in step with the library; the state rules are in ``states.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialmission.library.models import Resource
from socialmission.linkhealth import http, states


class Kind(models.TextChoices):
    URL = "url", _("Web address")
    DOI = "doi", _("DOI")


class Status(models.TextChoices):
    UNCHECKED = states.UNCHECKED, _("Not checked yet")
    OK = states.OK, _("Working")
    MOVED = states.MOVED, _("Moved")
    FAILING = states.FAILING, _("Failed once")
    BROKEN = states.BROKEN, _("Broken")


# Statuses the curators' page lists; "failing" waits for its confirming check.
NEEDS_ATTENTION = (Status.BROKEN, Status.MOVED)

ERROR_LABELS = {
    http.NOT_FOUND: _("Not found (404)"),
    http.GONE: _("Gone (410)"),
    http.DNS: _("The site's name does not resolve"),
    http.TLS: _("Secure connection failed"),
    http.TIMEOUT: _("No answer in time"),
    http.RESET: _("Connection reset"),
    http.REFUSED: _("Connection refused"),
    http.REDIRECT_LOOP: _("Too many redirects"),
    http.INVALID_URL: _("Not a web address"),
    http.HTTP_STATUS: _("Unexpected answer"),
    http.OTHER: _("Request failed"),
}


class Link(models.Model):
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="links", verbose_name=_("resource")
    )
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    address = models.URLField(_("address"), max_length=2100)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UNCHECKED
    )
    final_url = models.URLField(_("final url"), max_length=2100, blank=True)
    http_status = models.PositiveSmallIntegerField(_("http status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=20, blank=True)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    # The consecutive failed checks and when the first of them happened.
    failures = models.PositiveSmallIntegerField(_("failures"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    # A redirect target a curator looked at and kept the old address for.
    accepted_final_url = models.URLField(_("accepted final url"), max_length=2100, blank=True)
    checked_by_hand_at = models.DateTimeField(_("checked by hand at"), null=True, blank=True)
    checked_by_hand_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by hand by"),
    )
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True, db_index=True)
    # A run claims the links it checks, so two runs at once never check one link twice.
    lease_token = models.CharField(_("lease token"), max_length=32, blank=True, db_index=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["resource_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "kind"], name="link_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="link_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="link_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "-last_checked_at"], name="link_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of #{self.resource_id}: {self.address}"

    @property
    def error_label(self) -> str:
        return str(ERROR_LABELS.get(self.error, self.error))

    @property
    def state(self) -> states.LinkState:
        return states.LinkState(
            status=self.status,
            failures=self.failures,
            failing_since=self.failing_since,
            final_url=self.final_url,
            accepted_final_url=self.accepted_final_url,
        )


class Outcome(models.TextChoices):
    OK = "ok", _("Working")
    MOVED = "moved", _("Moved")
    FAILED = "failed", _("Failed")
    INCONCLUSIVE = "inconclusive", _("Inconclusive")
    BY_HAND = "by-hand", _("Checked by hand")
    NEW_ADDRESS = "new-address", _("New address taken")


class LinkCheck(models.Model):
    """One check of a link; only the last ``LINKHEALTH_HISTORY_LENGTH`` are kept."""

    link = models.ForeignKey(
        Link, on_delete=models.CASCADE, related_name="checks", verbose_name=_("link")
    )
    checked_at = models.DateTimeField(_("checked at"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    method = models.CharField(_("method"), max_length=4, blank=True)
    http_status = models.PositiveSmallIntegerField(_("http status"), null=True, blank=True)
    final_url = models.URLField(_("final url"), max_length=2100, blank=True)
    # Each hop of the redirect chain: [{"status": 301, "url": "…"}, …].
    redirects = models.JSONField(_("redirects"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=20, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )

    class Meta:
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        ordering = ["-checked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="linkcheck_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def error_label(self) -> str:
        return str(ERROR_LABELS.get(self.error, self.error))
