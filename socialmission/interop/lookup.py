"""Looking a record up by its identifier: Crossref and DataCite for DOIs, PubMed for PMIDs.

The one client for outside bibliographic services. Each answer is parsed by our own
bibliography parsers (CSL-JSON for the DOI agencies, PubMed XML for E-utilities), so a looked-up
record goes through the same cleaning as a pasted or imported one.

Nothing here runs inside a request: the suggestion form enqueues ``lookup_identifier`` (a task)
and reads the outcome from the cache (``cached_outcome``). Every request has a timeout and a
polite User-Agent naming the site and its contact address (Crossref's "polite pool" and NCBI
ask for both); outcomes are cached, a found record for a week, a "not found" for a day and a
failure (timeout, refused, server error) for a few minutes, so one visitor's retries and many
visitors pasting the same DOI cost one outside request. The base addresses are settings, so the
tests serve recorded answers from a local server and nothing reaches the network.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.cache import cache

from socialmission.bibliography.formats import UnsupportedFormat, parse_file
from socialmission.bibliography.record import Record
from socialmission.bibliography.text import normalize_doi, normalize_pmid
from socialmission.core.tasks import task

logger = logging.getLogger(__name__)

CACHE_PREFIX = "lookup:v1"
FOUND_SECONDS = 7 * 24 * 3600
NOT_FOUND_SECONDS = 24 * 3600
FAILED_SECONDS = 5 * 60
# A pending marker outlives the slowest lookup (two agencies, each with its timeout).
PENDING_SECONDS = 120
MAX_RESPONSE_BYTES = 2 * 1024 * 1024

DOI = "doi"
PMID = "pmid"
KINDS = (DOI, PMID)

# Outcome states.
FOUND = "found"
NOT_FOUND = "not-found"
FAILED = "failed"
PENDING = "pending"


@dataclass(frozen=True)
class Outcome:
    """What a lookup gave: a record, or why not (``source`` names the service asked)."""

    state: str
    kind: str
    value: str
    record: Record | None = None
    source: str = ""
    # For a failure: the services that could not be reached, and how ("timed out", "HTTP 503").
    problems: tuple[str, ...] = field(default_factory=tuple)


class _Unreachable(Exception):
    """The service did not give a usable answer (network error, timeout, 5xx, bad body)."""


def _cache_key(kind: str, value: str) -> str:
    return f"{CACHE_PREFIX}:{kind}:{value.lower()}"


def normalize(kind: str, value: str) -> str:
    return normalize_doi(value) if kind == DOI else normalize_pmid(value)


def contact_address() -> str:
    return getattr(settings, "LOOKUP_CONTACT_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


def user_agent() -> str:
    return f"{settings.SITE_NAME} ({settings.SITE_URL}; mailto:{contact_address()})"


def _client() -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(settings.LOOKUP_TIMEOUT),
        headers={"User-Agent": user_agent()},
        follow_redirects=True,
        max_redirects=3,
    )


def _get(
    client: httpx.Client, url: str, *, accept: str, params: dict[str, str] | None = None
) -> bytes | None:
    """The body of a 200 answer, ``None`` for a 404 (the identifier is not there)."""
    try:
        with client.stream("GET", url, params=params, headers={"Accept": accept}) as response:
            if response.status_code == 404:
                return None
            if response.status_code != 200:
                raise _Unreachable(f"HTTP {response.status_code}")
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise _Unreachable("answer too large")
            return body
    except httpx.TimeoutException as exc:
        raise _Unreachable("timed out") from exc
    except httpx.HTTPError as exc:
        raise _Unreachable("could not connect") from exc


def _first_record(body: bytes, fmt: str) -> Record | None:
    try:
        for item in parse_file(io.BytesIO(body), fmt):
            if isinstance(item, Record):
                return item
    except (UnsupportedFormat, ValueError) as exc:
        raise _Unreachable("unreadable answer") from exc
    return None


def _from_doi_agency(client: httpx.Client, name: str, url: str) -> Record | None:
    body = _get(client, url, accept="application/vnd.citationstyles.csl+json")
    if body is None:
        return None
    record = _first_record(body, "csljson")
    if record is None:
        raise _Unreachable("unreadable answer")
    return record


def _lookup_doi(doi: str) -> Outcome:
    quoted = quote(doi, safe="/")
    agencies = (
        (
            "Crossref",
            f"{settings.LOOKUP_CROSSREF_URL.rstrip('/')}/works/{quoted}/transform/"
            "application/vnd.citationstyles.csl+json",
        ),
        ("DataCite", f"{settings.LOOKUP_DATACITE_URL.rstrip('/')}/dois/{quoted}"),
    )
    problems: list[str] = []
    with _client() as client:
        for name, url in agencies:
            try:
                record = _from_doi_agency(client, name, url)
            except _Unreachable as exc:
                problems.append(f"{name}: {exc}")
                continue
            if record is not None:
                record.doi = record.doi or doi
                return Outcome(FOUND, DOI, doi, record=record, source=name)
    if problems:
        return Outcome(FAILED, DOI, doi, problems=tuple(problems))
    return Outcome(NOT_FOUND, DOI, doi, source="Crossref, DataCite")


def _lookup_pmid(pmid: str) -> Outcome:
    # NCBI asks for a tool name without spaces, and a contact address.
    params = {"db": "pubmed", "id": pmid, "retmode": "xml", "tool": "socialmission-library"}
    contact = contact_address()
    if contact:
        params["email"] = contact
    url = f"{settings.LOOKUP_EUTILS_URL.rstrip('/')}/efetch.fcgi"
    try:
        with _client() as client:
            body = _get(client, url, accept="application/xml", params=params)
            # E-utilities answers an unknown id with an empty article set, not a 404.
            record = (
                _first_record(body, "pubmed_xml") if body and b"<PubmedArticle" in body else None
            )
    except _Unreachable as exc:
        return Outcome(FAILED, PMID, pmid, problems=(f"PubMed: {exc}",))
    if record is None:
        return Outcome(NOT_FOUND, PMID, pmid, source="PubMed")
    return Outcome(FOUND, PMID, pmid, record=record, source="PubMed")


def lookup(kind: str, value: str) -> Outcome:
    """Ask the services now and cache the outcome (call it from a task, not a request)."""
    value = normalize(kind, value)
    if kind not in KINDS or not value:
        return Outcome(NOT_FOUND, kind, value)
    outcome = _lookup_doi(value) if kind == DOI else _lookup_pmid(value)
    if outcome.state == FAILED:
        logger.warning("lookup of %s %s failed: %s", kind, value, "; ".join(outcome.problems))
    seconds = {FOUND: FOUND_SECONDS, NOT_FOUND: NOT_FOUND_SECONDS}.get(
        outcome.state, FAILED_SECONDS
    )
    cache.set(_cache_key(kind, value), outcome, seconds)
    return outcome


def cached_outcome(kind: str, value: str) -> Outcome | None:
    """The cached outcome, a pending marker while a lookup is queued, or ``None``."""
    value = normalize(kind, value)
    if not value:
        return None
    found: Any = cache.get(_cache_key(kind, value))
    return found if isinstance(found, Outcome) else None


def request_lookup(kind: str, value: str) -> Outcome:
    """The outcome if known, else queue one lookup (once, however often it is asked) and say so.

    With the immediate task backend (tests, a site without a worker) the lookup runs here and its
    outcome is returned at once.
    """
    value = normalize(kind, value)
    known = cached_outcome(kind, value)
    if known is not None:
        return known
    pending = Outcome(PENDING, kind, value)
    # cache.add is atomic: of many visitors asking at once, one queues the task.
    if cache.add(_cache_key(kind, value), pending, PENDING_SECONDS):
        lookup_identifier.enqueue(kind, value)
    return cached_outcome(kind, value) or pending


@task
def lookup_identifier(kind: str, value: str) -> str:
    return lookup(kind, value).state
