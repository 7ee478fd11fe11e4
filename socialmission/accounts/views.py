"""Sign-in and password reset on the site's own pages (templates in ``registration/``).

Sign-in returns to the page the person came from (``next``, checked by Django to be on this
site); without one, curators land on the curator queue and everyone else on the home page. A
password reset request is counted per client address (``core.ratelimits``): each one may send
mail, and anyone can ask.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import Resolver404, resolve, reverse

from socialmission.accounts.forms import PasswordResetForm
from socialmission.accounts.roles import is_curator
from socialmission.core import ratelimits

CURATOR_HOME = "contributions:queue"
# Pages a sign-in never returns to: signing out again, or the sign-in and reset pages themselves.
NO_RETURN = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


class SignInView(auth_views.LoginView):
    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        url = super().get_redirect_url(*args, **kwargs)
        if url:
            try:
                match = resolve(urlsplit(url).path)
            except Resolver404:
                return url
            if match.url_name in NO_RETURN:
                return ""
        return url

    def get_default_redirect_url(self) -> str:
        if is_curator(self.request.user):
            return reverse(CURATOR_HOME)
        return resolve_url(settings.LOGIN_REDIRECT_URL)


def reset_rate() -> tuple[int, int]:
    return (
        int(getattr(settings, "PASSWORD_RESET_RATE_LIMIT", 5)),
        int(getattr(settings, "PASSWORD_RESET_RATE_WINDOW", 3600)),
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        limit, window = reset_rate()
        status = ratelimits.consume(
            request, group="accounts.password_reset", limit=limit, window=window
        )
        if not status.allowed:
            response = render(
                request,
                "registration/password_reset_limited.html",
                {"minutes": max(1, -(-status.retry_after // 60))},
                status=429,
            )
            response["Retry-After"] = str(status.retry_after)
            return response
        return super().post(request, *args, **kwargs)
