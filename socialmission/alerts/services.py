"""Every state change of the alerts: sign-up, confirmation, the manage page's actions, sending.

Keyword-only, each in a transaction; e-mail leaves through ``core.mail`` after commit.
"""

from __future__ import annotations

import datetime
import enum
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from socialmission.alerts import emails, searches
from socialmission.alerts.models import (
    CONFIRMATION_EXPIRY,
    MAX_ALERTS_PER_ADDRESS,
    Alert,
    Digest,
    DigestItem,
    Subscriber,
)
from socialmission.library.models import Resource
from socialmission.library.search import byline, search_ids

logger = logging.getLogger(__name__)

MAX_ITEMS_PER_DIGEST = 50
# The schedule runs hourly; an alert checked a little less than a day ago is due, so daily
# digests do not drift an hour later each day.
SCHEDULE_SLACK = datetime.timedelta(hours=1)
# A resource committed a little after the last check, but stamped before it, is still found.
PUBLICATION_MARGIN = datetime.timedelta(hours=1)


def confirmations_per_day() -> int:
    return int(getattr(settings, "ALERTS_CONFIRMATIONS_PER_DAY", 3))


def digests_per_address_per_day() -> int:
    return int(getattr(settings, "ALERTS_DIGESTS_PER_ADDRESS_PER_DAY", 20))


class Outcome(enum.Enum):
    CONFIRMATION_SENT = "sent"
    THROTTLED = "throttled"  # too many confirmation mails to this address lately
    ALREADY_ACTIVE = "active"  # the address already receives this search
    LIMIT_REACHED = "limit"


def normalise_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def request_alert(
    *, email: str, query: str, frequency: str, now: datetime.datetime | None = None
) -> Outcome:
    """A reader asks for an alert: record it as pending and mail a confirmation link."""
    now = now or timezone.now()
    subscriber, _ = Subscriber.objects.get_or_create(email=normalise_email(email))
    # Lock the address so two requests at once cannot both slip under the limits.
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    alert = subscriber.alerts.filter(query=query).first()
    if alert is not None and alert.status != Alert.Status.PENDING:
        return Outcome.ALREADY_ACTIVE
    if alert is None and subscriber.alerts.count() >= MAX_ALERTS_PER_ADDRESS:
        return Outcome.LIMIT_REACHED
    window = subscriber.confirmations_window_start
    if window is None or window <= now - datetime.timedelta(days=1):
        subscriber.confirmations_window_start = now
        subscriber.confirmations_in_window = 0
    if subscriber.confirmations_in_window >= confirmations_per_day():
        return Outcome.THROTTLED
    subscriber.confirmations_in_window += 1
    subscriber.save(update_fields=["confirmations_window_start", "confirmations_in_window"])
    if alert is None:
        alert = Alert(subscriber=subscriber, query=query, created_at=now)
    else:
        alert.created_at = now  # a new request restarts the week it may wait
    alert.frequency = frequency
    alert.confirmation_sent_at = now
    alert.save()
    emails.send_confirmation(alert)
    return Outcome.CONFIRMATION_SENT


@transaction.atomic
def confirm_alert(*, alert: Alert, now: datetime.datetime | None = None) -> Alert:
    now = now or timezone.now()
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == Alert.Status.PENDING:
        alert.status = Alert.Status.ACTIVE
        alert.confirmed_at = now
        alert.last_checked_at = now
        alert.save(update_fields=["status", "confirmed_at", "last_checked_at"])
    return alert


@transaction.atomic
def set_frequency(*, alert: Alert, frequency: str) -> Alert:
    if frequency not in Alert.Frequency.values:
        raise ValueError(frequency)
    alert.frequency = frequency
    alert.save(update_fields=["frequency"])
    return alert


def _move(alert: Alert, source: str, target: str) -> Alert:
    """``source`` → ``target``; an alert in any other status is left as it is."""
    if alert.status == source:
        alert.status = target
        alert.save(update_fields=["status"])
    return alert


@transaction.atomic
def pause_alert(*, alert: Alert) -> Alert:
    return _move(alert, Alert.Status.ACTIVE, Alert.Status.PAUSED)


@transaction.atomic
def resume_alert(*, alert: Alert) -> Alert:
    return _move(alert, Alert.Status.PAUSED, Alert.Status.ACTIVE)


@transaction.atomic
def delete_alert(*, alert: Alert) -> None:
    """Delete an alert (the manage page, or one-click unsubscribe); idempotent."""
    Alert.objects.filter(pk=alert.pk).delete()


@transaction.atomic
def purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Forget unconfirmed requests older than the week they may wait, and empty addresses."""
    now = now or timezone.now()
    count, _ = Alert.objects.filter(
        status=Alert.Status.PENDING, created_at__lt=now - CONFIRMATION_EXPIRY
    ).delete()
    Subscriber.objects.filter(
        alerts__isnull=True, created_at__lt=now - CONFIRMATION_EXPIRY
    ).delete()
    return count


# ---------------------------------------------------------------------------------------------
# Digests


@dataclass
class SendReport:
    due: int = 0
    sent: int = 0
    empty: int = 0
    rate_limited: int = 0


def due_alerts(*, now: datetime.datetime, ignore_schedule: bool) -> list[int]:
    active = Alert.objects.filter(status=Alert.Status.ACTIVE)
    if ignore_schedule:
        return list(active.values_list("id", flat=True))
    ids = []
    for alert_id, frequency, checked in active.values_list("id", "frequency", "last_checked_at"):
        period = datetime.timedelta(days=7 if frequency == Alert.Frequency.WEEKLY else 1)
        if checked is None or checked <= now - period + SCHEDULE_SLACK:
            ids.append(alert_id)
    return ids


def send_alerts(
    *,
    ignore_schedule: bool = False,
    now: datetime.datetime | None = None,
    progress: Callable[[Iterable[int]], Iterable[int]] = lambda ids: ids,
) -> SendReport:
    """Send every due alert's digest; safe to run twice, or on two machines at once."""
    now = now or timezone.now()
    purge_expired(now=now)
    report = SendReport()
    matches: dict[str, set[int]] = {}  # one engine run per distinct search
    ids = due_alerts(now=now, ignore_schedule=ignore_schedule)
    report.due = len(ids)
    for alert_id in progress(ids):
        query = Alert.objects.filter(pk=alert_id).values_list("query", flat=True).first()
        if query is None:
            continue
        if query not in matches:
            matches[query] = set(search_ids(searches.params_of(query)))
        outcome = _send_one(
            alert_id, matching=matches[query], now=now, ignore_schedule=ignore_schedule
        )
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


@transaction.atomic
def _send_one(
    alert_id: int, *, matching: set[int], now: datetime.datetime, ignore_schedule: bool
) -> str:
    """Record one alert's digest and queue its mail, under a lock on the alert's row.

    The digest, its items and the queued mail commit together: a crash before the commit
    leaves nothing recorded (the next run sends it), after it the items are recorded and the
    unique (alert, resource) constraint keeps any later run from listing them again.
    """
    alert = (
        Alert.objects.select_for_update()
        .select_related("subscriber")
        .filter(pk=alert_id, status=Alert.Status.ACTIVE)
        .first()
    )
    if alert is None:
        return "empty"
    if (
        not ignore_schedule
        and alert.last_checked_at
        and (alert.last_checked_at > now - alert.period + SCHEDULE_SLACK)
    ):
        return "empty"  # another run got here first
    recent_digests = Digest.objects.filter(
        alert__subscriber=alert.subscriber, created_at__gt=now - datetime.timedelta(days=1)
    ).count()
    if recent_digests >= digests_per_address_per_day():
        return "rate_limited"  # stays due: the next run after the window sends it

    since = max(alert.confirmed_at or now, (alert.last_checked_at or now) - PUBLICATION_MARGIN)
    candidates = (
        Resource.objects.published()
        .filter(published_at__gt=since, published_at__lte=now)
        .exclude(pk__in=DigestItem.objects.filter(alert=alert).values("resource_id"))
        .values_list("pk", flat=True)
    )
    new_ids = [pk for pk in candidates if pk in matching]
    alert.last_checked_at = now
    alert.save(update_fields=["last_checked_at"])
    if not new_ids:
        return "empty"

    resources = list(
        Resource.objects.filter(pk__in=new_ids)
        .select_related("resource_type")
        .order_by("-published_at", "-pk")
    )
    digest = Digest.objects.create(alert=alert, created_at=now, total=len(resources))
    DigestItem.objects.bulk_create(
        DigestItem(digest=digest, alert=alert, resource=r, position=n)
        for n, r in enumerate(resources)
    )
    emails.send_digest(
        alert,
        items=[digest_item(r) for r in resources[:MAX_ITEMS_PER_DIGEST]],
        total=len(resources),
    )
    logger.info(
        "Alert digest %s recorded for alert %s: %s resources", digest.pk, alert.pk, len(resources)
    )
    return "sent"


def digest_item(resource: Resource) -> dict[str, str]:
    return {
        "title": resource.title,
        "byline": byline(resource.author_names(), resource.organization),
        "type": resource.resource_type.name if resource.resource_type_id else "",
        "url": settings.SITE_URL + resource.get_absolute_url(),
    }
