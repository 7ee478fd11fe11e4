"""The read-only JSON API (``/api/v1/``), built with django-ninja and documented by OpenAPI.

Owns the public shape of a resource for machines. Its fields are ``Use.API`` of
``library/fields.py``: every field of ``Resource`` except those its exclusion table leaves out of
the API (``status``, ``curated_by`` …), so a private field added to the model later (a curator's
note) must be excluded there; the privacy test (``test_privacy.py``) fails if one leaks.

Search goes through ``library.search`` exactly as the web page does (same parameters, facets,
sorting and page numbers); the API adds ``per_page`` and absolute ``next``/``previous`` links.
Pages follow the engine's order, which is deterministic while the library does not change, so
paging through a result list returns each resource exactly once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from urllib.parse import quote, urlencode

from django.db import models as dj_models
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext
from ninja import Field, NinjaAPI, Query, Schema
from ninja.openapi.docs import Swagger
from pydantic import create_model

from socialmission.interop.records import resource_to_record
from socialmission.library import models as m
from socialmission.library.facets import FACETS, Facet
from socialmission.library.fields import API_DETAIL_ONLY, Use, fields_for
from socialmission.library.search import MAX_PAGE, PER_PAGE, SearchParams, search

MAX_PER_PAGE = 100

# The OpenAPI enum of vocabulary keys: every declared facet.
VocabularyKey = Literal[FACETS.keys()]  # type: ignore[valid-type]
Sort = Literal["relevance", "newest", "oldest", "title"]

api = NinjaAPI(
    title="Social Mission Resource Library API",
    version="1",
    description=(
        "Read-only access to the published resources of the library and the vocabularies "
        "that describe them. Search takes the same parameters as the search page. "
        "No authentication; any origin may read (CORS)."
    ),
    urls_namespace="interop:api-v1",
    # Served from the copy of Swagger UI that ships with django-ninja (no CDN), with the online
    # validator badge off: the docs page makes no request outside this site.
    docs=Swagger(settings={"deepLinking": True, "tryItOutEnabled": True, "validatorUrl": None}),
)


class Term(Schema):
    slug: str
    name: str


class Author(Schema):
    family: str = ""
    given: str = ""
    literal: str = Field("", description="An organisation, or a name not split into parts.")


class _ResourceLinks(Schema):
    id: int
    url: str = Field(description="The resource's page in the library.")
    api_url: str


# Resource fields the API calls by another name, shapes of their own, and descriptions.
API_NAMES = {"url": "link"}
_SHAPES: dict[str, Any] = {"authors": list[Author], "keywords": list[str]}
_DESCRIPTIONS = {
    "url": "Where the resource itself can be read.",
    "need": "Program examples: the need addressed.",
}


def _python_type(model_field: Any) -> Any:
    if model_field.name in _SHAPES:
        return _SHAPES[model_field.name]
    if isinstance(model_field, dj_models.DateTimeField):
        kind: Any = datetime
    elif isinstance(model_field, dj_models.DateField):
        kind = date
    elif isinstance(model_field, dj_models.IntegerField):
        kind = int
    elif isinstance(model_field, dj_models.BooleanField):
        kind = bool
    elif isinstance(model_field, dj_models.CharField | dj_models.TextField):
        kind = str
    else:
        kind = Any
    return kind | None if model_field.null else kind


def _field_out(name: str) -> tuple[str, Any]:
    model_field = m.Resource._meta.get_field(name)
    description = _DESCRIPTIONS.get(name) or str(getattr(model_field, "help_text", "") or "")
    return API_NAMES.get(name, name), (
        _python_type(model_field),
        Field(..., description=description) if description else ...,
    )


def _facet_out(facet: Facet) -> Any:
    if facet.multiple:
        return (list[Term], ...)
    nullable = m.Resource._meta.get_field(facet.field).null
    return (Term | None, ...) if nullable else (Term, ...)


# The fields of library/fields.py's Use.API (private ones are left out there), then the facets.
LIST_FIELDS = tuple(name for name in fields_for(Use.API) if name not in API_DETAIL_ONLY)
DETAIL_FIELDS = tuple(name for name in fields_for(Use.API) if name in API_DETAIL_ONLY)

ResourceOut: type[Schema] = create_model(
    "ResourceOut",
    __base__=_ResourceLinks,
    **dict(_field_out(name) for name in LIST_FIELDS),
    **{facet.output_name: _facet_out(facet) for facet in FACETS},
)
ResourceDetailOut: type[Schema] = create_model(
    "ResourceDetailOut",
    __base__=ResourceOut,
    **dict(_field_out(name) for name in DETAIL_FIELDS),
)


class FacetValueOut(Schema):
    slug: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    key: str
    label: str
    values: list[FacetValueOut]


class SearchOut(Schema):
    total: int
    page: int
    per_page: int
    page_count: int
    next: str | None
    previous: str | None
    suggestion: str | None = Field(description="A close spelling when nothing matched.")
    results: list[ResourceOut]  # type: ignore[valid-type]
    facets: list[FacetOut]


class VocabularyTermOut(Schema):
    slug: str
    name: str
    description: str
    resource_count: int = Field(description="Published resources tagged with the term.")
    search_url: str


class VocabularyOut(Schema):
    key: VocabularyKey  # type: ignore[valid-type]
    label: str
    terms: list[VocabularyTermOut]


class VocabulariesOut(Schema):
    vocabularies: list[VocabularyOut]


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


class UnknownParameterOut(Schema):
    detail: str
    unknown: list[str] = Field(description="The query parameters this endpoint does not know.")
    known: list[str] = Field(description="Every query parameter this endpoint takes.")


class _QueryWords(Schema):
    q: str = Field("", description='Words, "phrases", -exclusions and OR, as on the search page.')


# One list parameter per facet, named by its key, as on the search page.
ResourceQuery: type[Schema] = create_model(  # type: ignore[call-overload]
    "ResourceQuery",
    __base__=_QueryWords,
    **{
        facet.key: (
            list[str],
            Field(default_factory=list, description=f"{facet.label} slugs (OR)."),
        )
        for facet in FACETS
    },
    title=(str, Field("", description="Words that must all be in the title.")),
    author=(str, Field("", description="Words that must all be in the authors or organisation.")),
    venue=(str, Field("", description="Words that must all be in the journal, publisher or site.")),
    id=(
        str,
        Field("", description="Any identifier: a DOI, PMID, PMCID or ISBN, in any usual form."),
    ),
    doi=(str, Field("", description="A DOI, bare or as a doi.org URL, any case.")),
    pmid=(str, Field("", description="A PubMed id, or a PubMed URL.")),
    isbn=(str, Field("", description="An ISBN-10 or ISBN-13, hyphens allowed.")),
    year_from=(int | None, Field(None, ge=0, le=9999)),
    year_to=(int | None, Field(None, ge=0, le=9999)),
    sort=(Sort, "relevance"),
    page=(int, Field(1, ge=1, le=MAX_PAGE)),
    per_page=(int, Field(PER_PAGE, ge=1, le=MAX_PER_PAGE)),
)


def _terms(terms: Any) -> list[dict[str, str]]:
    return [
        {"slug": t.slug, "name": t.name} for t in sorted(terms, key=lambda t: (t.position, t.name))
    ]


def _facet_terms(resource: m.Resource, facet: Facet) -> Any:
    value = getattr(resource, facet.field)
    if facet.multiple:
        return _terms(value.all())
    return {"slug": value.slug, "name": value.name} if value is not None else None


def resource_data(
    resource: m.Resource, request: HttpRequest, *, detail: bool = False
) -> dict[str, Any]:
    """The public fields of a resource, and only those (see the module docstring)."""
    data: dict[str, Any] = {
        "id": resource.pk,
        "url": request.build_absolute_uri(resource.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("interop:api-v1:resource", kwargs={"resource_id": resource.pk})
        ),
    }
    for name in (*LIST_FIELDS, *DETAIL_FIELDS) if detail else LIST_FIELDS:
        data[API_NAMES.get(name, name)] = getattr(resource, name)
    # The two fields with a shape of their own (_SHAPES).
    record = resource_to_record(resource)
    data["authors"] = [
        {"family": n.family, "given": n.given, "literal": n.literal} for n in record.authors
    ]
    data["keywords"] = resource.keyword_list()
    data.update({facet.output_name: _facet_terms(resource, facet) for facet in FACETS})
    return data


def _page_url(request: HttpRequest, params: SearchParams, page: int) -> str:
    query = params.with_changes(page=page).to_query_list()
    if params.per_page != PER_PAGE:
        query.append(("per_page", str(params.per_page)))
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


RESOURCE_PARAMETERS = frozenset(ResourceQuery.model_fields)


def _unknown_parameters(request: HttpRequest, known: frozenset[str]) -> dict[str, Any] | None:
    """A 400 body when the query string has a parameter the endpoint does not take: a typo
    ("profesion=") must not silently return unfiltered results."""
    unknown = sorted(set(request.GET) - known)
    if not unknown:
        return None
    return {
        "detail": gettext("Unknown query parameter: %(names)s") % {"names": ", ".join(unknown)},
        "unknown": unknown,
        "known": sorted(known),
    }


@api.get(
    "/resources",
    response={200: SearchOut, 400: UnknownParameterOut, 422: ValidationErrorOut},
    url_name="resources",
    tags=["resources"],
    summary="Search published resources",
)
def list_resources(
    request: HttpRequest,
    filters: Query[ResourceQuery],  # type: ignore[valid-type]
) -> tuple[int, dict[str, Any]]:
    """Results, facet counts and paging for a search, as the search page computes them."""
    refused = _unknown_parameters(request, RESOURCE_PARAMETERS)
    if refused is not None:
        return 400, refused
    query: Any = filters
    params = SearchParams.from_query(query.dict(exclude={"per_page"})).with_changes(
        per_page=query.per_page
    )
    results = search(params)
    ids = [hit.resource_id for hit in results.hits]
    found = m.Resource.objects.published().with_vocabularies().in_bulk(ids)
    page_count = results.page_count
    return 200, {
        "total": results.total,
        "page": params.page,
        "per_page": params.per_page,
        "page_count": page_count,
        "next": (
            _page_url(request, params, params.page + 1)
            if params.page < min(page_count, MAX_PAGE)
            else None
        ),
        "previous": _page_url(request, params, params.page - 1) if params.page > 1 else None,
        "suggestion": results.suggestion,
        "results": [resource_data(found[pk], request) for pk in ids if pk in found],
        "facets": [
            {
                "key": facet.key,
                "label": facet.label,
                "values": [
                    {"slug": v.slug, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in facet.values
                ],
            }
            for facet in results.facets
        ],
    }


@api.get(
    "/resources/{resource_id}",
    response={200: ResourceDetailOut, 404: ErrorOut, 422: ValidationErrorOut},
    url_name="resource",
    tags=["resources"],
    summary="One published resource",
)
def get_resource(request: HttpRequest, resource_id: int) -> tuple[int, dict[str, Any]]:
    resource = (
        m.Resource.objects.published().with_vocabularies().filter(pk=resource_id).first()
        if 0 < resource_id < 2**63
        else None
    )
    if resource is None:
        return 404, {"detail": gettext("No published resource has this id.")}
    return 200, resource_data(resource, request, detail=True)


def _vocabulary(request: HttpRequest, key: str) -> dict[str, Any]:
    facet = FACETS[key]
    terms = (
        facet.vocabulary.objects.active()
        .annotate(
            resource_count=Count(
                "resources", filter=Q(resources__status=m.Resource.Status.PUBLISHED)
            )
        )
        .order_by("position", "name")
    )
    search_url = request.build_absolute_uri(reverse("library:search"))
    return {
        "key": key,
        "label": str(facet.label),
        "terms": [
            {
                "slug": term.slug,
                "name": term.name,
                "description": term.description,
                "resource_count": term.resource_count,
                "search_url": f"{search_url}?{urlencode({key: term.slug})}",
            }
            for term in terms
        ],
    }


@api.get(
    "/vocabularies",
    response={200: VocabulariesOut, 400: UnknownParameterOut},
    url_name="vocabularies",
    tags=["vocabularies"],
    summary="Every vocabulary with its active terms",
)
def list_vocabularies(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    refused = _unknown_parameters(request, frozenset())
    if refused is not None:
        return 400, refused
    return 200, {"vocabularies": [_vocabulary(request, facet.key) for facet in FACETS]}


@api.get(
    "/vocabularies/{key}",
    response={200: VocabularyOut, 422: ValidationErrorOut},
    url_name="vocabulary",
    tags=["vocabularies"],
    summary="One vocabulary with its active terms",
)
def get_vocabulary(request: HttpRequest, key: VocabularyKey) -> dict[str, Any]:  # type: ignore[valid-type]
    return _vocabulary(request, key)


def api_root(request: HttpRequest) -> HttpResponseRedirect:
    """``/api/v1/`` has no document of its own: send people and clients to the documentation."""
    return HttpResponseRedirect(reverse("interop:api-v1:openapi-view"))


def without_trailing_slash(request: HttpRequest, rest: str) -> HttpResponsePermanentRedirect:
    """``/api/v1/resources/`` answers as ``/api/v1/resources``: a permanent redirect keeping the
    query string (the API's own paths have no trailing slash). A path that is unknown without
    its slash too is a 404 here: redirecting it would loop with APPEND_SLASH."""
    location = reverse("interop:api-v1:api-root") + quote(rest, safe="/")
    try:
        resolve(location)
    except Resolver404:
        raise Http404(gettext("No such API path.")) from None
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)
