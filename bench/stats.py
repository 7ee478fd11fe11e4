"""Latency statistics: percentiles by linear interpolation, and one summary per scenario."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between closest ranks.

    This is the usual "type 7" definition (NumPy's default, ``statistics.quantiles`` with
    ``method="inclusive"``): the 50th percentile of an even-sized sample is the mean of its
    two middle values, the 0th is the minimum and the 100th the maximum.
    """
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * p / 100
    low = math.floor(position)
    high = math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(latencies_ms: Sequence[float], wall_seconds: float | None = None) -> dict[str, float]:
    """count, p50, p95, p99, mean, min, max (milliseconds) and, given the wall time, req/s."""
    if not latencies_ms:
        return {"count": 0}
    summary: dict[str, float] = {
        "count": len(latencies_ms),
        "p50": percentile(latencies_ms, 50),
        "p95": percentile(latencies_ms, 95),
        "p99": percentile(latencies_ms, 99),
        "mean": sum(latencies_ms) / len(latencies_ms),
        "min": min(latencies_ms),
        "max": max(latencies_ms),
    }
    if wall_seconds:
        summary["requests_per_second"] = len(latencies_ms) / wall_seconds
    return {key: round(value, 3) for key, value in summary.items()}
