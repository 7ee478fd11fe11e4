"""The curators' links page in a real Chromium: by keyboard, on a phone, checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.library.models import Resource, ResourceType
from socialmission.linkhealth.models import Kind, Link, Status
from tests.browser.conftest import axe_violations, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _resource(title: str, url: str) -> Resource:
    return Resource.objects.create(
        title=title,
        url=url,
        resource_type=ResourceType.objects.get(slug="article"),
        status=Resource.Status.PUBLISHED,
        published_at=timezone.now(),
    )


def _curator_context(browser: Any, live_server: Any, **options: Any) -> Any:
    for name in roles.ROLES:
        Group.objects.get_or_create(name=name)
    curator = User.objects.create_user(username="cora", first_name="Cora")
    curator.groups.add(Group.objects.get(name=roles.CURATOR))
    client = Client()
    client.force_login(curator)
    context = browser.new_context(**options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_curator_links_page_by_keyboard(browser: Any, vocabularies: None, live_server: Any) -> None:
    moved = _resource("Community health worker training", "https://old.example.org/chw")
    broken = _resource(
        "A very long title about rural pathway programs " * 3,
        "https://gone.example.org/" + "deep-path/" * 12,
    )
    now = timezone.now()
    moved_link = Link.objects.create(
        resource=moved,
        kind=Kind.URL,
        address=moved.url,
        status=Status.MOVED,
        final_url="https://new.example.org/chw",
        last_checked_at=now,
    )
    Link.objects.create(
        resource=broken,
        kind=Kind.URL,
        address=broken.url,
        status=Status.BROKEN,
        error="gone",
        http_status=410,
        failures=2,
        failing_since=now,
        last_checked_at=now,
    )
    context = _curator_context(browser, live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/contribute/queue/links/")
    assert axe_violations(page) == []
    assert "Gone (410)" in page.inner_text("main")

    # The filters work from the keyboard, without any script.
    tab_to(page, "#id_status")
    for _ in range(3):  # Broken and moved, Not checked yet, Working, Moved
        page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("#id_status", "el => el.value") == "moved"
    tab_to(page, ".contrib-filters button")
    page.keyboard.press("Enter")
    page.wait_for_url("**status=moved**")
    assert "A very long title" not in page.inner_text("main")

    tab_to(page, "form[action$='/take-new-address/'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=now links to its new address")
    assert "status=moved" in page.url
    assert axe_violations(page) == []
    moved.refresh_from_db()
    assert moved.url == "https://new.example.org/chw"
    moved_link.refresh_from_db()
    assert moved_link.status == Status.OK

    # On a phone the cards reflow: nothing wider than the screen, long addresses wrap.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/contribute/queue/links/")
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert axe_violations(page) == []
    tab_to(page, "form[action$='/checked-by-hand/'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=marked as checked by hand")
    assert "No link needs looking at" in page.inner_text("main")
    assert axe_violations(page) == []
    context.close()


def test_curator_links_page_without_javascript(
    browser: Any, vocabularies: None, live_server: Any
) -> None:
    resource = _resource("Moved without scripts", "https://old.example.org/x")
    link = Link.objects.create(
        resource=resource,
        kind=Kind.URL,
        address=resource.url,
        status=Status.MOVED,
        final_url="https://new.example.org/x",
        last_checked_at=timezone.now(),
    )
    context = _curator_context(browser, live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/contribute/queue/links/?kind=url")
    tab_to(page, "form[action$='/take-new-address/'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=now links to its new address")
    assert page.url.endswith("/contribute/queue/links/?kind=url")
    resource.refresh_from_db()
    link.refresh_from_db()
    assert (resource.url, link.status) == ("https://new.example.org/x", Status.OK)
    context.close()
