"""core.mail.send_email: queued on commit, sent by a task, retried with backoff, failures kept."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from socialmission.contributions.tests.helpers import suggestion_post
from socialmission.core import tasks
from socialmission.core.mail import redact, retry_delay, send_email
from socialmission.core.models import OutgoingEmail
from socialmission.core.tests.conftest import SMTPHandler

pytestmark = pytest.mark.django_db

ADDRESS = "reader-private@example.org"


def _send(**overrides: Any) -> None:
    fields: dict[str, Any] = {
        "to": [ADDRESS],
        "subject": "New resources for your search",
        "body": "Plain text part",
        "kind": "alert-digest",
    }
    fields.update(overrides)
    send_email(**fields)


def test_nothing_is_sent_before_the_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send()
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert mail.outbox == []
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[ADDRESS]]
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _send()
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_message_has_site_sender_headers_html_and_reply_to(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_NAME = "Social Mission Resource Library"
    settings.DEFAULT_FROM_EMAIL = "alerts@library.example"
    with django_capture_on_commit_callbacks(execute=True):
        _send(
            html_body="<p>HTML part</p>",
            headers={
                "List-Unsubscribe": "<https://library.example/alerts/u/abc/>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            reply_to=["curators@library.example"],
        )
    (message,) = mail.outbox
    assert message.from_email == "Social Mission Resource Library <alerts@library.example>"
    assert message.body == "Plain text part"
    assert message.alternatives[0][0] == "<p>HTML part</p>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.reply_to == ["curators@library.example"]


def test_header_values_with_line_breaks_are_refused() -> None:
    with pytest.raises(ValueError):
        _send(headers={"X-Thing": "a\r\nBcc: everyone@example.org"})
    assert not OutgoingEmail.objects.exists()


def test_a_subject_quoting_typed_text_stays_on_one_line(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _send(subject="Alert: 'advocacy\r\nBcc: everyone@example.org'")
    (message,) = mail.outbox
    assert message.subject == "Alert: 'advocacy Bcc: everyone@example.org'"
    assert "Bcc" not in message.message().keys()


def test_refusing_then_accepting_server_delivers_once_after_retry(
    smtp_server: SMTPHandler, django_capture_on_commit_callbacks: Any
) -> None:
    smtp_server.refusals = ["451 4.3.0 Try again later"]
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    assert smtp_server.attempts == 2
    assert len(smtp_server.received) == 1
    assert smtp_server.received[0]["Subject"] == "New resources for your search"
    assert smtp_server.envelopes == [[ADDRESS]]
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts, row.last_error) == (OutgoingEmail.Status.SENT, 2, "")


def test_retry_waits_with_backoff_in_the_database_queue(
    smtp_server: SMTPHandler, database_queue: None, django_capture_on_commit_callbacks: Any
) -> None:
    smtp_server.refusals = ["451 4.3.0 Try again later", "421 4.7.0 Busy"]
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    assert smtp_server.attempts == 0  # queued, not sent by the caller
    assert tasks.run_pending() == 1
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.QUEUED, 1)
    assert "451" in row.last_error
    assert row.next_attempt_at is not None
    assert row.next_attempt_at - row.last_attempt_at == timedelta(minutes=1)
    # The retry waits out its delay: a worker looking now finds nothing due.
    assert tasks.queued_count(deferred_too=False) == 0
    assert tasks.run_pending() == 0
    assert tasks.run_pending(deferred_too=True) == 1
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at - row.last_attempt_at == timedelta(minutes=2)
    assert tasks.run_pending(deferred_too=True) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.SENT, 3)
    assert len(smtp_server.received) == 1
    assert tasks.run_pending(deferred_too=True) == 0


def test_backoff_doubles_up_to_a_cap(settings: Any) -> None:
    settings.MAIL_RETRY_FIRST_DELAY_SECONDS = 60
    settings.MAIL_RETRY_MAX_DELAY_SECONDS = 3600
    delays = [retry_delay(n).total_seconds() for n in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_server_that_keeps_failing_is_given_up_and_recorded(
    smtp_server: SMTPHandler,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAIL_RETRY_ATTEMPTS = 4
    smtp_server.always = f"452 4.2.2 Mailbox of <{ADDRESS}> is full"
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        _send()
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.FAILED, 4)
    assert row.failed_at is not None
    assert "452" in row.last_error and "<address>" in row.last_error
    assert ADDRESS not in row.last_error
    assert smtp_server.received == []
    assert any("failed for good" in r.getMessage() for r in caplog.records)
    ours = [r for r in caplog.records if r.name.startswith(("socialmission", "django"))]
    assert ours  # the task framework and our module did log
    assert all(ADDRESS not in r.getMessage() for r in ours)


def test_a_permanent_refusal_is_not_retried(
    smtp_server: SMTPHandler, django_capture_on_commit_callbacks: Any
) -> None:
    smtp_server.always = "554 5.7.1 Message rejected"
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.FAILED, 1)
    assert smtp_server.attempts == 1


def test_no_mail_server_at_all_is_retried_then_recorded(
    smtp_down: int, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MAIL_RETRY_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        _send()
    row = OutgoingEmail.objects.get()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.FAILED, 3)
    assert "ConnectionRefusedError" in row.last_error


def test_a_request_answers_normally_with_the_mail_server_down(
    client: Any, smtp_down: int, database_queue: None, django_capture_on_commit_callbacks: Any
) -> None:
    settings_min_fill = {"CONTRIBUTIONS_MIN_FILL_SECONDS": 0}
    from django.test import override_settings

    with override_settings(**settings_min_fill), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contributions:suggest"), suggestion_post())
    assert response.status_code in (200, 302)
    row = OutgoingEmail.objects.get(kind="contribution-received")
    # The request only queued the message: no attempt was made while it was answering.
    assert (row.status, row.attempts) == (OutgoingEmail.Status.QUEUED, 0)
    assert tasks.queued_count() == 1
    tasks.run_pending()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutgoingEmail.Status.QUEUED, 1)


def test_a_duplicate_task_does_not_send_twice(django_capture_on_commit_callbacks: Any) -> None:
    from socialmission.core.mail import deliver_email

    with django_capture_on_commit_callbacks(execute=True):
        _send()
    deliver_email.enqueue(OutgoingEmail.objects.get().pk)
    assert len(mail.outbox) == 1


def test_redact_replaces_every_address() -> None:
    text = "550 <a.b+c@x.example> and d@y.org: rejected; 'e@z.net'"
    assert redact(text) == "550 <<address>> and <address>: rejected; '<address>'"


def test_cleanup_requeues_a_lost_message_and_gives_up_an_interrupted_one(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.management import call_command

    long_ago = timezone.now() - timedelta(hours=3)
    lost = OutgoingEmail.objects.create(to=[ADDRESS], subject="Lost", body="b")
    interrupted = OutgoingEmail.objects.create(
        to=[ADDRESS], subject="Cut", body="b", status=OutgoingEmail.Status.SENDING
    )
    OutgoingEmail.objects.filter(pk=lost.pk).update(created_at=long_ago)
    OutgoingEmail.objects.filter(pk=interrupted.pk).update(last_attempt_at=long_ago)
    call_command("cleanup", verbosity=0)
    lost.refresh_from_db()
    interrupted.refresh_from_db()
    assert lost.status == OutgoingEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Lost"]
    assert interrupted.status == OutgoingEmail.Status.FAILED
