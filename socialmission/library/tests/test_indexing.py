"""Index consistency: outbox in the same transaction, rebuilds, and several processes at once.

The multi-process tests run real processes (``socialmission shell`` and gunicorn) against a
database of their own: a SQLite file, or a scratch PostgreSQL database when the suite runs on
PostgreSQL.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from socialmission.core.tests.processes import gunicorn, run_code
from socialmission.library import indexing
from socialmission.library.engine import SCHEMA_VERSION
from socialmission.library.models import IndexChange, Resource
from socialmission.library.search import SearchParams, search
from socialmission.library.tests.factories import ResourceFactory


def titles(q: str) -> list[str]:
    return [item.title for item in search(SearchParams(q=q)).items]


@pytest.mark.django_db
def test_outbox_row_is_written_in_the_same_transaction() -> None:
    with transaction.atomic():
        resource = ResourceFactory(title="Rolled back")
        assert IndexChange.objects.filter(resource_id=resource.pk).exists()
        transaction.set_rollback(True)
    assert not IndexChange.objects.filter(resource_id=resource.pk).exists()


@pytest.mark.django_db
def test_changes_are_marked_applied_once_indexed() -> None:
    resource = ResourceFactory(title="Tuning fork")
    assert IndexChange.objects.filter(applied_at__isnull=True).exists()
    assert titles("tuning") == ["Tuning fork"]
    assert not IndexChange.objects.filter(applied_at__isnull=True).exists()
    resource.title = "Tuning curriculum"
    resource.save()
    assert titles("curriculum") == ["Tuning curriculum"]
    resource.delete()
    assert titles("tuning") == []


@pytest.mark.django_db
def test_missing_index_is_rebuilt() -> None:
    ResourceFactory(title="Survivor")
    assert titles("survivor") == ["Survivor"]
    import shutil

    shutil.rmtree(settings.SEARCH_INDEX_DIR)
    indexing.reset_for_tests()
    assert titles("survivor") == ["Survivor"]


@pytest.mark.django_db
def test_corrupt_index_is_rebuilt() -> None:
    ResourceFactory(title="Survivor")
    assert titles("survivor") == ["Survivor"]
    root = Path(settings.SEARCH_INDEX_DIR)
    generation = (root / "CURRENT").read_text()
    (root / generation / "meta.json").write_text("{not json")
    indexing.reset_for_tests()
    assert titles("survivor") == ["Survivor"]
    assert (root / "CURRENT").read_text() != generation


@pytest.mark.django_db
def test_index_of_an_older_schema_is_rebuilt() -> None:
    ResourceFactory(title="Survivor")
    assert titles("survivor") == ["Survivor"]
    root = Path(settings.SEARCH_INDEX_DIR)
    generation = (root / "CURRENT").read_text()
    (root / generation / "VERSION").write_text(str(SCHEMA_VERSION - 1))
    indexing.reset_for_tests()
    assert titles("survivor") == ["Survivor"]
    new_generation = (root / "CURRENT").read_text()
    assert new_generation != generation
    assert not (root / generation).exists()
    assert (root / new_generation / "VERSION").read_text() == str(SCHEMA_VERSION)


@pytest.mark.django_db
def test_reindex_command_rebuilds_from_the_database() -> None:
    ResourceFactory(title="Alpha")
    assert titles("alpha") == ["Alpha"]
    # A change made without signals (as a raw bulk update would) is invisible until a rebuild.
    Resource.objects.update(title="Omega")
    assert titles("omega") == []
    call_command("reindex", verbosity=0)
    assert titles("omega") == ["Omega"]


@pytest.mark.django_db
def test_search_waits_for_nothing_when_another_process_holds_the_lock() -> None:
    ResourceFactory(title="First")
    assert titles("first") == ["First"]
    ResourceFactory(title="Second")
    # Counted, not timed: how long the search is willing to wait for the writer's lock.
    waits: list[float | None] = []
    real_write_lock = indexing.write_lock

    def recording_write_lock(root: Path, *, timeout: float | None) -> Any:
        waits.append(timeout)
        return real_write_lock(root, timeout=timeout)

    with real_write_lock(Path(settings.SEARCH_INDEX_DIR), timeout=1):
        with mock.patch.object(indexing, "write_lock", recording_write_lock):
            assert titles("first") == ["First"]  # served from the index as it is
    assert waits and all(wait is not None and wait <= 0.5 for wait in waits), waits
    assert titles("second") == ["Second"]


# ---------------------------------------------------------------------------------------------
# Several processes


CREATE = """
from django.utils import timezone
from socialmission.library.models import Resource, ResourceType
def create(title):
    return Resource.objects.create(
        title=title, resource_type=ResourceType.objects.get(slug="article"),
        status="published", published_at=timezone.now())
"""


@pytest.fixture
def server(process_env: dict[str, str]) -> Iterator[str]:
    """A production-style server: gunicorn with two worker processes."""
    run_code(process_env, CREATE + "create('Warm up resource')")
    with gunicorn(process_env, workers=2) as url:
        yield url


def found_by_every_worker(url: str, q: str, title: str, *, attempts: int = 8) -> bool:
    """True if every one of ``attempts`` searches lists the resource (by its link's slug)."""
    slug = "-".join(title.lower().split())
    # A new connection per request, so requests spread over both workers.
    return all(
        f"-{slug}/" in httpx.get(f"{url}/search/", params={"q": q}, timeout=10).text
        for _ in range(attempts)
    )


@pytest.mark.django_db
def test_change_by_a_process_that_dies_after_commit_is_searchable_everywhere(
    server: str, process_env: dict[str, str]
) -> None:
    # Warm both workers so they hold an open index before the change.
    assert found_by_every_worker(server, "warm", "Warm up resource")
    result = run_code(
        process_env,
        CREATE
        + """
import os
from django.db import transaction
with transaction.atomic():
    # Runs first among the after-commit callbacks: the process dies before it can index.
    transaction.on_commit(lambda: os._exit(0))
    create("Phoenix outreach program")
""",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Nobody else applies the change: the workers' own searches must. A search that finds the
    # other worker applying it (holding the lock) answers from the index as it is, so allow a
    # few tries; no stopwatch, which a loaded machine would trip.
    for _ in range(100):
        if found_by_every_worker(server, "phoenix", "Phoenix outreach program", attempts=1):
            break
        time.sleep(0.05)
    assert found_by_every_worker(server, "phoenix", "Phoenix outreach program")


@pytest.mark.django_db
def test_concurrent_writers_do_not_corrupt_the_index(process_env: dict[str, str]) -> None:
    writer = (
        CREATE
        + """
from socialmission.library import indexing
for i in range(25):
    create(f"Concurrent {WRITER} item {i}")
    indexing.sync()
"""
    )
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "socialmission",
                "shell",
                "-v",
                "0",
                "-c",
                f"WRITER = {n}\n" + writer,
            ],
            env=process_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    check = run_code(
        process_env,
        """
from socialmission.library.search import SearchParams, search_ids
from socialmission.library.models import Resource, IndexChange
ids = search_ids(SearchParams(q="concurrent"))
print(len(ids), len(set(ids)), Resource.objects.count(), IndexChange.objects.filter(applied_at__isnull=True).count())
""",
    )
    assert check.stdout.split() == ["75", "75", "75", "0"]


@pytest.mark.django_db
def test_startup_rebuilds_a_missing_index(process_env: dict[str, str]) -> None:
    run_code(process_env, CREATE + "create('Kept in the database')")
    index_dir = Path(process_env["DATA_DIR"]) / "index"
    import shutil

    shutil.rmtree(index_dir, ignore_errors=True)
    result = run_code(
        process_env,
        """
import socialmission.wsgi
from socialmission.library.search import SearchParams, search
print(search(SearchParams(q="kept")).total)
""",
    )
    assert result.stdout.split()[-1] == "1"
    assert (index_dir / "CURRENT").exists()


@pytest.mark.django_db
def test_documents_for_consecutive_ids_read_a_range_and_keep_only_those_asked() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, middle, last = (
        ResourceFactory(title=f"Range {n}", domains=("community-engagement",)) for n in range(3)
    )
    with CaptureQueriesContext(connection) as queries:
        documents = indexing.documents_for([last.pk, first.pk])
    assert [d.id for d in documents] == [first.pk, last.pk]
    assert documents[0].facets[0] == "domain:community-engagement"
    # One query for the rows and one per many-valued facet; no IN list of every id.
    assert all(" IN (" not in q["sql"] for q in queries.captured_queries)
    assert middle.pk not in {d.id for d in documents}
    # Scattered ids are still read by their list.
    spread = indexing.documents_for([first.pk, first.pk + 1_000_000])
    assert [d.id for d in spread] == [first.pk]
