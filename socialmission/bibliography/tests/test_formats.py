"""Format detection, reading any upload, pasted references and the export registry."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmission.bibliography import bibtex, formats, ris
from socialmission.bibliography.formats import UnsupportedFormat
from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.bibliography.text import clean

SAMPLES = Path(__file__).parent / "conformance"
EXPECTED_BY_FOLDER = {
    "ris": "ris",
    "bibtex": "bibtex",
    "csl_json": "csljson",
    "csv": "csv",
    "medline": "medline",
    "pubmed_xml": "pubmed_xml",
    "wos_tagged": "wos",
}


def sample_files() -> list[tuple[Path, str]]:
    found = []
    for folder, expected in EXPECTED_BY_FOLDER.items():
        for path in sorted((SAMPLES / folder).glob("*")):
            if path.name != "SOURCES.md":
                found.append((path, expected))
    return found


def test_every_registered_format_is_proven_by_samples_and_reads_them() -> None:
    """A format in the registry is detected from conformance files of its own and reads them;
    a format without samples, or samples of an unregistered format, fail here."""
    assert set(formats.available_formats()) == set(formats.FORMATS)
    assert set(EXPECTED_BY_FOLDER.values()) == set(formats.FORMATS)
    for folder, name in EXPECTED_BY_FOLDER.items():
        paths = [p for p in sorted((SAMPLES / folder).glob("*")) if p.name != "SOURCES.md"]
        assert paths, f"no conformance sample for {name}"
        with paths[0].open("rb") as stream:
            items = list(formats.parse_file(stream, filename=paths[0].name))
        assert any(isinstance(item, Record) and item.title for item in items), paths[0]


@pytest.mark.parametrize(("path", "expected"), sample_files(), ids=lambda v: getattr(v, "name", v))
def test_every_sample_is_detected_by_its_content(path: Path, expected: str) -> None:
    head = path.read_bytes()[: formats.HEAD_SIZE]
    assert formats.detect_format(head, path.name) == expected
    # Content decides: a misleading name does not change the answer.
    assert formats.detect_format(head, "download.txt") == expected
    assert formats.detect_format(head) == expected


def test_name_does_not_beat_content() -> None:
    head = (SAMPLES / "ris" / "scopus.ris").read_bytes()[:4096]
    assert formats.detect_format(head, "refs.bib") == "ris"
    assert formats.detect_format(head, "refs.csv") == "ris"


def test_name_breaks_a_tie_between_formats_claiming_the_same_content(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ris, "sniff", lambda head: True)
    monkeypatch.setattr(bibtex, "sniff", lambda head: True)
    assert formats.detect_format(b"ambiguous", "refs.bib") == "bibtex"
    assert formats.detect_format(b"ambiguous", "refs.ris") == "ris"
    assert formats.detect_format(b"ambiguous", "refs.bib.gz") == "bibtex"
    assert formats.detect_format(b"ambiguous") == "ris"  # the registry's order otherwise


def test_gzip_is_looked_into_and_unpacked() -> None:
    data = gzip.compress((SAMPLES / "ris" / "scopus.ris").read_bytes())
    assert formats.detect_format(data[: formats.HEAD_SIZE]) == "ris"
    items = list(formats.parse_file(io.BytesIO(data), filename="scopus.ris.gz"))
    assert len(items) == 6
    assert all(isinstance(item, Record) for item in items)


def test_truncated_and_oversized_gzip_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    data = gzip.compress((SAMPLES / "ris" / "scopus.ris").read_bytes())
    with pytest.raises(UnsupportedFormat, match="gzip-compressed but is cut short"):
        formats.parse_file(io.BytesIO(data[: len(data) // 2]))
    monkeypatch.setattr(formats, "MAX_UNPACKED_SIZE", 100_000)
    with pytest.raises(UnsupportedFormat, match="unpacks to more than 0 MB"):
        formats.parse_file(io.BytesIO(data))


def test_parse_file_detects_and_parses() -> None:
    with (SAMPLES / "bibtex" / "gbk_test.bib").open("rb") as stream:
        (record,) = list(formats.parse_file(stream, filename="gbk_test.bib"))
    assert isinstance(record, Record)
    assert record.authors == [Name(family="凯撒")]
    with (SAMPLES / "csl_json" / "Date export to Better CSL-JSON #360 #811.csl.json").open(
        "rb"
    ) as stream:
        assert len(list(formats.parse_file(stream, fmt="csljson"))) == 15


def test_utf16_files_are_detected() -> None:
    data = "TY  - JOUR\r\nTI  - Équité en santé\r\nER  - \r\n".encode("utf-16")
    assert formats.detect_format(data) == "ris"
    (record,) = list(formats.parse_file(io.BytesIO(data)))
    assert isinstance(record, Record)
    assert record.title == "Équité en santé"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf  \r\n\r\n", "the file is empty"),
        (b"<!DOCTYPE html>\n<html><head><title>Search</title></head><body>x, y</body></html>",
         "the file is an HTML web page, not a bibliographic export"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "the file is a PDF document, not a bibliographic export"),
        (b"PK\x03\x04\x14\x00\x06\x00", "the file is a ZIP archive (or a Word/Excel document); export the references as RIS, BibTeX or CSV"),
        (b'{"name": "x", "version": "1"}',
         'the file is JSON, but not CSL-JSON (a list of citation items, each with a "type" such as "article-journal" and a "title")'),
        (b"\x1f\x8bnot really gzip", "the file looks gzip-compressed but cannot be unpacked"),
        (bytes(range(256)) * 4, "the file is binary data, not a text bibliographic export"),
        (b"<?xml version='1.0'?><catalog><book id='1'/></catalog>",
         "the file is XML, but not PubMed XML (the only XML bibliographic format we read)"),
    ],
)  # fmt: skip
def test_non_bibliographic_uploads_are_rejected_clearly(data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormat) as caught:
        formats.parse_file(io.BytesIO(data))
    assert str(caught.value).startswith(message)


def test_oai_pmh_and_feeds_are_named() -> None:
    oai = (SAMPLES / "not_bibliographic" / "zenodo-Identify.xml").read_bytes()
    assert formats.detect_format(oai) is None
    with pytest.raises(UnsupportedFormat, match="OAI-PMH response"):
        formats.parse_file(io.BytesIO(oai), filename="zenodo.xml")
    feed = (SAMPLES / "not_bibliographic" / "rss2sample.xml").read_bytes()
    with pytest.raises(UnsupportedFormat, match="RSS or Atom news feed"):
        formats.parse_file(io.BytesIO(feed))


def test_unknown_explicit_format_is_rejected() -> None:
    with pytest.raises(UnsupportedFormat, match="unknown format 'endnote-xml'"):
        formats.parse_file(io.BytesIO(b"TY  - JOUR\nER  - \n"), fmt="endnote-xml")


def test_parse_text_for_pasted_references() -> None:
    (from_ris,) = formats.parse_text(
        "TY  - JOUR\nTI  - Pasted\nAU  - Doe, Jane\nPY  - 2020\nER  - "
    )
    assert isinstance(from_ris, Record)
    assert (from_ris.title, from_ris.year) == ("Pasted", 2020)
    (from_bibtex,) = formats.parse_text("  @article{k, title={Pasted {BibTeX}}, year=2019}\n")
    assert isinstance(from_bibtex, Record)
    assert from_bibtex.title == "Pasted BibTeX"
    (from_csl,) = formats.parse_text(
        '[{"type": "report", "title": "CSL", "author": [{"literal": "WHO"}]}]'
    )
    assert isinstance(from_csl, Record)
    assert from_csl.authors == [Name(literal="WHO")]


def test_parse_text_accepts_a_ris_paste_without_its_end_line() -> None:
    items = formats.parse_text("TY  - JOUR\nTI  - First\nER  - \nTY  - JOUR\nTI  - Second\n")
    assert [item.title for item in items if isinstance(item, Record)] == ["First", "Second"]


def test_parse_text_medline_paste() -> None:
    (record,) = formats.parse_text(
        "PMID- 21573042\nTI  - A pasted MEDLINE record.\nDP  - 2011 May\nAU  - Doe J\n"
    )
    assert isinstance(record, Record)
    assert record.pmid == "21573042"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Just a sentence, with a comma, about health equity.",
            "the text is not a reference in a format we recognise",
        ),
        ("", "the file is empty"),
        ("<html><body>copied page</body></html>", "the file is an HTML web page"),
        (
            "@article{x, title={never closed",
            "the text could not be read as BibTeX / BibLaTeX: could not read this @article entry",
        ),
    ],
)
def test_parse_text_rejects_what_is_not_a_reference(text: str, message: str) -> None:
    with pytest.raises(UnsupportedFormat) as caught:
        formats.parse_text(text)
    assert str(caught.value).startswith(message)


def test_export_media_types_are_the_ones_clients_expect() -> None:
    # Reference managers choose their importer by these (a contract, not a registry listing).
    expected = {
        "ris": ("application/x-research-info-systems", ".ris"),
        "bibtex": ("application/x-bibtex", ".bib"),
        "csljson": ("application/vnd.citationstyles.csl+json", ".json"),
        "csv": ("text/csv", ".csv"),
    }
    for name, export in formats.EXPORT_FORMATS.items():
        assert (export.media_type, export.extension) == expected[name], name


def test_export_formats_and_media_types() -> None:
    """Each export names a media type and an extension by which an import recognises it."""
    assert formats.EXPORT_FORMATS, "nothing is exportable"
    assert set(formats.EXPORT_FORMATS) <= set(formats.FORMATS)
    for name, export in formats.EXPORT_FORMATS.items():
        assert "/" in export.media_type and export.extension.startswith("."), name
        assert export.extension in formats.FORMATS[name].extensions, name


RECORD = Record(
    title="Community health workers and equity",
    authors=[Name(family="Núñez", given="María"), Name(literal="World Health Organization")],
    year=2021,
    container_title="Journal of Health Equity",
    volume="12",
    issue="3",
    pages="101-115",
    doi="10.1000/xyz.123",
    pmid="33333333",
    url="https://example.org/article",
)


@pytest.mark.parametrize("fmt", list(formats.EXPORT_FORMATS))
def test_render_then_read_back_in_every_export_format(fmt: str) -> None:
    text = formats.render([RECORD], fmt)
    name = "export" + formats.EXPORT_FORMATS[fmt].extension
    data = text.encode("utf-8")
    assert formats.detect_format(data, name) == fmt
    items = list(formats.parse_file(io.BytesIO(data), filename=name))
    assert not [item for item in items if isinstance(item, RecordError)]
    (back,) = items
    assert isinstance(back, Record)
    assert back.title == RECORD.title
    if fmt == "csv":
        # Our CSV writes authors as the catalog does, "Family Initials": given names shrink.
        assert [(n.family, n.given[:1], n.literal) for n in back.authors] == [
            (n.family, n.given[:1], n.literal) for n in RECORD.authors
        ]
    else:
        assert back.authors == RECORD.authors
    assert back.year == RECORD.year
    assert back.container_title == RECORD.container_title
    assert (back.doi, back.pmid, back.url) == (RECORD.doi, RECORD.pmid, RECORD.url)


def test_render_rejects_formats_we_do_not_export() -> None:
    with pytest.raises(UnsupportedFormat, match="cannot export as 'medline'"):
        formats.render([RECORD], "medline")


_TEXT = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")),
        min_size=1,
        max_size=60,
    )
    .map(clean)
    .filter(bool)
)


@settings(max_examples=150, deadline=None)
@given(title=_TEXT, venue=_TEXT)
@pytest.mark.parametrize("fmt", ["ris", "bibtex", "csljson"])
def test_any_title_and_venue_survive_a_round_trip(fmt: str, title: str, venue: str) -> None:
    # Braces, backslashes, "--", "``", "%", "#", "~", "^", accents and scripts included.
    record = Record(
        title=title, container_title=venue, authors=[Name(family="Doe", given="Jane")], year=2020
    )
    data = formats.render([record], fmt).encode("utf-8")
    (back,) = list(formats.parse_file(io.BytesIO(data), fmt))
    assert isinstance(back, Record)
    assert (back.title, back.container_title) == (title, venue)


class _CountingStream(io.BytesIO):
    """Counts the bytes a parser has pulled from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_pubmed_xml_is_streamed_not_read_whole() -> None:
    from socialmission.bibliography.benchmarks import synthetic_pubmed_articles

    data = b"".join(synthetic_pubmed_articles(3000))
    for payload in (data, gzip.compress(data)):
        stream = _CountingStream(payload)
        items = formats.parse_file(stream, filename="big.xml")
        first = next(items)
        assert isinstance(first, Record)
        # Only a little beyond the detection head has been read for the first record.
        assert stream.bytes_read < len(payload) / 2
        assert sum(1 for _ in items) == 2999
