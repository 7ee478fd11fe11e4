"""Thin HTTP views of the protocols: OAI-PMH and robots.txt (the API, feeds and sitemap have
their own modules)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from socialmission.interop.oai import Provider


# OAI-PMH harvesters POST form-encoded arguments without a session or a CSRF token; the
# endpoint only reads, so CSRF protection has nothing to protect.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def oai(request: HttpRequest) -> HttpResponse:
    arguments = request.POST if request.method == "POST" else request.GET
    provider = Provider(base_url=request.build_absolute_uri(reverse("interop:oai")))
    response = provider.respond({key: arguments.getlist(key) for key in arguments})
    return HttpResponse(response.content, content_type=response.content_type)


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /contribute/queue/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('interop:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
