"""The search page's filters (zero counts hidden, "more", the "Filters (n)" disclosure) and what
it offers when nothing matched (each filter dropped with its count, the whole library, a
suggestion form prefilled with the search's tags)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.http import QueryDict
from django.test import Client

from socialmission.library import views
from socialmission.library.models import Domain, Profession, ResourceType, Topic
from socialmission.library.search import (
    FacetValue,
    SearchParams,
    arrange_facet_values,
    search,
)
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return response.content.decode()


def values(*counts: int, selected: tuple[int, ...] = ()) -> list[FacetValue]:
    return [
        FacetValue(slug=f"v{i}", label=f"V{i}", count=c, selected=i in selected)
        for i, c in enumerate(counts)
    ]


def slugs(items: list[FacetValue]) -> list[str]:
    return [v.slug for v in items]


# --- arranging a facet's values ---------------------------------------------------------------


def test_zero_counts_are_hidden_unless_selected() -> None:
    shown, more = arrange_facet_values(values(3, 0, 1, 0, 0, selected=(3,)))
    assert slugs(shown) == ["v0", "v2", "v3"]
    assert more == []


def test_a_short_facet_shows_every_value_with_results() -> None:
    shown, more = arrange_facet_values(values(1, 2, 3, 4, 5, 6, 7, 8, 0))
    assert slugs(shown) == [f"v{i}" for i in range(8)]
    assert more == []


def test_a_long_facet_shows_its_top_values_and_the_rest_behind_more() -> None:
    # Nine values with results: the six with the most are shown, in curator order; ties go to
    # the earlier value.
    shown, more = arrange_facet_values(values(1, 9, 2, 8, 2, 7, 6, 5, 1, 0))
    assert slugs(shown) == ["v1", "v2", "v3", "v5", "v6", "v7"]
    assert slugs(more) == ["v0", "v4", "v8"]


def test_selected_values_are_always_shown_in_their_place() -> None:
    shown, more = arrange_facet_values(values(1, 9, 2, 8, 2, 7, 6, 5, 1, 0, selected=(0, 9)))
    assert slugs(shown) == ["v0", "v1", "v2", "v3", "v5", "v6", "v7", "v9"]
    assert slugs(more) == ["v4", "v8"]


# --- the search page's filters ----------------------------------------------------------------

TYPE_COUNTS = {
    "article": 3,
    "report": 3,
    "toolkit": 2,
    "curriculum": 2,
    "program-example": 2,
    "video": 2,
    "website": 1,
    "book": 1,
    "dataset": 1,
}


@pytest.fixture
def nine_types() -> None:
    for slug, number in TYPE_COUNTS.items():
        kind = ResourceType.objects.get(slug=slug)
        for i in range(number):
            ResourceFactory(
                title=f"Mentoring {slug} {i}", resource_type=kind, professions=["nursing"]
            )


def checkbox_ids(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" id="(f-[^"]+)"', html)


def test_the_page_hides_values_without_results(client: Client) -> None:
    ResourceFactory(
        title="Nursing mentoring", professions=["nursing"], domains=["students-faculty"]
    )
    html = text(client.get("/search/", {"q": "mentoring"}))
    boxes = checkbox_ids(html)
    assert "f-profession-nursing" in boxes and "f-domain-students-faculty" in boxes
    assert "f-profession-dentistry" not in boxes
    assert "f-domain-community-engagement" not in boxes
    # A facet with nothing to offer has no fieldset at all.
    assert "<legend>Topic</legend>" not in html
    # Every value of the page is one the search finds, or a selected one.
    results = search(SearchParams(q="mentoring"))
    expected = [
        f"f-{f.key}-{v.slug}" for f in results.facets for v in f.values if v.count or v.selected
    ]
    assert boxes == expected


def test_a_selected_value_without_results_stays_to_be_unticked(client: Client) -> None:
    ResourceFactory(title="Nursing mentoring", professions=["nursing"])
    html = text(client.get("/search/", {"q": "mentoring", "profession": "dentistry"}))
    assert re.search(
        r'<li><input type="checkbox" id="f-profession-dentistry" '
        r'name="profession" value="dentistry" checked><label for="f-profession-dentistry">'
        r'Dentistry <span class="facet-count">\(0<',
        html,
    )


def test_a_long_facet_puts_its_smallest_values_behind_more(
    client: Client, nine_types: None
) -> None:
    html = text(client.get("/search/", {"q": "mentoring"}))
    more = re.search(r'<details class="facet-more" id="more-type">(.*?)</details>', html, re.S)
    assert more, "the type facet has no 'more'"
    assert '3 more<span class="visually-hidden">: Resource type</span>' in more.group(1)
    assert checkbox_ids(more.group(1)) == ["f-type-website", "f-type-book", "f-type-dataset"]
    first = html[html.index("<legend>Resource type</legend>") : html.index('id="more-type"')]
    assert checkbox_ids(first) == [
        "f-type-article",
        "f-type-report",
        "f-type-toolkit",
        "f-type-curriculum",
        "f-type-program-example",
        "f-type-video",
    ]
    # Short facets have no "more".
    assert 'id="more-profession"' not in html

    # Ticking a value behind "more" shows it with the first ones.
    html = text(client.get("/search/", {"q": "mentoring", "type": "book"}))
    more = re.search(r'<details class="facet-more" id="more-type">(.*?)</details>', html, re.S)
    assert more and checkbox_ids(more.group(1)) == ["f-type-website", "f-type-dataset"]
    first = html[html.index("<legend>Resource type</legend>") : html.index('id="more-type"')]
    assert "f-type-book" in checkbox_ids(first)


def test_the_filters_disclosure_counts_the_active_filters(client: Client) -> None:
    ResourceFactory(
        title="Nursing mentoring", professions=["nursing"], domains=["students-faculty"]
    )
    html = text(client.get("/search/", {"q": "mentoring"}))
    assert re.search(
        r'<details class="filters-disclosure" id="filters-disclosure">\s*'
        r'<summary class="filters-toggle">Filters \(0<span class="visually-hidden"> active</span>\)</summary>',
        html,
    )
    query = {
        "q": "mentoring",
        "profession": "nursing",
        "domain": "students-faculty",
        "year_from": "2000",
    }
    html = text(client.get("/search/", query))
    assert 'Filters (3<span class="visually-hidden"> active</span>)' in html
    # The disclosure holds the filters; the results come after it, outside it.
    disclosure = html[html.index('id="filters-disclosure"') : html.index("</details>\n  </div>")]
    assert 'id="f-profession-nursing"' in disclosure and 'id="year_from"' in disclosure
    assert html.index("</details>\n  </div>") < html.index('class="result-list"')
    # The htmx region has it too, with the same count.
    partial = text(client.get("/search/", query, HTTP_HX_REQUEST="true"))
    assert 'Filters (3<span class="visually-hidden"> active</span>)' in partial


# --- when nothing matched ---------------------------------------------------------------------


@pytest.fixture
def small_library() -> None:
    ResourceFactory(
        title="Holistic admissions review",
        domains=["pathways-admission-graduation"],
        topics=["diversity-inclusion-belonging"],
        professions=["medicine"],
        year=2015,
    )
    ResourceFactory(
        title="Holistic admissions in nursing",
        domains=["pathways-admission-graduation"],
        topics=["diversity-inclusion-belonging"],
        professions=["nursing"],
        year=2019,
    )
    ResourceFactory(
        title="Holistic community partnerships",
        domains=["community-engagement"],
        topics=["community-partnerships"],
        professions=["nursing"],
        year=2021,
    )


def total(query: str) -> int:
    return search(SearchParams.from_query(QueryDict(query))).total


def offers(html: str) -> list[tuple[str, str, str]]:
    """(href or "", label, count) of each "Without …" offer."""
    found = re.findall(
        r'<li>(?:<a href="([^"]*)">)?Without “([^”]*)”(?:</a>)? \((\d+) resources?\)</li>', html
    )
    return [(href.replace("&amp;", "&"), label, number) for href, label, number in found]


def test_no_results_offers_each_filter_dropped_with_its_count(
    client: Client, small_library: None
) -> None:
    query = "q=holistic&domain=community-engagement&profession=medicine&year_from=2016"
    assert total(query) == 0
    html = text(client.get("/search/?" + query))
    found = offers(html)
    assert [label for _, label, _ in found] == [
        "Domain: Community Engagement",
        "Health profession: Medicine",
        "Years: 2016–…",
    ]
    wider = [
        "q=holistic&profession=medicine&year_from=2016",
        "q=holistic&domain=community-engagement&year_from=2016",
        "q=holistic&domain=community-engagement&profession=medicine",
    ]
    assert [href for href, _, _ in found] == ["/search/?" + q if total(q) else "" for q in wider]
    assert [int(n) for _, _, n in found] == [total(q) for q in wider] == [0, 1, 0]
    # The same words in the whole library.
    assert (
        '<a href="/search/?q=holistic">Search without filters</a> (3 resources) in the whole library'
        in html
    )


def test_several_values_of_one_facet_are_dropped_together(
    client: Client, small_library: None
) -> None:
    query = "q=holistic&profession=medicine&profession=dentistry&domain=community-engagement"
    html = text(client.get("/search/?" + query))
    assert [(label, int(n)) for _, label, n in offers(html)] == [
        (
            "Domain: Community Engagement",
            total("q=holistic&profession=medicine&profession=dentistry"),
        ),
        (
            "Health profession: Medicine or Dentistry",
            total("q=holistic&domain=community-engagement"),
        ),
    ]


def test_one_filter_is_the_whole_library_offer_only(client: Client, small_library: None) -> None:
    html = text(client.get("/search/", {"q": "holistic", "profession": "dentistry"}))
    assert offers(html) == []
    assert "Search without filters</a> (3 resources) in the whole library" in html


def test_the_extra_searches_are_bounded_and_count_only(
    client: Client, small_library: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[SearchParams] = []
    real_count = views.count

    def counting(params: SearchParams, **kwargs: Any) -> int:
        calls.append(params)
        return real_count(params, **kwargs)

    monkeypatch.setattr(views, "count", counting)
    many = [("profession", p.slug) for p in Profession.objects.all()]
    many += [("domain", d.slug) for d in Domain.objects.all()]
    many += [("topic", t.slug) for t in Topic.objects.all()]
    many += [("type", "video"), ("evidence", "evidence-based"), ("year_from", "2030")]
    query = QueryDict(mutable=True)
    query["q"] = "holistic"
    for key, value in many:
        query.appendlist(key, value)
    html = text(client.get("/search/?" + query.urlencode()))
    assert "No resources match" in html
    # Six filters (five facets and the years): six counts, whatever the number of values.
    assert len(calls) == views.MAX_DROP_OFFERS == 6
    assert len(offers(html)) == 6
    # Nothing is counted when something matched.
    calls.clear()
    client.get(
        "/search/", {"q": "holistic", "profession": "nursing", "domain": "community-engagement"}
    )
    assert calls == []


def test_no_results_offers_a_suggestion_prefilled_with_the_search_tags(
    client: Client, small_library: None
) -> None:
    query = (
        "q=rural+pharmacy&domain=community-engagement&topic=practice-underserved-areas"
        "&profession=pharmacy&type=video"
    )
    html = text(client.get("/search/?" + query))
    link = re.search(r"Can't find it\? <a href=\"([^\"]+)\">Suggest a resource</a>", html)
    assert link, "no suggestion offer"
    href = link.group(1).replace("&amp;", "&")
    assert href == (
        "/contribute/resource/?domain=community-engagement"
        "&topic=practice-underserved-areas&profession=pharmacy"
    )
    form_page = client.get(href)
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert list(form["domains"].value()) == [Domain.objects.get(slug="community-engagement").pk]
    assert list(form["topics"].value()) == [Topic.objects.get(slug="practice-underserved-areas").pk]
    assert list(form["professions"].value()) == [Profession.objects.get(slug="pharmacy").pk]
    checked = re.findall(
        r'<input type="checkbox" name="(\w+)" value="(\d+)"[^>]*checked', text(form_page)
    )
    assert sorted(checked) == sorted(
        [
            ("domains", str(Domain.objects.get(slug="community-engagement").pk)),
            ("topics", str(Topic.objects.get(slug="practice-underserved-areas").pk)),
            ("professions", str(Profession.objects.get(slug="pharmacy").pk)),
        ]
    )
    # A search without those tags still offers the plain form.
    html = text(client.get("/search/", {"q": "zzxqwv"}))
    assert 'Can\'t find it? <a href="/contribute/resource/">Suggest a resource</a>' in html


def test_the_suggestion_form_ignores_unknown_and_inactive_terms(client: Client) -> None:
    Domain.objects.filter(slug="students-faculty").update(is_active=False)
    page = client.get(
        "/contribute/resource/",
        {
            "domain": ["students-faculty", "no-such-domain", "community-engagement\x00"],
            "topic": "x" * 500,
        },
    )
    assert page.status_code == 200
    form = page.context["form"]
    assert not form["domains"].value() and not form["topics"].value()
