"""The fixed query mix: the kinds the issue asks for, in equal shares, always the same."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest

from bench.queries import FILTER_VALUES, KINDS, MAX_FILTERS, query_mix
from bench.vocabulary import vocabulary


def test_default_mix_has_200_queries_and_is_fixed() -> None:
    mix = query_mix()
    assert len(mix) >= 200
    assert mix == query_mix()


def test_every_kind_and_every_filter_count_has_its_share() -> None:
    mix = query_mix(200)
    per_kind = Counter(q.kind for q in mix)
    assert set(per_kind) == set(KINDS)
    assert set(per_kind.values()) == {200 // len(KINDS)}
    per_cell = Counter((q.kind, q.filter_count) for q in mix)
    assert set(per_cell) == {(k, f) for k in KINDS for f in range(MAX_FILTERS + 1)}
    assert min(per_cell.values()) == 200 // (len(KINDS) * (MAX_FILTERS + 1))


def test_a_larger_mix_keeps_the_proportions() -> None:
    mix = query_mix(1000)
    assert Counter(q.kind for q in mix) == {kind: 200 for kind in KINDS}


def test_queries_are_what_their_kind_says() -> None:
    vocab = vocabulary()
    rank = {term: i for i, term in enumerate(vocab.terms)}
    for query in query_mix():
        if query.kind == "common":
            assert rank[query.q] < 20 and " " not in query.q
        elif query.kind == "rare":
            assert rank[query.q] >= vocab.core_size
        elif query.kind == "two_words":
            assert len(query.q.split()) == 2
        elif query.kind == "phrase":
            assert query.q.startswith('"') and query.q.endswith('"') and " " in query.q
            assert query.q.strip('"') in vocab.terms
        else:
            assert query.kind == "browse" and query.q == ""


def test_filters_are_distinct_facets_with_real_values() -> None:
    for query in query_mix():
        keys = [key for key, _ in query.filters]
        assert len(keys) == len(set(keys)) <= MAX_FILTERS
        assert all(value in FILTER_VALUES[key] for key, value in query.filters)


def test_path_is_the_search_page_url() -> None:
    query = next(q for q in query_mix() if q.kind == "phrase" and q.filter_count == 2)
    url = urlsplit(query.path())
    assert url.path == "/search/"
    assert parse_qsl(url.query) == [("q", query.q), *query.filters]
    browse = next(q for q in query_mix() if q.kind == "browse" and q.filter_count == 0)
    assert browse.path() == "/search/"


def test_too_small_a_mix_is_refused() -> None:
    with pytest.raises(ValueError):
        query_mix(len(KINDS))
