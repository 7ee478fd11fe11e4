"""Which bibliographic format a file is in, and one entry point to read or write any of them.

Owns the registry of formats (``FORMATS``), content-based detection (``detect_format``), reading an
upload whatever its compression or encoding (``parse_file``), reading a pasted record
(``parse_text``), and rendering an export (``render``, ``EXPORT_FORMATS``).

Each format module exposes ``parse(stream) -> Iterator[Record | RecordError]``, ``sniff(head)``
and, for export formats, ``render(records) -> str``. Modules are imported lazily, on first use,
so one broken or missing format module cannot take the others down.
"""

from __future__ import annotations

import codecs
import gzip
import importlib
import io
import itertools
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import BinaryIO, cast

from socialmission.bibliography.record import Record, RecordError, strip_control_characters
from socialmission.bibliography.text import decode, decode_with_note

GZIP_MAGIC = b"\x1f\x8b"
# How much of a file detection looks at: enough to get past BOMs, XML prologues, vendor headers
# and a first long abstract.
HEAD_SIZE = 64 * 1024
MAX_UNPACKED_SIZE = 200_000_000


class UnsupportedFormat(ValueError):
    """The file is not in a bibliographic format we read; the message says what it looks like."""


@dataclass(frozen=True, slots=True)
class Format:
    """One bibliographic format: its module, a human label, and the file names it usually has."""

    name: str
    label: str
    module: str
    extensions: tuple[str, ...]
    # Whether its parser reads the library's resource types (``parse(stream, resource_types=…)``).
    names_resource_types: bool = False


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """What an HTTP response carrying this export needs."""

    name: str
    label: str
    media_type: str
    extension: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        # Order matters for detection: the most specific signatures first. PubMed XML and
        # CSL-JSON have unmistakable openings; WoS tagged ("FN ") before MEDLINE ("PMID-") before
        # RIS ("TY  - "); BibTeX ("@article{") next; CSV last because almost any text is a CSV.
        Format("pubmed_xml", "PubMed XML", "socialmission.bibliography.pubmed_xml", (".xml",)),
        Format("csljson", "CSL-JSON", "socialmission.bibliography.csljson", (".json",)),
        Format("wos", "Web of Science (tagged)", "socialmission.bibliography.wos", (".txt", ".ciw")),
        Format("medline", "MEDLINE / PubMed (.nbib)", "socialmission.bibliography.medline",
               (".nbib", ".medline", ".txt")),
        Format("ris", "RIS", "socialmission.bibliography.ris", (".ris", ".txt")),
        Format("bibtex", "BibTeX / BibLaTeX", "socialmission.bibliography.bibtex", (".bib", ".bibtex")),
        Format("csv", "CSV", "socialmission.bibliography.csv_format", (".csv", ".tsv"), True),
    )
}  # fmt: skip

_PASTE_HELP = (
    "the text is not a reference in a format we recognise "
    "(paste RIS, BibTeX, MEDLINE/PubMed, CSL-JSON or Web of Science records)"
)
# Formats that claim content by its shape rather than a signature: chosen only when no other does.
_FALLBACK_FORMATS = frozenset({"csv"})

EXPORT_FORMATS: dict[str, ExportFormat] = {
    e.name: e
    for e in (
        ExportFormat("ris", "RIS", "application/x-research-info-systems", ".ris"),
        ExportFormat("bibtex", "BibTeX", "application/x-bibtex", ".bib"),
        ExportFormat("csljson", "CSL-JSON", "application/vnd.citationstyles.csl+json", ".json"),
        ExportFormat("csv", "CSV", "text/csv", ".csv"),
    )
}


def _module(name: str) -> ModuleType | None:
    """The format's module, or None while it does not exist or cannot be imported."""
    try:
        return importlib.import_module(FORMATS[name].module)
    except ImportError:
        return None


def available_formats() -> list[str]:
    """Names of the formats whose module can be imported right now."""
    return [name for name in FORMATS if _module(name) is not None]


# Parsers that read their stream incrementally; the others get the whole (decoded) file.
STREAMING_FORMATS = frozenset({"pubmed_xml"})


class _Prepended(io.RawIOBase):
    """A stream that yields ``head`` and then the rest of ``stream``: detection reads the head
    once, and the parser still sees the file from its first byte."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        if self._head:
            chunk, self._head = self._head[:size], self._head[size:]
        else:
            chunk = self._stream.read(size)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _prepend(head: bytes, stream: BinaryIO) -> BinaryIO:
    return io.BufferedReader(_Prepended(head, stream), buffer_size=HEAD_SIZE)  # type: ignore[return-value]


def _read_unpacked(stream: BinaryIO, limit: int, *, capped: bool = True) -> bytes:
    """Read up to ``limit`` unpacked bytes of a gzip stream, with the errors said plainly.

    When ``capped``, more than ``limit`` bytes is refused: a small upload must not expand into
    gigabytes in memory. Uncapped, it simply reads the first ``limit`` bytes.
    """
    try:
        data = stream.read(limit + 1 if capped else limit)
    except EOFError as exc:
        raise UnsupportedFormat("the file looks gzip-compressed but is cut short") from exc
    except (OSError, zlib.error) as exc:
        raise UnsupportedFormat(
            f"the file looks gzip-compressed but cannot be unpacked: {exc}"
        ) from exc
    if len(data) > limit:
        raise UnsupportedFormat(
            f"the file unpacks to more than {MAX_UNPACKED_SIZE // 1_000_000} MB; split it into smaller files"
        )
    return data


def _gunzip(data: bytes, limit: int | None = None) -> bytes:
    """Decompress gzip bytes; with ``limit``, only the first ``limit`` bytes (for detection).

    A full unpack stops at ``MAX_UNPACKED_SIZE``: a small upload must not be able to expand into
    gigabytes in memory.
    """
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    if limit is not None:
        try:
            return decompressor.decompress(data, limit)
        except zlib.error:
            return b""
    try:
        unpacked = decompressor.decompress(data, MAX_UNPACKED_SIZE + 1)
    except zlib.error as exc:
        raise UnsupportedFormat(
            f"the file looks gzip-compressed but cannot be unpacked: {exc}"
        ) from exc
    if len(unpacked) > MAX_UNPACKED_SIZE:
        raise UnsupportedFormat(
            f"the file unpacks to more than {MAX_UNPACKED_SIZE // 1_000_000} MB; split it into smaller files"
        )
    if not decompressor.eof:
        raise UnsupportedFormat("the file looks gzip-compressed but is cut short")
    return unpacked


# Signatures of files that are never a bibliographic export, whatever a text sniffer sees in them.
_BINARY_SIGNATURES = (
    (b"%PDF", "the file is a PDF document, not a bibliographic export"),
    (
        (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"),
        "the file is a ZIP archive (or a Word/Excel document); "
        "export the references as RIS, BibTeX or CSV",
    ),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "the file is an old Word/Excel document; export the references as RIS, BibTeX or CSV",
    ),
    ((b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07"), "the file is a compressed archive; unpack it first"),
)


def _binary_kind(head: bytes) -> str | None:
    """Why a file with this head is refused, when it starts with a known binary signature."""
    for signatures, reason in _BINARY_SIGNATURES:
        if head.startswith(signatures):
            return reason
    return None


def _describe_non_bibliographic(head: bytes) -> str | None:
    """A clear reason when the content is recognisably something other than a bibliography."""
    # Binary signatures first: decoding a binary file as text only to reject it is slow.
    binary = _binary_kind(head)
    if binary:
        return binary
    if b"\x00" in head[:1024] and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "the file is binary data, not a text bibliographic export"
    text = decode(head[:HEAD_SIZE]).lstrip("\ufeff \t\r\n")
    lowered = text[:4096].casefold()
    if not text.strip():
        return "the file is empty"
    if lowered.startswith("<!doctype html") or re.search(r"<html[\s>]", lowered[:2048]):
        return "the file is an HTML web page, not a bibliographic export"
    if "<oai-pmh" in lowered:
        return (
            "the file is an OAI-PMH response (a harvesting protocol message), "
            "not a bibliographic export"
        )
    if lowered.startswith("<"):
        if "<rss" in lowered or "<feed" in lowered:
            return "the file is an RSS or Atom news feed, not a bibliographic export"
        return "the file is XML, but not PubMed XML (the only XML bibliographic format we read)"
    if lowered.startswith(("{", "[")):
        return (
            "the file is JSON, but not CSL-JSON (a list of citation items, "
            'each with a "type" such as "article-journal" and a "title")'
        )
    return None


def detect_format(head: bytes, filename: str = "") -> str | None:
    """The format name for a file's first bytes, or None when no format claims it.

    Content decides; the file name only breaks ties between formats that both claim the content.
    Gzip-compressed content is looked inside.
    """
    if head.startswith(GZIP_MAGIC):
        head = _gunzip(head, HEAD_SIZE)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Sniffers look for ASCII signatures; give them UTF-8 (EndNote on Windows writes UTF-16).
        head = decode(head[: len(head) // 2 * 2]).encode("utf-8")
    claims = []
    for name in FORMATS:
        module = _module(name)
        if module is None:
            continue
        try:
            if module.sniff(head):
                claims.append(name)
        except Exception:  # noqa: S112 - one format's sniffer must not break detection
            continue
    if not claims:
        return None
    specific = [name for name in claims if name not in _FALLBACK_FORMATS]
    if specific:
        # CSV claims almost any text with a delimiter in its first line; a signature of a
        # specific format wins over it whatever the file is called.
        claims = specific
    lowered = filename.casefold().removesuffix(".gz")
    for name in claims:
        if any(lowered.endswith(ext) for ext in FORMATS[name].extensions):
            return name
    return claims[0]


@dataclass
class ParsedFile:
    """A file being read: its format, its records (lazily), and notes for the import report."""

    format: str
    items: Iterator[Record | RecordError]
    # Sentences about the file as a whole ("its encoding was guessed as …").
    notes: list[str]


def parse_file(
    stream: BinaryIO,
    fmt: str | None = None,
    filename: str = "",
    *,
    resource_types: Mapping[str, str] | None = None,
) -> Iterator[Record | RecordError]:
    """Records (and per-record errors) from an uploaded file, lazily (see ``read_file``)."""
    return read_file(stream, fmt, filename, resource_types=resource_types).items


def read_file(
    stream: BinaryIO,
    fmt: str | None = None,
    filename: str = "",
    *,
    resource_types: Mapping[str, str] | None = None,
) -> ParsedFile:
    """The format, records (and per-record errors, lazily) and notes of an uploaded file.

    ``resource_types`` is the caller's vocabulary of resource types (casefolded name or slug →
    CSL type) for formats whose records name them (our own CSV): bibliography keeps no copy.

    Gzip is unpacked here, and text formats are decoded here (``text.decode_with_note``: BOM,
    UTF-8, then a guess that the notes mention). Control characters are removed from every record,
    each removal a warning of that record. Raises ``UnsupportedFormat`` at call time (not on
    iteration) when the file is not one we can read, with a message naming what it is instead.
    """
    head = stream.read(HEAD_SIZE)
    compressed = head.startswith(GZIP_MAGIC)
    if compressed:
        # Unpacked as it is read, so a large gzipped PubMed file never sits whole in memory.
        stream = cast(BinaryIO, gzip.GzipFile(fileobj=_prepend(head, stream), mode="rb"))
        head = _read_unpacked(stream, HEAD_SIZE, capped=False)
    binary = _binary_kind(head)
    if binary:
        raise UnsupportedFormat(binary)
    fmt = _format_of(head, stream, fmt, filename, compressed=compressed)
    module = _module(fmt)
    if module is None:
        raise UnsupportedFormat(f"reading {FORMATS[fmt].label} files is not available")
    notes: list[str] = []
    body: BinaryIO
    if fmt in STREAMING_FORMATS:
        body = _prepend(head, stream)
    else:
        rest = (
            _read_unpacked(stream, MAX_UNPACKED_SIZE - len(head)) if compressed else stream.read()
        )
        text, note = decode_with_note(head + rest)
        notes += [note] if note else []
        # The parsers decode their bytes themselves; UTF-8 is what they read without guessing.
        body = io.BytesIO(text.encode("utf-8", errors="surrogatepass"))
    options = {"resource_types": resource_types} if FORMATS[fmt].names_resource_types else {}
    records: Iterator[Record | RecordError] = iter(module.parse(body, **options))
    # Read the first record now, so a file the parser rejects outright fails here, at call time.
    try:
        first = next(records)
    except StopIteration:
        return ParsedFile(fmt, iter(()), notes)
    except UnsupportedFormat:
        raise
    except (ValueError, UnicodeError) as exc:
        raise UnsupportedFormat(
            f"the file looks like {FORMATS[fmt].label} but cannot be read: {exc}"
        ) from exc
    return ParsedFile(fmt, _cleaned(itertools.chain([first], records)), notes)


def _format_of(
    head: bytes, stream: BinaryIO, fmt: str | None, filename: str, *, compressed: bool
) -> str:
    """The format asked for, or detected; ``UnsupportedFormat`` saying what the file is instead."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise UnsupportedFormat(f"unknown format {fmt!r}; known formats: {', '.join(FORMATS)}")
        return fmt
    if not head.strip(b"\xef\xbb\xbf \t\r\n\x00"):
        raise UnsupportedFormat("the file is empty")
    detected = detect_format(head, filename)
    if detected is None:
        rest = head + (_read_unpacked(stream, MAX_UNPACKED_SIZE) if compressed else stream.read())
        reason = _describe_non_bibliographic(rest)
        if reason is None:
            known = ", ".join(FORMATS[name].label for name in FORMATS)
            reason = f"the file is not in a bibliographic format we recognise ({known})"
        raise UnsupportedFormat(reason)
    return detected


def _cleaned(items: Iterable[Record | RecordError]) -> Iterator[Record | RecordError]:
    for item in items:
        yield strip_control_characters(item) if isinstance(item, Record) else item


def parse_text(
    text: str, *, resource_types: Mapping[str, str] | None = None
) -> list[Record | RecordError]:
    """Records from a pasted reference (RIS, BibTeX, MEDLINE, CSL-JSON …), detected by content.

    Raises ``UnsupportedFormat`` when nothing in the text can be read as a reference.
    """
    data = text.strip().encode("utf-8")
    fmt = detect_format(data[:HEAD_SIZE])
    if fmt is None:
        raise UnsupportedFormat(_describe_non_bibliographic(data) or _PASTE_HELP)
    if fmt == "ris" and not re.search(rb"(?m)^ER {1,2}-\s*\Z", data):
        # People paste a record without its end line; in a paste that is not a cut-short file.
        data += b"\nER  - \n"
    items = list(parse_file(io.BytesIO(data), fmt, resource_types=resource_types))
    if not any(isinstance(item, Record) for item in items):
        if fmt in _FALLBACK_FORMATS:
            # Prose with a comma in its first line "looks like" CSV; say what we expected instead.
            raise UnsupportedFormat(_PASTE_HELP)
        # A paste is one or a few references: if none could be read, the paste as a whole is
        # not something we understand, and the first reason says why.
        reason = (
            items[0].reason if items and isinstance(items[0], RecordError) else "no reference found"
        )
        raise UnsupportedFormat(f"the text could not be read as {FORMATS[fmt].label}: {reason}")
    return items


def render(records: Iterable[Record], fmt: str) -> str:
    """The export text for ``records`` in one of ``EXPORT_FORMATS``."""
    if fmt not in EXPORT_FORMATS:
        raise UnsupportedFormat(
            f"cannot export as {fmt!r}; export formats: {', '.join(EXPORT_FORMATS)}"
        )
    module = _module(fmt)
    if module is None or not hasattr(module, "render"):
        raise UnsupportedFormat(f"exporting {EXPORT_FORMATS[fmt].label} is not available")
    result: str = module.render(records)
    return result
