"""Public pages of the library: home, search, resource, and the health check. Thin: the work
is in search.py and indexing.py."""

from __future__ import annotations

import csv
import functools
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import urlencode as urlencode_filter
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from socialmission.accounts.roles import is_curator
from socialmission.core import frames, jinja
from socialmission.core.reversing import cached_reverse
from socialmission.library import indexing, selectors
from socialmission.library.facets import FACETS
from socialmission.library.models import ActionArea, Resource
from socialmission.library.search import (
    SORTS,
    SearchParams,
    SearchResults,
    content_version,
    count,
    count_without_filters,
    identifier_target,
    search,
    vocabulary_terms,
)
from socialmission.library.templatetags import library_html


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


SORT_LABELS = {
    "relevance": gettext_lazy("Relevance"),
    "newest": gettext_lazy("Newest first"),
    "oldest": gettext_lazy("Oldest first"),
    "title": gettext_lazy("Title A–Z"),
}
# The search page's content and its in-place (htmx) region: Jinja2 (socialmission/jinja2/).
SEARCH_PAGE = "library/search.jinja"
SEARCH_REGION = "library/search_region.jinja"

# At most this many filters get a "without this filter: N" offer when nothing matched: one
# counting search each (a facet's values count as one filter, the year range as one).
MAX_DROP_OFFERS = 6
# The facets whose selection prefills "Suggest a resource" (the suggestion form's GET initial).
SUGGEST_PREFILL = ("domain", "topic", "profession")


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
            "gap_map": SimpleLazyObject(selectors.evidence_gap_map),
        },
    )


@require_GET
@transaction.non_atomic_requests
def search_view(request: HtmxHttpRequest) -> HttpResponse:
    if "action_area" in request.GET:
        # Old links tagged with the retired Action Areas resolve to the domains they map onto.
        return _redirect_action_area(request)
    params = SearchParams.from_query(request.GET)
    target = identifier_target(params)
    if target is not None:
        # A DOI, PMID, PMCID or ISBN that names one resource goes straight to its page.
        resource = Resource.objects.published().filter(pk=target).first()
        if resource is not None:
            url = resource.get_absolute_url()
            if request.htmx:
                return HttpResponse(headers={"HX-Redirect": url})
            return redirect(url)
    results = search(params)
    unfiltered = None
    drop_offers: list[dict[str, object]] = []
    if results.total == 0 and params.has_filters:
        unfiltered = count_without_filters(params)
        drop_offers = _drop_offers(params, results)
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "search_url": cached_reverse("library:search"),
        "facet_values": library_html.facet_values,
        "result_item": library_html.result_item,
        "params": params,
        "results": results,
        "sort_options": _sort_options(get_language()),
        "active_filters": _active_filters(params, results),
        "pages": _page_links(params, results.page_count),
        "unfiltered_count": unfiltered,
        "unfiltered_query": (
            SearchParams(q=params.q, sort=params.sort).urlencode() if results.total == 0 else ""
        ),
        "drop_offers": drop_offers,
        "suggest_query": _suggest_query(params) if results.total == 0 else "",
        "start_index": (params.page - 1) * params.per_page + 1,
        "prev_url": _page_url(params, params.page - 1),
        "next_url": _page_url(params, params.page + 1),
        "advanced_url": _advanced_url(params),
        "fielded_terms": _fielded_terms(params),
        "suggestion_query": (
            params.with_changes(q=results.suggestion, page=1).urlencode()
            if results.suggestion
            else ""
        ),
    }
    if request.htmx:
        return HttpResponse(jinja.render(SEARCH_REGION, context, request))
    page = jinja.module(SEARCH_PAGE, context, request)
    holes = {
        "title": page.title,
        "head": page.head,
        "content": page.__html__(),
        "sign_in_next": escape(urlencode_filter(request.get_full_path())),
    }
    return frames.render(request, "library/search.html", holes)


@require_GET
@transaction.non_atomic_requests
def gap_map(request: HttpRequest) -> HttpResponse:
    """The evidence gap map: domains × topics, filtered by profession, type and evidence level
    (the search page's own parameters), as a page or (``?format=csv``) a CSV file."""
    every = SearchParams.from_query(request.GET)
    params = SearchParams(
        filters={k: v for k, v in every.filters.items() if k in selectors.GAP_MAP_FILTERS}
    )
    data = selectors.evidence_gap_map(params)
    if request.GET.get("format") == "csv":
        return _gap_map_csv(data)
    terms = vocabulary_terms()
    filters: list[dict[str, Any]] = [
        {
            "key": facet.key,
            "label": facet.label,
            "options": [
                (slug, label, slug in params.selected(facet.key))
                for slug, label in terms.get(facet.key, [])
            ],
        }
        for facet in FACETS
        if facet.key in selectors.GAP_MAP_FILTERS
    ]
    chosen = [label for f in filters for _slug, label, selected in f["options"] if selected]
    context = {
        "gap_map": data,
        "filters": filters,
        "filter_summary": "; ".join(chosen),
        "params": params,
        "csv_query": urlencode([*params.to_query_list(), ("format", "csv")]),
    }
    return render(request, "library/gap_map.html", context)


def _spreadsheet_safe(value: str) -> str:
    # A cell starting with = + - @ (or tab, CR) would run as a formula in a spreadsheet.
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def _gap_map_csv(data: dict[str, object]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="evidence-gap-map.csv"'
    writer = csv.writer(response)
    topics: list[str] = data["topics"]  # type: ignore[assignment]
    writer.writerow(
        [_("Domain"), *(_spreadsheet_safe(t) for t in topics), _("All resources in the domain")]
    )
    for row in data["rows"]:  # type: ignore[attr-defined]
        writer.writerow(
            [_spreadsheet_safe(row["domain"]), *(c["count"] for c in row["cells"]), row["total"]]
        )
    writer.writerow(
        [
            _("All domains"),
            *(c["total"] for c in data["columns"]),  # type: ignore[attr-defined]
            data["total"],
        ]
    )
    return response


FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "author": gettext_lazy("Author"),
    "venue": gettext_lazy("Journal or publisher"),
    "id": gettext_lazy("Identifier"),
    "doi": gettext_lazy("DOI"),
    "pmid": gettext_lazy("PMID"),
    "isbn": gettext_lazy("ISBN"),
}


def _advanced_url(params: SearchParams) -> str:
    query = params.urlencode(page=False)
    return cached_reverse("library:advanced-search") + (f"?{query}" if query else "")


def _fielded_terms(params: SearchParams) -> list[dict[str, str]]:
    """The advanced-search words of the query, each with a link that drops it: the search page
    keeps them (hidden inputs) when the reader changes a filter."""
    terms = []
    for key, value in (*params.fielded.items(), *params.identifiers.items()):
        rest = params.with_changes(
            fielded={k: v for k, v in params.fielded.items() if k != key},
            identifiers={k: v for k, v in params.identifiers.items() if k != key},
            page=1,
        )
        terms.append(
            {
                "name": key,
                "label": str(FIELD_LABELS[key]),
                "value": value,
                "remove_url": f"{cached_reverse('library:search')}?{rest.urlencode()}",
            }
        )
    return terms


@require_GET
def advanced_search_view(request: HttpRequest) -> HttpResponse:
    """A form of fielded searches that submits to the search page with its URL parameters."""
    params = SearchParams.from_query(request.GET)
    hidden = [
        (facet_key, value) for facet_key, values in params.filters.items() for value in values
    ]
    if params.sort != "relevance":
        hidden.append(("sort", params.sort))
    return render(
        request,
        "library/advanced_search.html",
        {"params": params, "hidden": hidden, "field_labels": FIELD_LABELS},
    )


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
        chips.append(
            {
                "label": _years_label(params),
                "url": "?" + params.with_changes(year_from=None, year_to=None, page=1).urlencode(),
            }
        )
    return chips


@functools.lru_cache(maxsize=16)
def _sort_options(language: str) -> tuple[tuple[str, str], ...]:
    """The sort menu's (key, label), translated once per language (shared: a tuple)."""
    return tuple((key, str(SORT_LABELS[key])) for key in SORTS)


def _years_label(params: SearchParams) -> str:
    """The year range of a search as a filter's label: "Years: 2010–…"."""
    span = f"{params.year_from or '…'}–{params.year_to or '…'}"
    return _("Years: %(span)s") % {"span": span}


def _page_url(params: SearchParams, number: int, base: str | None = None) -> str:
    """``"?" + params.with_changes(page=number).urlencode()``, from the query without the page
    (``base``, computed once per page of results): the page number always comes last."""
    if base is None:
        base = params.urlencode(page=False)
    if number <= 1:
        return "?" + base
    return f"?{base}&page={number}" if base else f"?page={number}"


def _drop_offers(params: SearchParams, results: SearchResults) -> list[dict[str, object]]:
    """When nothing matched: each filter (a facet's selection, the year range) with how many
    results the search finds without it. Only with two filters or more (with one, it is the
    whole-library offer), and for at most ``MAX_DROP_OFFERS`` of them: one count each."""
    labels = {f.key: {v.slug: v.label for v in f.values} for f in results.facets}
    facet_labels = {f.key: f.label for f in results.facets}
    groups: list[tuple[str, SearchParams]] = []
    for key, values in params.filters.items():
        names = _(" or ").join(labels.get(key, {}).get(v, v) for v in values)
        groups.append((f"{facet_labels.get(key, key)}: {names}", params.without_filter(key)))
    if params.year_from is not None or params.year_to is not None:
        groups.append(
            (
                _years_label(params),
                params.with_changes(year_from=None, year_to=None),
            )
        )
    if len(groups) < 2:
        return []
    offers = []
    for label, wider in groups[:MAX_DROP_OFFERS]:
        wider = wider.with_changes(page=1)
        offers.append(
            {
                "label": label,
                "url": "?" + wider.urlencode(),
                "count": count(wider, after_search=True),  # right after search(): no new look
            }
        )
    return offers


def _suggest_query(params: SearchParams) -> str:
    """The query string that prefills "Suggest a resource" with the search's domain, topic and
    profession (the suggestion form reads them as GET initial values)."""
    return urlencode(
        [(key, value) for key in SUGGEST_PREFILL for value in params.selected(key)[:20]]
    )


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
        raise Http404(_("No such resource."))
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
