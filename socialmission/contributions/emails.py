"""The e-mails the moderation workflow sends, one function each.

Services call these through ``transaction.on_commit`` so that nothing is mailed for a change
that rolled back; ``core.mail.send_email`` queues each message for a worker, which retries a
failing mail server, so no request waits on it. Messages are plain text rendered from
templates in ``templates/contributions/email/``; links are absolute, built from
``settings.SITE_URL``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from socialmission.contributions.models import Nomination, Suggestion
from socialmission.core.mail import send_email

Item = Suggestion | Nomination


def _send(item: Item, template: str, subject: str, **context: Any) -> None:
    context = {
        "item": item,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "status_url": item.status_url(),
        **context,
    }
    body = render_to_string(f"contributions/email/{template}.txt", context)
    # Subjects never carry what a contributor typed: header injection and spam both need it.
    send_email(
        to=[item.submitter_email],
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=body,
        kind=f"contribution-{template}",
    )


def send_received(item: Item) -> None:
    subject = (
        "Thank you for your suggestion"
        if isinstance(item, Suggestion)
        else "Thank you for your nomination"
    )
    _send(item, "received", subject)


def send_published(item: Item, public_url: str) -> None:
    _send(item, "published", "Your contribution is published", public_url=public_url)


def send_merged(item: Suggestion, public_url: str) -> None:
    _send(item, "merged", "Your suggestion is already in the library", public_url=public_url)


def send_declined(item: Item) -> None:
    _send(item, "declined", "About your contribution")


def send_question(item: Item) -> None:
    _send(item, "question", "A question about your contribution")


def send_answer_to_curator(item: Item) -> None:
    """Tell the curator who asked (and still holds the claim) that the answer is in."""
    curator = item.claimed_by
    if curator is None or not curator.email:
        return
    path = item.get_queue_url()
    body = render_to_string(
        "contributions/email/answer_received.txt",
        {
            "item": item,
            "curator": curator,
            "queue_url": settings.SITE_URL + path,
            "site_name": settings.SITE_NAME,
        },
    )
    send_email(
        to=[curator.email],
        subject=f"[{settings.SITE_NAME}] An answer to your question",
        body=body,
        kind="contribution-answer",
    )
