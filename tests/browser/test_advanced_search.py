"""The advanced search form in a real Chromium: by keyboard, without JavaScript, axe-core."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import axe_violations

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def first_title(page: Page) -> str:
    return page.locator(".result-list .result h3").first.inner_text().strip()


def test_advanced_search_by_keyboard_and_axe(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/?q=rural")
    assert axe_violations(page) == []
    # Reached from the search page by keyboard, carrying the current words.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement?.textContent?.trim() === 'Advanced search'"):
            break
    else:
        raise AssertionError("the Advanced search link is not reachable by keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/advanced/\?q=rural"))
    assert page.input_value("#adv-q") == "rural"
    assert axe_violations(page) == []
    assert page.locator("h1").count() == 1

    page.focus("#adv-author")
    page.keyboard.type("Rabinowitz")
    page.keyboard.press("Tab")  # to the venue field, past the help text
    page.keyboard.type("Academic Medicine")
    page.focus("#adv-year-from")
    page.keyboard.type("2005")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    params = query(page)
    assert params["author"] == ["Rabinowitz"] and params["venue"] == ["Academic Medicine"]
    assert params["year_from"] == ["2005"] and params["q"] == ["rural"]
    # His 2005 and 2011 papers in Academic Medicine (not the 1999 JAMA one, nor the 2011 JABFM).
    titles = page.locator(".result-list .result h3").all_inner_texts()
    assert sorted(t.strip()[:30] for t in titles) == [
        "Increasing the Supply of Rural",
        "Long-Term Retention of Graduat",
    ]
    assert axe_violations(page) == []

    # A filter change keeps the advanced fields; a chip drops one.
    page.check("#f-profession-medicine")
    page.wait_for_url(re.compile(r"profession=medicine"))
    assert query(page)["author"] == ["Rabinowitz"]
    page.click("text=Remove Journal or publisher")
    page.wait_for_url(lambda url: "venue=" not in url)
    assert query(page)["author"] == ["Rabinowitz"]


def test_advanced_search_without_javascript(no_js_page: Page, catalog_server: str) -> None:
    page = no_js_page
    page.goto(catalog_server + "/search/advanced/")
    page.fill("#adv-id", "https://doi.org/10.1001/JAMA.2017.7286")
    page.click("form.advanced-search button[type=submit]")
    page.wait_for_url(re.compile(r"id=https"))
    assert first_title(page).startswith("Social Mission in Health Professions Education")
    assert page.locator(".result-list .result").count() == 1

    # An identifier typed in the simple search box goes straight to the resource.
    page.goto(catalog_server + "/search/")
    page.fill("#q", "PMID: 20547907")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/resources/\d+-"))
    assert "Ranking the Schools" in page.locator("h1").inner_text()
