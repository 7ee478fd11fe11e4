"""The raw-engine floor (bench/raw.py) and the check that pages agree with it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from bench import raw, run
from bench.queries import query_mix
from socialmission.library import engine
from socialmission.library.search import SearchParams, search
from socialmission.library.tests.factories import ResourceFactory


def small_index(root: Path) -> None:
    """An index with a few documents, laid out as indexing.py does (CURRENT → generation)."""
    generation = root / "gen-test"
    generation.mkdir(parents=True)
    opened = engine.SearchEngine(generation)
    writer = opened.writer()
    for number in range(1, 60):
        writer.add_document(
            engine.IndexDocument(
                id=number,
                title=f"Health workforce study {number}",
                description="Community health education " * (number % 4 + 1),
                facets=["type:article", f"domain:{raw.FACET_KEYS[number % 5]}-x"],
                year=2000 + number % 20,
                display={"slug": f"s{number}", "title": f"Study {number}"},
            ).to_tantivy()
        )
    writer.commit()
    writer.wait_merging_threads()
    (root / "CURRENT").write_text("gen-test")


def test_the_raw_engine_runs_the_mix_without_django(tmp_path: Path) -> None:
    small_index(tmp_path / "index")
    done = subprocess.run(
        [sys.executable, "-m", "bench.raw", "--index", str(tmp_path / "index"), "--queries", "20"],
        capture_output=True,
        text=True,
        check=True,
        cwd=run.REPO_ROOT,
    )
    figures = json.loads(done.stdout)
    assert figures["django_imported"] is False
    assert figures["queries_measured"] == 40  # two rounds
    assert figures["cpu_ms_per_search_page"] > 0
    parts = figures["parts_ms_per_query"]
    assert set(parts) == {
        "searches",
        "search_call_whole",
        "facet_counts",
        "documents_and_snippets",
        "query_and_hits",
        "large_hit_searches",
        "facet_counts_large_hits",
    }
    # Each distinct query once (a repeat would find its counts cached).
    assert parts["searches"] == len({q.path() for q in query_mix(20, 7) + query_mix(20, 9)})
    assert parts["large_hit_searches"] == 0  # 59 records: no list of 10,000 hits
    assert parts["facet_counts_large_hits"] is None
    answers = figures["answers"]
    assert [a["path"] for a in answers] == [q.path() for q in query_mix(20, 7)]
    everything = next(a for a in answers if a["path"] == "/search/")  # browse, no filter
    assert everything["total"] == 59
    assert everything["facets"]["type"] == {"article": 59}


def test_engine_query_reads_the_bench_filters() -> None:
    query = next(q for q in query_mix(200, 7) if len(q.filters) == 3)
    built = raw.engine_query(query, limit=20, facets=True)
    for key, value in query.filters:
        if key == "year_from":
            assert built.year_from == int(value)
        else:
            assert built.filters[key] == (value,)
    assert built.facet_keys == raw.FACET_KEYS


@pytest.mark.django_db
def test_page_figures_read_what_the_search_page_shows(client: Client) -> None:
    ResourceFactory(title="Rural track one", domains=["community-engagement"])
    ResourceFactory(title="Rural track two", domains=["community-engagement", "students-faculty"])
    ResourceFactory(title="Urban", domains=["students-faculty"])
    body = client.get("/search/", {"q": "rural", "domain": "students-faculty"}).content.decode()
    shown = run.page_figures(body)
    results = search(SearchParams(q="rural", filters={"domain": ("students-faculty",)}))
    assert shown["total"] == results.total == 1
    expected = {
        f.key: {v.slug: v.count for v in f.values if f'value="{v.slug}"' in body}
        for f in results.facets
    }
    assert shown["facets"] == {k: v for k, v in expected.items() if v}
    # Disjunctive: the selected facet's values count as if it were not selected.
    assert shown["facets"]["domain"]["community-engagement"] == 2
    assert run.page_figures(client.get("/search/", {"q": "zzzz"}).content.decode())["total"] == 0


def test_a_disagreement_is_reported() -> None:
    pages = [{"path": "/a", "total": 3, "facets": {"type": {"article": 3, "report": 0}}}]
    same = [{"path": "/a", "total": 3, "facets": {"type": {"article": 3}}}]
    assert run.compare_with_raw(pages, same)["agree"] is True
    other = [{"path": "/a", "total": 4, "facets": {"type": {"article": 2}}}]
    verdict = run.compare_with_raw(pages, other)
    assert verdict["agree"] is False
    assert len(verdict["mismatches"]) == 2


def test_the_harness_asks_the_raw_engine_query_by_query(tmp_path: Path) -> None:
    small_index(tmp_path / "index")
    raw_engine = run.RawEngine(tmp_path)  # no database: no synonyms
    try:
        assert raw_engine.hello == {"ready": True, "django_imported": False}
        mix = query_mix(20, 7)
        raw_engine.run(mix[:5])  # not measured
        for query in mix:
            raw_engine.measure(query, keep_answer=True)
        assert raw_engine.measured == 20
        assert raw_engine.cpu_seconds > 0
        assert [a["path"] for a in raw_engine.answers] == [q.path() for q in mix]
        assert raw_engine.parts(mix)["search_call_whole"] > 0
    finally:
        raw_engine.close()
    assert raw_engine.process.returncode == 0


def test_the_raw_engine_groups_synonyms_as_the_server_does(tmp_path: Path) -> None:
    # Pairs that share a phrase make one group on the server (the vocabulary cache); the raw
    # floor read them pair by pair, so "under-represented" did not reach "underrepresented
    # minority" and its totals disagreed with the pages' for such words.
    database = tmp_path / "library.sqlite3"
    pairs = [("URM", "underrepresented minority"), ("URM", "under-represented")]
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE library_synonym (term TEXT, equivalent TEXT)")
        db.executemany("INSERT INTO library_synonym VALUES (?, ?)", pairs)
    loaded = raw.load_synonyms(database)
    assert loaded == engine.synonym_groups(pairs)
    assert "underrepresented minority" in loaded[engine.fold("under-represented")]
    assert raw.load_synonyms(tmp_path / "missing.sqlite3") == {}


def test_facet_counting_of_large_hit_lists_is_timed_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_index(tmp_path / "index")
    path = raw.index_path(tmp_path / "index")
    monkeypatch.setattr(raw, "LARGE_HITS", 30)  # "large" in a library of 59
    mix = query_mix(20, 7)
    opened = raw.open_engine(path)
    distinct = {q.path(): q for q in mix}.values()
    large = [
        q
        for q in distinct
        if opened.search(raw.engine_query(q, limit=raw.PER_PAGE, facets=True)).total >= 30
    ]
    assert 0 < len(large) < len(distinct)
    parts = raw.parts(path, mix)
    assert parts["searches"] == len(distinct)
    assert parts["large_hit_searches"] == len(large)
    assert parts["facet_counts_large_hits"] is not None
    assert parts["facet_counts_large_hits"] >= 0
