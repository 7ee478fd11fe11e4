"""The synthetic catalog: deterministic, realistic in shape, and inserted with its tags."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.generate import (
    DOMAIN_SLUGS,
    PROFESSION_SLUGS,
    REPO_ROOT,
    TOPIC_SLUGS,
    insert_catalog,
    marker_matches,
    read_marker,
    synthetic_resources,
)
from bench.vocabulary import vocabulary
from socialmission.library import models as m


def test_same_seed_gives_the_same_catalog() -> None:
    assert list(synthetic_resources(50, seed=3)) == list(synthetic_resources(50, seed=3))


def test_another_seed_gives_another_catalog() -> None:
    first = [r.title for r in synthetic_resources(20, seed=3)]
    second = [r.title for r in synthetic_resources(20, seed=4)]
    assert first != second


def test_a_smaller_catalog_is_the_start_of_a_larger_one() -> None:
    assert list(synthetic_resources(30, seed=9)) == list(synthetic_resources(60, seed=9))[:30]


def test_negative_size_is_an_error() -> None:
    with pytest.raises(ValueError):
        list(synthetic_resources(-1))


def test_records_carry_multi_valued_facets_from_the_seeded_vocabularies() -> None:
    records = list(synthetic_resources(500, seed=1))
    assert all(1 <= len(r.domains) <= 3 and set(r.domains) <= set(DOMAIN_SLUGS) for r in records)
    assert all(len(r.topics) <= 3 and set(r.topics) <= set(TOPIC_SLUGS) for r in records)
    assert all(set(r.professions) <= set(PROFESSION_SLUGS) for r in records)
    assert any(len(r.domains) > 1 for r in records)
    assert any(len(r.professions) > 1 for r in records)
    assert all(1990 <= r.year <= 2026 for r in records)
    statuses = Counter(r.status for r in records)
    assert statuses["published"] > 0.85 * len(records)
    assert all((r.published_at is None) == (r.status == "draft") for r in records)


def test_word_frequencies_are_zipf_like() -> None:
    """A few words in nearly every record, most words in almost none: the shape that makes
    "very common" and "rare" queries mean something."""
    vocab = vocabulary()
    records = list(synthetic_resources(400, seed=5))
    texts = [f"{r.title} {r.description}".lower() for r in records]
    in_records = sum("health" in text for text in texts)
    assert in_records > 0.9 * len(records)
    deep_tail = vocab.terms[-200:]
    assert sum(any(term in text for text in texts) for term in deep_tail) < 20
    assert vocab.expected_share(0) > 100 * vocab.expected_share(len(vocab.terms) - 1)


@pytest.mark.django_db
def test_insert_catalog_writes_resources_and_their_tags() -> None:
    records = list(synthetic_resources(40, seed=11))
    assert insert_catalog(40, seed=11, batch_size=15) == 40
    assert m.Resource.objects.count() == 40
    published = sum(r.status == "published" for r in records)
    assert m.Resource.objects.published().count() == published
    first = m.Resource.objects.get(pk=1)
    assert first.title == records[0].title
    assert first.slug
    assert sorted(first.domains.values_list("slug", flat=True)) == list(records[0].domains)
    assert sorted(first.professions.values_list("slug", flat=True)) == list(records[0].professions)
    assert first.resource_type.slug == records[0].resource_type
    total_domains = sum(len(r.domains) for r in records)
    assert m.Resource.domains.through.objects.count() == total_domains
    # bulk_create fires no signals: no outbox rows; the benchmark reindexes in one go.
    assert not m.IndexChange.objects.exists()
    # The id sequence continues after the catalog (PostgreSQL needs the reset for this).
    later = m.Resource.objects.create(
        title="Added later", resource_type=first.resource_type, status="draft"
    )
    assert later.pk > 40


@pytest.mark.django_db
def test_insert_catalog_refuses_a_database_that_has_resources() -> None:
    insert_catalog(3, seed=1)
    with pytest.raises(RuntimeError):
        insert_catalog(3, seed=1)


def test_marker_must_match_size_seed_and_generator_version() -> None:
    from bench.generate import GENERATOR_VERSION

    marker = {"n": 10, "seed": 42, "generator_version": GENERATOR_VERSION}
    assert marker_matches(marker, 10, 42)
    assert not marker_matches(marker, 11, 42)
    assert not marker_matches(marker, 10, 43)
    assert not marker_matches({**marker, "generator_version": -1}, 10, 42)
    assert not marker_matches(None, 10, 42)


def _generate(data_dir: Path, n: int) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATA_DIR"}}
    return subprocess.run(
        [sys.executable, "-m", "bench.generate", "--n", str(n), "--data-dir", str(data_dir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def test_program_prepares_a_data_directory_and_reuses_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "catalog"
    _generate(data_dir, 25)
    marker = read_marker(data_dir)
    assert marker is not None and marker_matches(marker, 25, 42)
    expected = sum(r.status == "published" for r in synthetic_resources(25, seed=42))
    assert marker["published"] == expected
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        assert db.execute("select count(*) from library_resource").fetchone() == (25,)
    database_mtime = (data_dir / "library.sqlite3").stat().st_mtime_ns

    _generate(data_dir, 25)
    assert (data_dir / "library.sqlite3").stat().st_mtime_ns == database_mtime

    # Another size in the same directory: the old catalog is thrown away, not added to.
    _generate(data_dir, 10)
    assert marker_matches(read_marker(data_dir), 10, 42)
    with sqlite3.connect(data_dir / "library.sqlite3") as db:
        assert db.execute("select count(*) from library_resource").fetchone() == (10,)
