"""The HTTP side of a check, against the local server: no test reaches the network."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import httpcore
import httpx
import pytest

from socialmission.linkhealth import http
from socialmission.linkhealth.tests.server import ServerState


@pytest.fixture
def checker(web: ServerState) -> Iterator[http.Checker]:
    with http.Checker(
        user_agent="SocialMissionLinkCheck/1.0 (+https://library.example.org/)",
        timeout=0.5,
        host_interval=0,
    ) as checker:
        yield checker


def test_a_page_that_answers_is_asked_with_head_only(
    web: ServerState, checker: http.Checker
) -> None:
    outcome = checker.check(web.url("/ok/page"))
    assert outcome.succeeded and not outcome.failed
    assert (outcome.status_code, outcome.method, outcome.redirects) == (200, "HEAD", ())
    assert outcome.final_url == web.url("/ok/page")
    assert web.requests == [
        ("HEAD", "/ok/page", "SocialMissionLinkCheck/1.0 (+https://library.example.org/)")
    ]


def test_head_refused_falls_back_to_get(web: ServerState, checker: http.Checker) -> None:
    outcome = checker.check(web.url("/head-refused/x"))
    assert outcome.succeeded
    assert (outcome.status_code, outcome.method) == (200, "GET")
    assert web.methods("/head-refused/x") == ["HEAD", "GET"]


def test_a_chain_of_redirects_is_followed_and_each_hop_recorded(
    web: ServerState, checker: http.Checker
) -> None:
    outcome = checker.check(web.url("/chain/3/a"))
    assert outcome.succeeded
    assert outcome.final_url == web.url("/chain/0/a")
    assert outcome.redirects == (
        http.Hop(301, web.url("/chain/3/a")),
        http.Hop(301, web.url("/chain/2/a")),
        http.Hop(301, web.url("/chain/1/a")),
    )


@pytest.mark.parametrize(
    ("path", "error", "status"),
    [
        ("/missing/x", http.NOT_FOUND, 404),
        ("/gone/x", http.GONE, 410),
        ("/slow/x", http.TIMEOUT, None),
        ("/reset/x", http.RESET, None),
        ("/loop/", http.REDIRECT_LOOP, None),
    ],
)
def test_failures_are_named(
    web: ServerState, checker: http.Checker, path: str, error: str, status: int | None
) -> None:
    outcome = checker.check(web.url(path))
    assert (outcome.error, outcome.status_code) == (error, status)
    assert outcome.failed and not outcome.succeeded


def test_a_missing_page_is_asked_again_with_get(web: ServerState, checker: http.Checker) -> None:
    checker.check(web.url("/missing/x"))
    assert web.methods("/missing/x") == ["HEAD", "GET"]


def test_a_server_error_is_inconclusive(web: ServerState, checker: http.Checker) -> None:
    outcome = checker.check(web.url("/error/x"))
    assert (outcome.error, outcome.status_code) == (http.HTTP_STATUS, 503)
    assert not outcome.failed and not outcome.succeeded


def test_tls_to_a_server_without_tls_is_a_tls_error(
    web: ServerState, checker: http.Checker
) -> None:
    outcome = checker.check(web.url("/ok/x").replace("http://", "https://"))
    assert outcome.error == http.TLS and outcome.failed


def test_a_closed_port_is_refused(checker: http.Checker) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcome = checker.check(f"http://127.0.0.1:{port}/")
    assert outcome.error == http.REFUSED and outcome.failed


def test_a_name_that_does_not_resolve_is_a_dns_failure() -> None:
    # Built by hand: resolving a real name would be a network request.
    try:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as cause:
            raise httpcore.ConnectError(str(cause)) from cause
    except httpcore.ConnectError as inner:
        error = httpx.ConnectError(str(inner))
        error.__cause__ = inner
    assert http.classify_error(error) == http.DNS
    assert http.classify_error(httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]")) == http.TLS
    wrapped = httpx.ConnectError("handshake")
    wrapped.__cause__ = ssl.SSLError(1, "bad")
    assert http.classify_error(wrapped) == http.TLS


def test_not_a_web_address(checker: http.Checker) -> None:
    assert checker.check("ftp://example.org/file").error == http.INVALID_URL
    assert checker.check("javascript:alert(1)").error == http.INVALID_URL


def test_without_following_a_redirect_its_target_is_the_final_address(
    web: ServerState, checker: http.Checker
) -> None:
    outcome = checker.check(web.url("/doi/10.1/abc"), follow=False)
    assert outcome.succeeded
    assert outcome.final_url == web.url("/ok/10.1/abc")
    assert web.hits("/ok/10.1/abc") == 0


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def test_the_throttle_spaces_requests_to_one_host_only() -> None:
    clock = FakeClock()
    throttle = http.HostThrottle(3, clock=clock, sleep=clock.sleep)
    throttle.wait("a.example")
    throttle.wait("b.example")
    throttle.wait("a.example")
    throttle.wait("a.example")
    assert clock.sleeps == [3, 6]
    clock.now += 20
    throttle.wait("a.example")
    assert clock.sleeps == [3, 6]


def test_every_redirect_hop_passes_the_throttle(web: ServerState) -> None:
    hosts: list[str] = []

    class Recording(http.HostThrottle):
        def wait(self, host: str) -> None:
            hosts.append(host)

    with http.Checker(
        user_agent="test", timeout=0.5, host_interval=0, throttle=Recording(0)
    ) as checker:
        checker.check(web.url("/chain/2/x"))
    assert hosts == ["127.0.0.1"] * 3
