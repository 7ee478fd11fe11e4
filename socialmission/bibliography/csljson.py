"""CSL-JSON: the citation-processor input format (Zotero, Better BibTeX, citeproc, Pandoc).

Reads an array of items, a single item, or an object wrapping the array ("items"); dates as
"date-parts" (numbers or strings, ranges, open ranges), "raw" or "literal" strings, or a plain
string. Writes items that validate against the CSL 1.0.2 input schema (csl-data.json).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from socialmission.bibliography.names import parse_name
from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.bibliography.text import (
    clean,
    decode,
    extract_year,
    find_pmid,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    parse_date,
    standard_numbers,
    unique,
)

# The item types of the CSL 1.0.2 schema; anything else is written as "document".
CSL_TYPES = frozenset(
    """
    article article-journal article-magazine article-newspaper bill book broadcast chapter classic
    collection dataset document entry entry-dictionary entry-encyclopedia event figure graphic
    hearing interview legal_case legislation manuscript map motion_picture musical_score pamphlet
    paper-conference patent performance periodical personal_communication post post-weblog
    regulation report review review-book software song speech standard thesis treaty webpage
    """.split()
)
# Older CSL and some exporters use names the schema dropped or never had.
_TYPE_ALIASES = {"journal-article": "article-journal", "book-chapter": "chapter", "web-page": "webpage",
                 "proceedings-article": "paper-conference", "dissertation": "thesis"}  # fmt: skip
_TYPE_VALUE_RE = re.compile(r'"type"\s*:\s*"([a-z_-]+)"')
_CSL_KEYS = ('"title"', '"author"', '"issued"', '"container-title"', '"DOI"', '"type"')


def sniff(head: bytes) -> bool:
    """True when the first bytes are JSON that reads as CSL items (an object with CSL keys)."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    if not text.startswith(("[", "{")):
        return False
    window = text[:8192]
    if '"$schema"' in window:
        return False  # a JSON Schema (csl-data.json itself) mentions every CSL key
    types = _TYPE_VALUE_RE.findall(window)
    return (
        any(t in CSL_TYPES or t in _TYPE_ALIASES for t in types)
        and sum(key in window for key in _CSL_KEYS) >= 3
    )


def parse(stream: BinaryIO) -> Iterator[Record | RecordError]:
    """Parse CSL-JSON bytes into Records, one RecordError per item that is not a CSL item."""
    yield from parse_text(decode(stream.read()))


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _items(text: str) -> Iterator[tuple[int, Any] | tuple[int, ValueError]]:
    """(line, item) for each top-level item; items of an array are decoded one by one so each
    keeps its line number and one malformed item does not hide the ones before it."""
    decoder = json.JSONDecoder()
    index = len(text) - len(text.lstrip())
    if not text.strip():
        return
    if text[index] != "[":
        try:
            document, _end = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            yield (
                exc.lineno,
                ValueError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"),
            )
            return
        if isinstance(document, dict) and isinstance(document.get("items"), list):
            for item in document["items"]:
                yield _line_of(text, index), item
        else:
            yield _line_of(text, index), document
        return
    index += 1
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text):
            yield _line_of(text, index), ValueError("the JSON array is not closed (missing ']')")
            return
        if text[index] == "]":
            return
        try:
            item, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError as exc:
            yield (
                exc.lineno,
                ValueError(f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"),
            )
            return
        yield _line_of(text, index), item
        index = end


def parse_text(text: str) -> Iterator[Record | RecordError]:
    """Parse CSL-JSON text; see the module docstring for the shapes understood."""
    for number, (line, item) in enumerate(_items(text.lstrip("\ufeff")), start=1):
        position = f"record {number} (line {line})"
        if isinstance(item, ValueError):
            yield RecordError(position, str(item))
            return
        if not isinstance(item, dict):
            yield RecordError(
                position, f"expected a CSL item (a JSON object), found {type(item).__name__}"
            )
            continue
        try:
            yield _to_record(item, position)
        except ValueError as exc:
            yield RecordError(position, str(exc))


def _text(value: Any) -> str:
    if isinstance(value, list):
        return clean(value[0]) if value else ""
    if isinstance(value, (str, int, float)):
        return clean(value)
    return ""


def _names(value: Any) -> list[Name]:
    names: list[Name] = []
    if not isinstance(value, list):
        return names
    for person in value:
        if isinstance(person, str):
            names.append(parse_name(person))
            continue
        if not isinstance(person, dict):
            continue
        if person.get("literal"):
            names.append(Name(literal=clean(person["literal"])))
            continue
        family = " ".join(
            clean(person.get(k, "")) for k in ("non-dropping-particle", "family") if person.get(k)
        )
        given = " ".join(
            clean(person.get(k, ""))
            for k in ("given", "dropping-particle", "suffix")
            if person.get(k)
        )
        if family or given:
            names.append(Name(family=family or given, given=given if family else ""))
    return names


def _date(value: Any) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of the first date in a CSL date; years outside 1500-2100 are dropped."""
    if isinstance(value, str):
        return parse_date(value)
    if not isinstance(value, dict):
        return None, None, None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = parts[0]
        try:
            numbers = [int(str(p).strip()) for p in first[:3]]
        except ValueError:
            numbers = []
        if numbers:
            year = numbers[0] if 1500 <= numbers[0] <= 2100 else None
            month = numbers[1] if len(numbers) > 1 and 1 <= numbers[1] <= 12 else None
            day = numbers[2] if len(numbers) > 2 and month and 1 <= numbers[2] <= 31 else None
            return (year, month, day) if year else (None, None, None)
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            return parse_date(value[key])
    if value.get("year"):
        return extract_year(str(value["year"])), None, None
    return None, None, None


# Record attribute -> the CSL-JSON variable that carries it as text.
_TEXT_FIELDS = {
    "id": "id",
    "container_title": "container-title",
    "volume": "volume",
    "issue": "issue",
    "url": "URL",
    "abstract": "abstract",
    "language": "language",
    "publisher": "publisher",
    "publisher_place": "publisher-place",
}
# CSL variables kept in Record.extra as they are.
_EXTRA_FIELDS = ("collection-title", "edition", "number", "genre", "source")


def _identity(record: Record, item: dict[str, Any]) -> None:
    record.title = _text(item.get("title")) or _text(item.get("title-short"))
    record.authors = _names(item.get("author"))
    record.editors = _names(item.get("editor"))
    if not (record.title or record.authors or item.get("DOI") or item.get("URL")):
        raise ValueError("the item has no title, author, DOI or URL: it does not describe a work")


def _issued(record: Record, item: dict[str, Any]) -> None:
    record.year, record.month, record.day = _date(item.get("issued"))
    if record.year is None and isinstance(item.get("issued"), dict):
        literal = item["issued"].get("literal") or item["issued"].get("date-parts")
        if literal:
            record.extra["issued"] = json.dumps(literal, ensure_ascii=False)


def _identifiers(record: Record, item: dict[str, Any]) -> None:
    # CSL page ranges use an en dash more often than a hyphen ("429\u2013452" in Zotero output).
    record.pages = re.sub(r"\s*[\u2013\u2014]+\s*|\s*-+\s*", "-", _text(item.get("page")))
    record.doi = normalize_doi(item.get("DOI"))
    if not record.doi and "doi.org/" in record.url:
        # Better BibTeX may write a short DOI ("10/fqd6hj") and the full one only in the URL.
        record.doi = normalize_doi(record.url)
    if not record.doi and _text(item.get("DOI")):
        record.extra["DOI"] = _text(item.get("DOI"))
    note = item.get("note") if isinstance(item.get("note"), str) else ""
    record.pmid = normalize_pmid(item.get("PMID")) or find_pmid(note)
    record.pmcid = normalize_pmcid(item.get("PMCID"))
    record.note = clean(note)
    issns, _isbns, _ = standard_numbers(_text(item.get("ISSN")))
    record.issn = issns[0] if issns else _text(item.get("ISSN"))
    _issns, isbns, _ = standard_numbers(_text(item.get("ISBN")))
    record.isbn = isbns[0] if isbns else _text(item.get("ISBN"))


def _keywords(record: Record, item: dict[str, Any]) -> None:
    keywords = item.get("keyword")
    if isinstance(keywords, str):
        keywords = re.split(r"[,;]", keywords)
    if isinstance(keywords, list):
        record.keywords = unique(clean(k) for k in keywords)


# The special cases, in order, after the plain text fields.
_STEPS: tuple[Callable[[Record, dict[str, Any]], None], ...] = (
    _identity,
    _issued,
    _identifiers,
    _keywords,
)


def _to_record(item: dict[str, Any], position: str) -> Record:
    kind = _text(item.get("type")).casefold()
    kind = _TYPE_ALIASES.get(kind, kind)
    record = Record(type=kind if kind in CSL_TYPES else "document", source=position)
    for attribute, variable in _TEXT_FIELDS.items():
        setattr(record, attribute, _text(item.get(variable)))
    for step in _STEPS:
        step(record, item)
    record.extra.update({key: _text(item[key]) for key in _EXTRA_FIELDS if _text(item.get(key))})
    # The journal's abbreviation, under the key the other parsers use (AMA and Vancouver cite it).
    short = _text(item.get("container-title-short")) or _text(item.get("journalAbbreviation"))
    if short:
        record.extra["container_title_short"] = short
    return record


def _csl_name(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.literal}
    result = {"family": name.family}
    if name.given:
        result["given"] = name.given
    return result


def to_csl(record: Record, item_id: str) -> dict[str, Any]:
    """One CSL-JSON item (valid against csl-data.json) for a record."""
    item: dict[str, Any] = {
        "id": item_id,
        "type": record.type if record.type in CSL_TYPES else "document",
    }

    def put(key: str, value: str) -> None:
        if value:
            item[key] = value

    put("title", record.title)
    if record.authors:
        item["author"] = [_csl_name(n) for n in record.authors]
    if record.editors:
        item["editor"] = [_csl_name(n) for n in record.editors]
    if record.year is not None:
        parts = [record.year]
        if record.month:
            parts.append(record.month)
            if record.day:
                parts.append(record.day)
        item["issued"] = {"date-parts": [parts]}
    put("container-title", record.container_title)
    put("container-title-short", record.extra.get("container_title_short", ""))
    put("volume", record.volume)
    put("issue", record.issue)
    put("page", record.pages)
    put("DOI", record.doi)
    put("PMID", record.pmid)
    put("PMCID", record.pmcid)
    put("URL", record.url)
    put("abstract", record.abstract)
    put("keyword", ", ".join(record.keywords))
    put("language", record.language)
    put("publisher", record.publisher or record.organization)
    put("publisher-place", record.publisher_place)
    put("ISBN", record.isbn)
    put("ISSN", record.issn)
    put("note", record.note)
    return item


def render(records: Iterable[Record]) -> str:
    """A CSL-JSON array for the records; ids are the records' own when unique, else generated."""
    items = []
    used: set[str] = set()
    for number, record in enumerate(records, start=1):
        item_id = record.id or f"item-{number}"
        while item_id in used:
            item_id = f"{item_id}-{number}"
        used.add(item_id)
        items.append(to_csl(record, item_id))
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
