"""The importer hands the parsers the live vocabulary: bibliography keeps no copy of it."""

from __future__ import annotations

import io

import pytest

from socialmission.interop.importer import import_file, resource_type_csl_types
from socialmission.library.models import Resource, ResourceType

pytestmark = pytest.mark.django_db


def test_a_type_renamed_or_added_in_the_admin_reaches_the_parsers() -> None:
    report = ResourceType.objects.get(slug="report")
    report.name = "Policy report"
    report.save()
    ResourceType.objects.create(name="Field guide", slug="field-guide", csl_type="book")
    types = resource_type_csl_types()
    assert types["policy report"] == types["report"] == "report"
    assert types["field guide"] == types["field-guide"] == "book"
    assert "report" in types and "Report".casefold() in types  # the slug still reads


def test_our_csv_names_a_type_added_in_the_admin() -> None:
    ResourceType.objects.create(name="Field guide", slug="field-guide", csl_type="book")
    data = (
        b"title,authors,year,venue,resource_type\nRural rotations,Smith J,2021,AAMC,Field guide\n"
    )
    report = import_file(io.BytesIO(data), filename="ours.csv")
    (entry,) = report.created
    resource = Resource.objects.get(pk=entry.resource_id)
    assert (resource.resource_type.slug, resource.venue) == ("field-guide", "AAMC")
