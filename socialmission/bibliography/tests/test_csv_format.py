"""CSV import (every layout in conformance/csv, the starter catalog) and our CSV export."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmission.bibliography import csv_format
from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.library.vocabularies import RESOURCE_TYPES

SAMPLES = Path(__file__).parent / "conformance" / "csv"
STARTER = Path(__file__).parents[2] / "library" / "data" / "starter-catalog.csv"


# The caller's live vocabulary of resource types (here: the seed), as the importer passes it.
SEED_TYPES = {
    key.casefold(): csl for name, slug, csl, _schema in RESOURCE_TYPES for key in (name, slug)
}


def _parse_bytes(data: bytes) -> list[Record | RecordError]:
    return list(csv_format.parse(io.BytesIO(data), resource_types=SEED_TYPES))


def _parse(name: str) -> list[Record | RecordError]:
    return _parse_bytes((SAMPLES / name).read_bytes())


def _records(name: str) -> list[Record]:
    items = _parse(name)
    assert all(isinstance(i, Record) for i in items), [
        i for i in items if isinstance(i, RecordError)
    ]
    return [i for i in items if isinstance(i, Record)]


@pytest.mark.parametrize(
    ("name", "layout", "count"),
    [
        ("embase.csv", "embase", 6),
        ("embase_newpage.csv", "embase", 6),
        ("generic_semicolon.csv", "generic", 2),
        ("ieee.csv", "ieee", 10),
        ("pubmed-chatbot.csv", "pubmed", 6),
        ("pubmed_csv.csv", "pubmed", 1),
        ("scopus.csv", "scopus", 58),
        ("springer.csv", "springer", 18),
    ],
)
def test_every_sample_parses_with_the_right_layout_and_count(
    name: str, layout: str, count: int
) -> None:
    records = _records(name)
    assert len(records) == count
    assert {r.source.split(" ")[1] for r in records} == {f"({layout})"}
    assert all(r.title for r in records)


def test_missing_values_rows_without_title_are_reported() -> None:
    items = _parse("missing_values.csv")
    assert [type(i).__name__ for i in items] == ["Record", "RecordError", "Record", "RecordError"]
    assert items[0] == Record(title="Title of reference", source="csv (generic) record 1 (line 2)")
    assert items[1] == RecordError(position="record 2 (line 3)", reason="no title in this row")
    assert items[3] == RecordError(position="record 4 (line 5)", reason="no title in this row")


def test_pubmed_csv_with_bom_and_crlf() -> None:
    (record,) = _records("pubmed_csv.csv")
    assert record.title == "Paper title"
    assert record.authors == [Name(family="Smith", given="A"), Name(family="Walter", given="B")]
    assert (record.pmid, record.pmcid, record.doi) == (
        "11223344",
        "PMC1122334",
        "10.1111/nature1111",
    )
    assert (record.volume, record.issue, record.pages) == ("1", "2", "10-11")
    assert record.container_title == "Nature"
    assert record.year == 2021


def test_pubmed_chatbot_citation_string_gives_volume_issue_pages() -> None:
    records = _records("pubmed-chatbot.csv")
    first, second = records[0], records[1]
    assert first.pmid == "35227408"
    assert first.authors[-1] == Name(family="Lau", given="Y")  # the final "." is not an initial
    assert first.authors[1] == Name(family="Shiau", given="CWC")
    assert (first.volume, first.issue, first.pages) == ("53", "2", "334-347")
    assert first.pmcid == ""
    assert (second.volume, second.issue, second.pages) == ("7", "4", "e27850")
    assert second.pmcid == "PMC8669585"


def test_scopus_bom_ragged_rows_and_giant_cells() -> None:
    records = _records("scopus.csv")
    first = records[0]
    assert first.title == "Scalable molecular dynamics with NAMD"
    assert len(first.authors) == 10
    assert first.authors[0] == Name(family="Phillips", given="JC")
    assert first.authors[8] == Name(family="Kalé", given="L")
    assert first.container_title == "Journal of Computational Chemistry"
    assert first.extra["container_title_short"] == "J. Comput. Chem."
    assert (first.volume, first.issue, first.pages) == ("26", "16", "1781-1802")
    assert first.doi == "10.1002/jcc.20289"
    assert first.language == "en"
    assert first.id == "2-s2.0-27344436659"
    # A 46-cell row (an unnamed second funding text): later columns still line up.
    third = records[2]
    assert third.extra["container_title_short"] == "Sci. Rep."
    assert third.pmid == "35064163"
    assert third.pages == "1135"  # article number when there are no pages
    assert third.type == "article-journal"
    assert sum(1 for r in records if r.type == "paper-conference") == 18
    assert sum(1 for r in records if not r.authors) == 9  # "[No author name available]"


def test_embase_source_string_and_doi_from_openurl() -> None:
    records = _records("embase.csv")
    first, second = records[0], records[1]
    assert first.authors == [Name(family="Liu", given="R"), Name(family="Adler", given="DG")]
    assert first.container_title == "Endoscopic Ultrasound"
    assert (first.year, first.volume, first.issue, first.pages) == (2014, "3", "3", "152-160")
    assert first.doi == "10.4103/2303-9027.138783"
    assert first.keywords[:2] == ["endoscopic ultrasonography", "gastrointestinal malformation"]
    assert (second.year, second.month, second.day) == (2004, 8, 25)
    assert second.container_title == "Cancer"


def test_embedded_newlines_keep_rows_and_line_numbers_right() -> None:
    plain, multiline = _records("embase.csv"), _records("embase_newpage.csv")
    assert [r.title for r in plain] == [r.title for r in multiline]
    assert multiline[0].abstract.startswith("TEST\n\nGastrointestinal tract duplication cysts")
    assert multiline[1].source == "csv (embase) record 2 (line 5)"


def test_semicolon_delimiter_and_list_literal_cells() -> None:
    first, second = _records("generic_semicolon.csv")
    assert first.title == "Title of reference"
    assert first.authors == [
        Name(family="Marx", given="Karl"),
        Name(family="Lindgren", given="Astrid"),
    ]
    assert first.editors == [Name(family="Glattauer", given="Daniel")]
    assert first.keywords == ["Pippi", "Nordwind", "Piraten"]
    assert (first.year, first.volume, first.issue, first.pages) == (2014, "9", "3", "e0815")
    assert second.keywords[0] == "Pippi Langstrumpf"


def test_ieee_quotes_and_semicolon_authors() -> None:
    first, second = _records("ieee.csv")[:2]
    assert (
        first.title
        == 'Exascale Computing Trends: Adjusting to the "New Normal"\' for Computer Architecture'
    )
    assert first.authors == [Name(family="Kogge", given="P."), Name(family="Shalf", given="J.")]
    assert first.pages == "16-26"
    assert first.doi == "10.1109/MCSE.2013.95"
    assert second.type == "paper-conference"


def test_springer_glued_author_names() -> None:
    records = _records("springer.csv")
    assert records[0].authors == [
        Name(family="Aliev", given="Araz R."),
        Name(family="Ismayilova", given="Nigar T."),
    ]
    # Academic titles dropped.
    assert records[1].authors[1] == Name(family="Kacprzyk", given="Janusz")
    assert records[1].type == "book"
    assert records[0].type == "chapter"


def test_split_glued_names_keeps_camel_case_surnames() -> None:
    assert csv_format.split_glued_names("Ben McGahanMaria Smith") == ["Ben McGahan", "Maria Smith"]


def test_unknown_layout_is_rejected_naming_its_columns() -> None:
    items = _parse_bytes(b"foo,bar baz,qux\n1,2,3\n")
    assert items == [
        RecordError(
            position="line 1",
            reason="unrecognised CSV columns: 'foo', 'bar baz', 'qux'. Supported layouts: "
            "Social Mission Library / starter catalog; PubMed CSV; Scopus CSV; Embase CSV; "
            "IEEE Xplore CSV; SpringerLink CSV; Web of Science tab-delimited; a table with a 'title' "
            "column.",
        )
    ]
    assert csv_format.sniff(b"foo,bar baz,qux\n1,2,3\n")


def test_empty_file_and_ragged_rows() -> None:
    assert _parse_bytes(b"") == [RecordError(position="line 1", reason="the CSV file is empty")]
    items = _parse_bytes(b"title,year\nA,2020,extra\nB,2021,,\n")
    assert items[0] == RecordError(
        position="record 1 (line 2)", reason="3 cells but the header has 2 columns"
    )
    assert isinstance(items[1], Record) and items[1].year == 2021


def test_non_utf8_encoding_is_detected() -> None:
    data = "title;authors;year;venue;resource_type\nÉtude sur la santé des communautés rurales;Lévesque M;2019;Revue médicale;Report\n".encode(
        "cp1252"
    )
    (record,) = _parse_bytes(data)
    assert isinstance(record, Record)
    assert record.title == "Étude sur la santé des communautés rurales"
    assert record.authors == [Name(family="Lévesque", given="M")]
    assert record.type == "report"
    assert record.publisher == "Revue médicale"  # a report's venue is its publisher


def test_delimiter_detection() -> None:
    assert csv_format.detect_delimiter('"a,b";c;d') == ";"
    assert csv_format.detect_delimiter("a\tb\tc") == "\t"
    assert csv_format.detect_delimiter("title") == ","


def test_sniff() -> None:
    assert csv_format.sniff((SAMPLES / "scopus.csv").read_bytes()[:4096])
    assert csv_format.sniff((SAMPLES / "generic_semicolon.csv").read_bytes())
    assert not csv_format.sniff(b"TY  - JOUR\nTI  - x\nER  - \n")
    assert not csv_format.sniff(b"@article{key,\n title={x}}\n")
    assert not csv_format.sniff(b"PMID- 1\nTI  - x\n")
    assert not csv_format.sniff(b"<?xml version='1.0'?><x/>")


def test_starter_catalog_reads_with_vocabularies() -> None:
    items = list(csv_format.parse(io.BytesIO(STARTER.read_bytes()), resource_types=SEED_TYPES))
    assert len(items) == 101
    records = [i for i in items if isinstance(i, Record)]
    assert len(records) == 101
    first = records[0]
    assert first.title == "The Social Mission of Medical Education: Ranking the Schools"
    assert first.authors[0] == Name(family="Mullan", given="F")
    assert first.container_title == "Annals of Internal Medicine"
    assert first.resource_type == "Peer-reviewed article"
    assert first.domains == ["Governance & Accountability", "Pathways, Admission & Graduation"]
    assert first.professions == ["Medicine"]
    assert first.pmid == "20547907"
    assert first.abstract.startswith("Introduced a composite 'social mission score'")


def test_starter_catalog_reports_and_editors() -> None:
    items = list(csv_format.parse(io.BytesIO(STARTER.read_bytes()), resource_types=SEED_TYPES))
    records = [i for i in items if isinstance(i, Record)]
    report = records[2]
    assert report.type == "report"
    assert report.organization.startswith("World Health Organization")
    assert report.publisher == "World Health Organization, Geneva (WHO/HRH/95.7)"
    assert report.container_title == ""
    # "et al." is not an author; "(eds)" makes the list editors.
    assert all(n.family != "al." for r in records for n in r.authors)
    edited = next(r for r in records if r.title.startswith("In the Nation's Compelling Interest"))
    assert edited.authors == []
    assert edited.editors[-1] == Name(family="Bristow", given="LR")


def _full_record() -> Record:
    return Record(
        title='Community health workers, =HYPERLINK("x") and equity',
        type="article-journal",
        authors=[
            Name(family="Mullan", given="Fitzhugh"),
            Name(family="van der Berg", given="J A"),
            Name(literal="Social Mission Alliance"),
        ],
        year=2020,
        container_title="Academic Medicine",
        volume="95",
        issue="5",
        pages="700-705",
        doi="10.1097/acm.0000000000003155",
        pmid="31876566",
        url="https://example.org/a",
        abstract='First paragraph.\n\nSecond, with "quotes" and | pipes.',
        keywords=["equity", "-negative results"],
        language="en",
        resource_type="Peer-reviewed article",
        domains=["Community Engagement", "Pathways, Admission & Graduation"],
        topics=["Community partnerships"],
        professions=["Medicine", "Nursing"],
        evidence_level="Evidence-based",
    )


def test_render_writes_our_columns() -> None:
    text = csv_format.render([_full_record()])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(csv_format.EXPORT_COLUMNS)
    assert rows[0][:16] == [
        "title", "authors", "organization", "year", "venue", "volume", "issue", "pages", "doi",
        "pmid", "url", "resource_type", "domains", "topics", "professions", "description",
    ]  # fmt: skip
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["authors"] == "Mullan F; van der Berg JA; Social Mission Alliance"
    assert row["domains"] == "Community Engagement|Pathways, Admission & Graduation"
    assert row["professions"] == "Medicine|Nursing"
    # Only a cell's first character can start a formula.
    assert row["keywords"] == "equity|-negative results"
    assert row["year"] == "2020"
    assert row["venue"] == "Academic Medicine"
    assert row["evidence_level"] == "Evidence-based"
    assert row["description"] == 'First paragraph.\n\nSecond, with "quotes" and | pipes.'
    assert text.endswith("\r\n")
    # Rows end in CRLF; the line breaks inside the quoted description stay as written.
    assert text.count("\r\n") == 2


def test_render_guards_cells_against_spreadsheet_formulas() -> None:
    record = Record(title="=cmd|' /C calc'!A0", authors=[Name(literal="@SUM(A1)")], pages="-1")
    rows = list(csv.reader(io.StringIO(csv_format.render([record]), newline="")))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["authors"] == "'@SUM(A1)"
    assert row["pages"] == "'-1"
    # Our importer removes the guard again.
    (back,) = _parse_bytes(
        csv_format.render([Record(title="=1+1", resource_type="Report")]).encode()
    )
    assert isinstance(back, Record) and back.title == "=1+1"
    # A title that itself starts with the guard character comes back unchanged too.
    for title in ("'=x", "'plain", "''=y"):
        (again,) = _parse_bytes(csv_format.render([Record(title=title)]).encode())
        assert isinstance(again, Record) and again.title == title


def test_round_trip_of_our_export() -> None:
    original = _full_record()
    (back,) = _parse_bytes(csv_format.render([original]).encode("utf-8"))
    assert isinstance(back, Record)
    for field in (
        "title", "year", "container_title", "volume", "issue", "pages", "doi", "pmid", "url",
        "abstract", "language", "resource_type", "domains", "topics", "professions",
        "evidence_level", "keywords",
    ):  # fmt: skip
        assert getattr(back, field) == getattr(original, field), field
    # Names come back in the export's "Family Initials" form.
    assert back.authors == [
        Name(family="Mullan", given="F"),
        Name(family="van der Berg", given="JA"),
        Name(literal="Social Mission Alliance"),
    ]


def test_round_trip_of_the_starter_catalog() -> None:
    records = [r for r in _parse_bytes(STARTER.read_bytes()) if isinstance(r, Record)]
    again = [r for r in _parse_bytes(csv_format.render(records).encode()) if isinstance(r, Record)]
    assert len(again) == 101
    for before, after in zip(records, again, strict=True):
        before.source = after.source = ""
        before.extra = after.extra = {}
        assert after == before


def test_iter_render_matches_render() -> None:
    records = [_full_record(), Record(title="Second")]
    assert "".join(csv_format.iter_render(records)) == csv_format.render(records)


def test_web_of_science_tab_delimited_utf16() -> None:
    data = (
        "PT\tAU\tAF\tTI\tSO\tDE\tID\tPY\tVL\tBP\tEP\tDI\tPM\tUT\n"
        "J\tMullan, F; Chen, C\tMullan, Fitzhugh; Chen, Candice\t"
        "The social mission of medical education\tANNALS OF INTERNAL MEDICINE\t"
        "social mission; equity\tPRIMARY CARE\t2010\t152\t804\t811\t"
        "10.7326/0003-4819-152-12-201006150-00009\t20547907\tWOS:000278677900009\n"
        "J\tSmith, J\t\t\tJOURNAL\t\t\t2011\t\t\t\t\t\tWOS:1\n"
    ).encode("utf-16")
    first, second = _parse_bytes(data)
    assert isinstance(first, Record)
    assert first.authors == [
        Name(family="Mullan", given="Fitzhugh"),
        Name(family="Chen", given="Candice"),
    ]
    assert first.container_title == "Annals of Internal Medicine"
    assert first.keywords == ["social mission", "equity", "primary care"]
    assert (first.year, first.volume, first.pages) == (2010, "152", "804-811")
    assert first.pmid == "20547907"
    assert first.source == "csv (wos) record 1 (line 2)"
    assert second == RecordError(position="record 2 (line 3)", reason="no title in this row")


_cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Co", "Cc"), blacklist_characters="|;"),
    max_size=40,
).map(lambda s: " ".join(s.split()))


@settings(max_examples=150, deadline=None)
@given(
    title=_cell_text.filter(bool),
    venue=_cell_text,
    abstract=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Co")), max_size=80).map(
        lambda s: s.replace("\r", "").strip()
    ),
    domains=st.lists(_cell_text.filter(bool), max_size=3),
    year=st.none() | st.integers(min_value=1500, max_value=2100),
)
def test_export_then_import_gives_the_same_fields(
    title: str, venue: str, abstract: str, domains: list[str], year: int | None
) -> None:
    """Quotes, commas, newlines, formula characters and non-Latin text survive a round trip."""
    original = Record(
        title=title,
        container_title=venue,
        abstract=abstract,
        domains=domains,
        year=year,
        resource_type="Peer-reviewed article",
    )
    (back,) = _parse_bytes(csv_format.render([original]).encode("utf-8"))
    assert isinstance(back, Record)
    assert (back.title, back.container_title, back.abstract, back.domains, back.year) == (
        title,
        venue,
        abstract,
        domains,
        year,
    )


def test_resource_types_come_from_the_callers_vocabulary() -> None:
    data = b"title,authors,year,venue,resource_type\nA policy brief,Smith J,2021,WHO,Policy brief\n"
    (unknown,) = list(csv_format.parse(io.BytesIO(data)))
    assert isinstance(unknown, Record)
    assert (unknown.type, unknown.container_title, unknown.resource_type) == (
        "article-journal",
        "WHO",
        "Policy brief",
    )
    # A type a curator added in the admin, passed by the caller: its venue is a publisher.
    (known,) = list(csv_format.parse(io.BytesIO(data), resource_types={"policy brief": "report"}))
    assert isinstance(known, Record)
    assert (known.type, known.publisher, known.container_title) == ("report", "WHO", "")
