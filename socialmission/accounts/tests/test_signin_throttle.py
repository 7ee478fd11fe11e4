"""The sign-in throttle (django-axes): per account and per address, on the site and the admin."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from socialmission.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a long and correct horse battery"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", "alice@example.org", PASSWORD, is_staff=True)


def sign_in(
    client: Client, username: str, password: str, *, address: str = "10.1.1.1", url: str = ""
) -> Any:
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password, "next": "/"},
        REMOTE_ADDR=address,
    )


def page_text(response: Any, username: str) -> str:
    """The page without what differs by nature: the name typed and the CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text).replace(
        username, "NAME"
    )


def test_wrong_passwords_lock_the_account_then_even_the_right_one_is_refused(
    client: Client, alice: User, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            sign_in(client, "alice", "wrong").status_code == 200
        )  # the form again, with its error
    locked = sign_in(client, "alice", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert "15 minutes" in locked.text
    assert int(locked["Retry-After"]) == 15 * 60
    # Locked by account: the right password from another address does not get in either.
    refused = sign_in(client, "alice", PASSWORD, address="10.2.2.2")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_locked_out(
    client: Client, alice: User, settings: Any
) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"someone{n}", "wrong", address="10.3.3.3")
    assert sign_in(client, "alice", PASSWORD, address="10.3.3.3").status_code == 429
    # Another address may still sign in to that account.
    assert sign_in(client, "alice", PASSWORD, address="10.4.4.4").status_code == 302


def test_the_lockout_does_not_tell_whether_an_account_exists(
    client: Client, alice: User, settings: Any
) -> None:
    def lockout_page(username: str, address: str) -> tuple[int, str]:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = sign_in(client, username, "wrong", address=address)
        return response.status_code, page_text(response, username)

    assert lockout_page("alice", "10.5.5.5") == lockout_page("nobody-by-this-name", "10.6.6.6")
    User.objects.create_user("bob", "bob@example.org", PASSWORD)
    first_failure_known = sign_in(Client(), "bob", "wrong", address="10.7.7.7")
    first_failure_unknown = sign_in(Client(), "nobody-else", "wrong", address="10.8.8.8")
    assert first_failure_known.status_code == first_failure_unknown.status_code == 200
    assert page_text(first_failure_known, "bob") == page_text(first_failure_unknown, "nobody-else")


def test_the_admin_sign_in_is_throttled_too(client: Client, alice: User, settings: Any) -> None:
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "alice", "wrong", url=url)
    assert response.status_code == 429
    assert sign_in(client, "alice", PASSWORD, url=url, address="10.9.9.9").status_code == 429


def test_an_administrator_unlocks_an_account(client: Client, alice: User, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong", address="10.10.10.10")
    assert sign_in(client, "alice", PASSWORD, address="10.11.11.11").status_code == 429
    call_command("axes_reset_username", "alice", stdout=open("/dev/null", "w"))
    call_command("axes_reset_ip", "10.10.10.10", stdout=open("/dev/null", "w"))
    assert sign_in(client, "alice", PASSWORD, address="10.11.11.11").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(
    client: Client, alice: User, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    Client().post(reverse("logout"))
    other = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(other, "alice", "wrong").status_code == 200
