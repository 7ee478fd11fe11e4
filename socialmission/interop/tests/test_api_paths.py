"""The API's root and trailing-slash variants of its paths answer instead of a 404."""

from __future__ import annotations

import pytest
from django.test import Client

from socialmission.interop.tests.protocol_data import tagged_resource

pytestmark = pytest.mark.django_db


def test_api_root_redirects_to_the_documentation(client: Client) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"
    followed = client.get("/api/v1/", follow=True)
    assert followed.status_code == 200
    assert "swagger-ui" in followed.content.decode()


@pytest.mark.parametrize(
    ("slashed", "plain"),
    [
        ("/api/v1/resources/", "/api/v1/resources"),
        (
            "/api/v1/resources/?q=pathway&profession=nursing",
            "/api/v1/resources?q=pathway&profession=nursing",
        ),
        ("/api/v1/vocabularies/", "/api/v1/vocabularies"),
        ("/api/v1/vocabularies/domain/", "/api/v1/vocabularies/domain"),
        ("/api/v1/docs/", "/api/v1/docs"),
        ("/api/v1/openapi.json/", "/api/v1/openapi.json"),
    ],
)
def test_trailing_slash_variants_redirect_to_the_path_without(
    client: Client, slashed: str, plain: str
) -> None:
    response = client.get(slashed)
    assert response.status_code == 301
    assert response["Location"] == plain
    assert client.get(slashed, follow=True).status_code == 200


def test_a_slashed_search_gives_the_same_answer(client: Client) -> None:
    nursing = tagged_resource(title="Nursing pathway programs", professions=("nursing",))
    tagged_resource(title="Medical school admissions", professions=("medicine",))
    slashed = client.get("/api/v1/resources/", {"q": "pathway"}, follow=True)
    plain = client.get("/api/v1/resources", {"q": "pathway"})
    assert slashed.json() == plain.json()
    assert [r["id"] for r in slashed.json()["results"]] == [nursing.pk]
    detail = client.get(f"/api/v1/resources/{nursing.pk}/", follow=True)
    assert detail.json()["id"] == nursing.pk


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/vocabularies/domain/extra"])
def test_unknown_paths_still_end_in_a_404(client: Client, path: str) -> None:
    assert client.get(path + "/").status_code == 404
    # Without the slash, APPEND_SLASH may send it to the slashed variant, which is then a 404
    # (never a redirect loop).
    assert client.get(path, follow=True).status_code == 404


def test_redirects_stay_on_this_site_and_carry_cors(client: Client) -> None:
    # A browser's cross-origin fetch follows a redirect only if the redirect allows the origin.
    response = client.get("/api/v1/resources/", headers={"Origin": "https://x.example"})
    assert response.status_code == 301
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1//evil.example/").status_code == 404
