"""Sign-in, sign-out and password reset on the site's own pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from socialmission.accounts.models import User
from socialmission.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db

PASSWORD = "a long and correct horse battery"
SITE_LAYOUT = ('class="site-header"', 'class="site-footer"')


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: str | None = None) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def sign_in(client: Client, username: str, next_url: str | None = None) -> Any:
    data = {"username": username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def site_page(response: Any) -> str:
    body = response.content.decode()
    for marker in SITE_LAYOUT:
        assert marker in body
    assert "/static/admin/" not in body  # not the admin's registration templates
    return body


def test_sign_in_page_is_ours_with_forgot_password_link(client: Client) -> None:
    body = site_page(client.get(reverse("login")))
    assert 'href="/accounts/password_reset/"' in body and "Forgot your password?" in body


def test_sign_in_link_carries_the_current_page(client: Client) -> None:
    body = client.get("/guides/?x=1").content.decode()
    assert 'href="/accounts/login/?next=/guides/%3Fx%3D1"' in body
    # The sign-in page does not send people back to itself.
    assert "?next=" not in client.get(reverse("login")).content.decode()


def test_sign_in_returns_to_the_page_the_person_came_from(client: Client) -> None:
    make_user("reader")
    response = sign_in(client, "reader", "/guides/?x=1")
    assert response.status_code == 302 and response["Location"] == "/guides/?x=1"


def test_sign_in_with_next_to_another_site_goes_home(client: Client) -> None:
    make_user("reader")
    response = sign_in(client, "reader", "https://elsewhere.example/")
    assert response["Location"] == "/"


@pytest.mark.parametrize("role", ["Curator", "Editor-in-chief", "Administrator"])
def test_curators_without_next_land_on_the_queue(client: Client, role: str) -> None:
    make_user("cura", role)
    assert sign_in(client, "cura")["Location"] == reverse("contributions:queue")


def test_curators_with_next_go_there(client: Client) -> None:
    make_user("cura", "Curator")
    assert sign_in(client, "cura", "/search/?q=rural")["Location"] == "/search/?q=rural"


def test_others_without_next_land_home(client: Client) -> None:
    make_user("reader")
    assert sign_in(client, "reader")["Location"] == "/"
    assert sign_in(Client(), "reader", "")["Location"] == "/"


def test_sign_in_never_returns_to_sign_out(client: Client) -> None:
    make_user("cura", "Curator")
    assert sign_in(client, "cura", "/accounts/logout/")["Location"] == reverse(
        "contributions:queue"
    )


def test_sign_out_lands_on_our_page(client: Client) -> None:
    client.force_login(make_user("reader"))
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    body = site_page(response)
    assert "You have signed out" in body
    assert "_auth_user_id" not in client.session


def test_password_reset_goes_through_the_mail_queue_with_the_site_address(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "https://library.example.org"
    # Even where any Host is accepted, the link does not take the request's Host.
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    make_user("alice")
    body = site_page(client.get(reverse("password_reset")))
    assert "Forgot your password?" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("password_reset"), {"email": "alice@example.org"}, HTTP_HOST="evil.example"
        )
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert "Check your e-mail" in site_page(client.get(response["Location"]))

    message = OutgoingEmail.objects.get()
    assert message.kind == "password-reset" and message.to == ["alice@example.org"]
    assert "\n" not in message.subject and "Set a new password" in message.subject
    assert "evil.example" not in message.body
    link = re.search(r"https://library\.example\.org(/accounts/reset/\S+/)", message.body)
    assert link, message.body
    assert len(mail.outbox) == 1  # delivered by the (immediate) task, through core.mail

    # The link leads to our pages and sets the password.
    confirm = client.get(link.group(1), follow=True)
    assert "Set a new password" in site_page(confirm)
    done = client.post(
        confirm.redirect_chain[-1][0],
        {
            "new_password1": "another long horse battery",
            "new_password2": "another long horse battery",
        },
        follow=True,
    )
    assert "Your new password is saved" in site_page(done)
    assert User.objects.get(username="alice").check_password("another long horse battery")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client: Client,
) -> None:
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert not OutgoingEmail.objects.exists()


def test_an_invalid_reset_link_is_explained(client: Client) -> None:
    response = client.get("/accounts/reset/MQ/bad-token/")
    assert "This link has been used already or has expired." in site_page(response)


def test_password_reset_requests_are_rate_limited(client: Client, settings: Any) -> None:
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    make_user("alice")
    for _ in range(2):
        client.post(reverse("password_reset"), {"email": "alice@example.org"})
    limited = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert limited.status_code == 429 and "Too many password requests" in site_page(limited)
    assert OutgoingEmail.objects.count() == 2


def test_password_change_pages_are_ours(client: Client) -> None:
    client.force_login(make_user("reader"))
    assert "Change your password" in site_page(client.get(reverse("password_change")))
