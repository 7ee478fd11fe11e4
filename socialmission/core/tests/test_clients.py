"""The client's address behind proxies, and rate limits that a burst cannot slip past."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from socialmission.core import ratelimits
from socialmission.core.clients import client_address


def request(remote: str = "192.0.2.10", forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(forwarded="203.0.113.9")) == "192.0.2.10"


def test_one_proxy_the_right_most_entry_is_the_client(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "198.51.100.1"; our proxy appended the address it really saw.
    assert client_address(request(forwarded="198.51.100.1, 203.0.113.9")) == "203.0.113.9"
    assert client_address(request(forwarded="203.0.113.9")) == "203.0.113.9"


def test_two_proxies_count_from_the_right(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    forged = "198.51.100.1, 198.51.100.2"
    assert client_address(request(forwarded=f"{forged}, 203.0.113.9, 10.0.0.2")) == "203.0.113.9"


def test_fewer_entries_than_proxies_takes_the_outermost(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_address(request(forwarded="203.0.113.9, 10.0.0.2")) == "203.0.113.9"


def test_no_header_behind_a_proxy_falls_back_to_the_socket(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request(forwarded="")) == "192.0.2.10"
    assert client_address(request()) == "192.0.2.10"


def test_an_overlong_header_is_cut(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert len(client_address(request(forwarded="x" * 500))) == 64


@pytest.fixture
def fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_a_burst_of_parallel_requests_gets_exactly_the_limit(fresh_cache: Any) -> None:
    allowed: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def attempt() -> None:
        start.wait()
        status = ratelimits.consume(request(), group="burst", limit=5, window=3600)
        with lock:
            allowed.append(status.allowed)

    threads = [threading.Thread(target=attempt) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 5
    assert allowed.count(False) == 45


def test_peek_counts_nothing_and_reports_the_wait(fresh_cache: Any) -> None:
    for _ in range(3):
        assert ratelimits.peek(request(), group="peek", limit=2, window=600).allowed
    assert ratelimits.consume(request(), group="peek", limit=2, window=600).allowed
    assert ratelimits.consume(request(), group="peek", limit=2, window=600).allowed
    refused = ratelimits.peek(request(), group="peek", limit=2, window=600)
    assert not refused.allowed
    assert 0 < refused.retry_after <= 600
    # Another address has its own count.
    assert ratelimits.peek(request(remote="192.0.2.99"), group="peek", limit=2, window=600).allowed
