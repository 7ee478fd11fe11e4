"""Pasting one RIS, BibTeX or MEDLINE record fills the suggestion form."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from socialmission.contributions.models import Suggestion
from socialmission.contributions.records import authors_text, parse_authors, parse_pasted_record
from socialmission.contributions.tests.helpers import suggestion_post
from socialmission.library.models import ResourceType

pytestmark = pytest.mark.django_db

RIS = """TY  - JOUR
AU  - Mullan, Fitzhugh
AU  - Chen, Candice
TI  - The social mission of medical education: ranking the schools
JO  - Annals of Internal Medicine
PY  - 2010
DO  - 10.7326/0003-4819-152-12-201006150-00009
UR  - https://www.acpjournals.org/doi/10.7326/0003-4819-152-12-201006150-00009
ER  -
"""

BIBTEX = """@article{strasser2016,
  author = {Strasser, Roger and Worley, Paul},
  title = {Putting communities in the driver's seat},
  journal = {Education for Primary Care},
  year = {2016},
  doi = {10.1080/14739879.2015.1128684}
}
"""

MEDLINE = """PMID- 28445215
TI  - Holistic review in medical school admissions and selection.
AU  - Conrad SS
FAU - Conrad, Sarah S
DP  - 2017 Jun
TA  - Acad Med
JT  - Academic medicine
LID - 10.1097/ACM.0000000000001657 [doi]
"""


def test_ris_record_fills_the_form_fields() -> None:
    result = parse_pasted_record(RIS)
    assert result.error == ""
    data = result.data
    assert data["title"] == "The social mission of medical education: ranking the schools"
    assert data["doi"] == "10.7326/0003-4819-152-12-201006150-00009"
    assert data["year"] == 2010
    assert data["venue"] == "Annals of Internal Medicine"
    assert data["authors_text"] == "Mullan, Fitzhugh\nChen, Candice"
    assert data["resource_type"] == str(
        ResourceType.objects.filter(csl_type="article-journal").first().pk
    )


def test_bibtex_and_medline_records() -> None:
    bib = parse_pasted_record(BIBTEX).data
    assert bib["title"] == "Putting communities in the driver's seat"
    assert bib["doi"] == "10.1080/14739879.2015.1128684"
    medline = parse_pasted_record(MEDLINE).data
    assert medline["pmid"] == "28445215"
    assert medline["doi"] == "10.1097/ACM.0000000000001657"


def test_unreadable_empty_and_multiple_records_give_clear_errors() -> None:
    assert "Paste a RIS" in parse_pasted_record("   ").error
    assert "could not be read" in parse_pasted_record("just some words").error
    assert "one record at a time" in parse_pasted_record(RIS + "\n" + RIS).error


def test_fill_keeps_what_was_typed_and_sends_nothing(client: Any) -> None:
    data = suggestion_post(
        action="fill", record=RIS, title="", why="My own note", submitter_email="me@example.org"
    )
    response = client.post(reverse("contributions:suggest"), data)
    assert response.status_code == 200
    assert 'value="The social mission of medical education: ranking the schools"' in response.text
    assert "My own note" in response.text
    assert 'value="me@example.org"' in response.text
    assert "check each field" in response.text
    assert not Suggestion.objects.exists()


def test_fill_with_bad_record_shows_the_error_and_keeps_the_form(client: Any) -> None:
    data = suggestion_post(action="fill", record="<script>alert(1)</script>", title="Typed title")
    response = client.post(reverse("contributions:suggest"), data)
    assert response.status_code == 200
    assert "could not be read" in response.text
    assert 'value="Typed title"' in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_a_bare_doi_or_pmid_fills_its_field() -> None:
    assert parse_pasted_record("https://doi.org/10.1097/ACM.0000000000001657").data == {
        "doi": "10.1097/ACM.0000000000001657"
    }
    assert parse_pasted_record("doi:10.1000/XYZ").data == {"doi": "10.1000/XYZ"}
    assert parse_pasted_record("PMID: 28445215").data == {"pmid": "28445215"}
    assert parse_pasted_record("28445215").data == {"pmid": "28445215"}


def test_fill_with_nothing_pasted_asks_for_a_record(client: Any) -> None:
    response = client.post(
        reverse("contributions:suggest"), suggestion_post(action="fill", record="")
    )
    assert response.status_code == 200
    assert "Paste a RIS, BibTeX or MEDLINE record first." in response.text
    assert not Suggestion.objects.exists()


def test_author_lines_go_through_the_one_name_parser() -> None:
    text = "Mullan, Fitzhugh\nSmith, Jr., John\nDepartment of Health, Ontario\nWorld Health Organization\n\n"
    authors = parse_authors(text)
    assert authors == [
        {"family": "Mullan", "given": "Fitzhugh"},
        {"family": "Smith", "given": "John Jr."},
        {"literal": "Department of Health, Ontario"},
        {"literal": "World Health Organization"},
    ]
    assert authors_text(authors) == (
        "Mullan, Fitzhugh\nSmith, John Jr.\nDepartment of Health, Ontario\nWorld Health Organization"
    )


def test_a_pasted_record_understands_a_resource_type_added_in_the_database() -> None:
    """The paste form hands the live vocabulary to the parsers, as the importer does: a type a
    curator added in the admin (unknown to the seed) is read with its CSL type and chosen."""
    added = ResourceType.objects.create(
        name="Community radio episode", slug="community-radio-episode", csl_type="broadcast"
    )
    text = (
        "title,authors,year,venue,resource_type,url\n"
        'Health equity on the air,"Lopez, Ana",2021,KRUR Radio,Community radio episode,'
        "https://example.org/episode-12\n"
    )
    result = parse_pasted_record(text)
    assert result.error == ""
    assert result.data["resource_type"] == str(added.pk)
    assert result.data["title"] == "Health equity on the air"
    # The CSL type came from the database: a broadcast is standalone, its venue the publisher.
    assert result.data["venue"] == "KRUR Radio"


def test_a_pasted_record_reads_a_type_renamed_in_the_database() -> None:
    renamed = ResourceType.objects.filter(csl_type="report").first() or ResourceType.objects.create(
        name="Report", slug="report", csl_type="report"
    )
    renamed.name = "Policy brief or report"
    renamed.save()
    text = (
        "title,authors,year,venue,resource_type,url\n"
        "Rural workforce brief,,2020,State office,Policy brief or report,https://example.org/b\n"
    )
    assert parse_pasted_record(text).data["resource_type"] == str(renamed.pk)
