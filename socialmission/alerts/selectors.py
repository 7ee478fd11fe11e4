"""Reads of the alerts: the row a private link points at."""

from __future__ import annotations

from socialmission.alerts import tokens
from socialmission.alerts.models import Alert, Subscriber


def alert_by_token(token: str, purpose: str) -> Alert | None:
    """The alert of a confirm or unsubscribe link; None for a malformed or forged token.

    The token is checked before any query, so a guessed value never reaches the database.
    """
    selector = tokens.split_token(token)
    if selector is None or not tokens.verify(token, selector, purpose):
        return None
    return Alert.objects.select_related("subscriber").filter(selector=selector).first()


def subscriber_by_token(token: str) -> Subscriber | None:
    selector = tokens.split_token(token)
    if selector is None or not tokens.verify(token, selector, tokens.MANAGE):
        return None
    return Subscriber.objects.filter(selector=selector).first()


def alerts_of(subscriber: Subscriber) -> list[Alert]:
    return list(subscriber.alerts.order_by("created_at", "id"))
