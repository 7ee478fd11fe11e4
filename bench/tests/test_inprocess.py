"""The in-process split of a search page's own work (bench/inprocess.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from bench import inprocess
from bench.queries import BenchQuery
from socialmission.library import engine
from socialmission.library.tests.factories import ResourceFactory


@pytest.fixture
def keep_the_test_connection() -> Iterator[None]:
    """Django's handler closes the database connection when a request ends; inside a test that
    is the test's own transaction (PostgreSQL then answers "the connection is closed"). Django's
    test client holds these signals back the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_the_test_connection")
def test_the_replayed_passes_never_reach_the_engine() -> None:
    ResourceFactory(title="Rural track one", domains=["community-engagement"])
    ResourceFactory(title="Rural track two", domains=["students-faculty"])
    ResourceFactory(title="Urban clinic", domains=["students-faculty"])
    mix = [
        BenchQuery("rare", "rural", ()),
        BenchQuery("browse", "", (("domain", "students-faculty"),)),
        # No hits, with a filter: the spelling suggestion and the counts without filters.
        BenchQuery("rare", "rurl", (("domain", "community-engagement"),)),
    ]
    call = inprocess.page_caller("testserver")
    assert b"track one" in call("/search/?q=rural")  # the title, "rural" highlighted

    result = inprocess.measure(call, [mix], [BenchQuery("rare", "clinic", ())], flush_bytes=1 << 16)

    assert result["pages"] == 3
    first = result["first_visits"]
    # Every page searched at least once, and the no-hit page more than once.
    assert first["engine_searches"] >= 4
    assert result["engine_searches_while_replaying"] == 0
    assert first["own_work_ms"] == pytest.approx(first["page_ms"] - first["engine_ms"], abs=0.002)
    assert result["replayed_cache_emptied"]["flush_mb"] == 0  # 64 KB: under a megabyte
    # Each kind of query apart: its pages, and both passes' own work.
    by_kind = result["by_kind"]
    assert {kind: figures["pages"] for kind, figures in by_kind.items()} == {"rare": 2, "browse": 1}
    assert all(
        figures["first_visits_own_work_ms"] > 0 and figures["replayed_own_work_ms"] > 0
        for figures in by_kind.values()
    )
    # The kinds add up to the whole (each figure rounded to a microsecond).
    assert sum(
        figures["first_visits_own_work_ms"] * figures["pages"] for figures in by_kind.values()
    ) == pytest.approx(first["own_work_ms"] * result["pages"], abs=0.01)
    # The meter leaves the engine as it found it.
    assert engine.SearchEngine.search.__qualname__ == "SearchEngine.search"


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_the_test_connection")
def test_a_page_that_fails_is_an_error_not_a_figure() -> None:
    call = inprocess.page_caller("testserver")
    with pytest.raises(RuntimeError, match="404"):
        call("/no-such-page/")


def test_without_a_catalog_it_says_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert inprocess.main(["--n", "10", "--data-dir", str(tmp_path)]) == 2
    assert "make bench N=10" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_the_test_connection")
def test_the_smallest_page_is_robots_txt_through_the_whole_handler() -> None:
    real = inprocess.page_caller("testserver")
    asked: list[str] = []

    def call(path: str) -> bytes:
        asked.append(path)
        return real(path)

    figure = inprocess.smallest_page(call, requests=20)

    assert asked == ["/robots.txt"] * 40  # 20 unmeasured, then 20 measured
    assert real("/robots.txt").startswith(b"User-agent: *")
    assert isinstance(figure, float)  # milliseconds of CPU a request, rounded to a microsecond


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_the_test_connection")
def test_three_ways_to_answer_a_search_from_the_least_to_the_whole_page() -> None:
    ResourceFactory(title="Rural track one", domains=["community-engagement"])
    ResourceFactory(title="Rural track two", domains=["students-faculty"])
    real = inprocess.page_caller("testserver")
    asked: list[str] = []

    def call(path: str) -> bytes:
        asked.append(path.partition("?")[0])
        return real(path)

    rural = BenchQuery("rare", "rural", ())
    browse = BenchQuery("browse", "", (("domain", "students-faculty"),))
    # Two rounds: each way gets the mix at its place, round after round.
    mixes = [[rural], [rural, browse], [browse], [browse], [rural], [rural, browse, rural]]

    result = inprocess.without_the_page(call, mixes)

    assert list(result) == list(inprocess.WAYS)
    assert {name: figures["pages"] for name, figures in result.items()} == {
        "search_alone": 2,  # mixes 1 and 4
        "total_only": 3,  # mixes 2 and 5
        "page": 4,  # mixes 3 and 6
    }
    # search() alone never went through Django's handler; the other two did, in turn.
    assert asked == [
        "/bench-total-only/",
        "/bench-total-only/",
        "/search/",
        "/bench-total-only/",
        "/search/",
        "/search/",
        "/search/",
    ]
    for figures in result.values():
        assert figures["engine_ms"] > 0
        assert figures["ratio_to_engine"] == pytest.approx(
            (figures["engine_ms"] + figures["own_work_ms"]) / figures["engine_ms"], rel=0.01
        )
    # The site's URLs are back afterwards: the search page answers, the bench's view is gone.
    assert real("/search/?q=rural").count(b"Rural") >= 2
    with pytest.raises(RuntimeError, match="404"):
        real("/bench-total-only/?q=rural")


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_the_test_connection")
def test_the_total_only_view_answers_the_search_pages_total() -> None:
    from django.test.utils import override_settings

    ResourceFactory(title="Rural track one", domains=["community-engagement"])
    ResourceFactory(title="Rural track two", domains=["students-faculty"])
    ResourceFactory(title="Urban clinic", domains=["students-faculty"])
    call = inprocess.page_caller("testserver")
    with override_settings(ROOT_URLCONF="bench.floor_urls"):
        assert call("/bench-total-only/?q=rural") == b"2\n"
        assert call("/bench-total-only/?domain=students-faculty") == b"2\n"
        assert call("/bench-total-only/?q=rural&domain=students-faculty") == b"1\n"


def test_without_the_page_wants_one_mix_per_way_and_round() -> None:
    rural = [BenchQuery("rare", "rural", ())]
    with pytest.raises(ValueError, match="multiple of 3"):
        inprocess.without_the_page(lambda path: b"", [rural] * 2)
    with pytest.raises(ValueError, match="none empty"):
        inprocess.without_the_page(lambda path: b"", [rural, [], rural])
