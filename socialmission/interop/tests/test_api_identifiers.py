"""The API's identifier and fielded filters, and its refusal of unknown query parameters."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from socialmission.interop.tests.protocol_data import tagged_resource

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def titles(client: Client, params: dict[str, Any]) -> list[str]:
    response = client.get(f"{BASE}/resources", params)
    assert response.status_code == 200, response.content
    return [r["title"] for r in response.json()["results"]]


def test_filters_by_doi_pmid_and_isbn(client: Client) -> None:
    tagged_resource(title="Beyond Flexner", doi="10.1001/jama.2017.7286")
    tagged_resource(title="Ranking the schools", pmid="20547907")
    tagged_resource(title="The making of NOSM", venue="McGill (ISBN 978-0-7735-3649-4)")
    tagged_resource(title="Something else", doi="10.1000/other", pmid="11111111")
    assert titles(client, {"doi": "10.1001/JAMA.2017.7286"}) == ["Beyond Flexner"]
    assert titles(client, {"doi": "https://doi.org/10.1001/jama.2017.7286"}) == ["Beyond Flexner"]
    assert titles(client, {"pmid": "20547907"}) == ["Ranking the schools"]
    assert titles(client, {"pmid": "https://pubmed.ncbi.nlm.nih.gov/20547907/"}) == [
        "Ranking the schools"
    ]
    assert titles(client, {"isbn": "0-7735-3649-3"}) == ["The making of NOSM"]
    assert titles(client, {"id": "PMID: 20547907"}) == ["Ranking the schools"]
    # A filter narrows: an identifier nobody has, or of another kind, finds nothing.
    assert titles(client, {"doi": "10.9999/none"}) == []
    assert titles(client, {"doi": "20547907"}) == []
    # It combines with words.
    assert titles(client, {"doi": "10.1001/jama.2017.7286", "q": "flexner"}) == ["Beyond Flexner"]
    assert titles(client, {"doi": "10.1001/jama.2017.7286", "q": "ranking"}) == []


def test_fielded_filters(client: Client) -> None:
    tagged_resource(title="Strasser on NOSM", authors=[])
    tagged_resource(title="Northern medicine", authors=[{"family": "Strasser", "given": "R"}])
    assert titles(client, {"author": "strasser"}) == ["Northern medicine"]
    assert titles(client, {"title": "strasser"}) == ["Strasser on NOSM"]


def test_unknown_parameters_are_a_400_listing_the_known_ones(client: Client) -> None:
    tagged_resource(title="Nursing pathway", professions=("nursing",))
    response = client.get(f"{BASE}/resources", {"profesion": "nursing", "q": "pathway"})
    assert response.status_code == 400
    data = response.json()
    assert data["unknown"] == ["profesion"]
    assert "profession" in data["known"] and "doi" in data["known"] and "q" in data["known"]
    assert "profesion" in data["detail"]
    response = client.get(f"{BASE}/vocabularies", {"key": "domain"})
    assert response.status_code == 400
    assert response.json()["unknown"] == ["key"]
    # Known parameters still work, and the trailing-slash-free list answers as before.
    assert client.get(f"{BASE}/resources", {"profession": "nursing"}).status_code == 200
    assert client.get(f"{BASE}/vocabularies").status_code == 200


def test_the_openapi_document_lists_the_new_parameters_and_the_400(client: Client) -> None:
    document = client.get(f"{BASE}/openapi.json").json()
    operation = document["paths"]["/api/v1/resources"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"doi", "pmid", "isbn", "id", "title", "author", "venue"} <= names
    assert "400" in operation["responses"]
    assert "400" in document["paths"]["/api/v1/vocabularies"]["get"]["responses"]
