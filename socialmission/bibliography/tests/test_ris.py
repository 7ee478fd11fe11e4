"""RIS: every real-world sample parses to the right records; what we write reads back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import rispy

from socialmission.bibliography import ris
from socialmission.bibliography.record import Name, Record, RecordError

SAMPLES = Path(__file__).parent / "conformance" / "ris"


def read(name: str) -> list[Record | RecordError]:
    with (SAMPLES / name).open("rb") as stream:
        return list(ris.parse(stream))


def records(name: str) -> list[Record]:
    items = read(name)
    errors = [item for item in items if isinstance(item, RecordError)]
    assert errors == []
    return [item for item in items if isinstance(item, Record)]


# Counted with `grep -c "^ER  -"` on each file, not with our parser.
@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("_baseline.ris", 100),
        ("embase.ris", 6),
        ("example_empty_tag.ris", 1),
        ("example_extraneous_data.ris", 2),
        ("example_multiline.ris", 3),
        ("example_utf_chars.ris", 1),
        ("ovid_psycinfo.ris", 6),
        ("proquest.ris", 6),
        ("pubmed_endnote.txt", 6),
        ("pubmed_zotero.ris", 6),
        ("ris_issue_992.txt", 19),
        ("scopus.ris", 6),
        ("web_of_science.txt", 10),
    ],
)
def test_every_sample_parses_to_the_right_number_of_records(name: str, count: int) -> None:
    parsed = records(name)
    assert len(parsed) == count
    assert all(record.source.startswith("record ") for record in parsed)


def test_bom_and_crlf_with_bare_lf_inside_abstracts() -> None:
    parsed = records("_baseline.ris")
    first = parsed[0]
    assert first.title.startswith("The Value of Radiologic Interventions and 18 F-DOPA PET")
    assert first.authors[0] == Name(family="Blomberg", given="Björn A.")
    assert (first.year, first.month, first.day) == (2012, 7, 3)
    assert first.container_title == "Molecular imaging and biology"
    assert (first.volume, first.issue, first.pages) == ("15", "1", "97-105")
    assert first.doi == "10.1007/s11307-012-0572-0"
    assert first.pmid == "22752652"  # from the PubMed link in L2
    assert first.url == "https://lens.org/000-463-679-101-319"
    # A bare LF inside a CRLF abstract is a line break in the value, not a new record.
    eleventh = parsed[10]
    assert eleventh.source == "record 11 (line 330)"
    assert "Guidelines on Allergen\nImmunotherapy" in eleventh.abstract
    assert parsed[99].source == "record 100 (line 3442)"
    assert parsed[99].doi == "10.1016/j.jvir.2013.12.293"


def test_embase_old_style_tags_and_pmid_in_c5() -> None:
    parsed = records("embase.ris")
    assert parsed[0].title.startswith("Duplication cysts: Diagnosis, management")
    assert parsed[0].authors[:2] == [
        Name(family="Liu", given="R."),
        Name(family="Adler", given="D.G."),
    ]
    assert parsed[0].year == 2014
    assert parsed[0].container_title == "Endoscopic Ultrasound"
    assert parsed[0].issn == "2226-7190"
    assert parsed[0].abstract  # N2 is the abstract in Embase's export
    # Only records Embase also took from Medline carry the PubMed id (C5).
    assert [r.pmid for r in parsed] == ["", "15368318", "", "30396417", "21218094", ""]


def test_empty_tag_full_url_doi_and_starred_keyword() -> None:
    (record,) = records("example_empty_tag.ris")
    assert record.pages == ""
    assert record.doi == "10.1177/2325967120950040"
    assert record.keywords == ["athlete", "biomechanics", "bone remodeling"]
    assert record.issn == "2325-9671"
    assert record.year == 2020
    assert record.authors == [Name(family="Fanning", given="E.")]


def test_vendor_junk_between_records_is_ignored() -> None:
    first, second = records("example_extraneous_data.ris")
    assert first.title == "Title of reference"
    assert first.authors[0] == Name(family="Marx", given="Karl")
    assert first.keywords == ["Pippi", "Nordwind", "Piraten"]
    assert second.title == "The title of the reference"
    assert (second.year, second.publisher, second.pages) == (2006, "Dark Factory", "e0815341")
    assert "Record #" not in second.note


def test_multiline_values_and_er_text_inside_a_value() -> None:
    parsed = records("example_multiline.ris")
    assert parsed[0].abstract == "first line, ER then second line and at the end the last line"
    assert parsed[1].abstract == "first line,\nER then second line and at the end\nthe last line"
    # Not indented, and starting with "ER": still a continuation line.
    assert parsed[2].abstract == parsed[1].abstract
    assert all(r.note == "first line\n* second line\n* last line" for r in parsed)


def test_utf8_cyrillic_vo_tag_and_display_name_type() -> None:
    (record,) = records("example_utf_chars.ris")
    assert record.type == "article-journal"  # "TY  - Journal Article"
    assert record.title.startswith("Состояние рецепторного аппарата эндометрия")
    assert record.volume == "8"
    assert record.note == "Ä,Ö,Ü,ä,ö,ü,ß"
    assert (record.issue, record.pages, record.year) == ("3", "52-57", 2009)
    assert record.authors[0] == Name(family="Dobrokhotova", given="Yu E.")


def test_ovid_record_numbers_url_dois_and_unspecified_pages() -> None:
    parsed = records("ovid_psycinfo.ris")
    assert parsed[0].doi == "10.1002/cpp.2398"
    assert parsed[0].pages == ""  # "SP - No" / "EP - Specified"
    assert parsed[1].pages == "847-856"
    assert parsed[0].year == 2019
    assert parsed[0].container_title == "Clinical Psychology & Psychotherapy"
    assert parsed[0].source == "record 1 (line 2)"


def test_proquest_accession_and_keywords() -> None:
    first = records("proquest.ris")[0]
    assert first.title.startswith("Predictors of posttraumatic stress symptom trajectories")
    assert first.extra["accession_number"] == "2214991469; 51887"
    assert first.pmid == ""
    assert first.issn == "0894-9867"
    assert first.doi == "10.1002/jts.22387"


def test_endnote_pubmed_export_gives_pmids_and_months() -> None:
    parsed = records("pubmed_endnote.txt")
    assert [r.pmid for r in parsed] == [
        "21553931", "29459515", "27626602", "27452660", "24407360", "28482341",
    ]  # fmt: skip
    first = parsed[0]
    assert first.title.startswith("Boswellia serrata: an overall assessment")
    assert (first.year, first.month) == (2011, 6)
    assert first.container_title == "Clin Pharmacokinet"
    assert (first.volume, first.issue, first.pages) == ("50", "6", "349-69")
    assert first.language == "eng"


def test_zotero_export_with_two_issns() -> None:
    parsed = records("pubmed_zotero.ris")
    assert parsed[0].authors[2] == Name(family="Basinska", given="Malgorzata A.")
    assert parsed[0].container_title == "Przeglad gastroenterologiczny"
    assert parsed[0].doi == "10.5114/pg.2018.81081"
    assert parsed[1].issn == "1128-045X"


def test_rayyan_keywords_continued_on_untagged_lines() -> None:
    parsed = records("ris_issue_992.txt")
    first = parsed[0]
    assert first.title == "Overcoming Medication Reconciliation Challenges"
    assert len(first.keywords) == 13
    assert first.keywords[:3] == ["Health Facility Administration", "Joint Commission", "Standards"]
    assert first.keywords[-1] == "Patient Education"
    assert first.pages == "1-5"
    assert parsed[6].pmid == "23162881"  # from a PubMed link in UR
    assert parsed[18].source == "record 19 (line 541)"


def test_scopus_pmid_in_c2() -> None:
    parsed = records("scopus.ris")
    assert [r.pmid for r in parsed] == [
        "",
        "31421429",
        "31627144",
        "31574429",
        "30704343",
        "31175206",
    ]
    assert parsed[0].issn == "0306-4530"  # "03064530 (ISSN)"
    assert parsed[0].doi == "10.1016/j.psyneuen.2019.104501"


def test_web_of_science_ris_accession_is_not_a_pmid() -> None:
    parsed = records("web_of_science.txt")
    assert all(r.pmid == "" for r in parsed)
    assert parsed[0].extra["accession_number"] == "WOS:000444108200009"
    assert parsed[0].authors[:2] == [
        Name(family="Alceste", given="F"),
        Name(family="Luke", given="TJ"),
    ]
    assert (parsed[0].year, parsed[0].month) == (2018, 9)
    assert parsed[0].pages == "387-397"


def test_single_space_separator_and_missing_end_line() -> None:
    text = "TY - JOUR\nTI - Short separators\nAU - Doe, Jane\nPY - 2019///\nER -\nTY  - BOOK\nTI  - Cut short\n"
    items = list(ris.parse_text(text))
    assert isinstance(items[0], Record)
    assert items[0].title == "Short separators"
    assert items[0].authors == [Name(family="Doe", given="Jane")]
    assert items[0].year == 2019
    assert items[1] == RecordError(
        "record 2 (line 6)", "record has no end line ('ER  -'); the file may be cut short"
    )


def test_types_map_to_csl() -> None:
    text = "".join(
        f"TY  - {ty}\nTI  - x\nER  - \n" for ty in ("CHAP", "RPRT", "ELEC", "THES", "CONF", "XYZ")
    )
    types = [r.type for r in ris.parse_text(text) if isinstance(r, Record)]
    assert types == ["chapter", "report", "webpage", "thesis", "paper-conference", "article"]


def test_sniff() -> None:
    assert ris.sniff(b"\xef\xbb\xbfTY  - JOUR\r\n")
    assert ris.sniff(b"Record #1 of 2\nProvider: x\n1.\nTY  - JOUR\n")
    assert not ris.sniff(b"PMID- 123\nTI  - x\n")
    assert not ris.sniff(b"@article{x, title={y}}")


FULL = Record(
    title="Community health workers & equity: 50% of the story",
    type="article-journal",
    authors=[Name(family="Núñez", given="María"), Name(literal="World Health Organization")],
    year=2021,
    month=3,
    day=9,
    container_title="Journal of Health Equity",
    volume="12",
    issue="3",
    pages="101-115",
    doi="10.1000/xyz.123",
    pmid="33333333",
    url="https://example.org/article",
    abstract="Line one.\nLine two.",
    keywords=["equity", "workforce"],
    language="en",
    publisher="Equity Press",
    issn="1234-5678",
)


def test_render_round_trip_keeps_the_essentials() -> None:
    text = ris.render([FULL])
    (back,) = list(ris.parse_text(text))
    assert isinstance(back, Record)
    assert back.title == FULL.title
    assert back.authors == FULL.authors
    assert (back.year, back.month, back.day) == (2021, 3, 9)
    assert back.container_title == FULL.container_title
    assert (back.volume, back.issue, back.pages) == ("12", "3", "101-115")
    assert back.doi == FULL.doi
    assert back.pmid == FULL.pmid
    assert back.url == FULL.url
    assert back.keywords == FULL.keywords
    assert back.issn == FULL.issn
    assert back.type == "article-journal"


def test_rispy_reads_what_we_render() -> None:
    book = Record(title="A book", type="book", authors=[Name(family="Roe", given="R")], year=2000)
    text = ris.render([FULL, book])
    assert text.startswith("TY  - JOUR\r\n")  # no "1." counter line before the record
    entries = rispy.loads(text)
    assert len(entries) == 2
    assert entries[0]["type_of_reference"] == "JOUR"
    assert entries[0]["title"] == FULL.title
    assert entries[0]["authors"] == ["Núñez, María", "World Health Organization"]
    assert entries[0]["doi"] == "10.1000/xyz.123"
    assert entries[0]["start_page"] == "101"
    assert entries[0]["end_page"] == "115"
    assert entries[1]["type_of_reference"] == "BOOK"


def test_render_nothing_is_empty() -> None:
    assert ris.render([]) == ""


def test_parse_reads_bytes_in_other_encodings() -> None:
    data = "TY  - JOUR\r\nTI  - Café\r\nER  - \r\n".encode("utf-16")
    (record,) = list(ris.parse(io.BytesIO(data)))
    assert isinstance(record, Record)
    assert record.title == "Café"


def test_t2_is_a_series_for_books_and_the_website_for_web_pages() -> None:
    book, page = [
        r for r in ris.parse_text(
            "TY  - BOOK\nTI  - A book\nT2  - A series\nER  - \nTY  - ELEC\nTI  - A page\nT2  - A website\nER  - \n"
        )
        if isinstance(r, Record)
    ]  # fmt: skip
    assert (book.container_title, book.extra["collection_title"]) == ("", "A series")
    assert page.container_title == "A website"


def test_older_chapter_tags_for_editors_and_book_title() -> None:
    (chapter,) = list(
        ris.parse_text("TY  - CHAP\nTI  - A chapter\nED  - Roe, Rita\nBT  - The book\nER  - \n")
    )
    assert isinstance(chapter, Record)
    assert chapter.editors == [Name(family="Roe", given="Rita")]
    assert chapter.container_title == "The book"
