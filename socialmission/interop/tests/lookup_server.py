"""A local stand-in for Crossref, DataCite and PubMed E-utilities, for the lookup tests.

It answers from the files in ``lookup_responses/`` (answers in each service's own format: the
CSL-JSON of Crossref's transform and of DataCite's content negotiation, and a PubMed efetch
article set), so no test reaches the network. Paths:
  /crossref/works/<doi>/transform/application/vnd.citationstyles.csl+json
  /datacite/dois/<doi>
  /eutils/efetch.fcgi?db=pubmed&id=<pmid>&retmode=xml
A DOI or PMID without a file is a 404 (Crossref, DataCite) or an empty article set (E-utilities,
as the real service answers). ``failing`` makes a service (its first path segment) answer 503;
``slow`` makes it wait ``slow_seconds``. Every request is recorded with its User-Agent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RESPONSES = Path(__file__).parent / "lookup_responses"
CSL = "application/vnd.citationstyles.csl+json"


@dataclass
class LookupServer:
    base: str = ""
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (path, user agent, accept)
    failing: set[str] = field(default_factory=set)
    slow: set[str] = field(default_factory=set)
    slow_seconds: float = 2.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, service: str) -> str:
        return f"{self.base}/{service}"

    def hits(self, service: str) -> int:
        with self.lock:
            return sum(1 for path, _ua, _accept in self.requests if path.startswith(f"/{service}/"))


def _file_name(doi: str) -> str:
    return doi.lower().replace("/", "_")


def _answer(state: LookupServer, path: str, query: str) -> tuple[int, str, bytes]:
    service = path.strip("/").split("/", 1)[0]
    if service in state.failing:
        return 503, "text/plain", b"Service Unavailable"
    if service in state.slow:
        time.sleep(state.slow_seconds)
    if service == "crossref" and path.endswith(f"/transform/{CSL}"):
        doi = unquote(path[len("/crossref/works/") : -len(f"/transform/{CSL}")])
        found = RESPONSES / f"crossref-{_file_name(doi)}.json"
        if found.exists():
            return 200, CSL, found.read_bytes()
        return 404, "text/plain", b"Resource not found."
    if service == "datacite" and path.startswith("/datacite/dois/"):
        doi = unquote(path[len("/datacite/dois/") :])
        found = RESPONSES / f"datacite-{_file_name(doi)}.json"
        if found.exists():
            return 200, CSL, found.read_bytes()
        return (
            404,
            "application/json",
            b'{"errors":[{"status":"404","title":"The resource you are looking for doesn\'t exist."}]}',
        )
    if service == "eutils" and path == "/eutils/efetch.fcgi":
        pmid = parse_qs(query).get("id", [""])[0]
        found = RESPONSES / f"efetch-{pmid}.xml"
        body = found if found.exists() else RESPONSES / "efetch-empty.xml"
        return 200, "text/xml", body.read_bytes()
    return 404, "text/plain", b"no such path"


@contextmanager
def running_lookup_server() -> Iterator[LookupServer]:
    state = LookupServer()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with state.lock:
                state.requests.append(
                    (parts.path, self.headers.get("User-Agent", ""), self.headers.get("Accept", ""))
                )
            status, content_type, body = _answer(state, parts.path, parts.query)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
