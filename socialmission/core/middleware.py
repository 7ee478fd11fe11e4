"""Middleware of our own: keep the public read path free of sessions."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse


class AnonymousWithoutSessionMiddleware:
    """A request that carries no session cookie is an anonymous visitor: say so without asking
    the session. Reading the session would make Django answer ``Vary: Cookie`` on every public
    page (and open the session store for nothing). Requests with a session cookie are left to
    Django's AuthenticationMiddleware as usual.

    A shared cache in front of the site must therefore pass requests that carry the session
    cookie to the application (the usual "bypass on session cookie" rule).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            request.user = AnonymousUser()
        return self.get_response(request)
