"""Error pages that keep the site's layout and say what happened in plain words.

403, 404, 429 and 500 all extend ``base.html``. The 500 page is rendered without the request
(so no context processor runs: no session, no user, no database query), because the error may
be the database itself; it gets only the settings-derived names ``base.html`` needs.
"""

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.functional import Promise


class RoleRequired(PermissionDenied):
    """A page for a role the user does not hold: the 403 page names the role and whom to ask.

    Raised by ``accounts.decorators`` (core sits below accounts, so the exception lives here).
    """

    def __init__(self, message: str | Promise, *, role: str | Promise, ask: str | Promise) -> None:
        super().__init__(message)
        self.message = message
        self.role = role
        self.ask = ask


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context: dict[str, Any] = {"message": "", "role": "", "ask": ""}
    if isinstance(exception, RoleRequired):
        context.update(message=exception.message, role=exception.role, ask=exception.ask)
    elif exception is not None and exception.args and isinstance(exception.args[0], str | Promise):
        # The project's refusals are sentences written for the reader ("Only a lead of the
        # institution may do this."); Django's own carry no message.
        context["message"] = exception.args[0]
    return render(request, "403.html", context, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (an old page, blocked cookies)."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


# The last resort when even the site's layout cannot be rendered (a broken template or URL
# configuration): plain HTML that needs nothing.
BARE_SERVER_ERROR = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Something went wrong'
    "</title></head><body><main><h1>Something went wrong</h1><p>The library could not answer "
    'this request. Please try again in a moment.</p><p><a href="/">Home</a></p></main></body>'
    "</html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        context = {"SITE_NAME": settings.SITE_NAME, "SEARCH_URL": reverse("library:search")}
        body = loader.get_template("500.html").render(context)
    except Exception:  # an error page must answer whatever else is broken
        body = BARE_SERVER_ERROR
    return HttpResponseServerError(body)


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files (champions' photos); MEDIA_ROOT is read per request, not at import."""
    from django.views.static import serve

    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


def signin_locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout answer: 429, how long to wait, whom to ask. The same for any
    username, existing or not, so it tells nobody which accounts exist."""
    wait = settings.AXES_COOLOFF_TIME.total_seconds()
    response = render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": max(1, math.ceil(wait / 60))},
        status=429,
    )
    response["Retry-After"] = str(int(wait))
    return response
