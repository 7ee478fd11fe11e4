"""The search-quality guard: the judged relevance set must score at least the recorded values.

``make relevance`` runs this file with the report printed (and ``RECORD=1`` raises the
recorded thresholds to what is achieved, never lowering one).
"""

from __future__ import annotations

import os

import pytest

from socialmission.interop.catalog import load_catalog
from socialmission.library import indexing
from socialmission.library.models import Resource
from socialmission.library.search import SearchParams, search
from tests.relevance import evaluate

pytestmark = pytest.mark.django_db


def _ranker() -> evaluate.Callable[[str], tuple[list[str], int]]:
    keys = {
        pk: evaluate.resource_key(doi or title)
        for pk, doi, title in Resource.objects.values_list("pk", "doi", "title")
    }

    def rank(query: str) -> tuple[list[str], int]:
        results = search(SearchParams.from_query({"q": query}))
        total = results.total
        if total == 0 and results.suggestion:
            # The reader is one click from the suggestion's results ("Did you mean …"): rank
            # those, while the zero-result rate still counts the query as finding nothing.
            results = search(SearchParams.from_query({"q": results.suggestion}))
        return [keys[hit.resource_id] for hit in results.hits], total

    return rank


@pytest.fixture
def scores() -> list[evaluate.QueryScore]:
    load_catalog()
    indexing.sync()
    return evaluate.run(evaluate.load_judgments(), _ranker())


def test_every_judged_resource_is_in_the_catalog() -> None:
    load_catalog()
    known = {
        evaluate.resource_key(doi or title)
        for doi, title in Resource.objects.values_list("doi", "title")
    }
    judged = evaluate.load_judgments()
    assert len(judged) >= 80
    missing = {k for item in judged for k in item.grades if k not in known}
    assert not missing


def test_search_quality_does_not_drop(scores: list[evaluate.QueryScore]) -> None:
    summary = evaluate.summarize(scores)
    thresholds = evaluate.load_thresholds()
    if os.environ.get("RELEVANCE_REPORT"):
        print("\n" + evaluate.report(scores))
    if os.environ.get("RELEVANCE_RECORD"):
        evaluate.write_thresholds(evaluate.raised(summary, thresholds))
    assert set(thresholds) >= set(summary), "every category has recorded thresholds"
    assert not evaluate.regressions(summary, thresholds)


def test_a_drop_below_the_recorded_value_is_reported() -> None:
    summary = {"acronym": {"ndcg@10": 0.5, "mrr": 0.5, "recall@20": 0.5, "zero_rate": 0.2}}
    assert evaluate.regressions(summary, {"acronym": {"ndcg@10": 0.5, "zero_rate": 0.2}}) == []
    # Equal scores tie in an order that varies between index builds: within the tolerance.
    assert evaluate.regressions(summary, {"acronym": {"ndcg@10": 0.51}}) == []
    assert evaluate.regressions(summary, {"acronym": {"ndcg@10": 0.53}}) == [
        "acronym ndcg@10: 0.500, recorded 0.530"
    ]
    assert evaluate.regressions(summary, {"acronym": {"zero_rate": 0.1}}) == [
        "acronym zero_rate: 0.200, recorded 0.100"
    ]
    assert evaluate.regressions(summary, {"plural": {"mrr": 0.1}}) == [
        "plural: no query of this category any more"
    ]
    # Recording raises, never lowers.
    higher = evaluate.raised(summary, {"acronym": {"ndcg@10": 0.9, "zero_rate": 0.0}})
    assert higher["acronym"]["ndcg@10"] == 0.9 and higher["acronym"]["zero_rate"] == 0.0
    assert higher["acronym"]["mrr"] == 0.5


def test_ndcg_rewards_the_best_resource_first() -> None:
    grades = {"a": 3, "b": 1}
    assert evaluate.ndcg(["a", "b"], grades, 10) == pytest.approx(1.0)
    assert evaluate.ndcg(["b", "a"], grades, 10) < 1.0
    assert evaluate.ndcg(["x"], grades, 10) == 0.0
