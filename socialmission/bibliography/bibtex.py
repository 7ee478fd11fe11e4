"""BibTeX and BibLaTeX: read what reference managers export, write what LaTeX and they read back.

The only module that imports ``bibtexparser`` (1.x, which parses @string macros and crossref
inheritance) and ``pylatexenc`` (LaTeX accents and commands to Unicode). What they do not do for
real-world files is done here, each step marked where it happens:

- entries with an EMPTY citation key (EndNote, Mendeley: '@article{,') are silently dropped by
  bibtexparser, so they get a placeholder key before parsing;
- bibtexparser gives no line numbers, so entry openings are found here and matched to its entries
  in order; an opening it could not read becomes a RecordError at that line;
- BibLaTeX-only types and fields (date, journaltitle, langid, eprint/eprinttype) are mapped here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import bibtexparser
from bibtexparser.bibdatabase import BibDatabase, UndefinedString
from bibtexparser.bparser import BibTexParser
from bibtexparser.bwriter import BibTexWriter
from bibtexparser.customization import splitname
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
# An opening brace followed directly by a comma or by the first "field =": the key is missing.
_EMPTY_KEY_RE = re.compile(
    r"^([ \t]*@[ \t]*[A-Za-z_][\w-]*[ \t]*\{)(\s*)(,|(?=[A-Za-z_][\w-]*\s*=))", re.MULTILINE
)
_TYPE_UNDERSCORE_RE = re.compile(r"^([ \t]*@[ \t]*)([A-Za-z]+_[\w]*)(?=[ \t]*[{(])", re.MULTILINE)
_EMPTY_KEY_PREFIX = "empty-key-line-"
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


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_text(text: str) -> Iterator[Record | RecordError]:
    """Parse BibTeX text; see the module docstring for what is handled beyond bibtexparser."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")

    def fill_key(match: re.Match[str]) -> str:
        if match.group(1).split("@", 1)[1].strip(" \t{").lower() in _NOT_ENTRIES:
            return match.group(0)  # "@string{name = …}" has no key by design
        line = _line_of(text, match.start(1))
        key = f"{_EMPTY_KEY_PREFIX}{line}"
        return f"{match.group(1)}{key}{match.group(2)},"

    text = _EMPTY_KEY_RE.sub(fill_key, text)
    # bibtexparser's grammar rejects "_" in entry types, and Mendeley writes @book_section,
    # @web_page, @newspaper_article …: drop the underscore (the type table knows both spellings).
    text = _TYPE_UNDERSCORE_RE.sub(lambda m: m.group(1) + m.group(2).replace("_", ""), text)
    openings: list[tuple[int, str]] = [
        (_line_of(text, m.start()), m.group(1).lower())
        for m in _ENTRY_RE.finditer(text)
        if m.group(1).lower() not in _NOT_ENTRIES
    ]

    try:
        database = _load(text)
    except Exception as exc:
        yield RecordError("record 1 (line 1)", f"the file could not be read as BibTeX: {exc}")
        return

    by_key = {entry.get("ID", "").casefold(): entry for entry in database.entries}
    results: list[tuple[int, Record | RecordError]] = []
    cursor = 0
    number = 0
    for entry in database.entries:
        entry_type = entry.get("ENTRYTYPE", "").lower()
        # Walk the openings in step with the parsed entries; openings skipped on the way are
        # entries bibtexparser could not read.
        match_at = next(
            (i for i in range(cursor, len(openings)) if openings[i][1] == entry_type), None
        )
        if match_at is None:
            line = openings[-1][0] if openings else 1
        else:
            for skipped_line, skipped_type in openings[cursor:match_at]:
                number += 1
                results.append((skipped_line, RecordError(
                    f"record {number} (line {skipped_line})",
                    f"could not read this @{skipped_type} entry: check its braces and commas",
                )))  # fmt: skip
            line = openings[match_at][0]
            cursor = match_at + 1
        number += 1
        position = f"record {number} (line {line})"
        if entry_type in _CONTAINER_TYPES:
            results.append((line, RecordError(position, _CONTAINER_TYPES[entry_type])))
            continue
        try:
            parent = (
                by_key.get(entry.get("crossref", "").casefold()) if entry.get("crossref") else None
            )
            results.append((line, _to_record(entry, position, parent)))
        except ValueError as exc:
            results.append((line, RecordError(position, str(exc))))
    for skipped_line, skipped_type in openings[cursor:]:
        number += 1
        results.append((skipped_line, RecordError(
            f"record {number} (line {skipped_line})",
            f"could not read this @{skipped_type} entry: check its braces and commas",
        )))  # fmt: skip
    for _line, item in results:
        yield item


def _load(text: str) -> BibDatabase:
    """bibtexparser's database for the text, with undefined @string macros read as empty.

    BibTeX itself warns and uses an empty string for an undefined macro; bibtexparser raises and
    loses the whole file, so each undefined name is defined as empty and parsing is retried.
    """
    undefined: list[str] = []
    for _attempt in range(50):
        prefix = "".join(f'@string{{{name} = ""}}\n' for name in undefined)
        parser = BibTexParser(
            common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True
        )
        parser.add_missing_from_crossref = True
        try:
            return bibtexparser.loads(prefix + text, parser)
        except UndefinedString as exc:
            undefined.append(str(exc.args[0]) if exc.args else str(exc))
    raise ValueError("too many undefined @string macros")


def _names(value: str) -> list[Name]:
    """BibTeX names ("A and B and {Org}") with LaTeX turned into Unicode."""
    names: list[Name] = []
    # Split on " and " outside braces, as BibTeX does.
    depth = 0
    current: list[str] = []
    parts: list[str] = []
    for piece in re.split(r"(\s+and\s+|[{}])", clean(value), flags=re.IGNORECASE):
        if piece == "{":
            depth += 1
        elif piece == "}":
            depth -= 1
        if depth == 0 and re.fullmatch(r"\s+and\s+", piece, flags=re.IGNORECASE):
            parts.append("".join(current))
            current = []
        else:
            current.append(piece)
    parts.append("".join(current))
    for part in (clean(p) for p in parts):
        if not part or part.casefold() == "others":
            continue
        if part.startswith("{") and part.endswith("}") and _balanced(part[1:-1]):
            names.append(Name(literal=latex_to_text(part[1:-1])))
            continue
        try:
            pieces = splitname(part, strict_mode=False)
        except Exception:
            names.append(Name(literal=latex_to_text(part)))
            continue
        family = latex_to_text(" ".join(pieces.get("von", []) + pieces.get("last", [])))
        given = latex_to_text(" ".join(pieces.get("first", []) + pieces.get("jr", [])))
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


def _to_record(
    entry: dict[str, str], position: str, parent: dict[str, str] | None = None
) -> Record:
    inherited = set(entry.get("_FROM_CROSSREF", []))
    raw = {k.lower(): v for k, v in entry.items() if k not in ("ID", "ENTRYTYPE", "_FROM_CROSSREF")}
    # bibtexparser copies a crossref parent's fields verbatim, but BibLaTeX's inheritance renames
    # the parent's title parts: its title is the child's booktitle, and its subtitle is not the
    # child's subtitle.
    for name in ("subtitle", "titleaddon"):
        if name in inherited:
            raw.pop(name, None)
    if parent is not None and not raw.get("booktitle") and parent.get("title"):
        raw["booktitle"] = parent["title"] + (
            f": {parent['subtitle']}" if parent.get("subtitle") else ""
        )

    def field(*names: str, paragraphs: bool = False) -> str:
        for name in names:
            value = raw.get(name, "")
            if value and value.strip():
                if name in _VERBATIM_FIELDS:
                    return _verbatim(value)
                return latex_to_text(value, paragraphs=paragraphs)
        return ""

    entry_type = entry.get("ENTRYTYPE", "misc").lower()
    csl_type = BIBTEX_TO_CSL.get(entry_type, "document")
    if entry_type == "article" and not field("journal", "journaltitle"):
        csl_type = "article"
    key = entry.get("ID", "")
    record = Record(
        type=csl_type, source=position, id="" if key.startswith(_EMPTY_KEY_PREFIX) else key
    )
    record.title = field("title")
    subtitle = field("subtitle")
    if subtitle:
        record.title = f"{record.title}: {subtitle}" if record.title else subtitle
    if not raw:
        raise ValueError(f"the @{entry_type} entry has no fields")
    record.authors = _names(raw.get("author", ""))
    if not record.authors and raw.get("book-group-author"):
        record.authors = [Name(literal=field("book-group-author"))]
    record.editors = _names(raw.get("editor", ""))

    year, month, day = parse_date(field("date"))
    if year is None:
        year, month, day = parse_date(field("year"))
    record.year, record.month, record.day = year, month, day
    if record.month is None and raw.get("month"):
        record.month = month_number(field("month"))

    if csl_type in _PERIODICAL_TYPES:
        record.container_title = field("journaltitle", "journal", "booktitle")
        record.issue = field("number", "issue")
    else:
        record.container_title = field("booktitle", "maintitle", "journaltitle", "journal")
        if record.container_title and field("booksubtitle") and raw.get("booktitle"):
            record.container_title = f"{record.container_title}: {field('booksubtitle')}"
        record.issue = field("issue")
        if field("number"):
            record.extra["number"] = field("number")
    record.volume = field("volume")
    start, end = split_pages(_verbatim(raw.get("pages", "")))
    record.pages = f"{start}-{end}" if start and end else start
    if "specified" in record.pages.casefold():
        record.pages = ""  # "No Pagination Specified" (PsycINFO via Mendeley)

    record.doi = normalize_doi(field("doi"))
    url = field("url") or _url_in(raw.get("howpublished", ""))
    record.url = url
    eprint_type = field("eprinttype", "archiveprefix").casefold()
    eprint = field("eprint")
    record.pmid = normalize_pmid(field("pmid")) or (
        normalize_pmid(eprint) if eprint_type == "pubmed" else ""
    )
    if not record.pmid:
        record.pmid = find_pmid(
            " ".join(raw.get(k, "") for k in ("note", "annote", "annotation", "extra"))
        )
    record.pmcid = normalize_pmcid(field("pmcid")) or (
        normalize_pmcid(eprint) if eprint_type == "pmc" else ""
    )
    if not record.pmcid and "/pmc/" in record.url.casefold():
        record.pmcid = normalize_pmcid(record.url)
    if not record.doi and eprint_type == "doi":
        record.doi = normalize_doi(eprint)

    record.abstract = field("abstract", paragraphs=True)
    keywords = field("keywords", "keyword", "mesh")
    record.keywords = unique(clean(k) for k in re.split(r"[;,]", keywords)) if keywords else []
    record.language = field("language", "langid")
    record.publisher = field("publisher", "institution", "school", "organization")
    record.publisher_place = field("location", "address", "city")
    issns, isbns, _others = standard_numbers(field("issn") + " " + field("isbn"))
    record.issn = issns[0] if issns else ""
    record.isbn = isbns[0] if isbns else field("isbn")
    record.note = field("note", "addendum", paragraphs=True)
    if csl_type == "report" and field("type"):
        record.extra["genre"] = field("type")
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


def render(records: Iterable[Record]) -> str:
    """BibTeX for the records: escaped values, unique keys, readable by BibTeX, biber and parsers."""
    database = BibDatabase()
    used: set[str] = set()
    for record in records:
        base = citation_key(record)
        key, suffix = base, 0
        while key.casefold() in used:
            # a, b, … then aa, ab: the convention of author-year styles.
            suffix += 1
            key = base + _letters(suffix)
        used.add(key.casefold())
        database.entries.append(_to_entry(record, key))
    writer = BibTexWriter()
    writer.indent = "  "
    writer.order_entries_by = None
    writer.display_order = ["author", "editor", "title", "journal", "booktitle", "year", "month"]
    return writer.write(database) if database.entries else ""


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
