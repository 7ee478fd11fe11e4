"""Template context every page needs."""

from django.conf import settings
from django.http import HttpRequest

from socialmission.core.reversing import cached_reverse


def site(request: HttpRequest) -> dict[str, object]:
    # SEARCH_URL saves templates a {% url %} per facet link, tag and page link.
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SEARCH_URL": cached_reverse("library:search"),
    }
