"""The page frame kept for anonymous readers (core/frames.py): the same bytes as a full render,
never a signed-in user's frame for anyone else, and one Django render per kept frame."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client

from socialmission.accounts.tests.factories import curator
from socialmission.core import frames
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_frames() -> None:
    frames.forget()


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates Django's engine rendered for a frame."""
    seen: list[str] = []
    original = frames.django_render

    def counting(request: Any, template: str, context: Any) -> Any:
        seen.append(template)
        return original(request, template, context)

    monkeypatch.setattr(frames, "django_render", counting)
    return seen


def page(client: Client, path: str, **extra: str) -> str:
    response = client.get(path, **extra)
    assert response.status_code == 200
    return response.content.decode()


def test_a_kept_frame_gives_the_bytes_of_a_full_render(
    client: Client, renders: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ResourceFactory(title="Rural track")
    first = page(client, "/search/?q=rural")
    kept = page(client, "/search/?q=rural%20%3Cb%3E&domain=x")
    again = page(client, "/search/?q=rural")
    assert renders == ["library/search.html"]  # once, then the kept pieces
    assert again == first
    monkeypatch.setattr(frames, "reusable", lambda request: False)
    assert page(client, "/search/?q=rural%20%3Cb%3E&domain=x") == kept
    assert page(client, "/search/?q=rural") == first


def test_each_page_returns_to_itself_after_signing_in(client: Client) -> None:
    page(client, "/search/?q=rural")
    body = page(client, "/search/?q=equity%20%22x%22&page=2")
    assert 'href="/accounts/login/?next=/search/%3Fq%3Dequity%2520%2522x%2522%26page%3D2"' in body
    assert "<title>“equity &#34;x&#34;” · Page 2 · Search · " in body
    assert "\x00" not in body


def test_a_signed_in_user_never_shares_a_frame(client: Client, renders: list[str]) -> None:
    anonymous = page(client, "/search/")
    client.force_login(curator())
    mine = page(client, "/search/")
    assert "Sign out" in mine and "Curator queue" in mine
    assert "Sign out" not in anonymous and "Curator queue" not in anonymous
    client.logout()
    client.cookies.clear()
    after = page(client, "/search/")
    assert "Sign out" not in after and "Curator queue" not in after
    assert renders.count("library/search.html") == 2  # the anonymous frame once, the curator's


def test_a_waiting_message_is_shown_not_kept(client: Client, renders: list[str]) -> None:
    page(client, "/search/")
    client.cookies[CookieStorage.cookie_name] = "anything"
    page(client, "/search/")
    assert len(renders) == 2


def test_frames_are_kept_per_host(client: Client, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    one = page(client, "/search/", HTTP_HOST="one.example")
    two = page(client, "/search/", HTTP_HOST="two.example")
    assert "http://one.example/oai" in one and "two.example" not in one
    assert "http://two.example/oai" in two and "one.example" not in two


def test_the_kept_frames_are_bounded(client: Client, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    for number in range(frames.MAX_FRAMES + 5):
        page(client, "/search/", HTTP_HOST=f"h{number}.example")
    assert len(frames._frames) == frames.MAX_FRAMES


def test_debug_renders_every_time(client: Client, renders: list[str], settings: Any) -> None:
    settings.DEBUG = True
    page(client, "/search/")
    page(client, "/search/")
    assert len(renders) == 2
