"""Test-wide fixtures: each test gets its own, empty search index directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Fixtures for tests that run real processes (process_env), wherever they live.
pytest_plugins = ["socialmission.core.tests.processes"]

# Keep test runs away from the developer's own data directory.
os.environ.setdefault("DATA_DIR", str(Path(__file__).parent / "var" / "test"))


@pytest.fixture(autouse=True)
def _isolated_search_index(tmp_path: Path, settings: pytest.FixtureRequest) -> Iterator[None]:
    from socialmission.library import indexing

    settings.SEARCH_INDEX_DIR = tmp_path / "index"  # type: ignore[attr-defined]
    indexing.reset_for_tests()
    yield
    indexing.reset_for_tests()


@pytest.fixture(autouse=True)
def _isolated_exports(tmp_path: Path, settings: pytest.FixtureRequest) -> Iterator[None]:
    # Each test gets its own whole-library download folder, and rate-limit counters (kept in
    # the per-process cache) start from zero, so one test's downloads do not refuse another's.
    from django.core.cache import cache

    settings.EXPORT_DUMP_DIR = tmp_path / "exports"  # type: ignore[attr-defined]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _locmem_email(settings: pytest.FixtureRequest) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: pytest.FixtureRequest) -> None:
    # Tasks run as they are enqueued; tests of the queue itself switch to the database backend.
    settings.TASKS = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
