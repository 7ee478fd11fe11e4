"""Facet counts are made two ways: tantivy's terms aggregation over the matching records, or,
when a search matches a large share of the library, each facet value's postings walked against
the matching records (``terms_with_prefix`` with the query as its filter). Both must give the
same counts and year range, deleted records left out; which one runs is decided per aggregation
from the number of hits (``_counting_plan``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialmission.library import engine as engine_module
from socialmission.library.engine import EngineQuery, IndexDocument, SearchEngine, parse_user_query

FACETS = ("type", "domain")


def _document(number: int) -> IndexDocument:
    return IndexDocument(
        id=number,
        title=f"Rural health pipeline {number}" if number % 5 else f"Urban clinic {number}",
        description="Partners train students in rural clinics.",
        facets=[f"type:{'toolkit' if number % 3 else 'article'}", f"domain:d{number % 4}"],
        # Every seventh record has no year: it counts in the facets, not in the year range.
        year=None if number % 7 == 0 else 1990 + number % 30,
        added=number,
        display={"title": f"Title {number}"},
    )


def _build(path: Path) -> SearchEngine:
    path.mkdir(parents=True, exist_ok=True)
    opened = SearchEngine(path)
    writer = opened.writer()
    for number in range(1, 201):
        writer.add_document(_document(number).to_tantivy())
    writer.commit()
    # A record replaced and one deleted: neither way of counting may see the old versions.
    SearchEngine.replace_documents(writer, [10], [_document(10)])
    SearchEngine.replace_documents(writer, [11], [])
    writer.commit()
    writer.wait_merging_threads()
    opened.reload()
    return opened


def _query(word: str = "rural", **changes: Any) -> EngineQuery:
    values: dict[str, Any] = {
        "clauses": parse_user_query(word),
        "filters": {},
        "limit": 3,
        "facet_keys": FACETS,
    }
    values.update(changes)
    return EngineQuery(**values)


def _record_ways(monkeypatch: pytest.MonkeyPatch) -> dict[str | None, bool]:
    """How each aggregation was counted: the selected facet it is for (None: the one over the
    hits) → by terms or not."""
    ways: dict[str | None, bool] = {}
    count_facets = SearchEngine._count_facets

    def recorded(
        self: SearchEngine,
        searcher: Any,
        common: Any,
        filters: Any,
        missing: Any,
        by_terms: bool = False,
    ) -> Any:
        for need in missing:
            ways[need.for_key] = by_terms
        return count_facets(self, searcher, common, filters, missing, by_terms)

    monkeypatch.setattr(SearchEngine, "_count_facets", recorded)
    return ways


# The records the index holds: 199 (record 11 deleted).
NUMBERS = [n for n in range(1, 201) if n != 11]


def _matches(number: int, word: str, query: EngineQuery, leave_out: str | None = None) -> bool:
    """Whether record ``number`` has ``word`` (none: any record), every selected facet but
    ``leave_out`` and the query's first year, read from the document itself."""
    doc = _document(number)
    if word and word not in f"{doc.title} {doc.description}".lower():
        return False
    for key, slugs in query.filters.items():
        if key != leave_out and not any(f"{key}:{s}" in doc.facets for s in slugs):
            return False
    return query.year_from is None or (doc.year is not None and doc.year >= query.year_from)


def _expected(word: str, query: EngineQuery) -> dict[str, Any]:
    """The counts worked out from the documents themselves."""
    numbers = NUMBERS

    def matches(number: int, leave_out: str | None = None) -> bool:
        return _matches(number, word, query, leave_out)

    counts: dict[str, dict[str, int]] = {key: {} for key in FACETS}
    for key in FACETS:
        leave_out = key if key in query.filters else None
        for number in numbers:
            if not matches(number, leave_out):
                continue
            for value in _document(number).facets:
                facet, _, slug = value.partition(":")
                if facet == key:
                    counts[key][slug] = counts[key].get(slug, 0) + 1
    years = [_document(n).year for n in numbers if matches(n)]
    known = [y for y in years if y is not None]
    return {
        "total": len(years),
        "facets": counts,
        "years": (min(known), max(known)) if known else (None, None),
    }


@pytest.mark.parametrize(
    ("word", "changes"),
    [
        ("rural", {}),
        ("rural", {"filters": {"type": ("toolkit",)}}),
        ("rural", {"filters": {"type": ("article",), "domain": ("d1", "d2")}, "year_from": 2000}),
        ("urban", {"filters": {"domain": ("d0",)}}),
        ("nothingmatches", {}),
    ],
)
def test_both_ways_of_counting_agree_with_the_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str, changes: dict[str, Any]
) -> None:
    opened = _build(tmp_path)
    query = _query(word, **changes)
    answers = {}
    for share, by_terms in ((2.0, False), (0.0, True)):
        monkeypatch.setattr(engine_module, "COUNT_BY_TERMS_SHARE", share)
        ways = _record_ways(monkeypatch)
        opened._facet_cache.clear()
        result = opened.search(query)
        assert ways and set(ways.values()) == {by_terms}
        answers[by_terms] = (result.total, result.facet_counts, (result.year_min, result.year_max))
        monkeypatch.undo()
    assert answers[False] == answers[True]
    expected = _expected(word, query)
    assert answers[True] == (expected["total"], expected["facets"], expected["years"])


def test_alone_the_way_is_chosen_from_document_frequencies_before_the_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search alone in its process counts beside the search for hits, so it decides before
    knowing how many hits there are, from an upper bound (``_plan_by_bounds``)."""
    opened = _build(tmp_path)
    ways = _record_ways(monkeypatch)
    # "rural" is in every record's description: possibly all 199, by terms.
    opened.search(_query("rural"))
    assert ways == {None: True}
    ways.clear()
    # "urban" with type "article": "urban" is in 41 titles by document frequency (40 records
    # and the replaced one's old version), over a tenth of 199, so both counts are made by
    # terms, though only 13 records match.
    result = opened.search(_query("urban", filters={"type": ("article",)}))
    assert result.total == 13
    assert ways == {None: True, "type": True}
    ways.clear()
    # An identifier names at most one record: by aggregation.
    opened.search(_query(clauses=[engine_module.Clause(words=(), ids=(5,))]))
    assert ways == {None: False}


def test_beside_another_search_the_way_is_chosen_from_the_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search that is not alone in its process counts after the search for hits, one count
    after the other, and so can decide from its count (``_counting_plan``)."""
    opened = _build(tmp_path)
    ways = _record_ways(monkeypatch)
    with engine_module._searches.under_way():  # the stand-in for a search under way
        # 13 hits, under a tenth of 199: by aggregation. The type's disjunctive counts run over
        # every "urban" record (40), over a tenth: by terms, from the estimate 13 x 199 records
        # / 66 articles = 39.
        result = opened.search(_query("urban", filters={"type": ("article",)}))
    assert result.total == 13
    assert ways == {None: False, "type": True}
    assert sum(result.facet_counts["type"].values()) == 40


def test_the_year_range_comes_from_the_year_terms_not_the_facets(tmp_path: Path) -> None:
    opened = _build(tmp_path)
    result = opened.search(_query("rural", facet_keys=("type",)))
    assert (result.year_min, result.year_max) == (1990, 2019)
    assert set(result.facet_counts) == {"type"}
    assert engine_module.YEAR_TERM.rstrip(":") not in result.facet_counts


def test_a_disjunctive_count_walks_only_its_own_facets_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counts over the hits need every facet and the year; a selected facet's disjunctive
    counts need that facet's values only, so only its terms' postings are walked."""
    opened = _build(tmp_path)
    monkeypatch.setattr(engine_module, "COUNT_BY_TERMS_SHARE", 0.0)
    prefixes: list[str] = []

    class Recording:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def terms_with_prefix(self, field: str, prefix: str, **kwargs: Any) -> Any:
            prefixes.append(prefix)
            return self.inner.terms_with_prefix(field, prefix, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    count_facets = SearchEngine._count_facets

    def recorded(self: SearchEngine, searcher: Any, *args: Any) -> Any:
        return count_facets(self, Recording(searcher), *args)

    monkeypatch.setattr(SearchEngine, "_count_facets", recorded)
    result = opened.search(_query("rural", filters={"type": ("toolkit",)}))
    assert sorted(prefixes) == ["", "type:"]
    assert result.facet_counts["type"] == {"toolkit": 133, "article": 66}
    # The year range is that of the hits (toolkits: no year 1990, which only articles have).
    assert (result.year_min, result.year_max) == (1991, 2019)


@pytest.mark.parametrize(
    "clauses",
    [
        parse_user_query("rural"),
        parse_user_query("urban clinic"),
        parse_user_query('"rural clinics"'),
        parse_user_query("urban OR pipeline"),
        parse_user_query("rural -urban"),
        parse_user_query("the"),
        parse_user_query("2005 rural"),
        parse_user_query("students"),
        [engine_module.Clause(words=("partners", "in", "clinics"), phrase=True, near=True)],
        [engine_module.Clause(words=("urban", "clinic"), every=True)],
        [engine_module.Clause(words=("urban",), fields=("title",))],
        [engine_module.Clause(words=(), ids=(3, 4, 5))],
        parse_user_query("nothingmatches"),
    ],
)
def test_the_bound_from_document_frequencies_is_never_below_the_count(
    tmp_path: Path, clauses: list[engine_module.Clause]
) -> None:
    """Counts that the bound proves small are aggregated before the search for hits says how
    many there are: the bound must never be below the real count (too high only costs time)."""
    opened = _build(tmp_path)
    searcher = opened.index.searcher()
    text = engine_module.text_query(clauses)
    assert text is not None
    matched = searcher.search(text, limit=1, count=True).count
    bound = engine_module._text_bound(searcher, clauses, searcher.num_docs)
    assert matched <= bound <= searcher.num_docs


def test_the_bound_is_tight_for_a_word_in_one_field(tmp_path: Path) -> None:
    opened = _build(tmp_path)
    searcher = opened.index.searcher()
    # "urban" is in the titles of the 40 records numbered by five, and nowhere else; record 10
    # was replaced, and its old version counts in the document frequency until a merge.
    assert engine_module._text_bound(searcher, parse_user_query("urban"), 199) == 41
    assert engine_module._text_bound(searcher, parse_user_query("nothingmatches"), 199) == 0


@pytest.mark.parametrize(
    ("word", "filters"),
    [("", {}), ("rural", {}), ("rural", {"domain": ("d1", "d2")}), ("urban", {}), ("zzz", {})],
)
def test_the_gap_maps_cross_counts_agree_both_ways_with_the_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str, filters: dict[str, Any]
) -> None:
    opened = _build(tmp_path)
    query = _query(word, filters=filters) if word else _query(clauses=[], filters=filters)
    answers = []
    for share in (2.0, 0.0):  # by aggregation, then by terms
        monkeypatch.setattr(engine_module, "COUNT_BY_TERMS_SHARE", share)
        opened._facet_cache.clear()
        answers.append(opened.cross_counts(query, "type", "domain"))
    assert answers[0] == answers[1]
    numbers = [n for n in NUMBERS if _matches(n, word, query)]

    def value(number: int, facet: str) -> str:
        return next(f for f in _document(number).facets if f.startswith(f"{facet}:")).partition(
            ":"
        )[2]

    cells: dict[tuple[str, str], int] = {}
    for n in numbers:
        cell = (value(n, "type"), value(n, "domain"))
        cells[cell] = cells.get(cell, 0) + 1
    assert answers[1].total == len(numbers)
    assert answers[1].cells == cells
    assert sum(answers[1].rows.values()) == sum(answers[1].columns.values()) == len(numbers)
