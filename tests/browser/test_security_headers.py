"""The Content-Security-Policy in a real browser: htmx updates in place with no inline script,
no eval and no inline style, and the browser reports no violation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_reports(page: Page) -> list[str]:
    reports: list[str] = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: reports.append(str(error)))
    return reports


def test_search_updates_in_place_under_the_policy(page: Page, catalog_server: str) -> None:
    reports = csp_reports(page)
    page.goto(f"{catalog_server}/search/?q=health")
    assert page.evaluate("() => document.querySelector('meta[name=htmx-config]') !== null")
    before = page.locator("#results-count").inner_text()
    marker = page.evaluate("() => { window.__kept = 1; return window.__kept; }")
    page.locator("#search-region input[type=checkbox]").first.check()
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request') && location.search.includes('&')"
    )
    # Swapped in place: the same document (the marker survived), a new summary.
    assert page.evaluate("() => window.__kept") == marker
    assert page.locator("#results-count").inner_text() != before or "page" in page.url
    for path in ("/", "/contribute/resource/", "/guides/", "/accounts/login/"):
        page.goto(f"{catalog_server}{path}")
    assert reports == []


def test_the_policy_is_enforced(page: Page, catalog_server: str) -> None:
    """A control: an inline script is refused and reported, so the check above can fail."""
    page.goto(f"{catalog_server}/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        injected: Any = page.evaluate(
            """() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
            document.body.appendChild(s); return window.__ran === 1; }"""
        )
    assert injected is False
