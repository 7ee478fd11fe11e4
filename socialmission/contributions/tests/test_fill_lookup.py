""" "Fill the form" from a DOI or PMID: looked up outside (in a task), every field kept, duplicates
flagged at once, plain words when the services cannot be asked."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from socialmission.contributions.models import Suggestion
from socialmission.contributions.tests.helpers import suggestion_post
from socialmission.interop import lookup
from socialmission.interop.tests.lookup_server import LookupServer, running_lookup_server
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

HOLISTIC_DOI = "10.1097/ACM.0000000000001657"


@pytest.fixture
def services(settings: Any) -> Iterator[LookupServer]:
    with running_lookup_server() as server:
        settings.LOOKUP_CROSSREF_URL = server.url("crossref")
        settings.LOOKUP_DATACITE_URL = server.url("datacite")
        settings.LOOKUP_EUTILS_URL = server.url("eutils")
        settings.LOOKUP_TIMEOUT = 0.5
        cache.clear()
        yield server


def fill(client: Client, record: str, **typed: Any) -> Any:
    return client.post(
        reverse("contributions:suggest"),
        suggestion_post(action="fill", record=record, title="", url="", **typed),
    )


def test_a_doi_fills_every_field_the_record_carries(client: Client, services: LookupServer) -> None:
    response = fill(client, f"https://doi.org/{HOLISTIC_DOI}", why="My own reason")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"].startswith("Holistic Review in Medical School Admissions")
    assert form.initial["volume"] == "92"
    assert form.initial["issue"] == "6"
    assert form.initial["pages"] == "779-787"
    assert form.initial["issn"] == "1040-2446"
    assert form.initial["language"] == "en"
    assert form.initial["keywords"] == "holistic review; admissions"
    assert form.initial["description"].startswith("Medical schools increasingly")
    assert form.initial["authors_text"].splitlines()[0] == "Conrad, Sarah S."
    assert form.initial["why"] == "My own reason"  # what the visitor typed is kept
    assert "The form is filled from Crossref" in response.text
    assert not Suggestion.objects.exists()


def test_filled_fields_reach_the_stored_suggestion_and_the_curators_form(
    client: Client, services: LookupServer, curator_client: Client
) -> None:
    initial = fill(client, HOLISTIC_DOI).context["form"].initial
    sent = {
        k: v
        for k, v in initial.items()
        if isinstance(v, str | int) and k not in {"action", "record"}
    }
    response = client.post(reverse("contributions:suggest"), suggestion_post(**sent))
    assert response.status_code == 302, response.context["form"].errors
    suggestion = Suggestion.objects.get()
    assert (suggestion.volume, suggestion.issue, suggestion.pages) == ("92", "6", "779-787")
    assert suggestion.issn == "1040-2446"
    assert suggestion.language == "en"
    assert suggestion.keywords == "holistic review; admissions"
    assert suggestion.description.startswith("Medical schools increasingly")
    page = curator_client.get(reverse("contributions:suggestion", args=[suggestion.pk]))
    curator_form = page.context["edit_form"]
    for name, value in {"issn": "1040-2446", "volume": "92", "pages": "779-787"}.items():
        assert curator_form[name].value() == value
    assert 'value="1040-2446"' in page.text


def test_a_pasted_ris_record_keeps_volume_issue_pages_issn_language_keywords(
    client: Client,
) -> None:
    ris = "\n".join(
        [
            "TY  - JOUR",
            "TI  - Community-engaged curricula in nursing",
            "AU  - Lopez, Maria",
            "JO  - Nurse Education Today",
            "VL  - 41",
            "IS  - 3",
            "SP  - 10",
            "EP  - 17",
            "SN  - 0260-6917",
            "LA  - es",
            "KW  - community engagement",
            "KW  - service learning",
            "PY  - 2021",
            "ER  - ",
        ]
    )
    initial = fill(client, ris).context["form"].initial
    assert (initial["volume"], initial["issue"], initial["pages"]) == ("41", "3", "10-17")
    assert initial["issn"] == "0260-6917"
    assert initial["language"] == "es"
    assert initial["keywords"] == "community engagement; service learning"


def test_a_duplicate_is_flagged_right_after_filling(client: Client, services: LookupServer) -> None:
    existing = ResourceFactory(doi=HOLISTIC_DOI, title="Holistic review in admissions")
    response = fill(client, HOLISTIC_DOI)
    assert response.status_code == 200
    assert "The library may already hold this resource" in response.text
    assert existing.get_absolute_url() in response.text
    assert not Suggestion.objects.exists()


def test_when_the_services_cannot_be_reached_only_the_doi_is_filled(
    client: Client, settings: Any
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.LOOKUP_CROSSREF_URL = settings.LOOKUP_DATACITE_URL = f"http://127.0.0.1:{port}"
    settings.LOOKUP_TIMEOUT = 0.5
    response = fill(client, HOLISTIC_DOI, why="Typed before the failure")
    assert response.status_code == 200
    assert "We could not ask Crossref or DataCite just now" in response.text
    assert "only the DOI is filled" in response.text
    initial = response.context["form"].initial
    assert initial["doi"] == HOLISTIC_DOI  # as registered
    assert initial["why"] == "Typed before the failure"
    assert not initial.get("title")


def test_an_unknown_doi_says_so(client: Client, services: LookupServer) -> None:
    response = fill(client, "10.9999/nowhere.3")
    assert "Crossref or DataCite do not know the DOI 10.9999/nowhere.3" in response.text


def test_with_a_worker_the_page_polls_until_the_lookup_is_done(
    client: Client, services: LookupServer
) -> None:
    with mock.patch.object(lookup, "lookup_identifier") as task:  # queued, not run: a worker's job
        response = fill(client, HOLISTIC_DOI)
    task.enqueue.assert_called_once()
    assert services.requests == []  # the request itself asked nobody outside
    poll_url = (
        reverse("contributions:lookup-status")
        + "?kind=doi&amp;value=10.1097/ACM.0000000000001657&amp;n=1"
    )
    assert poll_url in response.text
    assert 'hx-trigger="load delay:2s"' in response.text

    status_url = reverse("contributions:lookup-status")
    waiting = client.get(status_url, {"kind": "doi", "value": HOLISTIC_DOI, "n": "1"})
    assert "Looking up" in waiting.text and "hx-get" in waiting.text

    lookup.lookup(lookup.DOI, HOLISTIC_DOI)  # the worker's run
    done = client.get(status_url, {"kind": "doi", "value": HOLISTIC_DOI, "n": "2"})
    assert "Found in Crossref" in done.text
    assert 'name="action" value="fill"' in done.text
    assert "hx-get" not in done.text  # polling stops

    refilled = fill(client, HOLISTIC_DOI)  # "Fill the form with it"
    assert refilled.context["form"].initial["volume"] == "92"


def test_polling_never_starts_a_lookup_and_stops_after_a_while(
    client: Client, services: LookupServer
) -> None:
    status_url = reverse("contributions:lookup-status")
    assert client.get(status_url, {"kind": "isbn", "value": "x"}).status_code == 404
    assert client.get(status_url, {"kind": "doi", "value": "not a doi"}).status_code == 404
    late = client.get(status_url, {"kind": "doi", "value": HOLISTIC_DOI, "n": "99"})
    assert "taking long" in late.text and "hx-get" not in late.text
    assert services.requests == []


def test_lookups_per_address_are_limited(
    client: Client, services: LookupServer, settings: Any
) -> None:
    settings.LOOKUP_RATE_LIMIT = 1
    assert "The form is filled from Crossref" in fill(client, HOLISTIC_DOI).text
    asked = len(services.requests)
    again_cached = fill(client, HOLISTIC_DOI)  # a cached answer costs nothing
    assert "The form is filled from Crossref" in again_cached.text
    limited = fill(client, "10.5281/zenodo.50213")
    assert "You have looked up many identifiers" in limited.text
    assert limited.context["form"].initial["doi"] == "10.5281/zenodo.50213"
    assert len(services.requests) == asked
