"""The neutral bibliographic record every format parses into and renders from.

Pure code: no Django, no ORM. Field names follow CSL-JSON where one exists, so the mapping to
CSL (and from it to citeproc) is direct.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

# CSL types with no container: a resource's venue is their publisher, not a container title.
STANDALONE_CSL_TYPES = frozenset(
    {"book", "report", "dataset", "document", "motion_picture", "thesis", "software", "manuscript"}
)


@dataclass(frozen=True, slots=True)
class Name:
    """A person (family + given) or an organisation (literal)."""

    family: str = ""
    given: str = ""
    literal: str = ""

    def display(self) -> str:
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.family, self.given) if p)


@dataclass(slots=True)
class Record:
    """One work. ``type`` is a CSL type (article-journal, report, book, webpage, …).

    ``source`` says where the record came from (format and record/line number) so an import
    report can point at it; ``extra`` keeps format-specific fields a mapping did not use.
    """

    title: str = ""
    type: str = "article-journal"
    authors: list[Name] = field(default_factory=list)
    editors: list[Name] = field(default_factory=list)
    organization: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    container_title: str = ""  # journal, book title or website: the "venue"
    publisher: str = ""
    publisher_place: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    isbn: str = ""
    issn: str = ""
    url: str = ""
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str = ""
    note: str = ""
    # Library tags, by vocabulary *name*, for formats that carry them (our own CSV export).
    resource_type: str = ""
    domains: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    professions: list[str] = field(default_factory=list)
    evidence_level: str = ""
    # Further library vocabularies (a facet's Resource field → term names), as columns of
    # our own CSV; the library decides which facets exist, this package only carries them.
    tags: dict[str, list[str]] = field(default_factory=dict)
    id: str = ""
    source: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # What cleaning changed in the record, for the import report ("title: removed …").
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RecordError:
    """A record a parser could not read: where it is and why, for the import report."""

    position: str  # "line 12" or "record 3"
    reason: str


# C0 control characters other than tab, line feed and carriage return, and DEL: no text field
# holds them, and PostgreSQL refuses NUL in text.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strip_controls(value: str, label: str, warnings: list[str]) -> str:
    found = [m.start() for m in _CONTROL_RE.finditer(value)]
    if not found:
        return value
    first = found[0]
    code = f"U+{ord(value[first]):04X}"
    if len(found) == 1:
        warnings.append(f"{label}: removed a control character ({code} at character {first + 1})")
    else:
        warnings.append(
            f"{label}: removed {len(found)} control characters "
            f"(the first, {code}, at character {first + 1})"
        )
    return _CONTROL_RE.sub("", value)


def _clean_value(value: object, label: str, warnings: list[str]) -> object:
    if isinstance(value, str):
        return _strip_controls(value, label, warnings)
    if isinstance(value, Name):
        parts = {
            part: _strip_controls(getattr(value, part), label, warnings)
            for part in ("family", "given", "literal")
        }
        return replace(value, **parts)
    if isinstance(value, list):
        return [_clean_value(item, label, warnings) for item in value]
    if isinstance(value, dict):
        return {key: _clean_value(item, f"{label} {key}", warnings) for key, item in value.items()}
    return value


# The fields ``strip_control_characters`` cleans: everything but its own output and the position.
_CLEANED_FIELDS = tuple(f.name for f in fields(Record) if f.name not in ("warnings", "source"))


def _has_control_characters(record: Record) -> bool:
    """Whether any text of ``record`` holds a control character, by one regex search over all
    of it; True as well for a value of a shape this does not know (the careful path decides)."""
    parts: list[str] = []
    append = parts.append
    for name in _CLEANED_FIELDS:
        value = getattr(record, name)
        kind = type(value)
        if kind is str:
            append(value)
        elif kind is list or kind is dict:
            for item in value.values() if kind is dict else value:
                item_kind = type(item)
                if item_kind is str:
                    append(item)
                elif item_kind is Name:
                    append(item.family)
                    append(item.given)
                    append(item.literal)
                elif item_kind is list and all(type(part) is str for part in item):
                    parts.extend(item)
                else:
                    return True
        elif kind is Name or (value is not None and kind is not int):
            return True
    return _CONTROL_RE.search("".join(parts)) is not None


def strip_control_characters(record: Record) -> Record:
    """The record without control characters in any of its text, each removal in ``warnings``
    with the field and the character's position."""
    # Almost every record has none: one search over its text answers that, and only a record
    # that has some is walked field by field (the walk was a seventh of an import's time).
    if not _has_control_characters(record):
        return record
    for name in _CLEANED_FIELDS:
        value = getattr(record, name)
        setattr(record, name, _clean_value(value, name, record.warnings))
    return record
