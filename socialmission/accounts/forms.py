"""Password reset through the site's own mail path (``core.mail.send_email``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.template import loader

from socialmission.core.mail import send_email


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form (no answer says whether an address has an account), but the message is
    queued with ``send_email`` and its link starts with ``SITE_URL``, never the request's Host."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context = {**context, "SITE_URL": settings.SITE_URL, "SITE_NAME": settings.SITE_NAME}
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email(to=[to_email], subject=subject, body=body, kind="password-reset")
