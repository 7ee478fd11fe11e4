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
from django.urls import reverse
from django.utils.translation import gettext

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
        gettext("Thank you for your suggestion")
        if isinstance(item, Suggestion)
        else gettext("Thank you for your nomination")
    )
    _send(item, "received", subject)


def send_published(item: Item, public_url: str) -> None:
    _send(item, "published", gettext("Your contribution is published"), public_url=public_url)


def send_merged(item: Suggestion, public_url: str) -> None:
    _send(
        item, "merged", gettext("Your suggestion is already in the library"), public_url=public_url
    )


def send_declined(item: Item) -> None:
    _send(item, "declined", gettext("About your contribution"))


def send_question(item: Item) -> None:
    _send(item, "question", gettext("A question about your contribution"))


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
        subject=f"[{settings.SITE_NAME}] {gettext('An answer to your question')}",
        body=body,
        kind="contribution-answer",
    )


# Curators who asked for e-mail about new contributions (``CuratorNotice``)

# A digest lists at most this many items (and says how many more): the queue shows them all.
_DIGEST_LISTED = 50


def _curator_mail(curator: Any, template: str, subject: str, kind: str, **context: Any) -> None:
    body = render_to_string(
        f"contributions/email/{template}.txt",
        {
            "curator": curator,
            "site_name": settings.SITE_NAME,
            "queue_url": settings.SITE_URL + reverse("contributions:queue"),
            **context,
        },
    )
    # The subject never carries what a contributor typed.
    send_email(
        to=[curator.email], subject=f"[{settings.SITE_NAME}] {subject}", body=body, kind=kind
    )


def notify_curators(item: Item) -> None:
    """One e-mail to each active curator who chose "each new contribution"."""
    from socialmission.accounts import roles
    from socialmission.contributions.models import CuratorNotice

    notices = CuratorNotice.objects.filter(
        frequency=CuratorNotice.Frequency.IMMEDIATE, user__is_active=True
    ).select_related("user")
    for notice in notices:
        curator = notice.user
        if curator.email and roles.is_curator(curator):
            _curator_mail(
                curator,
                "new_contribution",
                gettext("A new contribution is in the queue"),
                "contribution-new",
                item=item,
                item_url=settings.SITE_URL + item.get_queue_url(),
            )


def send_curator_digest(curator: Any, items: list[Item]) -> None:
    if not curator.email:
        return
    _curator_mail(
        curator,
        "curator_digest",
        gettext("New contributions in the queue"),
        "contribution-digest",
        items=[(item, settings.SITE_URL + item.get_queue_url()) for item in items[:_DIGEST_LISTED]],
        count=len(items),
        more=max(0, len(items) - _DIGEST_LISTED),
    )
