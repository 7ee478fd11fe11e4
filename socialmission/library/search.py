"""Search: the one entry point views and APIs call.

A view builds ``SearchParams`` from the request (``SearchParams.from_query``) and calls
``search(params)``; the engine behind it (``engine.py``, tantivy) and the index's consistency
with the database (``indexing.py``) stay below this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from socialmission.library.facets import FACETS

SORTS = ("relevance", "newest", "oldest", "title")
MAX_QUERY_LENGTH = 500
MAX_PAGE = 500
PER_PAGE = 20


def _clean_text(value: str) -> str:
    """Drop control characters and cut to a sane length: no input may break the engine."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in value)
    return " ".join(cleaned.split())[:MAX_QUERY_LENGTH]


def _int_or_none(value: Any, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _getlist(data: Mapping[str, Any], key: str) -> list[str]:
    if hasattr(data, "getlist"):
        values = data.getlist(key)
    else:
        raw = data.get(key, [])
        values = raw if isinstance(raw, list | tuple) else [raw]
    return [str(v) for v in values if v not in (None, "")]


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    # Facet selections by slug; keys are the facet keys in ``facets.FACETS``.
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_query(cls, data: Mapping[str, Any]) -> SearchParams:
        """Build from a QueryDict or dict; anything malformed is dropped, never an error."""
        filters: dict[str, tuple[str, ...]] = {}
        for facet in FACETS:
            values = tuple(dict.fromkeys(_clean_text(v)[:200] for v in _getlist(data, facet.key)))
            values = tuple(v for v in values if v)[:50]
            if values:
                filters[facet.key] = values
        sort = str(data.get("sort") or "relevance")
        q = _clean_text(str(data.get("q") or ""))
        return cls(
            q=q,
            filters=filters,
            year_from=_int_or_none(data.get("year_from"), 0, 9999),
            year_to=_int_or_none(data.get("year_to"), 0, 9999),
            sort=sort if sort in SORTS else "relevance",
            page=_int_or_none(data.get("page"), 1, MAX_PAGE) or 1,
        )

    def selected(self, key: str) -> tuple[str, ...]:
        return self.filters.get(key, ())

    def with_changes(self, **changes: Any) -> SearchParams:
        return replace(self, **changes)

    def without_filter(self, key: str, value: str | None = None) -> SearchParams:
        filters = dict(self.filters)
        if value is None:
            filters.pop(key, None)
        else:
            kept = tuple(v for v in filters.get(key, ()) if v != value)
            if kept:
                filters[key] = kept
            else:
                filters.pop(key, None)
        return replace(self, filters=filters, page=1)

    @property
    def has_filters(self) -> bool:
        return bool(self.filters) or self.year_from is not None or self.year_to is not None

    def to_query_list(self, *, page: bool = True) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        if self.q:
            items.append(("q", self.q))
        for facet in FACETS:
            items.extend((facet.key, v) for v in self.filters.get(facet.key, ()))
        if self.year_from is not None:
            items.append(("year_from", str(self.year_from)))
        if self.year_to is not None:
            items.append(("year_to", str(self.year_to)))
        if self.sort != "relevance":
            items.append(("sort", self.sort))
        if page and self.page > 1:
            items.append(("page", str(self.page)))
        return items

    def urlencode(self, *, page: bool = True) -> str:
        return urlencode(self.to_query_list(page=page))


@dataclass
class Hit:
    resource_id: int
    score: float
    snippet: str = ""  # safe HTML: escaped text with <mark> around matched terms


@dataclass
class FacetValue:
    slug: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetResult:
    key: str
    label: str
    values: list[FacetValue]


@dataclass
class SearchResults:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: list[FacetResult]
    resources: list[Any] = field(default_factory=list)  # Resource objects in hit order
    suggestion: str | None = None  # a close spelling when nothing matched
    year_bounds: tuple[int | None, int | None] = (None, None)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.params.per_page))
