"""The Resource field lists of library/fields.py: complete, and the ones every consumer uses."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from socialmission.bibliography.record import Record
from socialmission.contributions import selectors as contribution_selectors
from socialmission.contributions import services as contribution_services
from socialmission.contributions.models import Suggestion
from socialmission.interop import api, importer
from socialmission.interop.records import record_fields_for_resource, resource_to_record
from socialmission.library import fields
from socialmission.library.facets import FACETS
from socialmission.library.fields import EXCLUDED, Use, fields_for
from socialmission.library.models import Resource
from socialmission.library.tests.factories import ResourceFactory


def test_every_concrete_field_is_used_somewhere_or_excluded_everywhere() -> None:
    used = {name for use in Use for name in fields_for(use)}
    for model_field in Resource._meta.concrete_fields:
        excluded, why = EXCLUDED.get(model_field.name, (frozenset(), ""))
        assert model_field.name in used or (excluded == fields.ALL and why), (
            f"Resource.{model_field.name} is in no field list of library/fields.py and not in "
            "its exclusion table"
        )


def test_every_exclusion_names_a_field_and_gives_a_reason() -> None:
    names = {f.name for f in Resource._meta.concrete_fields}
    for name, (uses, why) in EXCLUDED.items():
        assert name in names, f"EXCLUDED names {name!r}, which Resource does not have"
        assert uses and why.strip()
    assert set(fields.API_DETAIL_ONLY) <= set(fields_for(Use.API))


def test_a_field_is_in_every_use_its_exclusions_do_not_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "need" in fields_for(Use.HISTORY) and "need" not in fields_for(Use.EXPORT)
    monkeypatch.setitem(EXCLUDED, "need", (frozenset(), "test"))
    assert all("need" in fields_for(use) for use in Use)
    monkeypatch.setitem(EXCLUDED, "need", (frozenset({Use.API}), "test"))
    assert "need" not in fields_for(Use.API) and "need" in fields_for(Use.HISTORY)


def test_facets_are_left_to_their_declarations_where_those_apply() -> None:
    for use in (Use.IMPORT, Use.EXPORT, Use.API):
        assert not set(fields_for(use)) & set(FACETS.fields())
    assert {"resource_type", "evidence_level"} <= set(fields_for(Use.HISTORY))


def test_the_lists_are_what_the_features_used_before() -> None:
    bibliographic = (
        "authors",
        "organization",
        "year",
        "venue",
        "venue_short",
        "volume",
        "issue",
        "pages",
        "issn",
        "doi",
        "pmid",
        "url",
        "language",
        "keywords",
        "description",
    )
    assert fields_for(Use.IMPORT) == bibliographic
    assert fields_for(Use.EXPORT) == ("title", *bibliographic)
    assert set(fields_for(Use.HISTORY)) == {f.name for f in Resource._meta.concrete_fields} - {
        "id",
        "slug",
        "created_at",
        "updated_at",
    }
    assert set(fields_for(Use.API)) == {
        "title",
        *bibliographic,
        "need",
        "intervention",
        "results",
        "reviewed_on",
        "published_at",
        "updated_at",
    }
    assert set(fields.suggestion_fields(Suggestion)) == {
        "title",
        *bibliographic,
        "resource_type",
        "evidence_level",
        "need",
        "intervention",
        "results",
    }
    assert fields.history_tag_relations() == [
        ("domains", "domain"),
        ("topics", "topic"),
        ("professions", "profession"),
    ]


def test_the_consumers_read_the_lists() -> None:
    assert contribution_selectors.HISTORY_FIELDS == fields_for(Use.HISTORY)
    assert contribution_services.RESOURCE_FIELDS == fields.suggestion_fields(Suggestion)
    assert importer.UPDATABLE_FIELDS == fields_for(Use.IMPORT)
    assert set(api.LIST_FIELDS) | set(api.DETAIL_FIELDS) == set(fields_for(Use.API))
    assert set(record_fields_for_resource(Record())) == set(fields_for(Use.EXPORT))


@pytest.mark.django_db
def test_the_admin_form_shows_every_editable_field() -> None:
    user = get_user_model().objects.create_superuser("admin", "a@example.org", "x")
    request = RequestFactory().get("/admin/")
    request.user = user
    model_admin = admin.site._registry[Resource]
    shown = {
        name for _title, options in model_admin.get_fieldsets(request) for name in options["fields"]
    }
    assert set(fields_for(Use.EDIT)) <= shown
    assert {f.field for f in FACETS} <= shown


@pytest.mark.django_db
def test_export_and_api_carry_each_field_of_their_list(client: Client) -> None:
    resource = ResourceFactory(
        title="Field carrier",
        organization="Carrier org",
        volume="12",
        issue="3",
        pages="4-5",
        doi="10.5555/carrier",
        pmid="123",
        url="https://example.org/carrier",
        language="fr",
        keywords="one; two",
        need="A need",
        intervention="An intervention",
        results="Results",
        reviewed_on=date(2024, 5, 1),
    )
    record = resource_to_record(resource)
    back = record_fields_for_resource(record)
    for name in fields_for(Use.EXPORT):
        assert back[name] == getattr(resource, name), name
    detail = client.get(f"/api/v1/resources/{resource.pk}").json()
    for name in fields_for(Use.API):
        key = api.API_NAMES.get(name, name)
        assert key in detail, name
    assert detail["link"] == "https://example.org/carrier"
    assert detail["reviewed_on"] == "2024-05-01"
    assert detail["need"] == "A need"
    listing = client.get("/api/v1/resources").json()["results"][0]
    assert "need" not in listing and listing["organization"] == "Carrier org"
    for private in ("status", "curated_by", "slug", "created_at"):
        assert private not in detail


def test_the_facet_order_follows_registrations_although_it_is_kept_between_loops() -> None:
    from socialmission.library.facets import Facet, FacetRegistry

    def facet(key: str, order: int) -> Facet:
        return Facet(
            key=key,
            field=f"{key}s",
            model="library.Domain",
            label=key,
            plural=key,
            multiple=True,
            order=order,
        )

    registry = FacetRegistry(facet("b", 20), facet("c", 30))
    assert registry.keys() == ("b", "c")
    registry.register(facet("a", 10))
    assert registry.keys() == ("a", "b", "c")
    registry.unregister("b")
    assert registry.keys() == ("a", "c")
    assert [f.key for f in registry.multiple()] == ["a", "c"]
