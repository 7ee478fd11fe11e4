"""Scoring, tested like arithmetic: every expected number below was worked out by hand.

Pure: no database. numpy (test extra only) checks the percentiles.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialmission.assessment.instrument import (
    DEFAULT_INSTRUMENT,
    Indicator,
    Instrument,
    parse_instrument,
)
from socialmission.assessment.scoring import (
    MIN_PEERS,
    Benchmark,
    Distribution,
    Score,
    benchmark,
    carried_answers,
    change_since,
    distribution,
    indicator_score,
    percentiles,
    previous_scores_on,
    score_cycle,
)

HERE = Path(__file__).resolve().parent


def tiny(name: str) -> Instrument:
    return parse_instrument((HERE / name).read_text())


TINY = tiny("tiny-2027.yaml")
PREVIOUS = tiny("tiny-2026.yaml")

# Two domains (weights 3 and 1); the first has two areas (weights 1 and 3).
WEIGHTED = parse_instrument(
    """
instrument: weighted
title: Weights
domains:
  - slug: x
    weight: 3
    areas:
      - id: a1
        title: A1
        weight: 1
        indicators:
          - {id: i1, question: Q, type: number, weight: 1, range: {min: 0, max: 40}}
          - {id: i2, question: Q, type: number, weight: 3, range: {min: 0, max: 40}}
      - id: a2
        title: A2
        weight: 3
        indicators:
          - id: i3
            question: Q
            type: scale
            options:
              - {value: none, label: "Not in place", score: 0}
              - {value: planning, label: "Planning", score: 0.25}
  - slug: y
    weight: 1
    areas:
      - id: b1
        title: B1
        indicators:
          - {id: i4, question: Q, type: percent, range: {min: 0, max: 100}}
"""
)

# tiny-2027, all answered: PAG-1 0.75 (weight 2), PAG-2 5/20, PAG-3 1; GOV-1 0, GOV-2 25/50.
FULL = {"PAG-1": "evaluated", "PAG-2": "5", "PAG-3": "yes", "GOV-1": "no", "GOV-2": "25"}


def number(low: float, high: float, kind: str = "number") -> Indicator:
    return Indicator("n", "Q", "", kind, 1.0, (), low, high, None)


# -- indicators ----------------------------------------------------------------------------------


def test_an_option_scores_its_score() -> None:
    pag1 = TINY.indicator("PAG-1")
    assert [indicator_score(pag1, v) for v in ("none", "planning", "implemented")] == [0, 0.25, 0.5]
    assert indicator_score(pag1, " institutionalised ") == 1
    assert indicator_score(TINY.indicator("GOV-1"), "yes") == 1
    assert indicator_score(TINY.indicator("GOV-1"), "no") == 0


@pytest.mark.parametrize(
    ("low", "high", "answer", "expected"),
    [
        (0, 40, "10", 0.25),
        (0, 40, "40", 1.0),
        (0, 40, "0", 0.0),
        (10, 20, "15", 0.5),
        (10, 20, "12.5", 0.25),
        (10, 20, "5", 0.0),  # below the range: clamped to 0
        (10, 20, "-3", 0.0),
        (10, 20, "25", 1.0),  # above the range: clamped to 1
        (10, 20, "1000", 1.0),
        (-10, 10, "0", 0.5),
        (0, 8, " .5 ", 0.0625),
        (0, 8, "+2", 0.25),
    ],
)
def test_a_number_scores_by_its_range_clamped(
    low: float, high: float, answer: str, expected: float
) -> None:
    assert indicator_score(number(low, high), answer) == pytest.approx(expected, abs=1e-12)


def test_a_percent_scores_by_its_range() -> None:
    gov2 = TINY.indicator("GOV-2")  # range 0..50
    assert indicator_score(gov2, "25") == 0.5
    assert indicator_score(gov2, "75") == 1.0
    assert indicator_score(gov2, "100") == 1.0


@pytest.mark.parametrize("answer", [None, "", "   "])
def test_blank_is_unanswered_not_zero(answer: str | None) -> None:
    assert indicator_score(TINY.indicator("PAG-1"), answer) is None
    assert indicator_score(TINY.indicator("PAG-2"), answer) is None


@pytest.mark.parametrize(
    ("indicator_id", "answer"),
    [
        ("PAG-1", "Evaluated"),
        ("PAG-1", "sometimes"),
        ("GOV-1", "true"),
        ("PAG-2", "12 programs"),
        ("PAG-2", "1e3"),
        ("PAG-2", "nan"),
        ("PAG-2", "inf"),
        ("PAG-2", "1,5"),
        ("GOV-2", "120"),  # a percent above 100
        ("GOV-2", "-1"),
        ("GOV-2", "12%"),
    ],
)
def test_an_answer_the_indicator_cannot_score_counts_as_unanswered(
    indicator_id: str, answer: str
) -> None:
    assert indicator_score(TINY.indicator(indicator_id), answer) is None


# -- areas, domains, overall ---------------------------------------------------------------------


def test_a_fully_answered_cycle_by_hand() -> None:
    scores = score_cycle(TINY, FULL)
    # admissions: 100 × (0.75×2 + 0.25×1 + 1×1) / 4 = 68.75; mission: 100 × (0 + 0.5) / 2 = 25
    assert scores.areas["admissions"] == Score(68.75, 3, 3, 1.0, True)
    assert scores.areas["mission"] == Score(25.0, 2, 2, 1.0, True)
    assert scores.domains["pathways-admission-graduation"] == Score(68.75, 3, 3, 1.0, True)
    assert scores.domains["governance-accountability"] == Score(25.0, 2, 2, 1.0, True)
    # overall: (68.75×2 + 25×1) / 3
    assert scores.overall.value == pytest.approx(162.5 / 3)
    assert (scores.overall.answered, scores.overall.total, scores.overall.complete) == (5, 5, True)
    assert list(scores.domains) == ["pathways-admission-graduation", "governance-accountability"]
    assert list(scores.areas) == ["admissions", "mission"]


def test_weights_at_every_level_by_hand() -> None:
    scores = score_cycle(WEIGHTED, {"i1": "10", "i2": "40", "i3": "planning", "i4": "80"})
    # a1: 100 × (0.25×1 + 1×3) / 4 = 81.25; a2: 25; x: (81.25×1 + 25×3) / 4 = 39.0625
    assert scores.areas["a1"].value == pytest.approx(81.25)
    assert scores.areas["a2"].value == pytest.approx(25.0)
    assert scores.domains["x"].value == pytest.approx(39.0625)
    assert scores.domains["y"].value == pytest.approx(80.0)
    # overall: (39.0625×3 + 80×1) / 4
    assert scores.overall.value == pytest.approx(49.296875)


def test_missing_answers_are_left_out_not_counted_as_zero() -> None:
    # a1 with i2 unanswered: 1 of 2 answered (half: scored) → 100 × 0.25 = 25, not 100 × 0.25/4
    scores = score_cycle(WEIGHTED, {"i1": "10", "i3": "planning", "i4": "80"})
    assert scores.areas["a1"] == Score(pytest.approx(25.0), 1, 2, 0.5, True)  # type: ignore[arg-type]
    # x: (25×1 + 25×3) / 4 = 25
    assert scores.domains["x"].value == pytest.approx(25.0)
    assert scores.domains["x"].coverage == pytest.approx(2 / 3)


def test_an_area_with_fewer_than_half_answered_is_incomplete_and_left_out() -> None:
    answers = {"PAG-1": "", "PAG-2": "30", "GOV-1": "yes", "GOV-2": " "}
    scores = score_cycle(TINY, answers)
    # admissions: 1 of 3 answered (< half): no score
    assert scores.areas["admissions"] == Score(None, 1, 3, pytest.approx(1 / 3), False)  # type: ignore[arg-type]
    # mission: 1 of 2 answered (exactly half): scored, 100 × 1 / 1
    assert scores.areas["mission"] == Score(100.0, 1, 2, 0.5, True)
    # a domain with no scored area has no score; the other domain counts alone
    assert scores.domains["pathways-admission-graduation"].value is None
    assert scores.domains["pathways-admission-graduation"].complete is False
    assert scores.domains["governance-accountability"].value == 100.0
    assert scores.overall == Score(100.0, 2, 5, 0.4, False)


def test_nothing_answered_scores_nothing() -> None:
    scores = score_cycle(TINY, {})
    assert scores.overall == Score(None, 0, 5, 0.0, False)
    assert all(s.value is None for s in scores.areas.values())
    assert all(s.value is None for s in scores.domains.values())


def test_answers_to_ids_outside_the_instrument_are_ignored() -> None:
    assert score_cycle(TINY, {**FULL, "XYZ-1": "yes"}) == score_cycle(TINY, FULL)


def test_a_scored_area_beside_an_incomplete_one_makes_the_domain_incomplete() -> None:
    scores = score_cycle(WEIGHTED, {"i1": "40", "i4": "50"})  # a2 unanswered
    assert scores.areas["a1"].value == pytest.approx(100.0)
    assert scores.areas["a2"].value is None
    assert scores.domains["x"].value == pytest.approx(100.0)
    assert scores.domains["x"].complete is False
    # overall: (100×3 + 50×1) / 4
    assert scores.overall.value == pytest.approx(87.5)
    assert scores.overall.complete is False


# -- percentiles, benchmarks, distributions ------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10, 20, 30, 40, 50], (20, 30, 40)),
        ([1, 2, 3, 4, 5, 6], (2.25, 3.5, 4.75)),
        ([50, 10, 40, 20, 30], (20, 30, 40)),  # order does not matter
        ([7, 7, 7, 7, 7], (7, 7, 7)),
        ([0, 100, 100, 100, 100, 100, 100, 100], (100, 100, 100)),
        ([3.5], (3.5, 3.5, 3.5)),
        ([0, 10], (2.5, 5, 7.5)),
    ],
)
def test_percentiles_by_hand_and_as_numpy(
    values: list[float], expected: tuple[float, float, float]
) -> None:
    assert percentiles(values) == pytest.approx(expected)
    assert percentiles(values) == pytest.approx(tuple(np.percentile(values, [25, 50, 75])))


def test_percentiles_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        percentiles([])


# deadline=None: the machine is shared, and no test measures time
@settings(deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=40))
def test_percentiles_agree_with_numpy(values: list[float]) -> None:
    assert percentiles(values) == pytest.approx(
        tuple(np.percentile(values, [25, 50, 75])), abs=1e-9
    )


PEERS = [10, 20, 30, 40, 50]  # p25 = 20, p50 = 30, p75 = 40


@pytest.mark.parametrize(
    ("value", "stars", "quartile"),
    [
        (100, 4, 1),
        (40, 4, 1),  # at the 75th percentile: top quartile
        (39.99, 3, 2),
        (30, 3, 2),
        (29.5, 2, 3),
        (20, 2, 3),
        (19.9, 1, 4),
        (0, 1, 4),
    ],
)
def test_stars_and_quartiles_at_the_boundaries(value: float, stars: int, quartile: int) -> None:
    result = benchmark(value, PEERS)
    assert result == Benchmark(peers=5, p25=20, p50=30, p75=40, quartile=quartile, stars=stars)


@pytest.mark.parametrize(
    ("peers", "value"),
    [
        ([62.5, 71.25, 48.0, 90.0, 55.5, 80.0, 66.0], 70.0),
        ([12.0, 33.3, 45.1, 51.9, 77.7, 88.8], 40.0),
        ([5.0, 15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 75.0, 85.0], 58.0),
        ([40.0, 40.0, 41.0, 42.0, 90.0], 41.0),
    ],
)
def test_quartiles_checked_against_numpy(peers: list[float], value: float) -> None:
    p25, p50, p75 = np.percentile(peers, [25, 50, 75])
    expected_stars = 4 if value >= p75 else 3 if value >= p50 else 2 if value >= p25 else 1
    result = benchmark(value, peers)
    assert result is not None
    assert (result.p25, result.p50, result.p75) == pytest.approx((p25, p50, p75))
    assert result.stars == expected_stars
    assert result.quartile == 5 - expected_stars


@settings(deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=100), min_size=MIN_PEERS, max_size=30),
    st.floats(min_value=0, max_value=100),
)
def test_stars_follow_numpy_quartiles(peers: list[float], value: float) -> None:
    p25, p50, p75 = np.percentile(peers, [25, 50, 75])
    result = benchmark(value, peers)
    assert result is not None
    assert result.peers == len(peers)
    assert result.quartile == 5 - result.stars
    # away from a boundary (where the rounding of the last bits decides), exactly numpy's answer
    if min(abs(value - p) for p in (p25, p50, p75)) > 1e-6:
        assert result.stars == (
            4 if value >= p75 else 3 if value >= p50 else 2 if value >= p25 else 1
        )


def test_a_value_equal_to_an_interpolated_percentile_is_not_lost_to_rounding() -> None:
    peers = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]  # p75 = 0.4 + 0.75 × 0.1
    result = benchmark(0.475, peers)
    assert result is not None and result.stars == 4


def test_four_peers_give_no_benchmark_five_do() -> None:
    assert MIN_PEERS == 5
    assert benchmark(50, [10, 20, 30, 40]) is None
    assert benchmark(50, []) is None
    shown = benchmark(50, [10, 20, 30, 40, 60])
    assert shown is not None and shown.peers == 5
    assert benchmark(None, [10, 20, 30, 40, 60]) is None


def test_four_values_give_no_distribution_five_do() -> None:
    assert distribution([10, 20, 30, 40]) is None
    assert distribution([]) is None
    assert distribution([10, 20, 30, 40, 50]) == Distribution(count=5, p25=20, p50=30, p75=40)


# -- carry-over and change since -----------------------------------------------------------------

PREVIOUS_ANSWERS = {"OLD-1": "implemented", "OLD-2": "12", "OLD-3": "draft", "OLD-4": "yes"}


def test_answers_carry_over_through_carries_over() -> None:
    carried = carried_answers(PREVIOUS, PREVIOUS_ANSWERS, TINY)
    # PAG-3 continues OLD-3, but "draft" is no option of PAG-3; GOV-2 is new.
    assert carried == {"PAG-1": "implemented", "PAG-2": "12", "GOV-1": "yes"}


def test_blank_previous_answers_do_not_carry() -> None:
    carried = carried_answers(PREVIOUS, {"OLD-1": " ", "OLD-2": "", "OLD-4": "no"}, TINY)
    assert carried == {"GOV-1": "no"}


def test_on_the_same_instrument_the_answers_are_the_answers() -> None:
    assert carried_answers(TINY, {**FULL, "XYZ": "1", "GOV-2": ""}, TINY) == {
        k: v for k, v in FULL.items() if k != "GOV-2"
    }


def test_nothing_carries_between_unrelated_instruments() -> None:
    assert carried_answers(WEIGHTED, {"i1": "10"}, TINY) == {}
    # the ids match by chance, but tiny-2026 does not continue tiny-2027
    assert carried_answers(TINY, FULL, PREVIOUS) == {}


def test_change_since_the_previous_cycle_across_versions_by_hand() -> None:
    before = previous_scores_on(TINY, PREVIOUS, PREVIOUS_ANSWERS)
    # admissions: PAG-1 0.5×2, PAG-2 12/20 = 0.6, PAG-3 unanswered → 100 × 1.6 / 3 = 160/3
    assert before.areas["admissions"].value == pytest.approx(160 / 3)
    # mission: GOV-1 1, GOV-2 unanswered (half answered) → 100; overall (320/3 + 100) / 3 = 620/9
    assert before.areas["mission"].value == pytest.approx(100)
    assert before.overall.value == pytest.approx(620 / 9)
    now = score_cycle(TINY, FULL)
    change = change_since(before, now)
    assert list(change) == ["overall", "pathways-admission-graduation", "governance-accountability"]
    assert change["overall"] == pytest.approx(325 / 6 - 620 / 9)  # -14.72…
    assert change["pathways-admission-graduation"] == pytest.approx(68.75 - 160 / 3)
    assert change["governance-accountability"] == pytest.approx(25 - 100)


def test_no_change_where_either_side_has_no_score() -> None:
    before = score_cycle(TINY, {"GOV-1": "yes"})  # admissions and its domain unscored
    now = score_cycle(TINY, FULL)
    change = change_since(before, now)
    assert change["pathways-admission-graduation"] is None
    assert change["governance-accountability"] == pytest.approx(25 - 100)
    assert change["overall"] == pytest.approx(162.5 / 3 - 100)
    assert change_since(now, score_cycle(TINY, {})) == dict.fromkeys(change)
    # a domain the previous instrument did not have
    assert change_since(score_cycle(WEIGHTED, {}), now)["governance-accountability"] is None


# -- properties, and the shipped instrument ------------------------------------------------------

SHIPPED = parse_instrument(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))


def _answer(indicator: Indicator) -> st.SearchStrategy[str]:
    if indicator.type == "percent":
        return st.integers(0, 100).map(str)
    if indicator.type == "number":
        return st.integers(-5, 100).map(str)
    return st.sampled_from([o.value for o in indicator.options])


@st.composite
def shipped_answers(draw: st.DrawFn) -> dict[str, str]:
    answers: dict[str, str] = {}
    for indicator in SHIPPED.indicators():
        if draw(st.booleans()):
            answers[indicator.id] = draw(_answer(indicator))
    return answers


@settings(deadline=None, max_examples=60)
@given(shipped_answers())
def test_every_score_lies_between_0_and_100_with_honest_counts(answers: dict[str, str]) -> None:
    scores = score_cycle(SHIPPED, answers)
    levels = [scores.overall, *scores.domains.values(), *scores.areas.values()]
    for score in levels:
        assert score.value is None or -1e-9 <= score.value <= 100 + 1e-9
        assert 0 <= score.answered <= score.total
        assert score.coverage == pytest.approx(score.answered / score.total)
    assert scores.overall.answered == len(answers)
    for area in SHIPPED.areas():
        area_score = scores.areas[area.id]
        assert (area_score.value is None) == (2 * area_score.answered < area_score.total)
        assert area_score.complete == (area_score.value is not None)


def _extreme(indicator: Indicator, best: bool) -> str:
    if indicator.type in ("number", "percent"):
        assert indicator.range_min is not None and indicator.range_max is not None
        return _number(indicator.range_max if best else indicator.range_min)
    pick = max if best else min
    return pick(indicator.options, key=lambda o: o.score).value


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def test_the_shipped_instrument_runs_from_0_to_100() -> None:
    best = score_cycle(SHIPPED, {i.id: _extreme(i, True) for i in SHIPPED.indicators()})
    worst = score_cycle(SHIPPED, {i.id: _extreme(i, False) for i in SHIPPED.indicators()})
    assert best.overall == Score(100.0, 43, 43, 1.0, True)
    assert worst.overall == Score(0.0, 43, 43, 1.0, True)
    assert all(s.value == pytest.approx(100) for s in best.areas.values())
    assert all(s.value == 0 for s in worst.areas.values())
