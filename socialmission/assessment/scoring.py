"""Scores of a cycle's answers, benchmarks against peers, change between cycles. Pure arithmetic.

Answers are a mapping of indicator id to the stored answer text: an option's ``value`` (scale,
choice), ``yes``/``no`` (yesno), or a plain number as text (number, percent); blank or absent
means unanswered. An answer that is not valid for its indicator counts as unanswered here
(:func:`answer_is_valid` lets the caller refuse it before it is stored).

The rules (issue 8, section 3; README.md of this app):

- indicator score in [0, 1]: the option's score, or ``clamp((x - min) / (max - min), 0, 1)``;
- area = 100 × weighted mean of its *answered* indicators' scores; no score when fewer than half
  of its indicators (by count) are answered;
- domain = weighted mean of its scored areas; overall = weighted mean of the scored domains;
- benchmarks only against at least :data:`MIN_PEERS` peer values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from socialmission.assessment.instrument import NUMERIC_TYPES, Indicator, Instrument

MIN_PEERS = 5
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
# Scores are sums of products of floats: a school exactly at a percentile must not lose a star
# to rounding in the last bits.
_TOLERANCE = 1e-9


def parse_number(answer: str | None) -> float | None:
    """A plain decimal number (``12``, ``-3.5``, ``.5``), or None for blank or anything else."""
    if answer is None:
        return None
    text = answer.strip()
    if not _NUMBER.match(text):
        return None
    return float(text)


def answer_is_valid(indicator: Indicator, answer: str) -> bool:
    """Whether a non-blank answer text is one this indicator can score.

    Options by their exact ``value``; numbers as plain decimals; a percent between 0 and 100.
    """
    text = answer.strip()
    if indicator.type in NUMERIC_TYPES:
        number = parse_number(text)
        if number is None:
            return False
        return indicator.type != "percent" or 0 <= number <= 100
    return indicator.option(text) is not None


def indicator_score(indicator: Indicator, answer: str | None) -> float | None:
    """The indicator's score in [0, 1], or None when unanswered (blank, absent or invalid)."""
    if answer is None or not answer.strip() or not answer_is_valid(indicator, answer):
        return None
    if indicator.type in NUMERIC_TYPES:
        number = parse_number(answer)
        low, high = indicator.range_min, indicator.range_max
        assert number is not None and low is not None and high is not None
        return min(max((number - low) / (high - low), 0.0), 1.0)
    option = indicator.option(answer.strip())
    assert option is not None
    return option.score


@dataclass(frozen=True)
class Score:
    """One level's score.

    ``value``: 0–100, or None when there is nothing to score. ``answered``/``total``: the answered
    indicators and all indicators at this level; ``coverage`` = answered / total. ``complete``:
    for an area, it has a score (at least half of its indicators answered); for a domain, every
    one of its areas has a score; overall, every area of the instrument has a score.
    """

    value: float | None
    answered: int
    total: int
    coverage: float
    complete: bool


@dataclass(frozen=True)
class CycleScores:
    overall: Score
    domains: dict[str, Score]
    areas: dict[str, Score]


def _weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Weighted mean of (value, weight) pairs; None for none. Weights are > 0 (checked on parse)."""
    if not pairs:
        return None
    return math.fsum(v * w for v, w in pairs) / math.fsum(w for _, w in pairs)


def _coverage(answered: int, total: int) -> float:
    return answered / total if total else 0.0


def score_cycle(instrument: Instrument, answers: Mapping[str, str]) -> CycleScores:
    """Score every area, domain and the whole instrument. Ids not in the instrument are ignored."""
    areas: dict[str, Score] = {}
    domains: dict[str, Score] = {}
    domain_pairs: list[tuple[float, float]] = []
    all_answered = all_total = 0
    for domain in instrument.domains:
        area_pairs: list[tuple[float, float]] = []
        domain_answered = domain_total = 0
        for area in domain.areas:
            scored = [
                (score, indicator.weight)
                for indicator in area.indicators
                if (score := indicator_score(indicator, answers.get(indicator.id))) is not None
            ]
            answered, total = len(scored), len(area.indicators)
            has_score = total > 0 and 2 * answered >= total
            mean = _weighted_mean(scored) if has_score else None
            value = None if mean is None else 100 * mean
            areas[area.id] = Score(value, answered, total, _coverage(answered, total), has_score)
            if value is not None:
                area_pairs.append((value, area.weight))
            domain_answered += answered
            domain_total += total
        domain_value = _weighted_mean(area_pairs)
        domains[domain.slug] = Score(
            domain_value,
            domain_answered,
            domain_total,
            _coverage(domain_answered, domain_total),
            len(area_pairs) == len(domain.areas),
        )
        if domain_value is not None:
            domain_pairs.append((domain_value, domain.weight))
        all_answered += domain_answered
        all_total += domain_total
    overall = Score(
        _weighted_mean(domain_pairs),
        all_answered,
        all_total,
        _coverage(all_answered, all_total),
        all(score.complete for score in domains.values()),
    )
    return CycleScores(overall=overall, domains=domains, areas=areas)


def _percentile(ordered: Sequence[float], q: float) -> float:
    # numpy.percentile's default ("linear"): the rank (n - 1) * q, interpolated between the two
    # closest ranks.
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


def percentiles(values: Sequence[float]) -> tuple[float, float, float]:
    """The 25th, 50th and 75th percentiles, as ``numpy.percentile(values, [25, 50, 75])``."""
    if not values:
        raise ValueError("percentiles of no values")
    ordered = sorted(values)
    return _percentile(ordered, 0.25), _percentile(ordered, 0.5), _percentile(ordered, 0.75)


@dataclass(frozen=True)
class Benchmark:
    """A value placed among its peers: quartile 1 is the top, 4 stars the best."""

    peers: int
    p25: float
    p50: float
    p75: float
    quartile: int
    stars: int


def benchmark(value: float | None, peer_values: Sequence[float]) -> Benchmark | None:
    """Stars 4/3/2/1 at or above the 75th/50th/25th percentile of the peers, else 1.

    None when there is no value or fewer than :data:`MIN_PEERS` peer values: then nothing derived
    from the peers may be shown.
    """
    if value is None or len(peer_values) < MIN_PEERS:
        return None
    p25, p50, p75 = percentiles(peer_values)
    if value >= p75 - _TOLERANCE:
        stars = 4
    elif value >= p50 - _TOLERANCE:
        stars = 3
    elif value >= p25 - _TOLERANCE:
        stars = 2
    else:
        stars = 1
    return Benchmark(
        peers=len(peer_values), p25=p25, p50=p50, p75=p75, quartile=5 - stars, stars=stars
    )


@dataclass(frozen=True)
class Distribution:
    count: int
    p25: float
    p50: float
    p75: float


def distribution(values: Sequence[float]) -> Distribution | None:
    """Count and quartiles of a group's scores; None for fewer than :data:`MIN_PEERS` values."""
    if len(values) < MIN_PEERS:
        return None
    p25, p50, p75 = percentiles(values)
    return Distribution(count=len(values), p25=p25, p50=p50, p75=p75)


def carried_answers(
    previous: Instrument, previous_answers: Mapping[str, str], current: Instrument
) -> dict[str, str]:
    """The previous cycle's answers expressed on the current instrument's indicator ids.

    Same instrument: the answers themselves. The next version (``current.carries_over_from ==
    previous.id``): each current indicator with ``carries_over`` takes the answer of the previous
    indicator it names, when that answer is valid for it (an option value it still has, a
    number). Indicators are never matched by id alone. Unrelated instruments: nothing carries.
    Blank and invalid answers are left out.
    """
    if previous.id == current.id:
        pairs = [(indicator, indicator.id) for indicator in current.indicators()]
    elif current.carries_over_from == previous.id:
        pairs = [
            (indicator, indicator.carries_over)
            for indicator in current.indicators()
            if indicator.carries_over is not None
        ]
    else:
        return {}
    carried: dict[str, str] = {}
    for indicator, source_id in pairs:
        answer = previous_answers.get(source_id)
        if answer is None or not answer.strip() or not answer_is_valid(indicator, answer):
            continue
        carried[indicator.id] = answer.strip()
    return carried


def change_since(previous: CycleScores, current: CycleScores) -> dict[str, float | None]:
    """Current minus previous, for ``"overall"`` and each of the current cycle's domain slugs;
    None where either side has no score.

    To compare across instrument versions, score the previous answers on the current
    instrument first: ``score_cycle(current, carried_answers(previous, answers, current))``.
    """

    def difference(before: Score | None, now: Score) -> float | None:
        if before is None or before.value is None or now.value is None:
            return None
        return now.value - before.value

    change: dict[str, float | None] = {"overall": difference(previous.overall, current.overall)}
    for slug, score in current.domains.items():
        change[slug] = difference(previous.domains.get(slug), score)
    return change


def previous_scores_on(
    current: Instrument, previous: Instrument, previous_answers: Mapping[str, str]
) -> CycleScores:
    """The previous cycle scored on the current instrument, ready for :func:`change_since`."""
    return score_cycle(current, carried_answers(previous, previous_answers, current))
