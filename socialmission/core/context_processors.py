"""Template context every page needs."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def site(request: HttpRequest) -> dict[str, object]:
    # SEARCH_URL saves templates a {% url %} per facet link, tag and page link.
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SEARCH_URL": reverse("library:search"),
    }
