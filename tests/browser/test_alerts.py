"""E-mail alerts in a real Chromium: the form in place (htmx) and as a page (no JavaScript),
and the manage page, each by keyboard and checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from socialmission.alerts.models import Alert
from tests.browser.conftest import axe_violations, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alert_setup(settings: Any) -> None:
    from django.core.cache import cache

    settings.CONTRIBUTIONS_MIN_FILL_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    mail.outbox = []


def test_alert_form_in_place_by_keyboard(page: Any, catalog_server: str, alert_setup: None) -> None:
    page.goto(f"{catalog_server}/search/?q=health&profession=medicine")
    search_url = page.url
    tab_to(page, ".alert-link a")
    page.keyboard.press("Enter")
    page.wait_for_selector("#alert-panel form")
    # The form opens in place, with the focus on its heading; the address stays the search's.
    page.wait_for_function("() => document.activeElement?.id === 'alert-form-heading'")
    assert page.url == search_url
    assert "Medicine · 'health'" in page.inner_text("#alert-panel h2")
    assert axe_violations(page) == []

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "email"
    page.keyboard.type("not an address")
    page.keyboard.press("Enter")
    page.wait_for_selector("#alert-panel .field-error")
    assert page.get_attribute("#alert-panel input[name=email]", "aria-invalid") == "true"
    assert page.evaluate("() => document.activeElement.name") == "email"
    assert axe_violations(page) == []

    page.fill("#alert-panel input[name=email]", "")
    page.keyboard.type("reader@example.org")
    page.keyboard.press("Tab")  # the radio group: weekly is chosen; arrows choose daily
    page.keyboard.press("ArrowUp")
    assert page.eval_on_selector("input[name=frequency]:checked", "el => el.value") == "daily"
    tab_to(page, "#alert-panel button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#alert-panel .alert-sent")
    page.wait_for_function("() => document.activeElement?.id === 'alert-sent-heading'")
    assert "Check your e-mail" in page.inner_text("#alert-panel")
    assert page.url == search_url
    assert axe_violations(page) == []

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reader@example.org"]
    alert = Alert.objects.get()
    assert (alert.status, alert.frequency) == (Alert.Status.PENDING, "daily")
    assert alert.query == "q=health&profession=medicine"


def test_alert_link_follows_an_in_place_search(
    page: Any, catalog_server: str, alert_setup: None
) -> None:
    page.goto(f"{catalog_server}/search/?q=health")
    page.fill("#q", "equity")
    page.keyboard.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'equity'")
    page.wait_for_function(
        "() => document.querySelector('.alert-link a').getAttribute('href').includes('q=equity')"
    )


def test_alert_form_without_javascript(
    no_js_page: Any, page: Any, catalog_server: str, alert_setup: None
) -> None:
    no_js_page.goto(f"{catalog_server}/search/?q=health")
    tab_to(no_js_page, ".alert-link a")
    no_js_page.keyboard.press("Enter")
    no_js_page.wait_for_selector("h1:has-text('E-mail me new resources for this search')")
    assert "/alerts/new/?q=health" in no_js_page.url
    tab_to(no_js_page, "input[name=email]")
    no_js_page.keyboard.type("reader@example.org")
    no_js_page.keyboard.press("Enter")
    no_js_page.wait_for_selector("h2:has-text('Check your e-mail')")
    assert "/alerts/new/" in no_js_page.url
    assert len(mail.outbox) == 1
    assert Alert.objects.get().frequency == "weekly"

    # axe-core needs JavaScript: the same page, in a browser that runs it, at phone width too.
    page.goto(f"{catalog_server}/alerts/new/?q=health")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 740})
    assert axe_violations(page) == []


def test_manage_page_by_keyboard(page: Any, catalog_server: str, alert_setup: None) -> None:
    from socialmission.alerts.tests.factories import AlertFactory

    first = AlertFactory(query="q=health", frequency="daily")
    AlertFactory(subscriber=first.subscriber, query="profession=medicine", frequency="weekly")
    url = f"{catalog_server}/alerts/manage/{first.subscriber.manage_token}/"
    page.goto(url)
    assert page.locator(".alert-item").count() == 2
    assert first.subscriber.email not in page.content()
    assert axe_violations(page) == []

    item = f"#alert-{first.pk}"
    tab_to(page, f"{item} form:has(input[value=pause]) button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message:has-text('is paused')")
    first.refresh_from_db()
    assert first.status == Alert.Status.PAUSED
    assert axe_violations(page) == []

    tab_to(page, f"{item} select")
    page.keyboard.press("ArrowDown")  # daily → weekly
    tab_to(page, f"{item} form:has(input[value=frequency]) button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message:has-text('now comes weekly')")
    first.refresh_from_db()
    assert first.frequency == "weekly"

    tab_to(page, f"{item} form:has(input[value=delete]) button")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message:has-text('is deleted')")
    assert page.locator(".alert-item").count() == 1
    assert not Alert.objects.filter(pk=first.pk).exists()

    page.set_viewport_size({"width": 375, "height": 740})
    assert axe_violations(page) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
