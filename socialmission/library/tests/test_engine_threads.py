"""A search counts its facets by aggregation on background threads while the request's thread
reads the hits' documents and snippets.

tantivy-py lets the GIL go inside an aggregation, so the two run on two cores at once (counts
made by terms keep the GIL and run on the request's thread). These tests pin where each part
runs, that the answer is the same as on one thread, and that an error on either side reaches
the caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from socialmission.library import engine as engine_module
from socialmission.library.engine import EngineQuery, IndexDocument, SearchEngine, parse_user_query

FACETS = ("type", "domain")


@pytest.fixture(autouse=True)
def _by_aggregation(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the aggregations, which let the GIL go and so run on the pool;
    counts made by terms (``test_counts_by_terms_run_on_the_callers_thread``) keep it."""
    monkeypatch.setattr(engine_module, "COUNT_BY_TERMS_SHARE", 2.0)


@pytest.fixture
def engine(tmp_path: Path) -> SearchEngine:
    opened = SearchEngine(tmp_path)
    writer = opened.writer()
    for number in range(1, 31):
        doc = IndexDocument(
            id=number,
            title=f"Rural health pipeline {number}" if number % 2 else f"Urban clinic {number}",
            description=f"Partners train students in {'rural' if number % 2 else 'city'} clinics.",
            facets=[f"type:{'toolkit' if number % 3 else 'article'}", f"domain:d{number % 4}"],
            year=2000 + number % 10,
            added=number,
            display={"title": f"Title {number}"},
        )
        writer.add_document(doc.to_tantivy())
    writer.commit()
    writer.wait_merging_threads()
    opened.reload()
    return opened


def _query(**changes: Any) -> EngineQuery:
    values: dict[str, Any] = {
        "clauses": parse_user_query("rural"),
        "filters": {},
        "limit": 5,
        "facet_keys": FACETS,
    }
    values.update(changes)
    return EngineQuery(**values)


def _record_threads(opened: SearchEngine) -> dict[str, list[str]]:
    """Instance attributes shadow the methods: the search calls them through ``self``."""
    seen: dict[str, list[str]] = {"hits": [], "facets": []}

    def spy(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def called(*args: Any, **kwargs: Any) -> Any:
            seen[name].append(threading.current_thread().name)
            return method(*args, **kwargs)

        return called

    for attribute, name in (("_hits", "hits"), ("_count_facets", "facets")):
        setattr(opened, attribute, spy(name, getattr(opened, attribute)))
    return seen


class _OneThread:
    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        done: Future[Any] = Future()
        done.set_result(function(*args))
        return done


def test_facets_are_counted_beside_the_search_for_hits(engine: SearchEngine) -> None:
    seen = _record_threads(engine)
    result = engine.search(_query(filters={"type": ("toolkit",)}))
    here = threading.current_thread().name
    assert seen["hits"] == [here]
    # One aggregation over the hits, one for the selected facet's disjunctive counts: each on
    # a thread of the pool, so they also run beside each other.
    assert len(seen["facets"]) == 2
    assert all(name.startswith("smrl-engine") for name in seen["facets"])
    # 15 records say "rural"; 10 of them are toolkits.
    assert result.total == 10
    assert len(result.hits) == 5
    assert sum(result.facet_counts["type"].values()) == 15  # disjunctive: its own filter left out


def test_the_answer_is_the_same_as_on_one_thread(
    engine: SearchEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = _query(filters={"domain": ("d1", "d3")}, year_from=2003)
    beside = engine.search(query)
    monkeypatch.setattr(engine_module, "_background", _OneThread)
    alone = SearchEngine(tmp_path).search(query)  # its own cache: counted again
    assert beside.total == alone.total > 0
    assert [h.id for h in beside.hits] == [h.id for h in alone.hits]
    assert [h.snippet_html for h in beside.hits] == [h.snippet_html for h in alone.hits]
    assert beside.facet_counts == alone.facet_counts
    assert (beside.year_min, beside.year_max) == (alone.year_min, alone.year_max)


def test_with_cached_counts_everything_runs_on_the_callers_thread(engine: SearchEngine) -> None:
    engine.search(_query())
    seen = _record_threads(engine)
    engine.search(_query())
    assert seen == {"hits": [threading.current_thread().name], "facets": []}


def test_without_facets_nothing_is_sent_to_another_thread(engine: SearchEngine) -> None:
    seen = _record_threads(engine)
    result = engine.search(_query(facet_keys=()))
    assert result.total == 15 and result.facet_counts == {}
    assert seen == {"hits": [threading.current_thread().name], "facets": []}


def test_an_error_while_counting_reaches_the_caller_after_every_count_ended(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    count_facets = engine._count_facets
    ended: list[str] = []

    def first_fails(
        searcher: Any, common: Any, filters: Any, missing: list[Any], by_terms: bool
    ) -> Any:
        try:
            if missing[0].for_key is None:  # the aggregation over the hits
                raise ValueError("aggregation refused")
            return count_facets(searcher, common, filters, missing, by_terms)
        finally:
            ended.append(str(missing[0].for_key))

    monkeypatch.setattr(engine, "_count_facets", first_fails)
    # search.py turns a ValueError from the engine into "index unavailable": the type must survive.
    with pytest.raises(ValueError, match="aggregation refused"):
        engine.search(_query(filters={"type": ("toolkit",), "domain": ("d1",)}))
    assert sorted(ended) == ["None", "domain", "type"]  # none left running


def test_an_error_finding_hits_waits_for_the_counts_then_reaches_the_caller(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished = threading.Event()
    count_facets = engine._count_facets

    def counts(*args: Any) -> Any:
        try:
            return count_facets(*args)
        finally:
            finished.set()

    def broken(*args: Any) -> Any:
        raise ValueError("store unreadable")

    monkeypatch.setattr(engine, "_count_facets", counts)
    monkeypatch.setattr(engine, "_hits", broken)
    with pytest.raises(ValueError, match="store unreadable"):
        engine.search(_query())
    assert finished.is_set()  # not left running behind the failed request


def test_a_forked_worker_starts_threads_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    threads = engine_module._BackgroundThreads(workers=1)
    first = threads()
    assert threads() is first
    monkeypatch.setattr(engine_module.os, "getpid", lambda: -1)  # as in a child after fork
    second = threads()
    assert second is not first
    assert second.submit(lambda: 42).result() == 42
    first.shutdown()
    second.shutdown()


def test_beside_another_search_everything_runs_on_the_callers_thread(
    engine: SearchEngine,
) -> None:
    """Under load the cores are taken: a search that is not alone in its process uses no pool."""
    seen = _record_threads(engine)
    here = threading.current_thread().name
    with engine_module._searches.under_way() as alone:
        assert alone  # the stand-in for a search under way
        result = engine.search(_query(filters={"type": ("toolkit",)}))
    # The counts over the hits and the type's disjunctive counts, one after the other.
    assert seen == {"hits": [here], "facets": [here, here]}
    assert result.total == 10
    assert engine_module._searches.count == 0


def test_counts_by_terms_run_on_the_pool_too(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``terms_with_prefix`` keeps the GIL, but the search for hits lets it go: on the pool, a
    count made by terms overlaps the search. "rural" is in 15 titles and all 30 descriptions
    by document frequency, so nothing bounds the counts under a tenth: both by terms."""
    monkeypatch.setattr(engine_module, "COUNT_BY_TERMS_SHARE", 0.1)
    seen: list[tuple[str, str, bool]] = []
    here = threading.current_thread().name
    hits, count_facets = engine._hits, engine._count_facets

    def recorded_hits(*args: Any) -> Any:
        seen.append(("hits", threading.current_thread().name, False))
        return hits(*args)

    def recorded_counts(
        searcher: Any, common: Any, filters: Any, missing: Any, by_terms: bool
    ) -> Any:
        seen.append(("facets", threading.current_thread().name, by_terms))
        return count_facets(searcher, common, filters, missing, by_terms)

    monkeypatch.setattr(engine, "_hits", recorded_hits)
    monkeypatch.setattr(engine, "_count_facets", recorded_counts)
    result = engine.search(_query(filters={"type": ("toolkit",)}))
    assert ("hits", here, False) in seen
    counts = [entry for entry in seen if entry[0] == "facets"]
    assert len(counts) == 2
    assert all(name.startswith("smrl-engine") and by_terms for _, name, by_terms in counts)
    assert result.total == 10
    assert sum(result.facet_counts["type"].values()) == 15


class _SearcherWatch:
    """The engine's searcher, telling whether a count started before the search for hits."""

    def __init__(self, inner: Any, count_started: threading.Event) -> None:
        self.inner = inner
        self.count_started = count_started
        self.searched = threading.Event()

    def search(self, *args: Any, **kwargs: Any) -> Any:
        # Give a count already under way the time to say so (not waited for otherwise).
        self.count_started.wait(timeout=0 if self.searched.is_set() else 2)
        self.searched.set()
        return self.inner.search(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _watch(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[bool], _SearcherWatch]:
    """Whether the search for hits had begun when each count began (and the watch, to clear
    between searches)."""
    count_started = threading.Event()
    index = engine.index
    watch = _SearcherWatch(index.searcher(), count_started)

    class Index:
        def searcher(self) -> Any:
            return watch

        def __getattr__(self, name: str) -> Any:
            return getattr(index, name)

    monkeypatch.setattr(engine, "index", Index())
    after_search: list[bool] = []
    count_facets = engine._count_facets

    def counts(*args: Any) -> Any:
        after_search.append(watch.searched.is_set())
        count_started.set()
        return count_facets(*args)

    monkeypatch.setattr(engine, "_count_facets", counts)
    return after_search, watch


def test_every_count_starts_before_the_search_for_hits_by_the_way_its_bound_says(
    engine: SearchEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "pipeline" is in the titles of 15 of the 30 records and nowhere else, so document
    frequencies alone prove that it matches at most 15. Under a share of 0.6 (18 records) its
    counts are certainly small: aggregated. Under 0.4 (12) they may not be: counted by terms.
    Either way the count begins before the search for hits."""
    monkeypatch.setattr(engine_module, "COUNT_BY_TERMS_SHARE", 0.6)
    after_search, watch = _watch(engine, monkeypatch)
    ways: list[bool] = []
    count_facets = engine._count_facets

    def counts(searcher: Any, common: Any, filters: Any, missing: Any, by_terms: bool) -> Any:
        ways.append(by_terms)
        return count_facets(searcher, common, filters, missing, by_terms)

    monkeypatch.setattr(engine, "_count_facets", counts)
    result = engine.search(_query(clauses=parse_user_query("pipeline"), documents=False))
    assert result.total == 15
    assert (after_search, ways) == ([False], [False])

    monkeypatch.setattr(engine_module, "COUNT_BY_TERMS_SHARE", 0.4)
    engine._facet_cache.clear()
    watch.searched.clear()
    watch.count_started.clear()
    after_search.clear()
    ways.clear()
    result = engine.search(_query(clauses=parse_user_query("pipeline"), documents=False))
    assert result.total == 15
    assert (after_search, ways) == ([False], [True])
