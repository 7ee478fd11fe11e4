"""Temporary interface shim (helper `tasks` owns the real module): a registry of periodic jobs."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str
    every: datetime.timedelta
    command: str
    args: tuple[str, ...]


JOBS: dict[str, Job] = {}


def register(
    name: str, *, every: datetime.timedelta, command: str, args: Sequence[str] = ()
) -> None:
    JOBS[name] = Job(name=name, every=every, command=command, args=tuple(args))
