"""Public pages of the library: home, search, resource, and the health check. Thin: the work
is in search.py and indexing.py."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import DatabaseError, transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from socialmission.accounts.roles import is_curator
from socialmission.library import indexing, selectors
from socialmission.library.models import ActionArea, Resource
from socialmission.library.search import (
    SORTS,
    SearchParams,
    content_version,
    count_without_filters,
    search,
)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


SORT_LABELS = {
    "relevance": "Relevance",
    "newest": "Newest first",
    "oldest": "Oldest first",
    "title": "Title A–Z",
}


@require_GET
@transaction.non_atomic_requests
def home(request: HttpRequest) -> HttpResponse:
    # The browse lists, the newest additions and the gap map change only with the index or the
    # vocabulary: the template caches them under ``content_version`` and runs the search (lazy
    # here) only when that version is new.
    results = SimpleLazyObject(lambda: search(SearchParams(per_page=6)))
    return render(
        request,
        "library/home.html",
        {
            "content_version": content_version(),
            "results": results,
            "gap_map": SimpleLazyObject(lambda: selectors.evidence_gap_map(results.facets)),
        },
    )


@require_GET
@transaction.non_atomic_requests
def search_view(request: HtmxHttpRequest) -> HttpResponse:
    if "action_area" in request.GET:
        # Old links tagged with the retired Action Areas resolve to the domains they map onto.
        return _redirect_action_area(request)
    params = SearchParams.from_query(request.GET)
    results = search(params)
    unfiltered = None
    if results.total == 0 and params.has_filters and params.q:
        unfiltered = count_without_filters(params)
    context = {
        "params": params,
        "results": results,
        "sort_options": [(key, SORT_LABELS[key]) for key in SORTS],
        "active_filters": _active_filters(params, results),
        "pages": _page_links(params, results.page_count),
        "unfiltered_count": unfiltered,
        "start_index": (params.page - 1) * params.per_page + 1,
        "prev_url": _page_url(params, params.page - 1),
        "next_url": _page_url(params, params.page + 1),
        "suggestion_query": (
            params.with_changes(q=results.suggestion, page=1).urlencode()
            if results.suggestion
            else ""
        ),
    }
    template = "library/includes/search_region.html" if request.htmx else "library/search.html"
    return render(request, template, context)


def _redirect_action_area(request: HttpRequest) -> HttpResponse:
    query = request.GET.copy()
    # Slugs are printable; a NUL byte would make PostgreSQL refuse the whole query.
    slugs = [slug[:200] for slug in query.pop("action_area") if slug.isprintable()][:20]
    domains = set(query.getlist("domain"))
    for area in ActionArea.objects.filter(slug__in=slugs).prefetch_related("domains"):
        domains.update(d.slug for d in area.domains.all())
    query.setlist("domain", sorted(domains))
    return HttpResponsePermanentRedirect(f"{reverse('library:search')}?{query.urlencode()}")


def _active_filters(params: SearchParams, results) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """Each selected value with a link that removes just it."""
    chips = []
    labels = {f.key: {v.slug: v.label for v in f.values} for f in results.facets}
    facet_labels = {f.key: f.label for f in results.facets}
    for key, values in params.filters.items():
        for value in values:
            chips.append(
                {
                    "label": f"{facet_labels.get(key, key)}: {labels.get(key, {}).get(value, value)}",
                    "url": "?" + params.without_filter(key, value).urlencode(),
                }
            )
    if params.year_from is not None or params.year_to is not None:
        span = f"{params.year_from or '…'}–{params.year_to or '…'}"
        chips.append(
            {
                "label": f"Years: {span}",
                "url": "?" + params.with_changes(year_from=None, year_to=None, page=1).urlencode(),
            }
        )
    return chips


def _page_url(params: SearchParams, number: int, base: str | None = None) -> str:
    """``"?" + params.with_changes(page=number).urlencode()``, from the query without the page
    (``base``, computed once per page of results): the page number always comes last."""
    if base is None:
        base = params.urlencode(page=False)
    if number <= 1:
        return "?" + base
    return f"?{base}&page={number}" if base else f"?page={number}"


def _page_links(params: SearchParams, page_count: int) -> list[dict[str, object]]:
    """A window of page links around the current page, with gaps marked."""
    base = params.urlencode(page=False)
    current = params.page
    wanted = {1, page_count, *range(max(1, current - 2), min(page_count, current + 2) + 1)}
    links: list[dict[str, object]] = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= page_count):
        if number - previous > 1:
            links.append({"gap": True})
        links.append(
            {
                "number": number,
                "current": number == current,
                "url": _page_url(params, number, base),
            }
        )
        previous = number
    return links


@require_GET
@transaction.non_atomic_requests
def resource_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    resource = get_object_or_404(Resource.objects.with_vocabularies(), pk=pk)
    curator = is_curator(request.user)
    if not resource.is_published and not curator:
        raise Http404("No such resource.")
    if slug != resource.slug:
        return redirect(resource, permanent=True)
    context = {
        "resource": resource,
        "is_curator": curator,
        "related": selectors.related_resources(resource),
    }
    return render(request, "library/resource_detail.html", context)


@require_GET
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 while pages can be served (the search index may
    be behind: "degraded"), 503 when the database does not answer. Says what is wrong in a
    word, never a path or an address."""
    try:
        index = indexing.health()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    body: dict[str, object] = {
        "status": "ok" if index.ok else "degraded",
        "database": "ok",
        "search_index": "ok" if index.ok else index.problem,
        "pending_changes": index.pending_changes,
    }
    if index.since is not None:
        body["degraded_since"] = datetime.fromtimestamp(index.since, tz=UTC).isoformat()
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    return response
