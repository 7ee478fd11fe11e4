"""Search: the one entry point views and APIs call.

A view builds ``SearchParams`` from the request (``SearchParams.from_query``) and calls
``search(params)``; the engine behind it (``engine.py``, tantivy) and the index's consistency
with the database (``indexing.py``) stay below this module.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlencode

from django.urls import reverse

from socialmission.library import engine as engine_module
from socialmission.library import identifiers, indexing
from socialmission.library.engine import EngineQuery, EngineResult
from socialmission.library.facets import FACETS
from socialmission.library.models import Synonym

logger = logging.getLogger(__name__)

SORTS = ("relevance", "newest", "oldest", "title")
MAX_QUERY_LENGTH = 500
# Words of one query the spelling suggestion looks at (the first ones); the others stay as typed.
SPELLING_MAX_WORDS = 5
MAX_PAGE = 500
PER_PAGE = 20
SUMMARY_WORDS = 40
# A facet with more values to show than FACET_LONG shows its FACET_TOP values with the most
# results (and every selected one); the others wait behind "more".
FACET_LONG = 8
FACET_TOP = 6


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


# Fielded words (the advanced search form): URL parameter → the index fields it searches.
FIELDED = {
    "title": ("title",),
    "author": ("authors", "organization"),
    "venue": ("venue",),
}
# Identifier filters: URL parameter → the kind of identifier; "id" takes any kind.
IDENTIFIER_PARAMS = {"id": None, "doi": "doi", "pmid": "pmid", "isbn": "isbn"}
FIELD_MAX_LENGTH = 200


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    # Facet selections by slug; keys are the keys of ``facets.FACETS``.
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    # Words that must match in one field (advanced search: title=, author=, venue=).
    fielded: dict[str, str] = field(default_factory=dict)
    # Identifiers the results must carry (id=, doi=, pmid=, isbn=).
    identifiers: dict[str, str] = field(default_factory=dict)

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
        fielded = {
            key: value
            for key in FIELDED
            if (value := _clean_text(str(data.get(key) or ""))[:FIELD_MAX_LENGTH])
        }
        identifiers = {
            key: value
            for key in IDENTIFIER_PARAMS
            if (value := _clean_text(str(data.get(key) or ""))[:FIELD_MAX_LENGTH])
        }
        return cls(
            fielded=fielded,
            identifiers=identifiers,
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

    @property
    def has_words(self) -> bool:
        """Anything that ranks by relevance: the query, fielded words or identifiers."""
        return bool(self.q or self.fielded or self.identifiers)

    def to_query_list(self, *, page: bool = True) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        if self.q:
            items.append(("q", self.q))
        items.extend((key, self.fielded[key]) for key in FIELDED if key in self.fielded)
        items.extend(
            (key, self.identifiers[key]) for key in IDENTIFIER_PARAMS if key in self.identifiers
        )
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
        # A search page asks for the same encoding some ten times (its page links, exports,
        # feeds, alert and advanced-search links): made once per (immutable) instance.
        encoded: dict[bool, str] = self.__dict__.setdefault("_encoded", {})
        if page not in encoded:
            encoded[page] = urlencode(self.to_query_list(page=page))
        return encoded[page]


@dataclass
class Hit:
    resource_id: int
    score: float
    snippet: str = ""  # safe HTML: escaped text with <mark> around matched terms
    title_html: str = ""  # the title, escaped, with <mark> around matched terms


@dataclass
class ResultItem:
    """One result as a list shows it, drawn from the index (no database query)."""

    id: int
    slug: str
    title: str
    title_html: str
    snippet: str
    description: str
    authors: list[str]
    organization: str
    year: int | None
    venue: str
    type: tuple[str, str]  # (slug, label)
    evidence: tuple[str, str] | None
    tags: dict[str, list[tuple[str, str]]]  # facet key → [(slug, label)]
    url: str
    tag_links: list[tuple[str, str]]  # (label, search URL), ready for the template
    byline: str  # up to three authors, or the organisation

    @property
    def summary(self) -> str:
        """The first 40 words of the description, for results without a snippet (made only
        for those: most results of a search with words have a snippet)."""
        words = self.description.split(maxsplit=SUMMARY_WORDS)
        more = len(words) > SUMMARY_WORDS
        return " ".join(words[:SUMMARY_WORDS]) + (" …" if more else "")

    @classmethod
    def from_display(cls, hit: Any, labels: dict[str, dict[str, str]]) -> ResultItem:
        d = hit.display

        def labelled(key: str, slug: str) -> tuple[str, str]:
            return (slug, labels.get(key, {}).get(slug, slug))

        tags = {k: [labelled(k, s) for s in v] for k, v in d.get("tags", {}).items()}
        authors = d.get("authors", [])
        # The byline is made here rather than with template filters: the result list is the
        # most rendered markup of the site.
        search_url = _urls()["search"]
        slug = d.get("slug") or "resource"
        return cls(
            id=hit.id,
            slug=slug,
            title=d.get("title", ""),
            title_html=hit.title_html,
            snippet=hit.snippet_html,
            description=d.get("description", ""),
            authors=authors,
            organization=d.get("organization", ""),
            year=d.get("year"),
            venue=d.get("venue", ""),
            type=labelled("type", d.get("type", "")),
            evidence=labelled("evidence", d["evidence"]) if d.get("evidence") else None,
            tags=tags,
            # Built from a pattern reversed once: reverse() per result and tag was a tenth of
            # a search page's CPU time.
            url=_urls()["resource"].format(pk=hit.id, slug=slug),
            tag_links=[
                (label, _tag_href(search_url, key, value))
                for key, values in tags.items()
                for value, label in values
            ],
            byline=byline(authors, d.get("organization", "")),
        )

    def get_absolute_url(self) -> str:
        return self.url


def byline(authors: Sequence[str], organization: str = "") -> str:
    """Up to three authors (then "et al."), or the organisation: how a result names its makers."""
    if not authors:
        return organization
    return ", ".join(authors[:3]) + (", et al." if len(authors) > 3 else "")


@functools.lru_cache(maxsize=4096)
def _tag_href(search_url: str, key: str, value: str) -> str:
    # The same few dozen vocabulary terms come back on every result of every page.
    return f"{search_url}?{key}={quote(value)}"


@functools.cache
def _urls() -> dict[str, str]:
    pattern = reverse("library:resource", kwargs={"pk": 123456789, "slug": "slug-placeholder"})
    return {
        "search": reverse("library:search"),
        "resource": pattern.replace("123456789", "{pk}").replace("slug-placeholder", "{slug}"),
    }


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
    values: list[FacetValue]  # every active term (and any selected one), zero counts included
    # What the filters show: values with results and selected ones, in curator order, split
    # into the first list and the one behind "more" (see ``arrange_facet_values``).
    shown: list[FacetValue] = field(default_factory=list)
    more: list[FacetValue] = field(default_factory=list)


def arrange_facet_values(
    values: list[FacetValue], *, long: int = FACET_LONG, top: int = FACET_TOP
) -> tuple[list[FacetValue], list[FacetValue]]:
    """(shown, more): a value with no results is left out unless it is selected; when more than
    ``long`` values remain, the ``top`` with the most results (ties in curator order) and the
    selected ones are shown, the rest go behind "more". Both keep the curator's order."""
    candidates = [v for v in values if v.count or v.selected]
    if len(candidates) <= long:
        return candidates, []
    ranked = sorted(range(len(candidates)), key=lambda i: (-candidates[i].count, i))
    first = set(ranked[:top])
    shown = [v for i, v in enumerate(candidates) if i in first or v.selected]
    more = [v for i, v in enumerate(candidates) if i not in first and not v.selected]
    return shown, more


@dataclass
class SearchResults:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: list[FacetResult]
    items: list[ResultItem] = field(default_factory=list)  # what the result list shows
    suggestion: str | None = None  # a close spelling when nothing matched
    year_bounds: tuple[int | None, int | None] = (None, None)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.params.per_page))


# ---------------------------------------------------------------------------------------------
# Running a search


_UNKNOWN = object()


class _VocabularyCache:
    """Labels, order and active flags of vocabulary terms, and the synonym table.

    Reloaded when a vocabulary or synonym change appears in the outbox, which any process can
    see, so a curator's edit reaches every server process on its next search.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: object = object()
        self.terms: dict[str, list[tuple[str, str]]] = {}  # facet key → [(slug, label)] active
        self.labels: dict[str, dict[str, str]] = {}
        self.synonyms: dict[str, list[str]] = {}

    def refresh(self, version: object = _UNKNOWN) -> None:
        """Reload if ``version`` (the id of the latest vocabulary or synonym change, from
        ``indexing.outbox_state``) differs from the one loaded; read it first if not given."""
        if version is _UNKNOWN:
            version = indexing.outbox_state().vocabulary_version
        if version == self.version:
            return
        with self.lock:
            terms: dict[str, list[tuple[str, str]]] = {}
            labels: dict[str, dict[str, str]] = {}
            for facet in FACETS:
                rows = list(
                    facet.vocabulary.objects.order_by("position", "name").values_list(
                        "slug", "name", "is_active"
                    )
                )
                terms[facet.key] = [(slug, name) for slug, name, active in rows if active]
                labels[facet.key] = {slug: name for slug, name, _ in rows}
            synonyms = engine_module.synonym_groups(
                Synonym.objects.values_list("term", "equivalent")
            )
            self.terms, self.labels, self.synonyms = terms, labels, synonyms
            self.version = version


_vocabulary = _VocabularyCache()


def vocabulary_terms() -> dict[str, list[tuple[str, str]]]:
    """Active terms per facet key, in curator order: what facets and browse lists show."""
    _vocabulary.refresh()
    return _vocabulary.terms


def _engine_query(
    params: SearchParams, *, offset: int, limit: int, with_facets: bool
) -> EngineQuery:
    return EngineQuery(
        clauses=_clauses(params),
        filters=dict(params.filters),
        year_from=params.year_from,
        year_to=params.year_to,
        sort=params.sort,
        offset=offset,
        limit=limit,
        facet_keys=tuple(f.key for f in FACETS) if with_facets else (),
    )


# No resource has id 0: an identifier that matches nothing makes a clause that matches nothing.
_NOTHING = (0,)


def _clauses(params: SearchParams) -> list[engine_module.Clause]:
    """The engine's clauses for the query box, the fielded words and the identifier filters.

    A query that is an identifier as a whole (a DOI, PMID, PMCID or ISBN) matches the resources
    that carry it; if none does, it is searched as words.
    """
    typed = identifiers.parse(params.q) if params.q else None
    matched = identifiers.resolve(typed) if typed else []
    if matched:
        clauses = [engine_module.Clause(words=(), ids=tuple(matched))]
    else:
        clauses = engine_module.parse_user_query(params.q)
        clauses = engine_module.expand_synonyms(clauses, _vocabulary.synonyms)
    for key, fields in FIELDED.items():
        value = params.fielded.get(key)
        if value:
            for clause in engine_module.parse_user_query(value):
                clauses.append(_restricted(clause, fields))
    for key, kind in IDENTIFIER_PARAMS.items():
        value = params.identifiers.get(key)
        if value:
            found = identifiers.parse(value) if kind is None else identifiers.parse_as(kind, value)
            ids = tuple(identifiers.resolve(found)) if found else ()
            clauses.append(engine_module.Clause(words=(), ids=ids or _NOTHING))
    return clauses


def _restricted(clause: engine_module.Clause, fields: tuple[str, ...]) -> engine_module.Clause:
    return replace(
        clause,
        fields=fields,
        alternatives=tuple(_restricted(a, fields) for a in clause.alternatives),
    )


def identifier_target(params: SearchParams) -> int | None:
    """The one resource a query that is an identifier names, for going straight to its page."""
    if params.fielded or params.identifiers or params.has_filters or params.page > 1:
        return None
    typed = identifiers.parse(params.q) if params.q else None
    matched = identifiers.resolve(typed) if typed else []
    return matched[0] if len(matched) == 1 else None


def _run(query: EngineQuery, *, pending: bool | None = None) -> EngineResult:
    try:
        return indexing.engine(pending=pending).search(query)
    except ValueError as exc:
        # Not rebuilt here: indexing schedules a background rebuild if the files prove damage.
        indexing.search_failed(exc)
        raise indexing.IndexUnavailable("The search failed inside the engine.") from exc


def search(params: SearchParams) -> SearchResults:
    # One query tells both whether the vocabulary changed and whether the index is behind.
    state = indexing.outbox_state()
    _vocabulary.refresh(state.vocabulary_version)
    offset = (params.page - 1) * params.per_page
    result = _run(
        _engine_query(params, offset=offset, limit=params.per_page, with_facets=True),
        pending=state.pending,
    )

    facets = []
    for facet in FACETS:
        counts = result.facet_counts.get(facet.key, {})
        selected = set(params.selected(facet.key))
        labels = _vocabulary.labels.get(facet.key, {})
        values = [
            FacetValue(slug=slug, label=label, count=counts.get(slug, 0), selected=slug in selected)
            for slug, label in _vocabulary.terms.get(facet.key, [])
        ]
        # A selected term that a curator has since deactivated still shows, so it can be unticked.
        listed = {v.slug for v in values}
        values += [
            FacetValue(slug=s, label=labels.get(s, s), count=counts.get(s, 0), selected=True)
            for s in params.selected(facet.key)
            if s not in listed
        ]
        shown, more = arrange_facet_values(values)
        facets.append(
            FacetResult(
                key=facet.key, label=str(facet.label), values=values, shown=shown, more=more
            )
        )

    hits = [
        Hit(resource_id=h.id, score=h.score, snippet=h.snippet_html, title_html=h.title_html)
        for h in result.hits
    ]
    items = [ResultItem.from_display(h, _vocabulary.labels) for h in result.hits]

    suggestion = None
    if result.total == 0 and params.q:
        suggestion = _spelling_suggestion(params)
    return SearchResults(
        params=params,
        total=result.total,
        hits=hits,
        facets=facets,
        items=items,
        suggestion=suggestion,
        year_bounds=(result.year_min, result.year_max),
    )


def search_ids(params: SearchParams, *, limit: int | None = None) -> list[int]:
    """Every matching published resource id in the requested order (for exports and feeds)."""
    state = indexing.outbox_state()
    _vocabulary.refresh(state.vocabulary_version)
    current = indexing.engine(pending=state.pending)
    cap = limit if limit is not None else max(1, current.num_docs())
    query = _engine_query(params, offset=0, limit=cap, with_facets=False)
    query.documents = False
    return [hit.id for hit in _run(query, pending=False).hits]


def _spelling_suggestion(params: SearchParams) -> str | None:
    """Rewrite the query with each unknown word replaced by its closest indexed word.

    Offered only if the rewritten query finds something under the same filters.
    """
    # search() has just brought the index up to date: no second look at the outbox.
    current = indexing.engine(pending=False)
    changed = False
    words = []
    attempts = 0
    for word in params.q.split():
        bare = word.strip('"-')
        replacement = None
        if bare and bare != "OR" and attempts < SPELLING_MAX_WORDS:
            attempts += 1
            replacement = current.suggest_word(bare)
        if replacement:
            words.append(word.replace(bare, replacement))
            changed = True
        else:
            words.append(word)
    if not changed:
        return None
    suggestion = " ".join(words)
    probe = _run(
        _engine_query(params.with_changes(q=suggestion), offset=0, limit=1, with_facets=False),
        pending=False,
    )
    return suggestion if probe.total else None


def content_version() -> str:
    """A key that changes whenever what a search can show changes: any commit to the index
    (``SearchEngine.version``) or any vocabulary or synonym change. Pages cache fragments
    under it (the home page's browse lists, newest additions and gap map)."""
    state = indexing.outbox_state()
    _vocabulary.refresh(state.vocabulary_version)
    current = indexing.engine(pending=state.pending)
    return "-".join(str(part) for part in (*current.version(), state.vocabulary_version))


def cross_counts(
    params: SearchParams, rows: str, columns: str, *, after_search: bool = False
) -> engine_module.CrossCounts:
    """The ``rows`` × ``columns`` matrix of a search (words and filters), in one engine call:
    each number equals the total of ``search`` with those values added as filters.
    ``after_search``: a search in the same request has just read the outbox (no second look)."""
    if not after_search:
        _vocabulary.refresh()
    query = _engine_query(params, offset=0, limit=1, with_facets=False)
    try:
        return indexing.engine(pending=False if after_search else None).cross_counts(
            query, rows, columns
        )
    except ValueError as exc:
        indexing.search_failed(exc)
        raise indexing.IndexUnavailable("The search failed inside the engine.") from exc


def count(params: SearchParams, *, after_search: bool = False) -> int:
    """How many results a search finds, counting only (no documents, no facets).
    ``after_search``: asked right after ``search()`` in the same request, which has just read
    the outbox and brought the index up to date (no second look at the database)."""
    if not after_search:
        _vocabulary.refresh()
    query = _engine_query(params, offset=0, limit=1, with_facets=False)
    query.documents = False
    return _run(query, pending=False if after_search else None).total


def count_without_filters(params: SearchParams) -> int:
    """How many results the same words find with no filters: offered when nothing matched
    (asked right after ``search()``)."""
    return count(SearchParams(q=params.q), after_search=True)
