"""RIS: read the exports of reference managers and databases, write what they all read back.

The only module that imports ``rispy``. rispy maps tags to fields and writes RIS, but its line
reader does not survive real exports, so records are cut out here first (see ``_records``):

- separators other than "TY  - " ("TY - ", "ER  -" without the trailing space);
- vendor junk between records (Ovid "1." lines, "Record #1 of 2", "Provider:" headers);
- continuation lines with and without indentation, including one that starts with "ER" text;
- Rayyan's keywords continued on untagged lines (one keyword a line);
- CRLF records whose abstracts hold bare LF line breaks.

rispy needs one line per tag with no continuation lines (it crashes on a continuation of a
repeated tag), so each record is handed to it in that canonical form, and line numbers stay ours.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import rispy

from socialmission.bibliography.names import format_name, parse_name
from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.bibliography.text import (
    clean,
    decode,
    doi_key,
    find_pmid,
    join_pages,
    month_number,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    parse_date,
    split_pages,
    standard_numbers,
    unique,
)

# "XX  - value": two capitals/digits, one or two spaces, a dash, then a space before any value.
_TAG_RE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*)|\s*)$")
# Tags whose untagged continuation lines are new values, not wrapped text.
_LINE_LIST_TAGS = frozenset({"KW"})
# Continuations of these tags keep their line break (abstracts and notes have paragraphs).
_MULTILINE_TAGS = frozenset({"AB", "N1", "N2"})

RIS_TO_CSL: dict[str, str] = {
    "ABST": "article",
    "ADVS": "motion_picture",
    "AGGR": "dataset",
    "ANCIENT": "classic",
    "ART": "graphic",
    "BILL": "bill",
    "BLOG": "post-weblog",
    "BOOK": "book",
    "CASE": "legal_case",
    "CHAP": "chapter",
    "CHART": "figure",
    "CLSWK": "classic",
    "COMP": "software",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "CTLG": "document",
    "DATA": "dataset",
    "DBASE": "dataset",
    "DICT": "entry-dictionary",
    "EBOOK": "book",
    "ECHAP": "chapter",
    "EDBOOK": "book",
    "EJOUR": "article-journal",
    "ELEC": "webpage",
    "ENCYC": "entry-encyclopedia",
    "EQUA": "document",
    "FIGURE": "figure",
    "GEN": "document",
    "GOVDOC": "report",
    "GRANT": "document",
    "HEAR": "hearing",
    "ICOMM": "personal_communication",
    "INPR": "article-journal",
    "JFULL": "periodical",
    "JOUR": "article-journal",
    "LEGAL": "regulation",
    "MANSCPT": "manuscript",
    "MAP": "map",
    "MGZN": "article-magazine",
    "MPCT": "motion_picture",
    "MULTI": "webpage",
    "MUSIC": "musical_score",
    "NEWS": "article-newspaper",
    "PAMP": "pamphlet",
    "PAT": "patent",
    "PCOMM": "personal_communication",
    "RPRT": "report",
    "SER": "periodical",
    "SLIDE": "speech",
    "SOUND": "song",
    "STAND": "standard",
    "STAT": "legislation",
    "THES": "thesis",
    "UNPB": "manuscript",
    "VIDEO": "motion_picture",
    "WEB": "webpage",
}
CSL_TO_RIS: dict[str, str] = {
    "article": "GEN",
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "bill": "BILL",
    "book": "BOOK",
    "chapter": "CHAP",
    "classic": "CLSWK",
    "dataset": "DATA",
    "document": "GEN",
    "entry-dictionary": "DICT",
    "entry-encyclopedia": "ENCYC",
    "figure": "FIGURE",
    "graphic": "ART",
    "hearing": "HEAR",
    "legal_case": "CASE",
    "legislation": "STAT",
    "manuscript": "MANSCPT",
    "map": "MAP",
    "motion_picture": "MPCT",
    "musical_score": "MUSIC",
    "pamphlet": "PAMP",
    "paper-conference": "CPAPER",
    "patent": "PAT",
    "periodical": "SER",
    "personal_communication": "PCOMM",
    "post-weblog": "BLOG",
    "regulation": "LEGAL",
    "report": "RPRT",
    "software": "COMP",
    "song": "SOUND",
    "speech": "SLIDE",
    "standard": "STAND",
    "thesis": "THES",
    "webpage": "ELEC",
}
# EndNote and some vendors write the type's display name instead of its code.
_TYPE_WORDS = (
    ("journal", "article-journal"),
    ("chapter", "chapter"),
    ("section", "chapter"),
    ("conference", "paper-conference"),
    ("book", "book"),
    ("report", "report"),
    ("thesis", "thesis"),
    ("dissertation", "thesis"),
    ("web", "webpage"),
    ("newspaper", "article-newspaper"),
    ("magazine", "article-magazine"),
)
_BOOKISH = frozenset({"book", "chapter", "paper-conference", "entry-encyclopedia"})
# Placeholders some vendors (Ovid) write in numbering fields instead of leaving them out.
_BLANKS = frozenset({"no-specified", "not specified", "not-specified", "n/a", "na", "none"})


def sniff(head: bytes) -> bool:
    """True when the first bytes read as RIS: a "TY  - " line before any other tag line."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    for line in text.splitlines()[:60]:
        match = _TAG_RE.match(line.strip("\r"))
        if match:
            return match.group(1) == "TY"
    return False


def parse(stream: BinaryIO) -> Iterator[Record | RecordError]:
    """Parse RIS bytes (any encoding) into Records, one RecordError per unreadable record."""
    yield from parse_text(decode(stream.read()))


def parse_text(text: str) -> Iterator[Record | RecordError]:
    """Parse RIS text; see the module docstring for the variants understood."""
    for number, line_no, tags, closed in _records(text):
        position = f"record {number} (line {line_no})"
        if not closed:
            yield RecordError(
                position, "record has no end line ('ER  -'); the file may be cut short"
            )
            continue
        try:
            yield _to_record(tags, position)
        except ValueError as exc:
            yield RecordError(position, str(exc))


def _records(text: str) -> Iterator[tuple[int, int, list[tuple[str, str]], bool]]:
    """(record number, line of its TY, its (tag, value) pairs, whether an ER closed it)."""
    number = 0
    start = 0
    tags: list[tuple[str, str]] | None = None
    # splitlines() also breaks on bare LF inside CRLF files, which is right: those lines are
    # continuation lines of the value above them.
    for line_no, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.rstrip()
        match = _TAG_RE.match(line.lstrip("\ufeff"))
        if match:
            tag, value = match.group(1), clean(match.group(2))
            if tag == "TY":
                if tags is not None:
                    # A new record started without closing the previous one.
                    yield number, start, tags, False
                number += 1
                start = line_no
                tags = [("TY", value)]
            elif tags is None:
                continue  # a tag line outside any record is vendor junk
            elif tag == "ER":
                yield number, start, tags, True
                tags = None
            else:
                tags.append((tag, value))
            continue
        if tags is None or not line.strip():
            continue  # junk between records ("1.", "Record #1 of 2") and blank lines
        last_tag, last_value = tags[-1]
        if last_tag in _LINE_LIST_TAGS:
            tags.append((last_tag, clean(line)))
        elif last_value:
            glue = "\n" if last_tag in _MULTILINE_TAGS else " "
            tags[-1] = (last_tag, f"{last_value}{glue}{line.strip()}")
        else:
            tags[-1] = (last_tag, line.strip())
    if tags is not None:
        yield number, start, tags, False


def _rispy_entry(tags: list[tuple[str, str]]) -> dict[str, Any]:
    """Let rispy map the canonical tag lines to its field names (repeats become lists)."""
    # Newlines inside a value would read as continuation lines: keep them out of rispy's input and
    # put them back from our own pairs for the multi-line fields.
    lines = [f"{tag}  - {value.replace(chr(10), ' ')}" for tag, value in tags if value]
    lines.append("ER  - ")
    parser = rispy.RisParser(enforce_list_tags=False, list_tags=[*rispy.LIST_TYPE_TAGS, "KW"])
    entries = parser.parse_lines(iter(lines))
    return entries[0] if entries else {}


def _values(entry: dict[str, Any], *keys: str) -> list[str]:
    found: list[str] = []
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            found.extend(clean(v) for v in value)
        elif value:
            found.append(clean(value))
    return [v for v in found if v]


def _first(entry: dict[str, Any], *keys: str) -> str:
    values = _values(entry, *keys)
    return values[0] if values else ""


def _numbering(entry: dict[str, Any], *keys: str) -> str:
    """A volume/issue/page value, or "" for the placeholders some vendors write instead."""
    value = _first(entry, *keys)
    return "" if value.casefold() in _BLANKS else value


def _csl_type(ty: str) -> str:
    code = clean(ty).upper()
    if code in RIS_TO_CSL:
        return RIS_TO_CSL[code]
    words = code.casefold()
    for word, csl in _TYPE_WORDS:
        if word in words:
            return csl
    return "article"


class _Tags:
    """One RIS record three ways: rispy's entry, the tags rispy does not know, every raw tag."""

    def __init__(self, tags: list[tuple[str, str]]) -> None:
        self.tags = tags
        self.entry = _rispy_entry(tags)
        self.unknown: dict[str, list[str]] = dict(self.entry.get("unknown_tag") or {})
        self.raw: dict[str, list[str]] = {}
        for tag, value in tags:
            if value:
                self.raw.setdefault(tag, []).append(value)

    def first(self, *keys: str) -> str:
        return _first(self.entry, *keys)

    def values(self, *keys: str) -> list[str]:
        return _values(self.entry, *keys)

    def joined(self, tag: str) -> str:
        """A tag rispy does not know, its values joined."""
        return clean(" ".join(self.unknown.get(tag, [])))

    def raw_values(self, *tags: str) -> list[str]:
        return [v for tag in tags for v in self.raw.get(tag, [])]


# Record attribute -> (rispy keys, first present wins; a tag rispy does not know, the fallback).
_TEXT_FIELDS: dict[str, tuple[tuple[str, ...], str]] = {
    "language": (("language",), ""),
    "publisher": (("publisher",), "PU"),
    "publisher_place": (("place_published",), ""),
    "id": (("id",), ""),
}
# Record.extra key -> rispy keys.
_EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    "accession_number": ("accession_number",),
    "database": ("name_of_database", "database_provider"),
}
# Where a DOI or PMCID may be written, first found wins.
_PMCID_TAGS = ("C2", "C6", "AN")


def _title(record: Record, tags: _Tags) -> None:
    # ST (short title) and TT (translated title) are the only title some exporters write.
    record.title = tags.first("title", "primary_title", "short_title", "translated_title")
    record.title = record.title or clean(" ".join(tags.raw.get("CT", [])))
    if not record.title and not (tags.raw.keys() - {"TY"}):
        raise ValueError("record is empty: it has a type line and nothing else")


def _people(record: Record, tags: _Tags) -> None:
    people = [parse_name(v) for v in tags.values("authors", "first_authors")]
    record.authors = [n for n in people if n.family or n.given or n.literal]
    # ED is EndNote's editor tag; A2 means editors only where there is a book around the work.
    editors = tags.unknown.get("ED", []) + (
        tags.values("secondary_authors") if record.type in _BOOKISH else []
    )
    record.editors = [parse_name(v) for v in editors if clean(v)]


def _dates(record: Record, tags: _Tags) -> None:
    dates = (tags.first("year"), tags.first("publication_year"), tags.first("date"))
    record.year, record.month, record.day = next(
        (d for d in map(parse_date, dates) if d[0] is not None), (None, None, None)
    )
    if record.year is None or record.month is not None:
        return
    # DA often holds the month ("2019/05/01" or just "Jun") when PY holds only the year.
    da = tags.first("date")
    year, month, day = parse_date(da)
    if month is None and da:
        month, day = month_number(da.split()[0]), None
    if month and year in (None, record.year):
        record.month, record.day = month, day


def _container(record: Record, tags: _Tags) -> None:
    record.container_title = (
        tags.first("secondary_title", "alternate_title3", "journal_name", "alternate_title2")
        or tags.joined("BT")  # the book title in older RIS
        or tags.first("alternate_title1")
    )
    # J2 (Zotero's journal abbreviation, EndNote's alternate title), else JA: the short form AMA
    # and Vancouver cite.
    short = tags.first("alternate_title1", "alternate_title2")
    if short and short != record.container_title:
        record.extra["container_title_short"] = short
    if record.type in {"book", "report", "thesis"} and record.container_title:
        # For a whole book or report T2 is the series, not a venue it appeared in (for a web page
        # T2 is the website, which is its venue).
        record.extra["collection_title"] = record.container_title
        record.container_title = ""
    record.volume = _numbering(tags.entry, "volume") or tags.joined("VO")
    record.issue = _numbering(tags.entry, "number")


def _pages(record: Record, tags: _Tags) -> None:
    start, end = _numbering(tags.entry, "start_page"), _numbering(tags.entry, "end_page")
    if start and not end:
        start, end = split_pages(start)
    pages = join_pages(start, end)
    # Ovid writes "SP - No" / "EP - Pagination Specified".
    record.pages = "" if "specified" in pages.casefold() else pages


def _first_normalized(values: Iterable[str], normalize: Callable[[str], str]) -> str:
    return next((n for n in map(normalize, values) if n), "")


def _identifiers(record: Record, tags: _Tags) -> None:
    links = [*tags.values("urls"), *tags.raw_values("L2", "LK", "L1")]
    urls = unique(url for v in tags.values("urls") for url in v.split() if "://" in url)
    record.doi = _first_normalized(tags.raw.get("DO", []), normalize_doi) or _first_normalized(
        (u for u in [*links, *tags.raw.get("M3", [])] if "doi" in u.casefold()), normalize_doi
    )
    # A URL that is only the DOI's resolver link is the DOI, not the work's address.
    other = [u for u in urls if not record.doi or doi_key(u) != doi_key(record.doi)]
    record.url = (other or urls or [""])[0]
    record.pmid = _pmid(tags.raw, links)
    record.pmcid = _first_normalized(tags.raw_values(*_PMCID_TAGS), normalize_pmcid)


def _texts(record: Record, tags: _Tags) -> None:
    abstract = [v for tag, v in tags.tags if tag in ("AB", "N2") and v]
    record.abstract = abstract[0].strip() if abstract else ""
    record.note = "\n".join(v for tag, v in tags.tags if tag == "N1" and v)
    record.keywords = unique(k.lstrip("*").strip() for k in tags.values("keywords"))
    for value in tags.values("issn") + tags.unknown.get("BN", []) + tags.unknown.get("SN", []):
        _identify_standard_number(record, value)


# The special cases, in order; each reads the tags and sets its part of the record.
_STEPS: tuple[Callable[[Record, _Tags], None], ...] = (
    _title,
    _people,
    _dates,
    _container,
    _pages,
    _identifiers,
    _texts,
)


def _to_record(raw_tags: list[tuple[str, str]], position: str) -> Record:
    tags = _Tags(raw_tags)
    record = Record(type=_csl_type(tags.first("type_of_reference")), source=position)
    for step in _STEPS:
        step(record, tags)
    for attribute, (keys, fallback) in _TEXT_FIELDS.items():
        setattr(record, attribute, tags.first(*keys) or (tags.joined(fallback) if fallback else ""))
    for name, keys in _EXTRA_FIELDS.items():
        value = tags.first(*keys)
        if value:
            record.extra[name] = value
    return record


def _pmid(raw: dict[str, list[str]], links: list[str]) -> str:
    """Where the exports in the wild put the PubMed id.

    EndNote's PubMed export: AN with DP "NLM"; Embase: C5 when DB lists Medline; Scopus: C2;
    Lens and Rayyan: PubMed links in L2/UR; anyone: "PMID: …" in a note.
    """
    provider = " ".join(raw.get("DP", []) + raw.get("DB", [])).casefold()
    medline = any(word in provider for word in ("nlm", "pubmed", "medline"))
    for tag, condition in (("AN", medline), ("C5", medline), ("C2", "scopus" in provider)):
        if condition:
            for value in raw.get(tag, []):
                if clean(value).isdigit():
                    return normalize_pmid(value)
    for url in links:
        if "pubmed" in url.casefold():
            pmid = normalize_pmid(url)
            if pmid:
                return pmid
    for tag in ("N1", "M1", "AN", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "AB"):
        for value in raw.get(tag, []):
            pmid = find_pmid(value)
            if pmid:
                return pmid
    return ""


def _identify_standard_number(record: Record, value: str) -> None:
    """Put SN values where they belong: ISSN or ISBN by shape, else by the record's type."""
    issns, isbns, others = standard_numbers(value)
    record.issn = record.issn or (issns[0] if issns else "")
    record.isbn = record.isbn or (isbns[0] if isbns else "")
    if others:
        target = "isbn" if record.type in _BOOKISH else "issn"
        if not getattr(record, target):
            setattr(record, target, others[0])


class _Writer(rispy.RisWriter):
    """rispy's writer without its "1." line before each record (vendor junk to other readers),
    with the CRLF line ends the RIS specification asks for (old EndNote versions insist)."""

    NEWLINE = "\r\n"

    def set_header(self, count: int) -> str:
        return ""


def render(records: Iterable[Record]) -> str:
    """RIS text for the records, in the tag set Zotero and EndNote both read."""
    entries = [_to_entry(record) for record in records]
    if not entries:
        return ""
    return rispy.dumps(
        entries, implementation=_Writer, skip_unknown_tags=True, enforce_list_tags=True
    )


def _ris_date(record: Record) -> str:
    if record.year is None:
        return ""
    month = f"{record.month:02d}" if record.month else ""
    day = f"{record.day:02d}" if record.day and record.month else ""
    return f"{record.year}/{month}/{day}/"


def _to_entry(record: Record) -> dict[str, Any]:
    entry: dict[str, Any] = {"type_of_reference": CSL_TO_RIS.get(record.type, "GEN")}

    def put(key: str, value: str) -> None:
        if value:
            entry[key] = value.replace("\r", " ").replace("\n", " ")

    put("title", record.title)
    names = [_name_line(n) for n in record.authors]
    if names:
        entry["authors"] = names
    if record.editors:
        entry["secondary_authors"] = [_name_line(n) for n in record.editors]
    if record.year is not None:
        put("year", str(record.year))
        put("date", _ris_date(record))
    put("secondary_title", record.container_title)
    put("alternate_title1", record.extra.get("container_title_short", ""))
    put("volume", record.volume)
    put("number", record.issue)
    start, end = split_pages(record.pages)
    put("start_page", start)
    put("end_page", end)
    put("doi", record.doi)
    if record.url:
        entry["urls"] = [record.url]
    put("abstract", record.abstract)
    if record.keywords:
        entry["keywords"] = [k.replace("\n", " ") for k in record.keywords]
    put("language", record.language)
    put("publisher", record.publisher)
    put("place_published", record.publisher_place)
    put("issn", record.isbn or record.issn)
    if record.pmid:
        # AN with DP "NLM" is how EndNote marks a PubMed id, and what our reader understands.
        put("accession_number", record.pmid)
        put("database_provider", "NLM")
    put("custom2", record.pmcid)
    if record.note:
        entry["notes"] = [record.note.replace("\n", " ")]
    put("id", record.id)
    return entry


def _name_line(name: Name) -> str:
    return format_name(name, inverted=True)
