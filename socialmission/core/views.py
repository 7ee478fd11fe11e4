"""Error pages that keep the site's layout and say what happened in plain words."""

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Our own 400s with a message (a full disk under an upload) get a page that says it; any
    other 400 (e.g. a forbidden Host header, where the site's layout cannot be built) stays
    Django's plain one."""
    from django.views import defaults

    from socialmission.core.uploads import UploadDiskFull

    if isinstance(exception, UploadDiskFull):
        return render(request, "core/bad_request.html", {"message": str(exception)}, status=400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


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
