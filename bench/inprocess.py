"""The search page's own work, measured in one process without gunicorn (issue 12).

`make bench` splits a page's CPU into the raw engine's, the server's floor and the page's own
work. This asks why the own work is what it is, with the engine's answers replayed:

- **first visits**: pages of fresh query mixes through Django's WSGI handler; the CPU inside
  ``SearchEngine.search`` (pool threads included) is taken from the page's, the rest is the
  page's own work;
- **replayed**: the same pages again with each engine answer replayed from the first pass, so
  the engine costs nothing: the page's Python alone;
- **replayed, cache emptied**: the same, with ``--flush-mb`` of memory read between pages
  (not counted), as a search's reads of postings, columns and stored documents would.

If the first and the last agree while the middle is lower, the page's Python costs more after a
search because the search pushed it out of the CPU's cache. The first two are also given for
each kind of query (which searches leave the page the colder cache), and the smallest page
(``/robots.txt``) is timed through the same handler: Django's share of what ``make bench`` calls
the server's floor, the rest of which is gunicorn's. Last, the same kind of search is answered
three ways, from the least to the whole page (``without_the_page``): ``library.search.search()``
alone, a view that answers only its total, and the search page, each with the ratio to the
engine that its own work alone leaves. docs/performance.md ("Why the ratio is not met,
measured", and the fifth and seventh passes) has the figures.

    python -m bench.inprocess --n 100000   # the catalog make bench generated
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from bench import generate
from bench.queries import BenchQuery, query_mix

# Query seeds of their own (make bench uses 7 and up, its warm-up 1007).
SEEDS = (101, 103, 105)
WARM_SEED = 99
# What make bench calls the server's floor is this page through gunicorn.
SMALLEST_PAGE = "/robots.txt"
# The mixes of ``without_the_page``: round r, way i takes seed BARE_SEED + len(WAYS) * r + i.
BARE_SEED = 201
BARE_ROUNDS = 3
# The ways ``without_the_page`` answers a search, from the least to the whole page, each with
# the words ``main`` prints it under.
WAYS = {
    "search_alone": "search() alone, no handler, no template",
    "total_only": "a view answering the total alone",
    "page": "the search page",
}


class EngineMeter:
    """CPU spent inside ``SearchEngine.search`` (every thread of the process: the pool counts
    facets on threads of its own), and, when ``replay`` is on, answers given back from the
    ones recorded instead of searching again."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.searches = 0  # calls that reached the engine
        self.replay = False
        self._answers: dict[str, Any] = {}

    @contextlib.contextmanager
    def installed(self) -> Iterator[EngineMeter]:
        from socialmission.library import engine

        search = engine.SearchEngine.search
        meter = self

        def measured(self: Any, q: Any) -> Any:
            key = repr(q)
            if meter.replay and key in meter._answers:
                return meter._answers[key]
            started = time.process_time()
            try:
                answer = search(self, q)
            finally:
                meter.seconds += time.process_time() - started
                meter.searches += 1
            meter._answers[key] = answer
            return answer

        engine.SearchEngine.search = measured  # type: ignore[method-assign]
        try:
            yield self
        finally:
            engine.SearchEngine.search = search  # type: ignore[method-assign]


def page_caller(host: str) -> Callable[[str], bytes]:
    """GET a path through Django's WSGI handler (middleware and all) and return the body."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.client import RequestFactory

    handler = WSGIHandler()
    factory = RequestFactory()

    def call(path: str) -> bytes:
        environ = factory.get(path, HTTP_HOST=host).environ
        statuses: list[str] = []

        def start_response(status: str, headers: Any, *exc_info: Any) -> Callable[[bytes], Any]:
            statuses.append(status)
            return lambda data: None

        body = handler(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        if not statuses or not statuses[0].startswith("200"):
            raise RuntimeError(f"{path} answered {statuses[:1]}")
        return content

    return call


def _flush(buffer: bytearray) -> int:
    # One byte of every 64-byte line: the whole buffer passes through the cache.
    return sum(memoryview(buffer)[::64])


def measure(
    call: Callable[[str], bytes],
    mixes: Sequence[Sequence[BenchQuery]],
    warm: Sequence[BenchQuery],
    *,
    flush_bytes: int,
) -> dict[str, Any]:
    """The three passes over ``mixes`` (each mix's pages are first visits in the first pass);
    milliseconds of CPU per page."""
    queries = [query for mix in mixes for query in mix]
    paths = [query.path() for query in queries]
    buffer = bytearray(os.urandom(flush_bytes)) if flush_bytes else bytearray()
    meter = EngineMeter()
    # Per kind of query: [pages, own work after a real search, own work replayed] (seconds).
    kinds: dict[str, list[float]] = {query.kind: [0, 0.0, 0.0] for query in queries}

    def cpu_of(path: str) -> float:
        started = time.process_time()
        call(path)
        return time.process_time() - started

    with meter.installed():
        for query in warm:
            call(query.path())
        meter.seconds, meter.searches = 0.0, 0
        first = 0.0
        for query, path in zip(queries, paths, strict=True):
            engine_before = meter.seconds
            page = cpu_of(path)
            first += page
            kinds[query.kind][0] += 1
            kinds[query.kind][1] += page - (meter.seconds - engine_before)
        engine_seconds, searches = meter.seconds, meter.searches

        meter.replay = True
        meter.seconds, meter.searches = 0.0, 0
        replayed = 0.0
        for query, path in zip(queries, paths, strict=True):
            page = cpu_of(path)
            replayed += page
            kinds[query.kind][2] += page

        flushed = 0.0
        for path in paths:
            _flush(buffer)
            flushed += cpu_of(path)
        searches_replaying = meter.searches

    def per_page(seconds: float) -> float:
        return round(seconds * 1000 / len(paths), 3)

    return {
        "pages": len(paths),
        "first_visits": {
            "page_ms": per_page(first),
            "engine_ms": per_page(engine_seconds),
            "own_work_ms": per_page(first - engine_seconds),
            "engine_searches": searches,
        },
        "replayed": {"own_work_ms": per_page(replayed)},
        "replayed_cache_emptied": {"own_work_ms": per_page(flushed), "flush_mb": flush_bytes >> 20},
        # Replayed passes must not reach the engine (the searches of the spelling suggestion
        # and the counts without filters are replayed too).
        "engine_searches_while_replaying": searches_replaying,
        "by_kind": {
            kind: {
                "pages": int(pages),
                "first_visits_own_work_ms": round(own * 1000 / pages, 3),
                "replayed_own_work_ms": round(again * 1000 / pages, 3),
            }
            for kind, (pages, own, again) in kinds.items()
        },
    }


def without_the_page(
    call: Callable[[str], bytes], mixes: Sequence[Sequence[BenchQuery]]
) -> dict[str, dict[str, float]]:
    """How much of a search page's own work is not the page: first visits of three ways to
    answer a search, taking ``mixes`` in turn (``WAYS`` in order, round after round, so a change
    in the machine's load falls on all three alike; each mix is sent once):

    - ``search_alone``: ``library.search.search()`` called directly (the query parsed, the
      engine's query built, the result objects and facet lists made), with no Django handler,
      middleware or template;
    - ``total_only``: a view that runs that search and answers its total alone
      (``bench.floor_urls``), through Django's handler and every middleware;
    - ``page``: the search page.

    For each, ms of CPU a page: the engine's, the rest (own work), and (engine + own work) /
    engine: the ratio to the engine that this much alone leaves, before any HTTP server's work.
    """
    from django.http import QueryDict
    from django.test.utils import override_settings

    from bench.floor_urls import TOTAL_ONLY
    from socialmission.library.search import SearchParams, search

    if not mixes or len(mixes) % len(WAYS) or not all(mixes):
        raise ValueError(f"one mix per way and round, none empty: a multiple of {len(WAYS)}")

    def search_alone(path: str) -> bytes:
        return str(
            search(SearchParams.from_query(QueryDict(path.partition("?")[2]))).total
        ).encode()

    ways: dict[str, tuple[Callable[[str], bytes], str]] = {
        "search_alone": (search_alone, "/search/"),
        "total_only": (call, TOTAL_ONLY),
        "page": (call, "/search/"),
    }
    # Per way: pages, CPU seconds of the whole, of the engine within it.
    spent = {name: [0, 0.0, 0.0] for name in WAYS}
    names = list(WAYS)
    meter = EngineMeter()
    with meter.installed(), override_settings(ROOT_URLCONF="bench.floor_urls"):
        for index, mix in enumerate(mixes):
            name = names[index % len(names)]
            answer, base = ways[name]
            for query in mix:
                engine_before = meter.seconds
                started = time.process_time()
                answer(query.path(base))
                figures = spent[name]
                figures[0] += 1
                figures[1] += time.process_time() - started
                figures[2] += meter.seconds - engine_before
    result = {}
    for name, (pages, whole, engine_seconds) in spent.items():
        own = whole - engine_seconds
        result[name] = {
            "pages": pages,
            "engine_ms": round(engine_seconds * 1000 / pages, 3),
            "own_work_ms": round(own * 1000 / pages, 3),
            "ratio_to_engine": round(whole / engine_seconds, 3) if engine_seconds else 0.0,
        }
    return result


def smallest_page(call: Callable[[str], bytes], requests: int = 2000) -> float:
    """Milliseconds of CPU a ``/robots.txt`` request costs through ``call`` (Django's handler,
    every middleware and a view that does next to nothing), after a few unmeasured ones."""
    for _ in range(min(requests, 100)):
        call(SMALLEST_PAGE)
    started = time.process_time()
    for _ in range(requests):
        call(SMALLEST_PAGE)
    return round((time.process_time() - started) * 1000 / requests, 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--data-dir", type=Path, help="default var/bench/<n>-seed<seed>")
    parser.add_argument("--queries", type=int, default=200, help="pages per mix (three mixes)")
    parser.add_argument("--flush-mb", type=int, default=32)
    args = parser.parse_args(argv)

    from bench import run

    data_dir = args.data_dir or generate.default_data_dir(args.n, args.seed)
    if not (data_dir / generate.MARKER).exists():
        print(f"No bench catalog in {data_dir}: run make bench N={args.n} first.", file=sys.stderr)
        return 2
    os.environ.update(run.bench_env(data_dir))
    import django

    django.setup()
    call = page_caller(run.HOST)
    result = measure(
        call,
        [query_mix(args.queries, seed) for seed in SEEDS],
        query_mix(args.queries, WARM_SEED),
        flush_bytes=args.flush_mb << 20,
    )
    floor = smallest_page(call)
    bare = without_the_page(
        call,
        [
            query_mix(args.queries, BARE_SEED + len(WAYS) * r + i)
            for r in range(BARE_ROUNDS)
            for i in range(len(WAYS))
        ],
    )
    first = result["first_visits"]
    print(f"{result['pages']} search pages of {data_dir.name}, in one process, ms of CPU a page:")
    print(
        f"  first visits: {first['page_ms']} (engine {first['engine_ms']}, "
        f"own work {first['own_work_ms']})"
    )
    print(f"  replayed engine answers: own work {result['replayed']['own_work_ms']}")
    print(
        f"  replayed, {args.flush_mb} MB read between pages: own work "
        f"{result['replayed_cache_emptied']['own_work_ms']}"
    )
    print("  by kind, own work after a real search / replayed:")
    for kind, figures in sorted(result["by_kind"].items()):
        after, again = figures["first_visits_own_work_ms"], figures["replayed_own_work_ms"]
        print(f"    {kind}: {after} / {again} ({figures['pages']} pages)")
    print(f"{SMALLEST_PAGE} in the same process (Django's handler and middleware): {floor} ms")
    print("Without the page (first visits, mixes of their own, alternating), ms of CPU a page:")
    for name, label in WAYS.items():
        figures = bare[name]
        print(
            f"  {label}: own work {figures['own_work_ms']} (engine {figures['engine_ms']}):"
            f" {figures['ratio_to_engine']:.2f}x the engine before the HTTP server's work"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
