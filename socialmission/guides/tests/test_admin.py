"""The guide admin: pages load, items are added inline, curators may use it."""

from __future__ import annotations

import pytest
from django.test import Client

from socialmission.accounts import roles
from socialmission.accounts.tests.factories import user_with_role
from socialmission.guides.models import ReadingGuide
from socialmission.guides.tests.factories import guide_with
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def test_add_and_change_pages_load_for_a_superuser(client: Client) -> None:
    client.force_login(user_with_role(None, is_superuser=True, is_staff=True))
    response = client.get("/admin/guides/readingguide/add/")
    assert response.status_code == 200
    assert b'name="items-0-resource"' in response.content
    guide = guide_with([ResourceFactory()])
    assert client.get(f"/admin/guides/readingguide/{guide.pk}/change/").status_code == 200
    assert client.get("/admin/guides/readingguide/").status_code == 200


def test_curator_creates_a_guide_with_items(client: Client) -> None:
    curator = user_with_role(roles.CURATOR, is_staff=True)
    client.force_login(curator)
    first, second = ResourceFactory(), ResourceFactory()
    response = client.post(
        "/admin/guides/readingguide/add/",
        {
            "title": "New guide",
            "slug": "new-guide",
            "kind": "reading_guide",
            "summary": "",
            "learning_objectives": "",
            "introduction": "",
            "is_published": "on",
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-position": "2",
            "items-0-resource": str(first.pk),
            "items-0-annotation": "Read second.",
            "items-1-position": "1",
            "items-1-resource": str(second.pk),
            "items-1-annotation": "Read first.",
        },
    )
    assert response.status_code == 302, response.context and [
        response.context["adminform"].form.errors,
        response.context["inline_admin_formsets"][0].formset.errors,
    ]
    guide = ReadingGuide.objects.get(slug="new-guide")
    assert guide.curated_by == curator
    assert guide.published_at is not None
    assert [item.resource for item in guide.items.all()] == [second, first]


def test_resource_autocomplete_answers_for_the_inline(client: Client) -> None:
    client.force_login(user_with_role(roles.CURATOR, is_staff=True))
    ResourceFactory(title="Findable community health paper")
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "Findable",
            "app_label": "guides",
            "model_name": "readingguideitem",
            "field_name": "resource",
        },
    )
    assert response.status_code == 200
    assert "Findable community health paper" in response.content.decode()
