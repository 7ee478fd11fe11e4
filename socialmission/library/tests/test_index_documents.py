"""A resource's index document: read from the database driver's rows (a full rebuild's fast
path), it must equal the same values read through the models."""

from __future__ import annotations

import datetime as dt
import gc
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from socialmission.bibliography.names import initials
from socialmission.library import indexing
from socialmission.library.engine import IndexDocument, title_sort_key
from socialmission.library.facets import FACETS
from socialmission.library.models import (
    EvidenceLevel,
    Profession,
    Resource,
    Topic,
    author_display_names,
    author_names,
    author_search_names,
)
from socialmission.library.tests.factories import ResourceFactory


def _reference_author_names(authors: object, *, compact: bool) -> list[str]:
    """The names as they were worked out before ``author_names`` (one pass for both forms)."""
    if not isinstance(authors, list):
        return []
    names = []
    for author in authors:
        if isinstance(author, dict):
            given = str(author.get("given") or "")
            name = author.get("literal") or " ".join(
                filter(None, (author.get("family"), initials(given) if compact else given))
            )
            if name:
                names.append(str(name))
    return names


def _document_through_the_models(resource: Resource) -> IndexDocument:
    single = {}
    for facet in FACETS.single():
        term = getattr(resource, facet.field)
        single[facet.key] = term.slug if term else ""
    tag_slugs: dict[str, list[str]] = {}
    for facet in FACETS.multiple():
        terms = getattr(resource, facet.field).order_by("position", "name")
        slugs = list(terms.values_list("slug", flat=True))
        if slugs:
            tag_slugs[facet.key] = slugs
    facets = [f"{key}:{slug}" for key, slugs in tag_slugs.items() for slug in slugs]
    facets += [f"{key}:{slug}" for key, slug in single.items() if slug]
    searchable = {facet.key for facet in FACETS if facet.searchable}
    every = [*tag_slugs.items(), *((key, [slug]) for key, slug in single.items() if slug)]
    words = [s.replace("-", " ") for key, slugs in every if key in searchable for s in slugs]
    assert resource.published_at is not None
    return IndexDocument(
        id=resource.pk,
        title=resource.title,
        authors="; ".join(_reference_author_names(resource.authors, compact=False)),
        organization=resource.organization,
        venue=resource.venue,
        keywords=resource.keywords,
        description=resource.description,
        tags=" ".join(words),
        facets=facets,
        year=resource.year,
        added=int(resource.published_at.timestamp() * 1000),
        display={
            "slug": resource.slug,
            "title": resource.title,
            "authors": _reference_author_names(resource.authors, compact=True),
            "organization": resource.organization,
            "year": resource.year,
            "venue": resource.venue,
            **single,
            "tags": tag_slugs,
            "description": resource.description[: indexing.DISPLAY_DESCRIPTION],
        },
    )


@pytest.mark.django_db
def test_documents_from_driver_rows_equal_the_models_values() -> None:
    topics = list(Topic.objects.order_by("-position", "-name")[:3])  # stored out of order
    professions = list(Profession.objects.order_by("position", "name")[:2])
    resources = [
        ResourceFactory(
            title="Équité: the pipeline",
            authors=[
                {"family": "Olivero", "given": "J Michael"},
                {"literal": "AAMC Working Group"},
                {"family": "Mullan"},
                {"given": "-"},
                "not a name",
            ],
            organization="AAMC",
            keywords="pipeline; équité",
            description="x" * (indexing.DISPLAY_DESCRIPTION + 50),
            year=None,
            evidence_level=EvidenceLevel.objects.order_by("position").first(),
            published_at=dt.datetime(2024, 9, 19, 1, 19, 0, 123456, tzinfo=dt.UTC),
        ),
        ResourceFactory(
            authors=[],
            published_at=dt.datetime(2023, 1, 2, 3, 4, 5, tzinfo=dt.UTC),  # no fraction
        ),
        ResourceFactory(authors={"unexpected": "shape"}),
    ]
    resources[0].topics.set(topics)
    resources[0].professions.set(professions)
    ResourceFactory(status=Resource.Status.DRAFT, published_at=None)  # never indexed

    documents = indexing.documents_for(r.pk for r in Resource.objects.all())

    expected = [_document_through_the_models(Resource.objects.get(pk=r.pk)) for r in resources]
    assert documents == sorted(expected, key=lambda d: d.id)
    assert documents[0].display["authors"] == ["Olivero JM", "AAMC Working Group", "Mullan"]
    assert documents[0].authors == "Olivero J Michael; AAMC Working Group; Mullan; -"
    assert [f for f in documents[0].facets if f.startswith("topic:")] == [
        f"topic:{t.slug}" for t in sorted(topics, key=lambda t: (t.position, t.name))
    ]


@pytest.mark.django_db
def test_a_rebuild_reads_each_chunk_with_one_query_per_many_valued_facet() -> None:
    for _ in range(5):
        ResourceFactory()
    with CaptureQueriesContext(connection) as queries:
        chunks = list(indexing.iter_all_documents(chunk=2))
    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    # The ids, then per chunk the resources and one query per many-valued facet.
    assert len(queries) == 1 + 3 * (1 + len(FACETS.multiple()))


@pytest.mark.django_db
@pytest.mark.parametrize("fails", [False, True])
def test_a_rebuild_pauses_the_cycle_collector_and_restores_it(
    monkeypatch: pytest.MonkeyPatch, fails: bool
) -> None:
    ResourceFactory()
    seen: list[bool] = []
    real = indexing.iter_all_documents

    def spy(chunk: int = indexing.APPLY_BATCH) -> Iterator[list[IndexDocument]]:
        for documents in real(chunk):
            seen.append(gc.isenabled())
            yield documents
        if fails:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(indexing, "iter_all_documents", spy)
    assert gc.isenabled()
    if fails:
        with pytest.raises(RuntimeError):
            indexing.rebuild()
    else:
        assert indexing.rebuild().documents == 1
    assert seen == [False]
    assert gc.isenabled()


def test_no_documents_for_no_ids() -> None:
    assert indexing.documents_for([]) == []


_AUTHOR = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "family": st.one_of(st.none(), st.text(max_size=12)),
            "given": st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["J.-A.", "JA"])),
            "literal": st.one_of(st.none(), st.text(max_size=12)),
        },
    ),
    st.text(max_size=5),
    st.none(),
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(_AUTHOR, max_size=5), st.none(), st.text(max_size=5)))
def test_author_names_in_one_pass_equal_each_form(authors: Any) -> None:
    search, display = author_names(authors)
    assert search == _reference_author_names(authors, compact=False)
    assert display == _reference_author_names(authors, compact=True)
    assert author_search_names(authors) == search
    assert author_display_names(authors) == display


def _reference_title_sort_key(title: str) -> int:
    """``title_sort_key`` as it was written first: normalising every title."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"[^a-z0-9 ]+", "", text)
    text = " ".join(text.split())[:12].ljust(12)
    key = 0
    for ch in text:
        key = key * 37 + " 0123456789abcdefghijklmnopqrstuvwxyz".index(ch)
    return key


@hypothesis_settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=30), st.from_regex(r"(The |An? )?[A-Za-z0-9 ,:.\t-]{0,30}")))
def test_title_sort_key_skips_normalising_ascii_without_changing_the_key(title: str) -> None:
    assert title_sort_key(title) == _reference_title_sort_key(title)
