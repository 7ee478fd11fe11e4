"""Temporary interface shim (helper `tasks` owns the real module): send on commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction


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
    def send() -> None:
        message = EmailMultiAlternatives(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=list(to),
            reply_to=list(reply_to),
            headers=dict(headers or {}),
        )
        if html_body:
            message.attach_alternative(html_body, "text/html")
        message.send()

    transaction.on_commit(send)
