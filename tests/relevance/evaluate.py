"""Measuring search quality against the judged relevance set (``queries.yaml``).

The judgments were written by reading the starter catalog, never by running the engine. This
module only scores ranked lists against them; ``test_relevance.py`` runs the searches, prints
the report (``make relevance``) and fails when a metric falls below ``thresholds.yaml``.

Metrics, per query then averaged per category and overall:
- nDCG@10: graded gain 2**grade - 1, ideal ordering from the judgments;
- MRR: 1 / rank of the first result judged relevant (grade >= 1), 0 if none in the results;
- recall@20: share of the relevant resources among the first 20 results;
- zero-result rate: share of queries with no result at all (lower is better).

A query that finds nothing but gets a spelling suggestion is ranked on the suggestion's results
(the reader is one click away from them); it still counts as a zero-result query.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
QUERIES = HERE / "queries.yaml"
THRESHOLDS = HERE / "thresholds.yaml"
METRICS = ("ndcg@10", "mrr", "recall@20", "zero_rate")
LOWER_IS_BETTER = {"zero_rate"}
OVERALL = "overall"
# Results with equal scores come back in the order of the index's segments, which differ from
# one build to the next (segment ids are random): a category average may move this much
# between two runs of the same code, and that is not a regression.
TOLERANCE = 0.02


@dataclass(frozen=True)
class Judged:
    query: str
    category: str
    grades: dict[str, int]  # resource key (DOI or title) -> 0..3


@dataclass
class QueryScore:
    judged: Judged
    ranked: list[str]  # resource keys, best first
    total: int

    @property
    def ndcg10(self) -> float:
        return ndcg(self.ranked, self.judged.grades, 10)

    @property
    def mrr(self) -> float:
        for position, key in enumerate(self.ranked, start=1):
            if self.judged.grades.get(key, 0) >= 1:
                return 1.0 / position
        return 0.0

    @property
    def recall20(self) -> float:
        relevant = {k for k, g in self.judged.grades.items() if g >= 1}
        if not relevant:
            return 1.0
        return len(relevant & set(self.ranked[:20])) / len(relevant)

    def metric(self, name: str) -> float:
        return {
            "ndcg@10": self.ndcg10,
            "mrr": self.mrr,
            "recall@20": self.recall20,
            "zero_rate": 1.0 if self.total == 0 else 0.0,
        }[name]


def resource_key(doi_or_title: str) -> str:
    """DOIs compare case-insensitively; titles are compared the same way."""
    return " ".join(doi_or_title.split()).casefold()


def load_judgments(path: Path = QUERIES) -> list[Judged]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    judged = []
    for entry in data["queries"]:
        grades = {resource_key(str(k)): int(v) for k, v in entry["judgments"].items()}
        if not all(0 <= g <= 3 for g in grades.values()):
            raise ValueError(f"grades are 0..3: {entry['query']!r}")
        judged.append(Judged(str(entry["query"]), str(entry["category"]), grades))
    return judged


def dcg(gains: Iterable[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg(ranked: Sequence[str], grades: dict[str, int], k: int) -> float:
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 1.0
    return dcg(grades.get(key, 0) for key in ranked[:k]) / ideal


def run(judged: list[Judged], rank: Callable[[str], tuple[list[str], int]]) -> list[QueryScore]:
    scores = []
    for item in judged:
        ranked, total = rank(item.query)
        scores.append(QueryScore(item, ranked, total))
    return scores


def summarize(scores: list[QueryScore]) -> dict[str, dict[str, float]]:
    """Metric averages per category, and OVERALL over every query."""
    groups: dict[str, list[QueryScore]] = defaultdict(list)
    for score in scores:
        groups[score.judged.category].append(score)
        groups[OVERALL].append(score)
    return {
        group: {name: sum(s.metric(name) for s in items) / len(items) for name in METRICS}
        for group, items in sorted(groups.items(), key=lambda kv: (kv[0] == OVERALL, kv[0]))
    }


def report(scores: list[QueryScore], *, worst: int = 12) -> str:
    summary = summarize(scores)
    counts: dict[str, int] = defaultdict(int)
    for score in scores:
        counts[score.judged.category] += 1
        counts[OVERALL] += 1
    lines = [f"{'category':<15}{'n':>4}" + "".join(f"{m:>11}" for m in METRICS)]
    for group, values in summary.items():
        lines.append(
            f"{group:<15}{counts[group]:>4}" + "".join(f"{values[m]:>11.3f}" for m in METRICS)
        )
    lines.append("")
    lines.append(f"Worst {worst} queries by nDCG@10 (then MRR):")
    for score in sorted(scores, key=lambda s: (s.ndcg10, s.mrr))[:worst]:
        lines.append(
            f"  {score.ndcg10:.3f}  mrr {score.mrr:.2f}  {score.total:>3} hits  "
            f"[{score.judged.category}] {score.judged.query!r}"
        )
    return "\n".join(lines)


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(g): {str(m): float(v) for m, v in values.items()} for g, values in data.items()}


def regressions(
    summary: dict[str, dict[str, float]], thresholds: dict[str, dict[str, float]]
) -> list[str]:
    """Every recorded metric the summary fails to reach (a missing category is a failure)."""
    failures = []
    for group, recorded in thresholds.items():
        achieved = summary.get(group)
        for name, floor in recorded.items():
            if achieved is None:
                failures.append(f"{group}: no query of this category any more")
                break
            value = achieved[name]
            if name in LOWER_IS_BETTER:
                # Zero results do not depend on order: no tolerance.
                worse = value > floor + 1e-9
            else:
                worse = value < floor - TOLERANCE
            if worse:
                failures.append(f"{group} {name}: {value:.3f}, recorded {floor:.3f}")
    return failures


def raised(
    summary: dict[str, dict[str, float]], thresholds: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    """Thresholds moved up to what is achieved, never down (rounded toward the safe side)."""
    result: dict[str, dict[str, float]] = {}
    for group, values in summary.items():
        old = thresholds.get(group, {})
        result[group] = {}
        for name in METRICS:
            if name in LOWER_IS_BETTER:
                value = math.ceil(values[name] * 1000) / 1000
                result[group][name] = min(value, old.get(name, 1.0))
            else:
                value = math.floor(values[name] * 1000) / 1000
                result[group][name] = max(value, old.get(name, 0.0))
    return result


def write_thresholds(thresholds: dict[str, dict[str, float]], path: Path = THRESHOLDS) -> None:
    header = (
        "# Search quality the relevance set must keep (tests/relevance/test_relevance.py).\n"
        "# Raise with `make relevance RECORD=1` when search improves; it never lowers a value.\n"
        "# zero_rate is a ceiling, every other metric a floor.\n"
    )
    path.write_text(header + yaml.safe_dump(thresholds, sort_keys=False), encoding="utf-8")
