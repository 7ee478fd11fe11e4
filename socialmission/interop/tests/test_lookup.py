"""The lookup client against a local stand-in for Crossref, DataCite and PubMed E-utilities."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache

from socialmission.interop import lookup
from socialmission.interop.tests.lookup_server import LookupServer, running_lookup_server

HOLISTIC_DOI = "10.1097/ACM.0000000000001657"
DATASET_DOI = "10.5281/zenodo.50213"
ASTHMA_PMID = "29768149"


@pytest.fixture
def services(settings: Any) -> Iterator[LookupServer]:
    with running_lookup_server() as server:
        settings.LOOKUP_CROSSREF_URL = server.url("crossref")
        settings.LOOKUP_DATACITE_URL = server.url("datacite")
        settings.LOOKUP_EUTILS_URL = server.url("eutils")
        settings.LOOKUP_TIMEOUT = 0.5
        settings.SITE_URL = "https://library.example.org"
        settings.LOOKUP_CONTACT_EMAIL = "curators@example.org"
        cache.clear()
        yield server
        cache.clear()


def test_a_crossref_doi_gives_every_field_of_its_record(services: LookupServer) -> None:
    outcome = lookup.lookup(lookup.DOI, f"https://doi.org/{HOLISTIC_DOI}")
    assert outcome.state == lookup.FOUND
    assert outcome.source == "Crossref"
    record = outcome.record
    assert record is not None
    assert record.title.startswith("Holistic Review in Medical School Admissions")
    assert [a.family for a in record.authors] == ["Conrad", "Addams", "Young"]
    assert (record.volume, record.issue, record.pages) == ("92", "6", "779-787")
    assert record.issn == "1040-2446"
    assert record.language == "en"
    assert record.keywords == ["holistic review", "admissions"]
    assert record.abstract.startswith("Medical schools increasingly use holistic review")
    assert record.year == 2017
    assert services.hits("datacite") == 0  # Crossref knew it: DataCite is not asked


def test_requests_are_polite_and_ask_for_csl_json(services: LookupServer) -> None:
    lookup.lookup(lookup.DOI, HOLISTIC_DOI)
    _path, user_agent, accept = services.requests[0]
    assert "https://library.example.org" in user_agent
    assert "mailto:curators@example.org" in user_agent
    assert accept == "application/vnd.citationstyles.csl+json"


def test_a_doi_crossref_does_not_know_is_asked_of_datacite(services: LookupServer) -> None:
    outcome = lookup.lookup(lookup.DOI, DATASET_DOI)
    assert outcome.state == lookup.FOUND
    assert outcome.source == "DataCite"
    assert outcome.record is not None
    assert outcome.record.title == "Rural health workforce indicators, 2010-2015"
    assert outcome.record.doi == DATASET_DOI
    assert services.hits("crossref") == 1 and services.hits("datacite") == 1


def test_a_doi_nobody_knows_is_not_found_and_the_answer_is_cached(
    services: LookupServer,
) -> None:
    assert lookup.lookup(lookup.DOI, "10.9999/nowhere.1").state == lookup.NOT_FOUND
    asked = len(services.requests)
    again = lookup.request_lookup(lookup.DOI, "DOI:10.9999/NOWHERE.1")
    assert again.state == lookup.NOT_FOUND
    assert len(services.requests) == asked  # from the cache


def test_a_pmid_is_fetched_from_pubmed(services: LookupServer) -> None:
    outcome = lookup.lookup(lookup.PMID, f"PMID: {ASTHMA_PMID}")
    assert outcome.state == lookup.FOUND and outcome.source == "PubMed"
    record = outcome.record
    assert record is not None
    assert record.pmid == ASTHMA_PMID
    assert record.doi == "10.1056/NEJMoa1715274"  # as PubMed writes it
    assert (record.volume, record.issue) == ("378", "20")
    path, _ua, _accept = services.requests[0]
    assert path == "/eutils/efetch.fcgi"


def test_an_unknown_pmid_is_not_found(services: LookupServer) -> None:
    assert lookup.lookup(lookup.PMID, "12345678").state == lookup.NOT_FOUND


def test_a_failing_service_is_named_in_the_outcome(services: LookupServer) -> None:
    services.failing.add("crossref")
    outcome = lookup.lookup(lookup.DOI, "10.9999/nowhere.2")
    assert outcome.state == lookup.FAILED
    assert outcome.problems == ("Crossref: HTTP 503",)


def test_a_slow_service_times_out(services: LookupServer, settings: Any) -> None:
    services.slow.add("eutils")
    services.slow_seconds = 2
    settings.LOOKUP_TIMEOUT = 0.2
    outcome = lookup.lookup(lookup.PMID, ASTHMA_PMID)
    assert outcome.state == lookup.FAILED
    assert outcome.problems == ("PubMed: timed out",)


def test_an_unreachable_server_fails_plainly(settings: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.LOOKUP_CROSSREF_URL = f"http://127.0.0.1:{port}"
    settings.LOOKUP_DATACITE_URL = f"http://127.0.0.1:{port}"
    settings.LOOKUP_TIMEOUT = 0.5
    cache.clear()
    outcome = lookup.lookup(lookup.DOI, HOLISTIC_DOI)
    assert outcome.state == lookup.FAILED
    assert outcome.problems == ("Crossref: could not connect", "DataCite: could not connect")


def test_a_queued_lookup_is_queued_once_however_often_it_is_asked(services: LookupServer) -> None:
    with mock.patch.object(lookup, "lookup_identifier") as task:
        first = lookup.request_lookup(lookup.DOI, HOLISTIC_DOI)
        second = lookup.request_lookup(lookup.DOI, HOLISTIC_DOI.lower())
    assert first.state == second.state == lookup.PENDING
    task.enqueue.assert_called_once_with(lookup.DOI, HOLISTIC_DOI)
    assert services.requests == []  # nothing asked inside the "request"
    lookup.lookup(lookup.DOI, HOLISTIC_DOI)  # what the worker does
    cached = lookup.cached_outcome(lookup.DOI, HOLISTIC_DOI)
    assert cached is not None and cached.state == lookup.FOUND
