"""Every e-mail of the product goes through ``send_email``: queued, sent by a worker, retried.

``send_email`` stores the message (in the caller's transaction, so a rolled-back change mails
nothing) and, once that transaction commits, enqueues ``deliver_email`` with the row's id. No
request talks to the mail server. The task claims the row (one UPDATE, so a duplicate task or
a second worker cannot send it twice), hands it to Django's mail backend and records the
outcome: sent; queued again with a doubled delay after a temporary failure (connection refused,
timeout, 4xx); failed at once on a permanent refusal (5xx) or after ``MAIL_RETRY_ATTEMPTS``.
Failures are listed for administrators in the admin ("Outgoing e-mails").

Privacy: log lines name the message by id and kind, never by address, and the server's
answers are stored with addresses replaced by ``<address>``.
"""

from __future__ import annotations

import datetime
import logging
import re
import smtplib
from collections.abc import Mapping, Sequence
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from socialmission.core.models import OutgoingEmail
from socialmission.core.tasks import enqueue_after, task

logger = logging.getLogger(__name__)

_ADDRESS = re.compile(r"[^\s<>(),;:\"'\[\]]+@[^\s<>(),;:\"'\[\]]+")


def redact(text: str) -> str:
    """``text`` with every e-mail address replaced by ``<address>``."""
    return _ADDRESS.sub("<address>", text)


def send_email(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html_body: str | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] = (),
    kind: str = "",
) -> None:
    """Queue a message; a worker sends it after the current transaction commits.

    ``body`` is the plain-text part, ``html_body`` an optional HTML alternative. ``headers``
    are added as they are (``List-Unsubscribe``…; a ``From`` header replaces the default
    sender). ``kind`` labels the message in logs and the admin ("alert-digest", …).
    """
    recipients = [address for address in to if address]
    if not recipients:
        return
    # A subject may quote what a reader typed (a search): line breaks become spaces.
    subject = " ".join(str(subject).split())
    if any("\n" in value or "\r" in value for value in (headers or {}).values()):
        raise ValueError("E-mail headers must not contain line breaks.")
    message = OutgoingEmail.objects.create(
        kind=kind[:40],
        to=recipients,
        subject=subject[:300],
        body=body,
        html_body=html_body or "",
        headers=dict(headers or {}),
        reply_to=list(reply_to),
    )
    pk = message.pk
    # robust: a queue that cannot take the task (or, with the immediate backend, a send that
    # fails in an unforeseen way) is logged and never fails the request that saved the change;
    # the row stays queued and the hourly cleanup job hands it to the queue again.
    transaction.on_commit(lambda: deliver_email.enqueue(pk), robust=True)


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, capped."""
    first = settings.MAIL_RETRY_FIRST_DELAY_SECONDS
    cap = settings.MAIL_RETRY_MAX_DELAY_SECONDS
    return datetime.timedelta(seconds=min(cap, first * 2 ** max(0, attempts - 1)))


def _sender() -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return settings.DEFAULT_FROM_EMAIL if name else formataddr((settings.SITE_NAME, address))


def _describe(exc: BaseException) -> tuple[str, bool]:
    """A redacted account of a failure, and whether it is permanent (no point retrying)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        answers = "; ".join(
            f"{code} {raw.decode(errors='replace') if isinstance(raw, bytes) else raw}"
            for code, raw in exc.recipients.values()
        )
        return redact(f"SMTPRecipientsRefused: {answers}"), all(c >= 500 for c in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        raw = exc.smtp_error
        text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
        return redact(f"{type(exc).__name__}: {exc.smtp_code} {text}"), exc.smtp_code >= 500
    # Connection errors, timeouts, and anything unforeseen (a backend bug, an encoding error):
    # temporary, so retried until MAIL_RETRY_ATTEMPTS, then recorded as failed.
    return redact(f"{type(exc).__name__}: {exc}"), False


def _message(row: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=_sender(),
        to=list(row.to),
        reply_to=list(row.reply_to) or None,
        headers=dict(row.headers) or None,
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    return message


@task(queue_name="default")
def deliver_email(email_id: int) -> str:
    """Send one queued message; returns what became of it (for the task table)."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED).update(
        status=OutgoingEmail.Status.SENDING,
        attempts=F("attempts") + 1,
        last_attempt_at=now,
        next_attempt_at=None,
    )
    if not claimed:
        return "not queued"  # sent, given up, deleted, or another worker has it
    row = OutgoingEmail.objects.get(pk=email_id)
    try:
        _message(row).send(fail_silently=False)
    except Exception as exc:  # any failure is recorded, never left "sending" (see _describe)
        return _failed(row, exc)
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    logger.info("E-mail %s (%s) sent after %d attempt(s).", row.pk, row.kind, row.attempts)
    return "sent"


def _failed(row: OutgoingEmail, exc: BaseException) -> str:
    error, permanent = _describe(exc)
    if permanent or row.attempts >= settings.MAIL_RETRY_ATTEMPTS:
        OutgoingEmail.objects.filter(pk=row.pk).update(
            status=OutgoingEmail.Status.FAILED, failed_at=timezone.now(), last_error=error
        )
        logger.error(
            "E-mail %s (%s) failed for good after %d attempt(s): %s",
            row.pk,
            row.kind,
            row.attempts,
            error,
        )
        return "failed"
    delay = retry_delay(row.attempts)
    next_attempt = (row.last_attempt_at or timezone.now()) + delay
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=OutgoingEmail.Status.QUEUED, next_attempt_at=next_attempt, last_error=error
    )
    logger.warning(
        "E-mail %s (%s), attempt %d failed (%s); retrying in %s.",
        row.pk,
        row.kind,
        row.attempts,
        error,
        delay,
    )
    enqueue_after(next_attempt - timezone.now(), deliver_email, row.pk)
    return "retrying"


def send_again(*, ids: Sequence[int]) -> int:
    """Queue failed messages again with a fresh set of attempts (the admin's "Send again")."""
    with transaction.atomic():
        chosen = list(
            OutgoingEmail.objects.select_for_update()
            .filter(pk__in=ids, status=OutgoingEmail.Status.FAILED)
            .values_list("pk", flat=True)
        )
        OutgoingEmail.objects.filter(pk__in=chosen).update(
            status=OutgoingEmail.Status.QUEUED, attempts=0, failed_at=None, next_attempt_at=None
        )
        for pk in chosen:
            transaction.on_commit(lambda pk=pk: deliver_email.enqueue(pk))  # type: ignore[misc]
    return len(chosen)


def prune(*, sent_before: datetime.datetime, failed_before: datetime.datetime) -> int:
    """Delete sent messages queued before one date and failed ones before another."""
    deleted, _ = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENT, created_at__lt=sent_before
    ).delete()
    failed, _ = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.FAILED, created_at__lt=failed_before
    ).delete()
    return deleted + failed


def give_up_interrupted(*, started_before: datetime.datetime) -> int:
    """Mark as failed the messages a killed worker left "sending".

    They may or may not have reached the server; sending them again could deliver twice,
    so they are shown to administrators instead.
    """
    return OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING, last_attempt_at__lt=started_before
    ).update(
        status=OutgoingEmail.Status.FAILED,
        failed_at=timezone.now(),
        last_error="The worker stopped while sending; the message may not have been delivered.",
    )


def requeue_lost(*, overdue_before: datetime.datetime) -> int:
    """Enqueue again queued messages whose task seems lost (a crash right after the commit).

    Safe at any time: the task claims its row before sending, so a duplicate task does nothing.
    """
    ids = list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED)
        .filter(
            Q(next_attempt_at__isnull=True, created_at__lt=overdue_before)
            | Q(next_attempt_at__lt=overdue_before)
        )
        .values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        deliver_email.enqueue(pk)
    return len(ids)
