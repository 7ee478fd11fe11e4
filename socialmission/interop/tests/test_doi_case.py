"""DOIs are kept and shown as registered, and compared case-insensitively everywhere."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from socialmission.contributions.duplicates import find_duplicates
from socialmission.interop.importer import import_file
from socialmission.library.models import Resource

pytestmark = pytest.mark.django_db

PUBMED = Path(__file__).parent / "lookup_responses" / "efetch-29768149.xml"
REGISTERED = "10.1056/NEJMoa1715274"


def _import_pubmed() -> Resource:
    with PUBMED.open("rb") as stream:
        import_file(stream, filename=PUBMED.name, status=Resource.Status.PUBLISHED)
    return Resource.objects.get(pmid="29768149")


def test_an_imported_doi_keeps_its_case_and_the_page_shows_it(client: Any) -> None:
    resource = _import_pubmed()
    assert resource.doi == REGISTERED
    page = client.get(resource.get_absolute_url())
    assert REGISTERED in page.text
    assert REGISTERED.lower() not in page.text


def test_the_same_doi_in_another_case_is_the_same_work(client: Any) -> None:
    resource = _import_pubmed()
    ris = f"TY  - JOUR\nTI  - Another title\nDO  - {REGISTERED.lower()}\nER  - \n"
    report = import_file(io.BytesIO(ris.encode()), filename="again.ris")
    assert not report.created
    assert Resource.objects.count() == 1
    found = find_duplicates(doi=f"https://doi.org/{REGISTERED.upper()}")
    assert [(m.resource.pk, m.reason) for m in found] == [(resource.pk, "doi")]
    # Typed in the search box in any case, it still goes straight to the resource.
    response = client.get("/search/", {"q": f"doi:{REGISTERED.lower()}"})
    assert response.status_code == 302
    assert response["Location"] == resource.get_absolute_url()
