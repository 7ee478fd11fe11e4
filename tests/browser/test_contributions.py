"""The suggestion form and the curator queue in a real Chromium, by keyboard, checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from socialmission.accounts import roles
from socialmission.accounts.models import User
from socialmission.contributions.models import Status, Suggestion
from socialmission.library.models import ResourceType
from tests.browser.conftest import axe_violations, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contrib_setup(settings: Any, vocabularies: None) -> None:
    from django.core.cache import cache

    settings.CONTRIBUTIONS_MIN_FILL_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    # Transactional tests flush the tables, seeded rows included: the `vocabularies` fixture
    # seeds the vocabularies again (a test that runs after another one found no domains).
    for name in roles.ROLES:
        Group.objects.get_or_create(name=name)


def focused_id(page: Any) -> str:
    return page.evaluate("() => document.activeElement ? document.activeElement.id : ''")


def test_suggestion_form_by_keyboard(browser: Any, contrib_setup: None, live_server: Any) -> None:
    page = browser.new_page()
    page.goto(f"{live_server.url}/contribute/resource/")
    assert axe_violations(page) == []

    # Sending it empty: the error summary appears, every problem is announced, nothing breaks.
    tab_to(page, "button[value=send]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".contrib-error-summary")
    assert "This field is required." in page.inner_text(".contrib-error-summary")
    assert page.get_attribute("#id_title", "aria-invalid") == "true"
    assert axe_violations(page) == []

    tab_to(page, "#id_title")
    page.keyboard.type("Longitudinal rural tracks <script>alert(1)</script>")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_url"
    page.keyboard.type("https://example.org/rural-tracks")
    tab_to(page, "#id_resource_type")
    page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("#id_resource_type", "el => el.value") != ""
    tab_to(page, "input[name=domains]")
    page.keyboard.press("Space")
    tab_to(page, "#id_submitter_name")
    page.keyboard.type("Sam Suggester")
    page.keyboard.press("Tab")
    page.keyboard.type("sam@example.org")
    # Enter in a text field sends the form (it must not press "Fill the form").
    page.keyboard.press("Enter")

    page.wait_for_selector("h1:has-text('Thank you')")
    assert "Pending review" in page.inner_text("main")
    assert "Longitudinal rural tracks <script>alert(1)</script>" in page.inner_text("main")
    assert axe_violations(page) == []
    suggestion = Suggestion.objects.get()
    assert suggestion.domains.count() == 1
    assert suggestion.resource_type is not None


def test_curator_queue_by_keyboard(browser: Any, contrib_setup: None, live_server: Any) -> None:
    curator = User.objects.create_user(username="cora", first_name="Cora", last_name="Curator")
    curator.groups.add(Group.objects.get(name=roles.CURATOR))
    suggestion = Suggestion.objects.create(
        title="Pathway programs for pharmacy students",
        url="https://example.org/pathways",
        resource_type=ResourceType.objects.get(slug="article"),
        submitter_name="Sam",
        submitter_email="sam@example.org",
    )
    client = Client()
    client.force_login(curator)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/contribute/queue/")
    assert axe_violations(page) == []

    tab_to(page, f"a[href='/contribute/queue/suggestions/{suggestion.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Suggestion:')")
    assert axe_violations(page) == []

    tab_to(page, "button[value=claim]")
    page.keyboard.press("Enter")
    page.wait_for_selector("button[value=release]")
    suggestion.refresh_from_db()
    assert suggestion.claimed_by == curator

    tab_to(page, "#id_keywords")
    page.keyboard.type("pathways; pharmacy")
    tab_to(page, "button[value=publish]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Published: the resource is in the library now.")
    assert axe_violations(page) == []
    suggestion.refresh_from_db()
    assert suggestion.status == Status.PUBLISHED
    assert suggestion.resource.keywords == "pathways; pharmacy"
    context.close()


def test_other_contribution_pages_pass_axe(
    browser: Any, contrib_setup: None, live_server: Any
) -> None:
    from django.utils import timezone

    from socialmission.contributions import services
    from socialmission.contributions.models import Champion, Nomination
    from socialmission.library.models import Resource

    editor = User.objects.create_user(username="edie", first_name="Edie", last_name="Editor")
    editor.groups.add(Group.objects.get(name=roles.EDITOR_IN_CHIEF))
    nomination = Nomination.objects.create(
        nominee_name="Dr Amara Okafor",
        profession="Medicine",
        institution="Riverside",
        story="Founded a rural track.",
        links="https://example.org/okafor",
        consent=True,
        submitter_name="Nora",
        submitter_email="nora@example.org",
    )
    services.ask_question(nomination, curator=editor, question="Which years?")
    champion = Champion.objects.create(
        name="Dr Lee", story="Community partnerships.", published_at=timezone.now()
    )
    resource = Resource.objects.create(
        title="Mentoring toolkit",
        resource_type=ResourceType.objects.get(slug="article"),
        status=Resource.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    resource.title = "Mentoring toolkit, revised"
    resource._history_user = editor  # type: ignore[attr-defined]
    resource.save()

    client = Client()
    client.force_login(editor)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    paths = [
        "/contribute/",
        "/contribute/champion/",
        nomination.status_path(),
        "/contribute/champions/",
        champion.get_absolute_url(),
        nomination.get_queue_url(),
        f"/contribute/queue/resources/{resource.pk}/history/",
        "/contribute/queue/spotlights/",
        "/contribute/queue/curators/",
    ]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert axe_violations(page) == [], path
    context.close()
