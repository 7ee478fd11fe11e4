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
    selector = models.CharField(max_length=tokens.SELECTOR_LENGTH, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Confirmation mails sent in the current day-long window: the throttle against mail bombing.
    confirmations_window_start = models.DateTimeField(null=True, blank=True, editable=False)
    confirmations_in_window = models.PositiveIntegerField(default=0, editable=False)

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

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="alerts")
    # The search as the search page's query string (SearchParams.urlencode, without the page).
    query = models.CharField(max_length=4000, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    selector = models.CharField(max_length=tokens.SELECTOR_LENGTH, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the job last looked for new resources for this alert (the schedule's clock).
    last_checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
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

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="digests")
    created_at = models.DateTimeField(default=timezone.now)
    total = models.PositiveIntegerField()  # new resources found; the mail lists at most 50

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["alert", "created_at"])]

    def __str__(self) -> str:
        return f"Digest #{self.pk}"


class DigestItem(models.Model):
    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="items")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey("library.Resource", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["digest", "position"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "resource"], name="alert_resource_once"),
        ]

    def __str__(self) -> str:
        return f"Digest item #{self.pk}"
