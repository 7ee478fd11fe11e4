"""What a public page costs, counted rather than timed: SQL queries and engine calls.

A page's database queries must not grow with the library (the same count at 10 and at 1,000
resources), and a search page asks the engine once (a page with no hits a few times more, for
the spelling suggestion), with one aggregation for all facet counts plus one per selected facet
(its disjunctive counts). A regression here fails without a stopwatch.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmission.library import engine, indexing
from socialmission.library import models as m
from socialmission.library.search import SearchParams, search
from socialmission.library.views import MAX_DROP_OFFERS, _page_url

pytestmark = pytest.mark.django_db

WORDS = ("rural", "equity", "pipeline", "mentoring", "curriculum", "community", "nursing")


def make_library(size: int) -> m.Resource:
    """``size`` published resources with tags, inserted in bulk, then indexed; returns one."""
    rng = random.Random(size)
    types = list(m.ResourceType.objects.all())
    domains = list(m.Domain.objects.all())
    topics = list(m.Topic.objects.all())
    now = timezone.now()
    resources = m.Resource.objects.bulk_create(
        [
            m.Resource(
                title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} study {i}",
                slug=f"study-{i}",
                authors=[{"family": f"Author{i % 37}", "given": "A"}],
                year=1990 + i % 35,
                venue="Academic Medicine",
                description=" ".join(rng.choice(WORDS) for _ in range(30)),
                resource_type=rng.choice(types),
                status=m.Resource.Status.PUBLISHED,
                published_at=now,
            )
            for i in range(size)
        ]
    )
    for resource in resources:
        resource.domains.set(rng.sample(domains, 2))
        resource.topics.set(rng.sample(topics, 2))
    indexing.rebuild()
    return resources[0]


def queries_of(client: Client, path: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len(captured)


PAGES: dict[str, Callable[[m.Resource], str]] = {
    "search page": lambda r: "/search/?q=rural&domain=community-engagement&page=2",
    "search partial": lambda r: "/search/?q=equity&topic=specialty-choice",
    "search with no hits": lambda r: "/search/?q=rurl+zzzzqqq&domain=community-engagement",
    "browse": lambda r: "/search/?domain=community-engagement&topic=specialty-choice",
    "home": lambda r: "/",
    "resource": lambda r: r.get_absolute_url(),
}


def page_queries(size: int) -> dict[str, int]:
    resource = make_library(size)
    client = Client()
    client.get("/")  # the first request of a process loads the vocabulary and opens the index
    client.get("/search/?q=warm")
    return {
        name: queries_of(
            client, path(resource), **({"HX-Request": "true"} if "partial" in name else {})
        )
        for name, path in PAGES.items()
    }


def test_queries_per_page_do_not_grow_with_the_library() -> None:
    small = page_queries(10)
    m.Resource.objects.all().delete()
    large = page_queries(1_000)
    assert small == large
    # And they are few: one outbox query for a search page (both of its checks at once).
    assert large["search page"] == 1
    assert large["search partial"] == 1
    assert large["search with no hits"] == 1
    assert large["browse"] == 1
    # Home: that same query, then one per section other apps add (the two spotlights and the
    # reading guides today); the gap map and browse counts come from the index.
    assert large["home"] <= 4, large
    # The resource, its three kinds of tags, the related resources.
    assert large["resource"] <= 5, large


@pytest.fixture
def engine_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How often the engine is asked for a search and for facet counts: "counting" is one
    set of counts over one set of records, by a terms aggregation or by walking the facet
    terms' postings against a query (``engine._counting_plan``)."""
    calls = {"search": 0, "counting": 0}
    search = engine.SearchEngine.search

    def counting_search(self: engine.SearchEngine, q: engine.EngineQuery) -> Any:
        calls["search"] += 1
        return search(self, q)

    class CountingSearcher:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def aggregate(self, *args: Any, **kwargs: Any) -> Any:
            calls["counting"] += 1
            return self.inner.aggregate(*args, **kwargs)

        def terms_with_prefix(self, *args: Any, **kwargs: Any) -> Any:
            calls["counting"] += 1
            return self.inner.terms_with_prefix(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    count_facets = engine.SearchEngine._count_facets

    def counting_count_facets(self: engine.SearchEngine, searcher: Any, *args: Any) -> Any:
        return count_facets(self, CountingSearcher(searcher), *args)

    monkeypatch.setattr(engine.SearchEngine, "search", counting_search)
    monkeypatch.setattr(engine.SearchEngine, "_count_facets", counting_count_facets)
    yield calls


def test_a_search_page_asks_the_engine_once(client: Client, engine_calls: dict[str, int]) -> None:
    resource = make_library(40)
    word = resource.title.split()[0].lower()
    domain = resource.domains.first().slug  # type: ignore[union-attr]
    topic = resource.topics.first().slug  # type: ignore[union-attr]
    kind = resource.resource_type.slug
    client.get("/search/?q=warm")
    for path, aggregations in (
        (f"/search/?q={word}", 1),
        # Its domain's disjunctive counts are the counts of the page before: only one new.
        (f"/search/?q={word}&domain={domain}", 1),
        # Pages with hits: the filters are those of a resource with the word. One aggregation
        # over the hits, and one for each selected facet with the two other filters.
        (f"/search/?q={word}&domain={domain}&topic={topic}&type={kind}", 4),
        (f"/search/?domain={domain}&domain=students-faculty&year_from=1990", 2),
    ):
        engine_calls.update(search=0, counting=0)
        assert client.get(path).status_code == 200
        assert engine_calls == {"search": 1, "counting": aggregations}, path
        # The same page again: its counts come from the cache.
        engine_calls.update(search=0, counting=0)
        assert client.get(path + "&page=2").status_code == 200
        assert engine_calls == {"search": 1, "counting": 0}, path


def test_refining_a_search_reuses_the_counts_it_already_has(
    client: Client, engine_calls: dict[str, int]
) -> None:
    resource = make_library(40)
    word = resource.title.split()[0].lower()
    domain = resource.domains.first().slug  # type: ignore[union-attr]
    topic = resource.topics.first().slug  # type: ignore[union-attr]
    steps = (
        (f"/search/?q={word}", 1),
        (f"/search/?q={word}&domain={domain}", 1),  # the domain's counts: the page before's
        (f"/search/?q={word}&domain={domain}&topic={topic}", 2),  # the topic's: the page before's
        # Unticking the domain: the topic's disjunctive counts are the first page's; the counts
        # over the hits were the domain's of the page before, but without the year range.
        (f"/search/?q={word}&topic={topic}", 1),
        (f"/search/?q={word}", 0),
    )
    pages = []
    for path, aggregations in steps:
        engine_calls.update(search=0, counting=0)
        assert client.get(path).status_code == 200
        assert engine_calls["counting"] == aggregations, path
        # What the page showed, from the same (cached) counts.
        params = SearchParams.from_query(QueryDict(path.partition("?")[2]))
        pages.append(search(params))
        assert engine_calls["counting"] == aggregations, path
    # The reused counts are the right ones: the last page has the first page's counts.
    first, last = pages[0], pages[-1]
    assert [(f.key, [(v.slug, v.count) for v in f.values]) for f in last.facets] == [
        (f.key, [(v.slug, v.count) for v in f.values]) for f in first.facets
    ]
    # With a domain ticked, the domain facet counts as if it were not (disjunctive), and the
    # other facets count only the records of that domain.
    with_domain = pages[1]
    domain_counts = {v.slug: v.count for v in _facet(with_domain, "domain").values}
    assert domain_counts == {v.slug: v.count for v in _facet(first, "domain").values}
    topic_counts = {v.slug: v.count for v in _facet(with_domain, "topic").values}
    assert sum(topic_counts.values()) <= sum(v.count for v in _facet(first, "topic").values)
    assert with_domain.total == domain_counts[domain]


def _facet(results: Any, key: str) -> Any:
    return next(f for f in results.facets if f.key == key)


def test_a_page_with_no_hits_asks_the_engine_a_bounded_number_of_times(
    client: Client, engine_calls: dict[str, int]
) -> None:
    make_library(40)
    engine_calls.update(search=0, counting=0)
    response = client.get("/search/?q=rurl&domain=community-engagement&topic=specialty-choice")
    assert response.status_code == 200
    # The search, the probe of the spelling suggestion, the count without filters, and one
    # count per filter the page offers to drop (at most MAX_DROP_OFFERS).
    assert engine_calls["search"] <= 3 + MAX_DROP_OFFERS
    assert engine_calls["counting"] == 3  # the search's facet counts only


def test_home_page_asks_the_engine_once_per_index_version(
    client: Client, engine_calls: dict[str, int]
) -> None:
    make_library(40)
    assert client.get("/").status_code == 200
    # The newest resources and the browse counts (the gap map from its cached table).
    assert engine_calls == {"search": 1, "counting": 1}
    engine_calls.update(search=0, counting=0)
    first = client.get("/").content
    # Then, until the index changes, the page's lists come from the fragment cache.
    assert engine_calls == {"search": 0, "counting": 0}
    newest = m.Resource.objects.order_by("-pk")[0]  # all published at once: the last added
    m.Resource.objects.filter(pk=newest.pk).update(title="Renamed newest study")
    indexing.rebuild()
    second = client.get("/").content.decode()
    assert engine_calls["search"] == 1
    assert "Renamed newest study" in second
    assert "Renamed newest study" not in first.decode()


def test_the_gap_map_counts_each_domain_and_topic_pair(client: Client) -> None:
    make_library(60)
    body = client.get("/").content.decode()
    for domain in m.Domain.objects.filter(is_active=True):
        for topic in m.Topic.objects.filter(is_active=True):
            both = m.Resource.objects.filter(domains=domain, topics=topic).count()
            if not both:
                continue
            link = (
                f'href="/search/?domain={domain.slug}&amp;topic={topic.slug}" '
                f'aria-label="{both} resources: '
            )
            assert link in body, (domain.slug, topic.slug, both)


def test_home_shows_a_renamed_term_at_once(client: Client) -> None:
    make_library(10)
    assert "Community Partnerships" not in client.get("/").content.decode()
    domain = m.Domain.objects.get(slug="community-engagement")
    domain.name = "Community Partnerships"
    domain.save()  # a vocabulary change: the cached lists and gap map are drawn again
    body = client.get("/").content.decode()
    assert 'href="/search/?domain=community-engagement">Community Partnerships</a>' in body
    assert '<th scope="row">Community Partnerships</th>' in body


@settings(max_examples=200, deadline=None)
@given(
    q=st.text(max_size=10),
    domains=st.lists(st.sampled_from(["a b", "c&d", "e"]), max_size=2),
    sort=st.sampled_from(["relevance", "newest", "title"]),
    page=st.integers(1, 500),
    number=st.integers(0, 501),
)
def test_page_links_are_built_as_with_changes_builds_them(  # type: ignore[no-untyped-def]
    q, domains, sort, page, number
) -> None:
    params = SearchParams(q=q, filters={"domain": tuple(domains)} if domains else {}, sort=sort)
    params = params.with_changes(page=page)
    expected = "?" + params.with_changes(page=number).urlencode()
    assert _page_url(params, number) == expected
    assert _page_url(params, number, params.urlencode(page=False)) == expected


def test_a_search_page_encodes_its_query_once_and_leaves_the_frame_to_the_cache(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Page links, exports, feeds, the alert and advanced-search links all carry the search's
    # query: encoded once per page (with and without the page number), not once per link.
    # The Django template engine renders the page frame once, then it is reused.
    from django.template.backends.django import Template as DjangoTemplate

    from socialmission.core import frames

    resource = make_library(40)
    word = resource.title.split()[0].lower()
    domain = resource.domains.first().slug  # type: ignore[union-attr]
    frames.forget()
    calls = {"encode": 0, "django": 0}
    to_query_list = SearchParams.to_query_list
    django_render = DjangoTemplate.render

    def counting_encode(self: SearchParams, *, page: bool = True) -> list[tuple[str, str]]:
        calls["encode"] += 1
        return to_query_list(self, page=page)

    def counting_render(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls["django"] += 1
        return django_render(self, *args, **kwargs)

    monkeypatch.setattr(SearchParams, "to_query_list", counting_encode)
    monkeypatch.setattr(DjangoTemplate, "render", counting_render)
    client.get("/search/?q=rural&page=2")
    calls.update(encode=0, django=0)
    response = client.get(f"/search/?q={word}&domain={domain}&sort=title")
    assert response.status_code == 200 and "No resources match" not in response.content.decode()
    # The page's own (with and without page number), the feeds' (without the sort) and one per
    # filter chip.
    assert calls == {"encode": 4, "django": 0}
