"""BibTeX and BibLaTeX: read what reference managers export, write what LaTeX and they read back.

The only module that imports ``bibtexparser`` (2.x: it splits a file into blocks that carry their
line numbers, and keeps the blocks it could not read as failed blocks) and ``pylatexenc`` (LaTeX
accents and commands to Unicode). What the library leaves to its callers is done here:

- @string macros and "#" concatenation are expanded here, with bounds: each field may grow to
  ``MAX_FIELD_LENGTH`` characters and a file's macros to ``MAX_EXPANSION`` characters in all, so
  a few hundred bytes of nested macros cannot ask for gigabytes;
- crossref inheritance (BibLaTeX's rule: the parent's title is the child's booktitle);
- an entry opened without a key and without its comma ("@article{title = …", EndNote) gets the
  comma; an empty key ("@article{,") is read as it is;
- BibLaTeX-only types and fields (date, journaltitle, langid, eprint/eprinttype) are mapped by
  the tables below.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.writer import BibtexFormat
from pylatexenc.latex2text import LatexNodes2Text

from socialmission.bibliography.names import looks_like_organisation
from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.bibliography.text import (
    clean,
    decode,
    find_pmid,
    month_number,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    parse_date,
    split_pages,
    standard_numbers,
    strip_accents,
    unique,
)

_ENTRY_RE = re.compile(r"^[ \t]*@[ \t]*([A-Za-z_][\w-]*)[ \t]*[{(]", re.MULTILINE)
# An opening brace followed directly by the first "field =": the key and its comma are missing.
_MISSING_KEY_RE = re.compile(
    r"^([ \t]*@[ \t]*([A-Za-z_][\w-]*)[ \t]*\{)(?=\s*[A-Za-z_][\w-]*\s*=)", re.MULTILINE
)
_NOT_ENTRIES = frozenset({"string", "comment", "preamble"})
# Entry types that group or hold data for other entries rather than describing a work.
_CONTAINER_TYPES = {
    "set": "a @set entry only groups other entries; it is not a work of its own",
    "xdata": "an @xdata entry only holds fields for other entries; it is not a work of its own",
}

BIBTEX_TO_CSL: dict[str, str] = {
    "article": "article-journal",
    "suppperiodical": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "commentary": "book",
    "inbook": "chapter",
    "bookinbook": "chapter",
    "incollection": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "book_section": "chapter",
    "booksection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "booklet": "pamphlet",
    "manual": "report",
    "report": "report",
    "techreport": "report",
    "thesis": "thesis",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "web_page": "webpage",
    "webpage": "webpage",
    "patent": "patent",
    "unpublished": "manuscript",
    "periodical": "periodical",
    "dataset": "dataset",
    "software": "software",
    "standard": "standard",
    "artwork": "graphic",
    "image": "graphic",
    "audio": "song",
    "music": "song",
    "video": "motion_picture",
    "movie": "motion_picture",
    "film": "motion_picture",
    "performance": "performance",
    "legislation": "legislation",
    "jurisdiction": "legal_case",
    "letter": "personal_communication",
    "conversation": "personal_communication",
    "review": "review",
    "newspaper_article": "article-newspaper",
    "newspaperarticle": "article-newspaper",
    "magazine_article": "article-magazine",
    "magazinearticle": "article-magazine",
    "misc": "document",
    "generic": "document",
}
CSL_TO_BIBTEX: dict[str, str] = {
    "article": "article",
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "book": "book",
    "chapter": "incollection",
    "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection",
    "paper-conference": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
}
_PERIODICAL_TYPES = frozenset(
    {"article-journal", "article-magazine", "article-newspaper", "review", "article"}
)
# Fields whose values are identifiers or addresses: LaTeX conversion would mangle them.
_VERBATIM_FIELDS = frozenset({"url", "doi", "eprint", "file", "pmid", "pmcid", "isbn", "issn"})

_latex = LatexNodes2Text()
# pylatexenc turns these commands into look-alike characters (U+02C6 for the circumflex);
# placeholders keep the ASCII characters a writer escaped this way.
_PRE_LATEX = (
    ("\\textasciicircum{}", "\ue000"),
    ("\\textasciitilde{}", "\ue001"),
    ("\\textbackslash{}", "\ue002"),
    ("\\textbraceleft{}", "\ue003"),
    ("\\textbraceright{}", "\ue004"),
)
_POST_LATEX = (("\ue000", "^"), ("\ue001", "~"), ("\ue002", "\\"), ("\ue003", "{"), ("\ue004", "}"))


def latex_to_text(value: str, paragraphs: bool = False) -> str:
    """Unicode text from a BibTeX field value (accents, commands, protective braces removed).

    With ``paragraphs``, a blank line (LaTeX's paragraph break) is kept as "\\n\\n".
    """
    if paragraphs:
        parts = re.split(r"\n[ \t]*\n\s*", value.strip())
        return "\n\n".join(t for t in (latex_to_text(p) for p in parts) if t)
    if not any(ch in value for ch in "\\{}$~%"):
        return clean(value)
    for command, placeholder in _PRE_LATEX:
        value = value.replace(command, placeholder)
    # A bare "%" in a field is a percent sign far more often than a LaTeX comment (exporters forget
    # to escape it), and treating it as a comment would drop the rest of the line.
    value = re.sub(r"(?<!\\)%", r"\\%", value)
    try:
        text = _latex.latex_to_text(value)
    except Exception:
        text = value.replace("{", "").replace("}", "")
    for placeholder, char in _POST_LATEX:
        text = text.replace(placeholder, char)
    return clean(text)


def _verbatim(value: str) -> str:
    """An identifier field without the escapes and braces exporters add ("10.1000/a\\_b")."""
    value = re.sub(r"\\url\{([^}]*)\}", r"\1", value)
    value = re.sub(r"\\([_%&#$~])", r"\1", value)
    return clean(value.replace("{", "").replace("}", ""))


def sniff(head: bytes) -> bool:
    """True when the first bytes read as BibTeX: an "@type{" entry opening near the top."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    for match in _ENTRY_RE.finditer(text[:32768]):
        if match.group(1).lower() not in ("comment", "preamble"):
            return True
    return False


def parse(stream: BinaryIO) -> Iterator[Record | RecordError]:
    """Parse BibTeX/BibLaTeX bytes (any encoding) into Records and per-entry RecordErrors."""
    yield from parse_text(decode(stream.read()))


# ------------------------------------------------------------------------------------ reading

# The longest a field may be, literal or after @string expansion: far above any real abstract.
MAX_FIELD_LENGTH = 100_000
# How many characters a file's @string references may produce in all.
MAX_EXPANSION = 10_000_000
# How deep crossref parents may chain (BibLaTeX allows one level; a few are tolerated).
_MAX_CROSSREF_DEPTH = 5
# BibTeX's predefined month macros.
_MONTH_MACROS = {
    name: full
    for name, full in (
        (m[:3].casefold(), m)
        for m in (
            "January February March April May June July August September October November December"
        ).split()
    )
}
# Field names exporters write for the standard ones (as bibtexparser 1.x read them).
_FIELD_ALIASES = {
    "keyw": "keywords",
    "authors": "author",
    "editors": "editor",
    "urls": "url",
    "link": "url",
    "links": "url",
    "xref": "crossref",
}


class _ExpansionError(ValueError):
    """A field that grows beyond the bounds; the message is for the import report."""


@dataclass
class _Macros:
    """@string definitions, expanded as BibTeX does, within ``MAX_FIELD_LENGTH``/``MAX_EXPANSION``."""

    values: dict[str, str] = field(default_factory=lambda: dict(_MONTH_MACROS))
    budget: int = field(default_factory=lambda: MAX_EXPANSION)

    def define(self, name: str, raw: str) -> None:
        try:
            self.values[name.casefold()] = self.expand(raw)
        except _ExpansionError:
            # Too long to keep: an entry using it is reported where it uses it.
            self.values[name.casefold()] = "\x00too-long"

    def expand(self, raw: str) -> str:
        """The value of a field: braced and quoted parts, numbers and macros joined by "#"."""
        parts: list[str] = []
        length = 0
        for kind, token in _tokens(raw):
            if kind == "macro":
                value = self.values.get(token.casefold(), "")  # undefined: empty, as BibTeX does
                if value == "\x00too-long":
                    raise _ExpansionError(f"the @string macro {token!r} is too long")
                self.budget -= len(value)
                if self.budget < 0:
                    raise _ExpansionError(
                        f"the file's @string macros expand to more than {MAX_EXPANSION:,} characters"
                    )
            else:
                value = token
            length += len(value)
            if length > MAX_FIELD_LENGTH:
                raise _ExpansionError(f"a field is longer than {MAX_FIELD_LENGTH:,} characters")
            parts.append(value)
        return "".join(parts)


def _tokens(raw: str) -> Iterator[tuple[str, str]]:
    """("text" | "macro", value) for each "#"-joined part of a raw field value."""
    for part in _split_concatenation(raw):
        part = part.strip()
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            yield "text", part[1:-1]
        elif part.isdigit() or not part:
            yield "text", part
        else:
            yield "macro", part


def _split_concatenation(raw: str) -> list[str]:
    """Split a value on the "#" outside braces and quotes."""
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:index])
            start = index + 1
    parts.append(raw[start:])
    return parts


@dataclass
class _Entry:
    """One entry's expanded fields (lower-case names), or the reason it could not be read."""

    line: int
    entry_type: str
    key: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    error: str = ""
    inherited: frozenset[str] = frozenset()
    parent: dict[str, str] | None = None


def _expand_entry(block: model.Entry, macros: _Macros) -> _Entry:
    entry = _Entry(
        line=(block.start_line or 0) + 1, entry_type=block.entry_type.lower(), key=block.key
    )
    try:
        for item in block.fields:
            name = item.key.lower()
            entry.fields[_FIELD_ALIASES.get(name, name)] = macros.expand(str(item.value))
    except _ExpansionError as exc:
        entry.error = str(exc)
    return entry


def _failed_entry(block: model.ParsingFailedBlock) -> _Entry | None:
    """The report line for a block bibtexparser could not read; None for non-entries."""
    match = re.match(r"\s*@\s*([A-Za-z_][\w-]*)", block.raw or "")
    entry_type = match.group(1).lower() if match else "unknown"
    if entry_type in _NOT_ENTRIES:
        return None
    return _Entry(
        line=(block.start_line or 0) + 1,
        entry_type=entry_type,
        error=f"could not read this @{entry_type} entry: check its braces and commas",
    )


def _read_blocks(text: str) -> list[_Entry]:
    """The file's entries in order, with @string macros expanded as they are defined."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    macros = _Macros()
    entries: list[_Entry] = []
    for parsed in library.blocks:
        block: model.Block | None = parsed
        if isinstance(parsed, model.DuplicateBlockKeyBlock):
            block = parsed.ignore_error_block  # a repeated key is still a work of its own
        if isinstance(block, model.String):
            macros.define(block.key, str(block.value))
        elif isinstance(block, model.Entry):
            entries.append(_expand_entry(block, macros))
        elif isinstance(block, model.ParsingFailedBlock):
            failed = _failed_entry(block)
            if failed is not None:
                entries.append(failed)
    return entries


def _inherit(entries: list[_Entry]) -> None:
    """Fill each entry's missing fields from its crossref parent (as BibTeX does)."""
    by_key = {e.key.casefold(): e for e in entries if e.key and not e.error}

    def resolved(entry: _Entry, depth: int) -> dict[str, str]:
        parent = by_key.get(entry.fields.get("crossref", "").strip().casefold())
        if parent is None or parent is entry or depth >= _MAX_CROSSREF_DEPTH:
            return entry.fields
        return {**resolved(parent, depth + 1), **entry.fields}

    for entry in entries:
        parent = by_key.get(entry.fields.get("crossref", "").strip().casefold())
        if parent is None or parent is entry or entry.error:
            continue
        merged = resolved(entry, 0)
        entry.inherited = frozenset(merged) - frozenset(entry.fields)
        entry.fields = merged
        entry.parent = parent.fields


def parse_text(text: str) -> Iterator[Record | RecordError]:
    """Parse BibTeX text; see the module docstring for what is handled beyond bibtexparser."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    def add_comma(match: re.Match[str]) -> str:
        return match.group(0) if match.group(2).lower() in _NOT_ENTRIES else match.group(1) + ","

    text = _MISSING_KEY_RE.sub(add_comma, text)
    try:
        entries = _read_blocks(text)
    except Exception as exc:
        yield RecordError("record 1 (line 1)", f"the file could not be read as BibTeX: {exc}")
        return
    _inherit(entries)
    for number, entry in enumerate(entries, start=1):
        position = f"record {number} (line {entry.line})"
        if entry.error:
            yield RecordError(position, entry.error)
        elif entry.entry_type in _CONTAINER_TYPES:
            yield RecordError(position, _CONTAINER_TYPES[entry.entry_type])
        else:
            try:
                yield _to_record(entry, position)
            except ValueError as exc:
                yield RecordError(position, str(exc))


def _names(value: str) -> list[Name]:
    """BibTeX names ("A and B and {Org}") with LaTeX turned into Unicode."""
    names: list[Name] = []
    for part in (clean(p) for p in split_multiple_persons_names(clean(value))):
        if not part or part.casefold() == "others":
            continue
        if part.startswith("{") and part.endswith("}") and _balanced(part[1:-1]):
            names.append(Name(literal=latex_to_text(part[1:-1])))
            continue
        try:
            pieces = parse_single_name_into_parts(part, strict=False)
        except Exception:
            names.append(Name(literal=latex_to_text(part)))
            continue
        family = latex_to_text(" ".join(pieces.von + pieces.last))
        given = latex_to_text(" ".join(pieces.first + pieces.jr))
        if not given and looks_like_organisation(family):
            names.append(Name(literal=family))
        elif family or given:
            names.append(Name(family=family or given, given=given if family else ""))
    return names


def _balanced(value: str) -> bool:
    depth = 0
    for ch in value:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


class _Fields:
    """An entry's fields as Unicode text: LaTeX converted, identifiers kept verbatim."""

    def __init__(self, raw: dict[str, str]) -> None:
        self.raw = raw

    def __call__(self, *names: str, paragraphs: bool = False) -> str:
        """The first of ``names`` that has a value."""
        for name in names:
            value = self.raw.get(name, "")
            if value and value.strip():
                if name in _VERBATIM_FIELDS:
                    return _verbatim(value)
                return latex_to_text(value, paragraphs=paragraphs)
        return ""

    def joined(self, *names: str) -> str:
        return " ".join(self.raw.get(name, "") for name in names)


# Record attribute -> the BibTeX/BibLaTeX fields that carry it, the first present one wins.
_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "volume": ("volume",),
    "language": ("language", "langid"),
    "publisher": ("publisher", "institution", "school", "organization"),
    "publisher_place": ("location", "address", "city"),
}
# The same for fields where a blank line is a paragraph break.
_PARAGRAPH_FIELDS: dict[str, tuple[str, ...]] = {
    "abstract": ("abstract",),
    "note": ("note", "addendum"),
}
# Free-text fields where exporters mention a PMID ("PMID: 123").
_NOTE_FIELDS = ("note", "annote", "annotation", "extra")


def _csl_type(entry_type: str, fields: _Fields) -> str:
    if entry_type == "article" and not fields("journal", "journaltitle"):
        return "article"  # an article without a journal is not a journal article
    return BIBTEX_TO_CSL.get(entry_type, "document")


def _title(record: Record, fields: _Fields) -> None:
    title, subtitle = fields("title"), fields("subtitle")
    record.title = f"{title}: {subtitle}" if title and subtitle else title or subtitle


def _people(record: Record, fields: _Fields) -> None:
    record.authors = _names(fields.raw.get("author", ""))
    if not record.authors and fields.raw.get("book-group-author"):
        record.authors = [Name(literal=fields("book-group-author"))]
    record.editors = _names(fields.raw.get("editor", ""))


def _dates(record: Record, fields: _Fields) -> None:
    year, month, day = parse_date(fields("date"))
    if year is None:
        year, month, day = parse_date(fields("year"))
    record.year, record.month, record.day = year, month or month_number(fields("month")), day


def _container(record: Record, fields: _Fields) -> None:
    if record.type in _PERIODICAL_TYPES:
        record.container_title = fields("journaltitle", "journal", "booktitle")
        record.issue = fields("number", "issue")
        return
    record.container_title = fields("booktitle", "maintitle", "journaltitle", "journal")
    if record.container_title and fields("booksubtitle") and fields.raw.get("booktitle"):
        record.container_title = f"{record.container_title}: {fields('booksubtitle')}"
    record.issue = fields("issue")
    if fields("number"):
        record.extra["number"] = fields("number")


def _pages(record: Record, fields: _Fields) -> None:
    start, end = split_pages(_verbatim(fields.raw.get("pages", "")))
    pages = f"{start}-{end}" if start and end else start
    # "No Pagination Specified" (PsycINFO via Mendeley) is not a page.
    record.pages = "" if "specified" in pages.casefold() else pages


def _identifiers(record: Record, fields: _Fields) -> None:
    record.url = fields("url") or _url_in(fields.raw.get("howpublished", ""))
    eprint_type, eprint = fields("eprinttype", "archiveprefix").casefold(), fields("eprint")
    by_eprint = {eprint_type: eprint}
    record.doi = normalize_doi(fields("doi")) or normalize_doi(by_eprint.get("doi", ""))
    record.pmid = (
        normalize_pmid(fields("pmid"))
        or normalize_pmid(by_eprint.get("pubmed", ""))
        or find_pmid(fields.joined(*_NOTE_FIELDS))
    )
    record.pmcid = normalize_pmcid(fields("pmcid")) or normalize_pmcid(by_eprint.get("pmc", ""))
    if not record.pmcid and "/pmc/" in record.url.casefold():
        record.pmcid = normalize_pmcid(record.url)


def _subjects(record: Record, fields: _Fields) -> None:
    keywords = fields("keywords", "keyword", "mesh")
    record.keywords = unique(clean(k) for k in re.split(r"[;,]", keywords)) if keywords else []
    issns, isbns, _others = standard_numbers(fields("issn") + " " + fields("isbn"))
    record.issn = issns[0] if issns else ""
    record.isbn = isbns[0] if isbns else fields("isbn")
    if record.type == "report" and fields("type"):
        record.extra["genre"] = fields("type")


# The special cases, in order; each reads the fields and sets its part of the record.
_STEPS: tuple[Callable[[Record, _Fields], None], ...] = (
    _title,
    _people,
    _dates,
    _container,
    _pages,
    _identifiers,
    _subjects,
)


def _biblatex_inheritance(entry: _Entry) -> dict[str, str]:
    """The entry's fields with BibLaTeX's crossref renames applied.

    Inheritance copies a parent's fields verbatim, but BibLaTeX renames its title parts: the
    parent's title is the child's booktitle, and its subtitle is not the child's subtitle.
    """
    raw = {
        k: v
        for k, v in entry.fields.items()
        if k not in entry.inherited or k not in ("subtitle", "titleaddon")
    }
    parent = entry.parent
    if parent is not None and not raw.get("booktitle") and parent.get("title"):
        raw["booktitle"] = parent["title"] + (
            f": {parent['subtitle']}" if parent.get("subtitle") else ""
        )
    return raw


def _to_record(entry: _Entry, position: str) -> Record:
    if not entry.fields:
        raise ValueError(f"the @{entry.entry_type} entry has no fields")
    fields = _Fields(_biblatex_inheritance(entry))
    record = Record(type=_csl_type(entry.entry_type, fields), source=position, id=entry.key)
    for attribute, names in _TEXT_FIELDS.items():
        setattr(record, attribute, fields(*names))
    for attribute, names in _PARAGRAPH_FIELDS.items():
        setattr(record, attribute, fields(*names, paragraphs=True))
    for step in _STEPS:
        step(record, fields)
    return record


def _url_in(value: str) -> str:
    match = re.search(r"\\url\{([^}]*)\}|(https?://\S+)", value)
    if not match:
        return ""
    return _verbatim(match.group(1) or match.group(2)).rstrip("}")


# ------------------------------------------------------------------------------------ writing

_ESCAPES = {
    "\\": r"\textbackslash{}",
    # Not "\{": BibTeX counts every brace, escaped or not, so a lone "\{" unbalances the entry.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_ESCAPE_RE = re.compile("|".join(re.escape(ch) for ch in _ESCAPES))


# TeX ligatures that would turn plain characters into others: "--" (en dash), "``" (quote),
# "?`" (inverted question mark). An empty group between the characters prevents them.
_LIGATURE_RE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")


def escape(value: str) -> str:
    """Escape LaTeX's special characters in a field value (Unicode letters are kept as they are)."""
    escaped = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], clean(value))
    return _LIGATURE_RE.sub("{}", escaped)


def _escape_verbatim(value: str) -> str:
    """URLs and DOIs are read verbatim by BibTeX/biblatex; only braces would break the entry."""
    return clean(value).replace("{", "%7B").replace("}", "%7D")


def _protect_title(value: str) -> str:
    """Escape a title and brace words with inner capitals (HIV, mHealth) so styles keep their case."""
    words = []
    for word in escape(value).split(" "):
        letters = re.sub(r"\\[a-z]+\{\}|[^A-Za-z]", "", word)
        if any(ch.isupper() for ch in letters[1:]):
            words.append("{" + word + "}")
        else:
            words.append(word)
    return " ".join(words)


def _bibtex_name(name: Name) -> str:
    if name.literal:
        return "{" + escape(name.literal) + "}"
    if name.family and name.given:
        return f"{escape(name.family)}, {escape(name.given)}"
    return escape(name.family or name.given)


def citation_key(record: Record) -> str:
    """A readable key: first author's family name, year, first significant title word (ASCII)."""
    first = record.authors[0] if record.authors else None
    who = (first.family or first.literal.split(" ")[0]) if first else "anon"
    title_words = [w for w in re.findall(r"[A-Za-z0-9]+", strip_accents(record.title))
                   if w.casefold() not in {"a", "an", "the", "on", "of", "in", "and", "for"}]  # fmt: skip
    parts = [who, str(record.year or ""), title_words[0] if title_words else ""]
    key = "".join(re.sub(r"[^A-Za-z0-9]", "", strip_accents(p)) for p in parts)
    key = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    return key[:1].lower() + key[1:] if key else "ref"


# Fields written first, in this order; the others follow in alphabetical order.
_DISPLAY_ORDER = ("author", "editor", "title", "journal", "booktitle", "year", "month")


def _writer_format() -> BibtexFormat:
    layout = BibtexFormat()
    layout.indent = "  "
    layout.block_separator = "\n"
    layout.trailing_comma = False
    return layout


def render(records: Iterable[Record]) -> str:
    """BibTeX for the records: escaped values, unique keys, readable by BibTeX, biber and parsers."""
    blocks: list[model.Block] = []
    used: set[str] = set()
    for record in records:
        base = citation_key(record)
        key, suffix = base, 0
        while key.casefold() in used:
            # a, b, … then aa, ab: the convention of author-year styles.
            suffix += 1
            key = base + _letters(suffix)
        used.add(key.casefold())
        blocks.append(_entry_block(_to_entry(record, key)))
    if not blocks:
        return ""
    return bibtexparser.write_string(
        bibtexparser.Library(blocks), unparse_stack=[], bibtex_format=_writer_format()
    )


def _entry_block(entry: dict[str, str]) -> model.Entry:
    names = [n for n in entry if n not in ("ENTRYTYPE", "ID")]
    order = [n for n in _DISPLAY_ORDER if n in entry] + sorted(
        n for n in names if n not in _DISPLAY_ORDER
    )
    return model.Entry(
        entry["ENTRYTYPE"], entry["ID"], [model.Field(n, "{" + entry[n] + "}") for n in order]
    )


def _letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _to_entry(record: Record, key: str) -> dict[str, str]:
    entry_type = CSL_TO_BIBTEX.get(record.type, "misc")
    if entry_type == "incollection" and not record.container_title:
        entry_type = "inbook"
    entry: dict[str, str] = {"ENTRYTYPE": entry_type, "ID": key}

    def put(name: str, value: str) -> None:
        if value and value.strip():
            entry[name] = value

    put("author", " and ".join(_bibtex_name(n) for n in record.authors))
    put("editor", " and ".join(_bibtex_name(n) for n in record.editors))
    put("title", _protect_title(record.title))
    if entry_type == "article":
        put("journal", escape(record.container_title))
        put("number", escape(record.issue))
    else:
        put("booktitle", escape(record.container_title))
        put("issue", escape(record.issue))
    if record.year is not None:
        put("year", str(record.year))
        if record.month:
            put("month", str(record.month))
    put("volume", escape(record.volume))
    start, end = split_pages(record.pages)
    # "--" is the en dash BibTeX styles expect between page numbers.
    put("pages", f"{escape(start)}--{escape(end)}" if end else escape(start))
    put("doi", _escape_verbatim(record.doi))
    put("pmid", _escape_verbatim(record.pmid))
    put("pmcid", _escape_verbatim(record.pmcid))
    put("url", _escape_verbatim(record.url))
    put("abstract", escape(record.abstract))
    put("keywords", escape(", ".join(k.replace(",", " ") for k in record.keywords)))
    put("language", escape(record.language))
    if entry_type == "techreport":
        put("institution", escape(record.publisher or record.organization))
    elif entry_type == "phdthesis":
        put("school", escape(record.publisher or record.organization))
    else:
        put("publisher", escape(record.publisher))
    put("address", escape(record.publisher_place))
    put("isbn", _escape_verbatim(record.isbn))
    put("issn", _escape_verbatim(record.issn))
    put("note", escape(record.note))
    return entry
