"""Web of Science "plain text" field-tagged export (``savedrecs.txt``, ``.ciw``): parse and sniff.

The format: an ``FN``/``VR`` header, then records of lines ``"XX value"`` (two-character tag,
one space); a value continues on lines indented by three spaces; ``ER`` ends a record and
``EF`` the file. For author and reference tags (AU, AF, CR, C1, …) each continuation line is a
further value; for text tags (TI, AB, SO, DE, ID, …) it continues the same value.

Not to be confused with WoS's RIS export (``TY  - ``), which the RIS module reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from socialmission.bibliography.names import parse_name
from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.bibliography.text import (
    clean,
    decode,
    join_pages,
    month_number,
    normalize_doi,
    normalize_pmid,
    split_list,
    unique,
)

FORMAT = "wos"

# Tags whose continuation lines are separate values (one author, address or reference each).
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "CR", "C1", "RI", "OI", "EM"})
_LINE_RE = re.compile(r"^([A-Z][A-Z0-9]) ?(.*)$")
_SNIFF_RE = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*(?:FN |VR |PT [A-Z]\s*$)", re.MULTILINE)

# WoS spells languages out; CSL wants ISO 639-1. Unlisted names pass through unchanged.
_LANGUAGES = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
    "portuguese": "pt", "dutch": "nl", "russian": "ru", "chinese": "zh", "japanese": "ja",
    "korean": "ko", "arabic": "ar", "polish": "pl", "swedish": "sv", "turkish": "tr",
    "czech": "cs", "hungarian": "hu", "norwegian": "no", "danish": "da", "finnish": "fi",
}  # fmt: skip
# Words kept lower case when an all-capitals WoS source title is put into title case.
# (Keywords Plus, also in capitals, are lower-cased instead: title case would write "Low Ph".)
_SMALL_WORDS = frozenset("a an and as at by for from in into of on or the to with".split())


def sniff(head: bytes) -> bool:
    """True when the file opens like a WoS tagged export: ``FN``/``VR`` header or ``PT J``."""
    if b"  - " in head[:2048] and b"\nER  -" in head:
        return False  # WoS-flavoured RIS
    return bool(_SNIFF_RE.match(head))


def _title_case(value: str) -> str:
    """ "JOURNAL OF RURAL HEALTH" → "Journal of Rural Health" (WoS writes sources in capitals).

    Mixed-case values are left as they are: only shouting is undone.
    """
    if not value or value != value.upper():
        return value
    words = value.lower().split(" ")
    return " ".join(
        w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


@dataclass
class _RawRecord:
    number: int
    line: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    last_tag: str = ""

    def add(self, tag: str, value: str) -> None:
        self.fields.setdefault(tag, []).append(value)
        self.last_tag = tag

    def extend(self, value: str) -> None:
        values = self.fields[self.last_tag]
        if self.last_tag in _LIST_TAGS:
            values.append(value)
        else:
            values[-1] = f"{values[-1]} {value}"

    def first(self, *tags: str) -> str:
        for tag in tags:
            for value in self.fields.get(tag, []):
                if clean(value):
                    return clean(value)
        return ""

    def values(self, tag: str) -> list[str]:
        return [clean(v) for v in self.fields.get(tag, []) if clean(v)]


def _raw_records(lines: Iterable[str]) -> Iterator[_RawRecord]:
    current: _RawRecord | None = None
    number = 0
    for line_number, raw_line in enumerate(lines, start=1):
        line = raw_line.rstrip("\r\n").removeprefix("\ufeff")
        if not line.strip():
            continue
        if line.startswith("   ") or line.startswith("\t"):
            if current is None or not current.last_tag:
                number += 1 if current is None else 0
                current = current or _RawRecord(number=number, line=line_number)
                current.problems.append(f"line {line_number}: continuation line without a tag")
            else:
                current.extend(line.strip())
            continue
        match = _LINE_RE.match(line)
        if match is None:
            if current is None:
                number += 1
                current = _RawRecord(number=number, line=line_number)
            current.problems.append(
                f"line {line_number}: not a Web of Science tag line: {line[:40]!r}"
            )
            continue
        tag, value = match.group(1), match.group(2)
        if tag == "ER":
            if current is not None:
                yield current
            current = None
            continue
        if tag in ("FN", "VR", "EF") and current is None:
            continue
        if current is None:
            number += 1
            current = _RawRecord(number=number, line=line_number)
        current.add(tag, value)
    if current is not None:
        if current.fields or current.problems:
            current.problems.append("the last record is not closed by an ER line")
        yield current


def _type(raw: _RawRecord) -> str:
    document_types = raw.first("DT").lower()
    publication_type = raw.first("PT").upper()
    if "chapter" in document_types:
        return "chapter"
    if "proceedings" in document_types or "meeting" in document_types or publication_type == "C":
        return "paper-conference"
    if publication_type == "P":
        return "patent"
    if publication_type == "B":
        return "chapter" if raw.first("SO") and raw.first("SO") != raw.first("TI") else "book"
    if publication_type == "S":
        return "chapter"
    return "article-journal"


def _authors(raw: _RawRecord) -> list[Name]:
    """AF (full names) when it lists the same people as AU (abbreviated), else AU; then group
    authors (CA/GP) as organisations."""
    full, short = raw.values("AF"), raw.values("AU")
    chosen = full if full and (len(full) == len(short) or not short) else short
    names = [parse_name(n) for n in chosen]
    names += [Name(literal=g) for g in raw.values("CA") + raw.values("GP")]
    return [n for n in names if n.family or n.given or n.literal]


# Record attribute -> the WoS tags that carry it as it is, the first present one wins.
_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "publisher": ("PU",),
    "volume": ("VL",),
    "issue": ("IS",),
    "isbn": ("BN",),
    "issn": ("SN", "EI"),
    "abstract": ("AB",),
    "id": ("UT",),
}
# Record.extra key -> WoS tags.
_EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    "container_title_short": ("JI", "J9"),
    "wos_id": ("UT",),
    "document_type": ("DT",),
}


def _date(raw: _RawRecord) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from PY ("2019") and PD ("MAY 3", "SPR")."""
    year_text = raw.first("PY")
    year = int(year_text) if year_text.isdigit() else None
    parts = raw.first("PD").split()
    month = month_number(parts[0]) if parts else None
    day_text = parts[1] if month and len(parts) > 1 else ""
    day = int(day_text) if day_text.isdigit() and int(day_text) <= 31 else None
    return year, month, day


def _keywords(raw: _RawRecord) -> list[str]:
    """Author keywords (DE) then Keywords Plus (ID, upper case in the export: lowered)."""
    plus = [k.lower() if k.isupper() else k for v in raw.values("ID") for k in split_list(v, ";")]
    return unique([k for value in raw.values("DE") for k in split_list(value, ";")] + plus)


def _to_record(raw: _RawRecord) -> Record | RecordError:
    position = f"record {raw.number} (line {raw.line})"
    if raw.problems:
        return RecordError(position=position, reason="; ".join(raw.problems))
    title = raw.first("TI")
    if not title:
        return RecordError(position=position, reason="no title (TI) in this Web of Science record")
    year, month, day = _date(raw)
    kind = _type(raw)
    venue = _title_case(raw.first("SO")) or _title_case(raw.first("SE"))
    record = Record(
        title=title,
        type=kind,
        authors=_authors(raw),
        editors=[parse_name(n) for n in raw.values("BE")],
        year=year,
        month=month,
        day=day,
        container_title="" if kind == "book" else venue,
        publisher_place=_title_case(raw.first("PI")),
        pages=join_pages(raw.first("BP"), raw.first("EP")) or raw.first("AR"),
        doi=normalize_doi(raw.first("DI")),
        pmid=normalize_pmid(raw.first("PM")),
        keywords=_keywords(raw),
        language=_LANGUAGES.get(raw.first("LA").lower(), raw.first("LA")),
        source=f"{FORMAT} {position}",
    )
    for attribute, tags in _TEXT_FIELDS.items():
        setattr(record, attribute, raw.first(*tags))
    record.extra = {
        key: raw.first(*tags) for key, tags in _EXTRA_FIELDS.items() if raw.first(*tags)
    }
    return record


def record_from_columns(row: dict[str, str]) -> Record:
    """A record from one row of WoS's *tab-delimited* export, whose columns are the same
    two-letter tags (read by the CSV module); list fields there are joined with "; "."""
    raw = _RawRecord(number=0, line=0)
    for column, value in row.items():
        tag = column.upper()
        if not _LINE_RE.fullmatch(f"{tag} x") or not clean(value):
            continue
        values = split_list(value, ";") if tag in _LIST_TAGS else [value]
        for item in values:
            raw.add(tag, item)
    result = _to_record(raw)
    # Without a title the CSV reader reports the row itself, with its own position.
    return result if isinstance(result, Record) else Record()


def parse_text(text: str) -> Iterator[Record | RecordError]:
    """Parse WoS tagged text already decoded."""
    for raw in _raw_records(text.splitlines()):
        yield _to_record(raw)


def parse(stream: BinaryIO) -> Iterator[Record | RecordError]:
    """Parse a WoS file. Exports are small, so the bytes are read whole and decoded by
    ``text.decode`` (BOM, UTF-8, UTF-16 from Windows tools, then a detected legacy encoding)."""
    yield from parse_text(decode(stream.read()))
