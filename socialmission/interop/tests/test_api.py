"""The JSON API: search as the web page does it, details, vocabularies, OpenAPI, CORS, privacy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from socialmission.interop.tests.protocol_data import tagged_resource
from socialmission.library import models as m

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def get(client: Client, path: str, params: Any = None, **headers: Any) -> Any:
    response = client.get(BASE + path, params or {}, **headers)
    return response, (
        response.json() if response["Content-Type"].startswith("application/json") else None
    )


def test_search_with_facets_and_filters(client: Client) -> None:
    nursing = tagged_resource(
        title="Nursing pathway programs",
        professions=("nursing",),
        domains=("community-engagement",),
    )
    tagged_resource(title="Medical school admissions", professions=("medicine",))
    tagged_resource(title="Draft pathway", status=m.Resource.Status.DRAFT)
    response, data = get(client, "/resources", {"q": "pathway"})
    assert response.status_code == 200
    assert data["total"] == 1
    assert [r["id"] for r in data["results"]] == [nursing.pk]
    response, data = get(client, "/resources", {"profession": ["nursing", "medicine"]})
    assert data["total"] == 2
    professions = next(f for f in data["facets"] if f["key"] == "profession")
    counts = {v["slug"]: (v["count"], v["selected"]) for v in professions["values"]}
    assert counts["nursing"] == (1, True)
    assert counts["medicine"] == (1, True)
    assert counts["dentistry"] == (0, False)
    _, data = get(client, "/resources", {"profession": "nursing", "domain": "community-engagement"})
    assert [r["id"] for r in data["results"]] == [nursing.pk]
    _, data = get(client, "/resources", {"profession": "nursing", "domain": "students-faculty"})
    assert data["total"] == 0


def test_result_fields(client: Client) -> None:
    resource = tagged_resource(
        title="Holistic review",
        authors=[{"family": "Grbic", "given": "Douglas"}, {"literal": "AAMC"}],
        evidence_level=m.EvidenceLevel.objects.get(slug="promising"),
    )
    _, data = get(client, "/resources")
    item = data["results"][0]
    assert item["id"] == resource.pk
    assert item["url"] == f"http://testserver{resource.get_absolute_url()}"
    assert item["api_url"] == f"http://testserver/api/v1/resources/{resource.pk}"
    assert item["authors"] == [
        {"family": "Grbic", "given": "Douglas", "literal": ""},
        {"family": "", "given": "", "literal": "AAMC"},
    ]
    assert item["type"] == {"slug": "article", "name": "Peer-reviewed article"}
    assert item["domains"] == [
        {"slug": "pathways-admission-graduation", "name": "Pathways, Admission & Graduation"}
    ]
    assert item["evidence_level"] == {"slug": "promising", "name": "Promising"}
    assert item["keywords"] == ["admissions", "diversity"]
    assert item["doi"] == resource.doi
    assert "need" not in item


def test_year_range_and_sort(client: Client) -> None:
    old = tagged_resource(title="Beta old", year=2001)
    new = tagged_resource(title="Alpha new", year=2022)
    _, data = get(client, "/resources", {"year_from": 2010})
    assert [r["id"] for r in data["results"]] == [new.pk]
    _, data = get(client, "/resources", {"sort": "oldest"})
    assert [r["id"] for r in data["results"]] == [old.pk, new.pk]
    _, data = get(client, "/resources", {"sort": "title"})
    assert [r["id"] for r in data["results"]] == [new.pk, old.pk]


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest", "title"])
def test_paging_returns_each_resource_once(client: Client, sort: str) -> None:
    created = {
        tagged_resource(title=f"Equity report {i % 3}", year=2020 + i % 2).pk for i in range(7)
    }
    seen: list[int] = []
    url = f"{BASE}/resources?q=equity&sort={sort}&per_page=3"
    pages = 0
    while url:
        data = client.get(url).json()
        assert data["total"] == 7 and data["page_count"] == 3 and data["per_page"] == 3
        seen += [r["id"] for r in data["results"]]
        url = data["next"]
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(set(seen))
    _, last = get(client, "/resources", {"q": "equity", "sort": sort, "per_page": 3, "page": 3})
    assert last["previous"].startswith("http://testserver/api/v1/resources?")
    assert "page=2" in last["previous"] and "per_page=3" in last["previous"]


def test_invalid_parameters_are_clear_errors(client: Client) -> None:
    for params in (
        {"page": 0},
        {"page": "x"},
        {"sort": "random"},
        {"per_page": 1000},
        {"year_from": -1},
    ):
        response, data = get(client, "/resources", params)
        assert response.status_code == 422, params
        assert data["detail"]


def test_spelling_suggestion(client: Client) -> None:
    tagged_resource(title="Mentoring underrepresented students")
    _, data = get(client, "/resources", {"q": "mentorng"})
    assert data["total"] == 0
    assert data["suggestion"] == "mentoring"


def test_resource_detail(client: Client) -> None:
    resource = tagged_resource(
        type_slug="program-example",
        need="Rural counties lack physicians.",
        intervention="A rural track.",
        results="More graduates practise rurally.",
    )
    response, data = get(client, f"/resources/{resource.pk}")
    assert response.status_code == 200
    assert data["need"] == "Rural counties lack physicians."
    assert data["intervention"] == "A rural track."
    assert data["results"] == "More graduates practise rurally."
    assert data["type"]["slug"] == "program-example"


@pytest.mark.parametrize("status", [m.Resource.Status.DRAFT, m.Resource.Status.WITHDRAWN])
def test_unpublished_resources_are_not_found(client: Client, status: str) -> None:
    resource = tagged_resource(status=status)
    response, data = get(client, f"/resources/{resource.pk}")
    assert response.status_code == 404
    assert data == {"detail": "No published resource has this id."}
    assert get(client, "/resources/999999")[0].status_code == 404
    assert get(client, "/resources")[1]["total"] == 0


def test_private_fields_never_appear(client: Client, django_user_model: Any) -> None:
    curator = django_user_model.objects.create_user(
        username="cur", email="curator-secret@example.org"
    )
    resource = tagged_resource(curated_by=curator)
    for path in (f"/resources/{resource.pk}", "/resources"):
        response, _ = get(client, path)
        body = response.content.decode()
        assert "curator-secret" not in body
        assert "curated_by" not in body
        assert '"status"' not in body


def test_vocabularies(client: Client) -> None:
    tagged_resource(domains=("community-engagement",))
    tagged_resource(domains=("community-engagement",), status=m.Resource.Status.DRAFT)
    m.Topic.objects.filter(slug="specialty-choice").update(is_active=False)
    _, data = get(client, "/vocabularies")
    keys = [v["key"] for v in data["vocabularies"]]
    assert keys == ["type", "domain", "topic", "profession", "evidence"]
    _, domain = get(client, "/vocabularies/domain")
    assert domain["label"] == "Domain"
    terms = {t["slug"]: t for t in domain["terms"]}
    assert terms["community-engagement"]["resource_count"] == 1
    assert (
        terms["community-engagement"]["search_url"]
        == "http://testserver/search/?domain=community-engagement"
    )
    assert terms["students-faculty"]["resource_count"] == 0
    _, topic = get(client, "/vocabularies/topic")
    assert "specialty-choice" not in {t["slug"] for t in topic["terms"]}
    assert get(client, "/vocabularies/colour")[0].status_code == 422


def test_cors_for_get(client: Client) -> None:
    response = client.get(f"{BASE}/resources", headers={"Origin": "https://harvester.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        f"{BASE}/resources",
        headers={"Origin": "https://harvester.example", "Access-Control-Request-Method": "GET"},
    )
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_openapi_document_and_docs_page(client: Client) -> None:
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/resources", "/api/v1/resources/{resource_id}", "/api/v1/vocabularies"} <= set(
        document["paths"]
    )
    parameters = {p["name"] for p in document["paths"]["/api/v1/resources"]["get"]["parameters"]}
    assert {
        "q",
        "type",
        "domain",
        "topic",
        "profession",
        "evidence",
        "year_from",
        "year_to",
        "sort",
        "page",
    } <= parameters
    docs = client.get(f"{BASE}/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    # Everything the page loads is served by this site: no CDN.
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    assert json.loads(client.get(f"{BASE}/openapi.json").content)["info"]["version"] == "1"


def test_a_page_of_results_costs_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        tagged_resource(title=f"Resource {i}", professions=("nursing", "medicine"))
    client.get(f"{BASE}/resources")  # the first search brings the index up to date
    with django_assert_max_num_queries(12):
        data = client.get(f"{BASE}/resources", {"per_page": 30}).json()
    assert len(data["results"]) == 30
