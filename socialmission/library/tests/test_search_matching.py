"""What a query matches: synonym groups, acronyms, compounds, author + year, fielded words and
identifiers (issue 9, "Search quality, measured")."""

from __future__ import annotations

import pytest
from django.test import Client

from socialmission.library import engine, identifiers
from socialmission.library.identifiers import Identifier
from socialmission.library.models import Synonym
from socialmission.library.search import (
    SearchParams,
    identifier_target,
    search,
)
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def find(q: str = "", **params: str) -> list[int]:
    return [item.id for item in search(SearchParams.from_query({"q": q, **params})).items]


# --- Synonyms widen, never narrow ------------------------------------------------------------


def test_a_synonym_group_is_an_or_of_its_members() -> None:
    Synonym.objects.create(term="LIC", equivalent="longitudinal integrated clerkship")
    Synonym.objects.create(term="LIC", equivalent="longitudinal clerkship")
    acronym = ResourceFactory(title="LIC outcomes")
    spelled = ResourceFactory(title="A longitudinal integrated clerkship")
    short = ResourceFactory(title="The longitudinal clerkship at two schools")
    ResourceFactory(title="Integrated curriculum")
    everyone = {acronym.pk, spelled.pk, short.pk}
    # Any member finds every member of the group: pairs sharing a phrase make one group.
    assert set(find("LIC")) == everyone
    assert set(find("longitudinal integrated clerkship")) == everyone
    assert set(find("longitudinal clerkship")) == everyone


def test_synonyms_never_narrow_what_the_words_find() -> None:
    Synonym.objects.get_or_create(term="URM", equivalent="underrepresented in medicine")
    scattered = ResourceFactory(title="Underrepresented students", description="Medicine today.")
    # Without the synonym the typed words find the scattered record (each word anywhere) …
    assert find("underrepresented medicine") == [scattered.pk]
    # … and the synonym group must still find it.
    assert scattered.pk in find("underrepresented in medicine")


def test_a_multi_word_member_matches_its_words_near_each_other_stop_words_aside() -> None:
    Synonym.objects.create(term="SoTL", equivalent="scholarship of teaching and learning")
    near = ResourceFactory(title="Scholarship in teaching and learning")
    far = ResourceFactory(
        title="Scholarship",
        description="A long account of many different things, years later, on teaching. Learning.",
    )
    exact = ResourceFactory(title="The scholarship of teaching and learning")
    found = find("SoTL")
    assert set(found) == {exact.pk, near.pk}
    assert far.pk not in found
    assert found[0] == exact.pk  # the exact phrase scores above a near match


def test_synonyms_match_plural_forms() -> None:
    Synonym.objects.get_or_create(term="dentist", equivalent="dental")
    dental = ResourceFactory(title="Dental school values")
    assert find("dentists") == [dental.pk]


def test_synonym_groups_join_pairs_that_share_a_phrase() -> None:
    groups = engine.synonym_groups(
        [("URM", "underrepresented minority"), ("URM", "under-represented")]
    )
    assert sorted(groups["urm"]) == ["under-represented", "underrepresented minority"]
    assert sorted(groups["underrepresented minority"]) == ["URM", "under-represented"]


def test_the_seeded_synonyms_include_the_catalogs_words() -> None:
    assert Synonym.objects.filter(term="Hispanic", equivalent="Latino").exists()
    hispanic = ResourceFactory(title="Hispanic admissions rose")
    assert find("latino") == [hispanic.pk]


# --- Acronyms are whole words ----------------------------------------------------------------


def test_an_acronym_does_not_match_a_longer_word_that_stems_like_it() -> None:
    ipeds = ResourceFactory(title="Integrated Postsecondary Education Data System (IPEDS)")
    ipe = ResourceFactory(title="IPE in rural clinics")
    assert engine.analyze("IPEDS") == engine.analyze("IPE")  # the stemmer alone would confuse them
    assert find("IPE") == [ipe.pk]
    assert find("IPEDS") == [ipeds.pk]


def test_an_acronym_typed_in_the_plural_finds_the_singular() -> None:
    urm = ResourceFactory(title="Support for URM students")
    assert find("URMs") == [urm.pk]


# --- Hyphenated and closed compounds are the same word ---------------------------------------


@pytest.mark.parametrize("query", ["anti-racism", "antiracism", "anti racism", '"anti racism"'])
def test_compound_spellings_are_the_same_word(query: str) -> None:
    hyphen = ResourceFactory(title="An anti-racism curriculum")
    closed = ResourceFactory(title="Antiracism in public health")
    spaced = ResourceFactory(title="Anti racism training")
    ResourceFactory(title="Racism and health")  # "racism" alone is not "anti-racism"
    assert set(find(query)) == {hyphen.pk, closed.pk, spaced.pk}


@pytest.mark.parametrize("query", ["health care", "healthcare", "health-care"])
def test_health_care_is_healthcare(query: str) -> None:
    spaced = ResourceFactory(title="Health care workforce")
    closed = ResourceFactory(title="Healthcare workforce")
    hyphen = ResourceFactory(title="The health-care workforce")
    assert set(find(f"{query} workforce")) == {spaced.pk, closed.pk, hyphen.pk}


# --- Author + year, fielded words ------------------------------------------------------------


def test_author_and_year_rank_that_article_first() -> None:
    mine = ResourceFactory(
        title="Rural family physicians", authors=[{"family": "Rabinowitz", "given": "H"}], year=2011
    )
    ResourceFactory(
        title="Rural family physicians again",
        authors=[{"family": "Rabinowitz", "given": "H"}],
        year=1999,
    )
    ResourceFactory(title="Rabinowitz revisited", year=2011)
    ResourceFactory(title="Something from 2011", year=2011)
    assert find("Rabinowitz 2011")[0] == mine.pk
    # A year among words does not have to be written in the record: the publication year is.
    assert mine.pk in find("rural 2011")
    # A title that contains the year still matches it as a word.
    future = ResourceFactory(title="Framing the Future 2030", year=2024)
    assert find("Framing the Future 2030") == [future.pk]


def test_fielded_words_search_one_field() -> None:
    by_title = ResourceFactory(title="Strasser and the north", authors=[])
    by_author = ResourceFactory(title="Northern medicine", authors=[{"family": "Strasser"}])
    in_venue = ResourceFactory(title="Other", venue="Medical Teacher")
    assert find(title="Strasser") == [by_title.pk]
    assert find(author="Strasser") == [by_author.pk]
    assert find(venue="medical teacher") == [in_venue.pk]
    assert find("north", author="Strasser") == []
    assert find("northern", author="Strasser") == [by_author.pk]


def test_fielded_and_identifier_params_survive_the_url() -> None:
    params = SearchParams.from_query(
        {
            "q": "x",
            "title": "t",
            "author": "a",
            "venue": "v",
            "id": "10.1000/x",
            "year_from": "2000",
        }
    )
    again = SearchParams.from_query(dict(params.to_query_list()))
    assert again == params
    assert again.fielded == {"title": "t", "author": "a", "venue": "v"}
    assert again.identifiers == {"id": "10.1000/x"}


# --- Identifiers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1001/JAMA.2017.7286", Identifier("doi", "10.1001/JAMA.2017.7286")),
        ("doi:10.1001/jama.2017.7286", Identifier("doi", "10.1001/jama.2017.7286")),
        ("DOI: 10.1001/jama.2017.7286", Identifier("doi", "10.1001/jama.2017.7286")),
        ("https://doi.org/10.1001/jama.2017.7286", Identifier("doi", "10.1001/jama.2017.7286")),
        ("https://dx.doi.org/10.1001/jama.2017.7286", Identifier("doi", "10.1001/jama.2017.7286")),
        ("20547907", Identifier("pmid", "20547907")),
        ("PMID: 123", Identifier("pmid", "123")),
        ("https://pubmed.ncbi.nlm.nih.gov/38957536/", Identifier("pmid", "38957536")),
        ("PMC1234567", Identifier("pmcid", "PMC1234567")),
        (
            "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1234567/",
            Identifier("pmcid", "PMC1234567"),
        ),
        ("978-0-7735-3649-4", Identifier("isbn", "9780773536494")),
        ("ISBN 0-7735-3649-3", Identifier("isbn", "9780773536494")),
        ("2011", None),  # a year
        ("123456", None),  # too short to be a bare PMID
        ("978-0-7735-3649-5", None),  # wrong check digit
        ("10.1001 jama", None),
        ("social mission 10.1001/jama.2017.7286", None),  # only a whole query is an identifier
    ],
)
def test_identifiers_are_recognised_in_their_usual_forms(
    text: str, expected: Identifier | None
) -> None:
    assert identifiers.parse(text) == expected


def test_an_identifier_in_the_box_finds_its_resource_first() -> None:
    doi = ResourceFactory(title="Beyond Flexner", doi="10.1001/jama.2017.7286")
    pmid = ResourceFactory(title="Ranking the schools", pmid="20547907")
    book = ResourceFactory(title="The making of NOSM", venue="McGill (ISBN 978-0-7735-3649-4)")
    pmc = ResourceFactory(
        title="Open access", url="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC77/"
    )
    ResourceFactory(title="Mentions 10.1001/jama.2017.7286 in passing")
    assert find("https://doi.org/10.1001/JAMA.2017.7286") == [doi.pk]
    assert find("PMID: 20547907") == [pmid.pk]
    assert find("9780773536494") == [book.pk]
    assert find("pmc77") == [pmc.pk]


def test_an_identifier_matching_nothing_is_searched_as_words() -> None:
    ResourceFactory(title="A record")
    assert find("10.9999/nothing") == []
    assert search(SearchParams(q="20547907")).total == 0


def test_identifier_filters_restrict_the_results() -> None:
    doi = ResourceFactory(title="Social mission A", doi="10.1000/a")
    ResourceFactory(title="Social mission B", doi="10.1000/b")
    assert find("social mission", doi="10.1000/A") == [doi.pk]
    assert find("social mission", id="https://doi.org/10.1000/a") == [doi.pk]
    assert find("", doi="10.1000/none") == []
    assert find("", pmid="not a pmid") == []


def test_identifier_target_only_for_one_match_and_a_plain_query() -> None:
    one = ResourceFactory(title="One", doi="10.1000/one")
    ResourceFactory(title="Twin 1", pmid="12345678")
    ResourceFactory(title="Twin 2", pmid="12345678")
    assert identifier_target(SearchParams(q="10.1000/ONE")) == one.pk
    assert identifier_target(SearchParams(q="12345678")) is None  # two match: listed
    assert identifier_target(SearchParams(q="10.1000/one", page=2)) is None
    assert identifier_target(SearchParams(q="one")) is None


def test_the_search_page_goes_straight_to_the_resource(client: Client) -> None:
    one = ResourceFactory(title="One", doi="10.1000/one")
    draft = ResourceFactory(title="Draft", doi="10.1000/draft", status="draft", published_at=None)
    response = client.get("/search/", {"q": "doi:10.1000/ONE"})
    assert response.status_code == 302
    assert response["Location"] == one.get_absolute_url()
    htmx = client.get("/search/", {"q": "doi:10.1000/ONE"}, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == one.get_absolute_url()
    # A draft is not found, so it is not revealed by a redirect either.
    response = client.get("/search/", {"q": "10.1000/draft"})
    assert response.status_code == 200
    assert draft.get_absolute_url() not in response.content.decode()


# --- The advanced search form ----------------------------------------------------------------


def test_advanced_search_page_maps_onto_the_search_parameters(client: Client) -> None:
    response = client.get(
        "/search/advanced/",
        {"q": "rural", "author": "Rabinowitz", "profession": "medicine", "sort": "newest"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/search/"' in html and 'method="get"' in html
    for name in ("q", "title", "author", "venue", "year_from", "year_to", "id"):
        assert f'name="{name}"' in html
    assert 'value="rural"' in html and 'value="Rabinowitz"' in html
    # Facet selections and the order are carried through.
    assert '<input type="hidden" name="profession" value="medicine">' in html
    assert '<input type="hidden" name="sort" value="newest">' in html
    assert client.post("/search/advanced/").status_code == 405


def test_search_page_links_to_advanced_search_and_keeps_its_fields(client: Client) -> None:
    ResourceFactory(title="Rural physicians", authors=[{"family": "Rabinowitz"}])
    ResourceFactory(title="Rural nurses")
    response = client.get("/search/", {"q": "rural", "author": "Rabinowitz"})
    html = response.content.decode()
    assert 'href="/search/advanced/?q=rural&amp;author=Rabinowitz"' in html
    assert '<input type="hidden" name="author" value="Rabinowitz">' in html
    assert 'href="/search/?q=rural">Remove Author</a>' in html
    assert "physicians" in html and "nurses" not in html  # titles show with <mark>ed words


def test_a_word_typed_in_capitals_still_finds_its_plural_and_singular() -> None:
    nurse = ResourceFactory(title="The school nurse")
    assert find("NURSES") == [nurse.pk]
    assert find("NURSE") == [nurse.pk]


def test_widen_adds_alternatives_and_never_removes_a_clause() -> None:
    known = {"anti", "racism", "antiracism", "health", "care", "healthcare"}.__contains__
    (closed,) = engine.widen(engine.parse_user_query("antiracism"), known)
    assert [a.words for a in closed.alternatives] == [("antiracism",), ("anti", "racism")]
    (pair,) = engine.widen(engine.parse_user_query("health care"), known)
    assert [a.words for a in pair.alternatives] == [("health", "care"), ("healthcare",)]
    assert pair.alternatives[0].every  # the typed words, each anywhere, are kept
    (hyphen,) = engine.widen(engine.parse_user_query("anti-racism"), known)
    assert [a.words for a in hyphen.alternatives] == [("anti", "racism"), ("antiracism",)]
    # Negated words, acronyms and unknown words stay as typed.
    for text in ("-antiracism", "IPE", "zzzq"):
        assert engine.widen(engine.parse_user_query(text), known) == engine.parse_user_query(text)
