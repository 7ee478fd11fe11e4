"""A local web server that answers the ways real sites do: the link checks' only counterpart.

Paths (the first segment decides):
  /ok/…            200
  /head-refused/…  405 to HEAD, 200 to GET
  /chain/N/…       301 to /chain/N-1/…, and /chain/0/… is 200 (a chain of N redirects)
  /loop/           301 to itself
  /missing/…       404        /gone/… 410        /error/… 503
  /slow/…          waits ``slow_seconds`` before answering 200
  /reset/…         reads the request, then resets the connection
  /hold/…          waits until ``release`` is set (or ``release_at`` requests wait), then 200
  /doi/<doi>       302 to /ok/<doi>, unless the DOI contains "missing" (404)
``answers`` overrides a path's status (e.g. to make a page come back); every request is
recorded in ``requests`` as (method, path, user agent).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class ServerState:
    base: str = ""
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)
    slow_seconds: float = 2.0
    release: threading.Event = field(default_factory=threading.Event)
    # Requests to /hold/ under way now, the most at once, and how many to wait for before
    # releasing them all by itself (0: wait for ``release``).
    in_flight: int = 0
    most_in_flight: int = 0
    release_at: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for _method, p, _ua in self.requests if p == path)

    def methods(self, path: str) -> list[str]:
        with self.lock:
            return [m for m, p, _ua in self.requests if p == path]


def _handler(state: ServerState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self, status: int, location: str = "") -> None:
            body = b"" if self.command == "HEAD" else f"status {status}".encode()
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _handle(self) -> None:
            with state.lock:
                state.requests.append((self.command, self.path, self.headers.get("User-Agent", "")))
            path = self.path
            if path in state.answers:
                return self._answer(state.answers[path])
            first = path.strip("/").split("/", 1)[0]
            rest = path.strip("/").split("/", 1)[1] if "/" in path.strip("/") else ""
            if first == "ok":
                return self._answer(200)
            if first == "head-refused":
                return self._answer(405 if self.command == "HEAD" else 200)
            if first == "chain":
                count_text, _sep, tail = rest.partition("/")
                count = int(count_text)
                if count == 0:
                    return self._answer(200)
                return self._answer(301, f"/chain/{count - 1}/{tail}")
            if first == "loop":
                return self._answer(301, path)
            if first == "missing":
                return self._answer(404)
            if first == "gone":
                return self._answer(410)
            if first == "error":
                return self._answer(503)
            if first == "slow":
                time.sleep(state.slow_seconds)
                return self._answer(200)
            if first == "hold":
                with state.lock:
                    state.in_flight += 1
                    state.most_in_flight = max(state.most_in_flight, state.in_flight)
                    if state.release_at and state.in_flight >= state.release_at:
                        state.release.set()
                state.release.wait(10)
                with state.lock:
                    state.in_flight -= 1
                return self._answer(200)
            if first == "reset":
                # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True
                return None
            if first == "doi":
                if "missing" in rest:
                    return self._answer(404)
                return self._answer(302, f"{state.base}/ok/{rest}")
            return self._answer(404)

        do_HEAD = _handle
        do_GET = _handle

    return Handler


@contextmanager
def running_server(state: ServerState | None = None) -> Iterator[ServerState]:
    state = state or ServerState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
