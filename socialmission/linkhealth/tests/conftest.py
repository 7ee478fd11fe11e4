from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from socialmission.linkhealth.tests.server import ServerState, running_server


@pytest.fixture
def web(settings: Any) -> Iterator[ServerState]:
    """The local web server, and settings that point the checks at it without waiting."""
    with running_server() as state:
        settings.LINKHEALTH_HOST_INTERVAL = 0
        settings.LINKHEALTH_TIMEOUT = 0.5
        settings.LINKHEALTH_CONCURRENCY = 2
        settings.LINKHEALTH_DOI_RESOLVER = state.url("/doi/")
        settings.SITE_URL = "https://library.example.org"
        yield state
