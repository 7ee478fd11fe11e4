"""When the index cannot be written or is damaged, pages keep answering from the last good
index, the health check says so, and a rebuild happens only on proof of damage, in the
background, at most once per interval."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from socialmission.library import engine as engine_module
from socialmission.library import indexing
from socialmission.library.search import SearchParams, search
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def titles(q: str) -> list[str]:
    return [item.title for item in search(SearchParams(q=q)).items]


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts full rebuilds; background work runs at once so the test sees its effect."""
    calls: list[str] = []
    real = indexing._rebuild_locked

    def counting(root: Path, **kwargs: Any) -> Any:
        calls.append(str(root))
        return real(root, **kwargs)

    monkeypatch.setattr(indexing, "_rebuild_locked", counting)
    monkeypatch.setattr(indexing, "run_in_background", lambda work: work())
    return calls


def failing_writes(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(engine_module.SearchEngine, "writer", refuse)


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EROFS, "Read-only file system"),
        ValueError("tantivy: an IO error occurred"),
    ],
    ids=["disk-full", "read-only", "tantivy-value-error"],
)
def test_pages_answer_from_the_last_good_index_when_changes_cannot_be_written(
    client: Client, monkeypatch: pytest.MonkeyPatch, rebuilds: list[str], error: Exception
) -> None:
    ResourceFactory(title="Already indexed")
    assert titles("indexed") == ["Already indexed"]
    rebuilds.clear()
    failing_writes(monkeypatch, error)
    ResourceFactory(title="Pending change")  # its outbox row cannot be applied
    for path in ("/", "/search/?q=indexed", "/api/v1/resources", "/feeds/new.atom"):
        assert client.get(path).status_code == 200, path
    assert "Already" in client.get("/search/?q=indexed").text  # the title, its match marked
    assert titles("pending") == []
    assert rebuilds == [], "a write failure is no reason to rebuild"
    health = client.get("/healthz/").json()
    assert health["status"] == "degraded"
    assert health["search_index"].startswith("applying changes")
    assert health["pending_changes"] >= 1
    assert "degraded_since" in health


def test_applying_is_retried_later_not_on_every_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ResourceFactory(title="Already indexed")
    titles("indexed")
    attempts: list[int] = []
    real_sync = indexing.sync

    def counting_sync(**kwargs: Any) -> int:
        attempts.append(1)
        return real_sync(**kwargs)

    monkeypatch.setattr(indexing, "sync", counting_sync)
    failing_writes(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    ResourceFactory(title="Waiting resource")
    attempts.clear()
    for _ in range(5):
        titles("indexed")
    assert len(attempts) == 1  # then it waits RETRY_SECONDS
    # The disk has room again and the retry time has come: the change is applied.
    monkeypatch.undo()
    indexing._health.retry_at = 0
    assert titles("waiting") == ["Waiting resource"]
    assert indexing.health().ok


def truncate_a_segment_file(root: Path, *, copy: bool = False) -> Path:
    """Truncate the largest store file of the current generation (or of a copy of it, made the
    current one, so that an engine already open keeps its own files intact)."""
    generation = root / (root / "CURRENT").read_text().strip()
    if copy:
        damaged = root / f"{generation.name}-copy"
        shutil.copytree(generation, damaged)
        (root / "CURRENT").write_text(damaged.name + "\n")
        generation = damaged
    victim = max(generation.glob("*.store"), key=lambda f: f.stat().st_size)
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    return generation


def test_damaged_files_finds_a_truncated_segment_and_passes_a_sound_index() -> None:
    ResourceFactory(title="Survivor")
    titles("survivor")
    root = Path(settings.SEARCH_INDEX_DIR)
    generation = root / (root / "CURRENT").read_text().strip()
    assert engine_module.damaged_files(generation) == []
    # A copy is damaged: the files this process has mapped stay whole (a truncated mapped file
    # kills the process that reads it with SIGBUS, here the test worker itself).
    generation = truncate_a_segment_file(root, copy=True)
    damaged = engine_module.damaged_files(generation)
    assert len(damaged) == 1 and damaged[0].endswith(".store")


def test_a_damaged_index_is_rebuilt_once_in_the_background_while_the_old_one_serves(
    rebuilds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ResourceFactory(title="Survivor")
    assert titles("survivor") == ["Survivor"]
    root = Path(settings.SEARCH_INDEX_DIR)
    rebuilds.clear()
    deferred: list[Callable[[], None]] = []
    monkeypatch.setattr(indexing, "run_in_background", deferred.append)
    # Another process switched CURRENT to a generation that turns out to be damaged.
    damaged = truncate_a_segment_file(root, copy=True)
    for _ in range(3):
        assert titles("survivor") == ["Survivor"]  # still served, from the engine it had
    assert len(deferred) == 1, "one background rebuild per interval"
    assert rebuilds == []  # nothing rebuilt inside the requests
    deferred[0]()
    assert len(rebuilds) == 1
    assert (root / "CURRENT").read_text().strip() != damaged.name
    assert titles("survivor") == ["Survivor"]


def test_a_fresh_process_rebuilds_a_damaged_index_instead_of_crashing(rebuilds: list[str]) -> None:
    ResourceFactory(title="Survivor")
    titles("survivor")
    root = Path(settings.SEARCH_INDEX_DIR)
    # The damaged generation is a copy made CURRENT: what this test process already mapped
    # stays whole, as it would in the other processes of a real site (see the test above).
    damaged = truncate_a_segment_file(root, copy=True)
    indexing.reset_for_tests()  # a new worker: nothing to serve meanwhile
    rebuilds.clear()
    assert titles("survivor") == ["Survivor"]
    assert len(rebuilds) == 1
    assert (root / "CURRENT").read_text().strip() != damaged.name


def test_a_tantivy_error_on_open_is_not_taken_for_damage(
    rebuilds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ResourceFactory(title="Survivor")
    titles("survivor")
    rebuilds.clear()
    real_init = engine_module.SearchEngine.__init__

    def refuse(self: Any, path: Path) -> None:
        raise ValueError("tantivy: too many open files")

    monkeypatch.setattr(engine_module.SearchEngine, "__init__", refuse)
    indexing._state.generation = "an-older-one"
    assert titles("survivor") == ["Survivor"]  # the engine this process had
    assert rebuilds == []
    monkeypatch.setattr(engine_module.SearchEngine, "__init__", real_init)


def test_health_check_says_ok_when_all_is_well(client: Client) -> None:
    ResourceFactory(title="Survivor")
    titles("survivor")
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "search_index": "ok",
        "pending_changes": 0,
    }
    assert response["Cache-Control"] == "no-store"


def test_an_engine_failure_during_a_search_is_a_503_page_and_no_rebuild_in_the_request(
    client: Client, rebuilds: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ResourceFactory(title="Survivor")
    titles("survivor")
    rebuilds.clear()

    def fail(self: Any, query: Any) -> Any:
        raise ValueError("tantivy: an internal error")

    monkeypatch.setattr(engine_module.SearchEngine, "search", fail)
    response = client.get("/search/?q=survivor")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Search is unavailable for a moment" in response.text
    assert rebuilds == []  # the files are sound: nothing to rebuild
    assert client.get("/healthz/").json()["search_index"] == "searching: ValueError"
