"""Public guide pages: what is listed, the order, annotations, escaping and who sees drafts."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from socialmission.accounts import roles
from socialmission.accounts.tests.factories import user_with_role
from socialmission.guides.models import ReadingGuide
from socialmission.guides.selectors import published_guides
from socialmission.guides.tests.factories import (
    ReadingGuideFactory,
    guide_with,
    resources,
)
from socialmission.library.models import Resource
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def test_list_shows_published_guides_and_marks_key_publications(client: Client) -> None:
    ReadingGuideFactory(title="Start here")
    ReadingGuideFactory(title="Essential papers", kind=ReadingGuide.Kind.KEY_PUBLICATIONS)
    ReadingGuideFactory(title="Work in progress", is_published=False)
    html = client.get("/guides/").content.decode()
    assert "Start here" in html
    assert "Essential papers" in html
    assert "Key publications" in html
    assert "Work in progress" not in html


def test_list_counts_only_published_resources(client: Client) -> None:
    guide_with(
        [ResourceFactory(), ResourceFactory(status=Resource.Status.DRAFT, published_at=None)],
        title="Counted",
    )
    assert "1 resource<" in client.get("/guides/").content.decode()


def test_guide_page_lists_items_in_order_with_citation_and_annotation(client: Client) -> None:
    items = resources("Third by title", "First by title", "Second by title")
    guide = guide_with(items)
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f">{r.title}</a>") for r in items]
    assert positions == sorted(positions)
    for resource in items:
        assert f'href="{resource.get_absolute_url()}"' in html
        assert f"Note on {resource.title}" in html
    # An AMA citation of each resource (the factory's author and journal, in italics).
    assert html.count("Mullan F.") == 3
    assert "<i>Academic Medicine</i>" in html


def test_guide_page_shows_objectives_as_a_list_and_the_introduction(client: Client) -> None:
    guide = ReadingGuideFactory(
        learning_objectives="Define social mission\nName three admissions practices",
        introduction="Begin with the classics.",
    )
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "<li>Define social mission</li>" in html
    assert "<li>Name three admissions practices</li>" in html
    assert "Begin with the classics." in html
    assert "This guide has no published resources yet." in html


def test_unpublished_resources_are_left_out(client: Client) -> None:
    shown = ResourceFactory(title="Shown resource")
    hidden = ResourceFactory(title="Hidden draft", status=Resource.Status.DRAFT, published_at=None)
    withdrawn = ResourceFactory(title="Withdrawn one", status=Resource.Status.WITHDRAWN)
    guide = guide_with([hidden, shown, withdrawn])
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "Shown resource" in html
    assert "Hidden draft" not in html
    assert "Withdrawn one" not in html


def test_user_text_is_escaped(client: Client) -> None:
    evil = "<script>alert(1)</script>"
    resource = ResourceFactory(title=f"Resource {evil}")
    guide = guide_with(
        [resource],
        title=f"Guide {evil}",
        summary=f"Summary {evil}",
        learning_objectives=f"Objective {evil}",
        introduction=f"Intro {evil}",
    )
    guide.items.update(annotation=f"Annotation {evil}")
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    listing = client.get("/guides/").content.decode()
    assert "<script>alert" not in listing


def test_json_ld_item_list_in_order_and_safe(client: Client) -> None:
    items = resources("B </script><b>", "A")
    guide = guide_with(items, title="Guide </script>")
    html = client.get(guide.get_absolute_url()).content.decode()
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match is not None
    data = json.loads(match.group(1))
    assert data["@type"] == "ItemList"
    assert data["name"] == "Guide </script>"
    assert [e["name"] for e in data["itemListElement"]] == ["B </script><b>", "A"]
    assert [e["position"] for e in data["itemListElement"]] == [1, 2]
    assert data["itemListElement"][1]["url"].endswith(items[1].get_absolute_url())


def test_guide_page_links_every_export(client: Client) -> None:
    guide = guide_with(resources("One"))
    html = client.get(guide.get_absolute_url()).content.decode()
    for fmt in ("ris", "bibtex", "csljson", "csv", "ama", "apa", "vancouver"):
        assert f'href="/guides/{guide.slug}/export/{fmt}/"' in html


def test_missing_guide_is_404(client: Client) -> None:
    assert client.get("/guides/no-such-guide/").status_code == 404


def test_draft_guide_is_404_for_the_public(client: Client) -> None:
    guide = guide_with(resources("One"), is_published=False)
    assert client.get(guide.get_absolute_url()).status_code == 404
    client.force_login(user_with_role(None))
    assert client.get(guide.get_absolute_url()).status_code == 404
    assert client.get(f"/guides/{guide.slug}/export/ris/").status_code == 404


@pytest.mark.parametrize("role", roles.ROLES)
def test_draft_guide_is_visible_to_curators_with_a_note(client: Client, role: str) -> None:
    guide = guide_with(resources("Draft guide reading"), is_published=False, title="Draft guide")
    client.force_login(user_with_role(role))
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft: not visible to the public" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Draft guide reading" in html
    assert client.get(f"/guides/{guide.slug}/export/ris/").status_code == 200
    # Still not in the public list.
    assert "Draft guide" not in client.get("/guides/").content.decode()


def test_published_guides_selector_newest_first_with_limit() -> None:
    older = ReadingGuideFactory(title="Older")
    newer = ReadingGuideFactory(title="Newer")
    ReadingGuideFactory(title="Draft", is_published=False)
    ReadingGuide.objects.filter(pk=older.pk).update(
        published_at=newer.published_at.replace(year=2020)
    )  # type: ignore[union-attr]
    assert [g.title for g in published_guides()] == ["Newer", "Older"]
    assert [g.title for g in published_guides(1)] == ["Newer"]


def test_home_include_renders_guides() -> None:
    from django.template.loader import render_to_string

    guide = ReadingGuideFactory(title="Home <guide>")
    html = render_to_string("guides/includes/home_guides.html", {"guides": [guide]})
    assert "Home &lt;guide&gt;" in html
    assert f'href="{guide.get_absolute_url()}"' in html
    assert 'href="/guides/"' in html
    assert render_to_string("guides/includes/home_guides.html", {"guides": []}).strip() == ""
