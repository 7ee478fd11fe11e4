"""Middleware of our own: refuse NUL bytes in addresses; keep the public read path free of sessions."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext


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


class RefuseNulMiddleware:
    """A NUL byte in the path or in a query parameter (name or value) is answered 400 before
    any view runs. No address of ours has a use for one, and PostgreSQL refuses NUL in any text
    it is given, so a view passing such a value to a query (a token, an admin filter, a search
    parameter) would otherwise fail with a 500. Forms refuse NUL on their own (Django's
    ``ProhibitNullCharactersValidator``), so request bodies are left to them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                gettext("This address holds a NUL character, which no page of this site accepts."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
