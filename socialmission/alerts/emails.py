"""The e-mails of the alerts: the confirmation request and the digest.

Both go through ``core.mail.send_email`` (a task, after commit). Each carries the private
manage link; the digest also the one-click unsubscribe of RFC 8058 (``List-Unsubscribe`` with
``List-Unsubscribe-Post``) and a plain-text part. The sender's display name is the site's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from socialmission.alerts import searches
from socialmission.alerts.models import CONFIRMATION_EXPIRY, Alert
from socialmission.core.mail import send_email


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def sender() -> str:
    """ "Site name <address>": the From header of every alert mail."""
    configured = getattr(settings, "ALERTS_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    return formataddr((str(settings.SITE_NAME), parseaddr(configured)[1]))


def manage_url(alert: Alert) -> str:
    return _absolute(reverse("alerts:manage", args=[alert.subscriber.manage_token]))


def unsubscribe_url(alert: Alert) -> str:
    return _absolute(reverse("alerts:unsubscribe", args=[alert.unsubscribe_token]))


def send_confirmation(alert: Alert) -> None:
    context = {
        "site_name": settings.SITE_NAME,
        "description": searches.describe(alert.query),
        "frequency": alert.get_frequency_display(),
        "confirm_url": _absolute(reverse("alerts:confirm", args=[alert.confirm_token])),
        "manage_url": manage_url(alert),
        "search_url": searches.search_url(alert.query, absolute=True),
        "days": CONFIRMATION_EXPIRY.days,
    }
    send_email(
        to=[alert.subscriber.email],
        subject=_("Confirm your alert: %(description)s") % {"description": context["description"]},
        body=render_to_string("alerts/email/confirm.txt", context),
        headers={"From": sender(), "Auto-Submitted": "auto-generated"},
        kind="alert-confirmation",
    )


def send_digest(alert: Alert, *, items: Sequence[dict[str, str]], total: int) -> None:
    description = searches.describe(alert.query)
    unsubscribe = unsubscribe_url(alert)
    context = {
        "site_name": settings.SITE_NAME,
        "description": description,
        "items": items,
        "total": total,
        "more": total - len(items),
        "search_url": searches.search_url(alert.query, absolute=True),
        "manage_url": manage_url(alert),
        "unsubscribe_url": unsubscribe,
        "frequency": alert.get_frequency_display().lower(),
    }
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    send_email(
        to=[alert.subscriber.email],
        subject=_("New in %(site)s: %(description)s")
        % {"site": settings.SITE_NAME, "description": description},
        body=render_to_string("alerts/email/digest.txt", context),
        html_body=render_to_string("alerts/email/digest.html", context),
        headers={
            "From": sender(),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.SITE_NAME} alerts <alerts.{host}>",
            "Auto-Submitted": "auto-generated",
        },
        kind="alert-digest",
    )
