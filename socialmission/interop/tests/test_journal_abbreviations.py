"""A journal's NLM abbreviation is kept on import and cited by AMA and Vancouver (not by APA)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from socialmission.bibliography import csljson, ris
from socialmission.bibliography.citations import format_citation_text
from socialmission.interop.importer import import_file
from socialmission.interop.records import resource_to_record
from socialmission.library.models import Resource

pytestmark = pytest.mark.django_db

PUBMED = Path(__file__).parent / "lookup_responses" / "efetch-29768149.xml"

RIS_WITH_J2 = """TY  - JOUR
TI  - Pathways into rural pharmacy practice
AU  - Ortiz, Lena
T2  - Journal of the American Pharmacists Association
J2  - J Am Pharm Assoc
PY  - 2020
VL  - 60
SP  - 1
EP  - 9
ER  -
"""


def test_pubmed_import_keeps_the_abbreviation_and_ama_cites_it(client: Any) -> None:
    with PUBMED.open("rb") as stream:
        report = import_file(stream, filename=PUBMED.name, status=Resource.Status.PUBLISHED)
    assert len(report.created) == 1
    resource = Resource.objects.get(pmid="29768149")
    assert resource.venue == "The New England journal of medicine"
    assert resource.venue_short == "N Engl J Med"
    record = resource_to_record(resource)
    assert "N Engl J Med" in format_citation_text(record, "ama")
    assert "N Engl J Med" in format_citation_text(record, "vancouver")
    apa = format_citation_text(record, "apa")  # APA cites the full title
    assert "New England Journal of Medicine" in apa and "N Engl J Med" not in apa
    page = client.get(resource.get_absolute_url())
    assert "N Engl J Med" in page.text


def test_ris_j2_is_read_and_written_back() -> None:
    (record,) = [r for r in ris.parse(io.BytesIO(RIS_WITH_J2.encode())) if hasattr(r, "title")]
    assert record.container_title == "Journal of the American Pharmacists Association"
    assert record.extra["container_title_short"] == "J Am Pharm Assoc"
    assert "J2  - J Am Pharm Assoc" in ris.render([record])


def test_csl_json_container_title_short_round_trips() -> None:
    item = {
        "id": "x",
        "type": "article-journal",
        "title": "T",
        "container-title": "Academic Medicine",
        "container-title-short": "Acad Med",
    }
    (record,) = list(csljson.parse(io.BytesIO(json.dumps([item]).encode())))
    assert record.extra["container_title_short"] == "Acad Med"
    assert csljson.to_csl(record, "x")["container-title-short"] == "Acad Med"


def test_an_export_of_a_resource_carries_the_abbreviation(client: Any) -> None:
    with PUBMED.open("rb") as stream:
        import_file(stream, filename=PUBMED.name, status=Resource.Status.PUBLISHED)
    resource = Resource.objects.get(pmid="29768149")
    response = client.get(reverse("exports:resource", args=[resource.pk, "csljson"]))
    assert (
        json.loads(b"".join(response.streaming_content))[0]["container-title-short"]
        == "N Engl J Med"
    )


def test_the_resource_page_names_the_language(client: Any) -> None:
    from socialmission.library.tests.factories import ResourceFactory

    spanish = ResourceFactory(language="es", status=Resource.Status.PUBLISHED)
    unknown = ResourceFactory(language="xx-unknown", status=Resource.Status.PUBLISHED)
    assert spanish.language_name() == "Spanish"
    assert unknown.language_name() == "xx-unknown"
    page = client.get(spanish.get_absolute_url())
    assert "<dt>Language</dt><dd>Spanish</dd>" in page.text
