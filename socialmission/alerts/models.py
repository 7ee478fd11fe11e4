"""Alerts: a reader's saved search, mailed as a digest of new resources.

``Subscriber`` is an e-mail address (private: only administrators see it); it holds up to
``MAX_ALERTS_PER_ADDRESS`` alerts. An ``Alert`` is one saved search with its frequency and
state. Every digest is recorded (``Digest``, and one ``DigestItem`` per resource it covers)
in the same transaction that queues its e-mail; the unique (alert, resource) constraint makes
sending a resource twice to the same alert impossible, whoever runs the job and how often.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialmission.alerts import tokens

MAX_ALERTS_PER_ADDRESS = 20
CONFIRMATION_EXPIRY = datetime.timedelta(days=7)


class Subscriber(models.Model):
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    selector = models.CharField(
        _("selector"), max_length=tokens.SELECTOR_LENGTH, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    # Confirmation mails sent in the current day-long window: the throttle against mail bombing.
    confirmations_window_start = models.DateTimeField(
        _("confirmations window start"), null=True, blank=True, editable=False
    )
    confirmations_in_window = models.PositiveIntegerField(
        _("confirmations in window"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("alert subscriber")
        verbose_name_plural = _("alert subscribers")

    def __str__(self) -> str:
        # Never the address: this string reaches logs and admin breadcrumbs.
        return f"Subscriber #{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.selector:
            self.selector = tokens.new_selector()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def manage_token(self) -> str:
        return tokens.make_token(self.selector, tokens.MANAGE)


class Alert(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("subscriber")
    )
    # The search as the search page's query string (SearchParams.urlencode, without the page).
    query = models.CharField(_("query"), max_length=4000, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    selector = models.CharField(
        _("selector"), max_length=tokens.SELECTOR_LENGTH, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation sent at"), null=True, blank=True, editable=False
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    # When the job last looked for new resources for this alert (the schedule's clock).
    last_checked_at = models.DateTimeField(
        _("last checked at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency__in=["daily", "weekly"]), name="alert_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "active", "paused"]), name="alert_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(confirmed_at__isnull=False),
                name="alert_confirmed_has_date",
            ),
            models.UniqueConstraint(fields=["subscriber", "query"], name="alert_one_per_search"),
        ]

    def __str__(self) -> str:
        return f"Alert #{self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.selector:
            self.selector = tokens.new_selector()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def period(self) -> datetime.timedelta:
        return datetime.timedelta(days=7 if self.frequency == self.Frequency.WEEKLY else 1)

    @property
    def confirm_token(self) -> str:
        return tokens.make_token(self.selector, tokens.CONFIRM)

    @property
    def unsubscribe_token(self) -> str:
        return tokens.make_token(self.selector, tokens.UNSUBSCRIBE)

    def confirmation_expired(self, now: datetime.datetime | None = None) -> bool:
        return (
            self.status == self.Status.PENDING
            and (now or timezone.now()) - (self.created_at) > CONFIRMATION_EXPIRY
        )


class Digest(models.Model):
    """One digest of an alert, recorded in the transaction that queues its e-mail."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="digests", verbose_name=_("alert")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # New resources found; the mail lists at most 50.
    total = models.PositiveIntegerField(_("total"))

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["alert", "created_at"])]

    def __str__(self) -> str:
        return f"Digest #{self.pk}"


class DigestItem(models.Model):
    digest = models.ForeignKey(
        Digest, on_delete=models.CASCADE, related_name="items", verbose_name=_("digest")
    )
    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="+", verbose_name=_("alert")
    )
    resource = models.ForeignKey(
        "library.Resource", on_delete=models.CASCADE, related_name="+", verbose_name=_("resource")
    )
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        verbose_name = _("digest item")
        verbose_name_plural = _("digest items")
        ordering = ["digest", "position"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "resource"], name="alert_resource_once"),
        ]

    def __str__(self) -> str:
        return f"Digest item #{self.pk}"
