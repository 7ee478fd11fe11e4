"""The raw-engine floor: the bench's query mix through the engine alone, without Django.

Opens the catalog's tantivy index (the generation ``CURRENT`` names) with
``socialmission.library.engine`` only (no Django, no database, no templates) and asks it what
the search page asks it, query by query and in the same order as the HTTP run: the search with
its 20 hits, their documents and snippets and every facet's counts; for a query with words and
no hits, the spelling suggestion (up to five words, then one probe search) and, with filters,
the counts of its no-results offers (without filters; each filter dropped). Synonyms are read once from the catalog's database (sqlite3), as
the server reads them once into its vocabulary cache. The CPU time of this process over the measured mixes, divided by
the number of queries, is the floor the search page's server CPU is compared with
(``ratio to raw engine``). Facet counting and documents with snippets are timed separately.

It also returns each measured query's total and facet counts, so the harness can check that
the pages agree with the engine.

    python -m bench.raw --index var/bench/100000-seed42/index --queries 200 --repeat 2
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.queries import BenchQuery, query_mix

# The facets the search page counts (socialmission/library/facets.py, in its order). The
# harness checks the pages' facet counts against these, so a facet missing here shows up.
FACET_KEYS = ("type", "domain", "topic", "profession", "evidence")
PER_PAGE = 20
SPELLING_MAX_WORDS = 5  # as search.SPELLING_MAX_WORDS
MAX_DROP_OFFERS = 6  # as views.MAX_DROP_OFFERS
# "Queries with large hit lists" (issue 12's facet-counting target): a tenth of a 100k library.
LARGE_HITS = 10_000


def index_path(index_root: Path) -> Path:
    """The generation directory the server reads: the one ``CURRENT`` names."""
    return index_root / (index_root / "CURRENT").read_text().strip()


class Timer:
    """CPU seconds spent inside the wrapped callables, counted on the thread that runs each (the
    engine counts facets on a thread of its own while the calling thread finds the hits)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.thread_time() - started
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed


def open_engine(path: Path, timer: Timer | None = None) -> Any:
    from socialmission.library import engine

    opened = engine.SearchEngine(path)
    if timer is not None:
        # Instance attributes shadow the methods: the search calls these through ``self``.
        opened._hits = timer.wrap("documents_and_snippets", opened._hits)  # type: ignore[method-assign]
        opened._count_facets = timer.wrap("facet_counts", opened._count_facets)  # type: ignore[method-assign]
    return opened


def load_synonyms(database: Path | None) -> dict[str, list[str]]:
    """The synonym table grouped as the server's vocabulary cache groups it
    (``engine.synonym_groups``), read once with sqlite3."""
    from socialmission.library import engine

    if database is None or not database.exists():
        return {}
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT term, equivalent FROM library_synonym").fetchall()
    return engine.synonym_groups(rows)


SYNONYMS: dict[str, list[str]] = {}


def engine_query(query: BenchQuery, *, limit: int, facets: bool, text: str | None = None) -> Any:
    """The EngineQuery ``search.search`` builds for the page of this query."""
    from socialmission.library import engine

    filters: dict[str, tuple[str, ...]] = {}
    year_from = None
    for key, value in query.filters:
        if key == "year_from":
            year_from = int(value)
        else:
            filters[key] = (*filters.get(key, ()), value)
    clauses = engine.expand_synonyms(
        engine.parse_user_query(query.q if text is None else text), SYNONYMS
    )
    return engine.EngineQuery(
        clauses=clauses,
        filters=filters,
        year_from=year_from,
        offset=0,
        limit=limit,
        facet_keys=FACET_KEYS if facets else (),
    )


def page_work(opened: Any, query: BenchQuery) -> Any:
    """What the search page asks of the engine for one query (search.search and the view)."""
    result = opened.search(engine_query(query, limit=PER_PAGE, facets=True))
    if result.total == 0 and query.q:
        words, changed, attempts = [], False, 0
        for word in query.q.split():
            bare = word.strip('"-')
            replacement = None
            if bare and bare != "OR" and attempts < SPELLING_MAX_WORDS:
                attempts += 1
                replacement = opened.suggest_word(bare)
            words.append(word.replace(bare, replacement) if replacement else word)
            changed = changed or bool(replacement)
        if changed:
            opened.search(engine_query(query, limit=1, facets=False, text=" ".join(words)))
    if result.total == 0 and query.filters:
        # The view's offers: the same words without filters, and with two filters or more,
        # each filter dropped in turn (at most MAX_DROP_OFFERS), counting only.
        wider = [BenchQuery(query.kind, query.q, ())]
        if len(query.filters) >= 2:
            wider += [
                BenchQuery(query.kind, query.q, tuple(f for f in query.filters if f != dropped))
                for dropped in query.filters[:MAX_DROP_OFFERS]
            ]
        for other in wider:
            counting = engine_query(other, limit=1, facets=False)
            counting.documents = False
            opened.search(counting)
    return result


def run_mixes(
    opened: Any, rounds: Sequence[tuple[list[BenchQuery], list[BenchQuery]]], warm: list[BenchQuery]
) -> tuple[float, int, list[dict[str, Any]]]:
    """The HTTP run's order: warm-up, then per round the page mix (measured), the same mix
    again (cached counts, as the server sees it) and the partial's mix. Returns the CPU seconds
    of the measured passes, their query count and the first round's answers."""
    for query in warm:
        page_work(opened, query)
    cpu = 0.0
    measured = 0
    answers: list[dict[str, Any]] = []
    for number, (page_mix, partial_mix) in enumerate(rounds):
        started = time.process_time()
        results = [page_work(opened, query) for query in page_mix]
        cpu += time.process_time() - started
        measured += len(page_mix)
        if number == 0:
            answers = [
                {"path": query.path(), "total": result.total, "facets": result.facet_counts}
                for query, result in zip(page_mix, results, strict=True)
            ]
        for query in page_mix:
            page_work(opened, query)
        for query in partial_mix:
            page_work(opened, query)
    return cpu, measured, answers


def parts(path: Path, queries: Sequence[BenchQuery]) -> dict[str, float | int | None]:
    """One search call's parts, per query, on a fresh engine, each distinct query once (a
    repeat would find its counts cached). Facet counting is also given for the searches with
    ``LARGE_HITS`` hits or more, the ones issue 12's 2 ms target names (None if there are
    none, as in a small catalog)."""
    timer = Timer()
    fresh = open_engine(path, timer)
    distinct = list({query.path(): query for query in queries}.values())
    large: list[float] = []
    started = time.process_time()
    for query in distinct:
        counting_before = timer.seconds.get("facet_counts", 0.0)
        result = fresh.search(engine_query(query, limit=PER_PAGE, facets=True))
        if result.total >= LARGE_HITS:
            large.append(timer.seconds.get("facet_counts", 0.0) - counting_before)
    searches_ms = (time.process_time() - started) * 1000 / len(distinct)
    facets_ms = timer.seconds.get("facet_counts", 0.0) * 1000 / len(distinct)
    documents_ms = timer.seconds.get("documents_and_snippets", 0.0) * 1000 / len(distinct)
    return {
        "searches": len(distinct),
        "search_call_whole": round(searches_ms, 3),
        "facet_counts": round(facets_ms, 3),
        "documents_and_snippets": round(documents_ms, 3),
        "query_and_hits": round(searches_ms - facets_ms - documents_ms, 3),
        "large_hit_searches": len(large),
        "facet_counts_large_hits": round(sum(large) * 1000 / len(large), 3) if large else None,
    }


def serve(index_root: Path, database: Path | None) -> None:
    """Answer the harness line by line (JSON), so that the raw engine runs each query right
    after the server answered it, under the same load: {"op": "run", "queries": [[kind, q,
    [[key, value], ...]], ...]} runs what the page asks of the engine and answers the CPU
    seconds it took, with each query's total and facet counts; {"op": "parts", "queries": ...}
    times the parts; {"op": "quit"} ends."""
    path = index_path(index_root)
    SYNONYMS.clear()
    SYNONYMS.update(load_synonyms(database))
    opened = open_engine(path)
    print(json.dumps({"ready": True, "django_imported": "django" in sys.modules}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        queries = [
            BenchQuery(kind, q, tuple((k, v) for k, v in filters))
            for kind, q, filters in command.get("queries", [])
        ]
        if command["op"] == "quit":
            break
        if command["op"] == "parts":
            reply: dict[str, Any] = parts(path, queries)
        else:
            started = time.process_time()
            results = [page_work(opened, query) for query in queries]
            reply = {
                "cpu": time.process_time() - started,
                "answers": [
                    {"path": q.path(), "total": r.total, "facets": r.facet_counts}
                    for q, r in zip(queries, results, strict=True)
                ],
            }
        print(json.dumps(reply), flush=True)


def measure(
    index_root: Path,
    *,
    queries: int,
    query_seed: int,
    repeat: int,
    warmup_seed: int,
    database: Path | None = None,
) -> dict[str, Any]:
    path = index_path(index_root)
    SYNONYMS.clear()
    SYNONYMS.update(load_synonyms(database))
    rounds = [
        (query_mix(queries, query_seed + 2 * r), query_mix(queries, query_seed + 2 * r + 1))
        for r in range(repeat)
    ]
    warm = query_mix(queries, warmup_seed)
    cpu, measured, answers = run_mixes(open_engine(path), rounds, warm)
    whole_ms = cpu * 1000 / measured

    return {
        "index": str(path),
        "queries_measured": measured,
        "cpu_ms_per_search_page": round(whole_ms, 3),
        # The parts, on a fresh engine (no cached counts) over the measured mixes only.
        "parts_ms_per_query": parts(path, [q for page_mix, _ in rounds for q in page_mix]),
        "django_imported": "django" in sys.modules,
        "answers": answers,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="the index root (with CURRENT)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--query-seed", type=int, default=7)
    parser.add_argument("--warmup-seed", type=int, default=1007)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--database", type=Path, help="the catalog's SQLite file, for its synonym table"
    )
    parser.add_argument(
        "--serve", action="store_true", help="answer the harness's commands on stdin (JSON lines)"
    )
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.index, args.database)
        return 0
    figures = measure(
        args.index,
        queries=args.queries,
        query_seed=args.query_seed,
        repeat=args.repeat,
        warmup_seed=args.warmup_seed,
        database=args.database,
    )
    json.dump(figures, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
