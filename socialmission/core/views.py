"""Error pages that keep the site's layout and say what happened in plain words."""

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files (champions' photos); MEDIA_ROOT is read per request, not at import."""
    from django.conf import settings
    from django.views.static import serve

    return serve(request, path, document_root=str(settings.MEDIA_ROOT))
