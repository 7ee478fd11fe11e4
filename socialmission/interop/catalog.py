"""The starter catalog shipped with the project, loaded through the one importer.

The catalog is a CSV file in our own export's columns (``bibliography.csv_format``), so it gets
what every import gets: DOI/PMID normalisation, duplicate detection, column length limits,
history rows and search-index outbox rows. It is loaded only into an empty library, and it must
load cleanly: an unknown vocabulary name or a rejected row is an error, not a dropped tag.

The starter is more than the catalog: ``starter-evidence.yaml`` (beside the CSV) rates the
program examples that report their own outcome data, the reason going into the resource's
history as the curator's note; and apps above interop add their own starter content (reading
guides, a spotlight) by registering a loader with ``register_starter_content`` from their
``AppConfig.ready()``, since interop may not import them. ``load_starter`` runs all of it in one
transaction: a data file naming a resource the catalog does not hold undoes everything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

import socialmission.library
from socialmission.bibliography.text import normalize_doi
from socialmission.interop.importer import ImportReport, import_file
from socialmission.library.models import EvidenceLevel, Resource

STARTER_CATALOG = Path(socialmission.library.__file__).with_name("data") / "starter-catalog.csv"
STARTER_EVIDENCE = STARTER_CATALOG.with_name("starter-evidence.yaml")

# name -> loader; each loader adds its app's starter content and returns a line for the report.
StarterLoader = Callable[[], str]
_STARTER_CONTENT: dict[str, StarterLoader] = {}


class CatalogError(ValueError):
    """The catalog file does not load cleanly; nothing was saved."""


def library_is_empty() -> bool:
    return not Resource.objects.exists()


@transaction.atomic
def load_catalog(path: Path = STARTER_CATALOG) -> ImportReport:
    """Import every row of ``path`` as a published resource; all or nothing."""
    with path.open("rb") as stream:
        report = import_file(
            stream,
            filename=path.name,
            fmt="csv",
            status=Resource.Status.PUBLISHED,
        )
    problems = [
        f"{entry.position}: {reason}"
        for entry, reason in (
            *((e, e.reason) for e in report.rejected + report.duplicates + report.updated),
            *((e, "; ".join(e.warnings)) for e in report.created if e.warnings),
        )
    ]
    if problems:
        # Raising inside the atomic block undoes the import.
        raise CatalogError(f"{path.name} does not load cleanly: " + " | ".join(problems))
    return report


def register_starter_content(name: str, loader: StarterLoader) -> None:
    """Have ``load_starter`` call ``loader`` after the catalog (registering twice replaces)."""
    _STARTER_CONTENT[name] = loader


def read_starter_yaml(path: Path) -> Any:
    """A starter data file's content; a file that is not YAML is a ``CatalogError``."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CatalogError(f"{path.name} is not valid YAML: {error}") from error


def find_resource(reference: Mapping[str, Any], *, source: str = "") -> Resource:
    """The one resource a starter data file names by ``doi`` or by exact ``title``.

    Data files are written by hand against the catalog: a reference that matches nothing, or
    more than one resource, is an error (``CatalogError``), never a silently dropped entry.
    """
    where = f"{source}: " if source else ""
    if reference.get("doi"):
        matches = Resource.objects.filter(doi__iexact=normalize_doi(reference["doi"]))
        described = f"DOI {reference['doi']}"
    elif reference.get("title"):
        matches = Resource.objects.filter(title=str(reference["title"]).strip())
        described = f"title {reference['title']!r}"
    else:
        raise CatalogError(f"{where}a resource must be named by doi or title")
    found = list(matches[:2])
    if len(found) != 1:
        problem = "no resource" if not found else "more than one resource"
        raise CatalogError(f"{where}{problem} with {described} in the library")
    return found[0]


def apply_evidence(path: Path = STARTER_EVIDENCE) -> int:
    """Rate the resources ``path`` lists; the reason is the history row's change reason.

    Each entry: ``resource`` (doi or title), ``level`` (an evidence level's slug), ``note``
    (why, at most 100 characters: the history keeps it as the change's reason) and optionally
    ``results`` (the outcome data the program reports, shown in its program summary).
    """
    entries = read_starter_yaml(path) or []
    levels = {level.slug: level for level in EvidenceLevel.objects.all()}
    for number, entry in enumerate(entries, start=1):
        source = f"{path.name} entry {number}"
        resource = find_resource(entry.get("resource") or {}, source=source)
        level = levels.get(entry.get("level", ""))
        note = str(entry.get("note", "")).strip()
        if level is None:
            raise CatalogError(f"{source}: unknown evidence level {entry.get('level')!r}")
        if not note or len(note) > 100:
            raise CatalogError(f"{source}: the note must be 1 to 100 characters")
        resource.evidence_level = level
        if entry.get("results"):
            resource.results = " ".join(str(entry["results"]).split())
        resource._change_reason = note  # type: ignore[attr-defined]
        resource.save()
    return len(entries)


@dataclass
class StarterReport:
    catalog: ImportReport
    rated: int
    lines: list[str] = field(default_factory=list)


@transaction.atomic
def load_starter(path: Path = STARTER_CATALOG, evidence: Path = STARTER_EVIDENCE) -> StarterReport:
    """The catalog, the evidence ratings and every app's registered starter content; all or
    nothing. Call it only for an empty library (``library_is_empty``)."""
    report = StarterReport(catalog=load_catalog(path), rated=apply_evidence(evidence))
    for loader in _STARTER_CONTENT.values():
        report.lines.append(loader())
    return report
