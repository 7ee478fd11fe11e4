"""Exports of resources as files: RIS, BibTeX, CSL-JSON, CSV and formatted bibliographies.

Owns which export formats exist (``EXPORTS``), turning a stream of Records into the text of a
file in chunks (``export_chunks``, so a whole-library export is streamed and never held in
memory), reading resources for a list of ids in their order (``records_for_ids``), and the HTTP
response a download needs (``export_response``). The format writers themselves live in
``socialmission.bibliography`` (``formats.render``, ``citations``); this module only feeds them
and joins their output.

Joining chunks needs care per format: BibTeX keys must stay unique across chunks, a CSV has one
header row, CSL-JSON is a single array, numbered bibliographies keep counting.

Bounds on what a stranger can make it do: a search export holds at most
``search_export_cap(key)`` records (``EXPORT_SEARCH_MAX_RECORDS``, or the lower
``EXPORT_SEARCH_MAX_CITATIONS`` for citation styles, which run citeproc per record); the whole
library is served from pre-built files (``interop.dumps``); and every multi-record download
counts against ``EXPORTS_RATE_LIMIT`` per address (``throttle``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from socialmission.bibliography import citations, formats
from socialmission.bibliography.record import Record
from socialmission.core import ratelimits
from socialmission.interop.records import resource_to_record
from socialmission.library.models import Resource

CHUNK_SIZE = 500


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str
    media_type: str
    extension: str
    # For formatted bibliographies: the citation style, and whether the file is HTML.
    style: str = ""
    html: bool = False


def _kinds() -> dict[str, ExportKind]:
    kinds = {
        name: ExportKind(name, spec.label, spec.media_type, spec.extension)
        for name, spec in formats.EXPORT_FORMATS.items()
    }
    for style, label in citations.STYLES.items():
        short = label.split(" (")[0]
        kinds[style] = ExportKind(style, f"{short} (text)", "text/plain", ".txt", style=style)
        kinds[f"{style}-html"] = ExportKind(
            f"{style}-html", f"{short} (web page)", "text/html", ".html", style=style, html=True
        )
    return kinds


EXPORTS: dict[str, ExportKind] = _kinds()
FILE_FORMATS = tuple(formats.EXPORT_FORMATS)
STYLE_FORMATS = tuple(citations.STYLES)


def _chunks(records: Iterable[Record], size: int | None = None) -> Iterator[list[Record]]:
    # CHUNK_SIZE is read at call time (not bound as a default) so a test can make chunks small.
    iterator = iter(records)
    while chunk := list(islice(iterator, size or CHUNK_SIZE)):
        yield chunk


_BIBTEX_KEY_RE = re.compile(r"^(@\w+\{)([^,\s]+),", re.MULTILINE)


def _bibtex(records: Iterable[Record]) -> Iterator[str]:
    used: set[str] = set()
    for chunk in _chunks(records):
        text = formats.render(chunk, "bibtex")
        # Each chunk's keys are unique among themselves; rename those an earlier chunk took.
        chunk_keys = {m.group(2).casefold() for m in _BIBTEX_KEY_RE.finditer(text)}

        def rename(match: re.Match[str], chunk_keys: set[str] = chunk_keys) -> str:
            key = match.group(2)
            if key.casefold() in used:
                number = 2
                while (
                    f"{key}-{number}".casefold() in used
                    or f"{key}-{number}".casefold() in chunk_keys
                ):
                    number += 1
                key = f"{key}-{number}"
            used.add(key.casefold())
            return f"{match.group(1)}{key},"

        yield _BIBTEX_KEY_RE.sub(rename, text)


def _csv(records: Iterable[Record]) -> Iterator[str]:
    first = True
    for chunk in _chunks(records):
        text = formats.render(chunk, "csv")
        if not first:
            # The header is the first line; header cells never hold line breaks.
            text = text.split("\r\n", 1)[1] if "\r\n" in text else ""
        first = False
        yield text
    if first:
        yield formats.render([], "csv")


def _csljson(records: Iterable[Record]) -> Iterator[str]:
    yield "["
    separator = "\n"
    for chunk in _chunks(records):
        items = json.loads(formats.render(chunk, "csljson"))
        for item in items:
            yield separator + json.dumps(item, ensure_ascii=False, indent=2)
            separator = ",\n"
    yield "\n]\n"


def _ris(records: Iterable[Record]) -> Iterator[str]:
    for chunk in _chunks(records):
        text = formats.render(chunk, "ris")
        yield text if text.endswith("\n") else text + "\n"


def _bibliography_text(records: Iterable[Record], style: str) -> Iterator[str]:
    numbered = style != "apa"
    for number, record in enumerate(records, start=1):
        entry = citations.format_citation_text(record, style)
        prefix = f"{number}. " if numbered else ""
        yield ("\n" if number > 1 else "") + f"{prefix}{entry}\n"


def _bibliography_html(records: Iterable[Record], kind: ExportKind) -> Iterator[str]:
    tag = "ul" if kind.style == "apa" else "ol"
    title = f"Bibliography, {kind.label.split(' (')[0]}"
    yield (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n<{tag}>\n"
    )
    for record in records:
        # format_citation escapes every character that came from the record; the only markup
        # in it is the style's own (<i>, <b>, <sup>, <sub>, <span>).
        yield f"<li>{citations.format_citation(record, kind.style)}</li>\n"
    yield f"</{tag}>\n</body>\n</html>\n"


def export_chunks(records: Iterable[Record], key: str) -> Iterator[str]:
    """The text of the export file ``key`` (a key of ``EXPORTS``), in pieces."""
    kind = EXPORTS[key]
    if kind.style:
        if kind.html:
            return _bibliography_html(records, kind)
        return _bibliography_text(records, kind.style)
    writers = {"ris": _ris, "bibtex": _bibtex, "csljson": _csljson, "csv": _csv}
    return writers[key](records)


def records_for_ids(ids: Sequence[int], *, chunk_size: int | None = None) -> Iterator[Record]:
    """Records of the published resources with these ids, in the order of ``ids``."""
    chunk_size = chunk_size or CHUNK_SIZE
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        resources = {
            resource.pk: resource
            for resource in Resource.objects.published()
            .filter(pk__in=chunk)
            .select_related("resource_type", "evidence_level")
            .prefetch_related("domains", "topics", "professions")
        }
        for pk in chunk:
            if pk in resources:
                yield resource_to_record(resources[pk])


def export_response(records: Iterable[Record], key: str, *, filename: str) -> StreamingHttpResponse:
    """A streamed download of ``records`` as ``key``; ``filename`` without extension."""
    kind = EXPORTS[key]
    response = StreamingHttpResponse(
        (piece.encode("utf-8") for piece in export_chunks(records, key)),
        content_type=f"{kind.media_type}; charset=utf-8",
    )
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-") or "export"
    disposition = "inline" if kind.html else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{safe_name}{kind.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def search_export_cap(key: str) -> int:
    """The most records a search export in format ``key`` may hold."""
    if EXPORTS[key].style:
        return int(getattr(settings, "EXPORT_SEARCH_MAX_CITATIONS", 200))
    return int(getattr(settings, "EXPORT_SEARCH_MAX_RECORDS", 1000))


def throttle(request: HttpRequest) -> HttpResponse | None:
    """Count one download for the client's address; a 429 page once past the limit, else None."""
    status = ratelimits.consume(
        request,
        group="interop.exports",
        limit=int(getattr(settings, "EXPORTS_RATE_LIMIT", 30)),
        window=int(getattr(settings, "EXPORTS_RATE_WINDOW", 600)),
    )
    if status.allowed:
        return None
    response = render(
        request,
        "interop/export_rate_limited.html",
        {"minutes": max(1, -(-status.retry_after // 60))},
        status=429,
    )
    response["Retry-After"] = str(status.retry_after)
    return response
