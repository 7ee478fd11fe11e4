"""Geometry of the report's radar chart (pure: no Django); the template draws the SVG.

Each domain is an axis from the centre; a score of 100 reaches the outer ring. A domain without
a score sits at the centre and is named in the text alternative as "no score".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SIZE = 360
CENTRE = SIZE / 2
RADIUS = 120
RINGS = (25, 50, 75, 100)


@dataclass(frozen=True)
class Axis:
    label: str
    value: float | None
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Radar:
    size: int
    axes: tuple[Axis, ...]
    rings: tuple[str, ...]
    shape: str


def _point(index: int, count: int, fraction: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (
        round(CENTRE + RADIUS * fraction * math.cos(angle), 1),
        round(CENTRE + RADIUS * fraction * math.sin(angle), 1),
    )


def _points(values: Sequence[float], count: int) -> str:
    return " ".join(
        "{},{}".format(*_point(i, count, max(0.0, min(v, 100.0)) / 100))
        for i, v in enumerate(values)
    )


def radar(domains: Sequence[tuple[str, float | None]]) -> Radar:
    count = max(len(domains), 3)
    axes = []
    for index, (label, value) in enumerate(domains):
        x, y = _point(index, count, 1.0)
        lx, ly = _point(index, count, 1.18)
        anchor = "middle" if abs(lx - CENTRE) < 5 else ("start" if lx > CENTRE else "end")
        axes.append(Axis(label, value, x, y, lx, ly, anchor))
    rings = tuple(_points([ring] * count, count) for ring in RINGS)
    shape = _points([v or 0.0 for _, v in domains], count)
    return Radar(SIZE, tuple(axes), rings, shape)
