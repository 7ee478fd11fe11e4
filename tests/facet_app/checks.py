"""A facet declared only in tests/facet_app reaches every consumer of the facet declarations.

Nothing in socialmission/ names "setting": if any consumer went back to a hard-coded list of
facets, one of these tests would fail. Run by tests/test_declared_facet.py in a pytest of its
own with the app installed (the rest of the suite sees the library's facets only).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from lxml import etree

from socialmission.bibliography.record import Record
from socialmission.interop import oai
from socialmission.interop.importer import ImportDefaults, import_file, import_records
from socialmission.interop.records import resource_to_record
from socialmission.library import indexing
from socialmission.library.facets import FACETS
from socialmission.library.models import IndexChange, Resource
from socialmission.library.search import SearchParams, search
from socialmission.library.tests.factories import ResourceFactory
from tests.facet_app.models import Setting

pytestmark = pytest.mark.django_db

OAI = {"o": oai.OAI_NS}


@pytest.fixture
def rural() -> Setting:
    return Setting.objects.create(name="Rural clinic", slug="rural-clinic", position=1)


@pytest.fixture
def hospital() -> Setting:
    return Setting.objects.create(name="Teaching hospital", slug="teaching-hospital", position=2)


def tagged(*settings: Setting, **fields: Any) -> Resource:
    resource = ResourceFactory(**fields)
    resource.settings.add(*settings)  # type: ignore[attr-defined]
    return resource


def test_the_facet_is_declared_once_outside_the_library() -> None:
    facet = FACETS["setting"]
    assert facet.vocabulary is Setting
    assert FACETS.keys() == ("type", "domain", "topic", "setting", "profession", "evidence")


def test_search_indexes_counts_and_filters_the_facet(rural: Setting, hospital: Setting) -> None:
    in_rural = tagged(rural, title="Rural track outcomes")
    tagged(hospital, title="Hospital residency outcomes")
    tagged(rural, hospital, title="Both places outcomes")
    ResourceFactory(title="Untagged outcomes")

    results = search(SearchParams.from_query({"q": "outcomes"}))
    facet = next(f for f in results.facets if f.key == "setting")
    assert facet.label == "Care setting"
    assert [(v.slug, v.label, v.count) for v in facet.values] == [
        ("rural-clinic", "Rural clinic", 2),
        ("teaching-hospital", "Teaching hospital", 2),
    ]

    filtered = search(SearchParams.from_query({"q": "outcomes", "setting": ["rural-clinic"]}))
    assert filtered.total == 2
    assert filtered.params.urlencode() == "q=outcomes&setting=rural-clinic"
    titles = {item.title: item for item in filtered.items}
    assert set(titles) == {"Rural track outcomes", "Both places outcomes"}
    assert in_rural.pk in {item.id for item in filtered.items}
    # The result list's tags come from the index document, labelled from the vocabulary.
    assert titles["Rural track outcomes"].tags["setting"] == [("rural-clinic", "Rural clinic")]
    assert ("Rural clinic", "/search/?setting=rural-clinic") in titles[
        "Rural track outcomes"
    ].tag_links


def test_tagging_from_either_side_and_renaming_reach_the_index(rural: Setting) -> None:
    resource = ResourceFactory(title="Clinic placements")
    indexing.sync()
    before = IndexChange.objects.count()
    resource.settings.add(rural)  # type: ignore[attr-defined]
    assert IndexChange.objects.filter(pk__gt=0).count() > before
    assert search(SearchParams.from_query({"setting": ["rural-clinic"]})).total == 1

    rural.resources.remove(resource)
    assert search(SearchParams.from_query({"setting": ["rural-clinic"]})).total == 0

    rural.resources.add(resource)
    rural.slug = "rural-health-clinic"
    rural.save()
    assert search(SearchParams.from_query({"setting": ["rural-health-clinic"]})).total == 1


def test_the_search_page_shows_the_filter(client: Client, rural: Setting) -> None:
    tagged(rural, title="Rural track outcomes")
    page = client.get("/search/", {"setting": "rural-clinic"}).content.decode()
    assert "Care setting" in page
    assert 'name="setting" value="rural-clinic" checked' in page


def test_api_parameters_response_and_openapi(client: Client, rural: Setting) -> None:
    resource = tagged(rural, title="Rural track outcomes")
    ResourceFactory(title="Hospital outcomes")

    listing = client.get("/api/v1/resources", {"setting": "rural-clinic"}).json()
    assert listing["total"] == 1
    assert listing["results"][0]["settings"] == [{"slug": "rural-clinic", "name": "Rural clinic"}]
    assert "setting" in [f["key"] for f in listing["facets"]]

    detail = client.get(f"/api/v1/resources/{resource.pk}").json()
    assert detail["settings"] == [{"slug": "rural-clinic", "name": "Rural clinic"}]

    vocabulary = client.get("/api/v1/vocabularies/setting").json()
    assert vocabulary["label"] == "Care setting"
    assert [(t["slug"], t["resource_count"]) for t in vocabulary["terms"]] == [("rural-clinic", 1)]

    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/resources"]["get"]["parameters"]
    assert "setting" in [p["name"] for p in parameters]
    components = schema["components"]["schemas"]
    assert "settings" in components["ResourceOut"]["properties"]
    assert "settings" in components["ResourceDetailOut"]["properties"]
    key = next(
        p
        for p in schema["paths"]["/api/v1/vocabularies/{key}"]["get"]["parameters"]
        if p["name"] == "key"
    )
    enum = key["schema"].get("enum") or components[key["schema"]["$ref"].split("/")[-1]]["enum"]
    assert "setting" in enum


def test_oai_sets(client: Client, rural: Setting) -> None:
    resource = tagged(rural, title="Rural track outcomes")
    ResourceFactory(title="Hospital outcomes")

    root = etree.fromstring(client.get("/oai/", {"verb": "ListSets"}).content)
    names = {
        s.findtext("o:setSpec", namespaces=OAI): s.findtext("o:setName", namespaces=OAI)
        for s in root.iterfind(".//o:set", OAI)
    }
    assert names["setting"] == "Care settings"
    assert names["setting:rural-clinic"] == "Rural clinic"

    for spec in ("setting", "setting:rural-clinic"):
        listed = etree.fromstring(
            client.get(
                "/oai/", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": spec}
            ).content
        )
        identifiers = [
            h.findtext("o:identifier", namespaces=OAI) for h in listed.iterfind(".//o:header", OAI)
        ]
        assert identifiers == [oai.oai_identifier(resource.pk)]
        header = listed.find(".//o:header", OAI)
        assert "setting:rural-clinic" in [s.text for s in header.iterfind("o:setSpec", OAI)]


def test_exports_carry_the_facet_and_the_importer_reads_it_back(
    client: Client, rural: Setting, hospital: Setting
) -> None:
    resource = tagged(rural, hospital, title="Rural track outcomes", doi="10.5555/rural")
    assert resource_to_record(resource).tags == {"settings": ["Rural clinic", "Teaching hospital"]}

    response = client.get(f"/resources/{resource.pk}/export/csv/")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["settings"] == "Rural clinic|Teaching hospital"

    library = b"".join(client.get("/library/export/csv/").streaming_content).decode()
    assert "Rural clinic|Teaching hospital" in library

    # Our own CSV, imported into an empty library, keeps the tags.
    Resource.objects.all().delete()
    report = import_file(io.BytesIO(body.encode()), filename="library.csv", status="published")
    created = Resource.objects.get(pk=report.created[0].resource_id)
    assert sorted(created.settings.values_list("slug", flat=True)) == [  # type: ignore[attr-defined]
        "rural-clinic",
        "teaching-hospital",
    ]


def test_import_defaults_and_unknown_names(rural: Setting) -> None:
    record = Record(title="Placements in clinics", doi="10.5555/clinics")
    report = import_records(
        [record], defaults=ImportDefaults(tags={"setting": ["Rural clinic"]}), status="published"
    )
    created = Resource.objects.get(pk=report.created[0].resource_id)
    assert list(created.settings.all()) == [rural]  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="Unknown"):
        import_records([record], defaults=ImportDefaults(tags={"setting": ["Space station"]}))
