"""Middleware of our own: refuse NUL bytes in admin addresses; keep the public read path free
of sessions; the Content-Security-Policy header built once; one transaction per writing
request."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import Resolver404, resolve
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


class AdminRefusesNulMiddleware:
    """A NUL byte in the path or in a query parameter (name or value) of an admin page is
    answered 400 before the admin runs its query. PostgreSQL refuses NUL in any text it is
    given, so an admin search or list filter holding one was a 500 there. (Public pages deal
    with NUL themselves: the search ignores it, private-link tokens of another shape never
    reach their view; admin forms refuse it through Django's ``ProhibitNullCharactersValidator``.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        is_admin = hasattr(view_func, "admin_site") or hasattr(view_func, "model_admin")
        if is_admin and (
            "\x00" in request.path
            or any(
                "\x00" in key or any("\x00" in value for value in values)
                for key, values in request.GET.lists()
            )
        ):
            return HttpResponseBadRequest(
                gettext("This address holds a NUL character, which the admin does not accept."),
                content_type="text/plain; charset=utf-8",
            )
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's policy built once per process.

    django-csp builds both headers afresh for every response (its policy parts copied with
    ``dataclasses.asdict``, every directive copied and joined again): 0.05 ms a request, a fifth
    of what Django's handler and all the middleware cost the smallest page (issue 12). Our
    policy is the settings' alone: no view changes it and no template asks for a nonce. So a
    response that none of django-csp's decorators touched, for a request that used no nonce,
    gets the headers built from the settings once (again after a test changes them), with
    django-csp's own rules for exempt responses, excluded prefixes and the nonce after the
    fact. Anything else goes through django-csp unchanged.
    """

    _PER_RESPONSE = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
    )
    # (header, the response attribute exempting it, the setting behind it, report-only)
    _HEADERS = (
        (HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    )

    def process_response(self, request: HttpRequest, response: Any) -> Any:
        if (
            settings.DEBUG  # django-csp leaves Django's debug 404 and 500 pages alone
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in self._PER_RESPONSE)
        ):
            return super().process_response(request, response)
        for header, exempt, setting, report_only in self._HEADERS:
            policy, excluded = _settings_policy(setting, report_only)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # As django-csp does: a nonce asked for once the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


@functools.cache
def _settings_policy(setting: str, report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The header django-csp builds from ``setting`` alone, and its excluded path prefixes."""
    configured = getattr(settings, setting, None) or {}
    return (
        build_policy(report_only=report_only),
        tuple(configured.get("EXCLUDE_URL_PREFIXES", None) or ()),
    )


@receiver(setting_changed)
def _forget_policy(setting: str, **kwargs: Any) -> None:
    if setting in {"CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"}:
        _settings_policy.cache_clear()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class WriteRequestAtomicMiddleware:
    """Each request that may write (POST, PUT, PATCH, DELETE) runs its view in one transaction,
    as ``ATOMIC_REQUESTS`` did, so a change and its index-outbox row commit together and a view
    that fails half-way leaves nothing behind. Reads (GET, HEAD) run in autocommit: on SQLite a
    transaction is ``BEGIN IMMEDIATE``, which takes the write lock, so with ``ATOMIC_REQUESTS``
    every page view queued behind every other across workers.

    Like ``ATOMIC_REQUESTS``: a view marked ``transaction.non_atomic_requests`` (the importer
    runs its own transaction per file) is left alone, and an exception out of the view rolls the
    transaction back at once (``process_exception``), so the error page (404, 403, 500) and
    other middleware's answers to the exception are built outside it. Last in MIDDLEWARE, so
    the transaction wraps the view only. A GET that writes (few do) calls a service, which holds
    its own ``transaction.atomic``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS or not self._view_wants_transaction(request):
            return self.get_response(request)
        # Entered and left by hand (as Django's TestCase does), so that process_exception can
        # end it before the exception becomes a response.
        block = transaction.atomic()
        block.__enter__()
        request._write_transaction = block  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        except BaseException:
            if (open_block := self._take(request)) is not None:
                open_block.__exit__(*sys.exc_info())
            raise
        if (open_block := self._take(request)) is not None:
            open_block.__exit__(None, None, None)  # commit
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if (open_block := self._take(request)) is not None:
            open_block.__exit__(type(exception), exception, exception.__traceback__)  # roll back

    @staticmethod
    def _take(request: HttpRequest) -> Any:
        """The request's transaction if it is still open, once: the caller ends it."""
        block = getattr(request, "_write_transaction", None)
        request._write_transaction = None  # type: ignore[attr-defined]
        return block

    @staticmethod
    def _view_wants_transaction(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return True  # a 404 page writes nothing either way; stay on the safe side
        return DEFAULT_DB_ALIAS not in getattr(match.func, "_non_atomic_requests", set())
