"""The neutral bibliographic record every format parses into and renders from.

Pure code: no Django, no ORM. Field names follow CSL-JSON where one exists, so the mapping to
CSL (and from it to citeproc) is direct.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass(frozen=True, slots=True)
class RecordError:
    """A record a parser could not read: where it is and why, for the import report."""

    position: str  # "line 12" or "record 3"
    reason: str
