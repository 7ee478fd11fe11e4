"""The Resource ↔ Record mapping every export and the importer rely on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socialmission.bibliography.record import Name, Record
from socialmission.interop.records import (
    record_fields_for_resource,
    record_vocabulary_names,
    records_for,
    resource_to_record,
)
from socialmission.interop.tests.builders import make_resource
from socialmission.library.models import Resource

pytestmark = pytest.mark.django_db


def test_article_maps_every_bibliographic_field() -> None:
    resource = make_resource(
        domains=("curriculum-programming", "pathways-admission-graduation"),
        topics=("specialty-choice",),
        professions=("medicine",),
        organization="AAMC",
    )
    record = resource_to_record(resource)
    assert record.id == f"smrl{resource.pk}"
    assert record.type == "article-journal"
    assert record.title == resource.title
    assert record.authors == [
        Name(family="Grbic", given="Douglas"),
        Name(family="Urban", given="K"),
    ]
    assert record.year == 2019
    assert record.container_title == "Academic Medicine"
    assert record.publisher == ""
    assert (record.volume, record.issue, record.pages) == ("94", "3", "396-403")
    assert record.doi == "10.1097/acm.0000000000002446"
    assert record.pmid == "30188371"
    assert record.url == "https://journals.lww.com/academicmedicine/example"
    assert record.keywords == ["admissions", "diversity"]
    assert record.abstract == "A national study of holistic review."
    assert record.organization == "AAMC"
    assert record.resource_type == "Peer-reviewed article"
    # Vocabulary display order (position), not the order they were attached in.
    assert record.domains == ["Pathways, Admission & Graduation", "Curriculum & Programming"]
    assert record.topics == ["Specialty choice"]
    assert record.professions == ["Medicine"]


def test_report_venue_is_the_publisher_and_literal_authors_survive() -> None:
    resource = make_resource(
        type_slug="report", venue="Robert Graham Center", authors=[{"literal": "AAMC"}]
    )
    record = resource_to_record(resource)
    assert record.type == "report"
    assert record.publisher == "Robert Graham Center"
    assert record.container_title == ""
    assert record.authors == [Name(literal="AAMC")]
    # And back: venue comes from the publisher when there is no container.
    assert record_fields_for_resource(record)["venue"] == "Robert Graham Center"


def test_record_fields_round_trip_a_resource() -> None:
    resource = make_resource(language="en")
    fields = record_fields_for_resource(resource_to_record(resource))
    for name, value in fields.items():
        assert getattr(resource, name) == value, name


def test_record_fields_normalise_identifiers_and_drop_bad_urls() -> None:
    record = Record(
        title="  A   title\n split ",
        authors=[Name(given="Plato"), Name(), Name(family="Doe", given="J")],
        doi="https://doi.org/10.1000/ABC.123",
        pmid="PMID: 00123",
        url="javascript:alert(1)",
        keywords=["a", "a", "b;c", " "],
        volume="x" * 80,
        year=2020,
    )
    fields = record_fields_for_resource(record)
    assert fields["title"] == "A title split"
    assert fields["authors"] == [{"family": "Plato", "given": ""}, {"family": "Doe", "given": "J"}]
    assert fields["doi"] == "10.1000/ABC.123"
    assert fields["pmid"] == "123"
    assert fields["url"] == ""
    assert fields["keywords"] == "a; b,c"
    assert len(fields["volume"]) == 50


def test_vocabulary_names_are_cleaned_and_unique() -> None:
    names = record_vocabulary_names(
        Record(resource_type=" Report ", domains=["Community Engagement", "Community Engagement"])
    )
    # By facet key; a single-valued facet gives a list of at most one name.
    assert names["type"] == ["Report"]
    assert names["domain"] == ["Community Engagement"]


def test_records_for_prefetches_in_chunks() -> None:
    for i in range(7):
        make_resource(
            title=f"Resource {i}", domains=("community-engagement",), professions=("nursing",)
        )
    with CaptureQueriesContext(connection) as queries:
        records = list(records_for(Resource.objects.order_by("pk"), chunk_size=3))
    assert [r.title for r in records] == [f"Resource {i}" for i in range(7)]
    assert all(r.domains == ["Community Engagement"] for r in records)
    assert all(r.professions == ["Nursing"] for r in records)
    # Per chunk of 3: resources + domains + topics + professions; 3 chunks. Not per resource.
    assert len(queries) <= 3 * 4 + 1


def test_an_edited_volume_without_authors_is_listed_under_its_editors() -> None:
    editors = [Name(family="Smedley", given="BD"), Name(family="Bristow", given="LR")]
    fields = record_fields_for_resource(Record(title="Edited", type="book", editors=editors))
    assert fields["authors"] == [
        {"family": "Smedley", "given": "BD"},
        {"family": "Bristow", "given": "LR"},
    ]
    both = Record(title="Both", authors=[Name(family="Mullan", given="F")], editors=editors)
    assert record_fields_for_resource(both)["authors"] == [{"family": "Mullan", "given": "F"}]
