from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[[], AbstractContextManager[Any]]:
    """``with committed():`` runs what waits for the commit (mail) when the block ends.

    A test runs inside a transaction that never commits; this plays the commit.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Rate limits count in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
