"""A deterministic synthetic catalog for the benchmark, and its fast insertion into a database.

``synthetic_resources(n, seed)`` is pure: the same ``n`` and ``seed`` always give the same
records, and the first k records of a larger catalog are the first k of a smaller one.
``insert_catalog`` writes them with ``bulk_create`` (resources and the many-to-many rows), which
fires no signals: no outbox rows, no history rows; the benchmark then builds the index in one
go with ``socialmission reindex``, which is the figure the "full reindex" target is about.

Run as a program it prepares a whole data directory (database migrated, catalog inserted, a
``catalog.json`` marker written last), and reuses one that a previous run completed::

    python -m bench.generate --n 100000 --seed 42 --data-dir var/bench/100000-seed42
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.vocabulary import (
    FAMILY_NAMES,
    FUNCTION_WORDS,
    LEARNERS,
    ORGANIZATIONS,
    SENTENCE_OPENERS,
    STUDY_DESIGNS,
    VENUES,
    Vocabulary,
    vocabulary,
)

# Bump when the records the generator produces change, so old data directories are rebuilt.
GENERATOR_VERSION = 2
MARKER = "catalog.json"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 42

# Slugs of the vocabularies migration 0002 seeds (socialmission/library/vocabularies.py), with
# weights: articles dominate a real library, "not assessed" dominates evidence levels.
RESOURCE_TYPE_WEIGHTS: dict[str, int] = {
    "article": 50,
    "report": 10,
    "toolkit": 8,
    "curriculum": 7,
    "program-example": 9,
    "video": 4,
    "website": 4,
    "book": 3,
    "dataset": 2,
    "commentary": 3,
}
EVIDENCE_WEIGHTS: dict[str, int] = {
    "evidence-based": 5,
    "effective": 10,
    "promising": 15,
    "emerging": 15,
    "not-assessed": 55,
}
DOMAIN_SLUGS = (
    "pathways-admission-graduation",
    "curriculum-programming",
    "community-engagement",
    "students-faculty",
    "governance-accountability",
)
TOPIC_SLUGS = (
    "diversity-inclusion-belonging",
    "practice-underserved-areas",
    "specialty-choice",
    "health-equity-champions",
    "community-partnerships",
    "patient-community-health",
)
PROFESSION_SLUGS = (
    "medicine",
    "nursing",
    "dentistry",
    "pharmacy",
    "physician-assistant",
    "public-health",
    "social-work",
    "allied-health",
    "interprofessional",
)
# Medicine and nursing dominate the literature; the weights follow PROFESSION_SLUGS' order.
PROFESSION_WEIGHTS = (40, 20, 8, 7, 5, 8, 4, 3, 5)
LANGUAGES = ("en",) * 18 + ("es", "fr")
STATUSES = ("published",) * 94 + ("draft",) * 4 + ("withdrawn",) * 2


@dataclass(frozen=True)
class SyntheticResource:
    """One resource as the generator makes it; vocabulary terms are slugs."""

    number: int  # 1-based position in the catalog, also the primary key it is inserted with
    title: str
    authors: list[dict[str, str]]
    organization: str
    year: int
    venue: str
    volume: str
    issue: str
    pages: str
    doi: str
    pmid: str
    url: str
    language: str
    keywords: str
    description: str
    resource_type: str
    evidence_level: str
    domains: tuple[str, ...]
    topics: tuple[str, ...]
    professions: tuple[str, ...]
    status: str
    published_at: dt.datetime | None


class _Writer:
    """Draws terms by their Zipf-like frequency and strings them into titles and abstracts."""

    def __init__(self, rng: random.Random, vocab: Vocabulary) -> None:
        self.rng = rng
        self.vocab = vocab

    def terms(self, k: int) -> list[str]:
        return self.rng.choices(self.vocab.terms, cum_weights=self.vocab.cum_weights, k=k)

    def sentence(self) -> str:
        rng = self.rng
        words = [rng.choice(SENTENCE_OPENERS)]
        for term in self.terms(rng.randint(4, 11)):
            if rng.random() < 0.55:
                words.append(rng.choice(FUNCTION_WORDS))
            words.append(term)
        return " ".join(words) + "."

    def abstract(self) -> str:
        # 6-14 sentences: about 60-170 content words, the length of a short abstract.
        return " ".join(self.sentence() for _ in range(self.rng.randint(6, 14)))

    def title(self) -> str:
        rng = self.rng
        a, b = self.terms(2)
        pattern = rng.randrange(6)
        if pattern == 0:
            title = f"{a} and {b} in {rng.choice(LEARNERS)}"
        elif pattern == 1:
            title = f"{a}: {rng.choice(STUDY_DESIGNS)} of {b}"
        elif pattern == 2:
            title = f"Effect of {a} on {b} among {rng.choice(LEARNERS)}"
        elif pattern == 3:
            place = self.terms(1)[0]
            title = f"{a} {b}: lessons from {place.title()} County"
        elif pattern == 4:
            title = f"Advancing {a} through {b}"
        else:
            c = self.terms(1)[0]
            title = f"{a}, {b} and {c}"
        return title[0].upper() + title[1:]

    def authors(self) -> list[dict[str, str]]:
        rng = self.rng
        if rng.random() < 0.1:
            return [{"literal": rng.choice(ORGANIZATIONS)}]
        people = []
        for _ in range(rng.choices((1, 2, 3, 4, 5, 6, 8), weights=(10, 15, 20, 20, 15, 10, 10))[0]):
            # A rare generated surname now and then, so author searches have a long tail too.
            if rng.random() < 0.15:
                family = self.vocab.terms[
                    rng.randrange(self.vocab.core_size, len(self.vocab.terms))
                ]
                family = family.title()
            else:
                family = rng.choice(FAMILY_NAMES)
            initials = "".join(rng.choice("ABCDEFGHJKLMNPRSTW") for _ in range(rng.randint(1, 2)))
            people.append({"family": family, "given": initials})
        return people


def _sample(
    rng: random.Random, population: tuple[str, ...], low: int, high: int
) -> tuple[str, ...]:
    return tuple(sorted(rng.sample(population, rng.randint(low, high))))


def _weighted_distinct(
    rng: random.Random, population: tuple[str, ...], weights: tuple[int, ...], k: int
) -> tuple[str, ...]:
    chosen: set[str] = set()
    while len(chosen) < k:
        chosen.add(rng.choices(population, weights=weights)[0])
    return tuple(sorted(chosen))


def synthetic_resources(n: int, seed: int = DEFAULT_SEED) -> Iterator[SyntheticResource]:
    """Yield ``n`` records; record i depends only on ``seed`` and i (each has its own stream)."""
    if n < 0:
        raise ValueError("n must not be negative")
    vocab = vocabulary()
    types = tuple(RESOURCE_TYPE_WEIGHTS)
    type_weights = tuple(RESOURCE_TYPE_WEIGHTS.values())
    levels = tuple(EVIDENCE_WEIGHTS)
    level_weights = tuple(EVIDENCE_WEIGHTS.values())
    years = tuple(range(1990, 2027))
    # More is published every year: weight grows linearly with the year.
    year_weights = tuple(range(1, len(years) + 1))
    epoch = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    for number in range(1, n + 1):
        rng = random.Random(seed * 1_000_003 + number)
        writer = _Writer(rng, vocab)
        resource_type = rng.choices(types, weights=type_weights)[0]
        year = rng.choices(years, weights=year_weights)[0]
        status = rng.choice(STATUSES)
        is_article = resource_type in {"article", "commentary"}
        keywords = "; ".join(dict.fromkeys(writer.terms(rng.randint(2, 6))))
        yield SyntheticResource(
            number=number,
            title=writer.title(),
            authors=writer.authors(),
            organization=rng.choice(ORGANIZATIONS) if not is_article else "",
            year=year,
            venue=rng.choice(VENUES),
            volume=str(rng.randint(1, 99)) if is_article else "",
            issue=str(rng.randint(1, 12)) if is_article else "",
            pages=f"{(p := rng.randint(1, 1500))}-{p + rng.randint(3, 15)}" if is_article else "",
            doi=f"10.5555/bench.{seed}.{number}" if is_article or rng.random() < 0.2 else "",
            pmid=str(10_000_000 + number) if is_article and rng.random() < 0.6 else "",
            url=f"https://example.org/resources/{number}" if not is_article else "",
            language=rng.choice(LANGUAGES),
            keywords=keywords,
            description=writer.abstract(),
            resource_type=resource_type,
            evidence_level=rng.choices(levels, weights=level_weights)[0],
            domains=_sample(rng, DOMAIN_SLUGS, 1, 3),
            topics=_sample(rng, TOPIC_SLUGS, 0, 3),
            professions=_weighted_distinct(
                rng, PROFESSION_SLUGS, PROFESSION_WEIGHTS, rng.choices((1, 2, 3), (60, 25, 15))[0]
            ),
            status=status,
            published_at=(
                epoch + dt.timedelta(minutes=rng.randrange(3_000_000))
                if status != "draft"
                else None
            ),
        )


def _chunks(records: Iterator[SyntheticResource], size: int) -> Iterator[list[SyntheticResource]]:
    chunk: list[SyntheticResource] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def insert_catalog(
    n: int,
    seed: int = DEFAULT_SEED,
    *,
    batch_size: int = 2000,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Insert the catalog into the (empty) configured database; returns the number inserted.

    Primary keys are the records' numbers, so the same seed gives the same ids everywhere;
    the id sequence is reset afterwards (PostgreSQL) so later inserts do not collide.
    """
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from socialmission.library import models as m

    if m.Resource.objects.exists():
        raise RuntimeError("insert_catalog needs a database without resources")
    by_slug = {
        model: dict(model.objects.values_list("slug", "pk"))
        for model in (m.ResourceType, m.EvidenceLevel, m.Domain, m.Topic, m.Profession)
    }
    through = {
        "domains": (m.Resource.domains.through, "domain_id", by_slug[m.Domain]),
        "topics": (m.Resource.topics.through, "topic_id", by_slug[m.Topic]),
        "professions": (m.Resource.professions.through, "profession_id", by_slug[m.Profession]),
    }
    inserted = 0
    for chunk in _chunks(synthetic_resources(n, seed), batch_size):
        with transaction.atomic():
            m.Resource.objects.bulk_create(
                [
                    m.Resource(
                        pk=r.number,
                        title=r.title,
                        slug=_slug(r.title),
                        authors=r.authors,
                        organization=r.organization,
                        year=r.year,
                        venue=r.venue,
                        volume=r.volume,
                        issue=r.issue,
                        pages=r.pages,
                        doi=r.doi,
                        pmid=r.pmid,
                        url=r.url,
                        language=r.language,
                        keywords=r.keywords,
                        description=r.description,
                        resource_type_id=by_slug[m.ResourceType][r.resource_type],
                        evidence_level_id=by_slug[m.EvidenceLevel][r.evidence_level],
                        status=r.status,
                        published_at=r.published_at,
                    )
                    for r in chunk
                ]
            )
            for field, (model, column, ids) in through.items():
                model._default_manager.bulk_create(
                    [
                        model(resource_id=r.number, **{column: ids[slug]})
                        for r in chunk
                        for slug in getattr(r, field)
                    ],
                    batch_size=5000,
                )
        inserted += len(chunk)
        if on_batch:
            on_batch(len(chunk))
    sequence_sql = connection.ops.sequence_reset_sql(no_style(), [m.Resource])
    if sequence_sql:
        with connection.cursor() as cursor:
            for statement in sequence_sql:
                cursor.execute(statement)
    return inserted


def _slug(title: str) -> str:
    from django.utils.text import slugify

    return slugify(title)[:100] or "resource"


def default_data_dir(n: int, seed: int) -> Path:
    return REPO_ROOT / "var" / "bench" / f"{n}-seed{seed}"


def read_marker(data_dir: Path) -> dict[str, Any] | None:
    """The description of a completed catalog in ``data_dir``, or None."""
    try:
        return dict(json.loads((data_dir / MARKER).read_text()))
    except (OSError, ValueError):
        return None


def marker_matches(marker: dict[str, Any] | None, n: int, seed: int) -> bool:
    return bool(
        marker
        and marker.get("n") == n
        and marker.get("seed") == seed
        and marker.get("generator_version") == GENERATOR_VERSION
    )


@dataclass
class CatalogInfo:
    n: int
    seed: int
    generator_version: int
    generate_seconds: float
    published: int


def prepare(n: int, seed: int, data_dir: Path) -> CatalogInfo:
    """Migrate and fill the database in ``data_dir``, or reuse the one a previous run made.

    Must run in a process whose DATA_DIR is ``data_dir`` (see ``main``); a directory left by an
    interrupted run (no marker) is emptied and started again.
    """
    import django
    from django.core.management import call_command
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    marker = read_marker(data_dir)
    if marker_matches(marker, n, seed):
        assert marker is not None
        return CatalogInfo(**{k: marker[k] for k in CatalogInfo.__dataclass_fields__})
    django.setup()
    from django.conf import settings
    from django.db import connection

    if Path(settings.DATA_DIR) != data_dir.resolve():
        raise RuntimeError(f"DATA_DIR is {settings.DATA_DIR}, expected {data_dir}")
    (data_dir / MARKER).unlink(missing_ok=True)
    if connection.vendor == "sqlite":
        # A half-made catalog is worthless: start from an empty file.
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{settings.DATABASES['default']['NAME']}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(settings.SEARCH_INDEX_DIR, ignore_errors=True)
        # The index and its timing (bench.run) belonged to the old catalog.
        (data_dir / "reindex.json").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Durability does not matter while building a throwaway catalog; speed does. With
            # the default 2 MB page cache and the WAL, a 1M catalog rereads and rewrites its
            # indexes (DOI, tags) some twenty times over; a large cache and no journal avoid it.
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA journal_mode=OFF")
            cursor.execute("PRAGMA cache_size=-400000")
    started = time.perf_counter()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=False,
    ) as progress:
        task = progress.add_task(f"Generating {n:,} resources", total=n)
        insert_catalog(n, seed, batch_size=10_000, on_batch=lambda k: progress.advance(task, k))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Back to the mode the settings use. No ANALYZE: a real deployment never runs it,
            # and its statistics change query plans.
            cursor.execute("PRAGMA journal_mode=WAL")
    from socialmission.library.models import Resource

    info = CatalogInfo(
        n=n,
        seed=seed,
        generator_version=GENERATOR_VERSION,
        generate_seconds=round(time.perf_counter() - started, 2),
        published=Resource.objects.published().count(),
    )
    (data_dir / MARKER).write_text(json.dumps(asdict(info), indent=2) + "\n")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of resources")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--data-dir", type=Path, help="default var/bench/<n>-seed<seed>")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    data_dir = (args.data_dir or default_data_dir(args.n, args.seed)).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # Settings read these when Django starts, so they must be set before django.setup().
    os.environ["DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SEARCH_INDEX_DIR", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmission.settings")
    info = prepare(args.n, args.seed, data_dir)
    print(
        f"{info.n:,} resources ({info.published:,} published) in {data_dir}, "
        f"generated in {info.generate_seconds:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
