"""URLs for ``python -m bench.inprocess`` only (never the site's): the project's own, and one
view that runs the search page's search and answers nothing but its total, as plain text.

It is how much of a search page's own work is not the page: what Django's handler, the
middleware and ``library.search.search()`` cost with no template and no markup (issue 12, the
seventh pass in docs/performance.md).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from socialmission.library.search import SearchParams, search
from socialmission.urls import urlpatterns as site_urlpatterns

TOTAL_ONLY = "/bench-total-only/"


@require_GET
@transaction.non_atomic_requests
def total_only(request: HttpRequest) -> HttpResponse:
    """The search page's search (as ``library.views.search_view`` runs it), answered as its
    total alone."""
    results = search(SearchParams.from_query(request.GET))
    return HttpResponse(f"{results.total}\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path(TOTAL_ONLY.lstrip("/"), total_only), *site_urlpatterns]
