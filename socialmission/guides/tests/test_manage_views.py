"""The curators' guide pages under /contribute/queue/guides/: each action, and who may not."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from socialmission.accounts.tests.factories import user_with_role
from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.guides.tests.factories import guide_with, resources
from socialmission.library.models import Resource
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

BASE = "/contribute/queue/guides/"


@pytest.fixture
def setup() -> dict[str, Any]:
    a, b, c = resources(
        "Holistic review in admissions",
        "Rural training tracks",
        "Community health course",
        status=Resource.Status.PUBLISHED,
    )
    guide = guide_with([a, b], title="Admissions", slug="admissions", is_published=False)
    other = guide_with([c], title="Other", slug="other")
    return {
        "guide": guide,
        "other": other,
        "a": guide.items.get(resource=a),
        "b": guide.items.get(resource=b),
        "c_item": other.items.get(),
        "c": c,
    }


@pytest.fixture
def curator_client(client: Client) -> Client:
    client.force_login(user_with_role("Curator", username="cura"))
    return client


def order(guide: ReadingGuide) -> list[str]:
    return list(guide.items.order_by("position").values_list("resource__title", flat=True))


def urls(s: dict[str, Any]) -> list[tuple[str, str]]:
    g, item = s["guide"].pk, s["a"].pk
    return [
        ("get", BASE),
        ("get", f"{BASE}new/"),
        ("post", f"{BASE}new/"),
        ("get", f"{BASE}{g}/"),
        ("post", f"{BASE}{g}/"),
        ("post", f"{BASE}{g}/items/add/"),
        ("post", f"{BASE}{g}/items/{item}/note/"),
        ("post", f"{BASE}{g}/items/{item}/move/"),
        ("post", f"{BASE}{g}/items/{item}/remove/"),
    ]


def test_the_urls_are_where_we_say() -> None:
    assert reverse("guides_manage:list") == BASE
    assert reverse("guides_manage:item-move", kwargs={"pk": 1, "item_pk": 2}) == (
        f"{BASE}1/items/2/move/"
    )


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, setup: dict[str, Any]) -> None:
    for method, url in urls(setup):
        response = getattr(client, method)(url, {"direction": "down", "resource": "1"})
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    assert order(setup["guide"]) == ["Holistic review in admissions", "Rural training tracks"]


@pytest.mark.parametrize("role", [None, "Some other group"])
def test_signed_in_non_curators_get_403(
    client: Client, setup: dict[str, Any], role: str | None
) -> None:
    client.force_login(user_with_role(role, username="reader"))
    for method, url in urls(setup):
        response = getattr(client, method)(url, {"direction": "down", "resource": "1"})
        assert response.status_code == 403, url
        assert "<strong>Curator</strong>" in response.content.decode()
    assert ReadingGuideItem.objects.count() == 3 and ReadingGuide.objects.count() == 2


def test_guessed_ids_are_404(curator_client: Client, setup: dict[str, Any]) -> None:
    g, other_item = setup["guide"].pk, setup["c_item"].pk
    # Another guide's item through this guide's address.
    for action in ("note", "move", "remove"):
        response = curator_client.post(
            f"{BASE}{g}/items/{other_item}/{action}/", {"direction": "up", "annotation": "x"}
        )
        assert response.status_code == 404, action
    assert curator_client.get(f"{BASE}999999/").status_code == 404
    assert (
        curator_client.post(f"{BASE}999999/items/add/", {"resource": setup["c"].pk}).status_code
        == 404
    )
    for bad in ("", "abc", "999999", "1 OR 1=1"):
        assert curator_client.post(f"{BASE}{g}/items/add/", {"resource": bad}).status_code == 404
    assert ReadingGuideItem.objects.count() == 3
    assert setup["c_item"].annotation == ReadingGuideItem.objects.get(pk=other_item).annotation


def test_actions_are_post_only(curator_client: Client, setup: dict[str, Any]) -> None:
    g, item = setup["guide"].pk, setup["a"].pk
    for action in ("note", "move", "remove"):
        assert curator_client.get(f"{BASE}{g}/items/{item}/{action}/").status_code == 405
    assert curator_client.get(f"{BASE}{g}/items/add/").status_code == 405


def test_list_shows_drafts_and_links_to_edit(curator_client: Client, setup: dict[str, Any]) -> None:
    body = curator_client.get(BASE).content.decode()
    assert "Admissions" in body and "Draft" in body
    assert f'href="{BASE}{setup["guide"].pk}/"' in body
    assert 'href="/contribute/queue/guides/new/"' in body


def test_create_a_guide(curator_client: Client) -> None:
    data = {
        "title": "Key publications on rural health",
        "slug": "rural-key",
        "kind": "key_publications",
        "summary": "A shelf.",
        "learning_objectives": "",
        "introduction": "How we chose.",
        "is_published": "on",
    }
    response = curator_client.post(f"{BASE}new/", data)
    guide = ReadingGuide.objects.get(slug="rural-key")
    assert response.status_code == 302 and response["Location"] == f"{BASE}{guide.pk}/"
    assert guide.is_key_publications and guide.is_published and guide.curated_by.username == "cura"
    assert curator_client.get("/guides/rural-key/").status_code == 200
    # A taken slug is an error on the form, not a server error.
    again = curator_client.post(f"{BASE}new/", data)
    assert again.status_code == 200 and ReadingGuide.objects.filter(slug="rural-key").count() == 1
    assert "form-errors" in again.content.decode()


def test_edit_the_details(curator_client: Client, setup: dict[str, Any]) -> None:
    guide = setup["guide"]
    data = {
        "title": "Admissions, holistically",
        "slug": "admissions",
        "kind": "reading_guide",
        "summary": "",
        "learning_objectives": "Plan a holistic review",
        "introduction": "Start here.",
        "is_published": "on",
    }
    response = curator_client.post(f"{BASE}{guide.pk}/", data)
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.title == "Admissions, holistically" and guide.is_published
    assert guide.objectives == ["Plan a holistic review"]
    bad = curator_client.post(f"{BASE}{guide.pk}/", {**data, "slug": "not a slug!"})
    assert bad.status_code == 200
    guide.refresh_from_db()
    assert guide.slug == "admissions"


def test_find_and_add_a_resource(curator_client: Client, setup: dict[str, Any]) -> None:
    guide = setup["guide"]
    ResourceFactory(
        title="Trends in representation",
        doi="10.1001/jamanetworkopen.2019.10490",
        pmid="31584234",
        status=Resource.Status.PUBLISHED,
    )
    ResourceFactory(title="Withdrawn community piece", status=Resource.Status.WITHDRAWN)
    page = curator_client.get(f"{BASE}{guide.pk}/", {"q": "community"}).content.decode()
    assert "Community health course" in page and "Withdrawn community piece" not in page
    # Already in the guide: not offered again.
    holistic = curator_client.get(f"{BASE}{guide.pk}/", {"q": "holistic"}).content.decode()
    assert f'name="resource" value="{setup["a"].resource_id}"' not in holistic
    assert "No resource outside this guide matches" in holistic
    for query in (
        "https://doi.org/10.1001/JAMANETWORKOPEN.2019.10490",
        "31584234",
        "trends REPRESENT",
    ):
        found = curator_client.get(f"{BASE}{guide.pk}/", {"q": query}).content.decode()
        assert "Trends in representation" in found, query
    nothing = curator_client.get(f"{BASE}{guide.pk}/", {"q": "zzzz"}).content.decode()
    assert "No resource outside this guide matches" in nothing

    response = curator_client.post(f"{BASE}{guide.pk}/items/add/", {"resource": setup["c"].pk})
    item = guide.items.get(resource=setup["c"])
    assert response["Location"] == f"{BASE}{guide.pk}/#item-{item.pk}"
    assert order(guide)[-1] == "Community health course"
    again = curator_client.post(
        f"{BASE}{guide.pk}/items/add/", {"resource": setup["c"].pk}, follow=True
    )
    assert "already in the guide" in again.content.decode()
    assert guide.items.count() == 3


def test_write_a_note(curator_client: Client, setup: dict[str, Any]) -> None:
    guide, item = setup["guide"], setup["a"]
    response = curator_client.post(
        f"{BASE}{guide.pk}/items/{item.pk}/note/",
        {"annotation": "Read the rubric first."},
        follow=True,
    )
    assert "Saved the note" in response.content.decode()
    assert ReadingGuideItem.objects.get(pk=item.pk).annotation == "Read the rubric first."
    curator_client.post(f"{BASE}{guide.pk}/items/{item.pk}/note/", {"annotation": "x" * 5001})
    assert ReadingGuideItem.objects.get(pk=item.pk).annotation == "Read the rubric first."


def test_move_and_remove(curator_client: Client, setup: dict[str, Any]) -> None:
    guide, a = setup["guide"], setup["a"]
    response = curator_client.post(f"{BASE}{guide.pk}/items/{a.pk}/move/", {"direction": "down"})
    assert response["Location"] == f"{BASE}{guide.pk}/#item-{a.pk}"
    assert order(guide) == ["Rural training tracks", "Holistic review in admissions"]
    curator_client.post(f"{BASE}{guide.pk}/items/{a.pk}/move/", {"direction": "up"})
    assert order(guide) == ["Holistic review in admissions", "Rural training tracks"]
    curator_client.post(f"{BASE}{guide.pk}/items/{a.pk}/move/", {"direction": "sideways"})
    assert order(guide) == ["Holistic review in admissions", "Rural training tracks"]
    page = curator_client.post(f"{BASE}{guide.pk}/items/{a.pk}/remove/", follow=True)
    assert "Removed “Holistic review in admissions”" in page.content.decode()
    assert order(guide) == ["Rural training tracks"]
    assert guide.items.get().position == 1


def test_edit_page_shows_items_in_order_with_controls(
    curator_client: Client, setup: dict[str, Any]
) -> None:
    guide = setup["guide"]
    body = curator_client.get(f"{BASE}{guide.pk}/").content.decode()
    assert body.index("Holistic review in admissions") < body.index("Rural training tracks")
    assert body.count("Move up") == 2 and body.count("disabled") == 2  # first up, last down
    assert 'id="note-' in body and "Note on Rural training tracks" in body


def test_public_pages_link_curators_to_the_management(
    curator_client: Client, setup: dict[str, Any]
) -> None:
    assert f'href="{BASE}"' in curator_client.get("/guides/").content.decode()
    detail = curator_client.get("/guides/other/").content.decode()
    assert f'href="{BASE}{setup["other"].pk}/"' in detail
    assert BASE not in Client().get("/guides/other/").content.decode()
