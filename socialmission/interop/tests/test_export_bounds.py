"""Bounds on the work a stranger's download can cause (issue 10, finding 4).

The whole library comes from pre-built files that background work rebuilds when the library
changes; a search export holds at most a capped number of records; downloads count against a
per-address rate limit.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import rispy
from django.core.management import call_command
from django.http import FileResponse
from django.template.loader import render_to_string
from django.test import Client

from socialmission.core import schedule, sections
from socialmission.guides.tests.factories import guide_with
from socialmission.interop import dumps, exports
from socialmission.interop.tasks import build_library_dumps
from socialmission.interop.tests.builders import make_resource
from socialmission.library.models import Resource
from socialmission.library.search import SearchParams

pytestmark = [pytest.mark.django_db, pytest.mark.urls("socialmission.interop.tests.urls")]

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}}


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def dummy_backend() -> Any:
    return build_library_dumps.get_backend()


def queued() -> list[Any]:
    return list(dummy_backend().results)


@pytest.fixture
def no_inline_tasks(settings: Any) -> None:
    """Queued tasks wait (as with the production queue) instead of running in the request."""
    settings.TASKS = DUMMY_TASKS
    dummy_backend().clear()


def forbid_building(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From here on, any attempt to compute an export is recorded (and fails)."""
    calls: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        calls.append("built")
        raise AssertionError("an export was computed")

    monkeypatch.setattr(dumps, "write_files", refuse)
    monkeypatch.setattr(dumps, "export_chunks", refuse)
    monkeypatch.setattr(exports, "export_chunks", refuse)
    monkeypatch.setattr(exports.formats, "render", refuse)
    monkeypatch.setattr(exports.citations, "format_citation_text", refuse)
    monkeypatch.setattr(exports.citations, "format_citation", refuse)
    return calls


def titles_in_ris(data: bytes) -> list[str]:
    return [entry["title"] for entry in rispy.loads(data.decode())]


# --- The whole library: pre-built files ---------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "media_type", "disposition"),
    [
        (
            "ris",
            "application/x-research-info-systems",
            'attachment; filename="social-mission-library.ris"',
        ),
        ("bibtex", "application/x-bibtex", 'attachment; filename="social-mission-library.bib"'),
        (
            "csljson",
            "application/vnd.citationstyles.csl+json",
            'attachment; filename="social-mission-library.json"',
        ),
        ("csv", "text/csv", 'attachment; filename="social-mission-library.csv"'),
        ("ama", "text/plain", 'attachment; filename="social-mission-library.txt"'),
        ("vancouver-html", "text/html", 'inline; filename="social-mission-library.html"'),
    ],
)
def test_library_export_is_the_prebuilt_file_and_never_computed_in_the_request(
    client: Client,
    no_inline_tasks: None,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
    fmt: str,
    media_type: str,
    disposition: str,
) -> None:
    for n in range(3):
        make_resource(title=f"Prebuilt {n}", doi=f"10.5555/pre.{n}", pmid="")
    assert dumps.build().built
    on_disk = (dumps.dump_dir() / dumps.file_name(fmt)).read_bytes()
    attempts = forbid_building(monkeypatch)

    # A handful of queries (the change check), whatever the size of the library.
    with django_assert_max_num_queries(4):
        response = client.get(f"/library/export/{fmt}/")

    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert body(response) == on_disk
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response["Content-Disposition"] == disposition
    assert response["ETag"] and response["Last-Modified"]
    assert attempts == [] and queued() == []
    # The client's copy is still good: 304, no body.
    again = client.get(f"/library/export/{fmt}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_before_the_first_build_the_page_says_it_is_being_prepared(
    client: Client, no_inline_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_resource(title="Waiting for the first build")
    attempts = forbid_building(monkeypatch)

    response = client.get("/library/export/bibtex/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "being prepared" in response.content.decode()
    assert attempts == []
    # One rebuild is queued for a worker, and asking again does not queue another.
    assert [r.task.name for r in queued()] == ["build_library_dumps"]
    assert client.get("/library/export/ris/").status_code == 503
    assert len(queued()) == 1


def test_a_change_queues_a_rebuild_and_the_last_files_are_served_meanwhile(
    client: Client, no_inline_tasks: None
) -> None:
    make_resource(title="Already there", doi="10.5555/old", pmid="")
    assert dumps.build().built
    make_resource(title="Published since", doi="10.5555/new", pmid="")

    stale = client.get("/library/export/ris/")
    assert stale.status_code == 200
    assert titles_in_ris(body(stale)) == ["Already there"]
    assert len(queued()) == 1

    # The worker runs the queued task: the files now hold the change.
    assert build_library_dumps.call() == "built"
    fresh = client.get("/library/export/ris/")
    assert titles_in_ris(body(fresh)) == ["Already there", "Published since"]
    assert dumps.read_manifest().count == 2  # type: ignore[union-attr]
    # Up to date: nothing more is queued, and running the task again builds nothing.
    assert len(queued()) == 1
    assert build_library_dumps.call() == "unchanged"


@pytest.mark.parametrize(
    "change",
    ["withdraw", "edit", "delete", "bulk-unpublish"],
)
def test_every_kind_of_change_makes_the_files_out_of_date(change: str) -> None:
    kept = make_resource(title="Kept", doi="10.5555/kept", pmid="")
    other = make_resource(title="Other", doi="10.5555/other", pmid="")
    assert dumps.build().built
    assert dumps.is_current(dumps.read_manifest())
    if change == "withdraw":
        other.status = Resource.Status.WITHDRAWN
        other.save()
    elif change == "edit":
        kept.title = "Kept, renamed"
        kept.save()
    elif change == "delete":
        other.delete()
    else:
        Resource.objects.filter(pk=other.pk).update(status=Resource.Status.DRAFT)
    assert not dumps.is_current(dumps.read_manifest())


def test_dump_site_rebuilds_only_when_the_library_changed(capsys: Any) -> None:
    make_resource(title="First", doi="10.5555/first", pmid="")
    call_command("dump", "--site")
    assert "Built the downloads of 1 published resources" in capsys.readouterr().out
    built_at = dumps.read_manifest().built_at  # type: ignore[union-attr]
    call_command("dump", "--site")
    assert "up to date" in capsys.readouterr().out
    assert dumps.read_manifest().built_at == built_at  # type: ignore[union-attr]
    make_resource(title="Second", doi="10.5555/second", pmid="")
    call_command("dump", "--site")
    assert "Built the downloads of 2 published resources" in capsys.readouterr().out
    folder = dumps.dump_dir()
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(
        [dumps.MANIFEST, *(dumps.file_name(key) for key in exports.EXPORTS)]
    )
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert titles_in_ris((folder / "library.ris").read_bytes()) == ["First", "Second"]


def test_the_scheduler_runs_the_site_dump() -> None:
    job = next(job for job in schedule.jobs() if job.name == "library_dumps")
    assert (job.command, job.args) == ("dump", ("--site",))


def test_an_interrupted_build_keeps_the_old_files(monkeypatch: pytest.MonkeyPatch) -> None:
    make_resource(title="Safe", doi="10.5555/safe", pmid="")
    assert dumps.build().built
    before = {p.name: p.read_bytes() for p in dumps.dump_dir().iterdir()}
    make_resource(title="Lost", doi="10.5555/lost", pmid="")

    def broken(records: Any, key: str) -> Any:
        yield "partial"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dumps, "export_chunks", broken)
    with pytest.raises(OSError):
        dumps.build()
    after = {p.name: p.read_bytes() for p in dumps.dump_dir().iterdir()}
    assert after == before


def test_a_second_builder_waits_for_none(tmp_path: Path) -> None:
    make_resource(title="Once")
    folder = dumps.dump_dir()
    folder.mkdir(parents=True)
    with dumps._exclusive(folder) as mine:
        assert mine
        assert dumps.build().reason == "busy"
    assert dumps.build().reason == "built"


def test_home_page_section_says_how_many_and_when() -> None:
    make_resource(title="Counted")
    make_resource(title="Counted too")
    before = render_to_string("interop/library_exports.html")
    assert "resources, as of" not in before
    assert "being prepared" in before
    dumps.build()
    after = render_to_string("interop/library_exports.html")
    assert "2 resources, as of" in after
    assert "being prepared" not in after


# --- Search exports: capped ------------------------------------------------------------------


def test_a_search_over_the_cap_gets_a_page_that_points_to_the_whole_library(
    client: Client, settings: Any
) -> None:
    settings.EXPORT_SEARCH_MAX_RECORDS = 3
    settings.EXPORT_SEARCH_MAX_CITATIONS = 2
    for n in range(4):
        make_resource(title=f"Capped rural study {n}", doi=f"10.5555/cap.{n}", pmid="")

    over = client.get("/search/export/ris/?q=rural")
    assert over.status_code == 422
    text = over.content.decode()
    assert "Too many results to export" in text
    assert "at most 3 results" in text
    assert 'href="/library/export/ris/"' in text
    assert 'href="/search/?q=rural"' in text

    fourth = Resource.objects.get(title__endswith="3")
    fourth.status = Resource.Status.DRAFT
    fourth.save()
    at_cap = client.get("/search/export/ris/?q=rural")
    assert at_cap.status_code == 200
    assert len(rispy.loads(body(at_cap).decode())) == 3
    # The citation styles have their own, lower cap.
    apa = client.get("/search/export/apa/?q=rural")
    assert apa.status_code == 422
    assert "at most 2 results" in apa.content.decode()


def test_the_search_page_offers_only_the_exports_within_the_cap(settings: Any) -> None:
    settings.EXPORT_SEARCH_MAX_RECORDS = 50
    settings.EXPORT_SEARCH_MAX_CITATIONS = 10
    params = SearchParams.from_query({"q": "rural"})

    def links(total: int) -> str:
        return sections.render_slot(
            "search.before_results",
            None,
            {"params": params, "results": SimpleNamespace(total=total)},
        )

    small = links(10)
    assert 'href="/search/export/apa/?q=rural"' in small
    assert "at most" not in small
    middle = links(11)
    assert 'href="/search/export/ris/?q=rural"' in middle
    assert "/search/export/apa/" not in middle
    assert "at most 50 results, or 10 as formatted references" in middle
    assert "#library-export-heading" in middle
    large = links(51)
    assert "/search/export/" not in large
    assert "at most 50 results" in large


# --- Rate limit ----------------------------------------------------------------------------------


def test_downloads_are_rate_limited_per_address(client: Client, settings: Any) -> None:
    settings.EXPORTS_RATE_LIMIT = 3
    settings.EXPORTS_RATE_WINDOW = 600
    make_resource(title="Limited rural study")
    assert client.get("/search/export/ris/?q=rural").status_code == 200
    assert client.get("/library/export/csv/").status_code == 200
    assert client.get("/search/export/bibtex/").status_code == 200

    refused = client.get("/library/export/ris/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "Too many downloads" in refused.content.decode()
    assert client.get("/search/export/ris/?q=rural").status_code == 429
    guide = guide_with([Resource.objects.get()], slug="limited")
    assert client.get(f"/guides/{guide.slug}/export/ris/").status_code == 429
    # Another address has its own allowance.
    assert client.get("/search/export/ris/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_while_a_build_runs_downloads_do_not_queue_a_task_each(
    client: Client, no_inline_tasks: None
) -> None:
    make_resource(title="Before", doi="10.5555/before", pmid="")
    assert dumps.build().built
    make_resource(title="After", doi="10.5555/after", pmid="")
    folder = dumps.dump_dir()
    with dumps._exclusive(folder):  # a long build under way elsewhere
        assert client.get("/library/export/ris/").status_code == 200
        assert len(queued()) == 1
        assert build_library_dumps.call() == "busy"
        assert client.get("/library/export/ris/").status_code == 200
        assert len(queued()) == 1
    assert build_library_dumps.call() == "built"
    assert titles_in_ris(body(client.get("/library/export/ris/"))) == ["Before", "After"]
