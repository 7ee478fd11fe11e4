"""The site-styled error pages: 403 names the role and whom to ask, 404, 429 and 500 (which
renders without a database)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from socialmission.accounts.models import User
from socialmission.core.views import RoleRequired, permission_denied, server_error

pytestmark = pytest.mark.django_db

SITE_LAYOUT = ('class="site-header"', 'class="site-footer"', 'class="error-page"')


def assert_site_layout(body: str) -> None:
    for marker in SITE_LAYOUT:
        assert marker in body, marker


def signed_in(client: Client, role: str | None = None) -> User:
    user = User.objects.create_user("reader1", "reader1@example.org", "pw-not-used")
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client.force_login(user)
    return user


def test_403_names_the_role_and_whom_to_ask(client: Client) -> None:
    signed_in(client)
    response = client.get(reverse("contributions:queue"))
    assert response.status_code == 403
    body = response.content.decode()
    assert_site_layout(body)
    assert "Only curators may see this page." in body
    assert "This page needs the <strong>Curator</strong> role." in body
    assert "You are signed in as reader1" in body
    assert "ask an administrator of this library to give your account the Curator role" in body


def test_403_for_the_editor_role(client: Client) -> None:
    signed_in(client, "Curator")
    response = client.get(reverse("contributions:curators"))
    assert response.status_code == 403
    assert "<strong>Editor-in-chief</strong>" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in_not_403(client: Client) -> None:
    response = client.get(reverse("contributions:queue"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_403_without_a_role_shows_the_refusal_or_a_general_text() -> None:
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    plain = permission_denied(
        request, PermissionDenied("Only a lead of the institution may do this.")
    )
    assert plain.status_code == 403
    assert "Only a lead of the institution may do this." in plain.content.decode()
    bare = permission_denied(request, PermissionDenied()).content.decode()
    assert "ask an administrator of this library" in bare and "role.</p>" not in bare
    role = RoleRequired("Curators only.", role="Curator", ask="the editor-in-chief")
    assert "<strong>Curator</strong>" in permission_denied(request, role).content.decode()


def test_404_is_styled(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert_site_layout(body)
    assert "Page not found" in body and 'href="/search/"' in body


def test_500_renders_the_site_layout_without_touching_the_database() -> None:
    queries: list[str] = []

    def refuse(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)
        raise RuntimeError("the database is down")

    request = RequestFactory().get("/broken/")
    # A user that would need the database, as after a session lookup: never evaluated.
    request.user = SimpleLazyObject(lambda: User.objects.get(pk=1))  # type: ignore[assignment]
    with connection.execute_wrapper(refuse):
        response = server_error(request)
    assert queries == []
    assert response.status_code == 500
    body = response.content.decode()
    assert_site_layout(body)
    assert "Something went wrong" in body and "<title>Something went wrong ·" in body


def test_500_falls_back_to_bare_html_when_the_layout_cannot_render(settings: Any) -> None:
    settings.ROOT_URLCONF = "socialmission.core.tests.test_error_pages"  # no URL names at all
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


urlpatterns: list[Any] = []


def test_429_pages_share_the_look(client: Client, settings: Any) -> None:
    settings.PASSWORD_RESET_RATE_LIMIT = 1
    client.post(reverse("password_reset"), {"email": "someone@example.org"})
    limited = client.post(reverse("password_reset"), {"email": "someone@example.org"})
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    body = limited.content.decode()
    assert_site_layout(body)
    assert "Too many password requests" in body
    assert "Meanwhile you can keep reading" in body  # the part every 429 page shares


def test_a_form_without_its_csrf_token_gets_our_403() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("password_reset"), {"email": "someone@example.org"})
    assert response.status_code == 403
    body = response.content.decode()
    assert_site_layout(body)
    assert "The form could not be sent" in body
