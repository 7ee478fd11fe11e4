"""Search behaviour a reader sees: ranking, syntax, synonyms, facets, sorting, suggestions."""

from __future__ import annotations

import pytest

from socialmission.library import engine
from socialmission.library.models import Domain, Resource, Synonym
from socialmission.library.search import SPELLING_MAX_WORDS, SearchParams, search, search_ids
from socialmission.library.tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db


def ids(results) -> list[int]:  # type: ignore[no-untyped-def]
    return [item.id for item in results.items]


def find(q: str = "", **filters) -> list[int]:  # type: ignore[no-untyped-def]
    data = {"q": q, **filters}
    return ids(search(SearchParams.from_query(data)))


def test_stemming_and_accent_folding() -> None:
    a = ResourceFactory(title="Équité en santé", description="")
    b = ResourceFactory(title="Holistic admission review")
    assert find("equite") == [a.pk]
    assert find("admissions") == [b.pk]


def test_every_text_field_is_searched() -> None:
    r1 = ResourceFactory(title="x", authors=[{"family": "Strasser", "given": "R"}])
    r2 = ResourceFactory(title="y", organization="Beyond Flexner Alliance")
    r3 = ResourceFactory(title="z", venue="Teaching and Learning in Medicine")
    r4 = ResourceFactory(title="w", keywords="service learning; reflection")
    r5 = ResourceFactory(title="v", description="A longitudinal integrated clerkship.")
    assert find("Strasser") == [r1.pk]
    assert find("Flexner") == [r2.pk]
    assert find("Teaching Learning") == [r3.pk]
    assert find("reflection") == [r4.pk]
    assert find("clerkship") == [r5.pk]


def test_title_weighs_more_than_description() -> None:
    in_description = ResourceFactory(title="A report", description="About mentoring programs.")
    in_title = ResourceFactory(title="Mentoring programs", description="A report.")
    assert find("mentoring") == [in_title.pk, in_description.pk]


def test_phrase_exclusion_and_or() -> None:
    exact = ResourceFactory(title="Community health workers in schools")
    scattered = ResourceFactory(title="Health of the community served by workers")
    nursing = ResourceFactory(title="Rural nursing workforce")
    dental = ResourceFactory(title="Rural dental workforce")
    assert find('"community health workers"') == [exact.pk]
    assert set(find("community health workers")) == {exact.pk, scattered.pk}
    assert find("rural -nursing") == [dental.pk]
    assert set(find("nursing OR dental")) == {nursing.pk, dental.pk}


def test_words_combine_with_and() -> None:
    both = ResourceFactory(title="Rural pathway programs")
    ResourceFactory(title="Rural workforce")
    assert find("rural pathway") == [both.pk]


def test_synonyms_from_the_curator_table() -> None:
    pathway = ResourceFactory(title="Pathway programs for high school students")
    assert find("pipeline") == [pathway.pk]
    urm = ResourceFactory(title="Retention of underrepresented in medicine faculty")
    assert find("URM") == [urm.pk]
    Synonym.objects.create(term="CBME", equivalent="competency-based medical education")
    cbme = ResourceFactory(title="Competency-based medical education in practice")
    assert find("CBME") == [cbme.pk]


EVERYTHING = "everything"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # A query of operators or punctuation alone holds no words: the whole library.
        ("OR", EVERYTHING),
        ("-", EVERYTHING),
        ("*", EVERYTHING),
        ("\\", EVERYTHING),
        # Everything else is words, all required: no syntax error, only what the words match.
        ('"unbalanced', []),
        ("NEAR(", []),
        ("title:foo AND (", []),
        ("' OR 1=1; --", []),
        ("\x00\x07\x1b[31m", []),
        ("x" * 10_000, []),
        ("a" * 70, []),
        ("🙂 santé", ["Santé communautaire"]),
        ('"santé', ["Santé communautaire"]),
        ("santé OR", ["Santé communautaire"]),
    ],
)
def test_malformed_queries_give_results_or_nothing(q: str, expected: object) -> None:
    ResourceFactory(title="Santé communautaire")
    ResourceFactory(title="Holistic admissions review")
    results = search(SearchParams.from_query({"q": q}))
    titles = sorted(item.title for item in results.items)
    if expected == EVERYTHING:
        expected = sorted(Resource.objects.values_list("title", flat=True))
    assert titles == expected
    assert results.total == len(titles)


def test_a_word_too_long_to_index_matches_nothing() -> None:
    ResourceFactory(title="Something")
    assert find("x" * 80) == []


def test_only_published_resources_are_found() -> None:
    published = ResourceFactory(title="Visible resource")
    ResourceFactory(title="Visible draft", status=Resource.Status.DRAFT, published_at=None)
    assert find("visible") == [published.pk]
    published.status = Resource.Status.WITHDRAWN
    published.save()
    assert find("visible") == []


def test_facets_or_within_and_across() -> None:
    a = ResourceFactory(title="a", domains=["community-engagement"], professions=["nursing"])
    b = ResourceFactory(title="b", domains=["students-faculty"], professions=["nursing"])
    c = ResourceFactory(title="c", domains=["community-engagement"], professions=["medicine"])
    assert set(find(domain=["community-engagement", "students-faculty"])) == {a.pk, b.pk, c.pk}
    assert set(find(domain=["community-engagement"], profession=["nursing"])) == {a.pk}


def test_facet_counts_ignore_their_own_selection() -> None:
    ResourceFactory(title="a", domains=["community-engagement"], professions=["nursing"])
    ResourceFactory(title="b", domains=["students-faculty"], professions=["nursing"])
    ResourceFactory(title="c", domains=["community-engagement"], professions=["medicine"])
    results = search(
        SearchParams.from_query({"domain": ["community-engagement"], "profession": ["nursing"]})
    )
    facets = {f.key: {v.slug: (v.count, v.selected) for v in f.values} for f in results.facets}
    # Domain counts apply the profession filter but not the domain one: widening is visible.
    assert facets["domain"]["community-engagement"] == (1, True)
    assert facets["domain"]["students-faculty"] == (1, False)
    # Profession counts apply the domain filter only.
    assert facets["profession"]["nursing"] == (1, True)
    assert facets["profession"]["medicine"] == (1, False)
    assert facets["type"]["article"] == (1, False)
    assert results.total == 1


def test_inactive_vocabulary_terms_leave_the_facets() -> None:
    ResourceFactory(title="a", domains=["community-engagement"])
    Domain.objects.filter(slug="community-engagement").update(is_active=False)
    Domain.objects.get(slug="community-engagement").save()  # writes the outbox row
    results = search(SearchParams())
    domain = next(f for f in results.facets if f.key == "domain")
    assert "community-engagement" not in [v.slug for v in domain.values]


def test_year_range() -> None:
    old = ResourceFactory(title="old", year=1995)
    mid = ResourceFactory(title="mid", year=2010)
    ResourceFactory(title="new", year=2024)
    undated = ResourceFactory(title="undated", year=None)
    assert set(find(year_from="2000", year_to="2015")) == {mid.pk}
    assert set(find(year_to="2010")) == {old.pk, mid.pk}
    assert undated.pk in find()
    results = search(SearchParams())
    assert results.year_bounds == (1995, 2024)


def test_sorting() -> None:
    b = ResourceFactory(title="Beta", year=2001)
    a = ResourceFactory(title="The Alpha", year=2015)
    c = ResourceFactory(title="Gamma", year=1990)
    assert find(sort="title") == [a.pk, b.pk, c.pk]
    assert find(sort="newest") == [a.pk, b.pk, c.pk]
    assert find(sort="oldest") == [c.pk, b.pk, a.pk]
    # With no words, the default shows the newest additions first.
    assert find() == [c.pk, a.pk, b.pk]


def test_pagination_and_search_ids_cover_every_result() -> None:
    made = [ResourceFactory(title=f"Paged resource {i}") for i in range(45)]
    page1 = search(SearchParams.from_query({"q": "paged"}))
    page3 = search(SearchParams.from_query({"q": "paged", "page": "3"}))
    assert page1.total == 45 and page1.page_count == 3
    assert len(page1.items) == 20 and len(page3.items) == 5
    everything = search_ids(SearchParams.from_query({"q": "paged", "sort": "title"}))
    assert sorted(everything) == sorted(r.pk for r in made)


def test_highlighted_snippets_escape_text() -> None:
    ResourceFactory(
        title="<script>alert(1)</script> mentoring",
        description="Peer mentoring for <b>first-generation</b> students.",
    )
    (item,) = search(SearchParams(q="mentoring")).items
    assert "<mark>mentoring</mark>" in item.snippet
    assert "&lt;b&gt;" in item.snippet and "<b>" not in item.snippet
    assert "&lt;script&gt;" in item.title_html and "<script>" not in item.title_html


def test_spelling_suggestion_when_nothing_matches() -> None:
    ResourceFactory(title="Holistic admissions review")
    results = search(SearchParams(q="admisions"))
    assert results.total == 0
    assert results.suggestion == "admissions"
    assert search(SearchParams(q="qqqzzzxx")).suggestion is None


def test_spelling_suggestion_work_is_bounded_per_query(monkeypatch: pytest.MonkeyPatch) -> None:
    # 7,000 indexed words share the first letters of the misspelt words below.
    consonants = "bcdfghjklmnpqrtvwxz"  # no "s" or "y": no word stems to another
    many = [
        f"adm{a}{b}{c}{d}" for a in "ab" for b in consonants for c in consonants for d in consonants
    ]
    many = many[:7000]
    for start in range(0, len(many), 1000):
        ResourceFactory(
            title=f"Vocabulary {start}", description=" ".join(many[start : start + 1000])
        )
    ResourceFactory(title="Holistic admissions review")
    compared: list[int] = []
    real_closest = engine.closest

    def counting_closest(word: str, candidates, *, limit: int):  # type: ignore[no-untyped-def]
        compared.append(len(candidates))
        return real_closest(word, candidates, limit=limit)

    monkeypatch.setattr(engine, "closest", counting_closest)
    assert search(SearchParams(q="admisions")).suggestion == "admissions"
    assert 0 < sum(compared) <= 3 * engine.SPELLING_TERMS_PER_PREFIX < len(many)
    compared.clear()
    # A long query of unknown words: only the first few are looked at, each within the bound.
    results = search(SearchParams(q=" ".join(f"admzz{n}q" for n in range(40))))
    assert results.total == 0
    assert len(compared) <= 2 * SPELLING_MAX_WORDS
    assert sum(compared) <= SPELLING_MAX_WORDS * 4 * engine.SPELLING_TERMS_PER_PREFIX


def test_vocabulary_rename_is_searchable_at_once() -> None:
    ResourceFactory(title="a", domains=["community-engagement"])
    domain = Domain.objects.get(slug="community-engagement")
    domain.name = "Community Partnerships & Engagement"
    domain.slug = "community-partnerships-engagement"
    domain.save()
    results = search(SearchParams.from_query({"domain": "community-partnerships-engagement"}))
    assert results.total == 1
    facet = next(f for f in results.facets if f.key == "domain")
    assert "Community Partnerships & Engagement" in [v.label for v in facet.values]


def test_deleting_a_vocabulary_term_reindexes_its_resources() -> None:
    resource = ResourceFactory(title="a", topics=["specialty-choice"])
    assert find(topic=["specialty-choice"]) == [resource.pk]
    resource.topics.get().delete()
    assert find(topic=["specialty-choice"]) == []
    assert find() == [resource.pk]


def test_cached_facet_counts_follow_every_change() -> None:
    ResourceFactory(title="a", domains=["community-engagement"])
    counts = lambda: {  # noqa: E731
        v.slug: v.count
        for f in search(SearchParams()).facets
        if f.key == "domain"
        for v in f.values
    }
    assert counts()["community-engagement"] == 1
    assert counts()["community-engagement"] == 1  # served from the cache
    ResourceFactory(title="b", domains=["community-engagement"])
    assert counts()["community-engagement"] == 2


def test_result_byline_and_summary() -> None:
    many = [{"family": f"Author{i}", "given": "A"} for i in range(5)]
    ResourceFactory(title="Team paper", authors=many, description="word " * 60)
    ResourceFactory(title="Agency report", authors=[], organization="HRSA", description="Short.")
    items = {item.title: item for item in search(SearchParams()).items}
    assert items["Team paper"].byline == "Author0 A, Author1 A, Author2 A, et al."
    assert items["Team paper"].summary == " ".join(["word"] * 40) + " …"
    assert items["Agency report"].byline == "HRSA"
    assert items["Agency report"].summary == "Short."
