"""MEDLINE tagged format (PubMed's "Save → PubMed format", ``.nbib``): parse and sniff.

Owns the reading of MEDLINE display files into :class:`Record` and the PubMed vocabularies that
PubMed XML shares (publication type → CSL type, ISO 639-2 language codes), so both PubMed
formats map the same way.

The format: a four-character tag padded with spaces, ``"- "``, then the value (``"TI  - "``,
``"PMID- "``); a value continues on following lines indented by six spaces; records are
separated by blank lines and each starts with ``PMID-``. Specification:
https://www.nlm.nih.gov/bsd/mms/medlineelements.html
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from socialmission.bibliography.names import parse_name
from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.bibliography.text import (
    clean,
    decode,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    parse_date,
    unique,
)

FORMAT = "medline"

_TAG_LINE_RE = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)$")
_CONTINUATION = "      "  # six spaces
_SNIFF_PMID_RE = re.compile(rb"^PMID- ?\d", re.MULTILINE)
_SNIFF_RIS_RE = re.compile(rb"^TY  - ", re.MULTILINE)

# PubMed publication types that are not journal articles, in CSL terms. Anything else a journal
# indexes ("Journal Article", "Review", "Letter", "Editorial", "Guideline", ...) is
# article-journal. The first match in the record's list wins, so order encodes precedence.
PUBLICATION_TYPES: dict[str, str] = {
    "preprint": "article",
    "dataset": "dataset",
    "video-audio media": "motion_picture",
    "webcast": "motion_picture",
    "technical report": "report",
    "government publication": "report",
    "congress": "paper-conference",
    "legislation": "legislation",
    "patent": "patent",
    "newspaper article": "article-newspaper",
    "interview": "interview",
    "book": "book",
}

# ISO 639-2/B codes that MEDLINE and PubMed use, to the ISO 639-1 codes CSL and the web use.
# Unlisted codes pass through unchanged so no information is lost.
LANGUAGES: dict[str, str] = {
    "eng": "en", "fre": "fr", "ger": "de", "spa": "es", "ita": "it", "por": "pt", "dut": "nl",
    "rus": "ru", "chi": "zh", "jpn": "ja", "kor": "ko", "ara": "ar", "heb": "he", "pol": "pl",
    "swe": "sv", "nor": "no", "dan": "da", "fin": "fi", "cze": "cs", "hun": "hu", "gre": "el",
    "tur": "tr", "per": "fa", "ukr": "uk", "rum": "ro", "srp": "sr", "hrv": "hr", "slv": "sl",
    "slo": "sk", "bul": "bg", "lit": "lt", "lav": "lv", "est": "et", "ice": "is", "cat": "ca",
    "afr": "af", "ind": "id", "may": "ms", "tha": "th", "vie": "vi", "hin": "hi", "urd": "ur",
}  # fmt: skip


def language_code(value: str) -> str:
    """ "en" from "eng"; unknown or undetermined ("und") codes are kept or dropped as-is."""
    code = clean(value).lower()
    if code in ("", "und"):
        return ""
    return LANGUAGES.get(code, code)


def csl_type(publication_types: Iterable[str]) -> str:
    """The CSL type for a list of PubMed publication types (article-journal by default)."""
    lowered = [clean(p).lower() for p in publication_types]
    for pubmed_type, csl in PUBLICATION_TYPES.items():
        if pubmed_type in lowered:
            return csl
    return "article-journal"


def strip_final_period(title: str) -> str:
    """PubMed ends every title with "."; citation styles add their own, so drop one (not "?")."""
    title = clean(title)
    if title.endswith(".") and not title.endswith(".."):
        return title[:-1]
    return title


def mesh_keyword(heading: str) -> str:
    """A MeSH heading without its major-topic stars and subheadings ("*Software/methods")."""
    descriptor = heading.split("/", 1)[0]
    return clean(descriptor.replace("*", ""))


def sniff(head: bytes) -> bool:
    """True when ``head`` (the first KB of a file) looks like MEDLINE: a ``PMID-`` line and no
    RIS ``TY  -`` line (both formats use ``XX  - `` tags)."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    return bool(_SNIFF_PMID_RE.search(head)) and not _SNIFF_RIS_RE.search(head)


@dataclass
class _RawRecord:
    number: int
    line: int
    fields: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def values(self, tag: str) -> list[str]:
        return [value for t, value in self.fields if t == tag]

    def first(self, *tags: str) -> str:
        for tag in tags:
            for t, value in self.fields:
                if t == tag and value:
                    return value
        return ""


def _raw_records(lines: Iterable[str]) -> Iterator[_RawRecord]:
    """Group tagged lines into records: a blank line or a new ``PMID-`` line ends a record."""
    current: _RawRecord | None = None
    number = 0
    for line_number, raw_line in enumerate(lines, start=1):
        line = raw_line.rstrip("\r\n")
        if not line.strip():
            if current is not None:
                yield current
                current = None
            continue
        if line.startswith(_CONTINUATION) or (line.startswith(" ") and current and current.fields):
            if current is None or not current.fields:
                current = current or _RawRecord(number=number + 1, line=line_number)
                number = current.number
                current.problems.append(f"line {line_number}: continuation line without a tag")
                continue
            tag, value = current.fields[-1]
            current.fields[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = _TAG_LINE_RE.match(line)
        if match is None:
            current = current or _RawRecord(number=number + 1, line=line_number)
            number = current.number
            current.problems.append(f"line {line_number}: not a MEDLINE tag line: {line[:40]!r}")
            continue
        tag, value = match.group(1), match.group(2)
        if tag == "PMID" and current is not None and current.fields:
            yield current
            current = None
        if current is None:
            number += 1
            current = _RawRecord(number=number, line=line_number)
        current.fields.append((tag, value.strip()))
    if current is not None:
        yield current


def _authors(raw: _RawRecord) -> list[Name]:
    """Authors in order: FAU ("Family, Given") with its AU ("Family GI") as a fallback for
    records that only have AU; CN (collective names) become literal names where they stand."""
    authors: list[Name] = []
    pending_full: str | None = None
    for tag, value in raw.fields:
        if tag == "FAU":
            if pending_full is not None:
                authors.append(parse_name(pending_full))
            pending_full = value
        elif tag == "AU":
            if pending_full is not None:
                authors.append(parse_name(pending_full))
                pending_full = None
            else:
                authors.append(parse_name(value))
        elif tag == "CN":
            if pending_full is not None:
                authors.append(parse_name(pending_full))
                pending_full = None
            authors.append(Name(literal=clean(value)))
    if pending_full is not None:
        authors.append(parse_name(pending_full))
    return [a for a in authors if a.family or a.literal]


# Record attribute -> the MEDLINE tags that carry it as plain text, the first present one wins.
_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "publisher": ("PB",),
    "volume": ("VI",),
    "issue": ("IP",),
    "pages": ("PG",),
    "isbn": ("ISBN",),
    "abstract": ("AB",),
}


def _first_of(values: list[str], pick: Callable[[str], str]) -> str:
    return next((p for p in map(pick, values) if p), "")


def _doi(value: str) -> str:
    return normalize_doi(value) if value.endswith("[doi]") else ""


def _extra(raw: _RawRecord) -> dict[str, str]:
    extra = {
        "container_title_short": clean(raw.first("TA")),
        "publication_types": "; ".join(raw.values("PT")),
        "mesh": "; ".join(clean(h) for h in raw.values("MH")),
    }
    return {key: value for key, value in extra.items() if value}


def _kind_and_titles(raw: _RawRecord) -> tuple[str, str, str]:
    """(CSL type, title, container title)."""
    title = strip_final_period(raw.first("TI", "BTI", "TT"))
    # NCBI Bookshelf records: BTI is the book; with a TI as well, the record is a chapter of it.
    book_title = strip_final_period(raw.first("BTI"))
    kind = csl_type(raw.values("PT"))
    if book_title:
        kind = "chapter" if raw.first("TI") else "book"
    return kind, title, book_title if kind == "chapter" else clean(raw.first("JT", "TA"))


def _to_record(raw: _RawRecord) -> Record | RecordError:
    position = f"record {raw.number} (line {raw.line})"
    if raw.problems:
        return RecordError(position=position, reason="; ".join(raw.problems))
    kind, title, container = _kind_and_titles(raw)
    if not title:
        return RecordError(position=position, reason="no title (TI) in this MEDLINE record")
    year, month, day = parse_date(raw.first("DP"))
    keywords = [mesh_keyword(h) for h in raw.values("MH")] + [clean(k) for k in raw.values("OT")]
    pmid = normalize_pmid(raw.first("PMID"))
    record = Record(
        title=title,
        type=kind,
        authors=_authors(raw),
        editors=[parse_name(e) for e in raw.values("FED") or raw.values("ED")],
        year=year,
        month=month,
        day=day,
        container_title=container,
        publisher_place=clean(raw.first("PL")) if raw.first("PB") else "",
        doi=_first_of(raw.values("LID") + raw.values("AID"), _doi),
        pmid=pmid,
        pmcid=normalize_pmcid(raw.first("PMC")),
        issn=_first_of(raw.values("IS"), lambda v: clean(v).split(" ", 1)[0]),
        keywords=unique(keywords),
        language=language_code(raw.first("LA")),
        id=f"pmid:{pmid}" if pmid else "",
        source=f"{FORMAT} {position}",
        extra=_extra(raw),
    )
    for attribute, tags in _TEXT_FIELDS.items():
        setattr(record, attribute, clean(raw.first(*tags)))
    return record


def parse_text(text: str) -> Iterator[Record | RecordError]:
    """Parse MEDLINE text already decoded (used by tests and the registry's text entry)."""
    for raw in _raw_records(text.removeprefix("\ufeff").splitlines()):
        yield _to_record(raw)


def parse(stream: BinaryIO) -> Iterator[Record | RecordError]:
    """Parse a MEDLINE file. Exports are small, so the bytes are read whole and decoded by
    ``text.decode`` (BOM, UTF-8, UTF-16 from Windows tools, then a detected legacy encoding)."""
    yield from parse_text(decode(stream.read()))
