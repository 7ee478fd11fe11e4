"""MEDLINE (.nbib) parsing against the real PubMed exports in conformance/medline."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmission.bibliography import medline
from socialmission.bibliography.record import Name, Record, RecordError

SAMPLES = Path(__file__).parent / "conformance" / "medline"


def _parse(name: str) -> list[Record | RecordError]:
    with (SAMPLES / name).open("rb") as handle:
        return list(medline.parse(handle))


def _records(name: str) -> list[Record]:
    items = _parse(name)
    assert all(isinstance(item, Record) for item in items), items
    return [item for item in items if isinstance(item, Record)]


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("pubmed_result1.txt", 1),
        ("pubmed_result2.txt", 4),
        ("pubmed_result3.txt", 1),
        ("pubmed_result4.txt", 1),
    ],
)
def test_every_sample_parses_with_the_right_record_count(name: str, count: int) -> None:
    assert len(_records(name)) == count


def test_leading_blank_line_and_wrapped_abstract() -> None:
    (record,) = _records("pubmed_result1.txt")
    assert record.pmid == "12230038"
    assert record.id == "pmid:12230038"
    # The final period PubMed puts on every title is dropped: styles add their own.
    assert record.title == "The Bio* toolkits--a brief overview"
    assert record.authors == [Name(family="Mangalam", given="Harry")]
    assert (record.year, record.month, record.day) == (2002, 9, None)
    assert record.container_title == "Briefings in bioinformatics"
    assert record.extra["container_title_short"] == "Brief Bioinform"
    assert (record.volume, record.issue, record.pages) == ("3", "3", "296-302")
    assert record.issn == "1467-5463"
    assert record.language == "en"
    assert record.type == "article-journal"
    # Continuation lines are joined with single spaces, nothing lost at the joins.
    assert record.abstract.startswith(
        "Bioinformatics research is often difficult to do with commercial software. The Open Source"
    )
    assert record.abstract.endswith(
        "particularly from the point of view of the beginning biologist programmer."
    )
    assert record.keywords[:3] == ["Computational Biology", "Computer Systems", "Humans"]
    assert "*Programming Languages" in record.extra["mesh"]
    assert record.source == "medline record 1 (line 2)"


def test_four_records_with_doi_pmc_and_full_names() -> None:
    records = _records("pubmed_result2.txt")
    assert [r.pmid for r in records] == ["16403221", "16377612", "14871861", "14630660"]
    first = records[0]
    assert first.title == "A high level interface to SCOP and ASTRAL implemented in python"
    assert first.authors == [
        Name(family="Casbon", given="James A"),
        Name(family="Crooks", given="Gavin E"),
        Name(family="Saqi", given="Mansoor A S"),
    ]
    assert first.doi == "10.1186/1471-2105-7-10"
    assert first.pmcid == "PMC1373603"
    assert first.pages == "10"
    assert first.abstract.startswith("BACKGROUND: Benchmarking algorithms")
    # Trailing spaces on continuation lines do not double the spaces in the joined text.
    assert "The ASTRAL compendium provides" in first.abstract
    assert "  " not in first.abstract
    assert first.extra["publication_types"] == "Evaluation Studies; Journal Article"
    second = records[1]
    assert second.title == (
        "GenomeDiagram: a python package for the visualization of large-scale genomic data"
    )
    assert (second.year, second.month, second.day) == (2006, 3, 1)
    assert second.doi == "10.1093/bioinformatics/btk021"
    third = records[2]
    assert third.authors[0] == Name(family="de Hoon", given="M J L")
    assert third.keywords[:3] == ["Algorithms", "Cluster Analysis", "Gene Expression Profiling"]
    assert records[3].doi == ""
    assert records[3].source == "medline record 4 (line 192)"


def test_lid_doi_and_wrapped_mesh_heading() -> None:
    (record,) = _records("pubmed_result3.txt")
    assert record.doi == "10.1118/1.4748329"
    assert record.issn == "0094-2405"
    assert "1.35 x 10(7) Wm(3)" in record.abstract
    assert (
        "High-Intensity Focused Ultrasound Ablation/adverse effects/instrumentation/*methods"
        in (record.extra["mesh"])
    )
    assert "High-Intensity Focused Ultrasound Ablation" in record.keywords


def test_publisher_record_with_several_affiliations_per_author() -> None:
    (record,) = _records("pubmed_result4.txt")
    assert record.title.startswith("High extracellular glucose promotes cell motility")
    assert record.title.endswith("in human breast cancer cells")
    assert [a.family for a in record.authors] == ["Oh", "Batty", "Banerjee", "Kim"]
    assert record.authors[3] == Name(family="Kim", given="Tae-Hyung")
    assert record.keywords == []
    assert record.pages == "mbcE22120560"
    assert record.doi == "10.1091/mbc.E22-12-0560"
    assert (record.year, record.month, record.day) == (2023, 5, 17)


def test_au_only_collective_and_publication_types() -> None:
    text = (
        "PMID- 1\n"
        "TI  - A report on community health.\n"
        "AU  - Smith JA\n"
        "CN  - Community Health Study Group\n"
        "AU  - van der Berg H\n"
        "DP  - 2019 Jan-Feb\n"
        "PT  - Technical Report\n"
        "LA  - fre\n"
    )
    (record,) = list(medline.parse_text(text))
    assert isinstance(record, Record)
    assert record.authors == [
        Name(family="Smith", given="JA"),
        Name(literal="Community Health Study Group"),
        Name(family="van der Berg", given="H"),
    ]
    assert (record.year, record.month) == (2019, 1)
    assert record.type == "report"
    assert record.language == "fr"


def test_records_without_title_or_with_garbage_lines_are_reported() -> None:
    text = "PMID- 1\nAU  - Smith J\n\nPMID- 2\nTI  - Fine.\nthis is not a tag line\n\nPMID- 3\nTI  - Ok.\n"
    items = list(medline.parse(io.BytesIO(text.encode())))
    assert items[0] == RecordError(
        position="record 1 (line 1)", reason="no title (TI) in this MEDLINE record"
    )
    assert isinstance(items[1], RecordError)
    assert items[1].position == "record 2 (line 4)"
    assert "line 6: not a MEDLINE tag line" in items[1].reason
    assert isinstance(items[2], Record) and items[2].title == "Ok"


def test_a_new_pmid_line_starts_a_record_even_without_a_blank_line() -> None:
    items = list(medline.parse_text("PMID- 1\nTI  - One.\nPMID- 2\nTI  - Two.\n"))
    assert [i.title for i in items if isinstance(i, Record)] == ["One", "Two"]


def test_parse_leaves_the_callers_stream_open() -> None:
    stream = io.BytesIO(b"\xef\xbb\xbfPMID- 1\r\nTI  - Bom and CRLF.\r\n")
    (record,) = list(medline.parse(stream))
    assert isinstance(record, Record) and record.title == "Bom and CRLF"
    assert not stream.closed


def test_sniff() -> None:
    assert medline.sniff((SAMPLES / "pubmed_result1.txt").read_bytes()[:1024])
    assert medline.sniff(b"\xef\xbb\xbfPMID- 123\nOWN - NLM\n")
    # RIS shares the "XX  - " layout; a TY line means RIS even if a PMID tag were present.
    assert not medline.sniff(b"TY  - JOUR\nTI  - x\nER  - \n")
    assert not medline.sniff(b"PT J\nAU Smith, J\nER\n")


def test_utf16_and_legacy_encodings_are_decoded() -> None:
    text = (
        "PMID- 7\nTI  - Santé communautaire et équité.\nFAU - Lévesque, Hélène\n"
        "AB  - Les écoles de médecine évaluées ont amélioré la répartition des diplômés dans\n"
        "      les régions rurales et éloignées, où l'accès aux soins était le plus limité.\n"
    )
    (record,) = list(medline.parse(io.BytesIO(text.encode("utf-16"))))
    assert isinstance(record, Record)
    assert record.authors == [Name(family="Lévesque", given="Hélène")]
    assert record.abstract.endswith("où l'accès aux soins était le plus limité.")
    # A legacy 8-bit file is detected (text.decode). Only letters that Windows-1252 and -1250
    # share are checked: for short files the detector cannot tell those two apart ("è"/"č").
    (legacy,) = list(medline.parse(io.BytesIO(text.encode("cp1252"))))
    assert isinstance(legacy, Record)
    assert legacy.title == "Santé communautaire et équité"
    assert legacy.abstract.startswith("Les écoles de médecine évaluées ont amélioré")


def test_bookshelf_chapter() -> None:
    text = (
        "PMID- 20301295\nBTI - GeneReviews((R))\nTI  - Alpha-Thalassemia.\n"
        "FAU - Tamary, Hannah\nAU  - Tamary H\nFED - Adam, Margaret P\nED  - Adam MP\n"
        "PB  - University of Washington, Seattle\nPL  - Seattle (WA)\nDP  - 1993\n"
    )
    (record,) = list(medline.parse_text(text))
    assert isinstance(record, Record)
    assert record.type == "chapter"
    assert record.title == "Alpha-Thalassemia"
    assert record.container_title == "GeneReviews((R))"
    assert record.authors == [Name(family="Tamary", given="Hannah")]
    assert record.editors == [Name(family="Adam", given="Margaret P")]
    assert (record.publisher, record.publisher_place) == (
        "University of Washington, Seattle",
        "Seattle (WA)",
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("PMIDTAUFB - \n\t,.éx0123")), max_size=300))
def test_any_text_gives_records_or_errors_never_an_exception(text: str) -> None:
    for item in medline.parse(io.BytesIO(text.encode("utf-8"))):
        assert isinstance(item, Record | RecordError)
        if isinstance(item, Record):
            assert item.title
