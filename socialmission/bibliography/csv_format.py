"""CSV import (our own export and the starter catalog, PubMed, Scopus, Embase, IEEE Xplore,
SpringerLink, Web of Science tab-delimited and generic reference-manager tables) and CSV export in our own columns.

Import: the encoding comes from ``text.decode`` (BOM, UTF-8, then charset-normalizer), the
delimiter from the header line (``,`` ``;`` tab or ``|``, counted outside quotes, because
``csv.Sniffer`` guesses wrong on real exports), and the column layout from the header names.
A header no layout knows is rejected with the columns found, never guessed at.

Export (``render``): the starter catalog's columns plus evidence_level, keywords and language;
multi-valued cells joined with ``|``, authors as ``Family Initials`` joined with ``; ``. Cells
that a spreadsheet would run as a formula are prefixed with ``'`` (and the prefix is removed
again when our own export is imported).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from socialmission.bibliography import wos
from socialmission.bibliography.names import initials, parse_name, parse_names
from socialmission.bibliography.record import STANDALONE_CSL_TYPES, Name, Record, RecordError
from socialmission.bibliography.text import (
    clean,
    decode,
    join_pages,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    parse_date,
    split_list,
    unique,
)

FORMAT = "csv"

EXPORT_COLUMNS: tuple[str, ...] = (
    "title", "authors", "organization", "year", "venue", "volume", "issue", "pages", "doi",
    "pmid", "url", "resource_type", "domains", "topics", "professions", "description",
    "evidence_level", "keywords", "language",
)  # fmt: skip
MULTI_SEPARATOR = "|"
_OWN_COLUMNS = frozenset(EXPORT_COLUMNS) | {"evidence_source_url"}
AUTHOR_SEPARATOR = "; "

_LONG_TEXT = frozenset({"description", "abstract"})
_DELIMITERS = (",", ";", "\t", "|")
# A cell starting with = + - @ tab or CR is run as a formula by Excel/LibreOffice (CSV
# injection). Guarded too: such a start after any number of quotes, so a value that itself
# begins with quotes ("'=x") is quoted again and the importer's one-quote removal inverts it.
_NEEDS_GUARD_RE = re.compile(r"^'*[=+\-@\t\r]")
# RIS reference types, for generic tables with a type_of_reference column (ASReview, EndNote).
_RIS_TYPES = {
    "JOUR": "article-journal", "JFULL": "article-journal", "EJOUR": "article-journal",
    "BOOK": "book", "EBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter", "RPRT": "report",
    "CONF": "paper-conference", "CPAPER": "paper-conference", "THES": "thesis", "ELEC": "webpage",
    "WEB": "webpage", "DATA": "dataset", "VIDEO": "motion_picture", "NEWS": "article-newspaper",
}  # fmt: skip
_SCOPUS_TYPES = {
    "conference paper": "paper-conference", "conference review": "paper-conference",
    "book chapter": "chapter", "book": "book", "editorial": "article-journal",
}  # fmt: skip
_LANGUAGE_NAMES = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
    "portuguese": "pt", "dutch": "nl", "chinese": "zh", "japanese": "ja", "russian": "ru",
}  # fmt: skip


class CsvLayoutError(ValueError):
    """The header matches no layout we can map; the message lists the columns found."""


# --- reading --------------------------------------------------------------------------------


def detect_delimiter(header_line: str) -> str:
    """The delimiter used in a header line: the candidate occurring most often outside quotes.

    Ties go to the comma. ``csv.Sniffer`` is not used: it picks "," for semicolon files whose
    cells contain commas, and mis-reads Scopus exports.
    """
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _first_line(text: str) -> str:
    """The header's text up to the first line break outside quotes."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:index]
    return text


def _key(column: str) -> str:
    return clean(column).strip('"').casefold()


@dataclass(frozen=True)
class Layout:
    """One known CSV layout: how to recognise its header and how to map a row."""

    name: str
    label: str
    required: frozenset[str]  # casefolded column names that must all be present
    mapper: Callable[[dict[str, str]], Record]
    # Scopus writes a second "Funding Text" cell on some rows without a header for it; cells
    # beyond the header are taken to belong right after this column.
    ragged_after: str = ""

    def matches(self, columns: set[str]) -> bool:
        return self.required <= columns


def _split_authors(value: str) -> list[str]:
    """Author cells: "A; B" when there is a semicolon, else "A, B" (PubMed, Scopus, Embase)."""
    text = clean(value)
    if not text:
        return []
    return split_list(text, ";" if ";" in text else ",")


def _abbreviated_name(value: str) -> Name:
    """ "Adler D.G." / "Van Der Spoel D." / "Lim SM" → family + initials; else ``parse_name``."""
    text = clean(value)
    family, _, given = text.rpartition(" ")
    if family and re.fullmatch(r"(?:[A-Z][a-z]?\.?-?){1,4}", given):
        return Name(family=family, given=given.replace(".", "").replace("-", ""))
    return parse_name(text)


def _names(value: str, *, abbreviated: bool) -> list[Name]:
    parser = _abbreviated_name if abbreviated else parse_name
    names = [parser(part) for part in _split_authors(value)]
    return [n for n in names if n.family or n.given or n.literal]


def _list_cell(value: str) -> list[str]:
    """A multi-valued cell that may be a Python/JSON list literal ("['a', 'b']", ASReview)."""
    text = clean(value)
    if text.startswith("[") and text.endswith("]"):
        items = re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", text)
        return [clean(a or b) for a, b in items if clean(a or b)]
    return split_list(text, ";")


def _unformula(value: str) -> str:
    """Undo the export's formula guard ("'=1+1" → "=1+1", "''=x" → "'=x")."""
    if value.startswith("'") and _NEEDS_GUARD_RE.match(value[1:]):
        return value[1:]
    return value


def _year(value: str) -> int | None:
    year, _, _ = parse_date(value)
    return year


_EDITORS_SUFFIX_RE = re.compile(r"\s*\((?:eds?\.?|editors?)\)$", re.IGNORECASE)
_INITIALS_RE = re.compile(r"^[A-Z][A-Z.\-]{0,5}$")


def own_author_cell(cell: str) -> tuple[list[Name], list[Name]]:
    """(authors, editors) from our authors cell, read as the starter-catalog loader reads it.

    "Mullan F; van der Berg JA" are persons (family + initials); anything else is kept whole
    as a literal (an organisation, or a name we will not guess at). "et al." is not a person
    and is dropped. A trailing "(eds)" on the last name makes the whole list editors.
    """
    parts = split_list(cell, ";")
    as_editors = bool(parts) and bool(_EDITORS_SUFFIX_RE.search(parts[-1]))
    if as_editors:
        parts[-1] = _EDITORS_SUFFIX_RE.sub("", parts[-1])
    names: list[Name] = []
    for part in parts:
        if part.casefold().rstrip(".") == "et al":
            continue
        family, _, given = part.rpartition(" ")
        if family and _INITIALS_RE.match(given):
            names.append(Name(family=family, given=given))
        else:
            names.append(Name(literal=part))
    return ([], names) if as_editors else (names, [])


def _own(row: dict[str, str], resource_types: Mapping[str, str] | None = None) -> Record:
    """Our export and the starter catalog (vocabulary names kept for the importer).

    ``resource_types`` maps the library's resource types (casefolded name or slug) to CSL types,
    as the caller's live vocabulary has them; a type it does not know reads as a journal article.
    """
    resource_type = row.get("resource_type", "")
    kind = (resource_types or {}).get(resource_type.casefold(), "article-journal")
    venue = row.get("venue", "")
    authors, editors = own_author_cell(row.get("authors", ""))
    extra = {}
    if row.get("evidence_source_url"):
        extra["evidence_source_url"] = row["evidence_source_url"]
    # Any other column may be one of the library's further vocabularies (Record.tags).
    tags = {
        column: split_list(value, MULTI_SEPARATOR)
        for column, value in row.items()
        if column and column not in _OWN_COLUMNS and isinstance(value, str)
    }
    return Record(
        title=row.get("title", ""),
        type=kind,
        authors=authors,
        editors=editors,
        organization=row.get("organization", ""),
        year=_year(row.get("year", "")),
        container_title="" if kind in STANDALONE_CSL_TYPES else venue,
        publisher=venue if kind in STANDALONE_CSL_TYPES else "",
        volume=row.get("volume", ""),
        issue=row.get("issue", ""),
        pages=row.get("pages", ""),
        doi=normalize_doi(row.get("doi", "")),
        pmid=normalize_pmid(row.get("pmid", "")),
        url=row.get("url", ""),
        abstract=row.get("description", ""),
        keywords=split_list(row.get("keywords", ""), MULTI_SEPARATOR),
        language=row.get("language", ""),
        resource_type=resource_type,
        domains=split_list(row.get("domains", ""), MULTI_SEPARATOR),
        topics=split_list(row.get("topics", ""), MULTI_SEPARATOR),
        professions=split_list(row.get("professions", ""), MULTI_SEPARATOR),
        evidence_level=row.get("evidence_level", ""),
        tags=tags,
        extra=extra,
    )


# "Behav Ther. 2022 Mar;53(2):334-347. doi: …" → volume 53, issue 2, pages 334-347.
_PUBMED_CITATION_RE = re.compile(
    r";\s*(?P<volume>[^;:()]*?)\s*(?:\((?P<issue>[^)]*)\))?\s*:\s*(?P<pages>[^.;\s]+)"
)


def _pubmed(row: dict[str, str]) -> Record:
    """PubMed "Save → CSV"."""
    citation = row.get("citation", "")
    match = _PUBMED_CITATION_RE.search(citation)
    year = _year(row.get("publication year", ""))
    pmid = normalize_pmid(row.get("pmid", ""))
    return Record(
        title=_strip_period(row.get("title", "")),
        authors=_names(row.get("authors", "").rstrip("."), abbreviated=True),
        year=year,
        container_title=row.get("journal/book", ""),
        volume=clean(match.group("volume")) if match else "",
        issue=clean(match.group("issue") or "") if match else "",
        pages=clean(match.group("pages")) if match else "",
        doi=normalize_doi(row.get("doi", "")),
        pmid=pmid,
        pmcid=normalize_pmcid(row.get("pmcid", "")),
        id=f"pmid:{pmid}" if pmid else "",
        extra={"citation": citation} if citation else {},
    )


def _strip_period(title: str) -> str:
    title = clean(title)
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def _scopus(row: dict[str, str]) -> Record:
    authors_cell = row.get("authors", "")
    authors = (
        [] if authors_cell.startswith("[No author") else _names(authors_cell, abbreviated=True)
    )
    document_type = row.get("document type", "")
    extra = {}
    if row.get("abbreviated source title"):
        extra["container_title_short"] = row["abbreviated source title"]
    if row.get("eid"):
        extra["scopus_eid"] = row["eid"]
    kind = _SCOPUS_TYPES.get(document_type.casefold(), "article-journal")
    return Record(
        title=row.get("title", ""),
        type=kind,
        authors=authors,
        editors=_names(row.get("editors", ""), abbreviated=True),
        year=_year(row.get("year", "")),
        container_title="" if kind == "book" else row.get("source title", ""),
        publisher=row.get("publisher", ""),
        volume=row.get("volume", ""),
        issue=row.get("issue", ""),
        pages=join_pages(row.get("page start", ""), row.get("page end", ""))
        or row.get("art. no.", ""),
        doi=normalize_doi(row.get("doi", "")),
        pmid=normalize_pmid(row.get("pubmed id", "")),
        isbn=split_list(row.get("isbn", ""), ";")[0] if row.get("isbn") else "",
        issn=row.get("issn", ""),
        url=row.get("link", ""),
        abstract=""
        if row.get("abstract", "").startswith("[No abstract")
        else row.get("abstract", ""),
        keywords=unique(
            split_list(row.get("author keywords", ""), ";")
            + split_list(row.get("index keywords", ""), ";")
        ),
        language=_LANGUAGE_NAMES.get(row.get("language of original document", "").casefold(), ""),
        id=row.get("eid", ""),
        extra=extra,
    )


# "Cancer (2004) 102:4 (253-258). Date of Publication: 25 Aug 2004"
_EMBASE_SOURCE_RE = re.compile(
    r"^(?P<journal>.+?)\s*\((?P<year>\d{4})\)\s*(?P<volume>[^:\s(]+)?(?::(?P<issue>[^\s(]+))?"
    r"\s*(?:\((?P<pages>[^)]*)\))?"
)


def _embase(row: dict[str, str]) -> Record:
    source = row.get("source", "")
    match = _EMBASE_SOURCE_RE.match(source)
    year, month, day = (None, None, None)
    published = re.search(r"Date of Publication:\s*(.+)$", source)
    if published:
        year, month, day = parse_date(published.group(1))
    if match and year is None:
        year = int(match.group("year"))
    # The OpenURL link is the only place Embase's CSV carries the DOI ("id=doi:10.4103%2F…").
    doi = ""
    link = row.get("open url link", "")
    doi_match = re.search(r"[?&]id=doi:([^&]+)", link)
    if doi_match:
        doi = normalize_doi(doi_match.group(1))
    keywords = unique(
        _strip_qualifier(k)
        for k in split_list(row.get("emtree medical index terms (major focus)", ""), ",")
    )
    return Record(
        title=row.get("title", ""),
        authors=_names(row.get("author names", ""), abbreviated=True),
        editors=_names(row.get("editors", ""), abbreviated=True),
        year=year,
        month=month,
        day=day,
        container_title=clean(match.group("journal")) if match else "",
        volume=clean(match.group("volume") or "") if match else "",
        issue=clean(match.group("issue") or "") if match else "",
        pages=clean(match.group("pages") or "") if match else "",
        doi=doi,
        abstract=row.get("abstract", ""),
        keywords=keywords,
        extra={"source": source} if source else {},
    )


def _strip_qualifier(term: str) -> str:
    """Emtree "gastrointestinal malformation (diagnosis)" → "gastrointestinal malformation"."""
    return clean(re.sub(r"\s*\([^)]*\)\s*$", "", term))


def _ieee(row: dict[str, str]) -> Record:
    identifier = row.get("document identifier", "").casefold()
    kind = "paper-conference" if "conference" in identifier else "article-journal"
    if "book" in identifier:
        kind = "chapter"
    return Record(
        title=row.get("document title", ""),
        type=kind,
        authors=[n for n in parse_names(row.get("authors", ""), ";")],
        year=_year(row.get("publication year", "")),
        container_title=row.get("publication title", ""),
        publisher=row.get("publisher", ""),
        volume=row.get("volume", ""),
        issue=row.get("issue", ""),
        pages=join_pages(row.get("start page", ""), row.get("end page", "")),
        doi=normalize_doi(row.get("doi", "")),
        isbn=split_list(row.get("isbns", ""), ";")[0] if row.get("isbns") else "",
        issn=split_list(row.get("issn", ""), ";")[0] if row.get("issn") else "",
        url=row.get("pdf link", ""),
        abstract=row.get("abstract", ""),
        keywords=unique(
            split_list(row.get("author keywords", ""), ";")
            + split_list(row.get("mesh_terms", ""), ";")
        ),
    )


# SpringerLink glues authors together ("Araz R. AlievNigar T. Ismayilova"): a lower-case letter
# directly followed by a capital marks the start of the next name.
_GLUED_RE = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])")
_SPRINGER_TYPES = {
    "article": "article-journal", "chapter": "chapter", "book": "book",
    "conferencepaper": "paper-conference", "conference paper": "paper-conference",
    "referenceworkentry": "entry-encyclopedia", "protocol": "chapter",
}  # fmt: skip


def split_glued_names(value: str) -> list[str]:
    """Split SpringerLink's concatenated author cell into names.

    A fragment without a space ("Gahan" from "Ben McGahan") was a camel-cased surname, not a
    new person, and is glued back to the previous fragment.
    """
    parts: list[str] = []
    for fragment in _GLUED_RE.split(clean(value)):
        if parts and " " not in fragment.strip():
            parts[-1] += fragment
        else:
            parts.append(fragment.strip())
    return [p for p in parts if p]


def _springer(row: dict[str, str]) -> Record:
    kind = _SPRINGER_TYPES.get(row.get("content type", "").casefold(), "article-journal")
    names = []
    for part in split_glued_names(row.get("authors", "")):
        # Academic titles are not part of the name ("Prof. Dr. Janusz Kacprzyk").
        part = re.sub(r"^(?:(?:Prof|Dr|PD|Professor)\.?\s+)+", "", part)
        names.append(parse_name(part))
    return Record(
        title=row.get("item title", ""),
        type=kind,
        authors=[n for n in names if n.family or n.literal],
        year=_year(row.get("publication year", "")),
        container_title="" if kind == "book" else row.get("publication title", ""),
        volume=row.get("journal volume", ""),
        issue=row.get("journal issue", ""),
        doi=normalize_doi(row.get("item doi", "")),
        url=row.get("url", ""),
        extra={"series": row["book series title"]} if row.get("book series title") else {},
    )


def _pick(row: dict[str, str], *names: str) -> str:
    for name in names:
        if row.get(name):
            return row[name]
    return ""


def _generic(row: dict[str, str]) -> Record:
    """Tables with self-explaining column names (ASReview, reference-manager exports): only
    the usual names and their RIS-style spellings are read."""
    authors_cell = _pick(row, "authors", "author", "first_authors", "authors_list")
    author_names = _list_cell(authors_cell)
    authors = [parse_name(a) for a in author_names]
    kind = _RIS_TYPES.get(_pick(row, "type_of_reference", "type").upper(), "article-journal")
    return Record(
        title=_pick(row, "title", "primary_title"),
        type=kind,
        authors=[a for a in authors if a.family or a.literal],
        editors=[parse_name(a) for a in _list_cell(_pick(row, "editors", "secondary_authors"))],
        year=_year(_pick(row, "year", "publication_year", "py", "date")),
        container_title=_pick(row, "journal", "journal_name", "secondary_title", "venue", "source"),
        publisher=_pick(row, "publisher"),
        publisher_place=_pick(row, "place_published"),
        volume=_pick(row, "volume"),
        issue=_pick(row, "issue", "number"),
        pages=_pick(row, "pages") or join_pages(_pick(row, "start_page"), _pick(row, "end_page")),
        doi=normalize_doi(_pick(row, "doi")),
        pmid=normalize_pmid(_pick(row, "pmid", "pubmed_id")),
        issn=_pick(row, "issn"),
        url=_pick(row, "url", "link"),
        abstract=_pick(row, "abstract", "notes_abstract"),
        keywords=_list_cell(_pick(row, "keywords")),
    )


LAYOUTS: tuple[Layout, ...] = (
    Layout("own", "Social Mission Library / starter catalog",
           frozenset({"title", "authors", "year", "venue", "resource_type"}), _own),
    Layout("pubmed", "PubMed CSV",
           frozenset({"pmid", "title", "authors", "citation", "journal/book"}), _pubmed),
    Layout("scopus", "Scopus CSV",
           frozenset({"authors", "title", "year", "source title"}), _scopus,
           ragged_after="funding text 1"),
    Layout("embase", "Embase CSV", frozenset({"title", "author names", "source"}), _embase),
    Layout("ieee", "IEEE Xplore CSV",
           frozenset({"document title", "authors", "publication title"}), _ieee),
    Layout("springer", "SpringerLink CSV",
           frozenset({"item title", "authors", "content type"}), _springer),
    Layout("wos", "Web of Science tab-delimited",
           frozenset({"pt", "au", "ti", "so", "ut"}), wos.record_from_columns),
    Layout("generic", "a table with a 'title' column", frozenset({"title"}), _generic),
)  # fmt: skip


def detect_layout(columns: Iterable[str]) -> Layout:
    """The layout for a header, or ``CsvLayoutError`` naming the columns found."""
    names = [clean(c) for c in columns]
    keys = {_key(c) for c in names}
    for layout in LAYOUTS:
        if layout.matches(keys):
            return layout
    shown = ", ".join(repr(n) for n in names if n) or "none"
    known = "; ".join(layout.label for layout in LAYOUTS)
    raise CsvLayoutError(f"unrecognised CSV columns: {shown}. Supported layouts: {known}.")


def sniff(head: bytes) -> bool:
    """True when the first line is a delimited header row (at least two short column names).

    A header no layout knows is still claimed, so that ``parse`` can reject it naming its
    columns, which tells the user more than "format not recognised".
    """
    text = decode(head).lstrip("\ufeff")
    line = _first_line(text)
    if not line.strip() or line.lstrip().startswith(("<", "{", "[", "@", "%")):
        return False
    delimiter = detect_delimiter(line)
    if delimiter not in line or "  - " in line:
        return False
    try:
        header = next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return False
    names = [clean(cell) for cell in header]
    if sum(1 for n in names if n) < 2 or any(len(n) > 100 for n in names):
        return False
    try:
        detect_layout(names)
    except CsvLayoutError:
        # Unknown, but still a table: column names are words, not sentences.
        return all(len(n.split()) <= 8 for n in names)
    return True


def _raise_field_limit() -> None:
    # Scopus puts whole reference lists (50 k characters and more) in one cell.
    limit = 64 * 1024 * 1024
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


def _align(header: list[str], cells: list[str], layout: Layout) -> tuple[list[str], str]:
    """Cells lined up with the header; a problem message when they cannot be."""
    if len(cells) <= len(header):
        return cells + [""] * (len(header) - len(cells)), ""
    surplus = len(cells) - len(header)
    keys = [_key(h) for h in header]
    if layout.ragged_after and layout.ragged_after in keys:
        # Extra cells sit right after the named column: keep the tail aligned from the end.
        cut = keys.index(layout.ragged_after) + 1
        return cells[:cut] + cells[cut + surplus :], ""
    if not any(clean(c) for c in cells[len(header) :]):
        return cells[: len(header)], ""
    return cells, f"{len(cells)} cells but the header has {len(header)} columns"


def _cell(key: str, value: str, layout: Layout) -> str:
    # Long-text columns keep their paragraph breaks; every other cell is one clean line.
    text = value.replace("\r\n", "\n").strip() if key in _LONG_TEXT else clean(value)
    return _unformula(text) if layout.name == "own" else text


def parse(
    stream: BinaryIO, *, resource_types: Mapping[str, str] | None = None
) -> Iterator[Record | RecordError]:
    """Records from a CSV file; a header no layout knows gives one error naming its columns.

    ``resource_types``: the library's resource types (casefolded name or slug → CSL type), for
    our own layout, whose rows name them.
    """
    text = decode(stream.read()).lstrip("\ufeff")
    if not text.strip():
        yield RecordError(position="line 1", reason="the CSV file is empty")
        return
    _raise_field_limit()
    delimiter = detect_delimiter(_first_line(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        layout = detect_layout(header)
    except CsvLayoutError as exc:
        yield RecordError(position="line 1", reason=str(exc))
        return
    except csv.Error as exc:
        yield RecordError(position="line 1", reason=f"the CSV header cannot be read: {exc}")
        return
    keys = [_key(h) for h in header]
    number = 0
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number += 1
            yield RecordError(
                position=f"record {number} (line {line})", reason=f"not valid CSV: {exc}"
            )
            break
        start, line = line, reader.line_num + 1
        if not any(clean(c) for c in cells):
            continue
        number += 1
        position = f"record {number} (line {start})"
        cells, problem = _align(header, cells, layout)
        if problem:
            yield RecordError(position=position, reason=problem)
            continue
        row = {key: _cell(key, cell, layout) for key, cell in zip(keys, cells, strict=True) if key}
        try:
            record = _own(row, resource_types) if layout.name == "own" else layout.mapper(row)
        except (ValueError, IndexError) as exc:
            yield RecordError(position=position, reason=f"cannot be read as {layout.label}: {exc}")
            continue
        if not record.title:
            yield RecordError(position=position, reason="no title in this row")
            continue
        record.source = f"{FORMAT} ({layout.name}) {position}"
        yield record


# --- writing --------------------------------------------------------------------------------


def _author_cell(name: Name) -> str:
    """ "Family Initials" (the starter catalog's form); organisations as they are."""
    if name.literal:
        return name.literal
    return " ".join(p for p in (name.family, initials(name.given)) if p)


def _authors_cell(record: Record) -> str:
    if record.authors or not record.editors:
        return AUTHOR_SEPARATOR.join(_author_cell(n) for n in record.authors)
    # A work known only by its editors (an edited report or book), as the catalog writes it.
    return AUTHOR_SEPARATOR.join(_author_cell(n) for n in record.editors) + " (eds)"


def _guard(value: str) -> str:
    """Make a cell inert for spreadsheets: a leading =, +, -, @ would start a formula."""
    return f"'{value}" if _NEEDS_GUARD_RE.match(value) else value


def _columns(first: Record | None) -> tuple[str, ...]:
    # The tag columns follow the fixed ones; every record of one export has the same tags.
    return EXPORT_COLUMNS + (tuple(first.tags) if first is not None else ())


def _row(record: Record, columns: tuple[str, ...] = EXPORT_COLUMNS) -> list[str]:
    values = {
        "title": record.title,
        "authors": _authors_cell(record),
        "organization": record.organization,
        "year": str(record.year) if record.year is not None else "",
        "venue": record.container_title or record.publisher,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "doi": record.doi,
        "pmid": record.pmid,
        "url": record.url,
        "resource_type": record.resource_type,
        "domains": MULTI_SEPARATOR.join(record.domains),
        "topics": MULTI_SEPARATOR.join(record.topics),
        "professions": MULTI_SEPARATOR.join(record.professions),
        # Paragraph breaks in descriptions survive: the csv module quotes embedded newlines.
        "description": (record.abstract or "").strip(),
        "evidence_level": record.evidence_level,
        "keywords": MULTI_SEPARATOR.join(k.replace(MULTI_SEPARATOR, "/") for k in record.keywords),
        "language": record.language,
        **{name: MULTI_SEPARATOR.join(terms) for name, terms in record.tags.items()},
    }
    return [_guard(clean(values.get(c, "")) if c != "description" else values[c]) for c in columns]


def render(records: Iterable[Record]) -> str:
    """Our CSV export (RFC 4180, CRLF line ends, header row first)."""
    records = list(records)
    columns = _columns(records[0] if records else None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(_row(record, columns))
    return buffer.getvalue()


def iter_render(records: Iterable[Record]) -> Iterator[str]:
    """The same CSV as ``render``, one line at a time (for streaming a whole-library export)."""
    iterator = iter(records)
    first = next(iterator, None)
    columns = _columns(first)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    yield buffer.getvalue()
    for record in itertools.chain([first] if first is not None else [], iterator):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(_row(record, columns))
        yield buffer.getvalue()
