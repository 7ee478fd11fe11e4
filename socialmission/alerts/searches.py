"""The saved search of an alert: its stored form, its parameters, and its name in words.

An alert stores the search page's own query string, so the digest rebuilds exactly the
parameters the page would (``SearchParams.from_query``) and runs them through the same engine.
The page number and the sort order are not part of a saved search: a digest lists new
resources newest first whatever order the page showed.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from socialmission.library.search import SearchParams, vocabulary_terms

# The order a search is named in: who it is for, then what about, then the rest.
_WORD_ORDER = ("profession", "domain", "topic", "type", "evidence")
MAX_QUERY_LENGTH = 4000


def saved_form(params: SearchParams) -> str:
    """The canonical query string an alert stores ("" for every resource)."""
    return params.with_changes(page=1, sort="relevance").urlencode(page=False)


def params_of(query: str) -> SearchParams:
    return SearchParams.from_query(QueryDict(query))


def search_url(query: str, *, absolute: bool = False) -> str:
    url = reverse("library:search") + (f"?{query}" if query else "")
    return settings.SITE_URL + url if absolute else url


def describe(query: str) -> str:
    """The search in words: "Pharmacy · Curriculum & Programming · 'advocacy'"."""
    params = params_of(query)
    labels = {key: dict(terms) for key, terms in vocabulary_terms().items()}
    keys = [k for k in _WORD_ORDER if k in params.filters]
    keys += [k for k in params.filters if k not in keys]
    parts = [labels.get(key, {}).get(slug, slug) for key in keys for slug in params.filters[key]]
    if params.year_from is not None and params.year_to is not None:
        parts.append(f"{params.year_from}–{params.year_to}")
    elif params.year_from is not None:
        parts.append(_("from %(year)s") % {"year": params.year_from})
    elif params.year_to is not None:
        parts.append(_("until %(year)s") % {"year": params.year_to})
    if params.q:
        parts.append(f"'{params.q}'")
    return " · ".join(parts) if parts else _("All new resources")


def query_pairs(query: str) -> list[tuple[str, str]]:
    """The stored query as (name, value) pairs, for hidden form fields."""
    return parse_qsl(query, keep_blank_values=False)
