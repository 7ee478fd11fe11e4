"""Filling the suggestion form from one pasted RIS, BibTeX or MEDLINE record.

The only caller of ``socialmission.bibliography.formats.parse_text`` in this app, so a change
in the bibliography package touches this one module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from socialmission.bibliography.formats import parse_text
from socialmission.bibliography.names import format_name, parse_name
from socialmission.bibliography.record import Name, Record, RecordError
from socialmission.bibliography.text import normalize_doi, normalize_pmid
from socialmission.interop.importer import resource_type_csl_types
from socialmission.interop.records import name_from_json, name_to_json
from socialmission.library.models import ResourceType

MAX_PASTE_LENGTH = 20_000


@dataclass
class PasteResult:
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    # A bare DOI or PMID: ("doi", "10.…") or ("pmid", "…"), for the caller to look up.
    identifier: tuple[str, str] | None = None


def _parse(text: str) -> list[Record | RecordError]:
    # The live resource types, as the importer passes them: a type a curator renamed or added
    # in the admin is understood in a pasted record of the library's own CSV too.
    return parse_text(text, resource_types=resource_type_csl_types())


def authors_text(authors: list[dict[str, str]]) -> str:
    """The form's one-author-per-line text ("Family, Given") from the CSL-style list on models."""
    names = (name_from_json(author) for author in authors or [])
    return "\n".join(format_name(name) for name in names if name)


def parse_authors(text: str) -> list[dict[str, str]]:
    """ "Family, Given" per line → {"family", "given"}; a line without a comma is a literal name.

    Through ``bibliography.names.parse_name``, the one name parser, for the lines with a comma.
    """
    authors: list[dict[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        author = name_to_json(parse_name(line) if "," in line else Name(literal=line))
        if author:
            authors.append(author)
    return authors


def _bare_identifier(text: str) -> dict[str, str]:
    """{"doi": …} or {"pmid": …} when the pasted text is just a DOI or a PMID (or its URL).

    The caller looks it up (``interop.lookup``, in a task) to fill the rest of the form.
    """
    if "\n" in text or len(text) > 300:
        return {}
    if text.isdigit() or text.lower().startswith(("pmid", "https://pubmed", "http://pubmed")):
        pmid = normalize_pmid(text)
        return {"pmid": pmid} if pmid else {}
    doi = normalize_doi(text)
    if doi and (
        text.lower().startswith(
            ("10.", "doi", "https://doi", "http://doi", "https://dx", "http://dx")
        )
    ):
        return {"doi": doi}
    return {}


def _resource_type(record: Record) -> ResourceType | None:
    """The active type the record names (our own CSV names it), else the first of its CSL type."""
    active = ResourceType.objects.filter(is_active=True)
    named = record.resource_type.strip()
    if named:
        match = active.filter(Q(name__iexact=named) | Q(slug__iexact=named)).first()
        if match is not None:
            return match
    return active.filter(csl_type=record.type).first()


def record_to_form_data(record: Record) -> dict[str, Any]:
    resource_type = _resource_type(record)
    data: dict[str, Any] = {
        "title": record.title,
        "url": record.url if record.url.startswith(("http://", "https://")) else "",
        "doi": normalize_doi(record.doi),
        "pmid": normalize_pmid(record.pmid),
        "authors_text": authors_text(
            [
                {"literal": n.literal} if n.literal else {"family": n.family, "given": n.given}
                for n in record.authors
            ]
        ),
        "year": record.year or "",
        "venue": record.container_title or record.publisher,
        "venue_short": record.extra.get("container_title_short", ""),
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "issn": record.issn,
        "language": record.language,
        "keywords": "; ".join(record.keywords),
        "description": record.abstract,
    }
    if resource_type is not None:
        data["resource_type"] = str(resource_type.pk)
    return {key: value for key, value in data.items() if value not in ("", None)}


def parse_pasted_record(text: str) -> PasteResult:
    """Form data from exactly one pasted record, or an error a visitor can act on."""
    text = text.strip()
    if not text:
        return PasteResult(error="Paste a RIS, BibTeX or MEDLINE record first.")
    if len(text) > MAX_PASTE_LENGTH:
        return PasteResult(error="That record is too long: paste one record only.")
    identifier = _bare_identifier(text)
    if identifier:
        ((kind, value),) = identifier.items()
        return PasteResult(data=identifier, identifier=(kind, value))
    try:
        results = _parse(text)
    except ValueError as error:  # UnsupportedFormat: its message says what the text looks like
        return PasteResult(error=f"That text could not be read: {error}.")
    except Exception:  # a parser bug must not lose what the visitor typed
        return PasteResult(error="That record could not be read. Check it, or fill in the form.")
    records = [r for r in results if isinstance(r, Record)]
    errors = [r for r in results if isinstance(r, RecordError)]
    if not records:
        reason = errors[0].reason if errors else "no record found"
        return PasteResult(
            error=f"That record could not be read ({reason}). Is it RIS, BibTeX or MEDLINE?"
        )
    if len(records) > 1:
        return PasteResult(error="Paste one record at a time: that text holds several.")
    return PasteResult(data=record_to_form_data(records[0]))
