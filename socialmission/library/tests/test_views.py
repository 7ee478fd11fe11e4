"""The public pages: home, search (full page and htmx partial), resource page, admin edits."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialmission.interop.catalog import load_catalog
from socialmission.library.models import Resource, Synonym
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_home_browse_counts_and_newest(client: Client) -> None:
    ResourceFactory(title="Older", domains=["community-engagement"], professions=["nursing"])
    ResourceFactory(title="Newest one", domains=["community-engagement"])
    response = client.get("/")
    assert response.status_code == 200
    assert "library/home.html" in [t.name for t in response.templates]
    body = text(response)
    assert re.search(
        r'href="/search/\?domain=community-engagement">Community Engagement</a> '
        r'<span class="facet-count">\(2',
        body,
    )
    assert re.search(
        r'href="/search/\?profession=nursing">Nursing</a> <span class="facet-count">\(1', body
    )
    assert body.index("Newest one") < body.index("Older")
    assert 'role="search"' in body


def test_search_page_renders_results_facets_and_state(client: Client) -> None:
    ResourceFactory(title="Rural track", domains=["curriculum-programming"])
    response = client.get("/search/", {"q": "rural", "domain": "curriculum-programming"})
    assert response.status_code == 200
    body = text(response)
    assert "1 resource" in body
    assert 'value="rural"' in body
    assert re.search(
        r'id="f-domain-curriculum-programming" name="domain" value="curriculum-programming" checked',
        body,
    )
    assert "<legend>Domain</legend>" in body
    assert "<mark>Rural</mark> track" in body


def test_htmx_request_gets_the_partial_only(client: Client) -> None:
    ResourceFactory(title="Rural track")
    response = client.get("/search/", {"q": "rural"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert "<html" not in body and 'id="search-form"' not in body
    assert body.count('class="search-layout"') == 1 and "<mark>Rural</mark> track" in body
    # htmx takes the document's title from the partial.
    assert "<title>“rural” · Search · " in body
    assert 'id="results-status"' in body and 'hx-swap-oob="true"' in body


def test_no_results_offers_spelling_and_dropping_filters(client: Client) -> None:
    ResourceFactory(title="Holistic admissions", domains=["pathways-admission-graduation"])
    body = text(client.get("/search/", {"q": "admisions"}))
    assert "No resources match" in body
    assert 'href="/search/?q=admissions">admissions</a>' in body
    body = text(client.get("/search/", {"q": "holistic", "domain": "community-engagement"}))
    assert "Search without filters</a> (1 resource)" in body


def test_pagination_links_keep_the_search_state(client: Client) -> None:
    for i in range(25):
        ResourceFactory(title=f"Mentoring {i}", domains=["students-faculty"])
    body = text(client.get("/search/", {"q": "mentoring", "domain": "students-faculty"}))
    assert 'href="/search/?q=mentoring&amp;domain=students-faculty&amp;page=2"' in body
    page2 = text(
        client.get("/search/", {"q": "mentoring", "domain": "students-faculty", "page": 2})
    )
    assert page2.count('class="result"') == 5
    assert 'rel="prev"' in page2


def test_sort_options_and_active_filter_removal(client: Client) -> None:
    ResourceFactory(title="x", domains=["students-faculty"], topics=["specialty-choice"])
    body = text(
        client.get(
            "/search/", {"domain": "students-faculty", "topic": "specialty-choice", "sort": "title"}
        )
    )
    assert '<option value="title" selected>' in body
    assert 'href="/search/?topic=specialty-choice&amp;sort=title"' in body  # removes the domain


def test_legacy_action_area_links_redirect_to_domains(client: Client) -> None:
    response = client.get("/search/", {"action_area": "institutional-culture", "q": "x"})
    assert response.status_code == 301
    assert (
        response["Location"]
        == "/search/?q=x&domain=governance-accountability&domain=students-faculty"
    )


def test_resource_page(client: Client) -> None:
    resource = ResourceFactory(
        title="The Social Mission of Medical Education",
        authors=[{"family": "Mullan", "given": "F"}, {"family": "Chen", "given": "C"}],
        venue="Annals of Internal Medicine",
        volume="152",
        issue="12",
        pages="804-811",
        year=2010,
        doi="10.7326/0003-4819-152-12-201006150-00009",
        pmid="20547907",
        domains=["governance-accountability"],
        need="Schools rarely measured social mission.",
        intervention="A composite score.",
        results="Rankings.",
    )
    response = client.get(resource.get_absolute_url())
    assert response.status_code == 200
    body = text(response)
    assert "https://doi.org/10.7326/0003-4819-152-12-201006150-00009" in body
    assert "https://pubmed.ncbi.nlm.nih.gov/20547907/" in body
    assert 'href="/search/?domain=governance-accountability"' in body
    assert "<h3>Need</h3>" in body and "A composite score." in body
    citation = re.search(r'<div class="citation" id="citation">(.*?)</div>', body, re.S)
    assert citation and citation.group(1).startswith(
        "Mullan F, Chen C. The Social Mission of Medical Education. "
    )
    assert "<i>Annals of Internal Medicine</i>. 2010;152(12):804-811." in citation.group(1)


def test_resource_page_redirects_to_canonical_slug_and_hides_drafts(client: Client) -> None:
    resource = ResourceFactory(title="Canonical title")
    response = client.get(reverse("library:resource-short", kwargs={"pk": resource.pk}))
    assert response.status_code == 301 and response["Location"] == resource.get_absolute_url()
    resource.status = Resource.Status.DRAFT
    resource.save()
    assert client.get(resource.get_absolute_url()).status_code == 404
    assert client.get("/resources/999999-nothing/").status_code == 404


def test_user_text_is_escaped_everywhere(client: Client) -> None:
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    resource = ResourceFactory(title=f"Payload {payload}", description=payload, venue=payload)
    for url in ("/", "/search/?q=payload", resource.get_absolute_url()):
        body = text(client.get(url))
        assert "<script>alert(1)" not in body and "<img src=x" not in body, url


def test_admin_edit_is_searchable_at_once(
    admin_client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    resource = ResourceFactory(title="Before the edit")
    data = {
        "title": "Interprofessional clinic",
        "authors": "[]",
        "resource_type": resource.resource_type_id,
        "status": "published",
        "published_at_0": "2024-01-01",
        "published_at_1": "00:00:00",
        "language": "en",
        "domains": [],
        "topics": [],
        "professions": [],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:library_resource_change", args=[resource.pk]), data
        )
    assert response.status_code == 302, response.content[:2000]
    body = text(Client().get("/search/", {"q": "interprofessional"}))
    assert f"/resources/{resource.pk}-interprofessional-clinic/" in body


def test_curator_edits_a_synonym_in_the_admin(admin_client: Client) -> None:
    ResourceFactory(title="Longitudinal integrated clerkship")
    response = admin_client.post(
        reverse("admin:library_synonym_add"),
        {"term": "LIC", "equivalent": "longitudinal integrated clerkship"},
    )
    assert response.status_code == 302
    assert Synonym.objects.filter(term="LIC").exists()
    assert "1 resource" in text(Client().get("/search/", {"q": "LIC"}))


def test_legacy_action_area_with_control_characters_is_ignored(client: Client) -> None:
    response = client.get("/search/", {"action_area": ["bad\x00slug", "measurement-assessment"]})
    assert response.status_code == 301
    assert response["Location"] == "/search/?domain=governance-accountability"


def test_starter_catalog_loads_once(client: Client) -> None:
    assert len(load_catalog().created) == 101
    assert Resource.objects.published().count() == 101
    body = text(client.get("/search/", {"q": "social mission"}))
    assert "No resources match" not in body
    from django.core.management import call_command

    call_command("load_starter_catalog", verbosity=0)
    assert Resource.objects.count() == 101


SEARCH_KEYS = [
    "q",
    "domain",
    "topic",
    "profession",
    "type",
    "evidence",
    "year_from",
    "year_to",
    "sort",
    "page",
    "action_area",
    # Advanced search: fielded words and identifiers.
    "title",
    "author",
    "venue",
    "id",
    "doi",
    "pmid",
    "isbn",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.lists(st.tuples(st.sampled_from(SEARCH_KEYS), st.text(max_size=60)), max_size=6))
def test_no_parameter_combination_gives_a_server_error(client: Client, params) -> None:  # type: ignore[no-untyped-def]
    query = list(params)
    response = client.get("/search/", query)
    assert response.status_code in {200, 301}
    response = client.get("/search/", query, HTTP_HX_REQUEST="true")
    assert response.status_code in {200, 301}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=300))
def test_no_query_string_gives_a_server_error(client: Client, q: str) -> None:
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200


def test_navigation_shows_curator_links_only_to_curators(client: Client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    body = text(client.get("/"))
    assert 'href="/contribute/"' in body
    assert 'href="/contribute/queue/"' not in body and 'href="/curate/import/"' not in body
    curator = django_user_model.objects.create_user("curator", password="x")
    curator.groups.add(Group.objects.get(name="Curator"))
    client.force_login(curator)
    body = text(client.get("/"))
    assert 'href="/contribute/queue/"' in body and 'href="/curate/import/"' in body


def test_search_and_home_offer_exports(client: Client) -> None:
    ResourceFactory(title="Rural track")
    body = text(client.get("/search/", {"q": "rural"}))
    assert 'href="/search/export/ris/?q=rural"' in body
    assert 'href="/library/export/csv/"' in text(client.get("/"))


def test_home_lists_published_reading_guides(client: Client) -> None:
    from socialmission.guides.models import ReadingGuide

    ReadingGuide.objects.create(
        title="Start here: holistic admissions", slug="start", is_published=True
    )
    ReadingGuide.objects.create(title="Unfinished draft guide", slug="draft")
    body = text(client.get("/"))
    assert "Start here: holistic admissions" in body
    assert "Unfinished draft guide" not in body
    assert 'href="/guides/"' in body
