"""Factories and helpers for the alerts' tests."""

from __future__ import annotations

import time
from typing import Any

import factory
from django.core import signing
from django.utils import timezone

from socialmission.alerts.models import Alert, Subscriber
from socialmission.core import abuse


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.org")


class AlertFactory(factory.django.DjangoModelFactory):
    """An active (confirmed) alert by default; ``status="pending"`` for an unconfirmed one."""

    class Meta:
        model = Alert

    subscriber = factory.SubFactory(SubscriberFactory)
    query = ""
    frequency = Alert.Frequency.DAILY
    status = Alert.Status.ACTIVE
    confirmed_at = factory.LazyAttribute(
        lambda o: None if o.status == Alert.Status.PENDING else timezone.now()
    )
    last_checked_at = factory.LazyAttribute(lambda o: o.confirmed_at)


def signup_post(**overrides: Any) -> dict[str, Any]:
    """The sign-up form as a browser sends it, filled a minute after it was shown."""
    data: dict[str, Any] = {
        abuse.STARTED_FIELD: signing.dumps(time.time() - 60, salt=abuse._SALT),
        abuse.HONEYPOT_FIELD: "",
        "query": "q=advocacy",
        "email": "reader@example.org",
        "frequency": "weekly",
    }
    data.update(overrides)
    return data
