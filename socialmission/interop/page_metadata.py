"""Citation metadata embedded in a resource page, for reference managers and search engines.

Three vocabularies, all built from the resource's Record:

- Highwire Press ``citation_*`` meta tags (what Google Scholar and Zotero's connector read first);
- schema.org JSON-LD, typed by ``ResourceType.schema_org_type`` (ScholarlyArticle, Report,
  VideoObject, Dataset, …);
- a COinS span (OpenURL ContextObject in a ``title`` attribute), the oldest convention, still
  read by Zotero and some library tools.

Everything here returns plain data; the templates escape it. The JSON-LD text is the one
exception that reaches the page unescaped by the template, so ``json_ld`` escapes ``<``, ``>``
and ``&`` inside the JSON itself (as ``\\u003c`` …), which no title can break out of.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from socialmission.bibliography.names import format_name
from socialmission.bibliography.record import Name, Record
from socialmission.bibliography.text import split_pages
from socialmission.interop.records import resource_to_record
from socialmission.library.models import Resource

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class PageMetadata:
    meta_tags: list[tuple[str, str]]
    json_ld: str
    coins: str


def _date(record: Record) -> str:
    if not record.year:
        return ""
    parts = [f"{record.year:04d}"]
    if record.month:
        parts.append(f"{record.month:02d}")
        if record.day:
            parts.append(f"{record.day:02d}")
    return "/".join(parts)


def highwire_tags(record: Record, *, page_url: str = "") -> list[tuple[str, str]]:
    """(name, content) pairs of Highwire Press meta tags, in the order Scholar documents them."""
    tags: list[tuple[str, str]] = [("citation_title", record.title)]
    tags += [("citation_author", format_name(a)) for a in record.authors]
    if record.organization and not record.authors:
        tags.append(("citation_author", record.organization))
    if record.year:
        tags.append(("citation_publication_date", _date(record)))
    if record.container_title:
        tags.append(("citation_journal_title", record.container_title))
    if record.publisher:
        if record.type == "report":
            tags.append(("citation_technical_report_institution", record.publisher))
        else:
            tags.append(("citation_publisher", record.publisher))
    first, last = split_pages(record.pages)
    for name, value in (
        ("citation_volume", record.volume),
        ("citation_issue", record.issue),
        ("citation_firstpage", first),
        ("citation_lastpage", last),
        ("citation_doi", record.doi),
        ("citation_pmid", record.pmid),
        ("citation_issn", record.issn),
        ("citation_isbn", record.isbn),
        ("citation_language", record.language),
        ("citation_abstract_html_url", page_url),
        ("citation_public_url", page_url),
    ):
        if value:
            tags.append((name, value))
    if record.keywords:
        tags.append(("citation_keywords", "; ".join(record.keywords)))
    return [(name, value) for name, value in tags if value]


def _person(name: Name) -> dict[str, str]:
    if name.literal:
        return {"@type": "Organization", "name": name.literal}
    person = {"@type": "Person", "name": " ".join(p for p in (name.given, name.family) if p)}
    if name.family:
        person["familyName"] = name.family
    if name.given:
        person["givenName"] = name.given
    return person


def _links(record: Record) -> tuple[list[dict[str, str]], list[str]]:
    """The record's identifiers as schema.org PropertyValues, and the URLs it is the same as."""
    identifiers = []
    same_as = []
    if record.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": record.doi})
        same_as.append(f"https://doi.org/{record.doi}")
    if record.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": record.pmid})
        same_as.append(f"https://pubmed.ncbi.nlm.nih.gov/{record.pmid}/")
    if record.url:
        same_as.append(record.url)
    return identifiers, same_as


def _organization(name: str) -> dict[str, str] | None:
    return {"@type": "Organization", "name": name} if name else None


def schema_org(record: Record, schema_type: str, *, page_url: str = "") -> dict[str, Any]:
    """The schema.org description of a resource (a plain dict, ready for json.dumps)."""
    authors = [_person(a) for a in record.authors]
    if not authors and record.organization:
        authors = [{"@type": "Organization", "name": record.organization}]
    container = None
    if record.container_title:
        container = {
            "@type": "Periodical" if record.type.startswith("article") else "CreativeWork",
            "name": record.container_title,
        }
    identifiers, same_as = _links(record)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": schema_type or "CreativeWork",
        "name": record.title,
        "headline": record.title[:110],
        "url": page_url,
        "@id": page_url,
        "author": authors,
        "datePublished": _date(record).replace("/", "-") if record.year else "",
        "description": record.abstract,
        "isPartOf": container,
        "publisher": _organization(record.publisher),
        "volumeNumber": record.volume,
        "issueNumber": record.issue,
        "pagination": record.pages,
        "inLanguage": record.language,
        "keywords": record.keywords,
        "identifier": identifiers,
        "sameAs": same_as,
        "about": [{"@type": "Thing", "name": term} for term in record.domains + record.topics],
    }
    # Empty values are left out; name and headline stay even for an untitled record.
    return {k: v for k, v in data.items() if v or k in ("name", "headline")}


def json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> element; safe against "</script>"."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


def coins(record: Record, *, page_url: str = "") -> str:
    """The OpenURL 1.0 KEV ContextObject for a COinS ``title`` attribute (not yet HTML-escaped)."""
    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004")]
    first, last = split_pages(record.pages)
    if record.type.startswith("article") or record.type == "paper-conference":
        pairs += [
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"),
            ("rft.genre", "article"),
            ("rft.atitle", record.title),
            ("rft.jtitle", record.container_title),
            ("rft.volume", record.volume),
            ("rft.issue", record.issue),
            ("rft.spage", first),
            ("rft.epage", last),
            ("rft.issn", record.issn),
        ]
    elif record.type in {"book", "report"}:
        pairs += [
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:book"),
            ("rft.genre", "report" if record.type == "report" else "book"),
            ("rft.btitle", record.title),
            ("rft.pub", record.publisher),
            ("rft.isbn", record.isbn),
        ]
    else:
        pairs += [
            ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
            ("rft.type", record.type),
            ("rft.title", record.title),
            ("rft.publisher", record.publisher or record.container_title),
        ]
    for author in record.authors:
        if author.literal:
            pairs.append(("rft.aucorp", author.literal))
        else:
            pairs.append(("rft.au", " ".join(p for p in (author.given, author.family) if p)))
    if record.year:
        pairs.append(("rft.date", _date(record).replace("/", "-")))
    if record.doi:
        pairs.append(("rft_id", f"info:doi/{record.doi}"))
    if record.pmid:
        pairs.append(("rft_id", f"info:pmid/{record.pmid}"))
    if record.url or page_url:
        pairs.append(("rft_id", record.url or page_url))
    return urlencode([(k, v) for k, v in pairs if v])


def page_metadata(resource: Resource, *, page_url: str = "") -> PageMetadata:
    record = resource_to_record(resource)
    return PageMetadata(
        meta_tags=highwire_tags(record, page_url=page_url),
        json_ld=json_ld(
            schema_org(record, resource.resource_type.schema_org_type, page_url=page_url)
        ),
        coins=coins(record, page_url=page_url),
    )
