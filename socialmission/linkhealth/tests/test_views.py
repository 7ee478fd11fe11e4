"""The curators' links page and its two actions: who may see them, what they change."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.library.models import Resource
from socialmission.library.tests.factories import ResourceFactory
from socialmission.linkhealth import services
from socialmission.linkhealth.models import Kind, Link, Outcome, Status
from socialmission.linkhealth.tests.server import ServerState

pytestmark = pytest.mark.django_db

_users = iter(range(10_000))


def make_user(role: str | None = None) -> User:
    user = User.objects.create_user(username=f"user{next(_users)}", first_name="Pat")
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def client_for(role: str | None) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(make_user(role))
    return client


def make_link(status: str, *, kind: str = Kind.URL, title: str = "", **fields: Any) -> Link:
    resource = ResourceFactory(
        url="https://old.example.org/page", **({"title": title} if title else {})
    )
    defaults: dict[str, Any] = {
        "address": "https://old.example.org/page",
        "last_checked_at": timezone.now(),
    }
    if status == Status.MOVED:
        defaults["final_url"] = "https://new.example.org/page"
    if status == Status.BROKEN:
        defaults.update(error="not-found", http_status=404, failures=2)
    defaults.update(fields)
    return Link.objects.create(resource=resource, kind=kind, status=status, **defaults)


def action_urls(link: Link) -> list[str]:
    return [
        reverse("linkhealth:take-new-address", args=[link.pk]),
        reverse("linkhealth:checked-by-hand", args=[link.pk]),
    ]


def test_the_page_is_mounted_under_the_curator_queue() -> None:
    assert reverse("linkhealth:queue") == "/contribute/queue/links/"


@pytest.mark.parametrize("role", ["anonymous", None])
def test_non_curators_are_refused_everywhere(role: str | None) -> None:
    link = make_link(Status.MOVED)
    client = client_for(role)
    response = client.get(reverse("linkhealth:queue"))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    for url in action_urls(link):
        response = client.post(url)
        assert response.status_code == (302 if role == "anonymous" else 403)
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]
    link.refresh_from_db()
    assert link.status == Status.MOVED
    assert Resource.objects.get(pk=link.resource_id).url == "https://old.example.org/page"
    assert not link.checks.exists()


@pytest.mark.parametrize("role", roles.ROLES)
def test_every_reviewing_role_reaches_the_page(role: str) -> None:
    assert client_for(role).get(reverse("linkhealth:queue")).status_code == 200


def test_the_actions_answer_only_post() -> None:
    link = make_link(Status.MOVED)
    client = client_for(roles.CURATOR)
    for url in action_urls(link):
        assert client.get(url).status_code == 405


def test_a_guessed_id_is_not_found() -> None:
    client = client_for(roles.CURATOR)
    for url in action_urls(Link(pk=987654)):
        assert client.post(url).status_code == 404


def test_services_refuse_non_curators() -> None:
    link = make_link(Status.MOVED)
    plain = make_user()
    with pytest.raises(PermissionDenied):
        services.take_redirect_target(link, curator=plain)
    with pytest.raises(PermissionDenied):
        services.mark_checked_by_hand(link, curator=plain)


def test_the_page_lists_broken_and_moved_links_broken_first() -> None:
    moved = make_link(Status.MOVED, title="Moved resource")
    broken = make_link(Status.BROKEN, title="Broken resource")
    make_link(Status.OK, title="Working resource")
    make_link(Status.FAILING, title="Failed once resource")
    make_link(Status.UNCHECKED, title="Unchecked resource")
    response = client_for(roles.CURATOR).get(reverse("linkhealth:queue"))
    assert response.status_code == 200
    assert list(response.context["links"]) == [broken, moved]
    html = response.content.decode()
    assert "Not found (404)" in html
    assert "https://new.example.org/page" in html
    assert "Working resource" not in html and "Failed once resource" not in html
    # Only a moved web address offers its new address.
    assert html.count("Use the new address") == 1
    assert html.count("Mark as checked by hand") == 2


def test_the_page_filters_by_status_kind_and_title() -> None:
    moved = make_link(Status.MOVED, title="Rural tracks")
    broken_doi = make_link(Status.BROKEN, kind=Kind.DOI, title="Pipeline programs")
    failing = make_link(Status.FAILING, title="Rural pipeline")
    client = client_for(roles.CURATOR)

    def listed(**query: str) -> list[Link]:
        return list(client.get(reverse("linkhealth:queue"), query).context["links"])

    assert listed(status="moved") == [moved]
    assert listed(status="failing") == [failing]
    assert listed(kind="doi") == [broken_doi]
    assert listed(kind="url") == [moved]
    assert listed(q="pipeline") == [broken_doi]
    assert listed(q="pipeline", status="failing") == [failing]
    # A value that is not a choice is ignored rather than failing the page.
    assert client.get(reverse("linkhealth:queue"), {"status": "nonsense"}).status_code == 200


def test_the_page_is_paginated_with_a_bounded_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(55):
        make_link(Status.BROKEN, title=f"Broken {n:02d}")
    client = client_for(roles.CURATOR)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("linkhealth:queue"), {"status": "broken"})
    assert len(first.context["links"]) == 50
    assert "page=2" in first.content.decode() and "status=broken" in first.content.decode()
    second = client.get(reverse("linkhealth:queue"), {"status": "broken", "page": "2"})
    assert len(second.context["links"]) == 5
    assert client.get(reverse("linkhealth:queue"), {"page": "999"}).status_code == 200


def test_taking_the_new_address_changes_the_resource_and_records_it() -> None:
    link = make_link(Status.MOVED)
    curator = make_user(roles.CURATOR)
    client = Client()
    client.force_login(curator)
    back = reverse("linkhealth:queue") + "?status=moved"
    response = client.post(
        reverse("linkhealth:take-new-address", args=[link.pk]), {"next": back}, follow=True
    )
    assert response.redirect_chain[-1][0] == back
    assert "now links to its new address" in response.content.decode()
    resource = Resource.objects.get(pk=link.resource_id)
    assert resource.url == "https://new.example.org/page"
    latest = resource.history.first()  # type: ignore[attr-defined]
    assert latest.url == "https://new.example.org/page"
    assert latest.history_user == curator
    assert "redirect" in latest.history_change_reason
    assert latest.prev_record.url == "https://old.example.org/page"
    link.refresh_from_db()
    assert (link.status, link.address) == (Status.OK, "https://new.example.org/page")
    assert link.checks.get().outcome == Outcome.NEW_ADDRESS
    assert link.checks.get().checked_by == curator
    # The next sync keeps the link (its address is the resource's URL now).
    services.sync_links()
    assert Link.objects.get(pk=link.pk).status == Status.OK


def test_only_a_moved_web_address_can_take_a_new_address() -> None:
    broken = make_link(Status.BROKEN)
    doi = make_link(Status.MOVED, kind=Kind.DOI)
    client = client_for(roles.CURATOR)
    for link in (broken, doi):
        response = client.post(reverse("linkhealth:take-new-address", args=[link.pk]), follow=True)
        assert "Only a moved web address" in response.content.decode()
        assert Resource.objects.get(pk=link.resource_id).url == "https://old.example.org/page"


def test_a_resource_edited_since_the_check_keeps_its_address() -> None:
    link = make_link(Status.MOVED)
    Resource.objects.filter(pk=link.resource_id).update(url="https://edited.example.org/")
    response = client_for(roles.CURATOR).post(
        reverse("linkhealth:take-new-address", args=[link.pk]), follow=True
    )
    assert "changed since the check" in response.content.decode()
    assert Resource.objects.get(pk=link.resource_id).url == "https://edited.example.org/"


def test_marking_as_checked_by_hand_takes_the_link_off_the_page() -> None:
    link = make_link(Status.BROKEN)
    curator = make_user(roles.CURATOR)
    client = Client()
    client.force_login(curator)
    response = client.post(reverse("linkhealth:checked-by-hand", args=[link.pk]), follow=True)
    assert "marked as checked by hand" in response.content.decode()
    assert list(response.context["links"]) == []
    link.refresh_from_db()
    assert (link.status, link.failures, link.checked_by_hand_by) == (Status.OK, 0, curator)
    check = link.checks.get()
    assert (check.outcome, check.checked_by) == (Outcome.BY_HAND, curator)


def test_a_redirect_accepted_by_hand_is_not_moved_again(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/chain/1/kept"))
    services.check_links(limit=10)
    link = Link.objects.get(resource=resource)
    assert link.status == Status.MOVED
    services.mark_checked_by_hand(link, curator=make_user(roles.CURATOR))
    services.check_links(
        limit=10, resource_id=resource.pk, clock=lambda: timezone.now() + datetime.timedelta(days=8)
    )
    link.refresh_from_db()
    assert link.status == Status.OK
    # Redirecting somewhere else again is a new move.
    web.answers["/chain/0/kept"] = 404
    web.answers["/chain/1/kept"] = 200
    Link.objects.filter(pk=link.pk).update(address=web.url("/chain/2/kept"))
    Resource.objects.filter(pk=resource.pk).update(url=web.url("/chain/2/kept"))
    services.check_links(limit=10, resource_id=resource.pk)
    link.refresh_from_db()
    assert (link.status, link.final_url) == (Status.MOVED, web.url("/chain/1/kept"))


def test_next_may_not_leave_the_links_page() -> None:
    link = make_link(Status.BROKEN)
    client = client_for(roles.CURATOR)
    for target in ("https://evil.example/", "//evil.example/", "/admin/"):
        response = client.post(
            reverse("linkhealth:checked-by-hand", args=[link.pk]), {"next": target}
        )
        assert response["Location"] == reverse("linkhealth:queue")


def test_a_curator_sees_the_link_status_on_the_resource_page_and_readers_do_not() -> None:
    link = make_link(Status.BROKEN, title="Broken on purpose")
    url = Resource.objects.get(pk=link.resource_id).get_absolute_url()
    curator_page = client_for(roles.CURATOR).get(url).content.decode()
    assert "Link check (curators only)" in curator_page
    assert "Broken" in curator_page and "Not found (404)" in curator_page
    assert reverse("linkhealth:queue") in curator_page
    for role in ("anonymous", None):
        page = client_for(role).get(url).content.decode()
        assert "Link check" not in page
        assert "Not found (404)" not in page
        assert reverse("linkhealth:queue") not in page


def test_the_last_checks_are_listed_with_their_redirects(web: ServerState) -> None:
    resource = ResourceFactory(url=web.url("/chain/1/listed"))
    services.check_links(limit=10)
    curator = make_user(roles.CURATOR)
    services.mark_checked_by_hand(Link.objects.get(resource=resource), curator=curator)
    client = Client()
    client.force_login(curator)
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "The last 2 checks" in page
    assert f"301 {web.url('/chain/1/listed')} → {web.url('/chain/0/listed')}" in page
    assert "Checked by hand, by Pat" in page
    Link.objects.filter(resource=resource).update(status=Status.MOVED)
    queue = client.get(reverse("linkhealth:queue")).content.decode()
    assert "The last 2 checks" in queue


def test_the_link_panel_is_a_page_section_after_the_curation_line() -> None:
    from socialmission.core.sections import sections_of

    names = [s.name for s in sections_of("resource.details")]
    assert "linkhealth-panel" in names
    assert names.index("linkhealth-panel") > names.index("contributions-curation")
    link = make_link(Status.BROKEN, title="Broken on purpose")
    page = client_for(roles.CURATOR).get(
        Resource.objects.get(pk=link.resource_id).get_absolute_url()
    )
    html = page.content.decode()
    # Inside the "Details" section, and in the page only once.
    assert html.count("Link check (curators only)") == 1
    details = html.split('aria-labelledby="link-health-heading"')[0]
    assert "Details" in details
