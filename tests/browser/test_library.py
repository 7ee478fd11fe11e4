"""The public library in a real Chromium: keyboard journeys, htmx in place, no-JS, axe-core, print."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict

from socialmission.library.models import Resource
from socialmission.library.search import PER_PAGE, SearchParams, search, search_ids
from tests.browser.conftest import axe_violations, tab_to

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The journeys page through this search, so the starter catalog must give it several pages.
HEALTH_MEDICINE = "q=health&profession=medicine"
PRINTED = "q=health&domain=community-engagement"


def focused(page: Page) -> str:
    """A short description of the focused element: its id, or tag and text."""
    return page.evaluate(
        "() => { const e = document.activeElement; if (!e) return '';"
        " return e.id || (e.tagName.toLowerCase() + ':' + (e.textContent || '').trim()); }"
    )


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def wait_for_swap(page: Page, /, **expected: str) -> None:
    """Wait until htmx has finished a request and the address shows ``expected`` parameters."""
    page.wait_for_function(
        """expected => {
            if (document.querySelector('.htmx-request')) return false;
            const params = new URLSearchParams(location.search);
            return Object.entries(expected).every(([k, v]) => params.getAll(k).includes(v));
        }""",
        arg=expected,
    )


def result_titles(page: Page) -> list[str]:
    return page.locator(".result-list .result h3").all_inner_texts()


def count_text(page: Page) -> str:
    return " ".join(page.inner_text("#results-count").split())


def group(pattern: str, text: str) -> str:
    """The first group of ``pattern`` in ``text``; fails the test when it does not match."""
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return found.group(1)


def total(query_string: str) -> int:
    """How many published resources the search engine finds for this query string."""
    return len(search_ids(SearchParams.from_query(QueryDict(query_string))))


def summary(query_string: str, page: int = 1) -> str:
    """The results summary a reader should see, counted independently of the page."""
    found = total(query_string)
    text = f"{found} resource{'' if found == 1 else 's'}"
    words = QueryDict(query_string).get("q")
    if words:
        text += f" for “{words}”"
    pages = -(-found // PER_PAGE)
    if pages > 1:
        text += f", page {page} of {pages}"
    return text if found else "No resources found"


def facet_counts(page: Page, key: str) -> dict[str, int]:
    """The count shown beside each value of a facet, by value."""
    found = {}
    for box in page.locator(f".facets input[name={key}]").all():
        slug = box.get_attribute("value") or ""
        shown = page.locator(f"label[for=f-{key}-{slug}] .facet-count").text_content() or ""
        found[slug] = int(group(r"\((\d+)", shown))
    return found


def engine_counts(query_string: str, key: str, slugs: Iterable[str]) -> dict[str, int]:
    """How many resources ticking each value of ``key`` would give, counted by the engine."""
    return {slug: total(f"{query_string}&{key}={slug}") for slug in slugs}


def test_search_journey_by_keyboard(page: Page, catalog_server: str) -> None:
    """Search, tick a facet, sort, page and open a resource with the keyboard alone."""
    assert total(HEALTH_MEDICINE) > PER_PAGE, "the starter catalog no longer gives two pages"
    page.goto(catalog_server + "/")
    page.evaluate("() => { window.__sameDocument = true; }")

    tab_to(page, "#home-q")
    page.keyboard.type("health")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=health$"))
    assert count_text(page) == summary("q=health")

    tab_to(page, "#f-profession-medicine")
    page.evaluate("() => { window.__sameDocument = true; }")
    page.keyboard.press("Space")
    wait_for_swap(page, q="health", profession="medicine")
    assert count_text(page) == summary(HEALTH_MEDICINE)
    assert page.is_checked("#f-profession-medicine")
    assert focused(page) == "f-profession-medicine", "the focus left the checkbox after the swap"
    assert page.evaluate("() => window.__sameDocument === true"), "ticking reloaded the page"
    assert page.inner_text("#results-status") == f"{total(HEALTH_MEDICINE)} resources found"
    assert page.locator("button.sort-apply:visible").count() == 0, "the no-JS Sort button shows"

    tab_to(page, "#sort")
    page.keyboard.press("ArrowDown")  # Relevance → Newest first
    wait_for_swap(page, q="health", profession="medicine", sort="newest")
    assert focused(page) == "sort"
    years = [
        int(y)
        for y in page.locator(".result-list .result .meta").evaluate_all(
            "els => els.map(e => (e.textContent.match(/\\b(19|20)\\d\\d\\b/) || [''])[0])"
        )
        if y
    ]
    assert years == sorted(years, reverse=True) and len(years) >= 10

    first_page_titles = result_titles(page)
    tab_to(page, "a.page-next")
    page.keyboard.press("Enter")
    wait_for_swap(page, q="health", profession="medicine", sort="newest", page="2")
    assert count_text(page) == summary(HEALTH_MEDICINE, page=2)
    assert page.evaluate("() => window.__sameDocument === true")
    assert page.title() == "“health” · Page 2 · Search · Social Mission Resource Library"
    second_page_titles = result_titles(page)
    assert len(second_page_titles) == min(PER_PAGE, total(HEALTH_MEDICINE) - PER_PAGE)
    assert not set(second_page_titles) & set(first_page_titles)
    # The link the reader pressed is gone with the old results; the focus moves to the new
    # results' summary, so the next Tab continues from there instead of from the page top.
    assert focused(page) == "results-count"
    assert page.evaluate(
        "() => { const r = document.getElementById('results-count').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }"
    ), "the new page of results is not scrolled into view"
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('.results-region')")

    tab_to(page, ".result-list .result h3 a")
    title = page.evaluate("() => document.activeElement.textContent.trim()")
    assert title == second_page_titles[0]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/resources/\d+-"))
    assert page.inner_text("h1") == title
    resource = Resource.objects.get(pk=int(group(r"/resources/(\d+)-", page.url)))
    assert resource.title == title

    page.go_back()
    page.wait_for_url(re.compile(r"page=2"))
    page.wait_for_selector(".result-list")
    assert page.is_checked("#f-profession-medicine")
    assert page.input_value("#sort") == "newest"
    assert count_text(page) == summary(HEALTH_MEDICINE, page=2)


def test_home_browse_and_gap_map_by_keyboard(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/")
    link = page.locator("nav[aria-labelledby=browse-domain] a", has_text="Community Engagement")
    listed = int(group(r"\((\d+)", link.locator("xpath=..").inner_text()))
    tab_to(page, "nav[aria-labelledby=browse-domain] a[href$='domain=community-engagement']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?domain=community-engagement$"))
    assert page.is_checked("#f-domain-community-engagement")
    assert count_text(page).startswith(f"{listed} resource")

    page.go_back()
    cell = page.locator(".gap-map td a").first
    label = cell.get_attribute("aria-label") or ""
    number = group(r"^(\d+) resources: ", label)
    assert cell.inner_text() == number
    tab_to(page, ".table-scroll")  # the scrolling box itself takes the focus, for arrow keys
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == label
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    checked = page.locator(".facets input:checked")
    labels = [
        page.inner_text(f"label[for={i}]")
        for i in checked.evaluate_all("els => els.map(e => e.id)")
    ]
    names = [text.rsplit(" (", 1)[0] for text in labels]
    assert len(names) == 2
    assert label == f"{number} resources: {names[0]}, {names[1]}"
    assert checked.evaluate_all("els => els.map(e => e.name)") == ["domain", "topic"]
    assert count_text(page).startswith(f"{number} resource")


def test_axe_at_phone_width(page: Page, catalog_server: str) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    resource = Resource.objects.filter(description__gt="").order_by("pk")[0]
    found = {}
    for path in ["/", "/search/?q=health", "/search/?q=zzxqwv", resource.get_absolute_url()]:
        page.goto(catalog_server + path)
        found[path] = axe_violations(page)
    assert found == {path: [] for path in found}


def test_results_update_in_place_and_address_follows(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/?q=health")
    page.evaluate("() => { window.__marker = 'still here'; }")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.resource_type))

    # The other facets' counts before the filter, as the engine counts them.
    before = facet_counts(page, "profession")
    assert before == engine_counts("q=health", "profession", before) and any(before.values())

    page.check("#f-domain-community-engagement")
    wait_for_swap(page, q="health", domain="community-engagement")
    assert page.evaluate("() => window.__marker") == "still here"
    assert "document" not in requests, "ticking a facet navigated instead of swapping"
    assert count_text(page) == summary("q=health&domain=community-engagement")
    assert page.locator("#search-form").count() == 1
    assert page.locator("#search-region").count() == 1
    chips = page.locator(".active-filters").inner_text()
    assert "Domain: Community Engagement" in chips
    # Counts of the other facets follow the filter.
    after = facet_counts(page, "profession")
    assert after == engine_counts("q=health&domain=community-engagement", "profession", after)
    assert after != before, "the starter catalog no longer makes the filter change the counts"

    page.check("#f-domain-students-faculty")
    wait_for_swap(page, domain="students-faculty")
    both = count_text(page)
    assert query(page)["domain"] == ["community-engagement", "students-faculty"]

    page.reload()
    assert page.evaluate("() => window.__marker") is None
    assert page.is_checked("#f-domain-community-engagement")
    assert page.is_checked("#f-domain-students-faculty")
    assert count_text(page) == both

    page.go_back()
    page.wait_for_function(
        "() => !new URLSearchParams(location.search).getAll('domain').includes('students-faculty')"
    )
    page.wait_for_selector("#f-domain-students-faculty:not(:checked)")
    assert page.is_checked("#f-domain-community-engagement")
    assert count_text(page) == summary("q=health&domain=community-engagement")

    page.go_back()
    page.wait_for_function("() => !new URLSearchParams(location.search).has('domain')")
    page.wait_for_selector("#f-domain-community-engagement:not(:checked)")
    assert count_text(page) == summary("q=health")

    # Removing a filter through its chip also swaps in place and updates the address.
    page.goto(catalog_server + "/search/?q=health&domain=community-engagement")
    page.evaluate("() => { window.__marker = 'chip'; }")
    page.click(".active-filters a")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('domain')")
    wait_for_swap(page, q="health")
    assert page.evaluate("() => window.__marker") == "chip"
    assert count_text(page) == summary("q=health")


def test_loading_state_and_a_live_region_that_stays(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/?q=health")
    page.evaluate("() => { document.querySelector('[role=status]').dataset.original = 'yes'; }")
    held: list[Route] = []
    search_requests = re.compile(r"/search/\?")

    def hold(route: Route) -> None:
        held.append(route)

    page.route(search_requests, hold)
    page.check("#f-topic-specialty-choice")
    page.wait_for_function("() => document.querySelector('#search-region.htmx-request')")
    # The results dim while the request is held. The dimming is a 0.2 s transition, so the
    # opacity read in the very frame the class arrives can still be 1: wait for it to fall
    # (the request stays held, so a page that never dims times out here).
    page.wait_for_function(
        "() => parseFloat(getComputedStyle(document.querySelector('.results-region')).opacity) < 1"
    )
    assert held, "the request was not held"
    held[0].continue_()
    page.unroute(search_requests, hold)
    wait_for_swap(page, topic="specialty-choice")
    # Screen readers announce changes inside a live region that was already there; a region
    # that arrives with the new content is often not announced at all.
    live = page.locator("[role=status][aria-live=polite]")
    assert live.count() == 1
    assert live.get_attribute("data-original") == "yes"
    expected = count_text(page).split(" for ")[0]
    assert live.inner_text() == f"{expected} found"


@pytest.mark.parametrize("failure", ["server error", "connection lost"])
def test_failed_swap_falls_back_to_loading_the_page(
    page: Page, catalog_server: str, failure: str
) -> None:
    page.goto(catalog_server + "/search/?q=health")
    page.evaluate("() => { window.__marker = 'old page'; }")

    def break_htmx(route: Route) -> None:
        if route.request.headers.get("hx-request") != "true":
            route.continue_()
        elif failure == "server error":
            route.fulfill(status=500, body="boom")
        else:
            route.abort("connectionreset")

    page.route(re.compile(r"/search/\?"), break_htmx)
    with page.expect_navigation():
        page.check("#f-topic-specialty-choice")
    page.wait_for_load_state()
    assert page.evaluate("() => window.__marker") is None
    assert query(page)["topic"] == ["specialty-choice"]
    assert page.is_checked("#f-topic-specialty-choice")
    expected = len(
        search_ids(SearchParams.from_query(QueryDict("q=health&topic=specialty-choice")))
    )
    assert count_text(page).startswith(f"{expected} resource")


def test_focus_stays_on_the_checkbox_after_a_swap(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/")
    tab_to(page, "#f-type-toolkit")
    page.keyboard.press("Space")
    wait_for_swap(page, type="toolkit")
    assert focused(page) == "f-type-toolkit"
    # Keyboard navigation continues from the checkbox, not from the top of the page.
    page.keyboard.press("Tab")
    assert focused(page) == "f-type-curriculum"
    page.keyboard.press("Space")
    wait_for_swap(page, type="curriculum")
    assert focused(page) == "f-type-curriculum"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => !new URLSearchParams(location.search).getAll('type').includes('toolkit')"
    )
    wait_for_swap(page, type="curriculum")
    assert focused(page) == "f-type-toolkit"
    assert not page.is_checked("#f-type-toolkit")


def test_year_range_by_keyboard(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/?q=health")
    tab_to(page, "#year_from")
    page.keyboard.type("2015")
    page.keyboard.press("Enter")
    wait_for_swap(page, q="health", year_from="2015")
    assert focused(page) == "year_from"
    assert page.input_value("#year_from") == "2015"
    assert "Years: 2015–…" in page.inner_text(".active-filters")
    expected = len(search_ids(SearchParams.from_query(QueryDict("q=health&year_from=2015"))))
    assert count_text(page).startswith(f"{expected} resource")

    page.keyboard.press("Tab")
    assert focused(page) == "year_to"
    page.keyboard.type("2016")
    page.keyboard.press("Tab")  # leaving the field is a change: the results follow
    wait_for_swap(page, year_from="2015", year_to="2016")
    assert focused(page) == "apply-filters", "the focus did not stay where Tab had put it"
    years = page.locator(".result-list .result .meta").evaluate_all(
        "els => els.map(e => Number((e.textContent.match(/\\b(19|20)\\d\\d\\b/) || ['0'])[0]))"
    )
    assert years and all(2015 <= y <= 2016 for y in years)


def test_skip_link_passes_the_filters(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/?q=health")
    skip = page.locator("a.skip-to-results")
    assert not skip.is_visible() or skip.bounding_box()["x"] < 0  # type: ignore[index]
    tab_to(page, "#q")
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")  # the "Advanced search" link
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-to-results"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, "the focused skip link is not on screen"
    page.keyboard.press("Enter")
    assert focused(page) == "results-count"
    assert page.evaluate(
        "() => { const r = document.getElementById('results-count').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }"
    ), "the new page of results is not scrolled into view"
    page.keyboard.press("Tab")
    assert focused(page) == "sort"

    # On a phone the filters come first and are long: the link is always shown there.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(catalog_server + "/search/?q=health")
    assert page.locator("a.skip-to-results").is_visible()
    assert page.locator("a.skip-to-results").bounding_box()["x"] >= 0  # type: ignore[index]


def test_search_works_without_javascript(no_js_page: Page, catalog_server: str) -> None:
    page = no_js_page
    page.goto(catalog_server + "/search/")
    page.fill("#q", "health")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=health"))
    assert count_text(page) == summary("q=health")

    page.check("#f-profession-medicine")
    assert query(page).get("profession") is None, "a change must not do anything without JS"
    page.click("button.apply")
    page.wait_for_url(re.compile(r"profession=medicine"))
    assert query(page)["q"] == ["health"]
    assert page.is_checked("#f-profession-medicine")
    assert count_text(page) == summary(HEALTH_MEDICINE)

    page.select_option("#sort", "title")
    page.click("button.sort-apply")
    page.wait_for_url(re.compile(r"sort=title"))
    assert page.input_value("#sort") == "title"
    ids = search_ids(SearchParams.from_query(QueryDict("q=health&profession=medicine&sort=title")))
    titles = Resource.objects.in_bulk(ids)
    assert result_titles(page) == [titles[pk].title for pk in ids[:PER_PAGE]]

    page.click("a.page-next")
    page.wait_for_url(re.compile(r"page=2"))
    assert query(page)["profession"] == ["medicine"] and query(page)["sort"] == ["title"]
    assert count_text(page) == summary(HEALTH_MEDICINE, page=2)
    assert result_titles(page) == [titles[pk].title for pk in ids[PER_PAGE : 2 * PER_PAGE]]

    page.click(".result-list .result h3 a")
    page.wait_for_url(re.compile(r"/resources/\d+-"))
    assert page.locator("h1").count() == 1

    page.go_back()
    page.wait_for_url(re.compile(r"page=2"))
    page.click(".active-filters a")  # "Health profession: Medicine ×" removes that filter
    page.wait_for_url(lambda url: "profession=" not in url)
    assert query(page)["q"] == ["health"] and query(page)["sort"] == ["title"]
    assert not page.is_checked("#f-profession-medicine")
    assert count_text(page) == summary("q=health")


def test_axe_home_search_and_resource_pages(page: Page, catalog_server: str) -> None:
    resource = Resource.objects.filter(doi__gt="", description__gt="").order_by("pk")[0]
    pages = {
        "home": "/",
        "search, all": "/search/",
        "search with results": "/search/?q=health&profession=medicine&sort=newest&page=2",
        "search without results": "/search/?q=zzxqwv",
        "search with a spelling suggestion": "/search/?q=comunity",
        "search, filters exclude everything": "/search/?q=dentistry&evidence=evidence-based&type=video",
        "resource": resource.get_absolute_url(),
        "resource, APA": resource.get_absolute_url() + "?style=apa",
    }
    found = {}
    for name, path in pages.items():
        page.goto(catalog_server + path)
        found[name] = axe_violations(page)
        text = page.inner_text("body")
        assert not re.search(r"\{[#%{]|[#%}]\}", text), f"template syntax shows on {name}"
        assert page.locator("h1").count() == 1, name
    assert found == {name: [] for name in pages}


def test_pages_load_nothing_from_other_hosts(page: Page, catalog_server: str) -> None:
    """htmx and the styles are served by the site itself: no CDN, no third-party requests."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    resource = Resource.objects.order_by("pk")[0]
    for path in ["/", "/search/?q=health", resource.get_absolute_url()]:
        page.goto(catalog_server + path)
    page.goto(catalog_server + "/search/?q=health")
    page.check("#f-profession-medicine")
    wait_for_swap(page, profession="medicine")
    assert any(url.endswith("/htmx.min.js") for url in requested)
    foreign = [url for url in requested if not url.startswith(catalog_server)]
    assert foreign == []


def test_axe_after_htmx_swaps(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/?q=health")
    page.check("#f-topic-specialty-choice")
    wait_for_swap(page, topic="specialty-choice")
    assert axe_violations(page) == []
    page.fill("#q", "zzxqwv")
    page.press("#q", "Enter")
    wait_for_swap(page, q="zzxqwv")
    assert "No resources match" in page.inner_text("#search-region")
    assert page.inner_text("#results-status") == "No resources found"
    assert axe_violations(page) == []


def test_focus_is_visible(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/?q=health")
    for selector in [
        "a.skip-link",
        "#q",
        "button[type=submit]",
        "#f-domain-community-engagement",
        "#sort",
        ".result-list a",
        "a.page-next",
    ]:
        tab_to(page, selector)
        style = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor}; }"""
        )
        assert style["style"] != "none" and style["width"] >= 2, (selector, style)
        if selector == "a.skip-link":
            box = page.locator("a.skip-link").bounding_box()
            assert box is not None and box["x"] >= 0 and box["y"] >= 0, (
                "the skip link stays off-screen"
            )
            page.keyboard.press("Enter")
            assert focused(page) == "main"


CONTRAST = """([a, b]) => {
    const lum = c => {
        const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
}"""


def test_focus_ring_contrasts_with_what_surrounds_it(page: Page, catalog_server: str) -> None:
    """WCAG 1.4.11: the focus indicator has 3:1 against the background next to it."""
    page.goto(catalog_server + "/search/?q=health")
    checks = {
        ".site-header nav a": ".site-header",
        "#f-domain-community-engagement": "body",
        ".result-list a": "body",
        "button[type=submit]": "body",
    }
    for selector, around in checks.items():
        tab_to(page, selector)
        ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
        background = page.evaluate(
            f"() => getComputedStyle(document.querySelector('{around}')).backgroundColor"
        )
        ratio = page.evaluate(CONTRAST, [ring, background])
        assert ratio >= 3, f"{selector}: focus ring {ring} on {background} is only {ratio:.2f}:1"


def test_pages_reflow_at_320_css_pixels(page: Page, catalog_server: str) -> None:
    """WCAG 1.4.10: at 320 px wide nothing scrolls sideways except the gap-map table's own box."""
    page.set_viewport_size({"width": 320, "height": 640})
    resource = Resource.objects.order_by("pk")[0]
    for path in [
        "/",
        "/search/?q=health&profession=medicine",
        "/search/?q=zzxqwv",
        resource.get_absolute_url(),
    ]:
        page.goto(catalog_server + path)
        overflow = page.evaluate(
            """() => { const width = document.documentElement.clientWidth;
                return [...document.querySelectorAll('body *')]
                    .filter(e => !e.closest('.table-scroll, .visually-hidden, .skip-link, .skip-to-results'))
                    .filter(e => e.getBoundingClientRect().right > width + 1)
                    .map(e => e.tagName.toLowerCase() + '.' + e.className); }"""
        )
        assert overflow == [], (path, overflow)
        assert page.evaluate(
            "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )


def test_facet_counts_are_part_of_each_checkbox_name(page: Page, catalog_server: str) -> None:
    page.goto(catalog_server + "/search/?q=health")
    # Chromium puts a space where the visually hidden word ends; screen readers do not voice it.
    medicine = page.get_by_role(
        "checkbox", name=re.compile(rf"^Medicine \({total(HEALTH_MEDICINE)} resources\s*\)$")
    )
    assert medicine.count() == 1
    websites = total("q=health&type=website")
    word = "resource" if websites == 1 else "resources"  # the singular where there is one
    website = page.get_by_role("checkbox", name=re.compile(rf"^Website \({websites} {word}\s*\)$"))
    assert website.count() == 1
    assert page.get_by_role("group", name="Health profession").count() == 1
    region = page.get_by_role("group", name="Filter results")
    # Every value the search finds something for is offered (none without results, none
    # behind "more" for this search).
    results = search(SearchParams(q="health"))
    offered = sum(1 for f in results.facets for v in f.values if v.count or v.selected)
    assert offered >= 25
    assert region.get_by_role("checkbox").count() == offered


def test_citation_style_by_keyboard(page: Page, catalog_server: str) -> None:
    resource = Resource.objects.filter(year__isnull=False).order_by("pk")[0]
    page.goto(catalog_server + resource.get_absolute_url())
    ama = page.inner_text("#citation")
    assert page.inner_text(".citation-styles [aria-current=true]").startswith("AMA")
    tab_to(page, ".citation-styles a[href^='?style=apa']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?style=apa#cite-heading$"))
    assert page.inner_text(".citation-styles [aria-current=true]").startswith("APA")
    apa = page.inner_text("#citation")
    assert apa != ama and f"({resource.year})" in apa
    assert axe_violations(page) == []


def test_copy_citation_by_keyboard_with_a_confirmation(
    context: BrowserContext, page: Page, catalog_server: str
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=catalog_server)
    resource = Resource.objects.filter(year__isnull=False).order_by("pk")[0]
    page.goto(catalog_server + resource.get_absolute_url())
    tab_to(page, ".citation-copy button")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('citation-copied').textContent.length > 0"
    )
    assert page.inner_text("#citation-copied") == "Citation copied to the clipboard."
    assert page.evaluate("navigator.clipboard.readText()") == page.inner_text("#citation").strip()
    assert axe_violations(page) == []


def test_without_javascript_there_is_no_copy_button(no_js_page: Page, catalog_server: str) -> None:
    resource = Resource.objects.filter(year__isnull=False).order_by("pk")[0]
    no_js_page.goto(catalog_server + resource.get_absolute_url())
    assert not no_js_page.is_visible(".citation-copy button")
    assert no_js_page.inner_text("#citation")  # the citation itself is there to select


def test_current_page_is_marked_without_colour(page: Page, catalog_server: str) -> None:
    page.emulate_media(forced_colors="active")
    page.goto(catalog_server + "/search/?q=health")
    current = page.locator(".pagination [aria-current=page]")
    assert current.inner_text().split()[-1] == "1"
    weight, border = current.evaluate(
        "e => [getComputedStyle(e).fontWeight, parseFloat(getComputedStyle(e).borderTopWidth)]"
    )
    assert int(weight) >= 700 and border >= 3
    other = page.locator(".pagination a", has_text="2")
    assert float(other.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)")) < 3


def test_print_hides_facets_and_navigation(page: Page, catalog_server: str) -> None:
    page.goto(f"{catalog_server}/search/?{PRINTED}")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => Object.fromEntries(['.facets', '.site-header nav', '.search-page-form .search-form',
              '.pagination', '.sort-control', '.site-footer', '.active-filters'].map(s => {
            const el = document.querySelector(s);
            return [s, el ? getComputedStyle(el).display === 'none' : 'missing'];
        }))"""
    )
    assert hidden == {
        ".facets": True,
        ".site-header nav": True,
        ".search-page-form .search-form": True,
        # Absent when the results fit on one page, else hidden on paper.
        ".pagination": "missing" if total(PRINTED) <= PER_PAGE else True,
        ".sort-control": True,
        ".site-footer": True,
        ".active-filters": False,  # the printout says which filters produced it
    }
    assert page.locator(".result-list").is_visible()
    assert page.locator(".results-count").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    resource = Resource.objects.filter(url__gt="").order_by("pk")[0]
    page.goto(catalog_server + resource.get_absolute_url())
    assert page.locator("h1").is_visible()
    assert page.locator(".citation").is_visible()
    assert not page.locator(".site-header nav").is_visible()
    assert not page.locator(".exports").is_visible(), "export buttons are no use on paper"
    printed_link = page.evaluate(
        "() => getComputedStyle(document.querySelector('.link-out li:first-child a'), '::after').content"
    )
    assert resource.url in printed_link, "the printout does not say where the resource is"
