"""Fixtures for contribution tests: anti-spam timing off, a fresh rate-limit cache, users."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from socialmission.accounts.models import User
from socialmission.accounts.tests import factories


@pytest.fixture(autouse=True)
def _contrib_settings(settings: Any) -> Iterator[None]:
    settings.CONTRIBUTIONS_MIN_FILL_SECONDS = 0
    settings.SITE_URL = "http://testserver"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def curator(db: None) -> User:
    return factories.curator(first_name="Cora", last_name="Curator")


@pytest.fixture
def other_curator(db: None) -> User:
    return factories.curator(first_name="Otto", last_name="Other")


@pytest.fixture
def editor(db: None) -> User:
    return factories.editor(first_name="Edie", last_name="Editor")


@pytest.fixture
def curator_client(curator: User) -> Client:
    client = Client()
    client.force_login(curator)
    return client


@pytest.fixture
def editor_client(editor: User) -> Client:
    client = Client()
    client.force_login(editor)
    return client
