"""Every bibliographic sample file goes through the importer with the expected outcome.

The samples are the conformance files the format parsers are tested on (real exports from
PubMed, Scopus, Web of Science, Embase, Zotero, Mendeley, JabRef …). Each file is imported into an
empty library; the numbers are what the importer must report. Within-file duplicates (the
same DOI, or the same title, year and first author twice) lower "created"; rejected records are
those the parser could not use (no title, BibTeX @set groups …). Files that are not
bibliographies are rejected as a whole with a message naming what they are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from socialmission.interop.importer import ImportFileError, import_file
from socialmission.library.models import Resource

pytestmark = pytest.mark.django_db

CONFORMANCE = Path(__file__).resolve().parents[2] / "bibliography" / "tests" / "conformance"

# file: (format label, created, duplicates, rejected)
EXPECTED: dict[str, tuple[str, int, int, int]] = {
    "ris/_baseline.ris": ("RIS", 100, 0, 0),
    "ris/embase.ris": ("RIS", 6, 0, 0),
    "ris/example_empty_tag.ris": ("RIS", 1, 0, 0),
    "ris/example_extraneous_data.ris": ("RIS", 2, 0, 0),
    # Three records with notes and abstracts but no title at all.
    "ris/example_multiline.ris": ("RIS", 0, 0, 3),
    "ris/example_utf_chars.ris": ("RIS", 1, 0, 0),
    "ris/ovid_psycinfo.ris": ("RIS", 6, 0, 0),
    "ris/proquest.ris": ("RIS", 6, 0, 0),
    "ris/pubmed_endnote.txt": ("RIS", 6, 0, 0),
    "ris/pubmed_zotero.ris": ("RIS", 6, 0, 0),
    "ris/ris_issue_992.txt": ("RIS", 19, 0, 0),
    "ris/scopus.ris": ("RIS", 6, 0, 0),
    "ris/web_of_science.txt": ("RIS", 10, 0, 0),
    "bibtex/Double newlines means parbreak #2789.bib": ("BibTeX / BibLaTeX", 1, 0, 0),
    "bibtex/Endnote should parse.bib": ("BibTeX / BibLaTeX", 1, 0, 0),
    "bibtex/Jabref import - groups lost #1730-3.bib": ("BibTeX / BibLaTeX", 4, 0, 0),
    "bibtex/Literal names.bib": ("BibTeX / BibLaTeX", 1, 0, 0),
    "bibtex/Qiqqa.bib": ("BibTeX / BibLaTeX", 2, 0, 0),
    "bibtex/article_missing_coma.bib": ("BibTeX / BibLaTeX", 4, 0, 0),
    "bibtex/article_start_with_bom.bib": ("BibTeX / BibLaTeX", 1, 0, 0),
    # biber's test file: @set groups and title-less entries are rejected, and several entries
    # repeat one work (same title, year and first author).
    "bibtex/biber-examples.bib": ("BibTeX / BibLaTeX", 87, 10, 21),
    "bibtex/crossref_entries.bib": ("BibTeX / BibLaTeX", 14, 0, 0),
    "bibtex/gbk_test.bib": ("BibTeX / BibLaTeX", 1, 0, 0),
    "bibtex/traps.bib": ("BibTeX / BibLaTeX", 1, 0, 0),
    "bibtex/web_of_science_bib.bib": ("BibTeX / BibLaTeX", 2, 0, 0),
    # A Mendeley library with the same DOI exported several times.
    "bibtex/web_page and other mendeley idiocy.bib": ("BibTeX / BibLaTeX", 504, 8, 0),
    "csl_json/CSL exporters; ignore [Fields to omit from export] setting #1179.csl.json": (
        "CSL-JSON",
        26,
        0,
        0,
    ),
    "csl_json/Date export to Better CSL-JSON #360 #811.csl.json": ("CSL-JSON", 15, 0, 0),
    "medline/pubmed_result1.txt": ("MEDLINE / PubMed (.nbib)", 1, 0, 0),
    "medline/pubmed_result2.txt": ("MEDLINE / PubMed (.nbib)", 4, 0, 0),
    "medline/pubmed_result3.txt": ("MEDLINE / PubMed (.nbib)", 1, 0, 0),
    "medline/pubmed_result4.txt": ("MEDLINE / PubMed (.nbib)", 1, 0, 0),
    "pubmed_xml/medline16n0902.xml.gz": ("PubMed XML", 604, 0, 0),
    "pubmed_xml/pubmed-29768149.xml": ("PubMed XML", 1, 0, 0),
    "pubmed_xml/pubmed1.xml": ("PubMed XML", 2, 0, 0),
    "pubmed_xml/pubmed2.xml": ("PubMed XML", 2, 0, 0),
    "pubmed_xml/pubmed4.xml": ("PubMed XML", 1, 0, 0),
    "pubmed_xml/pubmed5.xml": ("PubMed XML", 1, 0, 0),
    "pubmed_xml/pubmed6.xml": ("PubMed XML", 1, 0, 0),
    "pubmed_xml/pubmed7.xml": ("PubMed XML", 1, 0, 0),
    "pubmed_xml/test_current_medline.xml.gz": ("PubMed XML", 4, 0, 0),
    "wos_tagged/example_wos.ris": ("Web of Science (tagged)", 2, 0, 0),
    "csv/embase.csv": ("CSV", 6, 0, 0),
    "csv/embase_newpage.csv": ("CSV", 6, 0, 0),
    "csv/generic_semicolon.csv": ("CSV", 2, 0, 0),
    "csv/ieee.csv": ("CSV", 10, 0, 0),
    # Rows 2 and 4 have no title; row 3 repeats row 1.
    "csv/missing_values.csv": ("CSV", 1, 1, 2),
    "csv/pubmed-chatbot.csv": ("CSV", 6, 0, 0),
    "csv/pubmed_csv.csv": ("CSV", 1, 0, 0),
    # Four rows for the volumes of one conference proceedings with the same title.
    "csv/scopus.csv": ("CSV", 55, 3, 0),
    "csv/springer.csv": ("CSV", 18, 0, 0),
    # citation.js mapping fixtures: many entries are variants of one "Lorem Ipsum" work.
    "mappings/citation-js-biblatex-csl.json": ("CSL-JSON", 27, 1, 0),
    "mappings/citation-js-biblatex-input.bib": ("BibTeX / BibLaTeX", 27, 1, 0),
    "mappings/citation-js-bibtex-csl.json": ("CSL-JSON", 3, 13, 0),
    "mappings/citation-js-bibtex-input.bib": ("BibTeX / BibLaTeX", 3, 13, 0),
}

NOT_BIBLIOGRAPHIES = {
    "not_bibliographic/rss2sample.xml": "the file is an RSS or Atom news feed",
    "not_bibliographic/zenodo-Identify.xml": "the file is an OAI-PMH response",
}

SKIPPED_FOLDERS = {"specs"}  # the CSL-JSON schema, not a sample


def test_every_sample_file_has_an_expectation() -> None:
    samples = {
        str(path.relative_to(CONFORMANCE))
        for path in CONFORMANCE.rglob("*")
        if path.is_file()
        and path.name != "SOURCES.md"
        and path.relative_to(CONFORMANCE).parts[0] not in SKIPPED_FOLDERS
    }
    assert samples == set(EXPECTED) | set(NOT_BIBLIOGRAPHIES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_imports_with_the_expected_counts(name: str) -> None:
    label, created, duplicates, rejected = EXPECTED[name]
    path = CONFORMANCE / name
    with path.open("rb") as stream:
        report = import_file(stream, filename=path.name)
    assert report.format == label
    assert (len(report.created), len(report.duplicates), len(report.rejected)) == (
        created,
        duplicates,
        rejected,
    )
    assert report.updated == []
    assert Resource.objects.count() == created
    assert all(entry.reason for entry in report.rejected)
    assert all(entry.position for entry in report.rejected + report.duplicates)
    # Every created resource has a title and the id it was reported with.
    titles = dict(Resource.objects.values_list("pk", "title"))
    assert {entry.resource_id for entry in report.created} == set(titles)
    assert all(titles.values())


@pytest.mark.parametrize("name", sorted(NOT_BIBLIOGRAPHIES))
def test_non_bibliographies_are_rejected_with_a_clear_message(name: str) -> None:
    path = CONFORMANCE / name
    with path.open("rb") as stream, pytest.raises(ImportFileError) as error:
        import_file(stream, filename=path.name)
    assert str(error.value).startswith(f"{path.name}: {NOT_BIBLIOGRAPHIES[name]}")
    assert not Resource.objects.exists()


def _first(name: str) -> Resource:
    path = CONFORMANCE / name
    with path.open("rb") as stream:
        report = import_file(stream, filename=path.name)
    return Resource.objects.get(pk=report.created[0].resource_id)


def _fields(resource: Resource) -> dict[str, object]:
    names = ("title", "authors", "year", "venue", "volume", "issue", "pages", "doi", "pmid")
    return {name: getattr(resource, name) for name in names}


def test_pubmed_xml_fields() -> None:
    resource = _first("pubmed_xml/pubmed1.xml")
    assert _fields(resource) == {
        "title": "The treatment of AIDS behind the walls of correctional facilities",
        "authors": [{"family": "Olivero", "given": "J Michael"}],
        "year": 1990,
        "venue": "Social justice (San Francisco, Calif.)",
        "volume": "17",
        "issue": "1",
        "pages": "113-25",
        "doi": "",
        "pmid": "12091962",
    }
    assert resource.resource_type.slug == "article"


def test_medline_fields() -> None:
    assert _fields(_first("medline/pubmed_result1.txt")) == {
        "title": "The Bio* toolkits--a brief overview",
        "authors": [{"family": "Mangalam", "given": "Harry"}],
        "year": 2002,
        "venue": "Briefings in bioinformatics",
        "volume": "3",
        "issue": "3",
        "pages": "296-302",
        "doi": "",
        "pmid": "12230038",
    }


def test_ris_fields() -> None:
    resource = _first("ris/scopus.ris")
    assert _fields(resource) == {
        "title": "Stress and the brain-gut axis in functional and chronic-inflammatory "
        "gastrointestinal diseases: A transdisciplinary challenge",
        "authors": [
            {"family": "Labanski", "given": "A."},
            {"family": "Langhorst", "given": "J."},
            {"family": "Engler", "given": "H."},
            {"family": "Elsenbruch", "given": "S."},
        ],
        "year": 2020,
        "venue": "Psychoneuroendocrinology",
        "volume": "111",
        "issue": "",
        "pages": "",
        "doi": "10.1016/j.psyneuen.2019.104501",
        "pmid": "",
    }
    assert resource.url.startswith(
        "https://www.scopus.com/inward/record.uri?eid=2-s2.0-85074596690"
    )


def test_ris_non_latin_text() -> None:
    resource = _first("ris/example_utf_chars.ris")
    assert resource.title.startswith("Состояние рецепторного аппарата эндометрия")
    assert resource.authors[0] == {"family": "Dobrokhotova", "given": "Yu E."}


def test_bibtex_fields() -> None:
    assert _fields(_first("bibtex/web_of_science_bib.bib")) == {
        "title": "Inproceedings Title",
        "authors": [
            {"family": "Writerone", "given": "Julia"},
            {"family": "Writertwo", "given": "Paul"},
        ],
        "year": 2017,
        "venue": "A BOOKTITLE",
        "volume": "123456",
        "issue": "",
        "pages": "48-98",
        "doi": "10.1007/999-9-999-99999-9_3",
        "pmid": "",
    }


def test_wos_fields() -> None:
    assert _fields(_first("wos_tagged/example_wos.ris")) == {
        "title": "Interactions stabilizing the structure of the core light-harvesting complex "
        "(LHl) of photosynthetic bacteria and its subunit (B820)",
        "authors": [
            {"family": "Parkes-Loach", "given": "PS"},
            {"family": "Majeed", "given": "AP"},
            {"family": "Law", "given": "CJ"},
            {"family": "Loach", "given": "PA"},
        ],
        "year": 2004,
        "venue": "Biochemistry",
        "volume": "43",
        "issue": "22",
        "pages": "7003-7016",
        "doi": "10.1021/bi049798f",
        "pmid": "15170338",
    }


def test_csv_fields() -> None:
    assert _fields(_first("csv/pubmed_csv.csv")) == {
        "title": "Paper title",
        "authors": [{"family": "Smith", "given": "A"}, {"family": "Walter", "given": "B"}],
        "year": 2021,
        "venue": "Nature",
        "volume": "1",
        "issue": "2",
        "pages": "10-11",
        "doi": "10.1111/nature1111",
        "pmid": "11223344",
    }


def test_csl_json_fields() -> None:
    resource = _first("csl_json/Date export to Better CSL-JSON #360 #811.csl.json")
    assert resource.title == "EDTF date range, circa begin & end: 2011-05-25~/2012-06-26~"
    assert resource.authors == [{"family": "Doe10", "given": "John"}]
    assert resource.year == 2011


def test_importing_the_same_file_twice_creates_nothing_new() -> None:
    path = CONFORMANCE / "pubmed_xml" / "test_current_medline.xml.gz"
    with path.open("rb") as stream:
        first = import_file(stream, filename=path.name)
    with path.open("rb") as stream:
        second = import_file(stream, filename=path.name)
    assert len(first.created) == 4
    assert second.created == [] and second.updated == []
    assert len(second.duplicates) == 4
    assert Resource.objects.count() == 4
