"""The curators' guide pages and the site's error and sign-in pages in a real Chromium: by
keyboard, at 375 px, checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.guides.models import ReadingGuide, ReadingGuideItem
from socialmission.library.models import Resource, ResourceType
from tests.browser.conftest import axe_violations
from tests.browser.test_contributions import tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _resource(title: str) -> Resource:
    return Resource.objects.create(
        title=title,
        resource_type=ResourceType.objects.get(slug="article"),
        status=Resource.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def _context(browser: Any, live_server: Any, role: str | None, **options: Any) -> Any:
    for name in roles.ROLES:
        Group.objects.get_or_create(name=name)
    user = User.objects.create_user(username=f"user-{role or 'reader'}")
    if role:
        user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _fits(page: Any) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    )


def test_curator_builds_and_reorders_a_guide_by_keyboard(
    browser: Any, vocabularies: None, live_server: Any
) -> None:
    first = _resource("Holistic review in admissions")
    second = _resource("A very long title about rural pathway programmes and their graduates " * 2)
    _resource("Community health course with a partner neighbourhood")
    guide = ReadingGuide.objects.create(title="Admissions", slug="admissions", is_published=True)
    item_1 = ReadingGuideItem.objects.create(guide=guide, resource=first, position=1)
    ReadingGuideItem.objects.create(guide=guide, resource=second, position=2)

    context = _context(browser, live_server, roles.CURATOR, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/contribute/queue/guides/")
    assert axe_violations(page) == []
    tab_to(page, f"a[href='/contribute/queue/guides/{guide.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/contribute/queue/guides/{guide.pk}/")
    assert axe_violations(page) == []

    # Move the first item down with its button, by keyboard.
    tab_to(page, f"#item-{item_1.pk} input[value='down'] + button")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=is now number 2")
    assert list(guide.items.order_by("position").values_list("resource_id", flat=True)) == [
        second.pk,
        first.pk,
    ]
    assert axe_violations(page) == []

    # Write its note.
    tab_to(page, f"#note-{item_1.pk}")
    page.keyboard.type("Read the scoring rubric first.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Saved the note")
    assert ReadingGuideItem.objects.get(pk=item_1.pk).annotation == "Read the scoring rubric first."

    # Find a resource and add it.
    tab_to(page, "#id_q")
    page.keyboard.type("community")
    page.keyboard.press("Enter")
    page.wait_for_selector(".manage-found")
    assert axe_violations(page) == []
    tab_to(page, ".manage-found button")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Write why to read it")
    assert guide.items.count() == 3

    # On a phone: nothing wider than the screen, still no violations.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/contribute/queue/guides/{guide.pk}/?q=a")
    assert _fits(page)
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/contribute/queue/guides/new/")
    assert _fits(page)
    assert axe_violations(page) == []
    context.close()


def test_error_and_sign_in_pages(browser: Any, vocabularies: None, live_server: Any) -> None:
    reader = _context(browser, live_server, None, viewport={"width": 375, "height": 800})
    page = reader.new_page()
    response = page.goto(f"{live_server.url}/contribute/queue/guides/")
    assert response is not None and response.status == 403
    assert "needs the Curator role" in page.inner_text("main")
    assert _fits(page) and axe_violations(page) == []
    response = page.goto(f"{live_server.url}/no/such/page/")
    assert response is not None and response.status == 404
    assert _fits(page) and axe_violations(page) == []
    # Sign out by keyboard from the header: our own page.
    tab_to(page, "form[action='/accounts/logout/'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=You have signed out")
    assert _fits(page) and axe_violations(page) == []
    reader.close()

    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    assert _fits(page) and axe_violations(page) == []
    tab_to(page, "a[href='/accounts/password_reset/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/password_reset/")
    assert _fits(page) and axe_violations(page) == []
    tab_to(page, "#id_email")
    page.keyboard.type("someone@example.org")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Check your e-mail")
    assert _fits(page) and axe_violations(page) == []
    page.close()
