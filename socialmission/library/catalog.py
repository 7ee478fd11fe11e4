"""Loads the starter catalog shipped with the project into an empty library."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from socialmission.library import models as m

STARTER_CATALOG = Path(__file__).with_name("data") / "starter-catalog.csv"


def parse_author_list(text: str) -> list[dict[str, str]]:
    """``"Mullan F; van der Berg JA"`` → CSL-style names, family first, initials as given."""
    authors: list[dict[str, str]] = []
    for chunk in text.split(";"):
        name = " ".join(chunk.split())
        if not name:
            continue
        family, _, given = name.rpartition(" ")
        if family and given.replace("-", "").replace(".", "").isupper() and len(given) <= 4:
            authors.append({"family": family, "given": given})
        else:
            authors.append({"literal": name})
    return authors


def _split(cell: str) -> list[str]:
    return [v.strip() for v in (cell or "").split("|") if v.strip()]


@transaction.atomic
def load_catalog(path: Path = STARTER_CATALOG) -> int:
    """Create one published resource per row; returns the number created.

    Unknown vocabulary names are errors, not silently dropped tags: the catalog uses the
    vocabularies' exact names.
    """
    vocab: dict[str, dict[str, m.Vocabulary]] = {
        "domains": {d.name: d for d in m.Domain.objects.all()},
        "topics": {t.name: t for t in m.Topic.objects.all()},
        "professions": {p.name: p for p in m.Profession.objects.all()},
    }
    types = {t.name: t for t in m.ResourceType.objects.all()}
    not_assessed = m.EvidenceLevel.objects.filter(slug="not-assessed").first()
    now = timezone.now()
    created = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                resource_type = types[row["resource_type"].strip()]
                tags = {key: [vocab[key][name] for name in _split(row[key])] for key in vocab}
            except KeyError as exc:
                raise ValueError(f"{path.name} line {line}: unknown vocabulary term {exc}") from exc
            resource = m.Resource.objects.create(
                title=row["title"].strip(),
                authors=parse_author_list(row["authors"]),
                organization=row["organization"].strip(),
                year=int(row["year"]) if row["year"].strip().isdigit() else None,
                venue=row["venue"].strip(),
                volume=row["volume"].strip(),
                issue=row["issue"].strip(),
                pages=row["pages"].strip(),
                doi=row["doi"].strip(),
                pmid=row["pmid"].strip(),
                url=row["url"].strip(),
                description=row["description"].strip(),
                resource_type=resource_type,
                evidence_level=not_assessed,
                status=m.Resource.Status.PUBLISHED,
                published_at=now,
            )
            for key, terms in tags.items():
                getattr(resource, key).set(terms)
            created += 1
    return created
