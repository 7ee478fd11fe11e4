"""History of resources: who changed what, however it was changed, and reverting."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from socialmission.contributions import selectors, services
from socialmission.contributions.tests.factories import SuggestionFactory
from socialmission.library.models import Domain, Resource
from socialmission.library.search import SearchParams, search
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def test_history_records_queue_and_admin_changes_with_before_and_after(
    curator: Any, curator_client: Any, admin_client: Any, admin_user: Any
) -> None:
    suggestion = SuggestionFactory(title="Pathway programs that work")
    suggestion.domains.set(Domain.objects.filter(slug="pathways-admission-graduation"))
    resource = services.publish_suggestion(suggestion, curator=curator)

    data = {
        "title": "Pathway programs that work (2nd edition)",
        "authors": "[]",
        "resource_type": resource.resource_type_id,
        "status": "published",
        "published_at_0": resource.published_at.strftime("%Y-%m-%d"),
        "published_at_1": resource.published_at.strftime("%H:%M:%S"),
        "language": "en",
        "domains": [d.pk for d in Domain.objects.filter(slug="community-engagement")],
        "curated_by": curator.pk,
    }
    response = admin_client.post(reverse("admin:library_resource_change", args=[resource.pk]), data)
    assert response.status_code == 302, response.content[:2000]

    entries = selectors.resource_history(resource)
    newest = entries[0]
    assert newest.user == admin_user.display_name()
    assert newest.reason == "In the admin"
    titles = [c for e in entries for c in e.changes if c.field == "title" and c.before]
    assert titles[0].before == "Pathway programs that work"
    assert titles[0].after == "Pathway programs that work (2nd edition)"
    domain_changes = [c for e in entries for c in e.changes if c.field == "domains" and c.before]
    assert domain_changes[0].before == "Pathways, Admission & Graduation"
    assert domain_changes[0].after == "Community Engagement"
    assert entries[-1].user == curator.display_name()
    assert entries[-1].reason.startswith("Published from suggestion")

    page = curator_client.get(reverse("contributions:resource-history", args=[resource.pk]))
    assert page.status_code == 200
    assert "Pathway programs that work (2nd edition)" in page.text
    assert "Published from suggestion" in page.text


def test_revert_restores_fields_and_tags_and_the_index_follows(
    curator: Any, curator_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    resource = ResourceFactory(
        title="Original wording about mentoring", domains=["students-faculty"]
    )
    original = resource.history.order_by("-history_date", "-history_id").first()
    resource.title = "Vandalised zebra"
    resource.description = "Spam text"
    resource._history_user = curator
    resource.save()
    resource.domains.set(Domain.objects.filter(slug="community-engagement"))
    assert [i.id for i in search(SearchParams(q="zebra")).items] == [resource.pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(
            reverse("contributions:resource-revert", args=[resource.pk, original.history_id])
        )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Original wording about mentoring"
    assert resource.description == "A resource about social mission."
    assert list(resource.domains.values_list("slug", flat=True)) == ["students-faculty"]
    assert search(SearchParams(q="zebra")).items == []
    assert [i.id for i in search(SearchParams(q="mentoring")).items] == [resource.pk]
    latest = resource.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == curator
    assert latest.history_change_reason.startswith("Reverted to the version of")


def test_revert_refuses_a_version_of_another_resource(curator_client: Any) -> None:
    one = ResourceFactory()
    other = ResourceFactory()
    version = other.history.first().history_id
    response = curator_client.post(
        reverse("contributions:resource-revert", args=[one.pk, version]), follow=True
    )
    assert "That version does not belong to this resource." in response.text


def test_curation_include_shows_curator_and_history_link_to_curators(rf: Any, curator: Any) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string

    resource = ResourceFactory(curated_by=curator)
    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string(
        "contributions/includes/resource_curation.html", {"resource": resource, "request": request}
    )
    assert f"Curated by {curator.display_name()} on" in html
    assert "History of this resource" not in html
    request.user = curator
    html = render_to_string(
        "contributions/includes/resource_curation.html", {"resource": resource, "request": request}
    )
    assert reverse("contributions:resource-history", args=[resource.pk]) in html
    uncurated = ResourceFactory(curated_by=None, status=Resource.Status.DRAFT, published_at=None)
    html = render_to_string(
        "contributions/includes/resource_curation.html", {"resource": uncurated, "request": request}
    )
    assert "Curated by" not in html


def test_changes_without_a_request_are_marked_as_command_line_or_import() -> None:
    resource = ResourceFactory(title="Imported")
    entry = selectors.resource_history(resource)[0]
    assert entry.user == "system"
    assert entry.reason == "Command line or import"
