"""Search filters on a phone ("Filters (n)" above the results), "more", the no-results offers,
the evidence gap map and the developers' footer, in a real Chromium, with and without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict

from socialmission.library.search import SearchParams, search
from tests.browser.conftest import axe_violations
from tests.browser.test_library import count_text, focused, summary, tab_to, wait_for_swap

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}  # a small phone's first screen


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    ctx.set_default_timeout(10_000)
    yield ctx.new_page()
    ctx.close()


@pytest.fixture
def phone_no_js(browser: Browser) -> Iterator[Page]:
    ctx = browser.new_context(viewport=PHONE, java_script_enabled=False)
    ctx.set_default_timeout(10_000)
    yield ctx.new_page()
    ctx.close()


def first_result_top(page: Page) -> float:
    return page.evaluate(
        "() => document.querySelector('.result-list .result').getBoundingClientRect().top"
    )


def is_open(page: Page, selector: str) -> bool:
    return page.evaluate(f"() => document.querySelector('{selector}').open")


def test_first_result_on_the_first_screen_of_a_phone(phone: Page, catalog_server: str) -> None:
    for path in [
        "/search/?q=health",
        "/search/?q=health&profession=medicine&domain=community-engagement",
    ]:
        phone.goto(catalog_server + path)
        assert phone.locator(".filters-toggle").is_visible()
        assert not is_open(phone, "#filters-disclosure")
        assert not phone.locator("#f-profession-medicine").is_visible()
        top = first_result_top(phone)
        assert 0 < top < PHONE["height"], f"{path}: the first result starts at {top}px"
    assert "Filters (2" in phone.inner_text(".filters-toggle")
    assert phone.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert axe_violations(phone) == []


def test_filters_open_by_keyboard_and_stay_open_after_a_swap(
    phone: Page, catalog_server: str
) -> None:
    phone.goto(catalog_server + "/search/?q=health")
    tab_to(phone, ".filters-toggle")
    phone.keyboard.press("Enter")
    assert is_open(phone, "#filters-disclosure")
    assert axe_violations(phone) == []
    tab_to(phone, "#f-domain-community-engagement")
    phone.evaluate("() => { window.__sameDocument = true; }")
    phone.keyboard.press("Space")
    wait_for_swap(phone, q="health", domain="community-engagement")
    assert phone.evaluate("() => window.__sameDocument === true"), "ticking reloaded the page"
    assert is_open(phone, "#filters-disclosure"), "the filters closed after the swap"
    assert focused(phone) == "f-domain-community-engagement"
    assert phone.is_checked("#f-domain-community-engagement")
    assert "Filters (1" in phone.inner_text(".filters-toggle")
    assert count_text(phone) == summary("q=health&domain=community-engagement")
    # The keyboard carries on from the checkbox.
    phone.keyboard.press("Tab")
    assert focused(phone) == "f-domain-students-faculty"
    # Closing it again by keyboard.
    tab_to(phone, ".filters-toggle", backwards=True)
    phone.keyboard.press("Enter")
    assert not is_open(phone, "#filters-disclosure")
    assert 0 < first_result_top(phone) < PHONE["height"]


def tab_to_without_js(page: Page, selector: str, *, limit: int = 300) -> None:
    """tab_to for a page without JavaScript: page.evaluate needs the page's own script, so the
    focus is read through a selector (Playwright's selector engine runs apart from the page)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.locator(f"{selector}:focus").count():
            return
    raise AssertionError(f"{selector} never received the focus by keyboard on {page.url}")


def test_phone_filters_without_javascript(phone_no_js: Page, catalog_server: str) -> None:
    page = phone_no_js
    page.goto(catalog_server + "/search/?q=health")

    def first_top() -> float:
        box = page.locator(".result-list .result").first.bounding_box()
        assert box is not None
        return box["y"]

    assert 0 < first_top() < PHONE["height"]
    assert page.locator("#filters-disclosure[open]").count() == 0
    assert not page.locator("#f-profession-medicine").is_visible()
    tab_to_without_js(page, ".filters-toggle")
    page.keyboard.press("Enter")
    assert page.locator("#filters-disclosure[open]").count() == 1
    assert page.locator("#f-profession-medicine").is_visible()
    tab_to_without_js(page, "#f-profession-medicine")
    page.keyboard.press("Space")
    assert page.is_checked("#f-profession-medicine")
    tab_to_without_js(page, "#apply-filters")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"profession=medicine"))
    assert page.is_checked("#f-profession-medicine")
    assert count_text(page) == summary("q=health&profession=medicine")
    assert "Filters (1" in page.inner_text(".filters-toggle")
    assert 0 < first_top() < PHONE["height"]


@pytest.mark.parametrize("javascript", [True, False])
def test_wide_screens_show_the_filters_beside_the_results(
    browser: Browser, catalog_server: str, javascript: bool
) -> None:
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    page = ctx.new_page()
    try:
        page.goto(catalog_server + "/search/?q=health")
        assert not page.locator(".filters-toggle").is_visible()
        assert page.locator("#f-profession-medicine").is_visible()
        facets = page.locator(".facets").bounding_box()
        results = page.locator(".results-region").bounding_box()
        assert facets and results and facets["x"] + facets["width"] <= results["x"]
        if javascript:
            tab_to(page, "#f-profession-medicine")
            assert axe_violations(page) == []
        else:
            tab_to_without_js(page, "#f-profession-medicine")
    finally:
        ctx.close()


def test_more_values_by_keyboard(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/")
    more = page.locator("#more-type")
    assert more.count() == 1
    hidden = more.locator("input[type=checkbox]").evaluate_all("els => els.map(e => e.id)")
    assert hidden and not page.locator(f"#{hidden[0]}").is_visible()
    tab_to(page, "#more-type > summary")
    assert page.evaluate("() => document.activeElement.textContent").startswith(
        f"{len(hidden)} more"
    )
    page.keyboard.press("Enter")
    assert is_open(page, "#more-type")
    tab_to(page, f"#{hidden[0]}")
    page.keyboard.press("Space")
    value = hidden[0].removeprefix("f-type-")
    wait_for_swap(page, type=value)
    # The ticked value now shows with the first ones, keeps the focus, and "more" stays open.
    assert focused(page) == hidden[0]
    assert page.is_checked(f"#{hidden[0]}")
    assert not page.evaluate(
        f"() => !!document.querySelector('#{hidden[0]}').closest('#more-type')"
    )
    assert is_open(page, "#more-type")
    assert axe_violations(page) == []


def test_no_results_offers_by_keyboard(page: Page, catalog_server: str) -> None:
    query = "q=dentistry&profession=medicine&type=video"
    assert search(SearchParams.from_query(QueryDict(query))).total == 0
    page.goto(catalog_server + "/search/?" + query)
    offers = page.locator(".no-results li", has_text=re.compile(r"^Without “"))
    assert offers.count() == 2
    for text in offers.all_inner_texts():
        assert re.search(r"\(\d+ resources?\)$", text), text
    assert page.locator(".suggest-offer a").get_attribute("href") == (
        "/contribute/resource/?profession=medicine"
    )
    assert axe_violations(page) == []
    tab_to(page, ".no-results a[href*='profession=medicine']:not([href*='type='])")
    label = page.evaluate("() => document.activeElement.parentElement.textContent")
    expected = int(re.search(r"\((\d+) resource", label).group(1))  # type: ignore[union-attr]
    page.keyboard.press("Enter")
    wait_for_swap(page, q="dentistry", profession="medicine")
    assert count_text(page).startswith(f"{expected} resource")


def cell_total(href: str) -> int:
    return search(SearchParams.from_query(QueryDict(urlsplit(href).query))).total


def test_gap_map_page_by_keyboard(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/")
    tab_to(page, "a[href='/gap-map/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/gap-map/$"))
    assert page.locator("h1").inner_text() == "Evidence gap map"
    assert axe_violations(page) == []
    tab_to(page, "#gap-profession")
    page.select_option("#gap-profession", "nursing")
    tab_to(page, ".gap-filters button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"profession=nursing"))
    assert "Nursing" in page.inner_text("caption")
    tab_to(page, ".table-scroll")
    page.keyboard.press("Tab")
    href = page.evaluate("() => document.activeElement.getAttribute('href')")
    number = int(page.evaluate("() => document.activeElement.textContent"))
    assert number == cell_total(href)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?domain=.*&topic=.*&profession=nursing"))
    assert page.is_checked("#f-profession-nursing")
    assert (count_text(page) if number else "No resources found").startswith(
        f"{number} resource" if number else "No resources found"
    )


def test_gap_map_shades_meet_contrast_and_the_page_fits_a_phone(
    phone: Page, catalog_server: str
) -> None:
    phone.goto(catalog_server + "/gap-map/")
    assert axe_violations(phone) == []
    levels = phone.locator(".gap-map td[class^=gap-l]").evaluate_all(
        "els => [...new Set(els.map(e => e.className))].sort()"
    )
    assert len(levels) >= 4, levels
    # Only the table's own box scrolls sideways; it is a labelled, focusable region.
    assert phone.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    region = phone.locator(".table-scroll")
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    assert (
        phone.get_by_role("region", name=re.compile("Published resources by domain")).count() == 1
    )


def test_gap_map_without_javascript(no_js_page: Page, catalog_server: str) -> None:
    page = no_js_page
    page.goto(catalog_server + "/gap-map/")
    page.select_option("#gap-type", "article")
    page.click(".gap-filters button")
    page.wait_for_url(re.compile(r"type=article"))
    hrefs = [
        (link.get_attribute("href") or "", int(link.inner_text()))
        for link in page.locator(".gap-map td a").all()
    ]
    assert len(hrefs) == 5 * 6 + 5 + 6 + 1
    assert all(number == cell_total(href) for href, number in hrefs)
    assert (
        page.locator(".gap-download a[download]").get_attribute("href")
        == "?type=article&format=csv"
    )


def test_footer_links_by_keyboard(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/?q=health")
    footer = page.locator(".footer-developers")
    assert footer.get_by_role("heading", name="For developers and librarians").count() == 1
    assert f"{catalog_server}/oai/" in footer.inner_text()
    tab_to(page, ".footer-developers a[href='/api/v1/docs']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/api/v1/docs$"))
    page.goto(catalog_server + "/api/v1/")
    assert page.url.endswith("/api/v1/docs")
