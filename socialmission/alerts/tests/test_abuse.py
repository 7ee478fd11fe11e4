"""The alert form's defences: honeypot, fill time, rate limit, 20 alerts, throttled confirmations."""

from __future__ import annotations

import datetime
import logging
import time
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from socialmission.alerts.models import Alert, Subscriber
from socialmission.alerts.tests.factories import AlertFactory, SubscriberFactory, signup_post
from socialmission.core import abuse

pytestmark = pytest.mark.django_db


def post(client: Client, committed: Any, **overrides: Any) -> Any:
    with committed():
        return client.post("/alerts/new/", signup_post(**overrides))


def test_honeypot_filled_sends_nothing(client: Client, committed: Any) -> None:
    response = post(client, committed, **{abuse.HONEYPOT_FIELD: "http://spam.example"})
    assert response.status_code == 400
    assert "Leave this empty" in response.content.decode()
    assert mail.outbox == [] and not Alert.objects.exists()


def test_a_form_sent_faster_than_a_person_sends_nothing(client: Client, committed: Any) -> None:
    stamp = signing.dumps(time.time(), salt=abuse._SALT)
    response = post(client, committed, **{abuse.STARTED_FIELD: stamp})
    assert response.status_code == 400
    assert mail.outbox == [] and not Alert.objects.exists()


def test_rate_limit_per_client_address_like_the_suggestion_form(
    client: Client, committed: Any, settings: Any
) -> None:
    settings.CONTRIBUTIONS_RATE_LIMIT = 3
    for n in range(3):
        assert post(client, committed, email=f"r{n}@example.org").status_code == 200
    limited = post(client, committed, email="r9@example.org")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert len(mail.outbox) == 3
    # In place (htmx) the answer is swapped in, so it comes as 200 with the same message.
    htmx = client.post(
        "/alerts/new/", signup_post(email="r10@example.org"), headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 200 and "Too many requests" in htmx.content.decode()
    # The suggestion form keeps its own allowance.
    assert abuse.check_rate(limited.wsgi_request).allowed


def test_one_address_holds_at_most_twenty_alerts(client: Client, committed: Any) -> None:
    reader = SubscriberFactory(email="reader@example.org")
    for n in range(20):
        AlertFactory(subscriber=reader, query=f"q=topic{n}")
    response = post(client, committed, email="reader@example.org", query="q=one-more")
    assert response.status_code == 400
    assert "already holds 20 alerts" in response.content.decode()
    assert mail.outbox == [] and reader.alerts.count() == 20


def test_repeated_confirmation_requests_to_one_address_are_throttled(
    client: Client, committed: Any, settings: Any
) -> None:
    settings.CONTRIBUTIONS_RATE_LIMIT = 50  # many client addresses, one victim
    for n in range(6):
        response = post(client, committed, email="victim@example.org", query=f"q=word{n}")
        assert response.status_code == 200
        assert "Check your e-mail" in response.content.decode()
    assert len(mail.outbox) == 3
    # The same search asked again and again counts the same way.
    for _ in range(3):
        post(client, committed, email="other-victim@example.org", query="q=word0")
    for _ in range(3):
        post(client, committed, email="other-victim@example.org", query="q=word0")
    assert len(mail.outbox) == 6
    assert Alert.objects.filter(subscriber__email="other-victim@example.org").count() == 1
    # A day later the address may ask again.
    Subscriber.objects.update(
        confirmations_window_start=timezone.now() - datetime.timedelta(days=1, minutes=1)
    )
    post(client, committed, email="victim@example.org", query="q=word9")
    assert len(mail.outbox) == 7


def test_a_search_too_long_to_store_is_refused(client: Client, committed: Any) -> None:
    long_query = "&".join(f"topic=t{n:03d}-{'x' * 150}" for n in range(40))
    response = post(client, committed, query=long_query)
    assert response.status_code == 400
    assert not Alert.objects.exists()


def test_addresses_never_reach_a_log_line(client: Client, committed: Any, caplog: Any) -> None:
    from django.core.management import call_command

    from socialmission.library.tests.factories import ResourceFactory

    caplog.set_level(logging.DEBUG)
    post(client, committed, email="secret-reader@example.org", query="q=advocacy")
    alert = Alert.objects.get()
    client.get(f"/alerts/confirm/{alert.confirm_token}/")
    ResourceFactory(title="Advocacy for all")
    with committed():
        call_command("send_alerts", "--ignore-schedule", verbosity=0)
    assert len(mail.outbox) == 2
    assert caplog.records, "something was logged, so the check below means something"
    assert all("secret-reader" not in record.getMessage() for record in caplog.records)
