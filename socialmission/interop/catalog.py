"""The starter catalog shipped with the project, loaded through the one importer.

The catalog is a CSV file in our own export's columns (``bibliography.csv_format``), so it gets
what every import gets: DOI/PMID normalisation, duplicate detection, column length limits,
history rows and search-index outbox rows. It is loaded only into an empty library, and it must
load cleanly: an unknown vocabulary name or a rejected row is an error, not a dropped tag.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

import socialmission.library
from socialmission.interop.importer import ImportReport, import_file
from socialmission.library.models import Resource

STARTER_CATALOG = Path(socialmission.library.__file__).with_name("data") / "starter-catalog.csv"


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
