"""Asking a web server whether an address still answers: the only module that imports httpx.

``Checker.check`` sends HEAD and falls back to GET (without reading the body) when HEAD is
refused, follows redirects and records each hop, and turns every way a request can fail into
a short error code (``Outcome.error``). ``HostThrottle`` spaces requests to one host, redirect
hops included, because httpx calls the request hook before every request it sends.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

# Error codes an outcome can carry; models.py gives each its words.
NOT_FOUND = "not-found"
GONE = "gone"
DNS = "dns"
TLS = "tls"
TIMEOUT = "timeout"
RESET = "reset"
REFUSED = "refused"
REDIRECT_LOOP = "redirect-loop"
INVALID_URL = "invalid-url"
HTTP_STATUS = "http-status"
OTHER = "other"

# What makes a check count towards "broken": the server says the page is not there, or no
# conversation with it was possible. Other answers (403, 429, 5xx...) say nothing certain.
FAILURES = frozenset(
    {NOT_FOUND, GONE, DNS, TLS, TIMEOUT, RESET, REFUSED, REDIRECT_LOOP, INVALID_URL}
)


@dataclass(frozen=True)
class Hop:
    status: int
    url: str


@dataclass(frozen=True)
class Outcome:
    address: str
    method: str = ""
    status_code: int | None = None
    final_url: str = ""
    redirects: tuple[Hop, ...] = field(default_factory=tuple)
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.error in FAILURES

    @property
    def succeeded(self) -> bool:
        return not self.error


class HostThrottle:
    """At most one request per host every ``interval`` seconds, shared by every thread.

    Each caller reserves the next free slot of its host under a lock and sleeps outside it, so
    requests to other hosts are never held up by a wait.
    """

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str) -> None:
        if self.interval <= 0:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


def _causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_error(error: Exception) -> str:
    """The error code for an exception httpx raised."""
    if isinstance(error, httpx.TimeoutException):
        return TIMEOUT
    if isinstance(error, httpx.TooManyRedirects):
        return REDIRECT_LOOP
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return INVALID_URL
    causes = _causes(error)
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return DNS
    if any(isinstance(cause, ssl.SSLError | ssl.CertificateError) for cause in causes):
        return TLS
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return REFUSED
    if isinstance(error, httpx.ConnectError):
        text = str(error).lower()
        if "name or service" in text or "nodename" in text or "getaddrinfo" in text:
            return DNS
        if "ssl" in text or "certificate" in text:
            return TLS
        if "refused" in text:
            return REFUSED
        return OTHER
    if isinstance(error, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError):
        return RESET
    return OTHER


def _status_error(status: int) -> str:
    if 200 <= status < 400:
        return ""
    return {404: NOT_FOUND, 410: GONE}.get(status, HTTP_STATUS)


class Checker:
    """One HTTP client for a run of checks; safe to share between threads."""

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float,
        host_interval: float,
        max_redirects: int = 10,
        throttle: HostThrottle | None = None,
    ) -> None:
        self.throttle = throttle or HostThrottle(host_interval)
        self._client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept": "*/*"},
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            max_redirects=max_redirects,
            event_hooks={"request": [self._before_request]},
        )

    def _before_request(self, request: httpx.Request) -> None:
        self.throttle.wait(request.url.host)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check(self, address: str, *, follow: bool = True) -> Outcome:
        """HEAD ``address``; where HEAD is refused (any 4xx/5xx), GET it without the body.

        With ``follow=False`` the first answer is the result and a redirect's target becomes
        ``final_url``: that is how a DOI resolver is asked whether it knows a DOI.
        """
        if urlsplit(address).scheme not in {"http", "https"}:
            return Outcome(address=address, error=INVALID_URL)
        method = "HEAD"
        try:
            response = self._client.head(address, follow_redirects=follow)
            if response.status_code >= 400:
                method = "GET"
                with self._client.stream("GET", address, follow_redirects=follow) as streamed:
                    response = streamed
        except httpx.HTTPError as error:
            return Outcome(address=address, method=method, error=classify_error(error))
        except ValueError:
            return Outcome(address=address, method=method, error=INVALID_URL)
        hops = tuple(Hop(status=r.status_code, url=str(r.url)) for r in response.history)
        final_url = str(response.url)
        status = response.status_code
        if not follow and response.is_redirect and "location" in response.headers:
            hops = (Hop(status=status, url=final_url),)
            final_url = str(response.url.join(response.headers["location"]))
        elif response.is_redirect:
            # Following was asked for, yet the chain ended on a redirect without a target.
            return Outcome(address, method, status, final_url, hops, HTTP_STATUS)
        return Outcome(address, method, status, final_url, hops, _status_error(status))
