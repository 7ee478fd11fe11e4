"""Rows of the background-work foundation: outgoing e-mail and the periodic jobs' state."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One message the product sends, from the moment it is queued until it is sent or given up.

    Holds addresses: only administrators see it (admin), no public output reads it, and the
    ``cleanup`` job deletes sent rows after a week and failed ones after a month.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40, blank=True)
    to = models.JSONField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    # The mail server's answer, with any address in it replaced by "<address>".
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outgoingemail_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed"]),
                name="outgoingemail_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind or 'e-mail'} #{self.pk} ({self.status})"


class ScheduledJob(models.Model):
    """The state of one periodic job, shared by every scheduler process.

    A scheduler runs a job only after moving ``next_run_at`` forward and taking the lease in
    one conditional UPDATE; whichever scheduler's UPDATE matched the row runs it, the others
    see zero rows changed. ``lease_until`` stops a second copy while a long run is under way.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    next_run_at = models.DateTimeField(_("next run"))
    lease_until = models.DateTimeField(_("running until at most"), null=True, blank=True)
    lease_holder = models.CharField(_("running in"), max_length=120, blank=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_succeeded = models.BooleanField(_("last run succeeded"), null=True)
    last_error = models.TextField(_("last error"), blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
