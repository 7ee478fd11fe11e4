"""Web of Science tagged export parsing against the real sample in conformance/wos_tagged."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from socialmission.bibliography import wos
from socialmission.bibliography.record import Name, Record, RecordError

SAMPLE = Path(__file__).parent / "conformance" / "wos_tagged" / "example_wos.ris"


def _records() -> list[Record]:
    with SAMPLE.open("rb") as handle:
        items = list(wos.parse(handle))
    assert all(isinstance(item, Record) for item in items), items
    return [item for item in items if isinstance(item, Record)]


def test_sample_has_two_records_with_continued_fields() -> None:
    first, _second = _records()
    assert first.title == (
        "Interactions stabilizing the structure of the core light-harvesting complex (LHl) of "
        "photosynthetic bacteria and its subunit (B820)"
    )
    # Each continuation line of AU/AF is one more author.
    assert first.authors == [
        Name(family="Parkes-Loach", given="PS"),
        Name(family="Majeed", given="AP"),
        Name(family="Law", given="CJ"),
        Name(family="Loach", given="PA"),
    ]
    assert first.container_title == "Biochemistry"  # "BIOCHEMISTRY" un-shouted
    assert first.extra["container_title_short"] == "Biochemistry"
    assert (first.year, first.month, first.day) == (2004, 6, 8)
    assert (first.volume, first.issue, first.pages) == ("43", "22", "7003-7016")


def test_sample_identifiers_keywords_and_second_record() -> None:
    first, second = _records()
    assert first.doi == "10.1021/bi049798f"
    assert first.pmid == "15170338"
    assert first.issn == "0006-2960"
    assert first.language == "en"
    assert first.type == "article-journal"
    assert first.id == "WOS:000221807500019"
    assert first.publisher == "AMER CHEMICAL SOC"
    assert first.abstract.startswith("Reconstitution experiments with a chemically synthesized")
    # Keywords Plus continue over several lines and are split on ";".
    assert first.keywords[:3] == [
        "chemically synthesized polypeptides",
        "in-vitro reconstitution",
        "amino-acid-sequence",
    ]
    assert first.keywords[-1] == "antenna complex"
    assert len(first.keywords) == 10
    assert first.source == "wos record 1 (line 3)"
    assert len(second.authors) == 9
    assert second.authors[-1] == Name(family="Champion", given="PM")
    assert second.title == (
        "Proximal and distal influences on ligand binding kinetics in microperoxidase and heme "
        "model compounds"
    )
    assert second.pages == "7017-7027"
    assert second.source == "wos record 2 (line 112)"


def test_full_names_group_authors_and_types() -> None:
    text = (
        "FN Clarivate Analytics Web of Science\nVR 1.0\n"
        "PT J\nAU Mullan, F\n   Chen, C\nAF Mullan, Fitzhugh\n   Chen, Candice\n"
        "CA Social Mission Study Group\n"
        "TI The social mission of medical education: ranking the schools\n"
        "SO ANNALS OF INTERNAL MEDICINE\nDE social mission; primary care\n"
        "PY 2010\nVL 152\nIS 12\nBP 804\nEP 811\nDI 10.7326/0003-4819-152-12-201006150-00009\n"
        "ER\n\n"
        "PT J\nAU Smith, J\nTI Proceedings item\nDT Proceedings Paper\nPY 2019\nAR e123\nER\n"
        "EF\n"
    )
    first, second = list(wos.parse(io.BytesIO(text.encode())))
    assert isinstance(first, Record) and isinstance(second, Record)
    assert first.authors == [
        Name(family="Mullan", given="Fitzhugh"),
        Name(family="Chen", given="Candice"),
        Name(literal="Social Mission Study Group"),
    ]
    assert first.container_title == "Annals of Internal Medicine"
    assert first.keywords == ["social mission", "primary care"]
    assert first.pages == "804-811"
    assert second.type == "paper-conference"
    assert second.pages == "e123"


def test_bad_records_are_reported_with_position() -> None:
    text = "FN x\nVR 1.0\nPT J\nAU Smith, J\nER\nPT J\nTI Ok\n!! broken\nER\nPT J\nTI Unclosed\n"
    items = list(wos.parse_text(text))
    assert items[0] == RecordError(
        position="record 1 (line 3)", reason="no title (TI) in this Web of Science record"
    )
    assert isinstance(items[1], RecordError)
    assert items[1].position == "record 2 (line 6)"
    assert "line 8: not a Web of Science tag line" in items[1].reason
    assert items[2] == RecordError(
        position="record 3 (line 10)", reason="the last record is not closed by an ER line"
    )


def test_sniff() -> None:
    assert wos.sniff(SAMPLE.read_bytes()[:1024])
    assert wos.sniff(b"\xef\xbb\xbfFN Thomson Reuters Web of Science\nVR 1.0\n")
    assert wos.sniff(b"PT J\nAU Smith, J\n")
    assert not wos.sniff(b"TY  - JOUR\nTI  - x\nER  - \n")
    assert not wos.sniff(b"PMID- 1\nTI  - x\n")
    assert not wos.sniff(b"title,authors\nA,B\n")


def test_utf16_export_with_bom_is_decoded() -> None:
    text = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Lévesque, H\nTI Santé rurale\nER\nEF\n"
    (record,) = list(wos.parse(io.BytesIO(text.encode("utf-16"))))
    assert isinstance(record, Record)
    assert record.title == "Santé rurale"
    assert record.authors == [Name(family="Lévesque", given="H")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("PTAUFIERSOY J\n\t,;.é019")), max_size=300))
def test_any_text_gives_records_or_errors_never_an_exception(text: str) -> None:
    for item in wos.parse(io.BytesIO(text.encode("utf-8"))):
        assert isinstance(item, Record | RecordError)
        if isinstance(item, Record):
            assert item.title
